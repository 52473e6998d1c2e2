"""Per-article asset checks read only the data files written since they last passed, and
still fail on a corrupted row of such a file."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from news_pipeline.assets import quality
from news_pipeline.assets.increments import Record, article_slices, new_files
from news_pipeline.definitions import build_definitions
from news_pipeline.resources import NerModel, PipelinePaths, Processing
from news_pipeline.warehouse import PARTITION, Warehouse
from news_pipeline.warehouse.delta import data_files

INCREMENTAL_CHECKS = ("articles_have_text", "article_ids_unique", "mention_offsets_match_text",
                      "no_orphan_mentions", "mentions_unique")
NEW_ARTICLE = ("Neuer Titel\n\nWladimir Putin traf am Montag in Pjöngjang ein, wo ihn Kim Jong Un am "
               "Flughafen empfing. Die beiden sprachen nach Angaben des Kreml über die Lage in der "
               "Ukraine und über die Zusammenarbeit beider Länder.\n\nDie NATO beobachtete das "
               "Treffen in Nordkorea genau, hieß es am Abend aus Brüssel.\n")


def run(raw_dir: Path, warehouse_dir: Path, model: str,
        instance: dg.DagsterInstance) -> dict[str, dg.AssetCheckEvaluation]:
    definitions = build_definitions(PipelinePaths(raw_dir=str(raw_dir),
                                                  warehouse_dir=str(warehouse_dir)),
                                    NerModel(model=model), Processing(n_process=1))
    result = definitions.resolve_job_def("news_pipeline_job").execute_in_process(
        instance=instance, raise_on_error=False)
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


def checked(evaluations: dict[str, dg.AssetCheckEvaluation], name: str) -> int:
    return evaluations[name].metadata["files_checked"].value


@pytest.fixture
def instance() -> dg.DagsterInstance:
    """One instance for all runs of a test: a check finds its earlier evaluations there."""
    return dg.DagsterInstance.ephemeral()


def test_rerun_without_change_reads_no_data_file(raw_dir: Path, warehouse_dir: Path,
                                                 tiny_model: str, instance: dg.DagsterInstance) -> None:
    first = run(raw_dir, warehouse_dir, tiny_model, instance)
    for name in INCREMENTAL_CHECKS:
        assert first[name].passed
        assert checked(first, name) >= 1
        assert "rule" in first[name].metadata["verified_versions"].value
    evaluations = run(raw_dir, warehouse_dir, tiny_model, instance)
    assert all(e.passed for e in evaluations.values())
    assert [checked(evaluations, name) for name in INCREMENTAL_CHECKS] == [0] * len(INCREMENTAL_CHECKS)


def test_adding_an_article_checks_its_files(raw_dir: Path, warehouse_dir: Path, tiny_model: str,
                                            instance: dg.DagsterInstance) -> None:
    run(raw_dir, warehouse_dir, tiny_model, instance)
    (raw_dir / "new_article.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    evaluations = run(raw_dir, warehouse_dir, tiny_model, instance)
    assert all(e.passed for e in evaluations.values())
    assert len(Warehouse(warehouse_dir).read("articles", ["article_id"])) == 6  # it was kept
    # One appended file of `articles`; for the offsets, the files of both tables written.
    assert checked(evaluations, "articles_have_text") == 1
    assert checked(evaluations, "article_ids_unique") == 1
    assert 1 <= checked(evaluations, "mention_offsets_match_text") <= 3


def corrupt_one_mention(warehouse_dir: Path) -> str:
    """Shift one mention's offsets, written the way stages write (a new data file)."""
    warehouse = Warehouse(warehouse_dir)
    mentions = warehouse.read("mentions")
    article_id = mentions["article_id"].iloc[0]
    rows = mentions[mentions["article_id"] == article_id].copy()
    rows.loc[rows.index[0], ["start", "end"]] += 1
    warehouse.upsert("mentions", rows)
    return article_id


def test_corrupted_offset_in_a_new_file_fails_until_fixed(
        raw_dir: Path, warehouse_dir: Path, tiny_model: str, instance: dg.DagsterInstance) -> None:
    run(raw_dir, warehouse_dir, tiny_model, instance)
    corrupt_one_mention(warehouse_dir)
    key = dg.AssetCheckKey(dg.AssetKey("mentions"), "mention_offsets_match_text")
    for _ in range(2):  # a failing file is not recorded as verified: it fails again
        evaluation = check_alone(raw_dir, warehouse_dir, tiny_model, instance, key)
        assert not evaluation.passed
        assert evaluation.metadata["offending_rows"].value == 1
        assert evaluation.metadata["files_checked"].value >= 1
    # A run sees that `mentions` was written by other code and rebuilds it from the cache.
    assert run(raw_dir, warehouse_dir, tiny_model, instance)["mention_offsets_match_text"].passed


