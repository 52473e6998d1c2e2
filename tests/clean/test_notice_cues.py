"""notice_cues matches lower-cased lines case-sensitively: it must find what IGNORECASE finds."""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from news_pipeline.clean.classify import (
    _CUES,
    _EXOTIC_CASE,
    _SITE_SELF,
    document_cues,
    literal_needles,
    names_site,
    notice_cues,
)
from news_pipeline.clean.lexicon import NOTICE_CUES, SITE_SELF
from news_pipeline.clean.linemodel import _BIO, _BIO_CUE, _INLINE_CREDIT, _INLINE_CREDIT_CUE


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
    # a lookbehind in front consumes nothing
    assert literal_needles(r"(?<=[a-z] )(?:Sie|Ihnen|Ihre?[mnrs]?)\b") == ("Sie", "Ihnen", "Ihr")
    # shapes it does not take apart: the pattern then always runs
    assert literal_needles(r"(?<=(a) )(?:Sie|Ihnen)\b") == ()
    assert literal_needles(r"x(?<=[a-z] )Sie") == ()
    assert literal_needles(r"(?:a|b)|(?:c)") == ()
    assert literal_needles(r"x?|y") == ()
    assert literal_needles(r"\d+ Kommentare") == ()
    # every case-insensitive cue gets needles (else the shortcut silently stops working)
    assert all(cue.needles for cue in _CUES if cue.on_lowered)


_LOWERED = (*_CUES, _SITE_SELF, _BIO_CUE, _INLINE_CREDIT_CUE)


def test_lower_equals_ignorecase_for_every_character_but_the_exotic_ones() -> None:
    """The assumption behind the shortcut, checked over the whole Basic Multilingual Plane:
    a character matches a pattern letter under IGNORECASE exactly when its lower() is that
    letter, and lower() keeps whether it is a word character."""
    letters = sorted({ch for cue in _LOWERED if cue.on_lowered for ch in cue.pattern.pattern
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


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.lists(st.one_of(st.sampled_from(_CUE_WORDS), st.text(max_size=6)),
                         max_size=8).map(" ".join), max_size=6))
def test_cues_narrowed_to_the_document_find_what_each_line_has(lines: list[str]) -> None:
    narrowed = document_cues(lines)
    for line in lines:
        assert notice_cues(line, narrowed) == _ignorecase_cues(line)


def test_a_document_without_a_cue_needle_skips_that_cue() -> None:
    names = {cue.name for cue in document_cues(["Der Hund bellt.", "Die Katze schläft."])}
    assert "privacy" not in names and "comment" not in names
    assert "address" not in names  # no "Sie", "Ihnen", "Ihr": its lookbehind pattern never runs


_SITE_WORDS = ["uns", "UNSERE", "unserem", "Artikel", "Beitrag", "Seite", "Website", "infos",
               "Info", "SHOP", "Kunst", "Dunst", "ſhop", "ınfo", "İnfo", "K", "-", "."]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_SITE_WORDS), st.text(max_size=6)), max_size=10))
def test_names_site_equals_the_ignorecase_search(parts: list[str]) -> None:
    text = " ".join(parts)
    assert names_site(text) == bool(SITE_SELF.search(text))


def test_site_self_is_searched_with_needles() -> None:
    assert _SITE_SELF.on_lowered and "newsletter" in _SITE_SELF.needles


_BIO_WORDS = ["ist", "war", "arbeitet", "Schreibt", "lebt", "studierte", "volontierte",
              "Redakteur", "redakteurin", "JOURNALIST", "journalistin", "Autor", "autorin",
              "korrespondent", "Korrespondentin", "Chefredakteur", "reporter", "Reporterin",
              "freie", "freier", "freien", "Foto", "Bilds", "Quelle", "grafik", ":", " :",
              "als", "bei", "ſ", "ı", "İ", "K"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_BIO_WORDS), st.text(max_size=5)), max_size=12))
def test_line_model_cues_equal_their_ignorecase_search(parts: list[str]) -> None:
    text = " ".join(parts)
    assert _BIO_CUE.search(text) == bool(_BIO.search(text))
    assert _INLINE_CREDIT_CUE.search(text) == bool(_INLINE_CREDIT.search(text))


def test_every_profession_of_the_bio_pattern_holds_a_needle() -> None:
    professions = _BIO.pattern.rsplit("(?:", 1)[1].split(")")[0].replace("[rn]?", "").split("|")
    assert len(professions) == 12
    assert all(any(needle in word for needle in _BIO_CUE.needles) for word in professions)
    assert _INLINE_CREDIT_CUE.needles == ("foto", "bild", "quelle", "grafik")
    assert _INLINE_CREDIT.pattern.startswith(r"\b(?:foto|bild|quelle|grafik)")
