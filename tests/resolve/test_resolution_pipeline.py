"""End to end through Dagster: entity ids survive a rerun in which a longer name for an entity
appears, the alias table audits the merge, and an unchanged rerun skips resolution."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
import spacy

from news_pipeline.assets.cleaning import cleaned_articles
from news_pipeline.assets.ingest import raw_articles
from news_pipeline.assets.publish import published_dataset
from news_pipeline.assets.recognition import ner_spans
from news_pipeline.assets.resolution import resolved_entities
from news_pipeline.resources import NerModel, PipelinePaths, Processing

PATTERNS = [("PER", "Schoigu"), ("PER", "Sergej Schoigu"), ("LOC", "Moskau"),
            ("LOC", "Nordkorea"), ("ORG", "Kreml")]
FIRST = {
    "one.txt": "Besuch in Moskau\n\nSchoigu sprach am Montag in Moskau über die Lage in "
               "Nordkorea, der Kreml schwieg dazu.\n",
    "two.txt": "Reise\n\nSchoigu reiste am Dienstag weiter nach Nordkorea, wo er bis zum "
               "Wochenende bleiben will.\n",
}
LATER = {"three.txt": "Ankunft\n\nSergej Schoigu kam am Mittwoch nach Moskau zurück. Schoigu "
                      "lobte die Gespräche in Nordkorea ausdrücklich.\n"}


@pytest.fixture(scope="module")
def ruler_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": label, "pattern": [{"ORTH": t} for t in text.split()]}
                        for label, text in PATTERNS])
    path = tmp_path_factory.mktemp("ruler")
    nlp.to_disk(path)
    return f"spacy:{path}"


def _run(raw: Path, warehouse: Path, model: str) -> dg.ExecuteInProcessResult:
    result = dg.materialize(
        [raw_articles, cleaned_articles, ner_spans, resolved_entities, published_dataset],
        instance=dg.DagsterInstance.ephemeral(),
        resources={"paths": PipelinePaths(raw_dir=str(raw), warehouse_dir=str(warehouse)),
                   "ner": NerModel(model=model), "processing": Processing()})
    assert result.success
    assert all(e.passed for e in result.get_asset_check_evaluations())
    return result


def _metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict[str, object]:
    [event] = [e for e in result.get_asset_materialization_events()
               if e.event_specific_data.materialization.asset_key.to_user_string() == asset]
    return {k: v.value for k, v in event.event_specific_data.materialization.metadata.items()}


def _write(raw: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (raw / name).write_text(text, encoding="utf-8")


def _ids(warehouse: Path) -> dict[str, str]:
    entities = pd.read_parquet(warehouse / "entities")
    return dict(zip(entities["name"], entities["entity_id"]))


def test_ids_stay_stable_when_the_corpus_grows(tmp_path: Path, ruler_model: str) -> None:
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse"
    raw.mkdir()
    _write(raw, FIRST)
    first = _run(raw, warehouse, ruler_model)
    assert _metadata(first, "entities")["new"] == 2
    before = _ids(warehouse)
    assert {"Schoigu", "Moskau", "Nordkorea", "Kreml"} <= set(before)

    _write(raw, LATER)
    grown = _run(raw, warehouse, ruler_model)
    meta = _metadata(grown, "entities")
    assert (meta["new"], meta["unchanged"], meta["skipped"]) == (1, 2, False)
    after = _ids(warehouse)
    # The entity is now named after its longer form and keeps the id it had.
    assert "Schoigu" not in after
    assert after["Sergej Schoigu"] == before["Schoigu"]
    assert {n: after[n] for n in ("Moskau", "Nordkorea", "Kreml")} == {
        n: before[n] for n in ("Moskau", "Nordkorea", "Kreml")}
    entities = pd.read_parquet(warehouse / "entities").set_index("name")
    assert entities.loc["Nordkorea", "link"] == "country:KP"
    assert entities.loc["Moskau", "link"].startswith("geonames:")
    assert list(entities.loc["Sergej Schoigu", "merge_rules"]) == ["corpus_short_name", "short_name"]
    aliases = pd.read_parquet(warehouse / "entity_aliases")
    schoigu = aliases[aliases["entity_id"] == before["Schoigu"]]
    assert set(zip(schoigu["alias"], schoigu["rule"])) == {
        ("Schoigu", "corpus_short_name"), ("Schoigu", "short_name"), ("Sergej Schoigu", "exact")}
    assert _metadata(grown, "entity_aliases")["dagster/row_count"] == len(aliases)

    # Nothing changed: resolution is skipped and says so; the tables stay as they are.
    again = _run(raw, warehouse, ruler_model)
    meta = _metadata(again, "entities")
    assert (meta["skipped"], meta["new"], meta["changed"], meta["unchanged"]) == (True, 0, 0, 3)
    assert meta["dagster/row_count"] == len(after)
    assert _ids(warehouse) == after
