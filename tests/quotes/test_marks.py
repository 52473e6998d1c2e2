"""Quotation-mark pairing: every style, nesting, apostrophes, line breaks."""

from __future__ import annotations

import pytest

from news_pipeline.quotes.marks import pair_quotes


def quoted(text: str) -> list[str]:
    return [text[p.open + 1:p.close] for p in pair_quotes(text)]


@pytest.mark.parametrize("text", [
    "Er sagte: „Wir kommen.“", "Er sagte: „Wir kommen.”", "Er sagte: »Wir kommen.«",
    "Er sagte: «Wir kommen.»", "Er sagte: ‚Wir kommen.‘", "Er sagte: “Wir kommen.”",
    'Er sagte: "Wir kommen."', "Er sagte: ›Wir kommen.‹",
])
def test_each_style_pairs(text: str) -> None:
    assert quoted(text) == ["Wir kommen."]


def test_only_the_outermost_pair_is_returned() -> None:
    assert quoted("„Er rief: ‚Halt!‘ und ging“, sagte sie.") == ["Er rief: ‚Halt!‘ und ging"]


def test_apostrophes_are_no_quotation_marks() -> None:
    assert quoted("Wie geht’s? Das war’s. Er sagte: ‚Na, wie geht’s?‘") == ["Na, wie geht’s?"]


def test_straight_quotes_open_only_before_a_word() -> None:
    assert quoted('Ein 5" Display. "Gut", sagte er.') == ["Gut"]


def test_a_mark_left_open_at_a_line_break_is_dropped() -> None:
    assert quoted("„Erster Absatz ohne Ende\n„Zweiter“, sagte er.") == ["Zweiter"]


def test_several_pairs_in_text_order() -> None:
    assert quoted("»Eins«, sagte sie, »zwei«.") == ["Eins", "zwei"]


def test_a_straight_mark_before_a_word_opens_again_where_the_closing_one_was_lost() -> None:
    assert quoted('Er sagte: "Wir kommen morgen. Dann rief sie "Gut".') == ["Gut"]


def test_a_closing_straight_mark_without_opening_ends_a_quotation_from_the_paragraph_start() -> None:
    text = 'Vorher.\nDas wird sehr teuer", sagte er.'
    assert quoted(text) == ["Das wird sehr teuer"]


def test_a_lost_opening_mark_inside_a_paragraph_starts_the_quotation_with_its_sentence() -> None:
    assert quoted('Erst kam er. Das wird sehr teuer", sagte er.') == ["Das wird sehr teuer"]
    assert quoted('"Gut", sagte sie. "Na ja." Es wird teuer", sagte er.') == [
        "Gut", "Na ja.", "Es wird teuer"]


def test_a_lost_opening_mark_needs_a_comma_after_the_closing_one() -> None:
    assert quoted('Erst kam er. Das wird sehr teuer". Dann ging er.') == []


def test_a_straight_mark_glued_after_a_sentence_end_opens_where_none_is_open() -> None:
    assert quoted('"Gut", sagte sie."Wir kommen morgen."') == ["Gut", "Wir kommen morgen."]
    assert quoted('Er sagte: "Wir kommen."Dann ging er.') == ["Wir kommen."]
