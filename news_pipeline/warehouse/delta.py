"""The warehouse: one Delta Lake table per table name under a root, a local folder or any URL
delta-rs supports (s3://, gs://, az://, file://).

The stages read the newest version of each table and commit their changes table by table
(each commit atomic, as Delta makes it). A run ends by publishing the versions it left
(`Warehouse.publish`); readers (`published_snapshot`, `news_pipeline.query.load_tables`) read
that set of versions, so they never see half a run, and a run killed at any moment leaves the
last completed one readable while the next run repairs the rest.
"""

from __future__ import annotations

import json
import os
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

# delta-rs logs warnings of its query engine about its own internals (with partitioned tables,
# "Partition value for column __delta_rs_file_id__ was not dictionary-encoded") on stderr:
# errors only, unless the user asks for more.
os.environ.setdefault("RUST_LOG", "error")

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs
import pyarrow.parquet as pq
from deltalake import CommitProperties, DeltaTable, QueryBuilder, WriterProperties, write_deltalake
from deltalake.exceptions import CommitFailedError, DeltaError, TableNotFoundError

from news_pipeline.settings import is_url
from news_pipeline.warehouse.schema import (
    ARTICLE_KEY,
    ARTICLE_TABLES,
    PARTITION,
    RECORD_TABLES,
    SCHEMAS,
)

Location = str | os.PathLike
# The table recording the versions of the last completed run (one row, rewritten by each).
RUNS_TABLE = "_completed_runs"
RUNS_SCHEMA = pa.schema([("run_id", pa.string()), ("finished_at", pa.timestamp("us", tz="UTC")),
                         ("versions", pa.string())])
# Rows per Parquet row group. Rows are written sorted by article id, so a row group covers a
# narrow range of ids and a read by key skips the others from their statistics.
ROW_GROUP_ROWS = 8192
_WRITER = WriterProperties(compression="ZSTD", max_row_group_size=ROW_GROUP_ROWS)
# Delta table properties. Opening a table replays the log commits since its last checkpoint
# (about 0.5 ms each; delta-rs checkpoints every 100 by default): a checkpoint every 10 keeps
# the many opens of a run cheap (articles at 54 commits: 30 -> 4 ms per open).
TABLE_PROPERTIES = {"delta.checkpointInterval": "10"}
# Per-article tables, and the learnt boilerplate, also keep Delta's change data feed: the rows
# a delete removes are written beside it, so a stage learns which articles its inputs gained,
# changed or lost since a version from those changes alone (changes_since), not by reading
# every row.
FEED_PROPERTIES = {**TABLE_PROPERTIES, "delta.enableChangeDataFeed": "true"}
FEED_TABLES = ARTICLE_TABLES | {"source_boilerplate"}
# The co-occurrence pairs are stored sorted, in files of about this many bytes, so that a run
# that changes a few entities' pairs rewrites only the few files that hold them
# (Warehouse.replace_where prunes the others by their statistics).
PAIR_TABLE_PROPERTIES = {**TABLE_PROPERTIES, "delta.targetFileSize": str(256 * 1024)}
# Keys up to which a read by key asks the query engine for exactly them.
_IN_LIST_LIMIT = 256
# Operations that rewrite or delete files without changing rows, and how many of their commits
# can follow a table's last data change (vacuum's start and end after a run, compaction).
_MAINTENANCE = ("VACUUM", "OPTIMIZE", "SET TBLPROPERTIES")
_MAINTENANCE_COMMITS = 8
_REBUILD = "the warehouse is derived data: delete {where} and rerun to rebuild it from the raw articles"


class WarehouseError(RuntimeError):
    """A warehouse that cannot be used; the message says why and how to fix it."""


def root_of(location: Location) -> str:
    """A URL as it is ("s3://bucket/news"), a local path made absolute."""
    text = os.fspath(location)
    return text.rstrip("/") if is_url(text) else str(Path(text).absolute())


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


@dataclass(frozen=True)
class Snapshot:
    """A version of each table under `root` (tables not listed do not exist): reading
    through one snapshot gives a consistent set of tables."""

    root: str
    versions: Mapping[str, int] = field(default_factory=dict)

    def uri(self, table: str) -> str:
        return f"{self.root}/{table}"

    def delta_table(self, table: str) -> DeltaTable | None:
        version = self.versions.get(table)
        if version is None:
            return None
        try:
            return _at_version(self.uri(table), version)
        except (DeltaError, OSError) as error:
            raise WarehouseError(f"cannot open table {table!r} at version {version}: "
                                 f"{_first_line(error)}; " + _REBUILD.format(where=self.root)) from None


