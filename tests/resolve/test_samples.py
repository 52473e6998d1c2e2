"""The sample articles in data/raw with the spans a recogniser should find (hand-listed)."""

from pathlib import Path

import pytest

from news_pipeline.resolve import resolve_entities

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"
NAMES = [
    ("Putin", "PER"), ("Wladimir Putin", "PER"), ("Putins", "PER"), ("Kim Jong-un", "PER"),
    ("Kim Jong Un", "PER"), ("Kim Jong Uns", "PER"), ("Kim Jong Il", "PER"),
    ("Kim Jong-in", "PER"), ("Kim", "PER"), ("Nordkorea", "LOC"), ("Nordkoreas", "LOC"),
    ("DVRK", "LOC"), ("Demokratische Volksrepublik Korea", "LOC"),
    ("Demokratischen Volksrepublik Korea", "LOC"), ("Pjöngjang", "LOC"), ("Pjöngjangs", "LOC"),
    ("Russland", "LOC"), ("Russlands", "LOC"), ("Kreml", "ORG"), ("Kremls", "ORG"),
    ("Moskau", "LOC"), ("Charkow", "LOC"), ("Saporoschje", "LOC"), ("Wladiwostok", "LOC"),
    ("Komsomolsk am Amur", "LOC"), ("UN", "ORG"), ("UNO", "ORG"), ("Vereinten Nationen", "ORG"),
    ("USA", "LOC"), ("NATO", "ORG"), ("Jens Stoltenberg", "PER"), ("John Kirby", "PER"),
    ("Dmytro Kuleba", "PER"), ("Kuleba", "PER"), ("Sergej Lawrow", "PER"),
    ("Choe Son Hui", "PER"), ("Andrei Lankov", "PER"), ("Lankov", "PER"),
    ("Koreanische Zentrale Nachrichtenagentur", "ORG"), ("Kookmin-Universität", "ORG"),
    ("Bloomberg", "ORG"), ("BBC", "ORG"), ("Schoigu", "PER"),
]


@pytest.fixture(scope="module")
def result(spans, corpus):
    files = sorted(RAW.glob("*.txt"))
    if not files:
        pytest.skip("no sample articles")
    return resolve_entities(corpus(*(spans(f.stem, f.read_text(), NAMES) for f in files)))


def _entity(result, *surfaces):
    rows = result.mentions[result.mentions["text"].isin(surfaces)]
    return set(rows["entity_id"])


@pytest.mark.parametrize("group", [
    ("Putin", "Putins", "Wladimir Putin"),
    ("Kim Jong-un", "Kim Jong Un", "Kim Jong Uns", "Kim"),
    ("Nordkorea", "Nordkoreas", "DVRK", "Demokratische Volksrepublik Korea",
     "Demokratischen Volksrepublik Korea"),
    ("Pjöngjang", "Pjöngjangs"), ("Russland", "Russlands"), ("Kreml", "Kremls"),
    ("UN", "UNO", "Vereinten Nationen"), ("Andrei Lankov", "Lankov"),
])
def test_one_entity(result, group):
    assert len(_entity(result, *group)) == 1


@pytest.mark.parametrize("different", [
    ("Kim Jong Un", "Kim Jong Il", "Kim Jong-in"), ("Kreml", "Moskau", "Russland"),
    ("UN", "NATO", "USA"),
])
def test_distinct_entities(result, different):
    assert len(_entity(result, *different)) == len(different)


def test_links(result):
    entities = result.entities.set_index("name")
    assert entities.loc["Nordkorea", "country_code"] == "KP"
    assert entities.loc["Vereinigte Staaten", "country_code"] == "US"
    for place in ("Pjöngjang", "Moskau", "Charkow", "Saporoschje", "Wladiwostok",
                  "Komsomolsk am Amur"):
        assert entities.loc[place, "geonames_id"] > 0, place
        assert -90 <= entities.loc[place, "latitude"] <= 90
    assert entities.loc["Wladimir Putin", "label"] == "PER"
