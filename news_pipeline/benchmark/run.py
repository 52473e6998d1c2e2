"""End-to-end benchmark: throughput against bare NER, peak memory, cost of a 1-article rerun.

    python -m news_pipeline.benchmark.run --articles 1000 [--work-dir DIR] [--corpus CSV]

Steps: generate N distinct articles (corpus.py) into WORK_DIR/raw; run the whole Dagster job
in a child process (child.py) with a fresh warehouse and DAGSTER_HOME in WORK_DIR; add one
article and run again, then once more with nothing changed (the floor of any rerun: Dagster's
run and event log, reading the stages' state); then run the same recogniser alone over the
cleaned texts the pipeline stored, with 2 and then 1 process, as the reference. Prints a
markdown table, then the results as one JSON line (the last line of stdout). Logs go to
stderr.

Memory: each pipeline run is a child process. peak_rss_mb is the larger of (a) its exact
ru_maxrss and (b) the peak, sampled every 50 ms from /proc, of the summed RSS of it and its
worker processes (the pipeline may run NER in a pool); the parent's own memory (corpus
generation, reference NER) is not counted.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path

from news_pipeline.benchmark.child import step_cpu_s, step_peak_rss_mb
from news_pipeline.benchmark.corpus import DEFAULT_CORPUS, CorpusMissing, load_sources, write_corpus
from news_pipeline.parallel import available_cores

log = logging.getLogger("news_pipeline.benchmark")

REFERENCE_CHUNK = 32  # texts per task for the reference pool: small enough to balance 2 workers
SAMPLE_EVERY_S = 0.05
# Everything a benchmark creates in its work dir (the pipeline writes reports/ next to the warehouse).
_WORK_SUBDIRS = ("raw", "warehouse", "dagster_home", "reports", "profile")


def default_work_dir() -> Path:
    return Path(tempfile.gettempdir()) / "news_pipeline_bench"


# ---------------------------------------------------------------- memory sampling (Linux /proc)

_PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def _rss_kib_and_cpu_ticks(pid: int) -> tuple[int, int]:
    """Resident memory (KiB) and user + system CPU of the process itself (not its children,
    clock ticks), from one read of /proc/PID/stat; (0, 0) for a process that is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0, 0
    # After the command's ")": utime, stime and rss are fields 14, 15 and 24 of stat.
    return int(fields[21]) * _PAGE_KIB, int(fields[11]) + int(fields[12])


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as handle:
                    children = [int(c) for c in handle.read().split()]
            except OSError:
                continue
            found.extend(children)
            todo.extend(children)
    return found


