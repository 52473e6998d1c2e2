"""The warehouse contract, on every kind of location, and what is particular to each store."""

import json
import os
import time
from pathlib import Path

import fsspec
import pandas as pd
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest
from fsspec.core import url_to_fs
from news_pipeline.warehouse.objectstore import KEEP_SNAPSHOTS
from news_pipeline.warehouse.snapshots import ROW_GROUP_ROWS
from news_pipeline.warehouse.warehouse import (
    N_BUCKETS,
    bucket_numbers,
    bucket_of,
    in_bucket_order,
    read_batches,
    records_where,
)

from news_pipeline.warehouse import (
    SCHEMAS,
    Warehouse,
    WarehouseError,
    read_table,
    table_dataset,
    table_files,
)


def spans(*rows: tuple[str, int]) -> pd.DataFrame:
    return pd.DataFrame([{"article_id": a, "start": s, "end": s + 1, "label": "PER", "text": "x",
                          "sentence_index": 0} for a, s in rows])


def commit(warehouse: Warehouse, *keys: str) -> None:
    with warehouse.transaction() as tx:
        tx.upsert("_spans", spans(*[(k, 0) for k in keys]))


def file_identities(location: str, table: str) -> dict[str, object]:
    """Bucket file name -> what changes when a commit rewrites it (inode locally, the
    snapshot folder it lives in on object storage)."""
    fs, files = table_files(location, table)
    if fs is None:
        return {Path(f).name: os.stat(f).st_ino for f in files}
    return {f.rsplit("/", 1)[1]: f for f in files}


def listing(url: str, under: str = "") -> list[str]:
    fs, root = url_to_fs(url)
    fs.invalidate_cache()
    return sorted(p[len(root.rstrip("/")) + 1:] for p in fs.find(f"{root}/{under}".rstrip("/")))


# The contract: local folder, memory:// and file:// alike.

def test_empty_warehouse_reads_empty_tables_with_schema(location: str) -> None:
    frame = Warehouse(location).read("articles")
    assert frame.empty
    assert list(frame.columns) == SCHEMAS["articles"].names


def test_every_table_is_readable_by_pandas_after_first_commit(location: str) -> None:
    commit(Warehouse(location), "a")
    for table in SCHEMAS:
        fs, files = table_files(location, table)
        assert list(pd.read_parquet(files, filesystem=fs).columns) == SCHEMAS[table].names
        assert list(read_table(location, table).columns) == SCHEMAS[table].names


def test_table_dataset_counts_from_footers_and_previews(location: str) -> None:
    assert table_dataset(location, "_spans").count_rows() == 0
    commit(Warehouse(location), "a", "b", "c")
    dataset = table_dataset(location, "_spans")
    assert dataset.count_rows() == 3
    assert dataset.head(2, columns=["article_id"]).num_rows == 2
    assert table_dataset(Warehouse(location).snapshots.current(), "articles").count_rows() == 0


def test_a_table_written_from_batches_reads_back_in_batches(location: str) -> None:
    def pairs(start: int, n: int) -> pa.RecordBatch:
        return pa.record_batch({"entity_a": [f"a{i:06d}" for i in range(start, start + n)],
                                "entity_b": ["b"] * n, "n_articles": [1] * n,
                                "n_sentences": [0] * n}, schema=SCHEMAS["cooccurrences"])

    # Small batches (filtered ones) are gathered into row groups; empty ones are skipped.
    batches = [pairs(0, ROW_GROUP_ROWS - 10), pairs(ROW_GROUP_ROWS - 10, 0),
               *(pairs(ROW_GROUP_ROWS - 10 + 7 * i, 7) for i in range(5))]
    warehouse = Warehouse(location)
    with warehouse.transaction() as tx:
        with pytest.raises(ValueError, match="keyed"):
            tx.replace_batches("mentions", iter([]))
        tx.replace_batches("cooccurrences", iter(batches))
    expected = pa.Table.from_batches(batches).to_pandas()
    pd.testing.assert_frame_equal(warehouse.read("cooccurrences"), expected)
    fs, [file] = table_files(location, "cooccurrences")
    assert pq.ParquetFile(file, filesystem=fs).metadata.num_row_groups == 2
    read = list(read_batches(location, "cooccurrences", batch_rows=1000))
    [column] = read_batches(location, "cooccurrences", ["n_sentences"], batch_rows=ROW_GROUP_ROWS * 2)
    assert column.schema.names == ["n_sentences"] and column.num_rows == len(expected)
    assert max(b.num_rows for b in read) == 1000
    assert pa.Table.from_batches(read).to_pandas().equals(expected)
    assert list(read_batches(None, "cooccurrences")) == []


