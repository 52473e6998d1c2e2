"""Hostile input: clean_article never raises, never hangs, never leaks markup."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from news_pipeline.clean import clean_article
from news_pipeline.clean.markup import markup_to_text

TAGS = ["p", "div", "strong", "b", "a", "span", "h2", "li", "ul", "script", "style", "br",
        "table", "td", "!--", "em", "iframe"]
PIECES = st.one_of(
    st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(TAGS).map(lambda t: f"</{t}>"),
    st.sampled_from(TAGS).map(lambda t: f"{t}>"),  # lost its "<"
    st.sampled_from(TAGS).map(lambda t: f'<{t} class="x'),  # never closed
    st.sampled_from(["&amp;", "&quot;", "&#8222;", "&#x201C;", "&nbsp;", "&bogus;", "&", "-->"]),
    st.sampled_from(["Loading...", "WERBUNG", "00:00 / 00:00", "Kommentare", "\n", "\n\n", " "]),
    st.text(max_size=40),
)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _assert_sane(raw: str) -> None:
    doc = clean_article(raw)
    assert isinstance(doc.text, str)
    assert not any(w.startswith("internal-error") for w in doc.warnings), doc.warnings


@FAST
@given(st.text(max_size=2000))
def test_random_text_never_raises(raw):
    _assert_sane(raw)


@FAST
@given(st.lists(PIECES, max_size=200).map("".join))
def test_random_tag_soup_never_raises(raw):
    _assert_sane(raw)
    assert "<p>" not in clean_article(raw).text


@FAST
@given(st.lists(PIECES, max_size=100).map("".join), st.sampled_from([None, "x.html", "a/b.txt"]))
def test_any_path_hint(raw, hint):
    doc = clean_article(raw, path_hint=hint)
    assert not any(w.startswith("internal-error") for w in doc.warnings)


def test_tags_never_leak_from_prose_with_fragments():
    raw = ("Titel der Meldung\n\n<p>Der Kreml hat am Montag mitgeteilt, dass der Besuch "
           "<strong>bald</strong> stattfindet.</p><p>strong>, sagte ein Sprecher.</p><div class=")
    text = clean_article(raw).text
    assert "<" not in text and ">" not in text and "strong" not in text
    assert "Der Kreml hat am Montag mitgeteilt, dass der Besuch bald stattfindet" in text


def test_entities_and_mojibake_repaired_quotes_kept():
    raw = ("Überschrift zum Test\n\nDie Ministerin sagte am Dienstag &#8222;Wir werden das "
           "prüfen&#8220; und verwies auf die Lage in MÃ¼nchen, wo die Gespräche weitergehen.")
    text = clean_article(raw).text
    assert "„Wir werden das prüfen“" in text
    assert "München" in text


def _timed(raw: str) -> float:
    start = time.perf_counter()
    clean_article(raw)
    return time.perf_counter() - start


def test_deeply_nested_tags_finish_fast():
    assert _timed("<div>" * 20_000 + "Text" + "</div>" * 20_000) < 10
    assert _timed("<b><i>" * 10_000 + "Satz mit Inhalt.") < 10
    assert _timed("<p>" * 20_000) < 10


def test_pathological_lines_finish_fast():
    assert _timed("a\n" * 30_000) < 10
    assert _timed("Das ist ein Satz mit vielen Wörtern, der sich wiederholt. " * 5_000) < 10
    assert _timed("\n".join(f"Zeile {i} mit etwas Text" for i in range(20_000))) < 10


def test_markup_to_text_blocks_and_inline():
    text = markup_to_text("<p>Ein <a href='#'>Link</a> im Satz.</p><p>Zweiter</p>")
    assert "Ein Link im Satz." in text
    assert text.index("Zweiter") > text.index("Satz.")
    assert "\n" in text[text.index("Satz."):text.index("Zweiter")]