class TreeSampler(threading.Thread):
    """Peak of the summed RSS of a process and its descendants, and the CPU seconds they
    used, sampled in the background. A process's CPU counts up to its last sample (at most
    SAMPLE_EVERY_S before it exited): the worker processes live for whole steps.
    `samples` holds (time.time(), RSS of the tree in KiB, CPU seconds of the tree so far), the
    shape of child.RssSampler's, so that child's per-step functions read both."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.samples: list[tuple[float, int, float]] = []
        self._ticks: dict[int, int] = {}
        self._stop_event = threading.Event()
        self._ticks_per_s = os.sysconf("SC_CLK_TCK")

    def run(self) -> None:
        while not self._stop_event.is_set():
            total_kib = 0
            for pid in [self.pid, *_descendants(self.pid)]:
                rss_kib, ticks = _rss_kib_and_cpu_ticks(pid)
                total_kib += rss_kib
                self._ticks[pid] = max(self._ticks.get(pid, 0), ticks)
            cpu_s = sum(self._ticks.values()) / self._ticks_per_s
            self.samples.append((time.time(), total_kib, cpu_s))
            self._stop_event.wait(SAMPLE_EVERY_S)

    def stop(self) -> tuple[float, float]:
        """(peak RSS in MB, CPU seconds of the whole tree)."""
        self._stop_event.set()
        self.join()
        peak_kib = max((kib for _, kib, _ in self.samples), default=0)
        cpu_s = self.samples[-1][2] if self.samples else 0.0
        return round(peak_kib / 1024, 1), round(cpu_s, 2)


# ---------------------------------------------------------------- pipeline runs

# The folder this code was imported from (it holds the news_pipeline package).
_CODE_ROOT = Path(__file__).resolve().parents[2]


def _last_json_line(stdout: str) -> dict | None:
    lines = stdout.strip().splitlines()
    try:
        return json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        return None


def run_pipeline_process(raw_dir: Path, warehouse_dir: Path, dagster_home: Path, model: str,
                         profile: Path | None = None, environment: Mapping[str, str] | None = None
                         ) -> dict:
    """One run of the whole job in a child process (with these `environment` variables
    besides this process's); its JSON result plus wall and memory."""
    args = {"raw_dir": str(Path(raw_dir).absolute()),
            "warehouse_dir": str(Path(warehouse_dir).absolute()), "model": model,
            "profile": str(Path(profile).absolute()) if profile else None}
    env = {**os.environ, **(environment or {}), "DAGSTER_HOME": str(Path(dagster_home).absolute())}
    started = time.perf_counter()
    # `-m` puts the working directory first on sys.path, before PYTHONPATH: started from a
    # checkout, the child would run that checkout's code instead of this process's.
    child = subprocess.Popen([sys.executable, "-m", "news_pipeline.benchmark.child", json.dumps(args)],
                             stdout=subprocess.PIPE, stderr=None, env=env, text=True,
                             cwd=_CODE_ROOT)
    sampler = TreeSampler(child.pid)
    sampler.start()
    stdout, _ = child.communicate()
    tree_peak_mb, tree_cpu_s = sampler.stop()
    wall_s = time.perf_counter() - started
    result = _last_json_line(stdout)
    if child.returncode != 0 or result is None:
        detail = (result or {}).get("error") or "see its log on stderr"
        raise RuntimeError(f"pipeline run failed (exit {child.returncode}): {detail}")
    result["process_s"] = round(wall_s, 3)
    result["peak_rss_tree_mb"] = tree_peak_mb
    result["cpu_tree_s"] = tree_cpu_s
    windows = result.pop("steps_window", {})
    result["steps_cpu_tree_s"] = step_cpu_s(windows, sampler.samples)
    result["steps_peak_rss_tree_mb"] = step_peak_rss_mb(windows, sampler.samples)
    result["peak_rss_mb"] = max(tree_peak_mb, result["peak_rss_self_mb"])
    return result


# ---------------------------------------------------------------- reference: bare NER

_REFERENCE = None  # the recogniser, inherited by forked reference workers


def _recognise_chunk(texts: list[str]) -> int:
    return sum(len(mentions) for mentions in _REFERENCE.recognise(texts))


def _spacy_pipe_seconds(nlp: object, texts: list[str], processes: int) -> tuple[float, int]:
    started = time.perf_counter()
    n_entities = sum(len(doc.ents) for doc in nlp.pipe(texts, n_process=processes, batch_size=64))
    return time.perf_counter() - started, n_entities


def _cpu_with_children_s() -> float:
    """CPU seconds of this process and of its children that have exited (the reference's
    pool workers: Pool joins them)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _pool_seconds(texts: list[str], processes: int) -> tuple[float, int]:
    chunks = [texts[i:i + REFERENCE_CHUNK] for i in range(0, len(texts), REFERENCE_CHUNK)]
    started = time.perf_counter()
    if processes == 1:
        n_mentions = sum(map(_recognise_chunk, chunks))
    else:
        # fork: workers inherit the loaded model, so model loading is not timed (as in nlp.pipe).
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            n_mentions = sum(pool.imap_unordered(_recognise_chunk, chunks))
    return time.perf_counter() - started, n_mentions


def bare_ner(model: str, texts: list[str], process_counts: Sequence[int] = (2, 1)) -> dict:
    """The recogniser alone over `texts`, timed at each process count; the best one wins.

    Two processes first: on a multi-core machine that is the reference, and it runs closest
    in time to the full run it is compared with (a shared machine's speed drifts by 10-20 %
    over minutes; the one-process timing takes longest).

    spaCy recognisers run `nlp.pipe(n_process=k)`; others (the shipped CRF has no n_process)
    run `recognise` on chunks in a fork Pool of k processes.
    """
    global _REFERENCE
    from news_pipeline.ner import load_recogniser

    _REFERENCE = load_recogniser(model)
    nlp = getattr(_REFERENCE, "nlp", None)
    seconds: dict[int, float] = {}
    cpu_seconds: dict[int, float] = {}
    for processes in process_counts:
        cpu_before = _cpu_with_children_s()
        if nlp is not None:
            seconds[processes], found = _spacy_pipe_seconds(nlp, texts, processes)
        else:
            seconds[processes], found = _pool_seconds(texts, processes)
        cpu_seconds[processes] = _cpu_with_children_s() - cpu_before
        log.info("bare NER, %d process(es): %.2fs, %d mentions", processes, seconds[processes], found)
    best = min(seconds, key=seconds.get)
    return {"method": "nlp.pipe(n_process=k)" if nlp is not None else "recognise() in a fork Pool",
            "seconds_by_processes": {str(k): round(v, 3) for k, v in seconds.items()},
            "cpu_s_by_processes": {str(k): round(v, 3) for k, v in cpu_seconds.items()},
            "best_processes": best, "seconds": seconds[best], "cpu_s": cpu_seconds[best]}


# ---------------------------------------------------------------- the benchmark

def _reset(work_dir: Path) -> None:
    """Remove what an earlier benchmark left in work_dir (only the paths we create)."""
    for name in _WORK_SUBDIRS:
        path = work_dir / name
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.is_dir():
            shutil.rmtree(path)


def _cleaned_texts(warehouse_dir: Path) -> list[str]:
    from news_pipeline.warehouse import Warehouse

    return Warehouse(warehouse_dir).read("articles", ["text"])["text"].tolist()


def run_benchmark(n_articles: int, work_dir: Path, model: str = "default",
                  corpus: Path = DEFAULT_CORPUS, seed: int = 0, profile: bool = False) -> dict:
    """Generate, run, add one article, rerun, measure the reference; return the results dict."""
    if n_articles < 1:
        raise ValueError("n_articles must be at least 1")
    work_dir = Path(work_dir).resolve()
    work_dir.mkdir(parents=True, exist_ok=True)
    _reset(work_dir)
    raw_dir, warehouse_dir = work_dir / "raw", work_dir / "warehouse"
    dagster_home = work_dir / "dagster_home"
    dagster_home.mkdir()
    load_before = os.getloadavg()

    sources = load_sources(corpus)
    started = time.perf_counter()
    write_corpus(raw_dir, n_articles, sources, seed)
    log.info("generated %d articles in %s (%.1fs)", n_articles, raw_dir, time.perf_counter() - started)

    profile_file = work_dir / "profile" / "full_run.pstats" if profile else None
    if profile_file is not None:
        profile_file.parent.mkdir()
    log.info("full run on %d articles ...", n_articles)
    full = run_pipeline_process(raw_dir, warehouse_dir, dagster_home, model, profile_file)
    log.info("full run: %.1fs %s", full["run_s"], full["steps_s"])
    texts = _cleaned_texts(warehouse_dir)  # what the reference recognises: the same cleaned texts

    write_corpus(raw_dir, n_articles + 1, sources, seed, first=n_articles)
    log.info("incremental run after adding 1 article ...")
    incremental = run_pipeline_process(raw_dir, warehouse_dir, dagster_home, model)
    log.info("incremental run: %.2fs %s", incremental["run_s"], incremental["steps_s"])
    log.info("run with nothing changed ...")
    unchanged = run_pipeline_process(raw_dir, warehouse_dir, dagster_home, model)
    log.info("run with nothing changed: %.2fs %s", unchanged["run_s"], unchanged["steps_s"])

    reference = bare_ner(model, texts)
    return _results(n_articles, texts, full, incremental, unchanged, reference, load_before,
                    work_dir)


def _results(n_articles: int, texts: list[str], full: dict, incremental: dict, unchanged: dict,
             reference: dict, load_before: tuple[float, float, float], work_dir: Path) -> dict:
    tokens = sum(len(text.split()) for text in texts)
    redone = _redone(incremental)
    if max(redone.values(), default=0) > 1:
        log.warning("the rerun after adding 1 article redid %s: a stage's version changed between "
                    "the runs (code edited during the benchmark?), so incremental_run_s is not the "
                    "cost of one new article", redone)
    cores = available_cores()
    articles_per_s = n_articles / full["run_s"]
    tokens_per_s = tokens / full["run_s"]
    bare_tokens_per_s = tokens / reference["seconds"]
    return {
        "articles": n_articles,
        "articles_cleaned": len(texts),
        "tokens": tokens,
        "articles_per_s": round(articles_per_s, 2),
        "tokens_per_s": round(tokens_per_s, 1),
        "bare_ner_articles_per_s": round(len(texts) / reference["seconds"], 2),
        "bare_ner_tokens_per_s": round(bare_tokens_per_s, 1),
        "bare_ner_processes": reference["best_processes"],
        "bare_ner_seconds_by_processes": reference["seconds_by_processes"],
        "bare_ner_method": reference["method"],
        "ratio_to_bare_ner": _significant(tokens_per_s / bare_tokens_per_s),
        "bare_ner_cpu_s_by_processes": reference["cpu_s_by_processes"],
        # The run needs this much CPU in all its processes; on `cores` cores it cannot take
        # less than cpu / cores, whatever runs in parallel: the ratio cannot exceed this.
        "full_cpu_tree_s": full["cpu_tree_s"],
        "full_cpu_besides_ner_s": round(full["cpu_tree_s"] - reference["cpu_s"], 2),
        # Per step, workers included: the NER step's against the reference's cpu_s shows
        # what feeding the workers costs; the others are the CPU besides the NER.
        "full_steps_cpu_tree_s": full["steps_cpu_tree_s"],
        "full_steps_peak_rss_tree_mb": full["steps_peak_rss_tree_mb"],
        "ratio_bound_by_cpu": _significant(reference["seconds"] * cores / full["cpu_tree_s"]),
        # The ratio against a reference as fast as the run's own NER step (same model, same
        # texts, timed inside the run): the run's overhead without the reference's drift.
        "ner_step_share": _significant(full["steps_s"].get("ner_spans", 0.0) / full["run_s"]),
        "full_run_s": full["run_s"],
        "full_process_s": full["process_s"],
        "full_instance_open_s": full["instance_open_s"],
        "full_steps_s": full["steps_s"],
        "incremental_run_s": incremental["run_s"],
        "incremental_process_s": incremental["process_s"],
        "incremental_instance_open_s": incremental["instance_open_s"],
        "incremental_steps_s": incremental["steps_s"],
        "full_steps_peak_rss_main_mb": full["steps_peak_rss_main_mb"],
        "full_cpu_main_s": full["run_cpu_main_s"],
        "incremental_cpu_main_s": incremental["run_cpu_main_s"],
        "full_steps_cpu_main_s": full["steps_cpu_main_s"],
        "incremental_steps_cpu_main_s": incremental["steps_cpu_main_s"],
        "incremental_steps_peak_rss_main_mb": incremental["steps_peak_rss_main_mb"],
        "incremental_fraction": _significant(incremental["run_s"] / full["run_s"]),
        "incremental_redone": redone,
        # A run that finds nothing to do: what any rerun costs before its own work.
        "unchanged_run_s": unchanged["run_s"],
        "unchanged_fraction": _significant(unchanged["run_s"] / full["run_s"]),
        "unchanged_steps_s": unchanged["steps_s"],
        "unchanged_redone": _redone(unchanged),
        "peak_rss_mb": full["peak_rss_mb"],
        "peak_rss_main_mb": full["peak_rss_self_mb"],
        "peak_rss_tree_sampled_mb": full["peak_rss_tree_mb"],
        "incremental_peak_rss_mb": incremental["peak_rss_mb"],
        "cpu_count": os.cpu_count(),
        "cores_available": cores,
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "work_dir": str(work_dir),
    }


def _significant(value: float, digits: int = 4) -> float:
    """Rounded to significant digits: ratios of tiny test runs must not round to 0."""
    return float(f"{value:.{digits}g}")


def _redone(run: dict) -> dict[str, int]:
    """Articles each incremental stage processed in a run (new + changed), from its metadata."""
    return {asset: int(meta.get("new", 0)) + int(meta.get("changed", 0))
            for asset, meta in run.get("assets", {}).items() if "new" in meta}


def render_table(results: dict) -> str:
    r = results
    rows = [
        ("articles", f"{results['articles']} ({results['tokens']:,} whitespace tokens after cleaning)"),
        ("end to end", f"{r['articles_per_s']:.1f} articles/s, {r['tokens_per_s']:,.0f} tokens/s"),
        ("bare NER reference", f"{results['bare_ner_articles_per_s']:.1f} articles/s, "
                               f"{results['bare_ner_tokens_per_s']:,.0f} tokens/s "
                               f"({r['bare_ner_processes']} process(es), {r['bare_ner_method']})"),
        ("ratio to bare NER", f"{results['ratio_to_bare_ner']:.2f} (target ≥ 0.8; at most "
                              f"{results['ratio_bound_by_cpu']:.2f} on {r['cores_available']} cores: the "
                              f"run's processes used {r['full_cpu_tree_s']:.0f} CPU s, "
                              f"{r['full_cpu_besides_ner_s']:.0f} s of them besides the NER)"),
        ("NER step's share of the run", f"{r['ner_step_share']:.2f} (the ratio against a "
                                        "reference as fast as the run's own NER step)"),
        ("full run", f"{results['full_run_s']:.1f} s (steps: "
                     + ", ".join(f"{k} {v:.1f}s" for k, v in results["full_steps_s"].items()) + ")"),
        ("rerun after +1 article", f"{results['incremental_run_s']:.2f} s = "
                                   f"{100 * results['incremental_fraction']:.2f}% of the full run "
                                   "(target ≤ 2%); redone: "
                                   + ", ".join(f"{k} {v}" for k, v in results["incremental_redone"].items())),
        ("rerun, nothing changed", f"{results['unchanged_run_s']:.2f} s = "
                                   f"{100 * results['unchanged_fraction']:.2f}% of the full run "
                                   "(the floor of every rerun)"),
        ("peak RSS (full run)", f"{results['peak_rss_mb']:.0f} MB (main process "
                                f"{results['peak_rss_main_mb']:.0f} MB)"),
        ("machine", f"{results['cpu_count']} cores, load before {results['load_avg_before'][0]}"),
    ]
    lines = ["| metric | value |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The benchmark's options, shared by `news-pipeline bench` and `python -m`."""
    parser.add_argument("--articles", type=int, default=1000, help="corpus size N (default 1000)")
    parser.add_argument("--work-dir", type=Path, default=default_work_dir(),
                        help=f"scratch folder for corpus, warehouse, Dagster home (default "
                             f"{default_work_dir()}); its earlier benchmark contents are removed")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="10kGNAD test.csv to generate articles from")
    parser.add_argument("--model", default="default", help="recogniser spec (default: shipped)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the full run into WORK_DIR/profile/full_run.pstats")


def run_from_args(args: argparse.Namespace) -> int:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                            format="%(asctime)s %(name)s: %(message)s")
    try:
        results = run_benchmark(args.articles, args.work_dir, args.model, args.corpus, args.seed,
                                args.profile)
    except CorpusMissing as error:
        print(f"news-pipeline bench: {error}", file=sys.stderr)
        return 2
    print(render_table(results))
    print(json.dumps(results, ensure_ascii=False), flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="news-pipeline bench", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run_from_args(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
