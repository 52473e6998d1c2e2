"""`news-pipeline bench-scale` on a tiny corpus: its JSON contract, and that the +1 rerun
redoes one article in every incremental stage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from news_pipeline.benchmark.corpus import load_sources
from news_pipeline.benchmark.scale import WORDS_PER_ARTICLE, main, short_article
from news_pipeline.cli import main as cli_main


def test_short_articles_are_deterministic_distinct_and_short(tiny_corpus: Path) -> None:
    sources = load_sources(tiny_corpus)
    texts = [short_article(sources, i, seed=0) for i in range(50)]
    assert texts == [short_article(sources, i, seed=0) for i in range(50)]
    assert len(set(texts)) == 50
    assert all(WORDS_PER_ARTICLE <= len(t.split()) <= WORDS_PER_ARTICLE + 80 for t in texts)


@pytest.mark.slow
def test_tiny_scale_benchmark_reports_its_keys(tmp_path: Path, tiny_corpus: Path, tiny_model: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "work"
    args = ["--articles", "30", "--work-dir", str(work), "--corpus", str(tiny_corpus),
            "--model", tiny_model]
    assert main(args) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["articles"] == 30
    for key in ("full_run_s", "incremental_run_s", "unchanged_run_s", "peak_rss_main_mb"):
        assert result[key] > 0
    assert len(list((work / "raw").rglob("*.txt"))) == 30  # the +1 article is gone again
    # A second benchmark reuses the raw folder and goes through the CLI.
    assert cli_main(["bench-scale", *args]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["generate_s"] == 0.0


@pytest.mark.slow
def test_a_scale_benchmark_can_start_from_the_warehouse_of_an_earlier_one(
        tmp_path: Path, tiny_corpus: Path, tiny_model: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--articles", "20", "--work-dir", str(tmp_path / "work"), "--corpus", str(tiny_corpus),
            "--model", tiny_model, "--reuse-warehouse"]
    assert main(args) == 0  # nothing to reuse yet: a full run
    first = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert first["reused_warehouse"] is False and first["full_run_s"] > 0
    assert main(args) == 0
    second = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert second["reused_warehouse"] is True and second["full_run_s"] is None
    assert second["catch_up_run_s"] > 0
    assert second["incremental_steps_s"].keys() == first["incremental_steps_s"].keys()
