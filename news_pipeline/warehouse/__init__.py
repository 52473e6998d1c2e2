"""Parquet tables: schemas, atomic snapshot commits, incremental bucketed upserts.

The warehouse lives in a local folder (data/warehouse) or at any fsspec URL (s3://…,
memory://…); `read_table(location, table)` and `table_files(location, table)` read it from
plain pandas either way.
"""

from news_pipeline.settings import is_url
from news_pipeline.warehouse.schema import SCHEMAS
from news_pipeline.warehouse.snapshots import WarehouseError
from news_pipeline.warehouse.warehouse import (
    Transaction,
    Warehouse,
    read_table,
    records,
    table_dataset,
    table_files,
)

__all__ = ["SCHEMAS", "Transaction", "Warehouse", "WarehouseError", "is_url", "read_table", "records",
           "table_dataset",
           "table_files"]
