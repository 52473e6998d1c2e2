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
    # boundaries and types fixed by the span repairs (news_pipeline/ner/repairs.py)
    ("DVRK", "ORG"), ("Kim Jong-un", "PER"), ("Kim Jong Il", "PER"), ("Russlands", "LOC"),
    ("Choe Son Hui", "PER"), ("Bloomberg", "ORG"), ("Komsomolsk am Amur", "LOC"),
    ("Wostotschnij", "LOC"), ("Vereinten Nationen", "ORG"), ("Weißen Hauses", "ORG"),
    ("Demokratischen Volksrepublik Korea", "LOC"), ("Demokratische Volksrepublik Korea", "LOC"),
]
# Spans that must not be produced (with any label): two names joined into one, a partial
# name, sentence-initial or lower-case phrases that are no names.
FORBIDDEN = [
    "DVRK Kim Jong-un", "DVRK Kim Jong Il", "Russlands Putin", "Son Hui", "Im Krieg",
    "enge Freund des koreanischen Volkes", "Komsomolsk",
]


def _body(raw: str) -> str:
    """The samples keep some HTML; the pipeline's cleaner removes it, this is a stand-in."""
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


@pytest.fixture(scope="module")
def found() -> set[tuple[str, str]]:
    """(text, label) of every mention in the five samples."""
    paths = sorted(RAW.glob("*.txt"))
    if not paths:
        pytest.skip(f"no sample articles in {RAW}")
    texts = [_body(p.read_text(encoding="utf-8")) for p in paths]
    return {(m.text, m.label) for ms in load_recogniser().recognise(texts) for m in ms}


@pytest.mark.parametrize(("text", "label"), EXPECTED)
def test_key_entity(found, text: str, label: str) -> None:
    assert (text, label) in found


@pytest.mark.parametrize("text", FORBIDDEN)
def test_wrong_span_absent(found, text: str) -> None:
    assert text not in {t for t, _ in found}


@pytest.mark.parametrize(("text", "label"), [
    ("Bloomberg", "LOC"), ("Demokratischen Volksrepublik Korea", "ORG")])
def test_wrong_type_absent(found, text: str, label: str) -> None:
    assert (text, label) not in found
