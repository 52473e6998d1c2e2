"""Each resolution rule on hand-written German snippets, with the cases that must NOT merge."""

import pandas as pd

from news_pipeline.resolve import (
    acronym_candidates,
    resolve_article,
    resolve_articles,
    resolve_entities,
)


def entity_of(result, surface: str, article: str | None = None) -> str:
    rows = result.mentions[result.mentions["text"] == surface]
    if article is not None:
        rows = rows[rows["article_id"] == article]
    ids = set(rows["entity_id"])
    assert len(ids) == 1, (surface, ids)
    return ids.pop()


def row(result, surface: str) -> pd.Series:
    eid = entity_of(result, surface)
    return result.entities.set_index("entity_id").loc[eid]


def test_genitive_only_when_base_known_in_article(spans, corpus):
    text = "Putin reiste ab. Putins Besuch war kurz. Hans sprach mit Paris. Mars ist weit."
    local = resolve_article(spans("a", text, [("Putin", "PER"), ("Putins", "PER"),
                                              ("Hans", "PER"), ("Paris", "LOC"),
                                              ("Mars", "LOC")]))
    by_text = dict(zip(local["text"], zip(local["local_key"], local["local_rule"])))
    assert by_text["Putins"] == ("putin", "genitive")
    assert by_text["Hans"] == ("hans", "")    # no "Han" known
    assert by_text["Paris"] == ("paris", "")  # a known place keeps its s
    assert by_text["Mars"] == ("mars", "")


def test_genitive_of_countries_places_and_full_names(spans, corpus):
    text = ("Nordkoreas Führung empfing Gäste in Pjöngjangs Zentrum. Kim Jong Un sprach. "
            "Der Vater Kim Jong Uns war Kim Jong Il.")
    result = resolve_entities(spans("a", text, [
        ("Nordkoreas", "LOC"), ("Pjöngjangs", "LOC"), ("Kim Jong Un", "PER"),
        ("Kim Jong Uns", "PER"), ("Kim Jong Il", "PER")]))
    assert row(result, "Nordkoreas")["country_code"] == "KP"
    assert row(result, "Nordkoreas")["name"] == "Nordkorea"
    assert row(result, "Pjöngjangs")["geonames_id"] == 1871859
    assert entity_of(result, "Kim Jong Uns") == entity_of(result, "Kim Jong Un")
    assert entity_of(result, "Kim Jong Il") != entity_of(result, "Kim Jong Un")


def test_short_name_resolves_to_the_full_name_of_the_article(spans, corpus):
    text = ("Wladimir Putin traf Andrei Lankov. Putin lachte. Lankov schwieg. "
            "Kim Jong-un kam später. Kim winkte.")
    local = resolve_article(spans("a", text, [
        ("Wladimir Putin", "PER"), ("Andrei Lankov", "PER"), ("Putin", "PER"),
        ("Lankov", "PER"), ("Kim Jong-un", "PER"), ("Kim", "PER")]))
    keys = dict(zip(local["text"], local["local_key"]))
    assert keys["Putin"] == "wladimir putin"
    assert keys["Lankov"] == "andrei lankov"
    assert keys["Kim"] == "kim jong un"  # family name first


def test_short_name_with_several_candidates_needs_a_clear_majority(spans, corpus):
    clear = ("Kim Jong Un empfing Gäste. Kim Jong Un lachte. Sein Vater Kim Jong Il fehlte. "
             "Kim sprach lange.")
    names = [("Kim Jong Un", "PER"), ("Kim Jong Il", "PER"), ("Kim", "PER")]
    local = resolve_article(spans("a", clear, names))
    kim = local[local["text"] == "Kim"].iloc[0]
    assert (kim["local_key"], kim["local_rule"]) == ("kim jong un", "short_name_dominant")

    tied = "Kim Jong Un traf Kim Jong Il. Kim sprach."
    local = resolve_article(spans("b", tied, names))
    assert local.loc[local["text"] == "Kim", "local_key"].iloc[0] == "kim"


