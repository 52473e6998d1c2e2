"""Data-quality rules over the warehouse tables (plain pandas; the asset checks call them).

Each returns the offending rows, so a check can count them and show examples.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from news_pipeline.warehouse.warehouse import is_in


def empty_texts(articles: pd.DataFrame) -> pd.DataFrame:
    return articles[articles["text"].fillna("").str.strip() == ""]


def duplicate_keys(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame[frame.duplicated(keys, keep=False)]


def bad_mention_offsets(mentions: pd.DataFrame,
                        articles: pd.DataFrame | Mapping[str, str]) -> pd.DataFrame:
    """Mentions whose [start, end) is outside the text or does not spell the mention.

    `articles` is the articles table (article_id, text) or a mapping article_id -> text.
    Mentions of articles that are not there are not judged here (see orphan_mentions).
    """
    # A dict lookup, not a merge: a merge copies each article's text once per mention
    # (gigabytes for a corpus-sized table).
    text_of = (articles if isinstance(articles, Mapping)
               else dict(zip(articles["article_id"], articles["text"])))
    bad = []
    for article_id, start, end, mention in zip(mentions["article_id"], mentions["start"],
                                               mentions["end"], mentions["text"]):
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