# Tables opened in this process, by location and version (a run opens most tables many times:
# 2-5 ms an open, more the longer the log), with the stat of the commit file that made the
# version, so that a table deleted and written anew is not taken for the old one, and whether
# the table's data files were listed.
_OPENED: OrderedDict[tuple[str, int], tuple[tuple[int, int, int], DeltaTable, bool]] = OrderedDict()
_OPENED_MAX = 64
# The version of each local table last opened as its newest in this process.
_NEWEST: dict[str, int] = {}


def _at_version(uri: str, version: int) -> DeltaTable:
    """The table at `uri` as of `version` (local tables from a cache of recent opens)."""
    cached = _cached(uri, version, files=True)
    if cached is not None:
        return cached
    delta = DeltaTable(uri, version=version)
    _remember(uri, delta, files=True, newest=False)
    return delta


def _open(uri: str, files: bool = True) -> DeltaTable | None:
    """The newest version of the table at `uri`, or None where there is none. Without
    `files`, only its version, metadata and history can be asked (the log's list of data
    files is not built: an open costs ~1.5 instead of ~4 ms).

    A local table opened before is taken from the cache while its log has no newer commit
    (Delta writes commit n + 1 as a new file only if there is none: its absence proves that
    the cached version is the newest)."""
    newest = _NEWEST.get(uri)
    if newest is not None and not os.path.exists(_commit_file(uri, newest + 1)):
        cached = _cached(uri, newest, files)
        if cached is not None:
            return cached
    try:
        delta = DeltaTable(uri, without_files=not files)
    except TableNotFoundError:
        return None
    _remember(uri, delta, files, newest=True)
    return delta


def _cached(uri: str, version: int, files: bool) -> DeltaTable | None:
    """The cached table at `version`, if its commit file is the one it was opened from, it
    still stands at that version (a delete or vacuum through it moves it on), and it lists
    its data files where they are asked for."""
    entry = _OPENED.get((uri, version))
    if entry is None:
        return None
    stamp, delta, with_files = entry
    if (files and not with_files) or stamp != _commit_stamp(uri, version) or delta.version() != version:
        return None
    _OPENED.move_to_end((uri, version))
    return delta


def _remember(uri: str, delta: DeltaTable, files: bool, newest: bool) -> None:
    """Cache a local table just opened (`newest`: opened as the newest version)."""
    version = delta.version()
    stamp = _commit_stamp(uri, version)
    if stamp is None:
        return
    _OPENED[(uri, version)] = (stamp, delta, files)
    _OPENED.move_to_end((uri, version))
    if len(_OPENED) > _OPENED_MAX:
        _OPENED.popitem(last=False)
    if newest:
        _NEWEST[uri] = version


def _commit_file(uri: str, version: int) -> str:
    return f"{uri}/_delta_log/{version:020d}.json"


def _commit_stamp(uri: str, version: int) -> tuple[int, int, int] | None:
    """Inode, mtime and size of a local table's commit file of `version` (None for object
    storage, where a stat costs as much as an open, or where the file is gone)."""
    if is_url(uri):
        return None
    try:
        stat = os.stat(_commit_file(uri, version))
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _properties(table: str) -> dict[str, str]:
    if table == "cooccurrences":
        return PAIR_TABLE_PROPERTIES
    return FEED_PROPERTIES if table in FEED_TABLES else TABLE_PROPERTIES


def _columns(table: str, columns: Collection[str] | None) -> list[str]:
    return list(columns) if columns is not None else SCHEMAS[table].names


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _in(column: str, values: Iterable[str]) -> str:
    return f'"{column}" IN ({", ".join(_literal(v) for v in sorted(set(values)))})'


def _values_condition(where: Mapping[str, Collection[str]]) -> str:
    """SQL for rows whose columns each hold one of their values (none: no row)."""
    return " AND ".join(_in(column, values) if values else "FALSE"
                        for column, values in where.items())


def _prefix_condition(column: str, prefixes: Collection[str]) -> str:
    """SQL for rows whose `column` starts with one of `prefixes` (none empty), as ranges
    ('a/' <= value < 'a0'), which the query engine can skip files and row groups by."""
    ranges = [_range_condition(column, p, p[:-1] + chr(ord(p[-1]) + 1)) for p in sorted(set(prefixes))]
    return "(" + " OR ".join(f"({r})" for r in ranges) + ")"


def _range_condition(column: str, low: str | None, high: str | None) -> str:
    """SQL for rows whose `column` lies in [low, high) (None: unbounded; an unbounded low
    takes null values too, so that ranges that cover all values cover every row)."""
    below = f'"{column}" < {_literal(high)}' if high is not None else None
    if low is None:
        return f'({below} OR "{column}" IS NULL)' if below else "TRUE"
    return " AND ".join(filter(None, [f'"{column}" >= {_literal(low)}', below]))


