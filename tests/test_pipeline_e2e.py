"""End to end: materialise every asset with dagster.materialize on a temporary folder."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from news_pipeline.assets import ASSETS
from news_pipeline.definitions import build_definitions
from news_pipeline.parallel import MIN_PARALLEL_ITEMS
from news_pipeline.resources import NerModel, PipelinePaths, Processing

TABLES = ("articles", "mentions", "entities", "cooccurrences", "rejected")


def materialise(raw_dir: Path, warehouse_dir: Path, model: str, n_process: int = 1,
                instance: dg.DagsterInstance | None = None) -> dg.ExecuteInProcessResult:
    definitions = build_definitions(PipelinePaths(raw_dir=str(raw_dir),
                                                  warehouse_dir=str(warehouse_dir)),
                                    NerModel(model=model), Processing(n_process=n_process))
    job = definitions.resolve_job_def("news_pipeline_job")
    result = job.execute_in_process(instance=instance or dg.DagsterInstance.ephemeral())
    assert result.success
    failed = [e.check_name for e in result.get_asset_check_evaluations() if not e.passed]
    assert failed == []
    # Every check ran (a check moved between steps still runs in the job).
    assert ({e.check_name for e in result.get_asset_check_evaluations()}
            == {key.name for key in definitions.resolve_asset_graph().asset_check_keys})
    return result


def metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict[str, object]:
    [event] = [e for e in result.get_asset_materialization_events()
               if e.event_specific_data.materialization.asset_key.to_user_string() == asset]
    return {k: v.value for k, v in event.event_specific_data.materialization.metadata.items()}


def test_materialize_builds_all_tables(raw_dir: Path, warehouse_dir: Path, tiny_model: str) -> None:
    result = dg.materialize(
        ASSETS, instance=dg.DagsterInstance.ephemeral(),
        resources={"paths": PipelinePaths(raw_dir=str(raw_dir), warehouse_dir=str(warehouse_dir)),
                   "ner": NerModel(model=tiny_model), "processing": Processing()},
    )
    assert result.success
    tables = {name: pd.read_parquet(warehouse_dir / name) for name in TABLES}
    assert len(tables["articles"]) == 5
    assert tables["rejected"].empty
    assert {"PER", "LOC", "ORG"} <= set(tables["mentions"]["label"])
    text_of = dict(zip(tables["articles"]["article_id"], tables["articles"]["text"]))
    for row in tables["mentions"].itertuples():
        assert text_of[row.article_id][row.start:row.end] == row.text
    assert set(tables["mentions"]["entity_id"]) <= set(tables["entities"]["entity_id"])
    putin = tables["entities"][tables["entities"]["name"].str.contains("Putin")]
    assert putin["n_articles"].max() == 5
    assert not tables["cooccurrences"].empty


def test_asset_metadata_has_counts_schema_and_preview(raw_dir: Path, warehouse_dir: Path,
                                                      tiny_model: str) -> None:
    result = materialise(raw_dir, warehouse_dir, tiny_model)
    articles = metadata(result, "articles")
    assert (articles["new"], articles["changed"], articles["deleted"]) == (5, 0, 0)
    assert articles["dagster/row_count"] == 5
    assert "article_id" in [c.name for c in articles["dagster/column_schema"].columns]
    assert articles["preview"].startswith("| article_id")
    for asset in ("raw_articles", "ner_spans", "mentions", "entities", "cooccurrences", "rejected"):
        assert "dagster/row_count" in metadata(result, asset)


def test_rerun_without_change_processes_nothing(raw_dir: Path, warehouse_dir: Path,
                                                tiny_model: str) -> None:
    materialise(raw_dir, warehouse_dir, tiny_model)
    before = pd.read_parquet(warehouse_dir / "mentions")
    result = materialise(raw_dir, warehouse_dir, tiny_model)
    assert metadata(result, "articles")["new"] == metadata(result, "articles")["changed"] == 0
    assert metadata(result, "ner_spans")["new"] == metadata(result, "ner_spans")["changed"] == 0
    assert metadata(result, "articles")["unchanged"] == 5
    after = pd.read_parquet(warehouse_dir / "mentions")
    key = ["article_id", "start"]
    pd.testing.assert_frame_equal(before.sort_values(key).reset_index(drop=True),
                                  after.sort_values(key).reset_index(drop=True))


def test_incremental_add_change_delete(raw_dir: Path, warehouse_dir: Path, tiny_model: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    instance = dg.DagsterInstance.ephemeral()
    materialise(raw_dir, warehouse_dir, tiny_model, instance=instance)
    files = sorted(raw_dir.glob("*.txt"))
    (raw_dir / "new_article.txt").write_text(
        "Neuer Titel\n\nWladimir Putin traf in Pjöngjang ein, wo ihn Kim Jong Un empfing.\n",
        encoding="utf-8")
    # Inside the body: the cleaner rightly drops what follows the related-articles list.
    original = files[0].read_text(encoding="utf-8")
    files[0].write_text(original.replace(
        "</p>", "</p>\n<p>Die NATO reagierte am Abend auf den Besuch des Präsidenten in Nordkorea.</p>", 1),
        encoding="utf-8")
    files[1].unlink()
    # The label counts come from the change feed, not from a read of the whole table.
    monkeypatch.setattr("news_pipeline.assets.recognition.read_arrow", None)
    result = materialise(raw_dir, warehouse_dir, tiny_model, instance=instance)
    articles_meta = metadata(result, "articles")
    assert (articles_meta["new"], articles_meta["changed"], articles_meta["deleted"],
            articles_meta["unchanged"]) == (1, 1, 1, 3)
    ner_meta = metadata(result, "ner_spans")
    assert (ner_meta["new"], ner_meta["changed"], ner_meta["deleted"]) == (1, 1, 1)
    # Counted from the last run's counts and this run's changes: as a count of the table.
    counts = pd.read_parquet(warehouse_dir / "_spans")["label"].value_counts().to_dict()
    assert ner_meta["mentions_by_label"] == counts
    articles = pd.read_parquet(warehouse_dir / "articles")
    assert sorted(articles["source_path"]) == sorted(p.name for p in raw_dir.iterdir())
    # Each stage planned from what its inputs' change feeds say changed, not from whole tables.
    for asset in ("source_boilerplate", "articles", "ner_spans", "mentions", "quotes"):
        assert metadata(result, asset)["planned_from"] == "changes", asset
    mentions = pd.read_parquet(warehouse_dir / "mentions")
    assert set(mentions["article_id"]) <= set(articles["article_id"])
    changed_id = articles.loc[articles["source_path"] == files[0].name, "article_id"].item()
    assert "NATO" in set(mentions.loc[mentions["article_id"] == changed_id, "text"])


def test_bad_inputs_are_rejected_with_reasons(raw_dir: Path, warehouse_dir: Path,
                                              tiny_model: str) -> None:
    (raw_dir / "empty.txt").write_bytes(b"")
    (raw_dir / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    (raw_dir / "latin1.txt").write_bytes("Überschrift\n\nDie Straße in München ist gesperrt, "
                                         "sagte ein Sprecher am Montag.".encode("cp1252"))
    (raw_dir / "huge.txt").write_bytes(b"a" * (10 * 1024 * 1024 + 1))
    (raw_dir / "notes.pdf").write_bytes(b"%PDF-1.4")
    materialise(raw_dir, warehouse_dir, tiny_model)
    rejected = pd.read_parquet(warehouse_dir / "rejected").set_index("source_path")["reason"]
    assert rejected.to_dict() == {"empty.txt": "empty", "binary.txt": "binary",
                                  "huge.txt": "oversized", "notes.pdf": "unsupported_file_type"}
    articles = pd.read_parquet(warehouse_dir / "articles").set_index("source_path")
    assert "Straße in München" in articles.loc["latin1.txt", "text"]
    assert any("cp1252" in w for w in articles.loc["latin1.txt", "warnings"])
    assert len(articles) == 6


def test_symlink_outside_raw_folder_is_not_followed(raw_dir: Path, warehouse_dir: Path,
                                                    tmp_path: Path, tiny_model: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Geheimer Titel\n\nDieser Text liegt ausserhalb des Rohordners und bleibt dort.")
    (raw_dir / "link.txt").symlink_to(secret)
    materialise(raw_dir, warehouse_dir, tiny_model)
    rejected = pd.read_parquet(warehouse_dir / "rejected")
    assert rejected.set_index("source_path").loc["link.txt", "reason"] == "symlink_outside_raw_folder"
    assert "Geheimer" not in "".join(pd.read_parquet(warehouse_dir / "articles")["text"])


def test_code_version_change_reprocesses(raw_dir: Path, warehouse_dir: Path, tiny_model: str,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    materialise(raw_dir, warehouse_dir, tiny_model)
    monkeypatch.setattr("news_pipeline.stages.cleaning.CLEAN_VERSION", "clean-test-bump")
    result = materialise(raw_dir, warehouse_dir, tiny_model)
    assert metadata(result, "articles")["changed"] == 5
    # The cleaned text did not change, so NER is not redone.
    assert metadata(result, "ner_spans")["changed"] == 0
    assert set(pd.read_parquet(warehouse_dir / "articles")["pipeline_version"]) == {"clean-test-bump"}


def test_large_batches_in_worker_processes_match_one_process(tmp_path: Path, tiny_model: str) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(MIN_PARALLEL_ITEMS + 20):
        (raw / f"{i:04d}.txt").write_text(
            f"Meldung {i}\n\nWladimir Putin und Kim Jong Un trafen sich am Tag {i} in Pjöngjang. "
            f"Die NATO beobachtete das Treffen in Nordkorea genau, hieß es am Abend.\n")
    result = materialise(raw, tmp_path / "two", tiny_model, n_process=2)
    assert metadata(result, "ner_spans")["processes"] == 2
    materialise(raw, tmp_path / "one", tiny_model, n_process=1)
    key = ["article_id", "start"]
    for table in ("articles", "mentions"):
        one = pd.read_parquet(tmp_path / "one" / table).sort_values(key[:1 if table == "articles" else 2])
        two = pd.read_parquet(tmp_path / "two" / table).sort_values(key[:1 if table == "articles" else 2])
        drop = ["processed_at"] if table == "articles" else []
        pd.testing.assert_frame_equal(one.drop(columns=drop).reset_index(drop=True),
                                      two.drop(columns=drop).reset_index(drop=True))
