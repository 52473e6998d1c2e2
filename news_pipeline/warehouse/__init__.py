"""Parquet tables: schemas, atomic snapshot commits, incremental bucketed upserts."""

from news_pipeline.warehouse.schema import SCHEMAS
from news_pipeline.warehouse.snapshots import WarehouseError
from news_pipeline.warehouse.warehouse import Transaction, Warehouse, records

__all__ = ["SCHEMAS", "Transaction", "Warehouse", "WarehouseError", "records"]