def test_short_name_needs_the_full_name_in_the_same_article(spans, corpus):
    first = spans("a", "Wladimir Putin reiste. Putin lachte.",
                  [("Wladimir Putin", "PER"), ("Putin", "PER")])
    other = spans("b", "Putin schwieg.", [("Putin", "PER")])
    local = resolve_article(other)
    assert local["local_key"].tolist() == ["putin"]
    # ... but across the corpus the only "... Putin" links it (rule corpus_short_name).
    result = resolve_entities(corpus(first, other))
    assert entity_of(result, "Putin", "b") == entity_of(result, "Wladimir Putin")
    assert result.mentions.loc[result.mentions["article_id"] == "b", "rule"].tolist() == [
        "corpus_short_name"]


def test_ambiguous_surname_across_articles_is_not_merged(spans, corpus):
    a = spans("a", "Olaf Scholz sprach.", [("Olaf Scholz", "PER")])
    b = spans("b", "Anna Scholz sprach.", [("Anna Scholz", "PER")])
    c = spans("c", "Scholz schwieg.", [("Scholz", "PER")])
    result = resolve_entities(corpus(a, b, c))
    ids = {entity_of(result, s) for s in ("Olaf Scholz", "Anna Scholz", "Scholz")}
    assert len(ids) == 3


def test_a_place_tagged_loc_is_not_taken_for_a_person(spans, corpus):
    text = "George Washington starb. In Washington regnet es. Washington sagte nichts."
    mentions = spans("a", text, [("George Washington", "PER"), ("Washington", "LOC")])
    mentions.loc[2, "label"] = "PER"  # the third mention is the person
    local = resolve_article(mentions)
    assert local["local_key"].tolist() == ["george washington", "washington",
                                           "george washington"]


def test_one_letter_apart_never_merges(spans, corpus):
    text = "Kim Jong-in, Kim Jong-un und Kim Jong Il. Kim Jong Un sprach."
    result = resolve_entities(spans("a", text, [
        ("Kim Jong-in", "PER"), ("Kim Jong-un", "PER"), ("Kim Jong Il", "PER"),
        ("Kim Jong Un", "PER")]))
    assert entity_of(result, "Kim Jong-un") == entity_of(result, "Kim Jong Un")
    assert len({entity_of(result, s) for s in ("Kim Jong-in", "Kim Jong-un",
                                                "Kim Jong Il")}) == 3


def test_country_names_variants_and_acronyms_are_one_country(spans, corpus):
    a = spans("a", "Die DVRK, offiziell Demokratische Volksrepublik Korea, grenzt an Russland.",
              [("DVRK", "LOC"), ("Demokratische Volksrepublik Korea", "LOC"),
               ("Russland", "LOC")])
    b = spans("b", "Nordkorea und die Demokratischen Volksrepublik Korea. Russlands Hilfe.",
              [("Nordkorea", "LOC"), ("Demokratischen Volksrepublik Korea", "LOC"),
               ("Russlands", "LOC")])
    result = resolve_entities(corpus(a, b))
    korea = {entity_of(result, s) for s in ("DVRK", "Demokratische Volksrepublik Korea",
                                             "Nordkorea", "Demokratischen Volksrepublik Korea")}
    assert len(korea) == 1
    entity = row(result, "DVRK")
    assert (entity["name"], entity["country_code"], entity["label"]) == ("Nordkorea", "KP", "LOC")
    assert "acronym+country" in entity["merge_rules"]
    assert entity_of(result, "Russlands") == entity_of(result, "Russland")
    assert entity_of(result, "Russland") not in korea


def test_organisation_aliases(spans, corpus):
    text = "Die UN tagten. Die UNO und die Vereinten Nationen sind eins. Die NATO nicht."
    result = resolve_entities(spans("a", text, [("UN", "ORG"), ("UNO", "ORG"),
                                                ("Vereinten Nationen", "ORG"),
                                                ("NATO", "ORG")]))
    assert len({entity_of(result, s) for s in ("UN", "UNO", "Vereinten Nationen")}) == 1
    assert row(result, "UNO")["name"] == "Vereinte Nationen"
    assert entity_of(result, "NATO") != entity_of(result, "UN")
    assert pd.isna(row(result, "UNO")["country_code"])


def test_acronym_and_its_expansion_in_the_corpus(spans, corpus):
    a = spans("a", "Die Koreanische Zentrale Nachrichtenagentur (KZN) meldete es.",
              [("Koreanische Zentrale Nachrichtenagentur", "ORG"), ("KZN", "ORG")])
    b = spans("b", "Laut KZN war es ein Erfolg.", [("KZN", "ORG")])
    result = resolve_entities(corpus(a, b))
    assert entity_of(result, "KZN") == entity_of(result, "Koreanische Zentrale Nachrichtenagentur")
    assert row(result, "KZN")["name"] == "Koreanische Zentrale Nachrichtenagentur"
    assert "acronym" in row(result, "KZN")["merge_rules"]