def _key_condition(table: str, keys: Collection[str] | None,
                   months: Collection[str] | None) -> str | None:
    """SQL for the rows of `keys` in the `months` partitions (None: no condition); an empty
    collection selects nothing."""
    if keys is not None and table not in ARTICLE_TABLES:
        raise ValueError(f"table {table!r} has no rows per article; read it whole")
    parts = []
    for column, values in ((PARTITION, months), (ARTICLE_KEY, keys)):
        if values is not None:
            parts.append(_in(column, values) if values else "FALSE")
    return " AND ".join(parts) or None


def _conform(arrow: pa.Table, table: str, columns: list[str]) -> pa.Table:
    """The columns in the declared order and types (delta-rs' query engine hands back view
    types, and Parquet files written by its deletes store them)."""
    schema = SCHEMAS[table]
    return arrow.select(columns).cast(pa.schema([schema.field(c) for c in columns]))


def _query(source: Snapshot | Location | None, table: str, columns: list[str],
           condition: str | None = None, limit: int | None = None) -> pa.RecordBatchReader | None:
    """Rows of `table` through delta-rs' own query engine (DataFusion): it skips partitions
    and row groups by their statistics, and reads local and object storage alike. None: no
    such table."""
    delta = snapshot_of(source).delta_table(table) if source is not None else None
    if delta is None:
        return None
    select = ", ".join(f'"{c}"' for c in columns)
    sql = f"SELECT {select} FROM t" + (f" WHERE {condition}" if condition else "")
    sql += f" LIMIT {limit}" if limit is not None else ""
    try:
        return pa.RecordBatchReader.from_stream(QueryBuilder().register("t", delta).execute(sql))
    except (DeltaError, OSError, pa.ArrowException) as error:
        raise _unreadable(table, source, error) from None


def _unreadable(table: str, source: Snapshot | Location | None, error: BaseException) -> WarehouseError:
    return WarehouseError(f"cannot read table {table!r}: {_first_line(error)}; "
                          + _REBUILD.format(where=_root_text(source)))


def _root_text(source: Snapshot | Location | None) -> str:
    return source.root if isinstance(source, Snapshot) else os.fspath(source or "the warehouse")


def read_arrow(source: Snapshot | Location | None, table: str, columns: Collection[str] | None = None,
               keys: Collection[str] | None = None, months: Collection[str] | None = None,
               limit: int | None = None,
               where: Mapping[str, Collection[str]] | None = None,
               starting_with: tuple[str, Collection[str]] | None = None,
               between: tuple[str, str | None, str | None] | None = None) -> pa.Table:
    """Rows of `table`; with `keys`, only those of these article ids (and with `months`, only
    from these partitions: a read by key then opens one month's files); with `where`
    (column -> values), only rows whose columns each hold one of a few values; with
    `starting_with` (column, prefixes), only rows whose column starts with one of them; with
    `between` (column, low, high), only rows whose column is in [low, high). `source`: a
    Snapshot, a warehouse location (read as of its last completed run, see snapshot_of), or
    None for an empty table."""
    wanted = _columns(table, columns)
    # Many keys: the query engine plans a long IN list slowly (seconds for 10,000), so read
    # their months and keep the keys' rows here.
    many = keys is not None and len(keys) > _IN_LIST_LIMIT
    selected = [*wanted, ARTICLE_KEY] if many and ARTICLE_KEY not in wanted else wanted
    conditions = [_key_condition(table, None if many else keys, months),
                  _values_condition(where) if where is not None else None,
                  _prefix_condition(*starting_with) if starting_with is not None else None,
                  _range_condition(*between) if between is not None else None]
    reader = _query(source, table, selected, " AND ".join(filter(None, conditions)) or None, limit)
    if reader is None:
        return SCHEMAS[table].empty_table().select(wanted)
    try:
        arrow = _conform(reader.read_all(), table, selected)
        if many:
            arrow = arrow.filter(pc.is_in(arrow.column(ARTICLE_KEY),
                                          value_set=pa.array(list(keys), pa.string())))
        return arrow.select(wanted)
    except (DeltaError, OSError, pa.ArrowException) as error:
        raise _unreadable(table, source, error) from None


def read_table(source: Snapshot | Location | None, table: str, columns: Collection[str] | None = None,
               keys: Collection[str] | None = None,
               months: Collection[str] | None = None) -> pd.DataFrame:
    """read_arrow as a pandas frame."""
    return read_arrow(source, table, columns, keys, months).to_pandas()


