"""The incremental stage engine: plan → map over an executor → commit in chunks.

A per-article stage brings what is its own: the tasks its plan found (new or changed articles,
from content hashes and stage versions, in commit order), the stream of their results from an
executor (local worker processes, a Dask cluster's workers, or this process; in task order),
and how a chunk of results goes into its own tables. The engine pairs tasks with results,
commits every `settings.commit_every()` of them (memory stays bounded by a chunk, and a killed
run keeps what it committed), reports progress, and drops the rows of deleted articles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TypeVar

from news_pipeline import settings
from news_pipeline.progress import Progress
from news_pipeline.warehouse import Warehouse

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
