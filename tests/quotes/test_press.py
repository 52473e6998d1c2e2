"""Constructions of press-conference and press-release reports: "so X" followed by a
manner word, a preposition or a parenthesis, "hieß es am Freitag in", "Seinen Angaben nach",
"nach eigenen Angaben" after a fronted phrase, a genitive person before a role and a name,
the speaker of a quotation that no cue attributes, labels before a colon, content on both
sides of "..., betonte X:", Konjunktiv II of a coordinated verb. Sentences written for
these tests."""

from __future__ import annotations

from tests.quotes.test_extract import quotes


def test_so_with_a_manner_word_after_the_speaker() -> None:
    text = '"Der Ausfall tut weh", so Mara Lind enttäuscht.'
    assert quotes(text, Mara_Lind="PER") == [("direct", "Der Ausfall tut weh", "Mara Lind", "so")]


def test_so_with_a_prepositional_phrase_after_the_speaker() -> None:
    text = '"Wir waren einfach besser", so die Trainerin über das Spiel. Mara Lind lachte.'
    found = quotes(text, Mara_Lind="PER")
    assert found[0][:2] == ("direct", "Wir waren einfach besser")


def test_so_with_a_parenthesis_after_the_speaker() -> None:
    text = "Die Preise seien gestiegen, so der Bundesverband Holz (BVH) in einer Mitteilung."
    assert quotes(text, Bundesverband_Holz="ORG") == [
        ("indirect", "Die Preise seien gestiegen", "Bundesverband Holz", "so")]


def test_heisst_es_with_a_day_before_the_source() -> None:
    text = "Die Hilfe solle rasch kommen, hieß es am Montag in einer Aussendung des Vereins."
    assert quotes(text) == [("indirect", "Die Hilfe solle rasch kommen",
                             "Aussendung des Vereins", "hieß es in")]


def test_possessive_angaben_nach() -> None:
    text = "Jonas Berg leitet den Verein. Seinen Angaben nach kamen über 300 Gäste."
    assert quotes(text, Jonas_Berg="PER") == [
        ("indirect", "kamen über 300 Gäste", "Jonas Berg", "Seinen Angaben nach")]


def test_eigene_angaben_after_a_fronted_phrase_name_the_subject_after_the_verb() -> None:
    text = "Von den 40 Betrieben der Region vertritt der Landesverband Bau nach eigenen Angaben 30."
    found = quotes(text, Landesverband_Bau="ORG")
    assert found[0][2] == "Landesverband Bau"


def test_a_genitive_person_before_a_role_and_a_name() -> None:
    text = "Die Kosten lägen laut Bergs Anwalt Tim Roth bei 5.000 Euro."
    found = quotes(text, Bergs="PER", Tim_Roth="PER")
    assert found[0][2] == "Tim Roth"


def test_a_lone_quotation_after_a_sentence_about_one_person() -> None:
    text = 'Trainer Jonas Berg ist seit Wochen unterwegs. "Es ist härter denn je."'
    assert quotes(text, Jonas_Berg="PER") == [("direct", "Es ist härter denn je.", "Jonas Berg", None)]


def test_a_label_before_a_colon_is_no_speaker() -> None:
    text = ('"Wir fahren nach Hause", sagt Jonas Berg. Sein Fazit: "Es war eine gute Saison."')
    assert quotes(text, Jonas_Berg="PER")[-1] == (
        "direct", "Es war eine gute Saison.", "Jonas Berg", None)


def test_indicative_content_before_a_strong_cue_and_colon() -> None:
    text = 'Kinder brauchen Schutz, betonte Ina Vogt: "Das darf nicht warten."'
    assert quotes(text, Ina_Vogt="PER") == [
        ("indirect", "Kinder brauchen Schutz", "Ina Vogt", "betonte"),
        ("direct", "Das darf nicht warten.", "Ina Vogt", "betonte")]


def test_a_question_before_cue_adverbials_and_colon_is_no_content() -> None:
    text = 'Auf die Frage, ob er bleibe, sagte Jonas Berg am Montag in Wien: "Ja, sicher."'
    assert quotes(text, Jonas_Berg="PER") == [("direct", "Ja, sicher.", "Jonas Berg", "sagte")]


