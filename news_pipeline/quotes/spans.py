"""Quotations found where the recogniser runs, as plain rows (what the NER stage stores).

Extraction needs the text's sentences, and segmenting is most of its cost: the shipped
recogniser hands over the sentences it made (`analyse`), so quotations cost ~5 % of NER
instead of ~35 % (docs/quotes.md, Speed). Other backends give mentions only, and the
extractor segments the text itself.

The mentions are the recogniser's spans, not yet resolved: instead of an entity id, a
quotation's row names the span its speaker overlaps (`speaker_start`, `speaker_end`); the
quotes stage turns that span into the entity of the resolved mention at the same offsets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from news_pipeline.ner.mention import Mention, MentionRow, Recogniser, mention_rows
from news_pipeline.ner.text import TextSentence
from news_pipeline.quotes.extract import extract_quotes

QUOTE_FIELDS = ("quote_id", "kind", "text", "start", "end", "speaker", "speaker_start",
                "speaker_end", "cue", "sentence_index")
# One quotation as a tuple of QUOTE_FIELDS: rows cross process boundaries cheaper than objects.
QuoteRow = tuple[str, str, str, int, int, str | None, int | None, int | None, str | None, int]
# What the NER stage computes per article.
ArticleRows = tuple[list[MentionRow], list[QuoteRow]]

# Files whose change can change the quotations found in the same text with the same mentions.
_VERSIONED_SOURCES = ("cues.py", "extract.py", "marks.py", "spans.py")


def _version() -> str:
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in _VERSIONED_SOURCES:
        digest.update((here / name).read_bytes())
    return f"quotes-{digest.hexdigest()[:12]}"


QUOTES_VERSION = _version()


@dataclass(frozen=True)
class _Span:
    """A recogniser mention whose `entity_id` is its position in the article's list: the
    extractor reports the mention it attributes a quotation to, and the row keeps its
    offsets."""

    start: int
    end: int
    label: str
    text: str
    entity_id: str


def quote_rows(text: str, mentions: Sequence[Mention],
               sentences: Sequence[TextSentence] | None = None) -> list[QuoteRow]:
    """The quotations of `text` as rows, each with the offsets of its speaker's mention."""
    spans = [_Span(m.start, m.end, m.label, m.text, str(i)) for i, m in enumerate(mentions)]
    rows = []
    for quote in extract_quotes(text, spans, sentences):
        speaker = spans[int(quote.speaker_entity_id)] if quote.speaker_entity_id is not None else None
        rows.append((quote.quote_id, quote.kind, quote.text, quote.start, quote.end, quote.speaker,
                     speaker.start if speaker else None, speaker.end if speaker else None,
                     quote.cue, quote.sentence_index))
    return rows


def recognise_with_quotes(recogniser: Recogniser, texts: Sequence[str]) -> list[ArticleRows]:
    """Mentions and quotations of each text, as rows, in order."""
    analyse = getattr(recogniser, "analyse", None)
    if analyse is not None:
        found = [analyse(text) for text in texts]
    else:
        found = [(mentions, None) for mentions in recogniser.recognise(texts)]
    return [(mention_rows(mentions), quote_rows(text, mentions, sentences))
            for text, (mentions, sentences) in zip(texts, found)]
