"""The evaluation's scoring rule, and a smoke run on shared data when it is there."""

from __future__ import annotations

from pathlib import Path

import pytest

from news_pipeline.clean.evaluate import (
    TUNE_PAGES,
    Counts,
    evaluate_directory,
    iter_pages,
    score_output,
    split_of,
)

DATA_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "cleaning" / "trafilatura-de"


def test_scoring_follows_trafilatura_definition():
    counts = score_output("Der Haupttext steht hier.\nUnd  noch mehr.",
                          with_=["Haupttext steht", "noch mehr", "fehlt"],
                          without=["Newsletter", "Und noch"])
    # "noch mehr" matches across a double space; "Und noch" is boilerplate found: FP.
    assert (counts.tp, counts.fn, counts.fp, counts.tn) == (2, 1, 1, 1)
    assert counts.scores() == {"precision": 0.6667, "recall": 0.6667, "f1": 0.6667}


def test_no_output_counts_as_missing_everything():
    counts = score_output(None, with_=["a", "b"], without=["c"])
    assert (counts.tp, counts.fn, counts.fp, counts.tn) == (0, 2, 0, 1)
    assert Counts().scores()["f1"] == 0.0


@pytest.mark.skipif(not DATA_DIR.is_dir(), reason=f"evaluation data not found at {DATA_DIR}")
def test_evaluate_directory_smoke():
    report = evaluate_directory(DATA_DIR, limit=3)
    assert report["pages"] == 3
    assert set(report) == {"text", "html", "trafilatura_html", "pages", "splits"}
    for system in ("text", "html", "trafilatura_html"):
        assert set(report[system]) == {"precision", "recall", "f1"}
        assert 0.0 <= report[system]["f1"] <= 1.0
    # The first pages in URL order are all in the tuning split.
    assert report["splits"]["tune"] == {k: v for k, v in report.items() if k != "splits"}
    assert report["splits"]["held_out"]["pages"] == 0


def test_split_is_by_position_in_url_order():
    assert split_of(0) == split_of(TUNE_PAGES - 1) == "tune"
    assert split_of(TUNE_PAGES) == "held_out"


@pytest.mark.skipif(not DATA_DIR.is_dir(), reason=f"evaluation data not found at {DATA_DIR}")
def test_held_out_split_starts_after_the_tuning_pages():
    everything = [r.url for r in iter_pages(DATA_DIR, systems=(), limit=TUNE_PAGES + 1)]
    held_out = next(iter_pages(DATA_DIR, systems=(), limit=1, split="held_out"))
    assert held_out.split == "held_out"
    assert held_out.url == everything[TUNE_PAGES]
