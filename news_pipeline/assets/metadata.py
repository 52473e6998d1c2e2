"""Metadata every materialisation carries: counts, schema, a small preview."""

from __future__ import annotations

import dagster as dg
import pandas as pd
import pyarrow as pa

from news_pipeline.stages.report import StageReport
from news_pipeline.warehouse import SCHEMAS, Warehouse, count_rows, read_arrow
from news_pipeline.warehouse.columns import COLUMN_DESCRIPTIONS

PREVIEW_ROWS = 5
PREVIEW_CHARS = 80


def column_schema(table: str) -> dg.TableSchema:
    """The table's columns, types and descriptions, as the UI's column schema shows them."""
    descriptions = COLUMN_DESCRIPTIONS.get(table, {})
    return dg.TableSchema(columns=[
        dg.TableColumn(field.name, str(field.type), description=descriptions.get(field.name))
        for field in SCHEMAS[table] if not pa.types.is_null(field.type)
    ])


def markdown_preview(frame: pd.DataFrame, rows: int = PREVIEW_ROWS) -> str:
    if frame.empty:
        return "_(no rows)_"
    head = frame.head(rows)

    def cell(value: object) -> str:
        text = str(value).replace("\n", " ").replace("|", "\\|")
        return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS - 1] + "…"

    lines = ["| " + " | ".join(head.columns) + " |", "|" + "---|" * len(head.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in head.itertuples(index=False)]
    return "\n".join(lines)


def stored_table_metadata(warehouse: Warehouse, table: str, columns: list[str],
                          report: StageReport | None = None) -> dict[str, object]:
    """The same metadata without reading the table: the row count comes from the Delta log
    and the preview from the first rows (`columns` only)."""
    snapshot = warehouse.current(table)
    preview = read_arrow(snapshot, table, columns, limit=PREVIEW_ROWS).to_pandas()
    metadata = _metadata(table, count_rows(snapshot, table), preview, warehouse.uri(table), report)
    metadata["delta_version"] = snapshot.versions.get(table, -1)
    return metadata


def _metadata(table: str, count: int, preview: pd.DataFrame, path: str,
              report: StageReport | None) -> dict[str, object]:
    metadata: dict[str, object] = {
        "dagster/row_count": count,
        "dagster/column_schema": column_schema(table),
        "path": dg.MetadataValue.path(path),
        "preview": dg.MetadataValue.md(markdown_preview(preview)),
    }
    if report is not None:
        metadata.update(report.as_metadata())
    return metadata
