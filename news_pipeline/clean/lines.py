"""Plain text -> logical lines (paragraph candidates), and the normal form used to compare lines.

Text dumps of web pages (e.g. BeautifulSoup ``get_text("\\n")``) break a paragraph at every
inline element: "Der " / "Kreml" / " teilte mit, ...". We glue such fragments back together
using only the seams' shape (whitespace at the seam, a continuation starting in lower case or
with punctuation), so that every later step sees whole paragraphs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from operator import itemgetter
from typing import TypeVar

from news_pipeline.clean.lexicon import ENGLISH_STOPWORDS, GERMAN_STOPWORDS

# Characters that close a sentence, possibly followed by closing quotes/brackets. The two
# sets are disjoint, so a line ends a sentence when, without its closing characters, it ends
# with a mark: found at the end, not by a regex scan of the whole line.
_TERMINALS = frozenset(".!?…:;")
_CLOSERS = "\"'“”»«›‹)]"
# A line that continues the previous one: starts with punctuation that never opens a line.
_CONTINUATION_START = re.compile(r"^[,.;:!?)\]%»“]")
_OPENERS = frozenset("([„‚/-–")
_TIGHT_OPENERS = frozenset("([„‚")
# "-Situation" right after "Radon": the tail of a hyphenated compound, not a list bullet
# ("- Sonne") nor an ad marker ("-Werbung-").
_COMPOUND_TAIL = re.compile(r"^-[^\W_]+\b(?![-–])")
_COMMA_START = re.compile(r"^[,;]")
# A piece that is only closing quotes/brackets and punctuation ('".' after a quoted title
# in a link) ends the sentence before it; a straight quote after a space opens a quotation.
_CLOSING_ONLY = re.compile(r"^[\"'“”»«›‹)\]]+[.,;:!?…]*$")
_OPENING_QUOTE = re.compile(r"\s[\"']$")
_SPACE_BEFORE_PUNCT = re.compile(r"(?<=\w)\s+([,.;:!?])(?=\s|$)")
# Every match of it has a space before a mark; few lines have one, and this search is cheap.
_SPACED_PUNCT = re.compile(r"\s[,.;:!?]")
# Runs of spacing become one space: a single space is left as it is (most of a line's
# spacing), which spares the regex a replacement per word.
_WS = re.compile(r"[ \t\f\v\r]{2,}|[\t\f\v\r]")


@dataclass(frozen=True)
class Line:
    """One logical line and whether a blank line preceded it (a paragraph break)."""

    text: str
    after_blank: bool = False


def ends_sentence(text: str) -> bool:
    return text.rstrip().rstrip(_CLOSERS)[-1:] in _TERMINALS


def ends_statement(text: str) -> bool:
    """Ends with a full stop (not "..." or "…", which mark a cut-off teaser)."""
    end = text.rstrip().rstrip(_CLOSERS)[-2:]
    return end[-1:] == "." and end != ".."


def to_lines(text: str) -> list[Line]:
    """Split into logical lines, merging inline fragments; whitespace is normalised."""
    lines: list[Line] = []
    parts: list[str] = []  # raw pieces of the logical line being built (no quadratic concat)
    blank_before = False
    pending_blank = False

    def flush() -> None:
        if parts:
            lines.append(Line(_tidy("".join(parts)), blank_before))
            parts.clear()

    for raw_line in text.split("\n"):
        if not raw_line.strip():
            flush()
            pending_blank = True
            continue
        if not parts and lines and _COMMA_START.match(raw_line.lstrip()):
            # No paragraph starts with a comma: the block break was a scraping artefact
            # (e.g. "<p>strong>, insbesondere ..."), so the previous paragraph goes on.
            previous = lines.pop()
            parts.append(previous.text)
            blank_before = previous.after_blank
        if parts and _continues(parts[-1], raw_line):
            if _glue_tight(parts[-1], raw_line):
                parts.append(raw_line)
            else:
                parts[-1] = parts[-1].rstrip()
                parts.append(" " + raw_line.lstrip())
            continue
        flush()
        parts.append(raw_line)
        blank_before = pending_blank
        pending_blank = False
    flush()
    return [line for line in lines if line.text]


def _continues(current: str, nxt: str) -> bool:
    stripped = nxt.lstrip()
    if _CONTINUATION_START.match(stripped) or _CLOSING_ONLY.match(stripped.rstrip()):
        return True
    if _COMPOUND_TAIL.match(nxt) and current[-1:].isalpha():
        return True
    if ends_sentence(current):
        return False
    if current.rstrip()[-1:] in _OPENERS or _OPENING_QUOTE.search(current.rstrip()):
        return True  # "Kathrin Göbel (" + "Twitter" + ") ist ...", 'Artikel "' + "Warum ..."
    # A seam with whitespace on either side is an inline-element boundary in a text dump;
    # a continuation in lower case is a sentence going on (German nouns are capitalised,
    # but line-initial lower case almost never starts a new paragraph).
    seam_space = current[-1:] in (" ", "\t") or nxt[:1] in (" ", "\t")
    return seam_space or stripped[:1].islower()


def _glue_tight(current: str, nxt: str) -> bool:
    """No space after an opening bracket or quote, before punctuation, or where a seam
    without whitespace joins a hyphenated word ("Bundes-" + "tag", "Radon" + "-Situation").
    Two letters meeting at a seam get a space: extractor output and hard-wrapped text
    strip the whitespace at line ends, so "Strava" + "ein" are two words."""
    if (_CONTINUATION_START.match(nxt.lstrip()) or _CLOSING_ONLY.match(nxt.strip())
            or current.rstrip()[-1:] in _TIGHT_OPENERS or _OPENING_QUOTE.search(current.rstrip())):
        return True
    seamless = current[-1:] not in (" ", "\t") and nxt[:1] not in (" ", "\t")
    return seamless and (current[-1:] == "-" or bool(_COMPOUND_TAIL.match(nxt)))


def _tidy(text: str) -> str:
    # Tabs and the like are not printable: a line with neither them nor a double space has
    # nothing for _WS to replace (a cheap check; most lines have none).
    if "  " in text or not text.isprintable():
        text = _WS.sub(" ", text)
    text = text.strip()
    # "berichtet ." -> "berichtet." (scrapes put spaces before punctuation around inline tags)
    if not _SPACED_PUNCT.search(text):
        return text
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text)


_T = TypeVar("_T")
# Classification, deduplication, metadata and language detection look at the same lines of
# an article (and a site repeats its furniture in every article): a line's key and word
# counts are computed once. Long texts are not kept, so the cache stays small.
_CACHED_LINES = 4096
_CACHED_MAX_CHARS = 2000


def _cached_per_line(function: Callable[[str], _T]) -> Callable[[str], _T]:
    cached = lru_cache(maxsize=_CACHED_LINES)(function)

    @wraps(function)
    def call(text: str) -> _T:
        return cached(text) if len(text) <= _CACHED_MAX_CHARS else function(text)
    return call


_DIGITS = re.compile(r"\d\d*")  # not \d+: a leading repeat gets no fast scan for its start
_WORD_CHARS = re.compile(r"\w+")


@_cached_per_line
def line_key(text: str) -> str:
    """Normal form for comparing lines across articles: case, digits and spacing ignored."""
    text = _DIGITS.sub("0", unicodedata.normalize("NFKC", text).casefold())
    # The runs of word characters, one space between (no space is a word character).
    return " ".join(_WORD_CHARS.findall(text))


# A letter, then letters or digits, each single - ' ’ or . between two of them (a sequence
# of plain runs: Python's re backtracks slower through an alternation inside a repeat).
WORD = re.compile(r"[^\W\d_][^\W_]*(?:[-'’.][^\W_]+)*")


def words(text: str) -> list[str]:
    """Tokens that contain letters (numbers and punctuation are not words here)."""
    return WORD.findall(text)


@dataclass(frozen=True)
class WordCounts:
    """What line classification and language detection count over a text's words()."""

    words: int
    german: int  # German function words (lexicon.GERMAN_STOPWORDS), by lower case
    english: int
    capitalised: int  # words starting upper case

    def __add__(self, other: WordCounts) -> WordCounts:
        return WordCounts(self.words + other.words, self.german + other.german,
                          self.english + other.english, self.capitalised + other.capitalised)


@_cached_per_line
def word_counts(text: str) -> WordCounts:
    tokens = words(text)
    lowered = list(map(str.lower, tokens))
    return WordCounts(len(tokens), sum(map(GERMAN_STOPWORDS.__contains__, lowered)),
                      sum(map(ENGLISH_STOPWORDS.__contains__, lowered)),
                      # every word has a first character
                      sum(map(str.isupper, map(itemgetter(0), tokens))))
