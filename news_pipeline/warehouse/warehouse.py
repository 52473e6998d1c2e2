"""The Parquet warehouse: read tables, and change them in atomic transactions."""

from __future__ import annotations

import os
import uuid
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from fsspec import AbstractFileSystem

from news_pipeline.settings import is_url
from news_pipeline.warehouse.objectstore import Filesystem, Manifest, ObjectDraft, ObjectStore
from news_pipeline.warehouse.schema import BUCKET_KEYS, SCHEMAS
from news_pipeline.warehouse.snapshots import (
    ROW_GROUP_ROWS,
    LocalDraft,
    SnapshotStore,
    WarehouseError,
)

N_BUCKETS = 16
# Rows per record batch of tables read in batches: one row group of the files written from
# batches (snapshots.write_parquet).
BATCH_ROWS = ROW_GROUP_ROWS
DEFAULT_LOCK_TIMEOUT_S = 3600.0
# Parquet footer key holding a random id given to each file when a transaction writes it:
# a reader can tell, from the footers alone, whether a bucket is the one it saw before.
WRITE_ID_KEY = b"news_pipeline:write_id"


def bucket_of(key: str) -> int:
    # crc32, not hash(): bucket numbers must agree across processes and Python versions.
    return zlib.crc32(key.encode("utf-8")) % N_BUCKETS


def in_bucket_order(records: Iterable[dict], key: str = "article_id") -> list[dict]:
    """The records sorted by the bucket of their key, stably: a run of them (one commit's
    chunk) touches a few bucket files instead of all, so a first run of N articles writes
    each bucket about once instead of N / chunk times, and rows keep their order within a
    bucket."""
    return sorted(records, key=lambda record: bucket_of(record[key]))


def bucket_numbers(keys: pd.Series) -> np.ndarray:
    """bucket_of of each value (computed once per distinct value); -1 for a missing one."""
    codes, uniques = pd.factorize(keys)
    if not len(uniques):
        return np.full(len(codes), -1, np.int64)
    buckets = np.fromiter((bucket_of(k) for k in uniques.tolist()), np.int64, len(uniques))
    return np.where(codes < 0, -1, buckets[codes])


class _Buckets:
    """`rows` split by the bucket of their `key`, each bucket's rows in their original order.
    bucket_of runs once per distinct key; a bucket's rows are copied out only when asked for,
    so that writing a large frame bucket by bucket holds one bucket's copy at a time."""

    def __init__(self, rows: pd.DataFrame, key: str) -> None:
        self.rows = rows
        self.keys: list[str] = []  # the distinct keys of the rows
        self.positions: dict[int, np.ndarray] = {}
        if rows.empty:
            return
        codes, uniques = pd.factorize(rows[key])
        if (codes < 0).any():
            raise ValueError(f"rows without a {key} cannot be stored")
        self.keys = uniques.tolist()
        buckets = np.fromiter((bucket_of(k) for k in self.keys), np.int64, len(uniques))[codes]
        order = np.argsort(buckets, kind="stable")
        present, starts = np.unique(buckets[order], return_index=True)
        ends = np.r_[starts[1:], len(order)]
        self.positions = {int(b): order[start:end] for b, start, end in zip(present, starts, ends)}

    def rows_of(self, bucket: int) -> pd.DataFrame:
        positions = self.positions.get(bucket)
        return self.rows[:0] if positions is None else self.rows.take(positions)


def _bucket_file(bucket: int) -> str:
    return f"part-{bucket:03d}.parquet"


def bucket_number(file_name: str) -> int:
    """The bucket a file holds: "part-003.parquet" -> 3."""
    return int(file_name.removeprefix("part-").removesuffix(".parquet"))


def is_in(values: pd.Series, allowed: pa.Array | pd.Series | Collection[str]) -> np.ndarray:
    """values.isin(allowed) for string columns, computed by Arrow: pandas' isin on
    Arrow-backed strings turns every allowed value into an Arrow scalar first, which made
    an upsert of 10,000 keys into 16 buckets cost seconds. Pass a pa.Array to reuse one
    value set across calls."""
    if not isinstance(allowed, pa.Array):
        allowed = pa.array(allowed if isinstance(allowed, pd.Series) else list(allowed),
                           type=pa.large_string())
    found = pc.is_in(pa.array(values, type=pa.large_string()),
                     value_set=allowed.cast(pa.large_string()))
    return found.to_numpy(zero_copy_only=False).astype(bool)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Plain Python values, with None (not NaN) for nulls."""
    return frame.astype(object).where(frame.notna(), None)


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts of plain Python values, with None (not NaN) for nulls."""
    return _plain(frame).to_dict("records")