def read_batches(source: Snapshot | Location | None, table: str,
                 columns: Collection[str] | None = None) -> Iterator[pa.RecordBatch]:
    """The rows of `table` as record batches, streamed: the table is not held whole."""
    wanted = _columns(table, columns)
    target = pa.schema([SCHEMAS[table].field(c) for c in wanted])
    reader = _query(source, table, wanted)
    if reader is None:
        return
    try:
        for batch in reader:
            yield pa.RecordBatch.from_arrays([batch.column(c).cast(target.field(c).type)
                                              for c in wanted], schema=target)
    except (DeltaError, OSError, pa.ArrowException) as error:
        raise _unreadable(table, source, error) from None


def count_rows(source: Snapshot | Location | None, table: str) -> int:
    """Rows of `table`, from the Delta log's file statistics (no data file is read)."""
    delta = snapshot_of(source).delta_table(table) if source is not None else None
    if delta is None:
        return 0
    actions = pa.table(delta.get_add_actions(flatten=True))  # an arro3 table: convert
    if "num_records" not in actions.column_names or actions.column("num_records").null_count:
        return sum(batch.num_rows for batch in read_batches(source, table, [SCHEMAS[table].names[0]]))
    return int(pc.sum(actions.column("num_records")).as_py() or 0)


def data_files(snapshot: Snapshot, table: str) -> set[str]:
    """The URIs of the data files of `table` in `snapshot` (from the log alone)."""
    delta = snapshot.delta_table(table)
    return set(delta.file_uris()) if delta is not None else set()


def files_added_since(snapshot: Snapshot, table: str, version: int) -> set[str] | None:
    """The data files of `table` in `snapshot` that its `version` did not have: files are
    immutable and every commit that changes rows adds some, so these hold every row written
    since. None where that version's log is gone."""
    try:
        old = data_files(Snapshot(snapshot.root, {table: version}), table)
    except WarehouseError:
        return None
    return data_files(snapshot, table) - old


@dataclass(frozen=True)
class Changes:
    """What a per-article table's rows became between two versions, article by article."""

    rows: pa.Table  # the row each article written since has now (its id, month, the columns asked for)
    deleted: pa.Table  # article_id, ingest_month of the articles whose rows are gone

    @property
    def ids(self) -> pa.Array:
        """Every article that changed: written or gone."""
        return pa.concat_arrays([self.rows.column(ARTICLE_KEY).combine_chunks(),
                                 self.deleted.column(ARTICLE_KEY).combine_chunks()])

    @property
    def months(self) -> set[str]:
        return set(pc.unique(pa.concat_arrays([
            self.rows.column(PARTITION).combine_chunks(),
            self.deleted.column(PARTITION).combine_chunks()])).to_pylist())

    def __len__(self) -> int:
        return self.rows.num_rows + self.deleted.num_rows


_CHANGE_TYPE, _CHANGE_VERSION = "_change_type", "_commit_version"
_WRITTEN = ("insert", "update_postimage")


def change_feed(snapshot: Snapshot, table: str, version: int,
                columns: Collection[str] | None = None) -> pa.Table | None:
    """The rows the commits of `table` after `version` (up to its version in `snapshot`)
    wrote and deleted, from Delta's change data feed, in commit order: the `columns` and
    `written` (false: deleted). None where the feed cannot say (it is kept only from the
    version it was enabled at, and vacuum deletes it with the files of older versions):
    then compare whole tables."""
    if table not in FEED_TABLES:
        raise ValueError(f"table {table!r} keeps no change data feed")
    wanted = _columns(table, columns)
    until = snapshot.versions.get(table)
    if until is None or until < version:
        return None
    if until == version:
        feed = SCHEMAS[table].empty_table().select(wanted)
        return feed.append_column("written", pa.array([], pa.bool_()))
    try:
        feed = pa.table(snapshot.delta_table(table).load_cdf(
            starting_version=version + 1, ending_version=until,
            columns=[f'"{c}"' for c in wanted] + [_CHANGE_TYPE, _CHANGE_VERSION]).read_all())
    # A data file of the feed that vacuum deleted surfaces while reading, through the Arrow C
    # stream, as a bare Exception.
    except Exception:
        return None
    feed = feed.take(pc.sort_indices(feed, [(_CHANGE_VERSION, "ascending")]))  # stable
    written = pc.is_in(feed.column(_CHANGE_TYPE), value_set=pa.array(_WRITTEN))
    return _conform(feed, table, wanted).append_column("written", written)


