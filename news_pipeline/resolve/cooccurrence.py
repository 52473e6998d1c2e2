"""Entity pairs that occur in the same article / sentence, counted without Python loops."""

from __future__ import annotations

import numpy as np
import pandas as pd

COOCCURRENCE_COLUMNS = ["entity_a", "entity_b", "n_articles", "n_sentences"]


def _pairs_within(groups: np.ndarray, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (items[i], items[j]) with i < j inside each run of equal `groups`.

    Inputs are sorted by (group, item) and unique, so every pair comes out with a < b."""
    n = len(items)
    if n == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    ends = np.r_[starts[1:], n]
    run_end = np.repeat(ends, ends - starts)
    partners = run_end - np.arange(n) - 1  # how many later items in the same run
    left = np.repeat(np.arange(n), partners)
    # position of each right partner: left + 1, left + 2, ...
    offsets = np.arange(len(left)) - np.repeat(np.cumsum(partners) - partners, partners)
    right = left + 1 + offsets
    return items[left], items[right]


def cooccurrences(mentions: pd.DataFrame) -> pd.DataFrame:
    """entity_a < entity_b, n_articles (articles mentioning both), n_sentences (sentences
    mentioning both, counted over all articles)."""
    if mentions.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c.startswith("entity") else "int64")
                             for c in COOCCURRENCE_COLUMNS})
    codes, uniques = pd.factorize(mentions["entity_id"], sort=True)
    articles = pd.factorize(mentions["article_id"], sort=True)[0].astype(np.int64)
    sentences = mentions["sentence_index"].to_numpy(np.int64)
    n_entities = np.int64(len(uniques))

    def pair_codes(*group_cols: np.ndarray) -> np.ndarray:
        table = np.unique(np.column_stack([*group_cols, codes.astype(np.int64)]), axis=0)
        group = table[:, 0] if len(group_cols) == 1 else (
            table[:, 0] * (table[:, 1].max() + 1) + table[:, 1])
        a, b = _pairs_within(group, table[:, -1])
        return a * n_entities + b

    by_article = pair_codes(articles)
    # Article and sentence as one group code; sentence indices are small non-negative ints.
    by_sentence = pair_codes(articles, sentences - sentences.min())
    art_pairs, n_articles = np.unique(by_article, return_counts=True)
    sent_pairs, n_sentences = np.unique(by_sentence, return_counts=True)
    sentence_counts = np.zeros(len(art_pairs), np.int64)
    sentence_counts[np.searchsorted(art_pairs, sent_pairs)] = n_sentences
    return pd.DataFrame({
        "entity_a": uniques[art_pairs // n_entities].astype(object),
        "entity_b": uniques[art_pairs % n_entities].astype(object),
        "n_articles": n_articles.astype(np.int64),
        "n_sentences": sentence_counts,
    })