def records_where(frame: pd.DataFrame, columns: Sequence[str],
                  wanted: Callable[..., bool]) -> list[dict]:
    """records() of the rows for which `wanted(*row)` holds, row being their `columns`: the
    test runs on rows() tuples, and only the rows kept become dicts (a stage that plans a
    one-article rerun keeps one of 10k)."""
    return records(frame.iloc[[index for index, row in enumerate(rows(frame, columns))
                               if wanted(*row)]])


def rows(frame: pd.DataFrame, columns: Sequence[str]) -> list[tuple]:
    """Rows as tuples of `columns`, plain Python values as in records: cheaper where the
    rows become objects anyway (no dict per row), and far cheaper than zipping the columns,
    which iterates pandas' Arrow-backed strings an object per cell."""
    plain = _plain(frame[list(columns)])
    return list(zip(*(plain[column].to_list() for column in columns)))


def _read_files(table: str, files: list[str], columns: list[str] | None,
                filesystem: AbstractFileSystem | None = None) -> pd.DataFrame:
    schema = SCHEMAS[table]
    if not files:
        return schema.empty_table().select(columns or schema.names).to_pandas()
    try:
        arrow = pq.read_table(files, columns=columns, schema=schema, filesystem=filesystem)
    except (pa.ArrowException, OSError) as error:
        raise _unreadable(table, files, filesystem, error) from None
    return arrow.to_pandas()


def file_problem(table: str, file: str, filesystem: AbstractFileSystem | None = None) -> str | None:
    """Why `file` cannot be a part of `table` (not Parquet, or other columns), or None."""
    try:
        found = pq.read_schema(file, filesystem=filesystem)
    except (pa.ArrowException, OSError) as error:
        return _first_line(error)
    # Only the identifying first column: files of older versions lack newer columns, which
    # read as nulls.
    key = SCHEMAS[table].names[0]
    if key not in found.names:
        return f"not a {table!r} file of news_pipeline (no column {key!r})"
    return None


def _unreadable(table: str, files: list[str], filesystem: AbstractFileSystem | None,
                error: Exception) -> WarehouseError:
    # Pinpoint the file: the fix differs between one bad file and a warehouse of another tool.
    culprit, problem = next(((f, p) for f in files if (p := file_problem(table, f, filesystem))),
                            (files[0], _first_line(error)))
    return WarehouseError(
        f"cannot read table {table!r}: {culprit}: {problem}; the warehouse is derived data, "
        "so delete it and rerun to rebuild it from the raw articles")


def _first_line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


Location = str | os.PathLike
Snapshot = Path | Manifest  # what SnapshotStore.current() / ObjectStore.current() return
Store = SnapshotStore | ObjectStore


def open_store(location: Location, filesystem: Filesystem | None = None) -> Store:
    """A URL (s3://, memory://, file://, …) or a given filesystem: object storage through
    fsspec; a plain path: the local store with its symlink and hard links."""
    if filesystem is not None or is_url(location):
        return ObjectStore(os.fspath(location), filesystem)
    return SnapshotStore(Path(location))


class Warehouse:
    """Tables at `path`: a local folder (a link to the current snapshot; see snapshots.py) or
    a URL any fsspec filesystem understands (see objectstore.py)."""

    def __init__(self, path: Location, lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S,
                 filesystem: Filesystem | None = None) -> None:
        self.snapshots = open_store(path, filesystem)
        self.location = os.fspath(path)  # a URL must not go through Path(): "s3://" -> "s3:/"
        self.path = self.snapshots.link if isinstance(self.snapshots, SnapshotStore) else None
        self.lock_timeout_s = lock_timeout_s
        self._lock_depth = 0

    def validate(self) -> None:
        """Raise WarehouseError now, with a one-line cause and fix, if the path cannot hold a
        warehouse or a file of the current snapshot is corrupt or foreign (footers only)."""
        snapshot = self.snapshots.current()
        self.snapshots.ensure_writable()
        if snapshot is None:
            return
        for table in SCHEMAS:
            files, filesystem = _snapshot_files(snapshot, table)
            for file in files.values():
                if problem := file_problem(table, file, filesystem):
                    raise WarehouseError(
                        f"warehouse {self.location} is damaged: {file}: {problem}; it is derived "
                        f"data: delete {self._owned_paths()} and rerun to rebuild it from the "
                        "raw articles")

    def _owned_paths(self) -> str:
        if isinstance(self.snapshots, SnapshotStore):
            return f"{self.snapshots.link} and {self.snapshots.store}"
        return self.location

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
                self.snapshots.commit(draft)
            except BaseException:
                self.snapshots.abort(draft)
                raise


