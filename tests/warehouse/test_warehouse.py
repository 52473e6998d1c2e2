"""The warehouse contract on Delta Lake: writes by article and partition, consistent reads of
published runs, vacuum, and clear errors; on a local folder and a file:// URL alike."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from news_pipeline.warehouse import (
    PARTITION,
    SCHEMAS,
    Snapshot,
    Warehouse,
    WarehouseError,
    changes_since,
    count_rows,
    is_in,
    published_snapshot,
    read_batches,
    read_table,
)
from news_pipeline.warehouse import delta as delta_module
from news_pipeline.warehouse.delta import data_files, read_files

MONTHS = ("2026-01", "2026-02")


def spans(*rows: tuple[str, int], month: str = MONTHS[0]) -> pd.DataFrame:
    return pd.DataFrame([{"article_id": a, "start": s, "end": s + 1, "label": "PER", "text": "x",
                          "sentence_index": 0, PARTITION: month} for a, s in rows])


def keys(frame: pd.DataFrame) -> list[tuple[str, int]]:
    return sorted(zip(frame["article_id"], frame["start"]))


def test_empty_warehouse_reads_empty_tables_with_schema(location: str) -> None:
    warehouse = Warehouse(location)
    for table, schema in SCHEMAS.items():
        frame = warehouse.read(table)
        assert frame.empty and list(frame.columns) == schema.names
    assert warehouse.published() is None
    assert count_rows(warehouse.current(), "mentions") == 0


def test_upsert_replaces_the_rows_of_its_articles_and_deletes_others(location: str) -> None:
    warehouse = Warehouse(location)
    warehouse.upsert("_spans", spans(("a", 0), ("a", 5), ("b", 0), ("c", 0)))
    warehouse.upsert("_spans", spans(("a", 9)), delete_keys=["c"], months=[MONTHS[0]])
    assert keys(warehouse.read("_spans")) == [("a", 9), ("b", 0)]
    assert count_rows(warehouse.current(), "_spans") == 2


def test_a_table_written_anew_where_one_was_deleted_is_read_anew(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "warehouse")
    warehouse.upsert("_spans", spans(("a", 0)))
    assert keys(warehouse.read("_spans")) == [("a", 0)]  # version 0, opened and kept
    shutil.rmtree(tmp_path / "warehouse")
    warehouse.upsert("_spans", spans(("b", 0)))  # version 0 again, another table
    assert keys(warehouse.read("_spans")) == [("b", 0)]



def test_newest_versions_are_opened_once_until_a_commit_follows(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse = Warehouse(tmp_path / "warehouse")
    warehouse.upsert("_spans", spans(("a", 0)))
    opened: list[str] = []
    real = delta_module.DeltaTable

    def counting(uri: str, *args: object, **kwargs: object) -> object:
        opened.append(uri)
        return real(uri, *args, **kwargs)

    monkeypatch.setattr(delta_module, "DeltaTable", counting)
    for _ in range(3):
        assert warehouse.data_version("_spans") == 0
        assert keys(warehouse.read("_spans")) == [("a", 0)]
    assert len(opened) <= 2  # the first open without files may be followed by one with them
    warehouse.upsert("_spans", spans(("b", 0)))
    assert warehouse.data_version("_spans") == 1  # a commit after the cached version: opened again
    assert keys(warehouse.read("_spans")) == [("a", 0), ("b", 0)]
    warehouse.delete("_spans", ["a"])  # through the cached table, which moves to the new version
    assert keys(warehouse.read("_spans")) == [("b", 0)]
    assert keys(read_table(Snapshot(warehouse.root, {"_spans": 1}), "_spans")) == [("a", 0), ("b", 0)]

def test_rows_land_in_the_partition_of_their_month(location: str) -> None:
    warehouse = Warehouse(location)
    warehouse.upsert("_spans", spans(("a", 0)))
    warehouse.upsert("_spans", spans(("b", 0), month=MONTHS[1]))
    files = data_files(warehouse.current(), "_spans")
    assert sorted(f.split(f"{PARTITION}=")[1].split("/")[0] for f in files) == list(MONTHS)
    # A delete limited to the other month leaves "a" where it is.
    warehouse.delete("_spans", ["a"], months=[MONTHS[1]])
    assert keys(warehouse.read("_spans")) == [("a", 0), ("b", 0)]
    assert keys(warehouse.read("_spans", keys=["a", "b"], months=[MONTHS[1]])) == [("b", 0)]


def test_read_by_keys_returns_only_those_articles(location: str) -> None:
    warehouse = Warehouse(location)
    warehouse.upsert("_spans", spans(*[(f"k{i:03d}", i) for i in range(300)]))
    assert keys(warehouse.read("_spans", keys=["k007", "k123", "nope"])) == [("k007", 7), ("k123", 123)]
    assert warehouse.read("_spans", keys=[]).empty
    assert warehouse.read("_spans", ["start"], keys=["k001"])["start"].tolist() == [1]
    with pytest.raises(ValueError, match="no rows per article"):
        warehouse.read("entities", keys=["x"])


def test_rows_per_article_must_name_their_month(location: str) -> None:
    with pytest.raises(ValueError, match=PARTITION):
        Warehouse(location).upsert("_spans", spans(("a", 0)).drop(columns=[PARTITION]))


def test_a_transaction_reads_the_tables_as_they_were_when_it_began(location: str) -> None:
    warehouse = Warehouse(location)
    warehouse.upsert("_spans", spans(("a", 0)))
    with warehouse.transaction() as tx:
        tx.upsert("_spans", spans(("b", 0)))
        assert keys(tx.read("_spans")) == [("a", 0)]
    assert keys(warehouse.read("_spans")) == [("a", 0), ("b", 0)]


def test_readers_of_a_location_see_the_last_published_run_only(location: str) -> None:
    warehouse = Warehouse(location)
    warehouse.upsert("_spans", spans(("a", 0)))
    published = warehouse.publish("run-1")
    assert set(published.versions) == set(SCHEMAS)  # every table exists from the first run on
    warehouse.upsert("_spans", spans(("b", 0)))  # a run in progress
    assert keys(read_table(location, "_spans")) == [("a", 0)]
    assert published_snapshot(location) == published
    warehouse.publish("run-2")
    assert keys(read_table(location, "_spans")) == [("a", 0), ("b", 0)]
    assert keys(read_table(published, "_spans")) == [("a", 0)]  # an older run stays readable


def test_batches_stream_the_whole_table(location: str) -> None:
    warehouse = Warehouse(location)
    warehouse.upsert("_spans", spans(*[(f"k{i}", i) for i in range(50)]))
    batches = list(read_batches(warehouse.current(), "_spans", ["article_id", "start"]))
    assert sum(b.num_rows for b in batches) == 50
    assert all(b.schema == pa.schema([SCHEMAS["_spans"].field(c) for c in ("article_id", "start")])
               for b in batches)


def test_replace_records_metadata_that_maintenance_does_not_hide(location: str) -> None:
    warehouse = Warehouse(location)
    entities = pd.DataFrame({"entity_id": ["e1"], "name": ["Putin"], "label": ["PER"]})
    warehouse.replace("entities", entities, {"news_pipeline.note": "first"})
    version = warehouse.data_version("entities")
    warehouse.publish("run")
    warehouse.vacuum(0)
    assert warehouse.commit_metadata("entities") == {"news_pipeline.note": "first"}
    assert warehouse.data_version("entities") == version
    assert warehouse.read("entities")["name"].tolist() == ["Putin"]


def test_vacuum_leaves_table_folders_that_pandas_reads_as_the_table(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "wh")
    warehouse.upsert("_spans", spans(("a", 0), ("b", 0)))
    warehouse.upsert("_spans", spans(("a", 1)))  # rewrites the file holding "a"
    warehouse.publish("run")
    assert warehouse.vacuum(0)["_spans"] >= 1
    by_pandas = pd.read_parquet(tmp_path / "wh" / "_spans")
    assert keys(by_pandas) == [("a", 1), ("b", 0)]
    assert str(by_pandas[PARTITION].iloc[0]) == MONTHS[0]


def test_files_written_since_a_version_can_be_read_alone(location: str) -> None:
    warehouse = Warehouse(location)
    warehouse.upsert("_spans", spans(("a", 0)))
    before = warehouse.current()
    warehouse.upsert("_spans", spans(("b", 0)))
    new = data_files(warehouse.current(), "_spans") - data_files(before, "_spans")
    assert keys(read_files("_spans", new).to_pandas()) == [("b", 0)]


def test_changes_since_a_version_say_what_each_article_became(location: str) -> None:
    warehouse = Warehouse(location)
    warehouse.upsert("_spans", spans(("a", 0), ("b", 0), ("c", 0)))
    since = warehouse.current("_spans").versions["_spans"]
    warehouse.upsert("_spans", spans(("b", 5)), months={MONTHS[0]})  # changed
    warehouse.upsert("_spans", spans(("d", 0), month=MONTHS[1]), known_new=["d"])  # new
    warehouse.delete("_spans", ["c"], months={MONTHS[0]})  # deleted
    warehouse.upsert("_spans", spans(("e", 0)), known_new=["e"])
    warehouse.delete("_spans", ["e"])  # new, then deleted: gone
    warehouse.mark("_spans", {"news_pipeline.note": "no rows"})
    changes = changes_since(warehouse.current("_spans"), "_spans", since, ["start"])
    assert changes is not None
    assert sorted(zip(*changes.rows.select(["article_id", "start", PARTITION]).to_pydict().values())) == [
        ("b", 5, MONTHS[0]), ("d", 0, MONTHS[1])]
    assert sorted(changes.deleted.column("article_id").to_pylist()) == ["c", "e"]
    assert changes.months == set(MONTHS) and len(changes) == 4
    unchanged = changes_since(warehouse.current("_spans"), "_spans",
                              warehouse.current("_spans").versions["_spans"])
    assert unchanged is not None and len(unchanged) == 0


def test_changes_cannot_be_known_once_vacuum_removed_them(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "warehouse")
    warehouse.upsert("_spans", spans(("a", 0), ("b", 0)))
    since = warehouse.current("_spans").versions["_spans"]
    warehouse.delete("_spans", ["a"])
    assert changes_since(warehouse.current("_spans"), "_spans", since) is not None
    warehouse.vacuum(retention_hours=0)
    assert changes_since(warehouse.current("_spans"), "_spans", since) is None
    # A version the table has not reached yet (a table written anew) cannot be compared either.
    assert changes_since(warehouse.current("_spans"), "_spans", since + 10) is None


def test_a_folder_of_something_else_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "wh").mkdir()
    (tmp_path / "wh" / "notes.txt").write_text("mine")
    with pytest.raises(WarehouseError, match="not a news_pipeline warehouse"):
        Warehouse(tmp_path / "wh").validate()


def test_a_table_of_another_version_is_a_clear_error(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "wh")
    warehouse.replace("entities", pd.DataFrame({"entity_id": ["e1"]}))
    with pytest.raises(WarehouseError, match="lacks columns") as error:
        old = Warehouse(tmp_path / "wh")
        old._write("entities", pa.table({"entity_id": ["x"]}), "overwrite")
        old.validate()
    assert "delete" in str(error.value) and "rerun" in str(error.value)


def test_a_corrupt_data_file_is_a_clear_error(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "wh")
    warehouse.upsert("_spans", spans(("a", 0)))
    [victim] = sorted((tmp_path / "wh" / "_spans").rglob("*.parquet"))
    victim.write_bytes(b"not parquet")
    with pytest.raises(WarehouseError, match=r"cannot read table '_spans'.*delete.*rerun"):
        warehouse.read("_spans")


def test_is_in_agrees_with_pandas_isin_for_every_kind_of_value_set() -> None:
    values = pd.Series(["a1", "b2", "c3", "a1", "zz"], dtype="str")
    allowed = {"a1", "zz", "not-there"}
    expected = values.isin(allowed).to_numpy()
    assert list(expected) == [True, False, False, True, True]
    for form in (allowed, sorted(allowed), pd.Series(sorted(allowed)),
                 pa.array(sorted(allowed)), pa.array(sorted(allowed), type=pa.large_string())):
        assert (is_in(values, form) == expected).all()
    assert not is_in(values, set()).any()
    assert len(is_in(values.iloc[:0], allowed)) == 0
    objects = pd.Series(["a1", "x"], dtype=object)
    assert list(is_in(objects, ["x"])) == [False, True]


def test_a_commit_delta_rejects_is_a_clear_error(tmp_path: Path) -> None:
    """Delta's optimistic concurrency: a delete planned on a version another writer changed
    since fails, and the warehouse says what happened and what to do."""
    from deltalake import DeltaTable

    warehouse = Warehouse(tmp_path / "wh")
    warehouse.upsert("_spans", spans(("a", 0), ("b", 0)))
    stale = DeltaTable(warehouse.uri("_spans"))
    warehouse.delete("_spans", ["a"])
    with pytest.raises(WarehouseError, match="another writer committed to table '_spans'"):
        warehouse._commit("_spans", lambda: stale.delete("article_id = 'a'"))
    assert keys(warehouse.read("_spans")) == [("b", 0)]
