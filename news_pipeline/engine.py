"""The incremental stage engine: plan → map over an executor → commit in chunks.

A per-article stage brings what is its own: its inputs and its records, which `plan` compares
column-wise (new or changed articles from content hashes and stage versions, in commit order;
deleted ones), the stream of the tasks' results from an executor (local worker processes, a
Dask cluster's workers, or this process; in task order), and how a chunk of results goes into
its own tables. The engine pairs tasks with results, commits every `settings.commit_every()`
of them (memory stays bounded by a chunk, and a killed run keeps what it committed), reports
progress, and drops the rows of deleted articles.

A stage that ends its run with a `Watermark` (the versions of its inputs it planned from)
plans its next run from what its inputs' change data feeds say changed since: one new
article costs the same whatever the corpus. Where the watermark does not hold (first run, a
new version of the stage, its tables written since, the feed vacuumed), it compares whole
tables.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import pyarrow as pa
import pyarrow.compute as pc

from news_pipeline import settings
from news_pipeline.progress import Progress
from news_pipeline.warehouse import (
    PARTITION,
    Changes,
    Snapshot,
    Warehouse,
    changes_since,
    count_rows,
    positions,
    read_arrow,
    same_values,
)
from news_pipeline.warehouse.schema import ARTICLE_KEY

Task = TypeVar("Task")
Result = TypeVar("Result")
T = TypeVar("T")


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size` items (none for no items)."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def run_in_chunks(tasks: Sequence[Task], results: Iterator[Result],
                  commit: Callable[[Sequence[Task], list[Result]], None], progress: Progress) -> None:
    """Commit the results of `tasks`, taken in order from `results`, a chunk at a time. The
    executor goes on working while a chunk is committed."""
    for chunk in chunks(tasks, settings.commit_every()):
        done = []
        for _ in chunk:
            try:
                done.append(next(results))
            except StopIteration:
                raise RuntimeError(f"the executor returned fewer results than the {len(tasks)} "
                                   "tasks it was given") from None
            progress.advance()
        commit(chunk, done)


def drop_deleted(warehouse: Warehouse, tables: Sequence[str], deleted: Mapping[str, str]) -> None:
    """Remove the rows of deleted articles (article_id -> ingest_month) from a stage's tables,
    opening only their months' files."""
    if deleted:
        for table in tables:
            warehouse.delete(table, list(deleted), months=set(deleted.values()))


@dataclass(frozen=True)
class Plan:
    """What a per-article stage must do to bring its records in line with its inputs."""

    todo: pa.Table  # the input rows to (re)do, in (ingest_month, article_id) order
    new: list[str]  # ids in `todo` that the stage holds no record of
    deleted: dict[str, str]  # recorded article_id -> ingest_month, no longer among the inputs
    unchanged: int  # input rows whose record is current

    @property
    def changed(self) -> int:
        return self.todo.num_rows - len(self.new)


def plan(inputs: pa.Table, records: pa.Table, match: Sequence[str],
         versions: Mapping[str, str] | None = None, redo: pa.Array | None = None,
         total: int | None = None) -> Plan:
    """Compare a stage's `inputs` (article_id, ingest_month, the `match` columns and whatever
    else its tasks need) with its `records` (article_id, ingest_month, the `match` columns
    and the `versions` columns). An input is current when its record has the same `match`
    values (null matching null) and the stage's versions (column -> value), unless its id
    is in `redo`. Column-wise: a corpus of a million articles costs no Python object
    per article. Where `inputs` are only the changed rows (and `records` those of the
    changed ids), `total` counts all input rows."""
    ids = inputs.column(ARTICLE_KEY)
    at = positions(ids, records.column(ARTICLE_KEY))
    recorded = records.take(at)  # null rows where there is no record
    current = pc.is_valid(at)
    for column in match:
        current = pc.and_(current, same_values(inputs.column(column), recorded.column(column)))
    for column, value in (versions or {}).items():
        current = pc.and_(current, pc.fill_null(pc.equal(recorded.column(column), value), False))
    if redo is not None and len(redo):
        current = pc.and_(current, pc.invert(pc.is_in(ids, value_set=redo)))
    todo_at = pc.invert(current)
    todo = inputs.filter(todo_at)
    todo = todo.take(pc.sort_indices(todo, [(PARTITION, "ascending"), (ARTICLE_KEY, "ascending")]))
    new = pc.filter(ids, pc.and_(todo_at, pc.is_null(at))).to_pylist()
    gone = records.filter(pc.invert(pc.is_in(records.column(ARTICLE_KEY), value_set=ids)))
    deleted = dict(zip(gone.column(ARTICLE_KEY).to_pylist(), gone.column(PARTITION).to_pylist()))
    return Plan(todo=todo, new=sorted(new), deleted=dict(sorted(deleted.items())),
                unchanged=(inputs.num_rows if total is None else total) - todo.num_rows)


