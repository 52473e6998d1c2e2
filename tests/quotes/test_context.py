"""Constructions of the second round of rules (issue #23 on unseen news text): Konjunktiv
forms, continuations, speech acts without content, gender of pronouns and role nouns,
appositions after a parenthesis, and what ends reported content. Sentences written for
these tests."""

from __future__ import annotations

import pytest

from news_pipeline.quotes import cues
from tests.quotes.test_extract import quotes

# -- Konjunktiv -------------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["sei", "reagiere", "investiere", "zunehme", "vorliege", "abnehme"])
def test_konjunktiv_i_forms(word: str) -> None:
    assert cues.konjunktiv_i(word)


@pytest.mark.parametrize("word", ["zufolge", "Gewinne", "gute", "ihre", "sie", "Niere"])
def test_not_konjunktiv_i(word: str) -> None:
    assert not cues.konjunktiv_i(word)


@pytest.mark.parametrize("second", ["Die Behörde reagiere zu langsam.",
                                    "Mit dem Angebot, das bald vorliege, ist alles geklärt."])
def test_konjunktiv_of_ieren_and_separable_verbs_continues_reported_speech(second: str) -> None:
    text = f"Klaus Roth sagte, es gebe Probleme. {second}"
    assert quotes(text, Klaus_Roth="PER")[1] == ("indirect", second[:-1], "Klaus Roth", "sagte")


def test_konjunktiv_ii_continues_only_right_after_reported_speech() -> None:
    text = "Petra Klein sagte, der Plan sei fertig. Vielleicht würden die Länder noch Änderungen fordern."
    assert quotes(text, Petra_Klein="PER")[1] == (
        "indirect", "Vielleicht würden die Länder noch Änderungen fordern", "Petra Klein", "sagte")


@pytest.mark.parametrize("second", [
    "Im Mittelpunkt dürfte die Finanzierung stehen.",
    "Beide haben Fehler gemacht, die teuer werden würden.",
])
def test_konjunktiv_ii_of_a_guess_or_in_a_relative_clause_continues_nothing(second: str) -> None:
    text = f"Petra Klein sagte, der Plan sei fertig. {second}"
    assert len(quotes(text, Petra_Klein="PER")) == 1


def test_modal_in_konjunktiv_before_a_speech_verb() -> None:
    text = "Uwe Brandt sagte, der Plan sei gut. Die Regierung müsse sagen, wie es weitergehe."
    assert quotes(text, Uwe_Brandt="PER")[1] == (
        "indirect", "Die Regierung müsse sagen, wie es weitergehe", "Uwe Brandt", "sagte")


# -- continuations --------------------------------------------------------------------------


def test_continuation_looks_past_a_short_exclamation() -> None:
    text = "Maria Weber sagte, der Umbau sei nötig. Ganz klar! Die Kosten seien aber hoch."
    assert quotes(text, Maria_Weber="PER")[1] == (
        "indirect", "Die Kosten seien aber hoch", "Maria Weber", "sagte")


def test_continuation_stops_before_a_quotation_standing_alone() -> None:
    text = "Lena Vogt sagte, sie bleibe. Aber das gehe nicht ewig. „Ich bin müde.“"
    assert quotes(text, Lena_Vogt="PER")[1:] == [
        ("indirect", "Aber das gehe nicht ewig", "Lena Vogt", "sagte"),
        ("direct", "Ich bin müde.", "Lena Vogt", None)]


def test_speech_act_without_content_gives_its_voice_to_what_follows() -> None:
    text = "Jonas Beck berichtete über seine Reise. „Die Berge waren riesig.“ Das Wetter sei " \
           "aber schlecht gewesen."
    assert quotes(text, Jonas_Beck="PER") == [
        ("direct", "Die Berge waren riesig.", "Jonas Beck", None),
        ("indirect", "Das Wetter sei aber schlecht gewesen", "Jonas Beck", None)]


