"""Constructions of the fifth round of rules: headings between reported speech, quotations
glued to a sentence's end or without their opening mark, source phrases that name a forecast,
role nouns and pronouns. Sentences written for these tests."""

from __future__ import annotations

import pytest

from news_pipeline.quotes import cues
from tests.quotes.test_extract import quotes

# -- headings ---------------------------------------------------------------------------------


@pytest.mark.parametrize("heading", ["Neue Halle bis 2026", "„Zu 100 Prozent ausgelastet“",
                                     "Becker: „Wir bauen weiter“", ">>> Mehr zum Thema Bahn"])
def test_konjunktiv_continues_past_a_heading(heading: str) -> None:
    text = (f"„Wir sind voll ausgelastet“, sagte Jonas Becker. Die Nachfrage sei hoch.\n\n"
            f"{heading}\n\nDie Halle werde im Frühjahr fertig.")
    found = quotes(text, Jonas_Becker="PER", Becker="PER")
    assert found[-1] == ("indirect", "Die Halle werde im Frühjahr fertig", "Jonas Becker", "sagte")


def test_a_sentence_ending_in_a_quotation_is_no_heading() -> None:
    text = ("Jonas Becker sagte, die Nachfrage sei hoch.\n\nDas Werk von Anna Roth gilt als „Herz der "
            "Region“.\n\nDie Halle werde im Frühjahr fertig.")
    assert [q[1] for q in quotes(text, Jonas_Becker="PER", Anna_Roth="PER")] == [
        "die Nachfrage sei hoch"]


# -- quotation marks lost or glued in cleaning --------------------------------------------------


def test_quotation_glued_to_the_end_of_the_sentence_before() -> None:
    text = '"Das gab es noch nie", so der Firmenchef."Wir liefern bis 2030 aus."'
    assert [q[:2] for q in quotes(text)] == [("direct", "Das gab es noch nie"),
                                             ("direct", "Wir liefern bis 2030 aus.")]


def test_quotation_without_its_opening_mark_inside_a_paragraph() -> None:
    text = 'Die Werke laufen. Dafür gibt es einen neuen Markt in Asien", betonte Anna Roth.'
    assert quotes(text, Anna_Roth="PER") == [
        ("direct", "Dafür gibt es einen neuen Markt in Asien", "Anna Roth", "betonte")]


# -- sources that are no speakers ---------------------------------------------------------------


@pytest.mark.parametrize("head", ["Marktprognosen", "Fallzahlen", "Hochrechnungen", "Verkehrsmodell"])
def test_compound_measurements_are_no_speakers(head: str) -> None:
    assert cues.non_speaker(head.lower())


@pytest.mark.parametrize("head", ["kandidaten", "soldaten", "sprecher"])
def test_people_are_speakers(head: str) -> None:
    assert not cues.non_speaker(head)


def test_laut_forecast_inside_reported_speech_keeps_its_speaker() -> None:
    text = ("Jonas Becker sagte, die Nachfrage sei hoch. Bis 2040 würden laut Marktprognosen "
            "doppelt so viele Züge gebaut.")
    assert quotes(text, Jonas_Becker="PER")[1] == (
        "indirect", "Bis 2040 würden laut Marktprognosen doppelt so viele Züge gebaut",
        "Jonas Becker", "sagte")


# -- role nouns and pronouns --------------------------------------------------------------------


def test_role_noun_prefers_the_person_introduced_with_that_role() -> None:
    text = ("Bundesministerin Eva Brandt lud mit Verbandschefin Petra Lang zur Pressekonferenz. "
            "„Wir investieren mehr“, sagte die Integrationsministerin.")
    assert quotes(text, Eva_Brandt="PER", Petra_Lang="PER")[0][2] == "Eva Brandt"


@pytest.mark.parametrize(("name", "role"), [("Karl Weber", "der Konzernchef von Alpha"),
                                            ("Eva Brandt", "die Kultur- und Sportministerin"),
                                            ("Karl Weber", "das Staatsoberhaupt")])
def test_role_noun_phrases_name_the_person_before(name: str, role: str) -> None:
    text = f"{name} kam nach Linz. „Es läuft gut“, sagte {role}."
    assert quotes(text, **{name.replace(" ", "_"): "PER"}, Alpha="ORG")[0][2] == name


def test_person_named_inside_the_content_is_not_the_role_nouns_antecedent() -> None:
    text = ("Ministerpräsident Hans Moser kritisierte den Entwurf. Ob Huber das plant, bleibt "
            "offen, kritisierte der Regierungschef den Entwurf von Minister Huber.")
    assert quotes(text, Hans_Moser="PER", Huber="PER")[0][2] == "Hans Moser"


def test_subject_after_a_fronted_phrase_is_no_person_in_a_prepositional_phrase() -> None:
    text = ("Karl Huber sagte, er komme. Grippe, klar. Mit vielem hatte Tom Berg gerechnet. "
            "„Ich kenne das nicht“, sagte er.")
    assert quotes(text, Karl_Huber="PER", Grippe="PER", Tom_Berg="PER")[-1][2] == "Tom Berg"


# -- cues ---------------------------------------------------------------------------------------


def test_long_clause_before_a_colon_and_a_quotation() -> None:
    text = ("Eva Brandt sagte am Montag in einer Videobotschaft zur Eröffnung der neuen Halle des "
            "Sportvereins in Bonn laut Redetext: „Hier wächst etwas Gutes.“")
    assert quotes(text, Eva_Brandt="PER") == [
        ("direct", "Hier wächst etwas Gutes.", "Eva Brandt", "sagte")]


