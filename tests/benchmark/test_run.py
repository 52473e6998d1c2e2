"""A tiny end-to-end benchmark: every reported key is there and the numbers add up."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from news_pipeline.benchmark import child
from news_pipeline.benchmark import run as bench

REQUIRED_KEYS = {"articles", "articles_per_s", "tokens_per_s", "bare_ner_tokens_per_s",
                 "ratio_to_bare_ner", "full_run_s", "incremental_run_s", "incremental_fraction",
                 "peak_rss_mb"}


@pytest.mark.slow
def test_tiny_benchmark_reports_all_keys(tmp_path: Path, tiny_corpus: Path, tiny_model: str,
                                         capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "work"
    # Started from another checkout, the runs must still use this process's code.
    decoy = tmp_path / "other_checkout" / "news_pipeline"
    decoy.mkdir(parents=True)
    (decoy / "__init__.py").write_text("raise ImportError('the code of another checkout')\n")
    monkeypatch.chdir(decoy.parent)
    code = bench.main(["--articles", "20", "--work-dir", str(work), "--corpus", str(tiny_corpus),
                       "--model", tiny_model])
    assert code == 0
    out = capsys.readouterr().out.strip().splitlines()
    results = json.loads(out[-1])  # the last stdout line is the JSON object
    assert out[0].startswith("| metric | value |")
    assert results.keys() >= REQUIRED_KEYS
    assert results["articles"] == 20 and results["articles_cleaned"] == 20
    assert results["tokens"] > 20 * 50
    assert results["full_run_s"] > 0 and results["incremental_run_s"] > 0
    assert results["incremental_fraction"] == pytest.approx(
        results["incremental_run_s"] / results["full_run_s"], rel=1e-3)
    assert results["ratio_to_bare_ner"] == pytest.approx(
        results["tokens_per_s"] / results["bare_ner_tokens_per_s"], rel=1e-2)
    assert results["bare_ner_method"].startswith("nlp.pipe")  # a spaCy model: its own n_process
    assert set(results["bare_ner_seconds_by_processes"]) == {"1", "2"}
    assert sum(results["bare_ner_cpu_s_by_processes"].values()) > 0  # (a tiny model: ms each)
    # The whole process tree's CPU: the main process's share of the run is part of it.
    assert results["full_cpu_tree_s"] > results["full_cpu_main_s"] > 0
    best = results["tokens"] / results["bare_ner_tokens_per_s"]  # the reference's seconds
    assert results["ratio_bound_by_cpu"] == pytest.approx(
        best * results["cores_available"] / results["full_cpu_tree_s"], rel=1e-2)
    assert results["ner_step_share"] == pytest.approx(
        results["full_steps_s"]["ner_spans"] / results["full_run_s"], rel=1e-3)
    assert 20 < results["peak_rss_mb"] < 4000
    steps_rss = results["full_steps_peak_rss_main_mb"]
    assert set(steps_rss) <= set(results["full_steps_s"]) and "ner_spans" in steps_rss
    assert max(steps_rss.values()) <= results["peak_rss_main_mb"]
    assert results["incremental_cpu_main_s"] > 0 and "ner_spans" in results["full_steps_cpu_main_s"]
    # Per step, from the tree's samples (two samplers 50 ms apart: the main process's figure
    # can exceed the tree's by what it spends in a sample period, so they are not compared).
    tree_cpu = results["full_steps_cpu_tree_s"]
    assert set(tree_cpu) == set(results["full_steps_cpu_main_s"]) and tree_cpu["ner_spans"] > 0
    assert max(results["full_steps_peak_rss_tree_mb"].values()) <= results["peak_rss_tree_sampled_mb"]
    # The rerun saw exactly one new article: each incremental stage did that one only.
    redone = results["incremental_redone"]
    assert {k: redone.get(k) for k in ("raw_articles", "articles", "ner_spans")} == {
        "raw_articles": 1, "articles": 1, "ner_spans": 1}, redone
    # The run after it found nothing to do.
    assert results["unchanged_run_s"] > 0 and set(results["unchanged_redone"].values()) == {0}
    assert results["unchanged_fraction"] == pytest.approx(
        results["unchanged_run_s"] / results["full_run_s"], rel=1e-3)
    assert len(list((work / "raw").rglob("*.txt"))) == 21


BURN_IN_A_GRANDCHILD = """
import subprocess, sys
burn = "import time\\nend = time.process_time() + 0.6\\nwhile time.process_time() < end: pass"
subprocess.run([sys.executable, "-c", burn], check=True)
"""


def test_tree_sampler_counts_the_cpu_of_descendants() -> None:
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", BURN_IN_A_GRANDCHILD])
    sampler = bench.TreeSampler(process.pid)
    sampler.start()
    assert process.wait(timeout=60) == 0
    ended = time.time()
    time.sleep(2 * bench.SAMPLE_EVERY_S)  # a sample after the end
    peak_mb, cpu_s = sampler.stop()
    assert cpu_s >= 0.5 and peak_mb > 5
    # The samples cut at a window (from the first sample, before the grandchild starts, to
    # the end): the grandchild's burn is in the tree's CPU of that window.
    window = {"burn": (sampler.samples[0][0], ended)}
    assert child.step_cpu_s(window, sampler.samples)["burn"] >= 0.5


def test_step_peak_rss_takes_the_samples_inside_each_step() -> None:
    windows = {"a": (10.0, 11.0), "b": (11.5, 12.0), "c": (20.0, 21.0)}
    samples = [(9.9, 4096, 1.0), (10.2, 2048, 1.5), (10.9, 3072, 1.75), (11.6, 1024, 2.0),
               (12.5, 8192, 4.0)]
    assert child.step_peak_rss_mb(windows, samples) == {"a": 3.0, "b": 1.0}
    # From the last sample before the start to the first after the end.
    assert child.step_cpu_s(windows, samples) == {"a": 1.0, "b": 2.25}


def test_bad_corpus_path_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = bench.main(["--articles", "5", "--work-dir", str(tmp_path), "--corpus",
                       str(tmp_path / "missing.csv")])
    assert code == 2
    assert "10kGNAD" in capsys.readouterr().err


def test_reset_removes_only_benchmark_paths(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "keep.txt").write_text("mine")
    bench._reset(tmp_path)
    assert not (tmp_path / "raw").exists() and (tmp_path / "keep.txt").exists()


def test_failed_pipeline_run_raises(tmp_path: Path) -> None:
    home = tmp_path / "dagster_home"
    home.mkdir()
    with pytest.raises(RuntimeError, match="pipeline run failed"):
        bench.run_pipeline_process(tmp_path / "missing_raw", tmp_path / "warehouse", home, "default")
