"""Each span repair on German examples, with a small hand-made lexicon: what it must change
and what it must leave alone."""

from __future__ import annotations

import pytest

from news_pipeline.ner.lexicon import Lexicon
from news_pipeline.ner.repairs import SpanRepairs
from news_pipeline.ner.spans import Span

LEXICON = Lexicon(
    nouns={"Krieg", "Freund", "Volkes", "Außenministerin", "Minister", "Direktor", "Montag",
           "Grenze", "Weltraumbahnhof", "Flughafen", "Oder", "Ende", "Zeit", "Boot", "Film"},
    zipf={"enge": 4, "dicke": 4, "große": 5, "choe": 2},
    gazetteers={
        "country": {("Russland",), ("Nordkorea",), ("Iran",)},
        "toponym": {("Russland",), ("Nordkorea",), ("Amur",), ("Oder",)},
        "place": {("Kim",), ("Komsomolsk",), ("Frankfurt",), ("Jone",), ("Moskau",),
                  ("Korea",)},
        "first": {("Kim",), ("Son",), ("Wladimir",), ("Anna",), ("Jones",), ("Iran",)},
        "org": {("Bloomberg",), ("UN",), ("Vereinten", "Nationen"), ("Weißen", "Haus")},
    },
)
LEXICON.finalise()


def _run(repair: str, text: str, spans: list[tuple[int, int, str]],
         context: list[str] | None = None) -> list[tuple[str, str]]:
    """Apply one repair to the first sentence (`text`, spans as token index ranges) of a
    document that may have more sentences (`context`, untagged except for PER words given
    as "Word/PER"); -> (span text, label) of the first sentence."""
    words = text.split()
    sentences = [words]
    doc_spans = [Span(0, s, e, label) for s, e, label in spans]
    for si, sentence in enumerate(context or [], start=1):
        tokens = sentence.split()
        sentences.append([t.split("/")[0] for t in tokens])
        doc_spans += [Span(si, i, i + 1, "PER") for i, t in enumerate(tokens)
                      if t.endswith("/PER")]
    result = SpanRepairs(LEXICON, [repair]).apply(sentences, doc_spans)
    return [(" ".join(words[s.start:s.end]), s.label) for s in result if s.sentence == 0]


def test_unknown_repair_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown repairs"):
        SpanRepairs(LEXICON, ["nonsense"])


# ------------------------------------------------------------------ split_person
def test_split_acronym_and_first_name() -> None:
    assert _run("split_person", "der DVRK Kim Jong-un wird", [(1, 4, "ORG")]) == [
        ("DVRK", "ORG"), ("Kim Jong-un", "PER")]


def test_split_country_genitive_and_known_surname() -> None:
    found = _run("split_person", "im Osten Russlands Putin getroffen", [(2, 4, "LOC")],
                 context=["mit Putin/PER"])
    assert found == [("Russlands", "LOC"), ("Putin", "PER")]


def test_split_skips_title_between_country_and_person() -> None:
    found = _run("split_person", "Nordkoreas Machthaber Kim reiste", [(0, 3, "LOC")])
    assert found == [("Nordkoreas", "LOC"), ("Kim", "PER")]


def test_no_split_without_person_evidence() -> None:
    # "Putin" is no first name and is not tagged as a person elsewhere in the article
    assert _run("split_person", "Russlands Putin", [(0, 2, "LOC")]) == [
        ("Russlands Putin", "LOC")]


def test_no_split_on_evidence_from_the_span_itself() -> None:
    assert _run("split_person", "Nordkoreas Putin", [(0, 2, "PER")]) == [
        ("Nordkoreas Putin", "PER")]


def test_no_split_after_place_genitive_that_is_no_country() -> None:
    # GeoNames "Jone" + s looks like a genitive, but only countries count
    assert _run("split_person", "Die Jones Wladimir", [(1, 3, "PER")]) == [
        ("Jones Wladimir", "PER")]


def test_no_split_before_a_country() -> None:
    # "Iran" is also a first name
    assert _run("split_person", "USA Iran", [(0, 2, "LOC")]) == [("USA Iran", "LOC")]


# ------------------------------------------------------------------ function_word_start
def test_sentence_initial_preposition_and_common_noun_dropped() -> None:
    assert _run("function_word_start", "Im Krieg gibt es nie genug", [(0, 2, "MISC")]) == []


def test_sentence_initial_preposition_stripped_from_name() -> None:
    assert _run("function_word_start", "Im Allgäu schneit es", [(0, 2, "LOC")]) == [
        ("Allgäu", "LOC")]


def test_function_word_after_quote_is_sentence_initial() -> None:
    assert _run("function_word_start", "„ Am Ende", [(1, 3, "MISC")]) == []


def test_article_led_title_kept() -> None:
    # newspapers and titles begin with articles: they are not stripped
    assert _run("function_word_start", "Die Zeit berichtet", [(0, 2, "ORG")]) == [
        ("Die Zeit", "ORG")]
    assert _run("function_word_start", "Das Boot lief", [(0, 2, "MISC")]) == [
        ("Das Boot", "MISC")]


