"""Column descriptions, the UI's column schemas and docs/schema.md say the same thing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from news_pipeline.assets.metadata import column_schema
from news_pipeline.warehouse import SCHEMAS
from news_pipeline.warehouse.columns import COLUMN_DESCRIPTIONS

SCHEMA_DOC = Path(__file__).resolve().parents[1] / "docs" / "schema.md"
USER_TABLES = [table for table in SCHEMAS if not table.startswith("_")]
INTERNAL_TABLES = [table for table in SCHEMAS if table.startswith("_")]


def expected_rows(table: str) -> list[str]:
    """The doc's rows for `table`, as they should read (paste them on a failure)."""
    return [f"| `{field.name}` | {field.type} | {COLUMN_DESCRIPTIONS[table][field.name]} |"
            for field in SCHEMAS[table]]


def documented_rows(table: str) -> list[str]:
    """The column rows under the doc's heading for `table`."""
    text = SCHEMA_DOC.read_text(encoding="utf-8")
    section = re.search(rf"^## `{re.escape(table)}`\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert section, f"docs/schema.md has no section '## `{table}`'"
    return [line for line in section.group(1).splitlines() if line.startswith("| `")]


def test_every_column_has_a_description() -> None:
    assert set(COLUMN_DESCRIPTIONS) == set(SCHEMAS)
    for table, schema in SCHEMAS.items():
        assert set(COLUMN_DESCRIPTIONS[table]) == set(schema.names), table
        for column, description in COLUMN_DESCRIPTIONS[table].items():
            assert description.strip() and "\n" not in description, (table, column)


@pytest.mark.parametrize("table", USER_TABLES)
def test_the_doc_lists_every_user_facing_column(table: str) -> None:
    expected = expected_rows(table)
    assert documented_rows(table) == expected, "\n".join(["docs/schema.md should read:", *expected])


def test_the_doc_names_every_internal_table() -> None:
    text = SCHEMA_DOC.read_text(encoding="utf-8")
    for table in INTERNAL_TABLES:
        assert f"| `{table}` |" in text, table


@pytest.mark.parametrize("table", list(SCHEMAS))
def test_the_ui_shows_the_descriptions(table: str) -> None:
    columns = column_schema(table).columns
    assert [column.name for column in columns] == SCHEMAS[table].names
    descriptions = COLUMN_DESCRIPTIONS[table]
    assert [column.description for column in columns] == [descriptions[name] for name in SCHEMAS[table].names]
