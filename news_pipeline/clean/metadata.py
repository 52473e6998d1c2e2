"""Metadata recovered from the text: title, kicker, section, dateline, source site, language."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from news_pipeline.clean.lexicon import DOMAIN, DOT_TOP_LEVEL
from news_pipeline.clean.lines import WordCounts, ends_sentence, word_counts
from news_pipeline.clean.settings import CleanSettings

_MONTHS = {
    "januar": 1, "jänner": 1, "jan": 1, "februar": 2, "feber": 2, "feb": 2, "märz": 3, "mär": 3,
    "april": 4, "apr": 4, "mai": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8,
    "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11,
    "nov": 11, "dezember": 12, "dez": 12,
}
_TIME = r"(?:,?\s*(?:um\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:\s*Uhr)?)?"
_DATE_PATTERNS = (
    re.compile(r"(?P<day>\d{1,2})\.\s?(?P<month>\d{1,2})\.\s?(?P<year>\d{4})" + _TIME),
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2}))?"),
    re.compile(r"(?P<day>\d{1,2})\.\s*(?P<mname>[A-Za-zäÄ]{3,9})\.?\s+(?P<year>\d{4})" + _TIME),
)
# A dateline is a short line that is mostly a date ("Stand: 18.06.2024, 10:25 Uhr").
_DATELINE_MAX_EXTRA_CHARS = 40
_ECHO_MIN_WORDS = 3  # a headline the page title repeats has at least this many words


@dataclass(frozen=True)
class HeaderInfo:
    title: str | None = None
    kicker: str | None = None
    section: str | None = None
    published_at: datetime | None = None
    used: frozenset[int] = frozenset()  # indices of header lines consumed as metadata


def parse_dateline(text: str) -> datetime | None:
    """A date (and time) when the line is a dateline rather than prose mentioning a date."""
    if len(text) > 80 or (ends_sentence(text.rstrip(".")) and word_counts(text).words > 8):
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if match and len(text) - len(match.group(0)) <= _DATELINE_MAX_EXTRA_CHARS:
            return _to_datetime(match)
    return None


def _to_datetime(match: re.Match[str]) -> datetime | None:
    parts = match.groupdict()
    try:
        if parts.get("mname"):
            month = _MONTHS.get(parts["mname"].lower())
            if month is None:
                return None
        else:
            month = int(parts["month"])
        hour = int(parts["hour"]) if parts.get("hour") else 0
        minute = int(parts["minute"]) if parts.get("minute") else 0
        return datetime(int(parts["year"]), month, int(parts["day"]), hour, minute)
    except (ValueError, TypeError):
        return None


def _title_like(text: str, settings: CleanSettings) -> bool:
    n = word_counts(text).words
    return 2 <= n <= settings.title_max_words and not text.rstrip().endswith((".", ",", ";"))


def _section_like(text: str, settings: CleanSettings) -> bool:
    return (0 < word_counts(text).words <= settings.section_max_words and text[:1].isupper()
            and not ends_sentence(text) and len(text) <= 40)


def _continued(lines: Sequence[str], i: int) -> bool:
    """The next line starts in lower case: line i begins a paragraph, it is no headline."""
    return i + 1 < len(lines) and lines[i + 1][:1].islower()


def _repeats_earlier(text: str, earlier: Sequence[str]) -> bool:
    # Two words (a tag, a category, the site's name) occur in a page title by chance.
    if word_counts(text).words < _ECHO_MIN_WORDS:
        return False
    key = text.casefold()
    return any(key in line for line in earlier)


def read_header(
    lines: Sequence[str], first_body: int, settings: CleanSettings, excluded: Iterable[int] = ()
) -> HeaderInfo:
    """Title, kicker, section and dateline from the lines just before the body."""
    skip = set(excluded)
    start = max(0, first_body - settings.header_max_lines)
    candidates = [i for i in range(start, first_body) if i not in skip]
    used: set[int] = set()
    published = None
    for i in candidates:
        published = parse_dateline(lines[i])
        if published is not None:
            used.add(i)
            break
    titles = [i for i in candidates if i not in used and _title_like(lines[i], settings)
              and not _continued(lines, i)]
    title = kicker = section = None
    if titles:
        # The headline is the title-like line that the page's title (its first lines: the
        # <title> of a text dump, a breadcrumb) repeats, else the longest; a shorter one
        # right before it is the kicker (Dachzeile).
        folded = [line.casefold() for line in lines[:first_body]]
        best = max(titles, key=lambda i: (_repeats_earlier(lines[i], folded[:i]),
                                          word_counts(lines[i]).words, -i))
        title = lines[best]
        used.add(best)
        before = [i for i in titles if i < best and best - i <= 2]
        if before:
            kicker = lines[before[-1]]
            used.add(before[-1])
    for i in candidates:
        if i not in used and _section_like(lines[i], settings) and (
            title is None or i > min(used)
        ):
            section = lines[i]
            used.add(i)
            break
    return HeaderInfo(title, kicker, section, published, frozenset(used))


def find_source(lines: Iterable[str], path_hint: str | None = None) -> str | None:
    """The site an article comes from: a domain in the path, else the domain its text names most."""
    if path_hint:
        for part in reversed(re.split(r"[/\\]", path_hint)):
            match = DOMAIN.search(part)
            if match and not re.search(r"\.(?:txt|html?|json)$", match.group(0), re.I):
                return _site(match.group(0))
    counts: Counter[str] = Counter()
    for text in filter(DOT_TOP_LEVEL.search, lines):
        for match in DOMAIN.finditer(text):
            counts[_site(match.group(0))] += 1
    if not counts:
        return None
    best = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    return best[0]


def _site(domain: str) -> str:
    domain = domain.lower()
    return domain[4:] if domain.startswith("www.") else domain


def detect_language(paragraphs: Sequence[str], settings: CleanSettings) -> str | None:
    """Language of the text the paragraphs make (no word spans two paragraphs, so their
    word counts add up; the classifier has counted most of them already)."""
    counts = sum(map(word_counts, paragraphs), WordCounts(0, 0, 0, 0))
    if not counts.words:
        return None
    german = counts.german / counts.words
    english = counts.english / counts.words
    if max(german, english) < settings.language_min_stop_share:
        return None
    return "de" if german >= english else "en"
