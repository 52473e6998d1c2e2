"""pandas and Arrow helpers the stages share: rows as plain Python values, a fast isin,
lookups by key and null-safe equality."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def is_in(values: pd.Series, allowed: pa.Array | pd.Series | Collection[str]) -> np.ndarray:
    """values.isin(allowed) for string columns, computed by Arrow: pandas' isin on
    Arrow-backed strings turns every allowed value into an Arrow scalar first, which made
    an upsert of 10,000 keys cost seconds. Pass a pa.Array to reuse one value set across
    calls."""
    if not isinstance(allowed, pa.Array):
        allowed = pa.array(allowed if isinstance(allowed, pd.Series) else list(allowed),
                           type=pa.large_string())
    found = pc.is_in(pa.array(values, type=pa.large_string()),
                     value_set=allowed.cast(pa.large_string()))
    return found.to_numpy(zero_copy_only=False).astype(bool)


def positions(keys: pa.ChunkedArray | pa.Array,
              among: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Per key, its position in `among` (the first, if repeated), null where it is absent:
    `table.take(positions(keys, table_keys))` gives the table's row of each key. int64
    always (index_in's result has no usable type when `among` is empty)."""
    return pc.index_in(keys, value_set=among).cast(pa.int64())


def same_values(left: pa.ChunkedArray | pa.Array, right: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray:
    """Element-wise equality where null equals null (and nothing else): never null."""
    return pc.or_(pc.fill_null(pc.equal(left, right), False),
                  pc.and_(pc.is_null(left), pc.is_null(right)))


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Plain Python values, with None (not NaN) for nulls."""
    return frame.astype(object).where(frame.notna(), None)


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts of plain Python values, with None (not NaN) for nulls."""
    return _plain(frame).to_dict("records")


def rows(frame: pd.DataFrame, columns: Sequence[str]) -> list[tuple]:
    """Rows as tuples of `columns`, plain Python values as in records: cheaper where the
    rows become objects anyway (no dict per row), and far cheaper than zipping the columns,
    which iterates pandas' Arrow-backed strings an object per cell."""
    plain = _plain(frame[list(columns)])
    return list(zip(*(plain[column].to_list() for column in columns)))