def test_function_word_inside_sentence_kept() -> None:
    assert _run("function_word_start", "der Film Im Krieg", [(2, 4, "MISC")]) == [
        ("Im Krieg", "MISC")]


# ------------------------------------------------------------------ lowercase_start
def test_lowercase_phrase_dropped() -> None:
    text = "der „ enge Freund des koreanischen Volkes “"
    assert _run("lowercase_start", text, [(2, 7, "MISC")]) == []


def test_name_particle_and_single_tokens_kept() -> None:
    text = "Richard von Weizsäcker und iPhone und dpa"
    spans = [(1, 3, "PER"), (4, 5, "MISC"), (6, 7, "ORG")]
    assert _run("lowercase_start", text, spans) == [
        ("von Weizsäcker", "PER"), ("iPhone", "MISC"), ("dpa", "ORG")]


# ------------------------------------------------------------------ family_name_first
def test_family_name_before_first_name_after_title() -> None:
    text = "die Außenministerin Choe Son Hui war"
    assert _run("family_name_first", text, [(3, 5, "PER")]) == [("Choe Son Hui", "PER")]


def test_compound_title_not_taken_into_name() -> None:
    # "Sportdirektor" is not in the noun list, but ends in the noun "Direktor"
    text = "mit dem Chef Sportdirektor Anna Berg"
    assert _run("family_name_first", text, [(4, 6, "PER")]) == [("Anna Berg", "PER")]


def test_no_family_name_without_title_before() -> None:
    assert _run("family_name_first", "die Choe Son Hui", [(2, 4, "PER")]) == [
        ("Son Hui", "PER")]


# ------------------------------------------------------------------ river_place
def test_place_with_river() -> None:
    text = "eine Fabrik in Komsomolsk am Amur ."
    assert _run("river_place", text, [(3, 4, "LOC")]) == [("Komsomolsk am Amur", "LOC")]


def test_place_with_an_der_and_listed_river_that_is_a_noun() -> None:
    assert _run("river_place", "in Frankfurt an der Oder", [(1, 2, "LOC")]) == [
        ("Frankfurt an der Oder", "LOC")]


def test_place_followed_by_common_noun_not_extended() -> None:
    assert _run("river_place", "in Moskau am Montag", [(1, 2, "LOC")]) == [("Moskau", "LOC")]
    assert _run("river_place", "in Moskau an der Grenze", [(1, 2, "LOC")]) == [
        ("Moskau", "LOC")]


# ------------------------------------------------------------------ place_head
def test_unknown_word_after_place_head() -> None:
    text = "auf dem Weltraumbahnhof Wostotschnij im Osten"
    assert _run("place_head", text, []) == [("Wostotschnij", "LOC")]


def test_common_noun_or_multiword_name_after_place_head_not_added() -> None:
    assert _run("place_head", "am Flughafen Ende der Woche", []) == []
    # a longer capitalised run is left to the CRF and the organisation back-off
    assert _run("place_head", "der Flughafen Berlin Brandenburg", []) == []


# ------------------------------------------------------------------ org_gazetteer
def test_listed_organisation_gets_org_type() -> None:
    assert _run("org_gazetteer", "berichtete Bloomberg heute", [(1, 2, "LOC")]) == [
        ("Bloomberg", "ORG")]


def test_listed_place_not_retyped() -> None:
    lexicon = Lexicon(gazetteers={"org": {("Moskau",)}, "place": {("Moskau",)}})
    result = SpanRepairs(lexicon, ["org_gazetteer"]).apply([["in", "Moskau"]],
                                                           [Span(0, 1, 2, "LOC")])
    assert result == [Span(0, 1, 2, "LOC")]


# ------------------------------------------------------------------ listed_org
def test_untagged_listed_organisations_added_also_in_genitive() -> None:
    text = "bei den Vereinten Nationen und nach Angaben des Weißen Hauses"
    assert _run("listed_org", text, []) == [("Vereinten Nationen", "ORG"),
                                            ("Weißen Hauses", "ORG")]


def test_listed_organisation_inside_a_tagged_span_not_added() -> None:
    text = "die Vereinten Nationen Organisation"
    assert _run("listed_org", text, [(1, 4, "MISC")]) == [
        ("Vereinten Nationen Organisation", "MISC")]


def test_single_word_and_lower_case_not_added() -> None:
    # single listed words are left to the CRF, which weighs the gazetteer feature in context
    assert _run("listed_org", "die UN und vereinten Nationen", []) == []


# ------------------------------------------------------------------ state_name
def test_state_head_with_country_is_location() -> None:
    text = "der Demokratischen Volksrepublik Korea"
    assert _run("state_name", text, [(1, 4, "ORG")]) == [
        ("Demokratischen Volksrepublik Korea", "LOC")]


def test_state_head_without_place_keeps_type() -> None:
    assert _run("state_name", "die Weimarer Republik", [(1, 3, "MISC")]) == [
        ("Weimarer Republik", "MISC")]
