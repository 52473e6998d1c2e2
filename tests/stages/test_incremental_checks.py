"""Per-article asset checks read only the buckets written since they last passed, and still
fail on a corrupted row of such a bucket."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
from news_pipeline.assets.buckets import BucketRule, bucket_stamps, check_buckets
from news_pipeline.warehouse.warehouse import N_BUCKETS, bucket_of

from news_pipeline import quality
from news_pipeline.assets import buckets
from news_pipeline.definitions import build_definitions
from news_pipeline.resources import NerModel, PipelinePaths, Processing
from news_pipeline.warehouse import Warehouse
from news_pipeline.warehouse import warehouse as warehouse_module

BUCKET_CHECKS = ("articles_have_text", "article_ids_unique", "mention_offsets_match_text",
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
    return evaluations[name].metadata["buckets_checked"].value


@pytest.fixture
def instance() -> dg.DagsterInstance:
    """One instance for all runs of a test: a check finds its earlier evaluations there."""
    return dg.DagsterInstance.ephemeral()


def test_rerun_without_change_reads_no_article_text(raw_dir: Path, warehouse_dir: Path,
                                                    tiny_model: str, instance: dg.DagsterInstance,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    first = run(raw_dir, warehouse_dir, tiny_model, instance)
    for name in BUCKET_CHECKS:
        assert first[name].passed
        assert checked(first, name) == N_BUCKETS
        assert len(first[name].metadata["verified_buckets"].value) == N_BUCKETS
    reads: list[tuple[str, list[str] | None]] = []
    read_files = warehouse_module._read_files

    def counting(table: str, files: list[str], columns: list[str] | None, *args: object):
        if files:  # no files: an empty frame with the columns, nothing read
            reads.append((table, columns))
        return read_files(table, files, columns, *args)

    monkeypatch.setattr(warehouse_module, "_read_files", counting)
    evaluations = run(raw_dir, warehouse_dir, tiny_model, instance)
    assert all(e.passed for e in evaluations.values())
    assert [checked(evaluations, name) for name in BUCKET_CHECKS] == [0] * len(BUCKET_CHECKS)
    assert not [r for r in reads if r[0] == "articles" and (r[1] is None or "text" in r[1])]
    # Resolution counts mentions per article (one id column); nothing reads offsets or texts.
    assert not [r for r in reads if r[0] == "mentions" and r[1] != ["article_id"]]


def test_adding_an_article_checks_its_bucket(raw_dir: Path, warehouse_dir: Path, tiny_model: str,
                                             instance: dg.DagsterInstance) -> None:
    run(raw_dir, warehouse_dir, tiny_model, instance)
    (raw_dir / "new_article.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    evaluations = run(raw_dir, warehouse_dir, tiny_model, instance)
    assert all(e.passed for e in evaluations.values())
    assert len(Warehouse(warehouse_dir).read("articles", ["article_id"])) == 6  # it was kept
    # The new article's bucket of `articles` was rewritten, nothing else of it.
    assert checked(evaluations, "articles_have_text") == 1
    assert checked(evaluations, "article_ids_unique") == 1
    # Entities are rewritten by resolution, so the orphan rule looks at every mention bucket.
    assert checked(evaluations, "no_orphan_mentions") == N_BUCKETS
    assert 1 <= checked(evaluations, "mention_offsets_match_text") < N_BUCKETS


def corrupt_one_mention(warehouse_dir: Path) -> str:
    """Shift one mention's offsets, written the way stages write (a new bucket file)."""
    warehouse = Warehouse(warehouse_dir)
    with warehouse.transaction() as tx:
        mentions = tx.read("mentions")
        article_id = mentions["article_id"].iloc[0]
        rows = mentions[mentions["article_id"] == article_id].copy()
        rows.loc[rows.index[0], ["start", "end"]] += 1
        tx.upsert("mentions", rows)
    return article_id


