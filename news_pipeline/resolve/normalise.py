"""Surface form -> normalised key, and the small string rules built on it.

A *key* is what two surface forms must share to be the same name without any further
evidence: case, quotes/apostrophes, hyphen-vs-space, dots in acronyms, a leading article
and the inflection of adjectival name parts are ignored. Genitive endings are *not* removed
here, because "Paris" or "Hans" are not genitives; `genitive_bases` lists the candidates and
the caller strips only when the base form is known (see article.py / corpus.py).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Deleted outright: "Putin's" -> "putins" (then a genitive candidate), „Kreml“ -> "kreml".
_QUOTES = "\"'„“”‚‘’«»‹›`´"
_DELETE_QUOTES = str.maketrans("", "", _QUOTES)
_DASHES = re.compile(r"[-‐‑‒–—―]+")
# Dotted acronyms "U.S.A." / "U.N." -> "USA" / "UN" so they meet their undotted spelling.
_DOTTED_ACRONYM = re.compile(r"(?<!\w)((?:[^\W\d_]\.){2,})")
_EDGE_PUNCT = ".,;:!?()[]{}<>*/\\|#+~"
# A recogniser sometimes includes the article: "der Kreml", "die USA".
_ARTICLES = frozenset({"der", "die", "das", "des", "dem", "den"})

# Adjectival name parts are inflected ("die Demokratische Volksrepublik" / "der Demokratischen
# Volksrepublik", "Vereinte/Vereinten Nationen"). A non-final, capitalised token whose stem
# looks like an adjective is mapped to its -e form, so the nominative "-e" spelling is a fixed
# point. The stem test keeps first names safe: "Peter", "Walter", "Jürgen", "Hannes" have no
# adjective suffix and stay untouched.
_ADJ_ENDING = re.compile(r"^(.{3,}?)(e|en|er|es|em)$")
_ADJ_SUFFIXES = ("isch", "ig", "lich", "al", "ell", "iv", "är", "sam", "bar", "haft")
# Participles used in names: "Vereint-", "Vereinigt-", "Verbündet-".
_PARTICIPLE_PREFIXES = ("ver", "ge", "be", "ent", "zer")
# Short common adjectives of German proper names ("Rote Armee", "Deutsche Bahn",
# "Weißes Haus", "Ferner Osten", "Neue Zürcher Zeitung").
_COMMON_ADJECTIVES = frozenset({
    "neu", "alt", "groß", "gross", "klein", "hoch", "weiß", "weiss", "schwarz", "rot", "grün",
    "blau", "gelb", "fern", "nah", "deutsch", "frei", "heilig", "vereinigt", "vereint",
})

# Function words that may sit inside an acronym's expansion without giving a letter
# ("Organisation der Vereinten Nationen"), or give one ("Bundesamt für Verfassungsschutz" BfV).
FUNCTION_WORDS = frozenset({
    "der", "die", "das", "des", "dem", "den", "für", "und", "von", "vom", "zur", "zum", "im",
    "in", "am", "an", "auf", "of", "the", "and", "for", "de", "du", "la", "le", "et",
})

_ACRONYM = re.compile(r"[A-ZÄÖÜ]{2,6}")


def _adjective_base(token: str) -> str:
    if not token[:1].isupper():
        return token
    lower = token.lower()
    match = _ADJ_ENDING.match(lower)
    if match is None:
        return token
    stem = match.group(1)
    is_adjective = (
        stem.endswith(_ADJ_SUFFIXES)
        or stem in _COMMON_ADJECTIVES
        or (stem.endswith("t") and len(stem) >= 6 and stem.startswith(_PARTICIPLE_PREFIXES))
    )
    return stem + "e" if is_adjective else token


def _clean_tokens(surface: str) -> list[str]:
    text = unicodedata.normalize("NFKC", surface)
    text = _DOTTED_ACRONYM.sub(lambda m: m.group(1).replace(".", ""), text)
    text = _DASHES.sub(" ", text.translate(_DELETE_QUOTES))
    return [t for t in (tok.strip(_EDGE_PUNCT) for tok in text.split()) if t]


@lru_cache(maxsize=500_000)
def normalise(surface: str) -> str:
    """Key of a surface form: "Kim Jong-un" and "kim jong un" -> "kim jong un",
    "Demokratischen Volksrepublik Korea" -> "demokratische volksrepublik korea"."""
    tokens = _clean_tokens(surface)
    while len(tokens) > 1 and tokens[0] in _ARTICLES:
        tokens = tokens[1:]
    tokens = [_adjective_base(t) for t in tokens[:-1]] + tokens[-1:]
    key = " ".join(tokens).casefold()
    # Never an empty key: every mention must get an entity.
    return key or surface.strip().casefold() or "<empty>"


@lru_cache(maxsize=500_000)
def genitive_bases(key: str) -> tuple[str, ...]:
    """Forms this key would have without a German genitive ending, most likely first:
    "putins" -> ("putin",), "hauses" -> ("hause", "haus"), "kongresses" -> ("kongress",).
    A one-word key must keep at least three letters, the last word of a longer name two
    ("kim jong uns" -> "kim jong un"); "-ss" words lose no single "s"."""
    last = key.rsplit(" ", 1)[-1]
    min_length = 3 if " " in key else 4
    if not key.endswith("s") or len(last) < min_length or not last.isalpha():
        return ()
    bases = []
    if not key.endswith("ss"):
        bases.append(key[:-1])
    if key.endswith("es") and len(last) >= 5:
        bases.append(key[:-2])
    return tuple(bases)


@lru_cache(maxsize=500_000)
def is_acronym(surface: str) -> bool:
    """All-capital 2-6 letter forms ("DVRK", "U.N.", "„NATO“"); "Nato" is not."""
    tokens = _clean_tokens(surface)
    return len(tokens) == 1 and _ACRONYM.fullmatch(tokens[0]) is not None


def acronym_matches(acronym: str, expansion: str) -> bool:
    """Whether `acronym` ("dvrk") abbreviates the key `expansion`
    ("demokratische volksrepublik korea").

    Every content word gives its first letter, in order; a word may give further letters
    only where a compound part can start (at least three letters after the previous one:
    "Volks|republik" -> VR), function words may give their initial or nothing. At least two
    content words are required, so a single word never "expands" an acronym.
    """
    letters = acronym.casefold()
    words = expansion.split()
    if len([w for w in words if w not in FUNCTION_WORDS]) < 2 or not 2 <= len(letters) <= 8:
        return False
    return _align(letters, tuple(words))


@lru_cache(maxsize=200_000)
def _align(letters: str, words: tuple[str, ...]) -> bool:
    if not words:
        return not letters
    word, rest = words[0], words[1:]
    if word in FUNCTION_WORDS and _align(letters, rest):
        return True
    if not letters or letters[0] != word[0]:
        return False
    return any(_align(letters[used:], rest) for used in _compound_prefixes(letters, word))


def _compound_prefixes(letters: str, word: str) -> list[int]:
    """How many leading acronym letters `word` can account for (1 = just its initial)."""
    counts = [1]
    frontier = [(1, 0)]  # (letters used, position in word of the last letter used)
    while frontier:
        used, pos = frontier.pop()
        if used >= len(letters):
            continue
        for nxt in range(pos + 3, len(word)):
            if word[nxt] == letters[used]:
                counts.append(used + 1)
                frontier.append((used + 1, nxt))
    return sorted(set(counts))


def initials(key: str) -> str:
    """First letters of the content words: a cheap necessary condition for acronym_matches."""
    return "".join(w[0] for w in key.split() if w not in FUNCTION_WORDS)
