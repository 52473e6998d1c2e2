"""The quotation extractor: one test per construction, the negatives, and properties that
hold for any text (offsets, no crash)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from news_pipeline.ner.text import Segmenter
from news_pipeline.quotes import Quote, QuoteExtractor, extract_quotes

GOLD = Path(__file__).resolve().parents[2] / "data" / "quotes"


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    label: str
    text: str
    sentence_index: int = 0
    entity_id: str | None = None


def mentions(text: str, names: dict[str, str]) -> list[Mention]:
    """Every occurrence of each name (longest first where they overlap), as an entity whose
    id is its label and last word: "Wladimir Putin" and "Putin" are one entity."""
    found = sorted(((m.start(), m.end(), name) for name in names
                    for m in re.finditer(re.escape(name), text)), key=lambda f: (f[0], f[0] - f[1]))
    result: list[Mention] = []
    for start, end, name in found:
        if not result or start >= result[-1].end:
            label = names[name]
            result.append(Mention(start, end, label, name, 0, f"{label}:{name.split()[-1]}"))
    return result


def quotes(text: str, **names: str) -> list[tuple[str, str, str | None, str | None]]:
    """(kind, text, speaker, cue) of each quotation; names map a name to its label."""
    found = extract_quotes(text, mentions(text, {k.replace("_", " "): v for k, v in names.items()}))
    return [(q.kind, q.text, q.speaker, q.cue) for q in found]


# -- direct ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("opening", "closing"), [("„", "“"), ("»", "«"), ("«", "»"), ("‚", "‘"),
                                                  ("“", "”"), ('"', '"')])
def test_direct_in_each_quotation_mark_style(opening: str, closing: str) -> None:
    text = f"{opening}Wir bleiben hart{closing}, sagte Olaf Scholz."
    assert quotes(text, Olaf_Scholz="PER") == [("direct", "Wir bleiben hart", "Olaf Scholz", "sagte")]


def test_direct_after_cue_and_colon() -> None:
    text = "Annalena Baerbock sagte: »Die Lage ist ernst.«"
    assert quotes(text, Annalena_Baerbock="PER") == [
        ("direct", "Die Lage ist ernst.", "Annalena Baerbock", "sagte")]


def test_direct_on_the_line_after_the_cue() -> None:
    text = "António Guterres sagte bei der Eröffnung:\n„Die Welt steht am Abgrund.“"
    assert quotes(text, António_Guterres="PER") == [
        ("direct", "Die Welt steht am Abgrund.", "António Guterres", "sagte")]


def test_quote_first_then_das_sagte() -> None:
    text = "„Ohne Zuwanderung geht es nicht.“ Das sagte Karl Lauterbach der Presse."
    assert quotes(text, Karl_Lauterbach="PER") == [
        ("direct", "Ohne Zuwanderung geht es nicht.", "Karl Lauterbach", "sagte")]


def test_partitive_speaker_and_advice() -> None:
    text = "„Die Preise ziehen wieder an“, so einer von Info-Kompass‘ Informanten. „Tomaten sät " \
           "man besser spät“, rät Lena Hörmbach."
    assert quotes(text, Lena_Hörmbach="PER") == [
        ("direct", "Die Preise ziehen wieder an", "einer von Info-Kompass‘ Informanten", "so"),
        ("direct", "Tomaten sät man besser spät", "Lena Hörmbach", "rät")]


def test_apposition_names_the_speaker() -> None:
    text = "„Wir wissen das“, sagte der Sprecher des Sicherheitsrates, John Kirby."
    assert quotes(text, John_Kirby="PER") == [("direct", "Wir wissen das", "John Kirby", "sagte")]


def test_pronoun_resolves_to_the_last_person() -> None:
    text = "Friedrich Merz besuchte ein Werk. „Die Industrie braucht Sicherheit“, sagte er."
    [quote] = extract_quotes(text, mentions(text, {"Friedrich Merz": "PER"}))
    assert (quote.speaker, quote.speaker_entity_id) == ("Friedrich Merz", "PER:Merz")


def test_interrupted_quotation_is_two_quotations_of_one_speaker() -> None:
    text = "„Wir sind bereit“, sagte der Sprecher, „aber nicht so.“"
    assert quotes(text) == [("direct", "Wir sind bereit", "Sprecher", "sagte"),
                            ("direct", "aber nicht so.", "Sprecher", "sagte")]


def test_quotation_over_two_sentences() -> None:
    text = "„Der Winter wird hart. Wir müssen sparen“, sagte Robert Habeck."
    assert quotes(text, Robert_Habeck="PER") == [
        ("direct", "Der Winter wird hart. Wir müssen sparen", "Robert Habeck", "sagte")]


def test_lone_quotation_continues_the_speaker_before() -> None:
    text = "„Das Fest war ein Erfolg“, sagte Reker.\n\n„Im nächsten Jahr kommen wir wieder.“"
    assert quotes(text, Reker="PER") == [
        ("direct", "Das Fest war ein Erfolg", "Reker", "sagte"),
        ("direct", "Im nächsten Jahr kommen wir wieder.", "Reker", None)]


def test_name_and_colon_introduce_a_quotation() -> None:
    text = "Ministerin Svenja Schulze: „Hunger zu bekämpfen ist unsere Priorität.“"
    assert quotes(text, Svenja_Schulze="PER") == [
        ("direct", "Hunger zu bekämpfen ist unsere Priorität.", "Svenja Schulze", None)]


def test_heisst_es_in_a_document() -> None:
    text = "„Die Lage hat sich verschlechtert“, heißt es in einem Bericht des Innenministeriums."
    assert quotes(text) == [("direct", "Die Lage hat sich verschlechtert",
                             "Bericht des Innenministeriums", "heißt es in")]


# -- indirect --------------------------------------------------------------------------------

def test_indirect_konjunktiv_after_sagte() -> None:
    text = "Jens Stoltenberg sagte, der Besuch zeige, wie abhängig Putin sei."
    assert quotes(text, Jens_Stoltenberg="PER", Putin="PER") == [
        ("indirect", "der Besuch zeige, wie abhängig Putin sei", "Jens Stoltenberg", "sagte")]


def test_indirect_dass_clause_of_a_separable_verb() -> None:
    text = "Volkswagen teilte am Donnerstag mit, dass 300 Stellen wegfallen sollen."
    assert quotes(text, Volkswagen="ORG") == [
        ("indirect", "300 Stellen wegfallen sollen", "Volkswagen", "teilte … mit")]


def test_indirect_quote_first_with_inverted_cue() -> None:
    text = "Die Lieferketten hätten sich stabilisiert, erklärte der Chef von BASF, Markus Kamieth."
    assert quotes(text, BASF="ORG", Markus_Kamieth="PER") == [
        ("indirect", "Die Lieferketten hätten sich stabilisiert", "Markus Kamieth", "erklärte")]


def test_anaphoric_das_teilte_mit() -> None:
    text = "Die Fähre fällt am Samstag aus. Das teilte die Reederei am Freitag mit."
    assert quotes(text) == [("indirect", "Die Fähre fällt am Samstag aus", "Reederei", "teilte … mit")]


def test_konjunktiv_continuation_keeps_the_speaker() -> None:
    text = "Nancy Faeser sagte, die Kontrollen würden verlängert. Sie seien wirksam.\n\n" \
           "Man teste zudem Drohnen an der Grenze."
    assert quotes(text, Nancy_Faeser="PER") == [
        ("indirect", "die Kontrollen würden verlängert", "Nancy Faeser", "sagte"),
        ("indirect", "Sie seien wirksam", "Nancy Faeser", "sagte"),
        ("indirect", "Man teste zudem Drohnen an der Grenze", "Nancy Faeser", "sagte")]


def test_continuation_looks_past_a_heading() -> None:
    text = "Sie versicherte, es gehe ihr gut.\n\nTrennung nach einem halben Jahr\n\nSie wolle keine " \
           "Nachrichten bekommen."
    [_, continued] = quotes(text)
    assert continued == ("indirect", "Sie wolle keine Nachrichten bekommen", None, "versicherte")


def test_particle_written_apart_and_age_as_speaker() -> None:
    text = "Wie die Veranstalter bekannt gaben, wird Mira die neue Moderation übernehmen. „Es war " \
           "schön“, schrieb der 52-Jährige."
    assert quotes(text) == [("indirect", "wird Mira die neue Moderation übernehmen", "Veranstalter",
                             "bekannt gaben"),
                            ("direct", "Es war schön", "52-Jährige", "schrieb")]


def test_relative_source_word() -> None:
    text = "2019 kursierte ein Börsenblatt-Bericht, demzufolge Fenwick ein Boot entwickle."
    assert quotes(text) == [("indirect", "Fenwick ein Boot entwickle", "Börsenblatt-Bericht",
                             "demzufolge")]


@pytest.mark.parametrize(("text", "content", "speaker", "cue"), [
    ("Die Verhandlungen seien schwierig, so ein Sprecher des Auswärtigen Amtes.",
     "Die Verhandlungen seien schwierig", "Sprecher des Auswärtigen Amtes", "so"),
    ("Laut dem Robert Koch-Institut ist die Zahl der Fälle gestiegen.",
     "ist die Zahl der Fälle gestiegen", "Robert Koch-Institut", "Laut"),
    ("Den Meteorologen zufolge wird es am Wochenende schneien.",
     "wird es am Wochenende schneien", "Meteorologen", "zufolge"),
    ("Nach Angaben der Polizei wurden drei Menschen verletzt.",
     "wurden drei Menschen verletzt", "Polizei", "Nach Angaben"),
    ("Putin wird nach Kreml-Angaben nach Vietnam reisen.",
     "Putin wird nach Kreml-Angaben nach Vietnam reisen", "Kreml", "nach Kreml-Angaben"),
    ("Eine Einigung sei möglich, hieß es aus Regierungskreisen.",
     "Eine Einigung sei möglich", "Regierungskreisen", "hieß es aus"),
    ("Die Bahn will 1800 Bahnhöfe modernisieren, wie der Konzern am Mittwoch mitteilte.",
     "Die Bahn will 1800 Bahnhöfe modernisieren", "Konzern", "mitteilte"),
])
def test_source_phrases(text: str, content: str, speaker: str, cue: str) -> None:
    assert quotes(text) == [("indirect", content, speaker, cue)]


def test_cue_inside_its_content_takes_the_whole_sentence() -> None:
    text = "Mehrere Zulieferer, heißt es im Schreiben, hätten die Preise erhöht."
    assert quotes(text) == [("indirect", "Mehrere Zulieferer, heißt es im Schreiben, hätten die "
                                         "Preise erhöht", "Schreiben", "heißt es im")]
    text = "Die Pianistin Marlowe werde, wie sie beim Empfang sagte, durch den Saal führen."
    assert quotes(text, Marlowe="PER") == [("indirect", text[:-1], "Marlowe", "sagte")]


def test_content_after_the_speakers_apposition() -> None:
    text = "So sagte etwa Helene Brankow, Professorin in Tübingen, die Zahlen seien veraltet."
    assert quotes(text, Helene_Brankow="PER") == [
        ("indirect", "die Zahlen seien veraltet", "Helene Brankow", "sagte")]


def test_content_after_a_colon_not_the_question_before_the_cue() -> None:
    text = "Auf die Frage, ob er komme, erklärte Beckenbauer: Das entscheide ich allein."
    assert quotes(text, Beckenbauer="PER") == [
        ("indirect", "Das entscheide ich allein", "Beckenbauer", "erklärte")]


def test_inverted_cue_before_a_colon_has_content_on_both_sides() -> None:
    text = "Die Quote sei falsch berechnet, kritisierte Hans Niessl: Das Burgenland leiste mehr."
    assert quotes(text, Hans_Niessl="PER") == [
        ("indirect", "Die Quote sei falsch berechnet", "Hans Niessl", "kritisierte"),
        ("indirect", "Das Burgenland leiste mehr", "Hans Niessl", "kritisierte")]


def test_relative_clause_speaker_is_the_name_before_it() -> None:
    text = "Bekannt ist Otto Fennrich, der 1952 sagte, dass alle Fähren pünktlich sein werden."
    assert quotes(text, Otto_Fennrich="PER") == [
        ("indirect", "alle Fähren pünktlich sein werden", "Otto Fennrich", "sagte")]


def test_first_person_subject_names_no_speaker() -> None:
    text = "Wir fordern die Migranten auf, den Behörden zu vertrauen."
    assert quotes(text) == [("indirect", "den Behörden zu vertrauen", None, "fordern … auf")]


def test_passive_agent_is_the_speaker() -> None:
    text = "Nordkorea wird vom Westen beschuldigt, Russland Munition zu liefern."
    assert quotes(text) == [("indirect", "Russland Munition zu liefern", "Westen", "beschuldigt")]


def test_organisations_speak() -> None:
    text = "Der Kreml erklärte, man sei zu Gesprächen bereit. Die Nachrichtenagentur Tass meldete, " \
           "die Gespräche würden fortgesetzt."
    assert quotes(text, Kreml="ORG", Tass="ORG") == [
        ("indirect", "man sei zu Gesprächen bereit", "Kreml", "erklärte"),
        ("indirect", "die Gespräche würden fortgesetzt", "Nachrichtenagentur Tass", "meldete")]


# -- mixed -----------------------------------------------------------------------------------

def test_quoted_fragment_in_reported_speech_is_mixed() -> None:
    text = "Dmitri Peskow sagte, es handle sich um „reine Spekulation“."
    assert quotes(text, Dmitri_Peskow="PER") == [
        ("mixed", "es handle sich um „reine Spekulation“", "Dmitri Peskow", "sagte")]


def test_bezeichnete_als_with_a_quoted_fragment_is_mixed() -> None:
    text = "Dmytro Kuleba bezeichnete die Reise als „einsame Bromance“ zwischen Putin und Kim."
    assert quotes(text, Dmytro_Kuleba="PER", Putin="PER", Kim="PER") == [
        ("mixed", "die Reise als „einsame Bromance“ zwischen Putin und Kim", "Dmytro Kuleba",
         "bezeichnete")]


def test_so_with_quoted_fragments_is_mixed() -> None:
    text = "Die Reise werde „die Zusammenarbeit heben“, so Putin."
    assert quotes(text, Putin="PER") == [
        ("mixed", "Die Reise werde „die Zusammenarbeit heben“", "Putin", "so")]


# -- not quotations --------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "„Freundschaft“ zwischen Putin und Kim Jong-un",
    "Die Debatte über die sogenannte „Zeitenwende“ dauerte vier Stunden.",
    "Kreml-Chef Putin wird zu einem „freundschaftlichen Staatsbesuch“ empfangen.",
    "Der Film „Das Lehrerzimmer“ war für einen Oscar nominiert.",
    "Die Terrororganisationen „Islamischer Staat“ und „Al Qaida“ drohten mit Anschlägen.",
    "Experten befürchten, dass die Inflation wieder steigen könnte.",
    "Nein zu sagen, eine Bitte zu verweigern, ist mühsam.",
    "Der Arzt sollte erklären, warum eine Einweisung schaden würde.",
    "Der Verein sagte das Spiel wegen des Unwetters ab.",
    "Das heißt, die Saison endet später.",
    "Die Musik war so laut, dass die Nachbarn kamen.",
    "Den neuesten Daten zufolge wächst die Wirtschaft.",
    "Beide haben die Vorwürfe zurückgewiesen, die einen Verstoß darstellen würden.",
    "Diesen Vorgang bezeichnen Geologen als Verwitterung.",
    "Er sagte nicht, ob er kandidiert.",
    "Der Umbau soll, so die Hoffnung, neue Gäste anziehen.",
    "Der Hinweis wird in allen Filialen hervorgehoben, um die Kundschaft zu warnen.",
])
def test_not_a_quotation(text: str) -> None:
    assert quotes(text, Putin="PER") == []


def test_a_title_in_reported_speech_does_not_make_it_mixed() -> None:
    text = "Die Regisseurin sagte, der Film „Das Lehrerzimmer“ habe sie überrascht."
    assert [q[0] for q in quotes(text)] == ["indirect"]


# -- the Quote record ------------------------------------------------------------------------

def test_sentence_index_is_the_segmenters() -> None:
    text = "Es regnet.\n\nDer Bus kam spät. „Wir warten“, sagte Anna Berg."
    [quote] = extract_quotes(text, mentions(text, {"Anna Berg": "PER"}))
    sentences = list(Segmenter().sentences(text))
    assert sentences[quote.sentence_index].tokens[0].start <= quote.start
    assert quote.sentence_index == 2


def test_quote_id_depends_on_span_kind_and_text_only() -> None:
    text = "„Wir warten“, sagte Anna Berg. „Wir gehen“, sagte Anna Berg."
    first, second = extract_quotes(text, [])
    again = extract_quotes(text, mentions(text, {"Anna Berg": "PER"}))
    assert first.quote_id == again[0].quote_id != second.quote_id
    assert re.fullmatch("[0-9a-f]{16}", first.quote_id)


def test_speaker_links_to_the_entity_of_its_mention() -> None:
    text = "Der Kreml erklärte, Putin werde reisen."
    [quote] = extract_quotes(text, mentions(text, {"Kreml": "ORG", "Putin": "PER"}))
    assert (quote.speaker, quote.speaker_entity_id) == ("Kreml", "ORG:Kreml")


def test_missing_entity_ids_are_none() -> None:
    text = "„Wir warten“, sagte Anna Berg."
    nan_id = Mention(20, 29, "PER", "Anna Berg", 0, float("nan"))  # type: ignore[arg-type]
    [quote] = extract_quotes(text, [nan_id])
    assert (quote.speaker, quote.speaker_entity_id) == ("Anna Berg", None)


def test_given_sentences_give_the_same_quotations() -> None:
    text = "„Wir warten“, sagte Anna Berg. Sie seien müde."
    extractor = QuoteExtractor()
    sentences = list(extractor.segmenter.sentences(text))
    assert extractor.extract(text, [], sentences) == extractor.extract(text, [])


# -- properties ------------------------------------------------------------------------------

def assert_offsets(text: str, found: list[Quote]) -> None:
    for quote in found:
        assert text[quote.start:quote.end] == quote.text
        assert quote.kind in ("direct", "indirect", "mixed")


@pytest.mark.parametrize("name", ["written.json", "samples.json"])
def test_offsets_hold_on_the_gold_texts(name: str) -> None:
    for document in json.loads((GOLD / name).read_text(encoding="utf-8")):
        assert_offsets(document["text"], extract_quotes(document["text"], []))


PIECES = ["„", "“", "”", "»", "«", "‚", "‘", "’", '"', "'", ",", ".", ":", "!", "?", " ", " ",
          "\n", "\n\n", "sagte", "Putin", "er", "so", "laut", "zufolge", "nach", "Angaben",
          "heißt", "es", "teilte", "mit", "dass", "sei", "Das", "der", "Kreml", "bezeichnete",
          "als", "zu", "wird", "von", "wie", "-", "Kreml-Angaben", "eigenen", "sich", "zeigte",
          "Stolz", "lobte", "wir", "Am", "Mittwoch", "erklärt", "hin", "wies", "Sie", "seien"]
# short texts end on a cue or a name often; long ones pair and nest quotation marks
TEXTS = st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=8).map(" ".join) | \
    st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=120).map(" ".join)


@settings(max_examples=500, deadline=None)
@given(TEXTS, st.lists(st.tuples(st.integers(0, 500), st.integers(1, 20),
                                 st.sampled_from(["PER", "LOC", "ORG", "MISC"])), max_size=12))
def test_never_crashes_and_offsets_hold(text: str, spans: list[tuple[int, int, str]]) -> None:
    found_mentions = [Mention(s, min(s + n, len(text)), label, text[s:s + n], 0, f"e{s}")
                      for s, n, label in spans if s < len(text)]
    assert_offsets(text, extract_quotes(text, found_mentions))
