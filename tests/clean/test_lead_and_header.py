"""Rules of clean-1.9: the split-off lead, the headline the page title repeats, quote glue."""

from __future__ import annotations

from news_pipeline.clean.classify import body_windows, classify_lines, lead_paragraph
from news_pipeline.clean.lines import Line, to_lines
from news_pipeline.clean.metadata import read_header
from news_pipeline.clean.settings import DEFAULT_SETTINGS

LEAD = ("In der Nacht auf Samstag haben zwei junge Lenker in Lenzburg und St. Gallen "
        "unabhängig voneinander ihren Sportwagen bei einem Unfall auf der Autobahn zerstört.")
BODY = [
    "Ein Neulenker ist in der Nacht auf Samstag auf der Autobahn bei Lenzburg mit seinem "
    "Sportwagen in die Leitplanke gefahren, wie die Polizei am Morgen mitteilte.",
    "Der junge Lenker verlor auf der Autobahn kurz nach der Einfahrt die Herrschaft über den "
    "Sportwagen, verletzt wurde bei dem Unfall in Lenzburg aber niemand.",
    "Ein weiterer Unfall mit einem Sportwagen ereignete sich in der Nacht in St. Gallen, "
    "wo ein junger Lenker mit seinem Auto von der Straße abkam.",
]


def _lead(texts: list[str]) -> int | None:
    infos = classify_lines([Line(t) for t in texts], DEFAULT_SETTINGS)
    windows = body_windows(infos, DEFAULT_SETTINGS)
    return lead_paragraph(texts, infos, windows, DEFAULT_SETTINGS)


def test_lead_behind_share_buttons_is_found():
    texts = ["Junge Lenker schrotten zwei Sportwagen", LEAD,
             "teilen", "twittern", "mailen", "teilen", "mitteilen", "drucken", *BODY]
    assert _lead(texts) == 1


def test_off_topic_paragraph_before_the_article_is_no_lead():
    teaser = ("Die neue Ausstellung im Museum zeigt Gemälde und Skulpturen aus drei "
              "Jahrhunderten, der Eintritt ist am ersten Sonntag im Monat frei.")
    texts = [teaser, "teilen", "twittern", "mailen", "teilen", "mitteilen", "drucken", *BODY]
    assert _lead(texts) is None


def test_headline_is_the_line_the_page_title_repeats():
    lines = ["Grüner Wasserstoff – das Schlüsselelement der Energiewende | Fraktion",
             "Menü", "Grüner Wasserstoff – das Schlüsselelement der Energiewende",
             "Mark Helfrich über das gewaltige Potenzial der Technologie im Kampf gegen den "
             "Klimawandel", BODY[0]]
    header = read_header(lines, 4, DEFAULT_SETTINGS)
    assert header.title == "Grüner Wasserstoff – das Schlüsselelement der Energiewende"
    assert 3 not in header.used


def test_line_continued_in_lower_case_is_no_headline():
    lines = ["Menü", "Mein Motto: Fazit", "Das Jahr stand für mich unter dem Motto Sparen",
             "und vielleicht habt ihr den Bericht gelesen.", BODY[0]]
    header = read_header(lines, 4, DEFAULT_SETTINGS)
    assert header.title == "Mein Motto: Fazit"


def test_quoted_link_title_is_glued_into_its_sentence():
    text = 'liest du in unserem Artikel "\nWarum wird das Erdöl knapp?\n".\n\nGuido'
    assert [line.text for line in to_lines(text)] == [
        'liest du in unserem Artikel "Warum wird das Erdöl knapp?".', "Guido"]