def _snapshot_files(snapshot: Snapshot, table: str) -> tuple[dict[str, str], AbstractFileSystem | None]:
    """File name -> path of each file of `table`, and the filesystem to read them with."""
    if isinstance(snapshot, Manifest):
        return snapshot.files(table), snapshot.filesystem
    return {p.name: str(p) for p in sorted((Path(snapshot) / table).glob("*.parquet"))}, None


def read_table(source: Snapshot | Location | None, table: str, columns: list[str] | None = None,
               keys: Collection[str] | None = None) -> pd.DataFrame:
    """Rows of `table`; with `keys`, only rows whose bucket key is in it.

    `source` is a snapshot (from `Warehouse.snapshots.current()`: read several tables from
    the same one), or a warehouse location: "data/warehouse", "s3://bucket/news", or None
    for an empty table.
    """
    if keys is not None and table not in BUCKET_KEYS:
        raise ValueError(f"table {table!r} is not keyed; read it whole")
    snapshot = _resolve(source)
    if snapshot is None:
        return _read_files(table, [], columns)
    files, filesystem = _snapshot_files(snapshot, table)
    if keys is None or table not in BUCKET_KEYS:
        return _read_files(table, list(files.values()), columns, filesystem)
    names = [_bucket_file(b) for b in sorted({bucket_of(k) for k in keys})]
    key = BUCKET_KEYS[table]
    wanted = columns if columns is None or key in columns else [*columns, key]
    frame = _read_files(table, [files[n] for n in names if n in files], wanted, filesystem)
    frame = frame[is_in(frame[key], set(keys))].reset_index(drop=True)
    if columns is not None:
        frame = frame[columns]
    return frame


def _resolve(source: Snapshot | Location | None, filesystem: Filesystem | None = None) -> Snapshot | None:
    """A snapshot as is; a URL: its current snapshot (None if never written). A local path
    is read as a folder, a snapshot or the warehouse link alike (the link is the current one)."""
    if isinstance(source, Manifest) or source is None:
        return source
    if filesystem is None and not is_url(source):
        return Path(source)
    return open_store(source, filesystem).current()


def table_files(source: Snapshot | Location | None, table: str,
                filesystem: Filesystem | None = None) -> tuple[AbstractFileSystem | None, list[str]]:
    """The filesystem (None: local) and the Parquet files of `table`, in a snapshot or in the
    current snapshot of a location, for other readers: `pd.read_parquet(files, filesystem=fs)`,
    `pq.read_metadata(file, filesystem=fs)`, DuckDB."""
    snapshot = _resolve(source, filesystem)
    if snapshot is None:
        return None, []
    files, fs = _snapshot_files(snapshot, table)
    return fs, list(files.values())


def read_bucket(snapshot: Snapshot | None, table: str, bucket: int,
                columns: list[str] | None = None) -> pd.DataFrame:
    """The rows of one bucket file of a keyed table, as stored (no filtering by key, so a
    misplaced row shows up)."""
    if table not in BUCKET_KEYS:
        raise ValueError(f"table {table!r} is not keyed; read it whole")
    if snapshot is None:
        return _read_files(table, [], columns)
    files, filesystem = _snapshot_files(snapshot, table)
    name = _bucket_file(bucket)
    return _read_files(table, [files[name]] if name in files else [], columns, filesystem)


def read_batches(source: Snapshot | Location | None, table: str, columns: list[str] | None = None,
                 batch_rows: int | None = None) -> Iterator[pa.RecordBatch]:
    """The rows of `table` (`columns` of SCHEMAS[table], or all) as record batches of
    BATCH_ROWS rows unless `batch_rows` is given, file by file, without holding the table
    whole."""
    schema = SCHEMAS[table]
    if columns is not None:
        schema = pa.schema([schema.field(c) for c in columns])
    batch_rows = batch_rows or BATCH_ROWS
    filesystem, files = table_files(source, table)
    for file in files:
        try:
            reader = pq.ParquetFile(file, filesystem=filesystem)
            for batch in reader.iter_batches(batch_rows, columns=schema.names, use_threads=False):
                yield batch.cast(schema)
        except (pa.ArrowException, OSError) as error:
            raise _unreadable(table, [file], filesystem, error) from None


def write_ids(snapshot: Snapshot | None, table: str) -> dict[str, str | None]:
    """File name -> the write id in its footer (None: a file written before write ids)."""
    if snapshot is None:
        return {}
    files, filesystem = _snapshot_files(snapshot, table)
    ids = {}
    for name, path in files.items():
        try:
            metadata = pq.read_metadata(path, filesystem=filesystem).metadata or {}
        except (pa.ArrowException, OSError) as error:
            raise _unreadable(table, [path], filesystem, error) from None
        found = metadata.get(WRITE_ID_KEY)
        ids[name] = found.decode("ascii") if found is not None else None
    return ids


