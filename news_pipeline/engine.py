"""The incremental stage engine: plan → map over an executor → commit in chunks.

A per-article stage brings what is its own: its inputs and its records, which `plan` compares
column-wise (new or changed articles from content hashes and stage versions, in commit order;
deleted ones), the stream of the tasks' results from an executor (local worker processes, a
Dask cluster's workers, or this process; in task order), and how a chunk of results goes into
its own tables. The engine pairs tasks with results, commits every `settings.commit_every()`
of them (memory stays bounded by a chunk, and a killed run keeps what it committed), reports
progress, and drops the rows of deleted articles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import pyarrow as pa
import pyarrow.compute as pc

from news_pipeline import settings
from news_pipeline.progress import Progress
from news_pipeline.warehouse import PARTITION, Warehouse, positions, same_values
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
         versions: Mapping[str, str] | None = None, redo: pa.Array | None = None) -> Plan:
    """Compare a stage's `inputs` (article_id, ingest_month, the `match` columns and whatever
    else its tasks need) with its `records` (article_id, ingest_month, the `match` columns
    and the `versions` columns). An input is current when its record has the same `match`
    values (null matching null) and the stage's versions (column -> value), unless its id
    is in `redo`. Column-wise: a corpus of a million articles costs no Python object
    per article."""
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
                unchanged=inputs.num_rows - todo.num_rows)
