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


def _unique_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # sort + diff: numpy's hash-based np.unique is several times slower on millions of ints.
    values = np.sort(values)
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]]) if len(values) else values
    return values[starts], np.diff(np.r_[starts, len(values)])


def cooccurrences(mentions: pd.DataFrame) -> pd.DataFrame:
    """entity_a < entity_b, n_articles (articles mentioning both), n_sentences (sentences
    mentioning both, counted over all articles), sorted by (entity_a, entity_b)."""
    if mentions.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c.startswith("entity") else "int64")
                             for c in COOCCURRENCE_COLUMNS})
    codes, uniques = pd.factorize(mentions["entity_id"], sort=True)
    codes = codes.astype(np.int64)
    articles = pd.factorize(mentions["article_id"], sort=True)[0].astype(np.int64)
    sentences = mentions["sentence_index"].to_numpy(np.int64)
    sentences = sentences - sentences.min()
    n_entities = np.int64(len(uniques))

    def pair_codes(group: np.ndarray) -> np.ndarray:
        # One int64 per (group, entity): np.unique on 1-D is much faster than on rows.
        table = _unique_counts(group * n_entities + codes)[0]
        a, b = _pairs_within(table // n_entities, table % n_entities)
        return a * n_entities + b

    by_article = pair_codes(articles)
    by_sentence = pair_codes(articles * (sentences.max() + 1) + sentences)
    art_pairs, n_articles = _unique_counts(by_article)
    sent_pairs, n_sentences = _unique_counts(by_sentence)
    sentence_counts = np.zeros(len(art_pairs), np.int64)
    sentence_counts[np.searchsorted(art_pairs, sent_pairs)] = n_sentences
    return pd.DataFrame({
        "entity_a": uniques[art_pairs // n_entities].astype(object),
        "entity_b": uniques[art_pairs % n_entities].astype(object),
        "n_articles": n_articles.astype(np.int64),
        "n_sentences": sentence_counts,
    })