def table_dataset(source: Snapshot | Location | None, table: str,
                  filesystem: Filesystem | None = None) -> ds.Dataset:
    """`table` as a pyarrow dataset, on either store: `count_rows()` from the Parquet footers,
    `head(n, columns)`, `to_batches()`, without reading the table whole."""
    fs, files = table_files(source, table, filesystem)
    if not files:
        return ds.dataset(SCHEMAS[table].empty_table())
    return ds.dataset(files, schema=SCHEMAS[table], format="parquet", filesystem=fs)


class Transaction:
    """Changes to the next snapshot; untouched files are carried over from the base."""

    def __init__(self, base: Snapshot | None, draft: LocalDraft | ObjectDraft) -> None:
        self.base = base
        self.draft = draft
        self._touched: dict[str, set[int] | None] = {}  # table -> rewritten buckets (None: all)

    def read(self, table: str, columns: list[str] | None = None,
             keys: Collection[str] | None = None) -> pd.DataFrame:
        return read_table(self.base, table, columns, keys)

    def upsert(self, table: str, rows: pd.DataFrame, delete_keys: Iterable[str] = ()) -> None:
        """Replace all rows of the keys in `rows` and `delete_keys` by `rows`.

        Only the bucket files holding those keys are rewritten.
        """
        key = BUCKET_KEYS[table]
        new_rows = _Buckets(rows, key)
        changed_keys = set(new_rows.keys) | set(delete_keys)
        if not changed_keys:
            return
        changed = pa.array(list(changed_keys), type=pa.large_string())
        for bucket in sorted({bucket_of(k) for k in changed_keys}):
            kept = self._read_bucket(table, bucket)
            kept = kept[~is_in(kept[key], changed)]
            self._write(table, _bucket_file(bucket),
                        pd.concat([kept, new_rows.rows_of(bucket)], ignore_index=True))
            self._touched.setdefault(table, set())
            touched = self._touched[table]
            if touched is not None:
                touched.add(bucket)

    def replace(self, table: str, rows: pd.DataFrame) -> None:
        """Write `table` whole (all buckets for keyed tables)."""
        self._touched[table] = None
        if table in BUCKET_KEYS:
            parts = _Buckets(rows, BUCKET_KEYS[table])
            for bucket in range(N_BUCKETS):
                self._write(table, _bucket_file(bucket), parts.rows_of(bucket))
        else:
            self._write(table, "part-000.parquet", rows)

    def replace_batches(self, table: str, batches: Iterable[pa.RecordBatch]) -> None:
        """Write a table that is not keyed whole from record batches of SCHEMAS[table], one
        row group at a time: neither the batches nor the file are held whole."""
        if table in BUCKET_KEYS:
            raise ValueError(f"table {table!r} is keyed; use replace or upsert")
        self._touched[table] = None
        self.draft.write_batches(table, "part-000.parquet", _stamped(SCHEMAS[table]), batches)

    def link_unchanged(self) -> None:
        """Carry the base's untouched files into the draft (hard links locally, manifest
        references on object storage) and give every table at least an empty file."""
        replaced = {table for table, touched in self._touched.items() if touched is None}
        self.draft.carry_over(self.base, replaced)
        for table in SCHEMAS:  # every table exists, so pandas can always read it
            if not self.draft.has_table(table):
                self.replace(table, SCHEMAS[table].empty_table().to_pandas())

    def _read_bucket(self, table: str, bucket: int) -> pd.DataFrame:
        # A bucket already rewritten in this transaction is read back from the draft.
        name = _bucket_file(bucket)
        drafted = self.draft.drafted(table, name)
        if drafted is not None:
            return _read_files(table, [drafted], None, self.draft.filesystem)
        if self.base is None:
            return _read_files(table, [], None)
        files, filesystem = _snapshot_files(self.base, table)
        return _read_files(table, [files[name]] if name in files else [], None, filesystem)

    def _write(self, table: str, name: str, rows: pd.DataFrame) -> None:
        arrow = pa.Table.from_pandas(rows, schema=SCHEMAS[table], preserve_index=False, safe=False)
        self.draft.write(table, name, arrow.replace_schema_metadata(_stamped(arrow.schema).metadata))


def _stamped(schema: pa.Schema) -> pa.Schema:
    """`schema` with a fresh write id in its metadata."""
    stamp = {WRITE_ID_KEY: uuid.uuid4().hex.encode("ascii")}
    return schema.with_metadata({**(schema.metadata or {}), **stamp})
