"""Warehouse upkeep as Dagster work: compaction and vacuum, weekly, each saying what it did."""

import dagster as dg

from news_pipeline import settings
from news_pipeline.resources import WAREHOUSE_POOL, PipelinePaths


def _storage_metadata(before: dict[str, tuple[int, int]],
                      after: dict[str, tuple[int, int]]) -> dict[str, object]:
    def total(sizes: dict[str, tuple[int, int]], index: int) -> int:
        return sum(size[index] for size in sizes.values())

    return {
        "files_before": total(before, 0), "files_after": total(after, 0),
        "bytes_before": total(before, 1), "bytes_after": total(after, 1),
        "per_table": dg.MetadataValue.json({table: {"files": [before.get(table, (0, 0))[0], files],
                                                    "bytes": [before.get(table, (0, 0))[1], size]}
                                            for table, (files, size) in after.items()}),
    }


@dg.op(pool=WAREHOUSE_POOL)
def compact_tables(context: dg.OpExecutionContext, paths: PipelinePaths) -> dg.Output[None]:
    """Delta's optimize: the small files that incremental runs append become fewer large ones
    (the rows stay as they are)."""
    warehouse = paths.warehouse()
    before = warehouse.storage()
    after = warehouse.compact()
    context.log.info(f"compacted {warehouse.root}: {sum(f for f, _ in before.values())} -> "
                     f"{sum(f for f, _ in after.values())} data files")
    return dg.Output(None, metadata=_storage_metadata(before, after))


class VacuumConfig(dg.Config):
    retention_hours: int = settings.vacuum_retention_hours()


@dg.op(pool=WAREHOUSE_POOL, ins={"compacted": dg.In(dg.Nothing)})
def vacuum_tables(context: dg.OpExecutionContext, config: VacuumConfig,
                  paths: PipelinePaths) -> dg.Output[None]:
    """Delete the files no table version younger than `retention_hours` needs (those that
    compaction and incremental runs replaced), on any warehouse, local or object storage."""
    warehouse = paths.warehouse()
    removed = warehouse.vacuum(config.retention_hours)
    context.log.info(f"vacuumed {warehouse.root}: {sum(removed.values())} files deleted")
    return dg.Output(None, metadata={"files_deleted": sum(removed.values()),
                                     "retention_hours": config.retention_hours,
                                     "per_table": dg.MetadataValue.json(removed)})


@dg.job(description="Compact the warehouse's tables, then vacuum the files they no longer use.")
def warehouse_maintenance_job() -> None:
    vacuum_tables(compacted=compact_tables())