def data_versions(warehouse: Warehouse, tables: Collection[str]) -> dict[str, int]:
    """The data version of each of `tables`, creating the ones not written yet: a table
    created later (a first rejection; publish creates every table) would change it."""
    versions = {table: warehouse.data_version(table) for table in tables}
    missing = [table for table, version in versions.items() if version is None]
    if missing:
        warehouse.ensure(*missing)
        versions.update({table: warehouse.data_version(table) for table in missing})
    return {table: version for table, version in versions.items() if version is not None}


def changed_articles(changes: Mapping[str, Changes]) -> tuple[list[str], set[str]]:
    """The ids (sorted) and months of the articles that changed in any of the input tables."""
    ids = sorted(set().union(*(changed.ids.to_pylist() for changed in changes.values())))
    return ids, set().union(*(changed.months for changed in changes.values()))


# Commit metadata of a stage's last commit of a run: its Watermark as JSON.
WATERMARK = "news_pipeline.watermark"


@dataclass(frozen=True)
class Inputs:
    """The rows of a stage's input table to compare with its records."""

    rows: pa.Table  # all rows, or only those written since the stage's last run
    keys: list[str] | None  # None: all rows; else the ids changed (written or gone)
    months: set[str] | None  # the partitions of `keys`
    total: int  # rows of the whole input table

    @property
    def incremental(self) -> bool:
        return self.keys is not None

    @classmethod
    def whole(cls, inputs: Snapshot, table: str, columns: Collection[str] | None = None) -> Inputs:
        rows = read_arrow(inputs, table, columns)
        return cls(rows, None, None, rows.num_rows)


@dataclass(frozen=True)
class Watermark:
    """Where a stage records, with the last commit of each run, the version of every input
    table it planned from: its `table`, beside which it writes `outputs`, with results that
    depend on `versions` (code, models) besides its inputs."""

    table: str
    outputs: tuple[str, ...] = ()
    versions: Mapping[str, str] = field(default_factory=dict)

    def _recorded(self, warehouse: Warehouse) -> dict | None:
        """The watermark of the stage's last run, where it still holds: same versions, and
        no table of the stage written since."""
        text = warehouse.commit_metadata(self.table).get(WATERMARK)
        if text is None:
            return None
        mark = json.loads(text)
        if mark["versions"] != dict(self.versions) or set(mark["outputs"]) != set(self.outputs):
            return None
        if any(warehouse.data_version(table) != version for table, version in mark["outputs"].items()):
            return None
        return mark

    def since(self, warehouse: Warehouse) -> dict[str, int] | None:
        """The input versions the stage's last run planned from, where the watermark holds."""
        mark = self._recorded(warehouse)
        return mark["inputs"] if mark is not None else None

    def changes(self, warehouse: Warehouse, inputs: Snapshot,
                columns: Mapping[str, Collection[str] | None]) -> dict[str, Changes] | None:
        """The changes of each per-article input table (name -> columns wanted) between the
        versions the last run planned from and those in `inputs`; None where they cannot be
        known."""
        since = self.since(warehouse)
        if since is None:
            return None
        found = {}
        for table, wanted in columns.items():
            version = since.get(table)
            changed = changes_since(inputs, table, version, wanted) if version is not None else None
            if changed is None:
                return None
            found[table] = changed
        return found

    def input_rows(self, warehouse: Warehouse, inputs: Snapshot, table: str,
                   columns: Collection[str] | None = None) -> Inputs:
        """The rows of `table` (of `inputs`) to plan from: those changed since the last run
        where the watermark holds, else all."""
        changes = self.changes(warehouse, inputs, {table: columns})
        if changes is None:
            return Inputs.whole(inputs, table, columns)
        changed = changes[table]
        return Inputs(changed.rows, changed.ids.to_pylist(), changed.months,
                      count_rows(inputs, table))

    def record(self, warehouse: Warehouse, inputs: Snapshot,
               metadata: Mapping[str, str] | None = None) -> None:
        """End the stage's run: a commit to its table naming the input versions it planned
        from (skipped where the last one names the same, and nothing was written since)."""
        mark = self._recorded(warehouse)
        if mark is not None and mark["inputs"] == dict(inputs.versions):
            return
        outputs = data_versions(warehouse, self.outputs)
        text = json.dumps({"inputs": dict(inputs.versions), "outputs": outputs,
                           "versions": dict(self.versions)}, sort_keys=True)
        warehouse.mark(self.table, {**(metadata or {}), WATERMARK: text})
