"""Per-source boilerplate learnt from the corpus: lines that recur in many articles of a site.

Learning only counts, per source, in how many articles each normalised line occurs, so it
is order-independent and linear in the corpus; the boilerplate stage does the counting
(stages.boilerplate.boilerplate_table) over each article's candidate_lines. The model holds
only the learnt lines (no document counts, no timestamps), serialised canonically: its JSON,
and so its hash, changes only when the set of boilerplate lines changes, not when an article
is merely added. Cleaning one article then costs a set lookup per line.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from news_pipeline.clean.lines import line_key, to_lines
from news_pipeline.clean.markup import (
    fix_text,
    html_page_to_text,
    looks_like_html_page,
    markup_to_text,
)
from news_pipeline.clean.metadata import find_source
from news_pipeline.clean.settings import DEFAULT_SETTINGS, CleanSettings

MODEL_FORMAT = "news_pipeline.boilerplate/1"
_CANONICAL = re.compile(
    r"<link[^>]+rel=[\"']canonical[\"'][^>]*>|<meta[^>]+property=[\"']og:url[\"'][^>]*>", re.I
)
_HOST = re.compile(r"https?://([^/\"'\s:]+)", re.I)
# article_source looks only at the start and the end of an article: site furniture lives
# there, and it keeps the call cheap on big inputs.
_SOURCE_HEAD_CHARS = 20_000
_SOURCE_TAIL_CHARS = 5_000


@dataclass(frozen=True)
class BoilerplateModel:
    """Learnt boilerplate: source -> set of line keys (see lines.line_key)."""

    lines_by_source: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def for_source(self, source: str | None) -> frozenset[str]:
        if source is None:
            return frozenset()
        return self.lines_by_source.get(source, frozenset())

    def to_json(self) -> str:
        """Canonical JSON (sorted sources and lines): equal models give equal bytes."""
        payload = {
            "format": MODEL_FORMAT,
            "sources": {s: sorted(self.lines_by_source[s]) for s in sorted(self.lines_by_source)},
        }
        return json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> BoilerplateModel:
        payload = json.loads(text)
        if payload.get("format") != MODEL_FORMAT:
            raise ValueError(f"not a boilerplate model: format {payload.get('format')!r}")
        return cls({s: frozenset(lines) for s, lines in payload["sources"].items()})

    def source_sha256(self, source: str | None) -> str | None:
        """Digest of one source's learnt lines (None when it has none): an article cleaned
        with this model needs cleaning again only when the digest of its source changes."""
        return lines_sha256(self.for_source(source))

    def sha256(self) -> str:
        """Digest of the whole model (of its canonical JSON)."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    def summary(self) -> dict[str, int]:
        """Lines learnt per source (for asset metadata in the UI)."""
        return {s: len(self.lines_by_source[s]) for s in sorted(self.lines_by_source)}


def lines_sha256(lines: Iterable[str]) -> str | None:
    """Order-independent digest of a set of line keys; None for the empty set."""
    keys = sorted(set(lines))
    if not keys:
        return None
    return hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest()


def article_source(raw: str, path_hint: str | None = None) -> str | None:
    """The site of an article ("krone.at"): from the path, the page's canonical URL, or the
    domain its text names most often near its start and end. None when nothing says."""
    from_path = find_source((), path_hint)
    if from_path:
        return from_path
    head = raw[:_SOURCE_HEAD_CHARS]
    for tag in _CANONICAL.findall(head):
        host = _HOST.search(tag)
        if host:
            return find_source([host.group(1)])
    tail = raw[-_SOURCE_TAIL_CHARS:] if len(raw) > _SOURCE_HEAD_CHARS else ""
    return find_source([head, tail])


def candidate_lines(raw: str, path_hint: str | None = None) -> list[str]:
    """Normalised, de-duplicated lines of one article, as the boilerplate stage counts them."""
    html = looks_like_html_page(raw, path_hint)
    text = html_page_to_text(raw) if html else fix_text(markup_to_text(raw))
    keys = {line_key(line.text) for line in to_lines(text)}
    settings = DEFAULT_SETTINGS
    return sorted(
        k for k in keys if settings.learn_min_chars <= len(k) <= settings.learn_max_chars
    )


def min_articles(n_source_articles: int, settings: CleanSettings = DEFAULT_SETTINGS) -> int:
    """In how many of a source's articles a line must occur to be learnt as boilerplate."""
    return max(settings.learn_min_docs, math.ceil(settings.learn_min_share * n_source_articles))
