"""The cleaned article: what the cleaner hands to the rest of the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class CleanedDocument:
    """Body text and metadata recovered from one scraped article."""

    text: str
    title: str | None = None
    published_at: datetime | None = None
    source: str | None = None
    language: str | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    # Added with clean-1.0 (defaults keep older constructors working):
    kicker: str | None = None  # the line above the headline ("Dachzeile")
    section: str | None = None  # the site's section/ressort ("Ausland")
    # The source whose learnt boilerplate lines applied (boilerplate.article_source), which
    # may differ from `source` (the site the text or the extractor names).
    learnt_source: str | None = None
