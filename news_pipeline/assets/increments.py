"""Asset checks of per-article rules that read only the data files added since they last passed.

A Delta table version lists its data files; files are immutable, and every commit that
changes rows adds new files. A check records, in its result metadata (`verified_versions`),
the table versions it verified; the next evaluation reads only the files of the current
versions that those versions did not have. A failing evaluation records the versions it
started from, so the same files are checked again until fixed; a new rule version, or a
version whose log was cleaned up, voids the record (everything is checked).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import dagster as dg
import pandas as pd

from news_pipeline.warehouse import Snapshot, read_arrow, read_table
from news_pipeline.warehouse.delta import files_added_since, read_files

VERIFIED_KEY = "verified_versions"
INCREMENTAL_NOTE = (" Incremental: only data files added since the check last passed are read; "
                    f"the table versions it verified are in the metadata `{VERIFIED_KEY}`.")
_FINISHED = ("SUCCEEDED", "FAILED")


@dataclass(frozen=True)
class Record:
    """The table versions a rule verified (`rule`: its version when it did)."""

    rule: str
    versions: Mapping[str, int]

    def as_metadata(self) -> dg.MetadataValue:
        return dg.MetadataValue.json({"rule": self.rule, **self.versions})


def previously_verified(instance: dg.DagsterInstance, key: dg.AssetCheckKey) -> Record | None:
    """The record of the latest finished evaluation of `key` (None: none, or not readable)."""
    history = instance.event_log_storage.get_asset_check_execution_history(key, limit=5)
    for record in history:
        if record.status.value not in _FINISHED or record.event is None:
            continue
        evaluation = record.event.asset_check_evaluation
        value = evaluation.metadata.get(VERIFIED_KEY) if evaluation is not None else None
        data = value.value if isinstance(value, dg.JsonMetadataValue) else None
        if not isinstance(data, Mapping) or not isinstance(data.get("rule"), str):
            return None
        return Record(data["rule"], {str(k): int(v) for k, v in data.items() if k != "rule"})
    return None


def new_files(snapshot: Snapshot, table: str, rule: str, before: Record | None) -> set[str] | None:
    """Files of `table` in `snapshot` that the version in `before` did not have; None: all
    of them (no usable record)."""
    version = before.versions.get(table) if before is not None and before.rule == rule else None
    # A version whose log is gone gives None too: everything is verified again.
    return files_added_since(snapshot, table, version) if version is not None else None


@dataclass(frozen=True)
class ArticleSlice:
    """The rows of the articles whose id lies in [low, high) (None: unbounded): a rule that
    verifies every row reads a table a slice at a time, so that memory does not grow with
    the corpus. Every row of an article is in its slice."""

    low: str | None
    high: str | None


def article_slices(n: int) -> list[ArticleSlice]:
    """`n` slices (a power of two up to 256) that hold every article id between them:
    article ids are hex digests, cut by their first two digits (the first slice also holds
    whatever sorts before, the last whatever sorts after)."""
    bounds = [f"{i:02x}" for i in range(256 // n, 256, 256 // n)]
    return [ArticleSlice(low, high) for low, high in zip([None, *bounds], [*bounds, None])]


Rows = set[str] | ArticleSlice | None  # data files, a slice of the articles, or all rows


def rows_in_files(snapshot: Snapshot, table: str, files: Rows,
                  columns: Collection[str]) -> pd.DataFrame:
    """The rows of `table` stored in `files` (a slice: its articles' rows; None: all rows)."""
    if files is None:
        return read_table(snapshot, table, columns)
    if isinstance(files, ArticleSlice):
        return read_arrow(snapshot, table, columns,
                          between=("article_id", files.low, files.high)).to_pandas()
    return read_files(table, files, columns).to_pandas()
