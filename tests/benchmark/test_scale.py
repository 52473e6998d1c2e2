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
    assert result["reused_warehouse"] is False
    # A second benchmark reuses the raw folder, goes through the CLI and starts from the
    # warehouse the first one left: a catch-up run instead of the full run.
    assert cli_main(["bench-scale", *args, "--reuse-warehouse"]) == 0
    again = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert again["generate_s"] == 0.0 and again["reused_warehouse"] is True
    assert again["full_run_s"] is None and again["catch_up_run_s"] > 0
    assert again["incremental_steps_s"].keys() == result["incremental_steps_s"].keys()