def test_verlangen_with_its_content_before_it() -> None:
    text = "Karl Huber kam. Die Kassen sollten alle Kosten tragen, verlangte der Gewerkschaftschef."
    assert quotes(text, Karl_Huber="PER") == [
        ("indirect", "Die Kassen sollten alle Kosten tragen", "Karl Huber", "verlangte")]


def test_first_person_present_is_no_konjunktiv() -> None:
    text = "„Wir verhandeln“, sagte Karl Huber. Ich hoffe, dass es klappt."
    assert [q[1] for q in quotes(text, Karl_Huber="PER")] == ["Wir verhandeln"]


@pytest.mark.parametrize("word", ["umfasse", "schaue", "enthalte"])
def test_more_konjunktiv_i_forms(word: str) -> None:
    assert cues.konjunktiv_i(word)


def test_rejecting_a_proposal_lends_its_speaker_to_the_konjunktiv_after_it() -> None:
    text = ("Den Vorschlag des Landes lehnte Karl Huber ab. Es könne nicht sein, dass nur Tirol "
            "zahle.")
    assert quotes(text, Karl_Huber="PER") == [
        ("indirect", "Es könne nicht sein, dass nur Tirol zahle", "Karl Huber", "lehnte … ab")]


def test_rejecting_claims_no_content() -> None:
    assert quotes("Karl Huber lehnte es ab, die Kosten zu tragen.", Karl_Huber="PER") == []


# -- continuations ------------------------------------------------------------------------------


def test_quoted_fragment_right_after_reported_speech_continues_it() -> None:
    text = ("„Wir haben volle Bücher“, sagte Jonas Becker. Die Firma ist „zu 100 Prozent vom "
            "Export abhängig“.")
    assert quotes(text, Jonas_Becker="PER")[1] == (
        "mixed", "Die Firma ist „zu 100 Prozent vom Export abhängig“", "Jonas Becker", "sagte")


@pytest.mark.parametrize("second", [
    "\n\nDie Firma ist „zu 100 Prozent vom Export abhängig“.",  # another paragraph
    " Die Firma ist „ausgelastet“.",  # a word or two: scare quotes
    " Für Anna Roth ist klar, dass „die Preise weiter steigen“.",  # someone else's
])
def test_quoted_fragment_continues_only_close_and_long_and_unclaimed(second: str) -> None:
    text = f"„Wir haben volle Bücher“, sagte Jonas Becker.{second}"
    found = quotes(text, Jonas_Becker="PER", Anna_Roth="PER")
    assert not any(q[2] == "Jonas Becker" and ("Firma" in q[1] or "Preise" in q[1]) for q in found)


def test_konjunktiv_ii_with_a_quoted_fragment_continues_past_a_heading() -> None:
    text = ("Jonas Becker sagte, die Nachfrage sei hoch.\n\n>>> Mehr zum Thema\n\nVor 2030 "
            "würden die Hersteller „kaum neue Modelle bringen“.")
    assert quotes(text, Jonas_Becker="PER")[1][1:3] == (
        "Vor 2030 würden die Hersteller „kaum neue Modelle bringen“", "Jonas Becker")


def test_continuation_ends_before_a_quotation_after_a_year() -> None:
    text = ("Jonas Becker sagte, die Nachfrage sei hoch. Der Umsatz liege über dem von 2019. "
            "„Die Zahlen sind sehr gut.“")
    assert [q[1] for q in quotes(text, Jonas_Becker="PER")][1:] == [
        "Der Umsatz liege über dem von 2019.", "Die Zahlen sind sehr gut."]


def test_quotation_glued_to_a_compound_is_a_name() -> None:
    text = "„Wir drehen“, sagte Anna Roth. Sie wird im Mai zum „Sturm am Meer“-Team stoßen."
    assert [q[1] for q in quotes(text, Anna_Roth="PER")] == ["Wir drehen"]


# -- colons -------------------------------------------------------------------------------------


def test_continuing_clause_whose_colon_introduces_a_quotation_is_two() -> None:
    text = ("Eva Brandt sagte, die Lage sei gut. Ein weiteres Thema sei der Ausbau der Kitas: "
            "„Wir haben die Plätze verdoppelt.“")
    assert [q[:3] for q in quotes(text, Eva_Brandt="PER")][1:] == [
        ("indirect", "Ein weiteres Thema sei der Ausbau der Kitas", "Eva Brandt"),
        ("direct", "Wir haben die Plätze verdoppelt.", "Eva Brandt")]


def test_short_introducer_before_a_colon_stays_one_quotation() -> None:
    text = ("Eva Brandt sagte, die Lage sei gut. Für die Stadt, die bald wächst, heiße das: "
            "„Wir bauen jetzt mehr Kitas.“")
    assert [q[1] for q in quotes(text, Eva_Brandt="PER")][1:] == ["Wir bauen jetzt mehr Kitas."]


def test_three_quoted_words_after_a_persons_name_and_colon() -> None:
    text = "Der Verband tagte.\n\nWeber: „Preise sind fair“\n\nDie Sitzung dauerte lange."
    assert quotes(text, Weber="PER") == [("direct", "Preise sind fair", "Weber", None)]
    assert quotes(text.replace("Weber:", "Der Verband:"), Verband="ORG") == []
