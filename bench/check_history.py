"""How many buckets each incremental asset check read in its latest evaluations.

    DAGSTER_HOME=WORK_DIR/dagster_home python bench/check_history.py [N]

Prints, per check, "read/total" for its last N (default 4) completed evaluations, oldest
first, from the metadata `buckets_checked` and `buckets_verified_earlier`.
"""

from __future__ import annotations

import sys

import dagster as dg
from dagster._core.storage.asset_check_execution_record import (
    COMPLETED_ASSET_CHECK_EXECUTION_RECORD_STATUSES,
)

CHECKS = [("articles", "articles_have_text"), ("articles", "article_ids_unique"),
          ("mentions", "mention_offsets_match_text"), ("mentions", "no_orphan_mentions"),
          ("mentions", "mentions_unique")]


def main(argv: list[str]) -> int:
    limit = int(argv[0]) if argv else 4
    with dg.DagsterInstance.get() as instance:
        for asset, name in CHECKS:
            key = dg.AssetCheckKey(dg.AssetKey(asset), name)
            history = instance.event_log_storage.get_asset_check_execution_history(
                key, limit=limit, status=COMPLETED_ASSET_CHECK_EXECUTION_RECORD_STATUSES)
            cells = []
            for record in reversed(history):
                metadata = record.event.asset_check_evaluation.metadata
                read = metadata["buckets_checked"].value
                cells.append(f"{read}/{read + metadata['buckets_verified_earlier'].value}")
            print(f"{name:28s} {' '.join(cells)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