def check_alone(raw_dir: Path, warehouse_dir: Path, model: str, instance: dg.DagsterInstance,
                key: dg.AssetCheckKey) -> dg.AssetCheckEvaluation:
    """Evaluate one check without running the stages (which would repair the damage)."""
    definitions = build_definitions(PipelinePaths(raw_dir=str(raw_dir),
                                                  warehouse_dir=str(warehouse_dir)),
                                    NerModel(model=model), Processing(n_process=1))
    job = dg.define_asset_job("one_check", selection=dg.AssetSelection.checks(key))
    result = (dg.Definitions.merge(definitions, dg.Definitions(jobs=[job]))
              .resolve_job_def("one_check").execute_in_process(instance=instance))
    [evaluation] = result.get_asset_check_evaluations()
    return evaluation


def test_an_article_stored_twice_breaks_uniqueness(raw_dir: Path, warehouse_dir: Path,
                                                   tiny_model: str, instance: dg.DagsterInstance) -> None:
    """The copy is in a file of its own: the rule reads the other rows of the same article."""
    run(raw_dir, warehouse_dir, tiny_model, instance)
    warehouse = Warehouse(warehouse_dir)
    warehouse.append("articles", warehouse.read("articles").iloc[:1])
    evaluation = check_alone(raw_dir, warehouse_dir, tiny_model, instance,
                             dg.AssetCheckKey(dg.AssetKey("articles"), "article_ids_unique"))
    assert not evaluation.passed
    assert evaluation.metadata["offending_rows"].value == 2
    assert evaluation.metadata["files_checked"].value == 1


def test_without_a_record_of_this_rule_every_file_is_checked(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "wh")
    warehouse.upsert("articles", pd.DataFrame({"article_id": ["a"], "text": ["x"], PARTITION: ["2026-01"]}))
    before = warehouse.current()
    warehouse.upsert("articles", pd.DataFrame({"article_id": ["b"], "text": ["y"], PARTITION: ["2026-01"]}))
    now = warehouse.current()
    record = Record("r-1", {"articles": before.versions["articles"]})
    assert new_files(now, "articles", "r-1", record) == data_files(now, "articles") - data_files(
        before, "articles")
    assert len(new_files(now, "articles", "r-1", record)) == 1
    assert new_files(now, "articles", "r-2", record) is None  # another rule version
    assert new_files(now, "articles", "r-1", None) is None  # never checked


def test_orphan_rule_flags_missing_article_or_entity() -> None:
    mentions = pd.DataFrame({"article_id": ["a", "b", None, "a"],
                             "entity_id": ["x", "x", "x", "gone"]}, dtype="str")
    orphans = quality.orphan_mentions(mentions, pd.DataFrame({"article_id": ["a"]}),
                                      pd.DataFrame({"entity_id": ["x"]}))
    assert orphans.index.tolist() == [1, 2, 3]
    assert quality.orphan_mentions(mentions.iloc[:0], pd.DataFrame({"article_id": []}),
                                   pd.DataFrame({"entity_id": []})).empty


def test_one_check_of_a_group_runs_alone(raw_dir: Path, warehouse_dir: Path, tiny_model: str,
                                         instance: dg.DagsterInstance) -> None:
    """The checks of one step share it, but each can be run (and is reported) by itself."""
    run(raw_dir, warehouse_dir, tiny_model, instance)
    key = dg.AssetCheckKey(dg.AssetKey("mentions"), "mentions_unique")
    evaluation = check_alone(raw_dir, warehouse_dir, tiny_model, instance, key)
    assert (evaluation.asset_check_key, evaluation.passed) == (key, True)
    assert evaluation.metadata["files_checked"].value == 0  # verified by the first run


def test_a_first_evaluation_reads_every_row_a_slice_of_the_articles_at_a_time(
        raw_dir: Path, warehouse_dir: Path, tiny_model: str, instance: dg.DagsterInstance,
        monkeypatch: pytest.MonkeyPatch) -> None:
    run(raw_dir, warehouse_dir, tiny_model, instance)
    monkeypatch.setattr("news_pipeline.assets.checks.ROWS_PER_SLICE", 1)  # 64 slices
    corrupt_one_mention(warehouse_dir)
    warehouse = Warehouse(warehouse_dir)
    warehouse.append("articles", warehouse.read("articles").iloc[:1])
    never_checked = dg.DagsterInstance.ephemeral()
    offsets = check_alone(raw_dir, warehouse_dir, tiny_model, never_checked,
                          dg.AssetCheckKey(dg.AssetKey("mentions"), "mention_offsets_match_text"))
    assert offsets.metadata["offending_rows"].value == 1
    unique = check_alone(raw_dir, warehouse_dir, tiny_model, never_checked,
                         dg.AssetCheckKey(dg.AssetKey("articles"), "article_ids_unique"))
    assert unique.metadata["offending_rows"].value == 2


@given(st.text(max_size=20), st.sampled_from([1, 4, 16, 64]))
def test_every_article_id_is_in_exactly_one_slice(article_id: str, n: int) -> None:
    inside = [part for part in article_slices(n)
              if (part.low is None or article_id >= part.low)
              and (part.high is None or article_id < part.high)]
    assert len(inside) == 1
