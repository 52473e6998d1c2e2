from news_pipeline.resolve import gazetteer


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
    index, cities = gazetteer._city_names(), gazetteer._raw_cities()
    assert len(index.names) == len(index.cities) > 300_000
    for city_position in range(0, len(cities), 997):
        city = cities[city_position]
        for name in (city["name"], *city.get("alternatenames", ())):
            found = index.positions(name.casefold())
            assert any(index.names[p] == name and index.cities[p] == city_position for p in found)
            assert all(index.names[p].casefold() == name.casefold() for p in found)
    # a name many cities share lists all of them
    assert len({index.cities[p] for p in index.positions("frankfurt")}) >= 2
    assert index.positions("no such place anywhere") == []
