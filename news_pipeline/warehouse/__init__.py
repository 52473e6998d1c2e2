"""Delta Lake tables: schemas, reads at consistent versions, writes by article, published runs.

The warehouse lives in a local folder (data/warehouse) or at any URL delta-rs supports
(s3://…, gs://…, az://…, file://…). `read_table(location, table)` reads a table as of the last
completed run; `deltalake.DeltaTable(f"{location}/{table}")`, DuckDB's `delta_scan` and polars'
`read_delta` read it too.
"""

from news_pipeline.settings import is_url
from news_pipeline.warehouse.delta import (
    Changes,
    Snapshot,
    Transaction,
    Warehouse,
    WarehouseError,
    change_feed,
    changes_since,
    count_rows,
    current_snapshot,
    published_snapshot,
    read_arrow,
    read_batches,
    read_table,
)
from news_pipeline.warehouse.frames import is_in, positions, records, rows, same_values
from news_pipeline.warehouse.schema import ARTICLE_TABLES, PARTITION, SCHEMAS

__all__ = ["ARTICLE_TABLES", "PARTITION", "SCHEMAS", "Changes", "Snapshot", "Transaction",
           "Warehouse", "WarehouseError", "change_feed", "changes_since", "count_rows",
           "current_snapshot", "is_in", "is_url", "positions", "published_snapshot", "read_arrow",
           "read_batches", "read_table", "records", "rows", "same_values"]