def test_acronym_without_co_occurring_expansion_or_with_two_stays_alone(spans, corpus):
    a = spans("a", "Die Koreanische Zentrale Nachrichtenagentur meldete es.",
              [("Koreanische Zentrale Nachrichtenagentur", "ORG")])
    b = spans("b", "Laut KZN war es ein Erfolg.", [("KZN", "ORG")])
    result = resolve_entities(corpus(a, b))
    assert entity_of(result, "KZN") != entity_of(result,
                                                 "Koreanische Zentrale Nachrichtenagentur")
    c = spans("c", "Der Kölner Zoo Nord (KZN) und die Kieler Zeitungs Nachrichten (KZN).",
              [("Kölner Zoo Nord", "ORG"), ("Kieler Zeitungs Nachrichten", "ORG"),
               ("KZN", "ORG")])
    result = resolve_entities(c)
    assert len(set(result.mentions["entity_id"])) == 3


def test_places_get_geonames_ids_and_coordinates(spans, corpus):
    text = "Von Moskau nach Wladiwostok, dann Charkow und Saporoschje. Der Kreml schwieg."
    result = resolve_entities(spans("a", text, [("Moskau", "LOC"), ("Wladiwostok", "LOC"),
                                                ("Charkow", "LOC"), ("Saporoschje", "LOC"),
                                                ("Kreml", "LOC")]))
    moscow = row(result, "Moskau")
    assert (moscow["geonames_id"], moscow["country_code"], moscow["name"]) == (
        524901, "RU", "Moskau")
    assert 55 < moscow["latitude"] < 56 and 37 < moscow["longitude"] < 38
    assert row(result, "Charkow")["country_code"] == "UA"
    assert pd.isna(row(result, "Kreml")["geonames_id"])


def test_a_person_is_never_linked_to_a_place(spans, corpus):
    result = resolve_entities(spans("a", "Kim lachte.", [("Kim", "PER")]))  # Kim is a town too
    assert pd.isna(row(result, "Kim")["geonames_id"])


def test_labels_by_majority_within_the_merged_entity(spans, corpus):
    text = "Wladimir Putin kam. Putin sprach. Putin ging. Putin lachte."
    mentions = spans("a", text, [("Wladimir Putin", "PER"), ("Putin", "PER")])
    mentions.loc[[1, 2], "label"] = "LOC"  # noise: 2 LOC, 2 PER -> tie, PER first
    result = resolve_entities(mentions)
    assert row(result, "Wladimir Putin")["label"] == "PER"
    mentions.loc[3, "label"] = "ORG"
    mentions.loc[0, "label"] = "LOC"
    assert row(resolve_entities(mentions), "Wladimir Putin")["label"] == "LOC"


def test_merges_are_audited(spans, corpus):
    text = "Wladimir Putin kam. Putins Rede. Putin ging."
    result = resolve_entities(spans("a", text, [("Wladimir Putin", "PER"), ("Putins", "PER"),
                                                ("Putin", "PER")]))
    audit = result.aliases.set_index("alias")
    assert audit.loc["Putins", "rule"] == "genitive+short_name"
    assert audit.loc["Putin", "rule"] == "short_name"
    assert audit.loc["Wladimir Putin", "rule"] == "exact"
    assert row(result, "Putin")["merge_rules"] == ["genitive+short_name", "short_name"]


def test_acronym_candidates_pair_keys_of_the_same_article_only(spans, corpus):
    a = spans("a", "Die Koreanische Zentrale Nachrichtenagentur KZN und Kim Jong Un.", [
        ("Koreanische Zentrale Nachrichtenagentur", "ORG"), ("KZN", "ORG"),
        ("Kim Jong Un", "PER")])
    b = spans("b", "Die KJU schwieg.", [("KJU", "ORG")])
    found = acronym_candidates(resolve_articles(corpus(a, b)))
    assert found.to_dict("records") == [{
        "article_id": "a", "acronym_key": "kzn",
        "expansion_key": "koreanische zentrale nachrichtenagentur"}]
    assert acronym_candidates(resolve_articles(b)).empty
