"""The evaluation's scoring rule, and a smoke run on shared data when it is there."""

from __future__ import annotations

from pathlib import Path

import pytest

from news_pipeline.clean.evaluate import Counts, evaluate_directory, score_output

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
    assert set(report) == {"text", "html", "trafilatura_html", "pages"}
    for system in ("text", "html", "trafilatura_html"):
        assert set(report[system]) == {"precision", "recall", "f1"}
        assert 0.0 <= report[system]["f1"] <= 1.0