def test_upsert_replaces_rows_of_given_keys_and_deletes(location: str) -> None:
    warehouse = Warehouse(location)
    with warehouse.transaction() as tx:
        tx.upsert("_spans", spans(("a", 0), ("a", 5), ("b", 1), ("c", 2)))
    with warehouse.transaction() as tx:
        tx.upsert("_spans", spans(("a", 9)), delete_keys=["b"])
    result = warehouse.read("_spans").sort_values(["article_id", "start"])
    assert list(zip(result["article_id"], result["start"])) == [("a", 9), ("c", 2)]


def test_upsert_rewrites_only_buckets_of_changed_keys(location: str) -> None:
    warehouse = Warehouse(location)
    commit(warehouse, *[f"article-{i}" for i in range(200)])
    before = file_identities(location, "_spans")
    with warehouse.transaction() as tx:
        tx.upsert("_spans", spans(("article-7", 3)))
    after = file_identities(location, "_spans")
    rewritten = [name for name in after if after[name] != before[name]]
    assert rewritten == [f"part-{bucket_of('article-7'):03d}.parquet"]
    assert len(after) == N_BUCKETS


def test_read_by_keys_returns_only_those_keys(location: str) -> None:
    warehouse = Warehouse(location)
    commit(warehouse, "a", "b", "c")
    assert sorted(warehouse.read("_spans", ["article_id"], keys=["a", "c"])["article_id"]) == ["a", "c"]


def test_transaction_reads_its_own_writes(location: str) -> None:
    warehouse = Warehouse(location)
    commit(warehouse, "a")
    with warehouse.transaction() as tx:
        tx.upsert("_spans", spans(("b", 0)))
        tx.upsert("_spans", spans(("c", 0)))
        tx.replace("entities", SCHEMAS["entities"].empty_table().to_pandas())
        assert sorted(tx.read("_spans")["article_id"]) == ["a"]  # reads see the base snapshot
    assert sorted(warehouse.read("_spans")["article_id"]) == ["a", "b", "c"]


def test_failed_transaction_leaves_previous_dataset(location: str) -> None:
    warehouse = Warehouse(location)
    commit(warehouse, "a")
    with pytest.raises(RuntimeError), warehouse.transaction() as tx:
        tx.upsert("_spans", spans(("b", 0)), delete_keys=["a"])
        raise RuntimeError("killed")
    assert list(warehouse.read("_spans")["article_id"]) == ["a"]
    assert list(read_table(location, "_spans")["article_id"]) == ["a"]


def test_a_snapshot_stays_readable_while_later_commits_publish(location: str) -> None:
    warehouse = Warehouse(location)
    commit(warehouse, "a")
    snapshot = warehouse.snapshots.current()
    commit(warehouse, "b")
    assert list(read_table(snapshot, "_spans")["article_id"]) == ["a"]
    assert sorted(read_table(location, "_spans")["article_id"]) == ["a", "b"]


def test_second_writer_fails_with_clear_message_after_timeout(location: str) -> None:
    first = Warehouse(location)
    second = Warehouse(location, lock_timeout_s=0.3)
    with first.locked(), pytest.raises(WarehouseError, match="another run holds the lock"), \
            second.transaction():
        pass
    commit(second, "a")  # released: the next writer gets it at once


def test_lock_is_reentrant_within_one_warehouse_object(location: str) -> None:
    warehouse = Warehouse(location, lock_timeout_s=0.3)
    with warehouse.locked():
        commit(warehouse, "a")
        commit(warehouse, "b")
    assert sorted(warehouse.read("_spans")["article_id"]) == ["a", "b"]


# The local store: a symlink to snapshot folders, hard links, flock.

def test_local_tables_are_folders_pandas_reads_directly(tmp_path: Path) -> None:
    commit(Warehouse(tmp_path / "wh"), "a")
    for table in SCHEMAS:
        assert list(pd.read_parquet(tmp_path / "wh" / table).columns) == SCHEMAS[table].names
    assert (tmp_path / "wh").is_symlink()


def test_local_failed_transaction_leaves_no_draft(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "wh")
    commit(warehouse, "a")
    with pytest.raises(RuntimeError), warehouse.transaction():
        raise RuntimeError("killed")
    assert not list((tmp_path / ".wh.snapshots").glob("*.tmp"))