def changes_since(snapshot: Snapshot, table: str, version: int,
                  columns: Collection[str] | None = None) -> Changes | None:
    """The changes of per-article `table` from `version` to its version in `snapshot`,
    article by article (see change_feed; None where they cannot be known)."""
    if table not in ARTICLE_TABLES:
        raise ValueError(f"table {table!r} has no rows per article")
    selected = list(dict.fromkeys([ARTICLE_KEY, PARTITION, *_columns(table, columns)]))
    feed = change_feed(snapshot, table, version, selected)
    if feed is None:
        return None
    # The last change of each article decides: a delete and the append of its new rows
    # (an upsert) leave its new row.
    feed = feed.append_column("_order", pa.array(range(feed.num_rows), pa.int64()))
    final = feed.take(feed.group_by(ARTICLE_KEY).aggregate([("_order", "max")]).column("_order_max"))
    written = final.column("written")
    return Changes(final.filter(written).select(selected),
                   final.filter(pc.invert(written)).select([ARTICLE_KEY, PARTITION]))


def read_files(table: str, files: Collection[str], columns: Collection[str] | None = None) -> pa.Table:
    """The rows of `table` stored in these data files (see data_files), without the
    partition column, which the files do not store."""
    wanted = [c for c in _columns(table, columns) if c != PARTITION]
    parts = []
    for uri in sorted(files):
        try:
            filesystem, path = pafs.FileSystem.from_uri(uri) if is_url(uri) else (None, uri)
            parts.append(_conform(pq.read_table(path, columns=wanted, filesystem=filesystem),
                                  table, wanted))
        except (pa.ArrowException, OSError) as error:
            raise _unreadable(table, uri, error) from None
    return pa.concat_tables(parts) if parts else SCHEMAS[table].empty_table().select(wanted)


def current_snapshot(location: Location, tables: Collection[str] | None = None) -> Snapshot:
    """The newest version of every table that exists (or of these `tables`)."""
    root = root_of(location)
    versions = {}
    for table in tables if tables is not None else (*SCHEMAS, RUNS_TABLE):
        delta = _open(f"{root}/{table}", files=False)
        if delta is not None:
            versions[table] = delta.version()
    return Snapshot(root, versions)


def published_snapshot(location: Location) -> Snapshot | None:
    """The versions the last completed run left (None before the first one completed)."""
    root = root_of(location)
    runs = _open(f"{root}/{RUNS_TABLE}")
    if runs is None:
        return None
    rows = runs.to_pyarrow_table(columns=["versions"]).column("versions").to_pylist()
    if not rows:
        return None
    return Snapshot(root, {table: int(version) for table, version in json.loads(rows[-1]).items()})


def snapshot_of(source: Snapshot | Location) -> Snapshot:
    """A Snapshot as it is; a location: its last completed run, or before any completed, the
    newest versions."""
    if isinstance(source, Snapshot):
        return source
    return published_snapshot(source) or current_snapshot(source)


def _column(rows: pd.DataFrame, field: pa.Field) -> pa.Array:
    """One column of `rows` as `field` says; missing or all-null (a NaN float column, as
    pandas makes of an empty or missing value) as nulls of the field's type."""
    if field.name not in rows or rows[field.name].isna().all():
        return pa.nulls(len(rows), field.type)
    return pa.Array.from_pandas(rows[field.name], type=field.type, safe=False)


def to_arrow(table: str, rows: pd.DataFrame | pa.Table) -> pa.Table:
    """`rows` in the table's schema; rows per article sorted by article id (stably), so that
    each row group holds a narrow range of ids."""
    schema = SCHEMAS[table]
    if isinstance(rows, pd.DataFrame):
        arrow = pa.Table.from_arrays([_column(rows, field) for field in schema], schema=schema)
    else:
        arrow = rows.select(schema.names).cast(schema)
    if table in ARTICLE_TABLES and arrow.num_rows:
        if arrow.column(PARTITION).null_count:
            raise ValueError(f"rows of {table!r} without {PARTITION}: every row per article "
                             "carries the month its article was first seen")
        arrow = arrow.take(pc.sort_indices(arrow, [(ARTICLE_KEY, "ascending")]))
    return arrow


