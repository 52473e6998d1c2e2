"""Per-line keys and word counts: cached, computed in fewer passes, same values as before."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from news_pipeline.clean.lexicon import ENGLISH_STOPWORDS, GERMAN_STOPWORDS
from news_pipeline.clean.lines import _CACHED_MAX_CHARS, line_key, word_counts, words
from news_pipeline.clean.metadata import detect_language
from news_pipeline.clean.settings import DEFAULT_SETTINGS

_PIECES = ["Der", "die", "und", "the", "and", "Sie", "ÄRGER", "öl", "Straße", "İ", "ı", "ſ",
           "ﬁ", "Ⅻ", "①", "²", "٣", "12", "3,5", "x_y", "-", "'", "’", ".", " ", "  ", "\n",
           "\n\n", "\t", "„", "“", "…", "e\u0301", "Σ", "ΑΣ", "\u00a0", "\u200b", "(", ")"]


def _texts() -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=4)),
                    max_size=15).map("".join)


def _old_line_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"\d+", "0", text)
    text = re.sub(r"[^\w]+", " ", text)
    return text.strip()


@settings(max_examples=1500, deadline=None)
@given(_texts())
def test_line_key_is_the_old_normal_form(text: str) -> None:
    assert line_key(text) == _old_line_key(text)


@settings(max_examples=1500, deadline=None)
@given(_texts())
def test_word_counts_count_what_the_token_lists_hold(text: str) -> None:
    tokens = words(text)
    lowered = [t.lower() for t in tokens]
    counts = word_counts(text)
    assert counts.words == len(tokens)
    assert counts.german == sum(t in GERMAN_STOPWORDS for t in lowered)
    assert counts.english == sum(t in ENGLISH_STOPWORDS for t in lowered)
    assert counts.capitalised == sum(t[:1].isupper() for t in tokens)


def _language_of_text(text: str) -> str | None:
    tokens = [t.lower() for t in words(text)]
    if not tokens:
        return None
    german = sum(t in GERMAN_STOPWORDS for t in tokens) / len(tokens)
    english = sum(t in ENGLISH_STOPWORDS for t in tokens) / len(tokens)
    if max(german, english) < DEFAULT_SETTINGS.language_min_stop_share:
        return None
    return "de" if german >= english else "en"


@settings(max_examples=2000, deadline=None)
@given(st.lists(_texts(), max_size=6))
def test_language_of_paragraphs_is_that_of_their_joined_text(paragraphs: list[str]) -> None:
    joined = "\n\n".join(paragraphs)
    assert detect_language(paragraphs, DEFAULT_SETTINGS) == _language_of_text(joined)
    # no word spans the paragraph break: the counts add up
    assert len(words(joined)) == sum(len(words(p)) for p in paragraphs)


def test_long_lines_are_computed_without_the_cache() -> None:
    long_line = "Die Katze und der Hund. " * (_CACHED_MAX_CHARS // 10)
    assert word_counts(long_line) == word_counts(long_line)
    assert word_counts(long_line).words == 5 * (_CACHED_MAX_CHARS // 10)
    assert line_key(long_line) == _old_line_key(long_line)