def test_leftover_draft_from_killed_run_is_removed(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "wh")
    commit(warehouse, "a")
    (tmp_path / ".wh.snapshots" / "000000002.tmp").mkdir()
    commit(warehouse, "b")
    assert sorted(warehouse.read("_spans")["article_id"]) == ["a", "b"]


def test_old_snapshots_are_pruned(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "wh")
    for i in range(6):
        commit(warehouse, f"a{i}")
    assert len(os.listdir(tmp_path / ".wh.snapshots")) == 3
    assert len(warehouse.read("_spans")) == 6


def test_foreign_folder_at_warehouse_path_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "wh").mkdir()
    with pytest.raises(WarehouseError, match="not a news_pipeline warehouse"):
        Warehouse(tmp_path / "wh").read("articles")


def test_corrupt_file_is_a_clear_error(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "wh")
    commit(warehouse, "a")
    target = next((tmp_path / "wh" / "_spans").glob("*.parquet"))
    target.unlink()
    target.write_bytes(b"not parquet")
    with pytest.raises(WarehouseError, match=rf"{target.name}: .*delete it and rerun"):
        warehouse.read("_spans")


# The fsspec store: CURRENT pointer, manifests, lease.

def test_commit_writes_changed_buckets_then_manifest_then_pointer(url: str) -> None:
    warehouse = Warehouse(url)
    commit(warehouse, "a")
    commit(warehouse, "b")
    second = listing(url, "snapshots/000000002")
    # only the one rewritten bucket of _spans: the other tables are referenced, not copied
    assert second == ["snapshots/000000002/_spans/" + f"part-{bucket_of('b'):03d}.parquet",
                      "snapshots/000000002/manifest.json"]
    fs, root = url_to_fs(url)
    assert fs.cat_file(f"{root}/CURRENT") == b"000000002\n"
    assert "LOCK" not in listing(url)  # released


def test_failed_transaction_leaves_previous_snapshot_current(url: str) -> None:
    warehouse = Warehouse(url)
    commit(warehouse, "a")
    with pytest.raises(RuntimeError), warehouse.transaction() as tx:
        tx.upsert("_spans", spans(("b", 0)), delete_keys=["a"])
        tx.replace("entities", SCHEMAS["entities"].empty_table().to_pandas())
        raise RuntimeError("killed")
    assert warehouse.snapshots.current().number == 1
    assert list(read_table(url, "_spans")["article_id"]) == ["a"]
    assert not [p for p in listing(url) if p.startswith("snapshots/000000002")]


def test_files_of_a_run_killed_before_its_pointer_are_removed(url: str) -> None:
    warehouse = Warehouse(url)
    commit(warehouse, "a")
    fs, root = url_to_fs(url)
    fs.makedirs(f"{root}/snapshots/000000002/_spans", exist_ok=True)
    fs.pipe_file(f"{root}/snapshots/000000002/_spans/part-000.parquet", b"half written")
    fs.pipe_file(f"{root}/snapshots/000000002/manifest.json", b"{}")
    assert warehouse.snapshots.current().number == 1  # never published
    commit(warehouse, "b")
    assert sorted(warehouse.read("_spans")["article_id"]) == ["a", "b"]
    assert "snapshots/000000002/_spans/part-000.parquet" not in listing(url)


def test_old_manifests_and_unreferenced_files_are_pruned(url: str) -> None:
    warehouse = Warehouse(url)
    for i in range(6):
        commit(warehouse, f"a{i}")
    files = listing(url, "snapshots")
    manifests = [f for f in files if f.endswith("manifest.json")]
    assert manifests == [f"snapshots/{n:09d}/manifest.json" for n in range(7 - KEEP_SNAPSHOTS, 7)]
    referenced = set()
    for number in range(7 - KEEP_SNAPSHOTS, 7):
        referenced |= warehouse.snapshots._manifest(number).referenced()
    assert {f for f in files if not f.endswith("manifest.json")} == referenced
    assert len(warehouse.read("_spans")) == 6


def test_pointer_to_something_else_is_a_clear_error(url: str) -> None:
    fs, root = url_to_fs(url)
    fs.makedirs(root, exist_ok=True)
    fs.pipe_file(f"{root}/CURRENT", b"hello")
    with pytest.raises(WarehouseError, match="not a news_pipeline warehouse"):
        Warehouse(url).read("articles")


