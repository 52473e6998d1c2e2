"""Quotations in marks attributed in inverted order by verbs that are no plain speech verbs
("„…“, weiß X", "„…“, zeigte sich X zuversichtlich", "begründete X seine Wahl", "betitelte X
ein Foto"), a verb coordinated without its own subject, an opening mark glued to the end of
the sentence before, a typographic mark closed by a straight one, and names with a small
first letter ("xAI"). Sentences written for these tests."""

from __future__ import annotations

from news_pipeline.quotes.marks import pair_quotes
from tests.quotes.test_extract import quotes


def test_weiss_after_a_quotation_attributes_it() -> None:
    text = "„Das wird ein hartes Spiel“, weiß Lena Roth."
    assert quotes(text, Lena_Roth="PER") == [("direct", "Das wird ein hartes Spiel", "Lena Roth", "weiß")]


def test_weiss_with_a_dass_clause_is_a_mental_state() -> None:
    text = "Lena Roth weiß, dass das Spiel hart wird."
    assert quotes(text, Lena_Roth="PER") == []


def test_a_coordinated_verb_without_subject_has_the_subject_before() -> None:
    text = "„Wir sind bereit“, weiß die Kapitänin Lena Roth, warnt aber: „Der Gegner ist stark.“"
    assert quotes(text, Lena_Roth="PER") == [
        ("direct", "Wir sind bereit", "Lena Roth", "weiß"),
        ("direct", "Der Gegner ist stark.", "Lena Roth", "warnt")]


def test_zeigte_sich_after_a_quotation_attributes_it() -> None:
    text = "»Wir bleiben vorsichtig«, zeigt sich Paul Hahn zuversichtlich."
    assert quotes(text, Paul_Hahn="PER") == [
        ("direct", "Wir bleiben vorsichtig", "Paul Hahn", "zeigt sich")]


def test_begruendete_after_a_quotation_attributes_it() -> None:
    text = "„Die zwei haben stark gespielt“, begründet Trainer Ole Kamp seine Wahl."
    assert quotes(text, Ole_Kamp="PER") == [
        ("direct", "Die zwei haben stark gespielt", "Ole Kamp", "begründet")]


def test_betitelte_after_a_quotation_attributes_it() -> None:
    text = "“Endlich wieder am Meer”, betitelte die Ministerin Eva Stein ein Foto vom Strand."
    assert quotes(text, Eva_Stein="PER") == [
        ("direct", "Endlich wieder am Meer", "Eva Stein", "betitelte")]


def test_an_opening_guillemet_glued_to_a_sentence_end() -> None:
    text = "Der Verein plant ein Fest im Rat.»Wir freuen uns«, erklärt Paul Hahn."
    assert quotes(text, Paul_Hahn="PER") == [("direct", "Wir freuen uns", "Paul Hahn", "erklärt")]


def test_a_typographic_mark_closed_by_a_straight_one() -> None:
    text = 'Die Katzen mögen «warme Ecken" im Haus. «Das ist gut belegt», schreiben die Forscher.'
    assert [text[p.open + 1:p.close] for p in pair_quotes(text)] == ["warme Ecken", "Das ist gut belegt"]
    assert ("direct", "Das ist gut belegt", "Forscher", "schreiben") in quotes(text)


def test_a_name_with_a_small_first_letter_is_a_speaker() -> None:
    text = "Das Modell sei schnell, schreibt xAI in einer Mitteilung."
    assert quotes(text) == [("indirect", "Das Modell sei schnell", "xAI", "schreibt")]


def test_a_welcome_without_content_lends_its_speaker_and_is_no_continuation() -> None:
    text = ("Die Lage sei ernst, heißt es in der Mitteilung. Eva Stein begrüßt die neuen Regeln, "
            "auch wenn sie spät kämen. Nun müsse die Regierung handeln.")
    found = quotes(text, Eva_Stein="PER")
    assert found[0][:2] == ("indirect", "Die Lage sei ernst")
    assert ("indirect", "Nun müsse die Regierung handeln", "Eva Stein", "begrüßt") in found
    assert not any(q[1].startswith("Eva Stein begrüßt") for q in found)


def test_a_verb_coordinated_with_the_cue_owns_the_clause_after_the_comma() -> None:
    text = ("„Wir sind bereit“, sagte Paul Hahn. Solange nichts entschieden sei, müsse den Eltern die Wahl "
            "gelassen und zugetraut werden, dass sie klug handelten.")
    found = quotes(text, Paul_Hahn="PER")
    assert found[1][:3] == ("indirect", "Solange nichts entschieden sei, müsse den Eltern die Wahl "
                            "gelassen und zugetraut werden, dass sie klug handelten", "Paul Hahn")
    assert len(found) == 2


def test_a_sentence_opening_with_its_konjunktiv_verb_continues() -> None:
    text = ("Die Lage sei ernst, sagte Paul Hahn. Wolle man helfen, müssten alle mitmachen.")
    assert quotes(text, Paul_Hahn="PER")[1] == (
        "indirect", "Wolle man helfen, müssten alle mitmachen", "Paul Hahn", "sagte")


def test_a_relative_clause_on_the_speaker_is_no_content() -> None:
    text = "Die Arbeit sei getan, meinte Eva Stein, die seit 2015 im Amt ist."
    assert quotes(text, Eva_Stein="PER") == [("indirect", "Die Arbeit sei getan", "Eva Stein", "meinte")]


def test_the_name_right_before_the_verb_ends_a_long_subject() -> None:
    text = "Die ebenfalls beim Treffen anwesende Landesrätin Eva Stein meinte, das Budget reiche nicht."
    assert quotes(text, Eva_Stein="PER") == [
        ("indirect", "das Budget reiche nicht", "Eva Stein", "meinte")]


def test_a_law_named_by_laut_is_no_speaker() -> None:
    text = "Die Folge ist, dass Ina Vogt laut dem sogenannten Kita-Gesetz die Frist verlängern musste."
    assert quotes(text, Ina_Vogt="PER") == []