class Warehouse:
    """The tables under `location`: read their newest versions, change them, publish a run."""

    def __init__(self, location: Location) -> None:
        self.location = os.fspath(location)  # a URL must not go through Path(): "s3://" -> "s3:/"
        self.root = root_of(location)

    def uri(self, table: str) -> str:
        return f"{self.root}/{table}"

    def current(self, *tables: str) -> Snapshot:
        """The newest versions of these tables (default: all): reads through it are
        consistent with each other."""
        return current_snapshot(self.root, tables or None)

    def published(self) -> Snapshot | None:
        return published_snapshot(self.root)

    def read(self, table: str, columns: Collection[str] | None = None,
             keys: Collection[str] | None = None,
             months: Collection[str] | None = None) -> pd.DataFrame:
        """Rows of the newest version of `table` (see read_arrow)."""
        return read_table(self.current(table), table, columns, keys, months)

    def read_arrow(self, table: str, columns: Collection[str] | None = None,
                   keys: Collection[str] | None = None, months: Collection[str] | None = None,
                   where: Mapping[str, Collection[str]] | None = None) -> pa.Table:
        """read() as an Arrow table (and `where`, see read_arrow)."""
        return read_arrow(self.current(table), table, columns, keys, months, where=where)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Changes whose reads see each table as it was when the transaction first touched
        it (its own writes are not read back). Each write is a Delta commit of its own;
        `publish` makes a run's commits visible to readers together."""
        yield Transaction(self)

    # ------------------------------------------------------------------ writes

    def append(self, table: str, rows: pd.DataFrame | pa.Table) -> None:
        arrow = to_arrow(table, rows)
        if arrow.num_rows:
            self._write(table, arrow, "append")

    def delete(self, table: str, keys: Collection[str], months: Collection[str] | None = None) -> None:
        """Remove the rows of these article ids (only from the `months` partitions, if given:
        then only that month's files are opened)."""
        if not keys:
            return
        if table not in ARTICLE_TABLES:
            raise ValueError(f"table {table!r} has no rows per article")
        delta = _open(self.uri(table))
        if delta is None:
            return
        predicate = _in(ARTICLE_KEY, keys)
        if months is not None:
            if not months:
                return
            predicate = f"{_in(PARTITION, months)} AND {predicate}"
        self._commit(table, lambda: delta.delete(predicate, writer_properties=_WRITER))

    def upsert(self, table: str, rows: pd.DataFrame | pa.Table, delete_keys: Collection[str] = (),
               months: Collection[str] | None = None, known_new: Collection[str] = (),
               metadata: Mapping[str, str] | None = None) -> None:
        """Replace the rows of the article ids in `rows` and `delete_keys` by `rows` (the
        append's commit carries `metadata`, see commit_metadata).

        Without `months` every partition is searched for the old rows; with it, only those
        months (the caller knows where its articles were). Ids in `known_new` have no rows
        yet: they are not searched for at all, so that new articles only append files."""
        arrow = to_arrow(table, rows)
        keys = set(arrow.column(ARTICLE_KEY).to_pylist()) | set(delete_keys)
        self.delete(table, keys - set(known_new), months)
        if arrow.num_rows or metadata:
            self._write(table, arrow, "append", metadata)

    def replace(self, table: str, rows: pd.DataFrame | pa.Table,
                metadata: Mapping[str, str] | None = None) -> None:
        """Write `table` whole (one commit: readers of older versions are unaffected), with
        `metadata` in the commit (see commit_metadata)."""
        self._write(table, to_arrow(table, rows), "overwrite", metadata)

    def replace_where(self, table: str, where: Mapping[str, Collection[str]],
                      rows: pa.Table) -> None:
        """Replace the rows of a corpus-wide table whose columns each hold one of their
        `where` values by `rows` (which must all lie there), in one commit: Delta rewrites
        only the files that hold such rows."""
        if table in ARTICLE_TABLES:
            raise ValueError(f"table {table!r} has rows per article; use upsert")
        if _open(self.uri(table), files=False) is None:
            self._write(table, rows.cast(SCHEMAS[table]), "append")
            return
        self._commit(table, lambda: write_deltalake(
            self.uri(table), rows.cast(SCHEMAS[table]), mode="overwrite",
            predicate=_values_condition(where), writer_properties=_WRITER))

    def replace_batches(self, table: str, batches: Iterable[pa.RecordBatch]) -> None:
        """Write a corpus-wide table whole from record batches of SCHEMAS[table]. They are
        gathered first: batches streamed from another Delta table cannot feed a Delta write
        (both would drive delta-rs' runtime from one thread)."""
        if table in ARTICLE_TABLES:
            raise ValueError(f"table {table!r} has rows per article; use upsert")
        schema = SCHEMAS[table]
        self._write(table, pa.Table.from_batches([b.cast(schema) for b in batches], schema),
                    "overwrite")

    def _write(self, table: str, data: pa.Table | pa.RecordBatchReader, mode: str,
               metadata: Mapping[str, str] | None = None) -> None:
        partition_by = [PARTITION] if table in ARTICLE_TABLES else None
        properties = CommitProperties(custom_metadata=dict(metadata)) if metadata else None
        self._commit(table, lambda: write_deltalake(
            self.uri(table), data, mode=mode, partition_by=partition_by,
            writer_properties=_WRITER, schema_mode="overwrite" if mode == "overwrite" else None,
            configuration=_properties(table), commit_properties=properties))

    def mark(self, table: str, metadata: Mapping[str, str]) -> None:
        """A commit to `table` that changes no row and carries `metadata` (see
        commit_metadata): what a stage's last commit of a run says about it."""
        self._write(table, SCHEMAS[table].empty_table(), "append", metadata)

    def data_version(self, table: str) -> int | None:
        """The version of the newest commit of `table` that changed its rows (vacuum and
        compaction commit versions too, but leave the rows as they were)."""
        commit = self._last_data_commit(table)
        return int(commit["version"]) if commit is not None else None

    def commit_metadata(self, table: str) -> dict[str, str]:
        """The metadata given with the newest commit that changed the rows of `table`."""
        commit = self._last_data_commit(table) or {}
        return {k: v for k, v in commit.items() if isinstance(v, str) and k.startswith("news_pipeline.")}

    def in_step(self, state: str, output: str, key: str) -> bool:
        """Whether the newest commit of a stage's `state` table names (under metadata `key`)
        the data version its `output` table has now: false after a run killed between
        committing the output and the state (or before either table exists)."""
        output_version = self.data_version(output)
        if output_version is None:
            return self.data_version(state) is None
        return self.commit_metadata(state).get(key) == str(output_version)

    def _last_data_commit(self, table: str) -> dict | None:
        delta = _open(self.uri(table), files=False)
        if delta is None:
            return None
        return next((commit for commit in delta.history(_MAINTENANCE_COMMITS + 1)
                     if not str(commit.get("operation", "")).startswith(_MAINTENANCE)), None)

    def _commit(self, table: str, operation: Callable[[], object]) -> None:
        try:
            operation()
        except CommitFailedError as error:
            raise WarehouseError(
                f"another writer committed to table {table!r} at the same time "
                f"({_first_line(error)}): runs on one warehouse must not overlap; wait for the "
                "other run to finish, then rerun (nothing was lost: the next run redoes what "
                "this one did not commit)") from None
        except (DeltaError, OSError, pa.ArrowException) as error:
            raise WarehouseError(f"cannot write table {table!r} at {self.uri(table)}: "
                                 f"{_first_line(error)}") from None

    # ------------------------------------------------------------------ runs

    def ensure(self, *tables: str) -> dict[str, int]:
        """Create these tables, empty, where they do not exist yet, and give the ones created
        by older versions the table properties set at creation now; their versions."""
        return {table: self._ensured(table) for table in tables}

    def _ensured(self, table: str) -> int:
        delta = _open(self.uri(table), files=False)
        if delta is None:
            self._write(table, SCHEMAS[table].empty_table(), "append")
        elif not _properties(table).items() <= delta.metadata().configuration.items():
            self._commit(table, partial(delta.alter.set_table_properties, _properties(table)))
        else:
            return delta.version()
        return _open(self.uri(table), files=False).version()

    def publish(self, run_id: str) -> Snapshot:
        """Record the newest versions as those of the last completed run (creating empty
        tables for any not written yet, so that every table can be read; see ensure)."""
        versions = self.ensure(*SCHEMAS)
        row = pa.table({"run_id": [run_id], "finished_at": [datetime.now(timezone.utc)],
                        "versions": [json.dumps(versions, sort_keys=True)]}, schema=RUNS_SCHEMA)
        self._commit(RUNS_TABLE, lambda: write_deltalake(self.uri(RUNS_TABLE), row, mode="overwrite"))
        return Snapshot(self.root, versions)

    def vacuum(self, retention_hours: int) -> dict[str, int]:
        """Delete the files no version younger than `retention_hours` references (0: all but
        the newest version's), and files that are in no version at all (left by a killed
        writer, or put there by hand); files removed per table."""
        removed = {}
        for table in (*SCHEMAS, RUNS_TABLE):
            delta = _open(self.uri(table))
            if delta is not None:
                removed[table] = len(delta.vacuum(retention_hours=retention_hours, dry_run=False,
                                                  enforce_retention_duration=False, full=True))
        return removed

    def storage(self) -> dict[str, tuple[int, int]]:
        """Table -> (data files, bytes) of its newest version, from the Delta log."""
        sizes = {}
        for table in (*SCHEMAS, RUNS_TABLE):
            delta = _open(self.uri(table))
            if delta is not None:
                actions = pa.table(delta.get_add_actions(flatten=True))
                sizes[table] = (actions.num_rows, int(pc.sum(actions.column("size_bytes")).as_py() or 0))
        return sizes

    def compact(self) -> dict[str, tuple[int, int]]:
        """Rewrite the small files of every table into fewer large ones (Delta's optimize;
        the rows stay as they are); (files, bytes) per table afterwards."""
        for table in SCHEMAS:
            delta = _open(self.uri(table))
            if delta is not None:
                self._commit(table, partial(delta.optimize.compact, writer_properties=_WRITER))
        return self.storage()

    def validate(self) -> None:
        """Raise WarehouseError now, with a one-line cause and fix, if the location cannot hold
        a warehouse or holds something else (checks the Delta logs, not the data files)."""
        if not is_url(self.location):
            self._validate_folder(Path(self.root))
        for table in SCHEMAS:
            try:
                delta = _open(self.uri(table), files=False)
            except (DeltaError, OSError) as error:
                raise WarehouseError(f"warehouse {self.location}: table {table!r} is damaged: "
                                     f"{_first_line(error)}; " + _REBUILD.format(where=self.location)
                                     ) from None
            if delta is None or table in RECORD_TABLES:
                continue
            found = set(delta.schema().to_arrow().names)
            missing = [name for name in SCHEMAS[table].names if name not in found]
            if missing:
                raise WarehouseError(
                    f"warehouse {self.location}: table {table!r} lacks columns {missing} (written by "
                    f"another version of news_pipeline); " + _REBUILD.format(where=self.location))

    def _validate_folder(self, root: Path) -> None:
        if root.is_symlink():  # the snapshot store of news_pipeline before Delta Lake
            raise WarehouseError(
                f"{root} was written by an older version of news_pipeline (not Delta Lake); "
                + _REBUILD.format(where=f"{root} and {root.parent / ('.' + root.name + '.snapshots')}"))
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise WarehouseError(
                f"cannot create warehouse folder {root}: {error.strerror or error}; set "
                "NEWS_PIPELINE_WAREHOUSE to a writable folder") from None
        # A table folder without a Delta log is what a run killed during the table's first
        # commit leaves: its next write makes it a table. Anything else is not ours.
        known = {*SCHEMAS, RUNS_TABLE}
        foreign = sorted(p.name for p in root.iterdir() if not p.name.startswith(".")
                         and p.name not in known)
        if foreign:
            raise WarehouseError(
                f"{root} is not a news_pipeline warehouse (it holds {', '.join(foreign[:3])}, which "
                "are not its Delta tables); move it away or set NEWS_PIPELINE_WAREHOUSE elsewhere")


