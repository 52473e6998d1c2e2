import os
from pathlib import Path

import pandas as pd
import pytest

from news_pipeline.warehouse import SCHEMAS, Warehouse, WarehouseError
from news_pipeline.warehouse.warehouse import N_BUCKETS, bucket_of


def spans(*rows: tuple[str, int]) -> pd.DataFrame:
    return pd.DataFrame([{"article_id": a, "start": s, "end": s + 1, "label": "PER", "text": "x",
                          "sentence_index": 0} for a, s in rows])


def test_empty_warehouse_reads_empty_tables_with_schema(tmp_path: Path) -> None:
    frame = Warehouse(tmp_path / "wh").read("articles")
    assert frame.empty
    assert list(frame.columns) == SCHEMAS["articles"].names


def test_every_table_is_readable_by_pandas_after_first_commit(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "wh")
    with warehouse.transaction() as tx:
        tx.upsert("_spans", spans(("a", 0)))
    for table in SCHEMAS:
        assert list(pd.read_parquet(tmp_path / "wh" / table).columns) == SCHEMAS[table].names


def test_upsert_replaces_rows_of_given_keys_and_deletes(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "wh")
    with warehouse.transaction() as tx:
        tx.upsert("_spans", spans(("a", 0), ("a", 5), ("b", 1), ("c", 2)))
    with warehouse.transaction() as tx:
        tx.upsert("_spans", spans(("a", 9)), delete_keys=["b"])
    result = warehouse.read("_spans").sort_values(["article_id", "start"])
    assert list(zip(result["article_id"], result["start"])) == [("a", 9), ("c", 2)]


def test_upsert_rewrites_only_buckets_of_changed_keys(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "wh")
    keys = [f"article-{i}" for i in range(200)]
    with warehouse.transaction() as tx:
        tx.upsert("_spans", spans(*[(k, 0) for k in keys]))
    before = {p.name: p.stat().st_ino for p in (tmp_path / "wh" / "_spans").iterdir()}
    with warehouse.transaction() as tx:
        tx.upsert("_spans", spans(("article-7", 3)))
    after = {p.name: p.stat().st_ino for p in (tmp_path / "wh" / "_spans").iterdir()}
    rewritten = [name for name in after if after[name] != before[name]]
    assert rewritten == [f"part-{bucket_of('article-7'):03d}.parquet"]
    assert len(after) == N_BUCKETS


def test_read_by_keys_returns_only_those_keys(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "wh")
    with warehouse.transaction() as tx:
        tx.upsert("_spans", spans(("a", 0), ("b", 1), ("c", 2)))
    assert sorted(warehouse.read("_spans", ["article_id"], keys=["a", "c"])["article_id"]) == ["a", "c"]


def test_failed_transaction_leaves_previous_dataset(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "wh")
    with warehouse.transaction() as tx:
        tx.upsert("_spans", spans(("a", 0)))
    with pytest.raises(RuntimeError), warehouse.transaction() as tx:
        tx.upsert("_spans", spans(("b", 0)), delete_keys=["a"])
        raise RuntimeError("killed")
    assert list(warehouse.read("_spans")["article_id"]) == ["a"]
    assert not list((tmp_path / ".wh.snapshots").glob("*.tmp"))


def test_leftover_draft_from_killed_run_is_removed(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "wh")
    with warehouse.transaction() as tx:
        tx.upsert("_spans", spans(("a", 0)))
    (tmp_path / ".wh.snapshots" / "000000002.tmp").mkdir()
    with warehouse.transaction() as tx:
        tx.upsert("_spans", spans(("b", 0)))
    assert sorted(warehouse.read("_spans")["article_id"]) == ["a", "b"]


def test_old_snapshots_are_pruned(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "wh")
    for i in range(6):
        with warehouse.transaction() as tx:
            tx.upsert("_spans", spans((f"a{i}", 0)))
    assert len(os.listdir(tmp_path / ".wh.snapshots")) == 3
    assert len(warehouse.read("_spans")) == 6


def test_foreign_folder_at_warehouse_path_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "wh").mkdir()
    with pytest.raises(WarehouseError, match="not a news_pipeline warehouse"):
        Warehouse(tmp_path / "wh").read("articles")


def test_corrupt_file_is_a_clear_error(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "wh")
    with warehouse.transaction() as tx:
        tx.upsert("_spans", spans(("a", 0)))
    target = next((tmp_path / "wh" / "_spans").glob("*.parquet"))
    target.unlink()
    target.write_bytes(b"not parquet")
    with pytest.raises(WarehouseError, match="corrupt or foreign"):
        warehouse.read("_spans")


def test_second_writer_fails_with_clear_message_after_timeout(tmp_path: Path) -> None:
    first = Warehouse(tmp_path / "wh")
    second = Warehouse(tmp_path / "wh", lock_timeout_s=0.3)
    with first.locked(), pytest.raises(WarehouseError, match="another run holds the lock"), \
            second.transaction():
        pass
