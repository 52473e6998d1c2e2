"""Entity pairs that occur in the same article / sentence, counted without Python loops,
and the stored co-occurrence table updated batch by batch."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from news_pipeline.resolve.corpus import StateMismatch

COOCCURRENCE_COLUMNS = ["entity_a", "entity_b", "n_articles", "n_sentences"]
PAIR = ["entity_a", "entity_b"]
PAIR_SCHEMA = pa.schema([("entity_a", pa.string()), ("entity_b", pa.string()),
                         ("n_articles", pa.int64()), ("n_sentences", pa.int64())])
# The stored co-occurrence rows as record batches (PAIR_SCHEMA), from the first row on every
# call: the table of a large corpus is read twice in batches rather than held whole.
PairBatches = Callable[[], Iterator[pa.RecordBatch]]
# The stored rows whose entity_a is one of the first ids and entity_b one of the second.
PairsWithin = Callable[[list[str], list[str]], pa.Table]
# Up to how many distinct entities (first and second together) a change's pairs are read and
# replaced by value; beyond, streaming the whole table costs less than the long value lists.
MAX_ENTITIES_IN_PLACE = 512


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
    # Position of each right partner: left + 1, left + 2, ... Built in place, and each index
    # array is dropped once its items are taken: these arrays hold an int64 per pair of
    # every article, the largest arrays of the global step.
    right = np.arange(len(left))
    right -= np.repeat(np.cumsum(partners) - partners, partners)
    right += left
    right += 1
    left = items[left]
    right = items[right]
    return left, right


def _unique_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # sort + diff: numpy's hash-based np.unique is several times slower on millions of ints.
    values = np.sort(values)
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]]) if len(values) else values
    return values[starts], np.diff(np.r_[starts, len(values)])


def cooccurrences(mentions: pd.DataFrame) -> pa.Table:
    """entity_a < entity_b, n_articles (articles mentioning both), n_sentences (sentences
    mentioning both, counted over all articles), sorted by (entity_a, entity_b), as Arrow
    (PAIR_SCHEMA): the ids are taken from the distinct entities, no Python string per pair."""
    if mentions.empty:
        return PAIR_SCHEMA.empty_table()
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
        a *= n_entities
        a += b
        return a

    by_article = pair_codes(articles)
    by_sentence = pair_codes(articles * (sentences.max() + 1) + sentences)
    art_pairs, n_articles = _unique_counts(by_article)
    sent_pairs, n_sentences = _unique_counts(by_sentence)
    sentence_counts = np.zeros(len(art_pairs), np.int64)
    sentence_counts[np.searchsorted(art_pairs, sent_pairs)] = n_sentences
    ids = pa.array(np.asarray(uniques, dtype=object), pa.string())
    return pa.table([ids.take(art_pairs // n_entities), ids.take(art_pairs % n_entities),
                     n_articles.astype(np.int64), sentence_counts], schema=PAIR_SCHEMA)


@dataclass(frozen=True)
class StoredPairs:
    """The stored co-occurrence table: every row, batch by batch, and, where the store can
    read rows by value, the rows of given entities."""

    batches: PairBatches
    within: PairsWithin | None = None


def _no_batches() -> Iterator[pa.RecordBatch]:
    return iter(())


NO_PAIRS = StoredPairs(_no_batches)


@dataclass(frozen=True)
class PairRegion:
    """The rows a change replaces: every stored pair with entity_a in `firsts` and entity_b
    in `seconds` (the touched pairs among them), and what stands there after it."""

    firsts: list[str]
    seconds: list[str]
    rows: pa.Table  # PAIR_SCHEMA


@dataclass(frozen=True)
class PairUpdate:
    """The co-occurrence table after a change: the stored rows of the pairs the change does
    not touch, in their place, then the touched and new pairs with their new counts (pairs
    whose count drops to zero are gone). Where the change was few entities' pairs, `region`
    says which stored rows to replace by what, so that the table need not be written whole."""

    stored: StoredPairs
    touched: pa.Table  # entity_a, entity_b of every pair the change touches
    summed: pa.Table  # PAIR_SCHEMA: their new counts
    region: PairRegion | None = None

    def batches(self) -> Iterator[pa.RecordBatch]:
        """The new table, batch by batch, read again from `stored`."""
        for batch in self.stored.batches():
            kept = batch.filter(pa.array(~_touched(batch, self.touched)))
            if kept.num_rows:
                yield kept
        yield from self.summed.to_batches()

    def to_pandas(self) -> pd.DataFrame:
        return pa.Table.from_batches(self.batches(), PAIR_SCHEMA).to_pandas()


def _distinct(values: pa.ChunkedArray) -> list[str]:
    return sorted(pc.unique(values).to_pylist())


def update_pairs(stored: StoredPairs, before: pa.Table, after: pa.Table) -> PairUpdate:
    """Replace the contribution `before` (cooccurrences of the rows that leave) to the stored
    pairs by `after` (of the rows that join). The stored rows of touched pairs are read (by
    value where they are few entities' pairs, else from a pass over the whole table) and
    summed again (by Arrow's hash aggregation); raises StateMismatch when a count would go
    negative."""
    negated = pa.table([before["entity_a"], before["entity_b"], pc.negate(before["n_articles"]),
                        pc.negate(before["n_sentences"])], schema=PAIR_SCHEMA)
    delta = pa.concat_tables([negated, after])
    touched_pairs = delta.select(PAIR)  # repeated pairs do not matter to a semi join
    firsts, seconds = _distinct(delta["entity_a"]), _distinct(delta["entity_b"])
    region = None
    if stored.within is not None and len(firsts) + len(seconds) <= MAX_ENTITIES_IN_PLACE:
        region = stored.within(firsts, seconds)
        in_region = _touched(region, touched_pairs)
        touched_rows = region.filter(pa.array(in_region))
    else:  # only the touched rows of each batch are held
        touched_rows = pa.Table.from_batches(
            [batch.filter(pa.array(_touched(batch, touched_pairs))) for batch in stored.batches()],
            PAIR_SCHEMA)
    # Nothing stored or leaving: `after` (sorted, one row per pair) is what stands there.
    nothing_to_sum = not touched_rows.num_rows and not before.num_rows
    summed = after if nothing_to_sum else _summed(touched_rows, delta)
    if region is None:
        return PairUpdate(stored, touched_pairs, summed)
    kept = region.filter(pa.array(~in_region))
    return PairUpdate(stored, touched_pairs, summed,
                      PairRegion(firsts, seconds, pa.concat_tables([kept, summed])))


def _summed(touched_rows: pa.Table, delta: pa.Table) -> pa.Table:
    summed = (pa.concat_tables([touched_rows, delta])
              .group_by(PAIR, use_threads=False)
              .aggregate([("n_articles", "sum"), ("n_sentences", "sum")])
              .rename_columns({"n_articles_sum": "n_articles", "n_sentences_sum": "n_sentences"}))
    gone = pc.equal(summed["n_articles"], 0)
    if (pc.min(summed["n_articles"]).as_py() or 0) < 0 or (
            pc.min(summed["n_sentences"]).as_py() or 0) < 0 or pc.any(
            pc.and_(gone, pc.not_equal(summed["n_sentences"], 0))).as_py():
        raise StateMismatch("co-occurrence counts went negative or out of step: the "
                            "resolution state does not match the cached spans")
    # Sorted: the aggregation's output order depends on how its input is chunked.
    summed = summed.filter(pc.invert(gone)).select(COOCCURRENCE_COLUMNS)
    return summed.sort_by([(c, "ascending") for c in PAIR])


def _touched(batch: pa.RecordBatch | pa.Table, pairs: pa.Table) -> np.ndarray:
    """Which rows of `batch` hold one of `pairs`: a semi join on a row index (Acero's joins
    do not keep row order)."""
    table = batch if isinstance(batch, pa.Table) else pa.Table.from_batches([batch])
    indexed = table.select(PAIR).append_column(
        "row", pa.array(np.arange(table.num_rows)))
    touched = np.zeros(table.num_rows, dtype=bool)
    touched[indexed.join(pairs, keys=PAIR, join_type="left semi", use_threads=False)["row"]
            .to_numpy()] = True
    return touched
