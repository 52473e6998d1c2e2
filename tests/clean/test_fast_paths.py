"""Cheap pre-checks in front of costly regular expressions must not change their answer."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from news_pipeline.clean.classify import _LIST_SEPARATORS, _has_list_separator
from news_pipeline.clean.decode import _ALLOWED_CONTROLS, control_characters
from news_pipeline.clean.lexicon import CREDIT, DOMAIN
from news_pipeline.clean.lines import (
    _SPACE_BEFORE_PUNCT,
    WORD,
    _tidy,
    ends_sentence,
    ends_statement,
)
from news_pipeline.clean.markup import _BROKEN_TAG, _MARKUP, has_markup
from news_pipeline.clean.metadata import find_source

_PIECES = ["<p>", "</div>", "strong>", "&amp;", "&#228;", "<!--", "a > b", "spiegel.de",
           "www.zeit.DE", "taz.de/!123", "Ende. Neu", "x.y", "faz.net", "orf.at", ".", "<", ">",
           "&", "Text", " ", "\n", "ſ", "K"]


def _joined(pieces: list[str], max_random: int, max_pieces: int) -> st.SearchStrategy[str]:
    """Texts glued from `pieces` and short random strings."""
    return st.lists(st.one_of(st.sampled_from(pieces), st.text(max_size=max_random)),
                    max_size=max_pieces).map("".join)


def _texts() -> st.SearchStrategy[str]:
    return _joined(_PIECES, 5, 10)


@settings(max_examples=1000, deadline=None)
@given(_texts())
def test_has_markup_equals_the_full_search(text: str) -> None:
    assert has_markup(text) == (bool(_MARKUP.search(text)) or bool(_BROKEN_TAG.search(text)))


def _most_named_site(lines: list[str]) -> str | None:
    counts: dict[str, int] = {}
    for line in lines:
        for match in DOMAIN.finditer(line):
            site = match.group(0).lower().removeprefix("www.")
            counts[site] = counts.get(site, 0) + 1
    return max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0] if counts else None


@settings(max_examples=1000, deadline=None)
@given(st.lists(_texts(), max_size=5))
def test_find_source_equals_scanning_every_line(lines: list[str]) -> None:
    assert find_source(lines) == _most_named_site(lines)


def test_find_source_sees_domains_in_any_case() -> None:
    assert find_source(["Quelle: WWW.Spiegel.DE", "mehr auf spiegel.de"]) == "spiegel.de"
    assert find_source(["Ein Satz. Noch einer."]) is None


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x3000), max_size=40))
def test_control_characters_are_counted_like_a_scan_of_every_character(text: str) -> None:
    slow = sum(1 for char in text if char < " " and char not in _ALLOWED_CONTROLS)
    assert control_characters(text.encode("utf-8")) == slow
    encodable = "".join(char for char in text if char.encode("cp1252", "ignore"))
    assert control_characters(encodable.encode("cp1252")) == sum(
        1 for char in encodable if char < " " and char not in _ALLOWED_CONTROLS)


# The regular expressions that lines.py replaced by cheaper equivalents, as references.
_TERMINAL = re.compile(r"[.!?…:;][\"'“”»«›‹)\]]*$")
_FULL_STOP = re.compile(r"(?<!\.)\.[\"'“”»«›‹)\]]*$")
_WS_RUN = re.compile(r"[ \t\f\v\r]+")
_LINE_PIECES = [".", "..", "…", "!", "?", ":", ";", ",", "\"", "'", "“", "”", "»", "«", ")", "]",
                " ", "  ", "\t", "\r", "\f", "\v", "\u2028", "\x85", "Wort", "a", "1", "_", "(",
                "|", "/", "•", "·", "©", "Foto: dpa", "(Bild: AFP)"]


def _line_texts() -> st.SearchStrategy[str]:
    return _joined(_LINE_PIECES, 3, 12)


@settings(max_examples=2000, deadline=None)
@given(_line_texts())
def test_line_ends_are_the_regex_answers(text: str) -> None:
    assert ends_sentence(text) == bool(_TERMINAL.search(text.rstrip()))
    assert ends_statement(text) == bool(_FULL_STOP.search(text.rstrip()))


@settings(max_examples=2000, deadline=None)
@given(_line_texts())
def test_tidy_equals_replacing_every_run_of_spacing(text: str) -> None:
    slow = _SPACE_BEFORE_PUNCT.sub(r"\1", _WS_RUN.sub(" ", text).strip())
    assert _tidy(text) == slow


@settings(max_examples=2000, deadline=None)
@given(_line_texts())
def test_shape_pre_checks_equal_the_full_searches(text: str) -> None:
    if CREDIT.search(text):
        assert ":" in text or "©" in text
    if _LIST_SEPARATORS.search(text):
        assert _has_list_separator(text)


# WORD as it was written first (an alternation inside a repeat, slower in Python's re): the
# cleaner's output depends on the words it finds, so the faster form must find the same.
_WORD_AS_FIRST_WRITTEN = re.compile(r"[^\W\d_](?:[^\W_]+|[-'’.](?=[^\W_]))*")
_WORD_PIECES = ["-", "'", "’", ".", "_", "9", "a", "Ä", "ß", "x-", "-y", "..", "e\u0301", "٣",
                "ǅ", "Ⅻ", "²", " ", "\n", "Bundes-Tag", "O'Neill", "z.B.", "U.S.A"]


@settings(max_examples=2000, deadline=None)
@given(_joined(_WORD_PIECES, 3, 12))
def test_words_are_those_of_the_first_written_pattern(text: str) -> None:
    assert WORD.findall(text) == _WORD_AS_FIRST_WRITTEN.findall(text)
