"""Data-quality rules over the warehouse tables (plain pandas; the asset checks call them).

Each returns the offending rows, so a check can count them and show examples.
"""

from __future__ import annotations

import pandas as pd


def empty_texts(articles: pd.DataFrame) -> pd.DataFrame:
    return articles[articles["text"].fillna("").str.strip() == ""]


def duplicate_keys(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame[frame.duplicated(keys, keep=False)]


def bad_mention_offsets(mentions: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Mentions whose [start, end) is outside the text or does not spell the mention."""
    joined = mentions.merge(articles[["article_id", "text"]], on="article_id", how="inner",
                            suffixes=("", "_article"))
    ok = [0 <= s < e <= len(t) and t[s:e] == m for s, e, t, m in
          zip(joined["start"], joined["end"], joined["text_article"], joined["text"])]
    return joined.loc[[not x for x in ok], list(mentions.columns)]


def orphan_mentions(mentions: pd.DataFrame, articles: pd.DataFrame,
                    entities: pd.DataFrame) -> pd.DataFrame:
    """Mentions of an article or entity that does not exist."""
    return mentions[~mentions["article_id"].isin(set(articles["article_id"]))
                    | ~mentions["entity_id"].isin(set(entities["entity_id"]))]
