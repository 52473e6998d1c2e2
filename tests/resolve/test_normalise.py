import pytest

from news_pipeline.resolve.normalise import (
    acronym_matches,
    genitive_bases,
    is_acronym,
    normalise,
)


@pytest.mark.parametrize(("surface", "key"), [
    ("Kim Jong-un", "kim jong un"),
    ("Kim Jong Un", "kim jong un"),
    ("KIM JONG UN", "kim jong un"),
    ("„Kreml“", "kreml"),
    ("Putin's", "putins"),  # apostrophe gone; the s is a genitive *candidate* only
    ("U.N.", "un"),
    ("der Kreml", "kreml"),
    ("Demokratischen Volksrepublik Korea", "demokratische volksrepublik korea"),
    ("Demokratische Volksrepublik Korea", "demokratische volksrepublik korea"),
    ("Vereinten Nationen", "vereinte nationen"),
    ("Weißen Haus", "weisse haus"),
    ("Fernen Osten", "ferne osten"),
    ("Kookmin-Universität", "kookmin universität"),
    ("  Wladimir   Putin ", "wladimir putin"),
])
def test_normalise(surface, key):
    assert normalise(surface) == key


@pytest.mark.parametrize(("a", "b"), [
    ("Peter Müller", "Pete Müller"),      # first names are not adjectives
    ("Hannes Weber", "Hanne Weber"),
    ("Kim Jong Il", "Kim Jong Un"),       # one letter apart, different people
    ("Kim Jong-in", "Kim Jong-un"),
    ("Den Haag", "Haag"),                 # a capitalised "Den" is part of the name
])
def test_normalise_keeps_distinct_names_apart(a, b):
    assert normalise(a) != normalise(b)


def test_genitive_candidates():
    assert genitive_bases("putins") == ("putin",)
    assert genitive_bases("kim jong uns") == ("kim jong un",)
    assert genitive_bases("hauses") == ("hause", "haus")
    assert genitive_bases("kongresses") == ("kongresse", "kongress")
    assert genitive_bases("kongress") == ()  # "-ss" loses no single s
    assert genitive_bases("usa") == ()
    assert genitive_bases("uns") == ()  # a one-word key keeps three letters


def test_acronyms():
    assert is_acronym("DVRK") and is_acronym("U.N.") and is_acronym("„NATO“")
    assert not is_acronym("Nato") and not is_acronym("Putin") and not is_acronym("A")
    assert acronym_matches("dvrk", "demokratische volksrepublik korea")  # Volks|republik
    assert acronym_matches("kzn", "koreanische zentrale nachrichtenagentur")
    assert acronym_matches("bfv", "bundesamt für verfassungsschutz")
    assert acronym_matches("vae", "vereinigte arabische emirate")
    assert not acronym_matches("uno", "vereinte nationen")
    assert not acronym_matches("bbc", "bloomberg")  # one word never expands an acronym
    assert not acronym_matches("drk", "demokratische volksrepublik korea")
    assert not acronym_matches("dvrk", "demokratische republik kongo")
