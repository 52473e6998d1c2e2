"""Whole HTML pages: main text and metadata from trafilatura (a proven extractor)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import trafilatura
from trafilatura.settings import use_config

log = logging.getLogger(__name__)

# Options shared with the trafilatura baseline in evaluate.py: comments are not article
# text; tables can be (sports results, election figures).
EXTRACT_OPTIONS = {"include_comments": False, "include_tables": True}


@dataclass(frozen=True)
class ExtractedPage:
    text: str
    title: str | None = None
    published_at: datetime | None = None
    source: str | None = None
    section: str | None = None


@lru_cache(maxsize=1)
def _config():  # type: ignore[no-untyped-def]
    config = use_config()
    # trafilatura's timeout uses SIGALRM, which only works in the main thread; the pipeline
    # may run us in worker threads. Input size is already bounded by decode_article.
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    return config


def extract_page(html: str) -> ExtractedPage | None:
    """Main text and metadata of an HTML page; None when the extractor finds nothing."""
    try:
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, config=_config(), **EXTRACT_OPTIONS
        )
    except Exception as error:  # the extractor is third-party code on hostile input
        log.warning("trafilatura failed: %s", error)
        return None
    if doc is None or not getattr(doc, "text", None):
        return None
    categories = getattr(doc, "categories", None) or []
    return ExtractedPage(
        text=doc.text,
        title=doc.title or None,
        published_at=_parse_date(doc.date),
        source=_site(doc.hostname or doc.sitename),
        section=categories[0] if categories else None,
    )


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _site(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip().lower()
    return value[4:] if value.startswith("www.") else value
