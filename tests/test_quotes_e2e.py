"""End to end with the shipped recogniser: the quotations of the sample articles, linked to
the entities of their speakers, through the whole job (every check passing)."""

from __future__ import annotations

from pathlib import Path

from news_pipeline import query
from tests.test_pipeline_e2e import materialise, metadata


def test_sample_quotations_are_attributed_to_resolved_entities(raw_dir: Path,
                                                               warehouse_dir: Path) -> None:
    result = materialise(raw_dir, warehouse_dir, "default")
    quotes = metadata(result, "quotes")
    assert (quotes["new"], quotes["dagster/row_count"]) == (5, 35)
    assert "speaker_entity_id" in [c.name for c in quotes["dagster/column_schema"].columns]
    tables = query.load_tables(warehouse_dir)

    kirby = query.quotes_by(tables, "Kirby")
    assert set(kirby["name"]) == {"John Kirby"}
    [direct] = kirby.loc[kirby["kind"] == "direct", "text"]
    assert direct.startswith("Wir wissen, dass nordkoreanische ballistische Raketen")

    putin = query.quotes_by(tables, "Putin")
    assert set(putin["name"]) == {"Wladimir Putin"}
    assert any(text.startswith("Wir wissen es sehr zu schätzen") and cue == "schrieb"
               for text, cue in zip(putin["text"], putin["cue"]))
    # Every quotation comes with its article's source; one sample article has no title.
    assert putin["source"].notna().all()
    assert putin.groupby("article_id")["title"].first().notna().sum() == 1
    assert "Dmytro Kuleba" in set(query.who_quotes_whom(tables)["name"])

    again = metadata(materialise(raw_dir, warehouse_dir, "default"), "quotes")
    assert (again["skipped"], again["unchanged"]) == (True, 5)
