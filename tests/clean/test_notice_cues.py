"""notice_cues matches lower-cased lines case-sensitively: it must find what IGNORECASE finds."""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from news_pipeline.clean.classify import _CUES, _EXOTIC_CASE, literal_needles, notice_cues
from news_pipeline.clean.lexicon import NOTICE_CUES


def _ignorecase_cues(text: str) -> frozenset[str]:
    return frozenset(name for name, pattern in NOTICE_CUES.items() if pattern.search(text))


def test_the_case_insensitive_cues_run_on_the_lowered_line() -> None:
    lowered = {cue.name for cue in _CUES if cue.on_lowered}
    assert lowered == {n for n, p in NOTICE_CUES.items() if p.flags & re.IGNORECASE}
    assert "address" not in lowered  # capitalised "Sie" is the cue: stays case-sensitive


def test_literal_needles_of_each_shape() -> None:
    assert literal_needles(r"kommentar|beiträge?\b|\bposting") == ("kommentar", "beiträg", "posting")
    assert literal_needles(r"\b(?:deine?[mnrs]?|dich|dir)\b") == ("dein", "dich", "dir")
    assert literal_needles(r"zur verfügung|leser,|e-mail-adresse") == (
        "zur verfügung", "leser,", "e-mail-adresse")
    # shapes it does not take apart: the pattern then always runs
    assert literal_needles(r"(?<=[a-z] )(?:Sie|Ihnen)\b") == ()
    assert literal_needles(r"(?:a|b)|(?:c)") == ()
    assert literal_needles(r"x?|y") == ()
    assert literal_needles(r"\d+ Kommentare") == ()
    # every case-insensitive cue gets needles (else the shortcut silently stops working)
    assert all(cue.needles for cue in _CUES if cue.on_lowered)


def test_lower_equals_ignorecase_for_every_character_but_the_exotic_ones() -> None:
    """The assumption behind the shortcut, checked over the whole Basic Multilingual Plane:
    a character matches a pattern letter under IGNORECASE exactly when its lower() is that
    letter, and lower() keeps whether it is a word character."""
    letters = sorted({ch for cue in _CUES if cue.on_lowered for ch in cue.pattern.pattern
                      if ch.isalpha()})
    assert "ä" in letters and "k" in letters
    matchers = [(letter, re.compile(re.escape(letter), re.IGNORECASE)) for letter in letters]
    word = re.compile(r"\w")
    for code in range(min(sys.maxunicode, 0xFFFF) + 1):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF or _EXOTIC_CASE.match(char):
            continue
        lowered = char.lower()
        assert len(lowered) == 1, hex(code)
        assert bool(word.match(char)) == bool(word.match(lowered)), hex(code)
        for letter, matcher in matchers:
            assert bool(matcher.fullmatch(char)) == (lowered == letter), (hex(code), letter)


_CUE_WORDS = ["Kommentar", "KOMMENTARE", "Datenschutz", "Newsletter", "abonnieren", "Login",
              "Netiquette", "AGB", "Forum", "Redaktion", "team", "Nutzer", "Pflichtfeld",
              "zur Verfügung", "Haftung", "Sie", "Ihnen", "dir", "Deine", "E-Mail-Adresse",
              "Beiträge", "ſ", "ı", "İ", "K", "Posting", "leser,", "Urheberrecht"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_CUE_WORDS), st.text(max_size=6)), max_size=12))
def test_notice_cues_equal_the_ignorecase_search(parts: list[str]) -> None:
    text = " ".join(parts)
    assert notice_cues(text) == _ignorecase_cues(text)


def test_exotic_case_lines_still_match_like_ignorecase() -> None:
    text = "Wir moderıeren nicht: Kommentare ſind geſchloſſen, İhre Daten"
    assert notice_cues(text) == _ignorecase_cues(text)
    assert "comment" in notice_cues("KOMMENTARE geschlossen")
