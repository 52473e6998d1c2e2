"""Data-quality rules over the warehouse tables (plain pandas; the asset checks call them).

Each returns the offending rows, so a check can count them and show examples; boilerplate_share
returns every source's share, since its check also reports the largest.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from news_pipeline.quotes import KINDS
from news_pipeline.warehouse import is_in, rows

# Learnt lines should be site furniture around the articles, not most of them: above this
# share of a source's line occurrences, learning likely ate article text (e.g. a source of
# near-identical articles), and its articles lose body text.
MAX_BOILERPLATE_SHARE = 0.5


def empty_texts(articles: pd.DataFrame) -> pd.DataFrame:
    return articles[articles["text"].fillna("").str.strip() == ""]


def duplicate_keys(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame[frame.duplicated(keys, keep=False)]


def bad_offsets(mentions: pd.DataFrame,
                articles: pd.DataFrame | Mapping[str, str]) -> pd.DataFrame:
    """Mentions (or quotations) whose [start, end) is outside the text or does not spell
    their `text`.

    `articles` is the articles table (article_id, text) or a mapping article_id -> text.
    Rows of articles that are not there are not judged here (see orphan_mentions).
    """
    # A dict lookup, not a merge: a merge copies each article's text once per mention
    # (gigabytes for a corpus-sized table).
    text_of = (articles if isinstance(articles, Mapping)
               else dict(rows(articles, ["article_id", "text"])))
    bad = []
    for article_id, start, end, mention in rows(mentions, ["article_id", "start", "end", "text"]):
        text = text_of.get(article_id)
        bad.append(text is not None
                   and not (0 <= start < end <= len(text) and text[start:end] == mention))
    return mentions[bad] if bad else mentions.iloc[:0]


def orphan_mentions(mentions: pd.DataFrame, articles: pd.DataFrame,
                    entities: pd.DataFrame) -> pd.DataFrame:
    """Mentions of an article or entity that does not exist."""
    orphan = ~(is_in(mentions["article_id"], articles["article_id"])
               & is_in(mentions["entity_id"], entities["entity_id"]))
    return mentions[orphan]


def invalid_kinds(quotes: pd.DataFrame) -> pd.DataFrame:
    return quotes[~quotes["kind"].isin(KINDS)]


def unknown_speakers(quotes: pd.DataFrame, entities: pd.DataFrame) -> pd.DataFrame:
    """Quotations whose speaker_entity_id is set but names no entity."""
    linked = quotes[quotes["speaker_entity_id"].notna()]
    return linked[~is_in(linked["speaker_entity_id"], entities["entity_id"])]


def boilerplate_share(table: pd.DataFrame) -> pd.DataFrame:
    """Per source: the share of its articles' line occurrences that are learnt boilerplate."""
    per_source = table.groupby("source").agg(
        learnt_lines=("line", "size"), learnt_occurrences=("n_articles", "sum"),
        n_source_lines=("n_source_lines", "first"), n_source_articles=("n_source_articles", "first"))
    per_source["share"] = per_source["learnt_occurrences"] / per_source["n_source_lines"].clip(lower=1)
    return per_source.reset_index()
