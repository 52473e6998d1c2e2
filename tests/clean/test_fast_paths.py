"""Cheap pre-checks in front of costly regular expressions must not change their answer."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from news_pipeline.clean.decode import _ALLOWED_CONTROLS, _CONTROLS
from news_pipeline.clean.lexicon import DOMAIN
from news_pipeline.clean.markup import _BROKEN_TAG, _MARKUP, has_markup
from news_pipeline.clean.metadata import find_source

_PIECES = ["<p>", "</div>", "strong>", "&amp;", "&#228;", "<!--", "a > b", "spiegel.de",
           "www.zeit.DE", "taz.de/!123", "Ende. Neu", "x.y", "faz.net", "orf.at", ".", "<", ">",
           "&", "Text", " ", "\n", "ſ", "K"]


def _texts() -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=5)),
                    max_size=10).map("".join)


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
    assert len(_CONTROLS.findall(text)) == slow
