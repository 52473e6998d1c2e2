"""Asset checks of per-article rules that read only the buckets written since they last passed.

Keyed tables are split into bucket files by article id, and every file carries the random id
of the transaction write that produced it (warehouse.WRITE_ID_KEY, in the Parquet footer). A
rule about one article needs only that article's bucket of each input table (articles/part-b
and mentions/part-b hold the same articles), so a check

1. reads the write ids of its input files (footers only),
2. evaluates the rule on every bucket whose ids it has not verified yet,
3. records in its result metadata (`verified_buckets`) the ids of every bucket known good.

The next evaluation starts from the latest completed one in the Dagster instance. A bucket
that fails is not recorded, so it is checked again until fixed; a file without a write id
(written by an older version) is always checked; a new rule version voids the record. Unlike
"the buckets this run wrote", this also covers writes of runs whose checks did not run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import dagster as dg
import pandas as pd
from dagster._core.storage.asset_check_execution_record import (
    COMPLETED_ASSET_CHECK_EXECUTION_RECORD_STATUSES,
)

from news_pipeline.warehouse.warehouse import N_BUCKETS, Snapshot, bucket_number, write_ids

VERIFIED_KEY = "verified_buckets"
INCREMENTAL_NOTE = (" Incremental: only bucket files written since the check last passed are "
                    "read; the others were verified when they were written (their write ids "
                    f"are in the metadata `{VERIFIED_KEY}`).")
_ABSENT = "-"  # a bucket file that does not exist: no rows, nothing to re-verify


@dataclass(frozen=True)
class BucketRule:
    """A rule evaluated bucket by bucket.

    `tables`: keyed tables read one bucket at a time; `shared`: whole tables the rule also
    reads (a change to them re-verifies every bucket); `version`: bump it when the rule
    changes, so buckets verified under the old rule are checked again."""

    version: str
    tables: tuple[str, ...]
    shared: tuple[str, ...] = ()


def bucket_stamps(snapshot: Snapshot | None, rule: BucketRule) -> dict[int, str | None]:
    """Bucket -> the write ids of its input files in `snapshot` (None: some file has none)."""
    ids = {table: {bucket_number(name): write_id
                   for name, write_id in write_ids(snapshot, table).items()}
           for table in rule.tables}
    shared = [write_id for table in rule.shared
              for write_id in write_ids(snapshot, table).values()]
    stamps: dict[int, str | None] = {}
    for bucket in range(N_BUCKETS):
        parts = [ids[table].get(bucket, _ABSENT) for table in rule.tables] + shared
        stamps[bucket] = None if None in parts else "|".join([rule.version, *parts])
    return stamps


def previously_verified(instance: dg.DagsterInstance, key: dg.AssetCheckKey) -> dict[str, str]:
    """The `verified_buckets` record of the latest completed evaluation of `key`."""
    history = instance.event_log_storage.get_asset_check_execution_history(
        key, limit=1, status=COMPLETED_ASSET_CHECK_EXECUTION_RECORD_STATUSES)
    evaluation = history[0].event.asset_check_evaluation if history and history[0].event else None
    value = evaluation.metadata.get(VERIFIED_KEY) if evaluation is not None else None
    data = value.value if isinstance(value, dg.JsonMetadataValue) else None
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, Mapping) else {}


@dataclass
class BucketOutcome:
    offending: pd.DataFrame
    checked: list[int]  # buckets read this time
    skipped: int  # buckets verified by an earlier evaluation, not read
    verified: dict[str, str]  # bucket -> stamp, for every bucket known good now

    def metadata(self) -> dict[str, object]:
        return {"buckets_checked": len(self.checked), "buckets_verified_earlier": self.skipped,
                VERIFIED_KEY: dg.MetadataValue.json(self.verified)}


def check_buckets(stamps: Mapping[int, str | None], verified_before: Mapping[str, str],
                  offending_in: Callable[[int], pd.DataFrame],
                  empty: pd.DataFrame) -> BucketOutcome:
    """Run `offending_in(bucket)` on the buckets whose stamp is not in `verified_before`."""
    todo = [b for b, stamp in stamps.items()
            if stamp is None or verified_before.get(str(b)) != stamp]
    verified = {str(b): stamp for b, stamp in stamps.items()
                if stamp is not None and b not in todo}
    frames = []
    for bucket in todo:
        bad = offending_in(bucket)
        if not bad.empty:
            frames.append(bad)
        elif stamps[bucket] is not None:
            verified[str(bucket)] = stamps[bucket]
    offending = pd.concat(frames, ignore_index=True) if frames else empty
    return BucketOutcome(offending, todo, len(stamps) - len(todo),
                         dict(sorted(verified.items(), key=lambda kv: int(kv[0]))))