class Transaction:
    """Reads of each table as it was when the transaction first read or wrote it; writes go
    to the warehouse."""

    def __init__(self, warehouse: Warehouse) -> None:
        self.warehouse = warehouse
        self._versions: dict[str, int] = {}
        self._pinned: set[str] = set()

    def base(self, *tables: str) -> Snapshot:
        """The tables as they were when this transaction first touched them."""
        for table in tables:
            if table not in self._pinned:
                self._pinned.add(table)
                self._versions.update(current_snapshot(self.warehouse.root, [table]).versions)
        return Snapshot(self.warehouse.root, {t: self._versions[t] for t in tables if t in self._versions})

    def read(self, table: str, columns: Collection[str] | None = None,
             keys: Collection[str] | None = None,
             months: Collection[str] | None = None) -> pd.DataFrame:
        return read_table(self.base(table), table, columns, keys, months)

    def read_arrow(self, table: str, columns: Collection[str] | None = None,
                   keys: Collection[str] | None = None,
                   months: Collection[str] | None = None,
                   starting_with: tuple[str, Collection[str]] | None = None) -> pa.Table:
        return read_arrow(self.base(table), table, columns, keys, months,
                          starting_with=starting_with)

    def upsert(self, table: str, rows: pd.DataFrame | pa.Table, delete_keys: Collection[str] = (),
               months: Collection[str] | None = None, known_new: Collection[str] = ()) -> None:
        self.base(table)
        self.warehouse.upsert(table, rows, delete_keys, months, known_new)

    def replace(self, table: str, rows: pd.DataFrame | pa.Table,
                metadata: Mapping[str, str] | None = None) -> None:
        self.base(table)
        self.warehouse.replace(table, rows, metadata)

    def replace_batches(self, table: str, batches: Iterable[pa.RecordBatch]) -> None:
        self.base(table)
        self.warehouse.replace_batches(table, batches)

    def replace_where(self, table: str, where: Mapping[str, Collection[str]],
                      rows: pa.Table) -> None:
        self.base(table)
        self.warehouse.replace_where(table, where, rows)
