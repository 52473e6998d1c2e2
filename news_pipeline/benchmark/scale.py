"""`news-pipeline bench-scale`: what one new article costs as the corpus grows.

N short articles (a title and about 60 words of real German news prose from 10kGNAD,
recombined deterministically, each distinct) so that the pipeline's own cost per stored
article shows, not the NER's per word. Three runs, each a child process with a fresh
interpreter: the full run on N articles, a rerun after adding one article, and a rerun with
nothing changed. The last stdout line is JSON (articles, full_run_s, incremental_run_s,
unchanged_run_s, peak_rss_main_mb, ...).

The generated raw folder is kept in WORK_DIR/raw and reused when it already holds the same N
articles (writing a million files takes minutes); the warehouse and Dagster home are new for
every benchmark, unless `--reuse-warehouse` finds the warehouse an earlier benchmark of the same
N left: then a catch-up run (the earlier +1 article leaves; a new version of a stage redoes
its work) replaces the full run, so the reruns of new code are measured on a large warehouse
without building it again (`full_run_s` is then null).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from news_pipeline import settings
from news_pipeline.benchmark.corpus import DEFAULT_CORPUS, CorpusMissing, load_sources, relative_path
from news_pipeline.benchmark.run import default_work_dir, run_pipeline_process

log = logging.getLogger("news_pipeline.benchmark.scale")

WORDS_PER_ARTICLE = 60
_MARKER = ".bench-scale.json"  # what the raw folder was generated with
_WAREHOUSE_MARKER = "warehouse.bench-scale.json"  # what the warehouse holds, after a full run


def short_article(sources: list[list[str]], index: int, seed: int) -> str:
    """Article `index`: a title naming it (so that every article differs) and sentences of
    two source articles until about WORDS_PER_ARTICLE words; a pure function of its arguments."""
    rng = random.Random(f"news-bench-scale:{seed}:{index}")
    sentences: list[str] = []
    words = 0
    while words < WORDS_PER_ARTICLE:
        source = sources[rng.randrange(len(sources))]
        start = rng.randrange(len(source))
        for sentence in source[start:start + 2]:
            sentences.append(sentence)
            words += len(sentence.split())
    return f"Meldung {index}\n\n" + " ".join(sentences) + "\n"


def write_short_corpus(raw_dir: Path, first: int, last: int, sources: list[list[str]],
                       seed: int) -> None:
    """Articles first..last-1 under raw_dir, 1,000 per folder."""
    for index in range(first, last):
        path = raw_dir / relative_path(index)
        if index % 1000 == 0:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(short_article(sources, index, seed), encoding="utf-8")


def _prepare_raw(raw_dir: Path, n_articles: int, sources: list[list[str]], seed: int) -> float:
    """The raw folder of exactly N articles (reused if generated before); seconds spent."""
    wanted = {"articles": n_articles, "seed": seed, "words": WORDS_PER_ARTICLE}
    marker = raw_dir / _MARKER
    if marker.is_file() and json.loads(marker.read_text()) == wanted:
        extra = raw_dir / relative_path(n_articles)  # the +1 article of an earlier benchmark
        extra.unlink(missing_ok=True)
        return 0.0
    started = time.perf_counter()
    shutil.rmtree(raw_dir, ignore_errors=True)
    raw_dir.mkdir(parents=True)
    write_short_corpus(raw_dir, 0, n_articles, sources, seed)
    marker.write_text(json.dumps(wanted))
    return time.perf_counter() - started


def run_scale_benchmark(n_articles: int, work_dir: Path, model: str = "default",
                        corpus: Path = DEFAULT_CORPUS, seed: int = 0,
                        reuse_warehouse: bool = False, raw_scan: settings.RawScan = "auto") -> dict:
    if n_articles < 1:
        raise ValueError("n_articles must be at least 1")
    work_dir = Path(work_dir).resolve()
    raw_dir, warehouse_dir, home = work_dir / "raw", work_dir / "warehouse", work_dir / "dagster_home"
    wanted = {"articles": n_articles, "seed": seed, "words": WORDS_PER_ARTICLE, "model": model}
    marker = work_dir / _WAREHOUSE_MARKER
    reuse = (reuse_warehouse and marker.is_file() and json.loads(marker.read_text()) == wanted
             and warehouse_dir.is_dir())
    if reuse_warehouse and not reuse:
        log.info("no warehouse of an earlier benchmark of %d articles in %s: a full run builds one",
                 n_articles, work_dir)
    if not reuse:
        marker.unlink(missing_ok=True)
        shutil.rmtree(warehouse_dir, ignore_errors=True)
    for stale in (home, work_dir / "reports"):
        shutil.rmtree(stale, ignore_errors=True)
    home.mkdir(parents=True)
    sources = load_sources(corpus)
    generate_s = _prepare_raw(raw_dir, n_articles, sources, seed)
    log.info("%d articles in %s (generated in %.1fs)", n_articles, raw_dir, generate_s)

    runs = {}
    for name in ("catch_up" if reuse else "full", "incremental", "unchanged"):
        if name == "incremental":
            write_short_corpus(raw_dir, n_articles, n_articles + 1, sources, seed)
        log.info("%s run ...", name)
        runs[name] = run_pipeline_process(raw_dir, warehouse_dir, home, model,
                                          environment={settings.RAW_SCAN_ENV: raw_scan})
        log.info("%s run: %.2fs, main process peak %.0f MB, steps %s", name, runs[name]["run_s"],
                 runs[name]["peak_rss_self_mb"], runs[name]["steps_s"])
        if name == "full":
            marker.write_text(json.dumps(wanted))
    (raw_dir / relative_path(n_articles)).unlink()  # the folder holds N articles again
    full_s = runs["full"]["run_s"] if "full" in runs else None
    return {
        "articles": n_articles, "words_per_article": WORDS_PER_ARTICLE,
        "full_run_s": full_s,
        "articles_per_s": round(n_articles / full_s, 1) if full_s else None,
        "reused_warehouse": reuse, "raw_scan": raw_scan,
        **({"catch_up_run_s": runs["catch_up"]["run_s"]} if reuse else {}),
        "incremental_run_s": runs["incremental"]["run_s"],
        "unchanged_run_s": runs["unchanged"]["run_s"],
        "peak_rss_main_mb": max(run["peak_rss_self_mb"] for run in runs.values()),
        **{f"{name}_peak_rss_main_mb": run["peak_rss_self_mb"] for name, run in runs.items()},
        **{f"{name}_steps_s": run["steps_s"] for name, run in runs.items()},
        "generate_s": round(generate_s, 1), "cpu_count": os.cpu_count(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--articles", type=int, default=10_000, help="corpus size N (default 10000)")
    parser.add_argument("--work-dir", type=Path, default=default_work_dir() / "scale",
                        help="scratch folder; its raw/ is kept and reused for the same N")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="10kGNAD test.csv to take the sentences from")
    parser.add_argument("--model", default="default", help="recogniser spec (default: shipped)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reuse-warehouse", action="store_true",
                        help="start from the warehouse an earlier benchmark of the same N left "
                             "(a catch-up run instead of the full run)")
    parser.add_argument("--raw-scan", choices=settings.RAW_SCANS, default="auto",
                        help="how the runs read the raw folder (NEWS_PIPELINE_RAW_SCAN; "
                             "default: auto)")


def run_from_args(args: argparse.Namespace) -> int:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                            format="%(asctime)s %(name)s: %(message)s")
    try:
        results = run_scale_benchmark(args.articles, args.work_dir, args.model, args.corpus,
                                      args.seed, args.reuse_warehouse, args.raw_scan)
    except CorpusMissing as error:
        print(f"news-pipeline bench-scale: {error}", file=sys.stderr)
        return 2
    print(json.dumps(results, ensure_ascii=False), flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="news-pipeline bench-scale",
                                     description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run_from_args(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
