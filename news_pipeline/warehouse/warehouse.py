"""The Parquet warehouse: read tables, and change them in atomic transactions."""

from __future__ import annotations

import os
import shutil
import zlib
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from news_pipeline.warehouse.schema import BUCKET_KEYS, SCHEMAS
from news_pipeline.warehouse.snapshots import SnapshotStore, WarehouseError

N_BUCKETS = 16
DEFAULT_LOCK_TIMEOUT_S = 3600.0


def bucket_of(key: str) -> int:
    # crc32, not hash(): bucket numbers must agree across processes and Python versions.
    return zlib.crc32(key.encode("utf-8")) % N_BUCKETS


def _bucket_file(bucket: int) -> str:
    return f"part-{bucket:03d}.parquet"


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts of plain Python values, with None (not NaN) for nulls."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _read_files(table: str, files: list[Path], columns: list[str] | None) -> pd.DataFrame:
    schema = SCHEMAS[table]
    existing = [f for f in files if f.exists()]
    if not existing:
        return schema.empty_table().select(columns or schema.names).to_pandas()
    try:
        arrow = pq.read_table(existing, columns=columns, schema=schema)
    except (pa.ArrowInvalid, OSError) as error:
        raise WarehouseError(
            f"cannot read table {table!r} at {files[0].parent}: {error}. A file in the warehouse "
            "is corrupt or foreign; delete the warehouse folder's link and rerun to rebuild it"
        ) from None
    return arrow.to_pandas()


class Warehouse:
    """Tables under `path` (a link to the current snapshot; see snapshots.py)."""

    def __init__(self, path: Path, lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S) -> None:
        self.path = Path(path)
        self.snapshots = SnapshotStore(self.path)
        self.lock_timeout_s = lock_timeout_s
        self._lock_depth = 0

    def validate(self) -> None:
        """Raise WarehouseError now if the path cannot hold a warehouse."""
        self.snapshots.current()
        self.snapshots.ensure_writable()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the writer lock across several transactions (re-entrant within this object)."""
        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        with self.snapshots.locked(self.lock_timeout_s):
            self._lock_depth = 1
            try:
                yield
            finally:
                self._lock_depth = 0

    def read(self, table: str, columns: list[str] | None = None,
             keys: Collection[str] | None = None) -> pd.DataFrame:
        return read_table(self.snapshots.current(), table, columns, keys)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Exclusive read-modify-write: commits on success, leaves no trace on failure."""
        with self.locked():
            base, draft = self.snapshots.begin()
            transaction = Transaction(base, draft)
            try:
                yield transaction
                transaction.link_unchanged()
                self.snapshots.commit(draft, transaction.written)
            except BaseException:
                shutil.rmtree(draft, ignore_errors=True)
                raise


def read_table(snapshot: Path | None, table: str, columns: list[str] | None = None,
               keys: Collection[str] | None = None) -> pd.DataFrame:
    """Rows of `table` in `snapshot`; with `keys`, only rows whose bucket key is in it."""
    if keys is not None and table not in BUCKET_KEYS:
        raise ValueError(f"table {table!r} is not keyed; read it whole")
    if snapshot is None:
        return _read_files(table, [], columns)
    directory = snapshot / table
    if keys is None or table not in BUCKET_KEYS:
        files = sorted(directory.glob("*.parquet"))
        frame = _read_files(table, files, columns)
    else:
        buckets = sorted({bucket_of(k) for k in keys})
        key = BUCKET_KEYS[table]
        wanted = columns if columns is None or key in columns else [*columns, key]
        frame = _read_files(table, [directory / _bucket_file(b) for b in buckets], wanted)
        frame = frame[frame[key].isin(set(keys))].reset_index(drop=True)
        if columns is not None:
            frame = frame[columns]
    return frame


class Transaction:
    """Changes to the next snapshot; untouched files are hard-linked from the base."""

    def __init__(self, base: Path | None, draft: Path) -> None:
        self.base = base
        self.draft = draft
        self.written: list[Path] = []
        self._touched: dict[str, set[int] | None] = {}  # table -> rewritten buckets (None: all)

    def read(self, table: str, columns: list[str] | None = None,
             keys: Collection[str] | None = None) -> pd.DataFrame:
        return read_table(self.base, table, columns, keys)

    def upsert(self, table: str, rows: pd.DataFrame, delete_keys: Iterable[str] = ()) -> None:
        """Replace all rows of the keys in `rows` and `delete_keys` by `rows`.

        Only the bucket files holding those keys are rewritten.
        """
        key = BUCKET_KEYS[table]
        changed_keys = set(rows[key]) | set(delete_keys)
        if not changed_keys:
            return
        rows_bucket = rows[key].map(bucket_of) if len(rows) else pd.Series(dtype="int64")
        for bucket in sorted({bucket_of(k) for k in changed_keys}):
            kept = self._read_bucket(table, bucket)
            kept = kept[~kept[key].isin(changed_keys)]
            new = rows[rows_bucket == bucket] if len(rows) else rows
            self._write(table, _bucket_file(bucket), pd.concat([kept, new], ignore_index=True))
            self._touched.setdefault(table, set())
            touched = self._touched[table]
            if touched is not None:
                touched.add(bucket)

    def replace(self, table: str, rows: pd.DataFrame) -> None:
        """Write `table` whole (all buckets for keyed tables)."""
        self._touched[table] = None
        if table in BUCKET_KEYS:
            buckets = rows[BUCKET_KEYS[table]].map(bucket_of) if len(rows) else None
            for bucket in range(N_BUCKETS):
                part = rows[buckets == bucket] if buckets is not None else rows
                self._write(table, _bucket_file(bucket), part)
        else:
            self._write(table, "part-000.parquet", rows)

    def link_unchanged(self) -> None:
        if self.base is not None:
            for table_dir in sorted(p for p in self.base.iterdir() if p.is_dir()):
                touched = self._touched.get(table_dir.name, set())
                if touched is None:
                    continue
                (self.draft / table_dir.name).mkdir(exist_ok=True)
                for file in table_dir.glob("*.parquet"):
                    target = self.draft / table_dir.name / file.name
                    if not target.exists():
                        os.link(file, target)
        for table in SCHEMAS:  # every table exists, so pandas can always read it
            if not (self.draft / table).exists():
                self.replace(table, SCHEMAS[table].empty_table().to_pandas())

    def _read_bucket(self, table: str, bucket: int) -> pd.DataFrame:
        # A bucket already rewritten in this transaction is read back from the draft.
        drafted = self.draft / table / _bucket_file(bucket)
        if drafted.exists():
            return _read_files(table, [drafted], None)
        base = [self.base / table / _bucket_file(bucket)] if self.base is not None else []
        return _read_files(table, base, None)

    def _write(self, table: str, name: str, rows: pd.DataFrame) -> None:
        directory = self.draft / table
        directory.mkdir(exist_ok=True)
        arrow = pa.Table.from_pandas(rows, schema=SCHEMAS[table], preserve_index=False, safe=False)
        path = directory / name
        pq.write_table(arrow, path, compression="zstd")
        self.written.append(path)