def test_introducer_after_a_conjunction() -> None:
    text = "Und Paul Krüger wurde deutlich: „Wir geben nicht auf.“"
    assert quotes(text, Paul_Krüger="PER") == [("direct", "Wir geben nicht auf.", "Paul Krüger", None)]


@pytest.mark.parametrize(("cue", "lemma_form"), [("konterte", "konterte"), ("resümierte", "resümierte"),
                                                 ("warf … ein", "warf ein")])
def test_more_speech_verbs(cue: str, lemma_form: str) -> None:
    if "…" in cue:
        text = "Tim Brandt warf ein, das Spiel sei längst vorbei."
        expected = ("indirect", "das Spiel sei längst vorbei", "Tim Brandt", lemma_form)
    else:
        text = f"„Das Spiel ist vorbei“, {cue} Tim Brandt."
        expected = ("direct", "Das Spiel ist vorbei", "Tim Brandt", lemma_form)
    assert quotes(text, Tim_Brandt="PER") == [expected]


# -- speakers -------------------------------------------------------------------------------


@pytest.mark.parametrize(("pronoun", "speaker"), [("sie", "Anna Berg"), ("er", "Tom Wolf")])
def test_pronoun_takes_the_person_of_its_gender(pronoun: str, speaker: str) -> None:
    text = f"Anna Berg traf Tom Wolf in Bonn. „Das war gut“, sagte {pronoun}."
    assert quotes(text, Anna_Berg="PER", Tom_Wolf="PER")[0][2] == speaker


def test_gender_from_a_title_before_the_surname() -> None:
    text = "Ministerin Kraus traf Jan Ott. „Wir sind uns einig“, sagte sie."
    assert quotes(text, Kraus="PER", Jan_Ott="PER")[0][2] == "Kraus"


def test_pronoun_skips_a_person_named_in_a_prepositional_phrase() -> None:
    text = "Jan Ott sagte, er sei zufrieden. In Anlehnung an den Philosophen Karl Popper fragte er: " \
           "„Was wissen wir schon?“"
    assert quotes(text, Jan_Ott="PER", Karl_Popper="PER")[1][2] == "Jan Ott"


@pytest.mark.parametrize(("role", "speaker"), [("die Konzernchefin", "Sabine Hahn"),
                                               ("der 52-Jährige", "Tom Wolf")])
def test_definite_role_noun_is_the_person_named_before(role: str, speaker: str) -> None:
    text = f"Sabine Hahn und Tom Wolf leiten die Firma. „Wir wachsen“, sagte {role}."
    assert quotes(text, Sabine_Hahn="PER", Tom_Wolf="PER")[0][2] == speaker


def test_apposition_after_a_parenthesis() -> None:
    text = "Der Präsident des Verbands der Bäcker (VDB), Uwe Lang, sagte: „Brot wird teurer.“"
    assert quotes(text, Uwe_Lang="PER") == [("direct", "Brot wird teurer.", "Uwe Lang", "sagte")]


def test_long_wie_clause_attributes_the_sentence() -> None:
    text = "Die Stadt sei sicher, wie der Bürgermeister am Montag bei einer Versammlung im Rathaus " \
           "von Neustadt sagte."
    assert quotes(text) == [("indirect", "Die Stadt sei sicher", "Bürgermeister", "sagte")]


# -- what ends or is no content -------------------------------------------------------------


def test_a_past_verb_after_a_comma_ends_the_content() -> None:
    text = "Sie versicherte, es gehe ihr gut, hörte sich allerdings müde an."
    assert quotes(text) == [("indirect", "es gehe ihr gut", None, "versicherte")]


@pytest.mark.parametrize("text", [
    "Der Minister hat ein Gesetz vorgeschlagen, das Milliarden kosten würde.",
    "Die Partei hat einen Industrie-„Strompreis“ vorgeschlagen.",
])
def test_relative_clause_and_glued_term_are_no_content(text: str) -> None:
    assert quotes(text) == []
