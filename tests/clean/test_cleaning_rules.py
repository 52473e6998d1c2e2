"""Unit tests of single line-classification and window rules, with German examples."""

from __future__ import annotations

import pytest

from news_pipeline.clean.classify import (
    Kind,
    LineInfo,
    body_windows,
    classify_line,
    classify_lines,
    select_body,
)
from news_pipeline.clean.lines import Line, ends_statement, to_lines
from news_pipeline.clean.settings import DEFAULT_SETTINGS

PROSE = ("Der Gemeinderat hat am Montag lange über den Neubau des Schwimmbads beraten, "
         "der seit Jahren in der Stadt umstritten ist.")


def _reason(text: str) -> str:
    return classify_line(text, DEFAULT_SETTINGS).reason


@pytest.mark.parametrize("text", [
    "Folgen Sie uns auf",
    "Besuchen Sie unseren Fan-Shop!",
    "Gefällt Ihnen dieser Artikel?",
    "Noch mehr Infos für dich",
    "Möchten Sie den Artikel teilen?",
])
def test_self_promotion_is_boilerplate(text):
    assert _reason(text) == "self-promo"


@pytest.mark.parametrize("text", [
    "Was können Sie gegen den Schimmel tun?",  # addresses the reader, not about the site
    "Uns bleibt nur noch wenig Zeit, sagte der Bürgermeister.",  # site word, no address
    "So erkennst du deine persönlichen Grenzen",  # a sub-heading of an advice article
    # Long enough to be prose, not a button: "Sie" and "Artikel" in a real sentence.
    "Wer den Artikel im Gesetz genau liest, wird feststellen, dass Sie als Mieter mehr "
    "Rechte haben, als viele denken.",
])
def test_reader_address_without_site_reference_is_not_self_promotion(text):
    assert _reason(text) != "self-promo"


@pytest.mark.parametrize(("text", "expected"), [
    ("Das Spiel endete torlos.", True),
    ("„Wir machen weiter.“", True),
    ("Lesen Sie weiter...", False),
    ("Die Bahn erhöht die Preise …", False),
    ("Experte: Energiepreise werden weiter steigen", False),
    ("Wie geht es weiter?", False),
])
def test_ends_statement(text, expected):
    assert ends_statement(text) is expected


def _info(text: str) -> LineInfo:
    return classify_line(text, DEFAULT_SETTINGS)


def test_teaser_headlines_after_the_article_are_cut():
    lines = [PROSE, PROSE.replace("Montag", "Dienstag"), "Weiterlesen",
             "Experte: Energiepreise werden weiter steigen",
             "Standort Deutschland – zu großes Geschäftsrisiko?",
             "Unverbindliches aus dem Hause Habeck"]
    infos = [_info(t) for t in lines]
    assert infos[0].kind is Kind.GOOD
    assert select_body(infos, DEFAULT_SETTINGS, body_windows(infos, DEFAULT_SETTINGS)) == [0, 1]


def test_short_closing_sentence_after_the_article_is_kept():
    lines = [PROSE, PROSE.replace("Montag", "Dienstag"), "Die Sitzung ist öffentlich.",
             "Ich hoffe, euch gefällt der Relaunch."]
    infos = [_info(t) for t in lines]
    assert select_body(infos, DEFAULT_SETTINGS, body_windows(infos, DEFAULT_SETTINGS)) == [0, 1, 2, 3]


@pytest.mark.parametrize(("dump", "expected"), [
    # An inline link in brackets: no space after the opening bracket.
    ("Kathrin Göbel\n (\nTwitter\n) ist Astrophysikerin.",
     "Kathrin Göbel (Twitter) ist Astrophysikerin."),
    # The tail of a hyphenated compound continues the word.
    ("Die Karte zeigt die \nRadon\n-Situation in der Region.",
     "Die Karte zeigt die Radon-Situation in der Region."),
    # Hard-wrapped text and extractor output have no whitespace at line ends: two words.
    ("Der Kanzler sagte\nam Montag, er komme.", "Der Kanzler sagte am Montag, er komme."),
])
def test_inline_fragments_are_glued_like_the_rendered_page(dump, expected):
    assert [line.text for line in to_lines(dump)] == [expected]


@pytest.mark.parametrize("dump", [
    "Wetter\n- Sonne am Vormittag",  # a list bullet has a space after its dash
    "Sport\nFußball",  # a capitalised new line is a new block
    "Der Rat tagt am Montag\n-Werbung-",  # an ad marker, not a compound's tail
])
def test_blocks_are_not_glued(dump):
    assert len(to_lines(dump)) == 2


def test_zero_comment_counter_does_not_cut_the_article():
    # A site blurb long enough to count as prose before the byline's comment counter.
    lines = [PROSE, PROSE.replace("Montag", "Dienstag"), "Von Celia Parbey", "0 Kommentare",
             PROSE.replace("Montag", "Freitag")]
    infos = classify_lines([Line(t) for t in lines], DEFAULT_SETTINGS)
    assert infos[3].reason == "comment-heading"  # still not body text
    assert infos[4].kind is Kind.GOOD


def test_comment_heading_with_comments_cuts_the_rest():
    lines = [PROSE, PROSE.replace("Montag", "Dienstag"), "3 Kommentare",
             PROSE.replace("Montag", "Freitag")]
    infos = classify_lines([Line(t) for t in lines], DEFAULT_SETTINGS)
    assert infos[3].reason == "comment-section"
