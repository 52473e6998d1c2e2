"""The co-occurrence table updated from stored batches (resolve.cooccurrence.update_pairs)."""

import pandas as pd
import pyarrow as pa
import pytest

from news_pipeline.resolve import StateMismatch
from news_pipeline.resolve.cooccurrence import PAIR_SCHEMA, update_pairs


def _pairs(*rows: tuple[str, str, int, int]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=PAIR_SCHEMA.names)


def _table(frame: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(frame, schema=PAIR_SCHEMA, preserve_index=False)


STORED = _pairs(("a", "b", 2, 1), ("a", "c", 1, 0), ("b", "c", 3, 3), ("c", "d", 1, 1))


def _stored(rows_per_batch: int):
    table = _table(STORED)
    return lambda: iter(table.to_batches(max_chunksize=rows_per_batch))


@pytest.mark.parametrize("rows_per_batch", [1, 3, 100])
def test_untouched_rows_keep_their_place_and_touched_ones_follow_summed(rows_per_batch):
    before = _pairs(("a", "c", 1, 0), ("b", "c", 1, 1))
    after = _pairs(("b", "c", 1, 0), ("b", "e", 1, 1))
    update = update_pairs(_stored(rows_per_batch), _table(before), _table(after))
    # Read twice from the stored batches: nothing is held but the touched pairs.
    expected = _pairs(("a", "b", 2, 1), ("c", "d", 1, 1), ("b", "c", 3, 2), ("b", "e", 1, 1))
    for _ in range(2):
        pd.testing.assert_frame_equal(update.to_pandas(), expected, check_dtype=False)


def test_taking_away_more_than_is_stored_is_a_state_mismatch():
    with pytest.raises(StateMismatch):
        update_pairs(_stored(2), _table(_pairs(("c", "d", 2, 1))), _table(_pairs()))
