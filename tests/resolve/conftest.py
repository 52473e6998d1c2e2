"""Hand-made mentions: what a recogniser would return for short German texts."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd
import pytest

_SENTENCE_END = re.compile(r"[.!?]\s|\n")


def make_spans(article_id: str, text: str, names: Iterable[tuple[str, str]]) -> pd.DataFrame:
    """Every whole-word occurrence of each (surface, label), longest surfaces first and
    without overlaps, with the sentence index counted from sentence ends before it."""
    taken: list[tuple[int, int]] = []
    rows = []
    for surface, label in sorted(names, key=lambda n: -len(n[0])):
        for m in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            sentence = len(_SENTENCE_END.findall(text[: m.start()]))
            rows.append((article_id, m.start(), m.end(), label, surface, sentence))
    frame = pd.DataFrame(rows, columns=["article_id", "start", "end", "label", "text",
                                        "sentence_index"])
    return frame.sort_values("start").reset_index(drop=True)


def make_corpus(*articles: pd.DataFrame) -> pd.DataFrame:
    return pd.concat(articles, ignore_index=True)


@pytest.fixture(scope="session")
def spans():
    """Fixture, not an import: the tests directory has several conftest modules."""
    return make_spans


@pytest.fixture(scope="session")
def corpus():
    return make_corpus