def test_konjunktiv_ii_of_a_coordinated_verb_is_the_writers() -> None:
    text = ('"Sie fehlt uns sehr", sagt Ina Vogt. Das Team führt in der Serie mit 2:1 und '
            "würde mit einem Sieg den Titel holen.")
    assert len(quotes(text, Ina_Vogt="PER")) == 1


def test_wie_x_sich_ausdrueckte() -> None:
    text = 'Die Opposition hält das für einen "Fehler", wie der Abgeordnete Jonas Berg sich ausdrückte.'
    assert quotes(text, Jonas_Berg="PER") == [
        ("mixed", 'Die Opposition hält das für einen "Fehler"', "Jonas Berg", "ausdrückte")]


def test_relative_source_after_the_verb_that_closes_the_clause() -> None:
    text = "Die Stadt hat auf Berichte reagiert, wonach die Brücke gesperrt werde."
    assert quotes(text) == [("indirect", "die Brücke gesperrt werde", "Berichte", "wonach")]


def test_content_before_a_cue_with_a_modal_of_demand() -> None:
    text = "Ein solches Angebot sollte es überall geben, forderte der Landesverband Pflege."
    assert quotes(text, Landesverband_Pflege="ORG") == [
        ("indirect", "Ein solches Angebot sollte es überall geben", "Landesverband Pflege", "forderte")]


def test_a_reflexive_between_cue_and_speaker() -> None:
    text = 'Ähnlich äußerte sich der Abgeordnete Jonas Berg: "Das kommt zu spät."'
    assert quotes(text, Jonas_Berg="PER") == [("direct", "Das kommt zu spät.", "Jonas Berg", "äußerte")]


def test_als_predicate_after_an_apposition_of_the_object() -> None:
    text = "Das Gericht Linz beschrieb die Haft, vor allem die ersten Wochen, als harte Zeit."
    found = quotes(text, Gericht_Linz="ORG")
    assert found[0][0] == "indirect" and found[0][1].endswith("als harte Zeit")


def test_fronted_object_of_an_als_predicate_and_a_colon_after_it() -> None:
    text = "Die Aktion bezeichnete Jonas Berg als Kunst: Mir schien es nötig, etwas zu tun."
    assert quotes(text, Jonas_Berg="PER") == [
        ("indirect", "Die Aktion bezeichnete Jonas Berg als Kunst", "Jonas Berg", "bezeichnete"),
        ("indirect", "Mir schien es nötig, etwas zu tun", "Jonas Berg", "bezeichnete")]


def test_reported_speech_whose_colon_introduces_one_quotation_is_two() -> None:
    text = ('Den Gemeinden stehe es frei, die Feiern abzusagen: "Niemand muss sich gedrängt '
            'fühlen", so Ina Vogt.')
    assert quotes(text, Ina_Vogt="PER") == [
        ("indirect", "Den Gemeinden stehe es frei, die Feiern abzusagen", "Ina Vogt", "so"),
        ("direct", "Niemand muss sich gedrängt fühlen", "Ina Vogt", "so")]


def test_a_heading_with_a_source_and_a_quotation_after_a_dash() -> None:
    text = 'Firma laut Ina Vogt gerettet - Ministerin: "Wir haben es geschafft"'
    found = quotes(text, Ina_Vogt="PER")
    assert found == [("indirect", "Firma laut Ina Vogt gerettet", "Ina Vogt", "laut"),
                     ("direct", "Wir haben es geschafft", "Ina Vogt", None)]


def test_content_before_verraten() -> None:
    text = "Jonas Berg war lange weg. Um die Jugend will er sich weiter kümmern, verriet er der Zeitung."
    assert quotes(text, Jonas_Berg="PER") == [
        ("indirect", "Um die Jugend will er sich weiter kümmern", "Jonas Berg", "verriet")]


def test_an_adverbial_clause_before_a_strong_cue_is_no_content() -> None:
    text = "Nachdem Jonas Berg angekommen war, erzählte er von seiner Reise."
    assert quotes(text, Jonas_Berg="PER") == []