def test_corrupt_object_is_a_clear_error(url: str) -> None:
    warehouse = Warehouse(url)
    commit(warehouse, "a")
    fs, files = table_files(url, "_spans")
    fs.pipe_file(files[0], b"not parquet")
    name = files[0].rsplit("/", 1)[-1]
    with pytest.raises(WarehouseError, match=rf"{name}: .*delete it and rerun"):
        warehouse.read("_spans")


def test_lease_names_its_owner_and_a_dead_one_is_taken_over(url: str) -> None:
    first = Warehouse(url)
    with first.locked():
        fs, root = url_to_fs(url)
        assert str(os.getpid()) in fs.cat_file(f"{root}/LOCK").decode()
    with pytest.raises(WarehouseError, match="owner dead"):
        fs.pipe_file(f"{root}/LOCK", json.dumps({"owner": "dead", "expires_at": time.time() + 60}).encode())
        commit(Warehouse(url, lock_timeout_s=0), "a")
    # A writer that died holding the lease: once its expiry passes the next writer takes over.
    fs.pipe_file(f"{root}/LOCK", json.dumps({"owner": "dead", "expires_at": time.time() - 1}).encode())
    commit(Warehouse(url, lock_timeout_s=2), "a")
    assert list(read_table(url, "_spans")["article_id"]) == ["a"]


def test_writer_that_lost_its_lease_does_not_publish(url: str) -> None:
    warehouse = Warehouse(url)
    commit(warehouse, "a")
    fs, root = url_to_fs(url)
    with pytest.raises(WarehouseError, match="lost the lock"), warehouse.transaction() as tx:
        tx.upsert("_spans", spans(("b", 0)))
        fs.pipe_file(f"{root}/LOCK", b'{"owner": "someone else", "expires_at": 1e12}')
    assert list(read_table(url, "_spans")["article_id"]) == ["a"]
    fs.rm(f"{root}/LOCK")


def test_missing_filesystem_package_is_a_clear_error() -> None:
    with pytest.raises(WarehouseError, match="cannot open warehouse"):
        Warehouse("nosuchprotocol://bucket/news")


def test_a_pyarrow_filesystem_works_too(tmp_path: Path) -> None:
    warehouse = Warehouse(str(tmp_path / "wh"), filesystem=pafs.LocalFileSystem())
    commit(warehouse, "a")
    assert list(warehouse.read("_spans")["article_id"]) == ["a"]
    assert (tmp_path / "wh" / "CURRENT").read_text() == "000000001\n"


def test_memory_filesystem_is_shared_within_the_process(memory_url: str) -> None:
    commit(Warehouse(memory_url), "a")
    assert fsspec.filesystem("memory").exists(memory_url.removeprefix("memory://") + "/CURRENT")


def test_is_in_agrees_with_pandas_isin_for_every_kind_of_value_set() -> None:
    import pyarrow as pa
    from news_pipeline.warehouse.warehouse import is_in

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


def test_records_where_keeps_the_wanted_rows_as_plain_dicts() -> None:
    frame = pd.DataFrame({"article_id": ["a", "b", "c"], "n": [1, 2, None],
                          "error": pd.array([None, "x", "y"], dtype="string[pyarrow]")})
    kept = records_where(frame, ["article_id", "error"], lambda article_id, error: error is not None)
    assert kept == [{"article_id": "b", "n": 2.0, "error": "x"},
                    {"article_id": "c", "n": None, "error": "y"}]
    assert records_where(frame, ["n"], lambda n: False) == []


def test_bucket_numbers_are_bucket_of_each_value_and_minus_one_for_missing() -> None:
    keys = pd.Series(["b", "a", None, "b", "c"], dtype="str")
    assert bucket_numbers(keys).tolist() == [bucket_of("b"), bucket_of("a"), -1, bucket_of("b"),
                                             bucket_of("c")]
    assert bucket_numbers(pd.Series([], dtype="str")).tolist() == []
    assert bucket_numbers(pd.Series([None, None], dtype="str")).tolist() == [-1, -1]


def test_in_bucket_order_groups_records_by_bucket_and_keeps_their_order_within_one() -> None:
    records = [{"article_id": f"a{i}", "n": i} for i in range(200)]
    ordered = in_bucket_order(records)
    assert sorted(ordered, key=lambda r: r["n"]) == records
    buckets = [bucket_of(r["article_id"]) for r in ordered]
    assert buckets == sorted(buckets)
    for bucket in set(buckets):
        numbers = [r["n"] for r in ordered if bucket_of(r["article_id"]) == bucket]
        assert numbers == sorted(numbers)