def test_corrupted_offset_in_a_rewritten_bucket_fails_until_fixed(
        raw_dir: Path, warehouse_dir: Path, tiny_model: str, instance: dg.DagsterInstance) -> None:
    run(raw_dir, warehouse_dir, tiny_model, instance)
    article_id = corrupt_one_mention(warehouse_dir)
    for _ in range(2):  # a failing bucket is not recorded as verified: it fails again
        evaluation = run(raw_dir, warehouse_dir, tiny_model, instance)["mention_offsets_match_text"]
        assert not evaluation.passed
        assert evaluation.metadata["offending_rows"].value == 1
        assert evaluation.metadata["buckets_checked"].value == 1
        assert str(bucket_of(article_id)) not in evaluation.metadata["verified_buckets"].value


def test_misplaced_row_breaks_uniqueness(raw_dir: Path, warehouse_dir: Path, tiny_model: str,
                                         instance: dg.DagsterInstance) -> None:
    """A row in the wrong bucket could duplicate a key of another bucket unnoticed."""
    run(raw_dir, warehouse_dir, tiny_model, instance)
    warehouse = Warehouse(warehouse_dir)
    articles = warehouse.read("articles")
    row = articles.iloc[:1]
    other = next(b for b in range(N_BUCKETS) if b != bucket_of(row["article_id"].item()))
    with warehouse.transaction() as tx:
        kept = warehouse_module.read_bucket(tx.base, "articles", other)
        tx._write("articles", f"part-{other:03d}.parquet", pd.concat([kept, row]))
    evaluation = run(raw_dir, warehouse_dir, tiny_model, instance)["article_ids_unique"]
    assert not evaluation.passed
    assert evaluation.metadata["buckets_checked"].value == 1


def test_files_without_write_id_are_always_checked(tmp_path: Path) -> None:
    """A warehouse written before write ids: nothing can be skipped, nothing recorded."""
    location = tmp_path / "wh"
    with Warehouse(location).transaction() as tx:
        tx.upsert("articles", pd.DataFrame({"article_id": ["a"], "text": ["x"]}))
    snapshot = Warehouse(location).snapshots.current()
    file = next((snapshot / "articles").glob("*.parquet"))
    frame = pd.read_parquet(file)
    file.unlink()  # a hard link into older snapshots: replace, not overwrite
    frame.to_parquet(file)  # no write id in the footer
    rule = BucketRule("r-1", ("articles",))
    stamps = bucket_stamps(snapshot, rule)
    assert stamps[bucket_of("a")] is None
    verified = {str(b): s for b, s in stamps.items() if s is not None}
    outcome = check_buckets(stamps, verified, lambda b: pd.DataFrame(), pd.DataFrame())
    assert outcome.checked == [bucket_of("a")]
    assert str(bucket_of("a")) not in outcome.verified


def test_a_new_rule_version_voids_earlier_verifications(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "wh").transaction() as tx:
        tx.upsert("articles", pd.DataFrame({"article_id": ["a"], "text": ["x"]}))
    snapshot = Warehouse(tmp_path / "wh").snapshots.current()
    old = bucket_stamps(snapshot, BucketRule("r-1", ("articles",)))
    new = bucket_stamps(snapshot, BucketRule("r-2", ("articles",)))
    outcome = check_buckets(new, {str(b): s for b, s in old.items()}, lambda b: pd.DataFrame(),
                            pd.DataFrame())
    assert len(outcome.checked) == N_BUCKETS
    assert buckets.VERIFIED_KEY in outcome.metadata()


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
    definitions = build_definitions(PipelinePaths(raw_dir=str(raw_dir),
                                                  warehouse_dir=str(warehouse_dir)),
                                    NerModel(model=tiny_model), Processing(n_process=1))
    key = dg.AssetCheckKey(dg.AssetKey("mentions"), "mentions_unique")
    job = dg.define_asset_job("one_check", selection=dg.AssetSelection.checks(key))
    result = (dg.Definitions.merge(definitions, dg.Definitions(jobs=[job]))
              .resolve_job_def("one_check").execute_in_process(instance=instance))
    [evaluation] = result.get_asset_check_evaluations()
    assert (evaluation.asset_check_key, evaluation.passed) == (key, True)
    assert evaluation.metadata["buckets_checked"].value == 0  # verified by the first run
