"""Constructions of the third round of rules (reported speech in press reports retold in
Konjunktiv with straight quotation marks): continuations past a sentence of the writer's,
inside a unit that a later quotation joins, subjects before an apposition, unnamed people as
antecedents, quoted clauses after an object. Sentences written for these tests."""

from __future__ import annotations

from tests.quotes.test_extract import quotes


def test_konjunktiv_i_continues_past_one_sentence_that_names_no_one() -> None:
    text = ("Lena Hoff sagte, der Plan sei fertig. Darunter fielen auch die Kosten. "
            "Das sei ein guter Schritt.")
    assert quotes(text, Lena_Hoff="PER")[-1] == (
        "indirect", "Das sei ein guter Schritt", "Lena Hoff", "sagte")


def test_no_continuation_past_a_sentence_that_names_someone_else() -> None:
    text = ("Lena Hoff sagte, der Plan sei fertig. Peter Brandt war nicht dabei. "
            "Das sei ein guter Schritt.")
    assert len(quotes(text, Lena_Hoff="PER", Peter_Brandt="PER")) == 1


def test_konjunktiv_ii_of_a_strong_verb_continues() -> None:
    text = "Lena Hoff sagte, der Plan sei fertig. Auch die Mittel lägen schon bereit."
    assert quotes(text, Lena_Hoff="PER")[1] == (
        "indirect", "Auch die Mittel lägen schon bereit", "Lena Hoff", "sagte")


def test_a_continuation_before_a_quotation_that_a_cue_claims() -> None:
    text = ('Lena Hoff sagte, der Plan sei fertig. "Wir sind zufrieden", sagte sie. '
            'Zudem müssten die Länder zustimmen. "Das wird schnell gehen", so Hoff.')
    found = quotes(text, Lena_Hoff="PER", Hoff="PER")
    assert ("indirect", "Zudem müssten die Länder zustimmen", "Lena Hoff", "sagte") in found
    assert found[-1] == ("direct", "Das wird schnell gehen", "Hoff", "so")


def test_a_continuing_sentence_that_introduces_a_quotation_says_the_quotation() -> None:
    text = 'Lena Hoff sagte, der Plan sei fertig. Für die Stadt heiße das: "Wir bauen jetzt!"'
    assert quotes(text, Lena_Hoff="PER")[1] == ("direct", "Wir bauen jetzt!", "Lena Hoff", "sagte")


def test_the_subject_stands_before_its_apposition() -> None:
    text = 'Lena Hoff, baupolitische Sprecherin der Partei im Rat, nennt den Plan "gefährlich".'
    assert quotes(text, Lena_Hoff="PER") == [
        ("mixed", 'den Plan "gefährlich"', "Lena Hoff", "nennt")]


def test_a_pronoun_subject_is_no_adverb_before_an_object() -> None:
    text = 'Lena Hoff war dort. Sie fordert einen Stopp. "Das muss jetzt aufhören", sagte sie.'
    assert quotes(text, Lena_Hoff="PER") == [
        ("direct", "Das muss jetzt aufhören", "Lena Hoff", "sagte")]


def test_a_clause_with_quoted_words_after_the_object_belongs_to_it() -> None:
    text = 'Lena Hoff nannte den Plan "nötig", um den "Stillstand" zu beenden.'
    assert quotes(text, Lena_Hoff="PER") == [
        ("mixed", 'den Plan "nötig", um den "Stillstand" zu beenden', "Lena Hoff", "nannte")]


def test_an_unnamed_man_is_the_antecedent_of_a_later_pronoun() -> None:
    text = ('"Das ist teuer", so Peter Brandt. Der Mann schreibt oft im Netz. '
            'Er sagt, dass er aus Protest gehandelt habe.')
    assert quotes(text, Peter_Brandt="PER")[-1] == (
        "indirect", "er aus Protest gehandelt habe", "Mann", "sagt")


def test_own_statement_names_the_subject_after_the_verb() -> None:
    text = "Peter Brandt war dort. Nach eigener Aussage kaufte er die Daten im Netz."
    assert quotes(text, Peter_Brandt="PER") == [
        ("indirect", "kaufte er die Daten im Netz", "Peter Brandt", "Nach eigener Aussage")]
