"""Parquet tables: schemas, atomic snapshot commits, incremental bucketed upserts.

The warehouse lives in a local folder (data/warehouse) or at any fsspec URL (s3://…,
memory://…); `read_table(location, table)` and `table_files(location, table)` read it from
plain pandas either way.
"""

from news_pipeline.settings import is_url
from news_pipeline.warehouse.memory import use_returning_pool
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

# Runs on the first import of any news_pipeline.warehouse module, before most Arrow tables.
use_returning_pool()

__all__ = ["SCHEMAS", "Transaction", "Warehouse", "WarehouseError", "is_url", "read_table", "records",
           "table_dataset",
           "table_files"]
