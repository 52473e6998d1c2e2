"""Key entities of the five sample articles (data/raw) are found with the right type."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from news_pipeline.ner import load_recogniser

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"

# (text, label) that must be found somewhere in the sample articles.
EXPECTED = [
    ("Putin", "PER"), ("Wladimir Putin", "PER"), ("Kim Jong Un", "PER"),
    ("Andrei Lankov", "PER"), ("Jens Stoltenberg", "PER"), ("Sergej Lawrow", "PER"),
    ("Nordkorea", "LOC"), ("Russland", "LOC"), ("Pjöngjang", "LOC"), ("Ukraine", "LOC"),
    ("Moskau", "LOC"), ("Vietnam", "LOC"), ("Hanoi", "LOC"), ("Seoul", "LOC"), ("China", "LOC"),
    ("Kreml", "ORG"), ("Koreanische Zentrale Nachrichtenagentur", "ORG"),
    ("Kookmin-Universität", "ORG"), ("BBC", "ORG"),
]


def _body(raw: str) -> str:
    """The samples keep some HTML; the pipeline's cleaner removes it, this is a stand-in."""
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


@pytest.fixture(scope="module")
def found() -> set[tuple[str, str]]:
    paths = sorted(RAW.glob("*.txt"))
    if not paths:
        pytest.skip(f"no sample articles in {RAW}")
    texts = [_body(p.read_text(encoding="utf-8")) for p in paths]
    return {(m.text, m.label) for ms in load_recogniser().recognise(texts) for m in ms}


@pytest.mark.parametrize(("text", "label"), EXPECTED)
def test_key_entity(found, text: str, label: str) -> None:
    assert (text, label) in found
