"""The co-occurrence table updated from stored batches (resolve.cooccurrence.update_pairs)."""

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from news_pipeline.resolve import StateMismatch
from news_pipeline.resolve.cooccurrence import PAIR_SCHEMA, StoredPairs, update_pairs


def _pairs(*rows: tuple[str, str, int, int]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=PAIR_SCHEMA.names)


def _table(frame: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(frame, schema=PAIR_SCHEMA, preserve_index=False)


STORED = _pairs(("a", "b", 2, 1), ("a", "c", 1, 0), ("b", "c", 3, 3), ("c", "d", 1, 1))


def _stored(rows_per_batch: int, by_value: bool = False) -> StoredPairs:
    table = _table(STORED)

    def within(firsts: list[str], seconds: list[str]) -> pa.Table:
        return table.filter(pc.and_(pc.is_in(table["entity_a"], pa.array(firsts)),
                                    pc.is_in(table["entity_b"], pa.array(seconds))))

    return StoredPairs(lambda: iter(table.to_batches(max_chunksize=rows_per_batch)),
                       within if by_value else None)


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


def test_a_change_of_few_entities_says_which_stored_rows_to_replace_by_what():
    before = _pairs(("a", "c", 1, 0), ("b", "c", 1, 1))
    after = _pairs(("b", "c", 1, 0), ("b", "e", 1, 1))
    update = update_pairs(_stored(2, by_value=True), _table(before), _table(after))
    region = update.region
    assert region is not None
    assert (region.firsts, region.seconds) == (["a", "b"], ["c", "e"])
    # The stored rows of a or b with c or e, replaced by the region's rows, give the new table.
    stored = STORED[~(STORED["entity_a"].isin(region.firsts) & STORED["entity_b"].isin(region.seconds))]
    replaced = pd.concat([stored, region.rows.to_pandas()]).sort_values(["entity_a", "entity_b"])
    expected = update_pairs(_stored(2), _table(before), _table(after)).to_pandas()
    pd.testing.assert_frame_equal(replaced.reset_index(drop=True),
                                  expected.sort_values(["entity_a", "entity_b"]).reset_index(drop=True),
                                  check_dtype=False)
