"""Scanning with trusted folders (NEWS_PIPELINE_RAW_SCAN=folders): a folder whose ctime is as
recorded is not listed, and the inventory comes out as a scan of every file would make it."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from news_pipeline.stages import ingest
from news_pipeline.stages.ingest import scan_raw_folder
from news_pipeline.warehouse import Warehouse


@contextmanager
def seconds_later(seconds: float) -> Iterator[None]:
    """Scans that take every change so far to be `seconds` old (ctimes cannot be set back)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ingest, "_now_ns", lambda: time.time_ns() + int(seconds * 1e9))
        yield


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _inventory(warehouse: Warehouse) -> list[tuple[str, str | None, str | None]]:
    rows = warehouse.read_arrow("_inventory", ["source_path", "content_sha256", "error"]).to_pylist()
    return sorted((r["source_path"], r["content_sha256"], r["error"]) for r in rows)


def _tree(root: Path) -> None:
    for path in ("a/1.txt", "a/2.txt", "b/3.txt", "b/c/4.txt", "5.txt"):
        _write(root / path, f"Artikel {path}")


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Warehouse]:
    """A raw folder of five articles in four folders, and an empty warehouse beside it."""
    raw = tmp_path / "raw"
    _tree(raw)
    return raw, Warehouse(tmp_path / "warehouse")


def _scan(warehouse: Warehouse, raw: Path) -> dict[str, int | float | str]:
    return scan_raw_folder(warehouse, raw, "folders").as_metadata()


def test_unchanged_folders_are_trusted_and_changes_found(tree: tuple[Path, Warehouse]) -> None:
    raw, warehouse = tree
    with seconds_later(3600):
        first = _scan(warehouse, raw)
        assert (first["new"], first["folders_listed"], first["folders_trusted"]) == (5, 4, 0)
        again = _scan(warehouse, raw)
        assert (again["new"], again["unchanged"], again["files"]) == (0, 5, 5)
        assert (again["folders_listed"], again["folders_trusted"]) == (0, 4)

        _write(raw / "b" / "c" / "6.txt", "neu")
        (raw / "a" / "1.txt").unlink()
        changed = _scan(warehouse, raw)
        assert (changed["new"], changed["deleted"], changed["unchanged"]) == (1, 1, 4)
        assert (changed["folders_listed"], changed["folders_trusted"]) == (2, 2)

        shutil.rmtree(raw / "b")
        gone = _scan(warehouse, raw)
    assert (gone["deleted"], gone["files"]) == (3, 2)
    assert [path for path, _, _ in _inventory(warehouse)] == ["5.txt", "a/2.txt"]


def test_a_file_rewritten_in_place_is_found_by_a_scan_of_every_file(tree: tuple[Path, Warehouse]) -> None:
    """The documented limit: rewriting a file in place leaves its folder's ctime as it was."""
    raw, warehouse = tree
    with seconds_later(3600):
        _scan(warehouse, raw)
        (raw / "a" / "2.txt").write_text("Artikel, neu geschrieben", encoding="utf-8")
        assert _scan(warehouse, raw)["changed"] == 0
        assert scan_raw_folder(warehouse, raw).as_metadata()["changed"] == 1


def test_every_folder_is_listed_again_within_the_recheck_period(tree: tuple[Path, Warehouse]) -> None:
    """A file rewritten in place is found once its folder's re-check time has come: for each
    folder between half and all of the period after its files were stat-ed."""
    raw, warehouse = tree
    with seconds_later(3600):
        _scan(warehouse, raw)
    (raw / "a" / "2.txt").write_text("Artikel, neu geschrieben", encoding="utf-8")
    with seconds_later(3600 + 11 * 3600):
        early = _scan(warehouse, raw)
    assert (early["changed"], early["folders_listed"], early["folders_rechecked"]) == (0, 0, 0)
    with seconds_later(3600 + 25 * 3600):
        due = _scan(warehouse, raw)
        assert (due["changed"], due["folders_listed"], due["folders_rechecked"]) == (1, 4, 4)
        assert _scan(warehouse, raw)["folders_listed"] == 0  # re-checked: trusted again


def test_the_recheck_period_is_a_setting(tree: tuple[Path, Warehouse]) -> None:
    raw, warehouse = tree
    with seconds_later(3600):
        scan_raw_folder(warehouse, raw, "folders", recheck_hours=1)
    with seconds_later(3 * 3600):
        assert scan_raw_folder(warehouse, raw, "folders", recheck_hours=1).as_metadata()[
            "folders_rechecked"] == 4


def test_auto_stats_every_file_until_the_folders_hold_enough_of_them(
        tree: tuple[Path, Warehouse], monkeypatch: pytest.MonkeyPatch) -> None:
    raw, warehouse = tree
    monkeypatch.setattr(ingest, "AUTO_FOLDERS_FROM", 6)
    with seconds_later(3600):
        first = scan_raw_folder(warehouse, raw, "auto").as_metadata()
        again = scan_raw_folder(warehouse, raw, "auto").as_metadata()
        assert (first["scan"], again["scan"], again["folders_listed"]) == ("files", "files", 4)
        _write(raw / "b" / "c" / "6.txt", "neu")
        grown = scan_raw_folder(warehouse, raw, "auto").as_metadata()
        assert (grown["scan"], grown["new"]) == ("files", 1)
        trusting = scan_raw_folder(warehouse, raw, "auto").as_metadata()
    assert (trusting["scan"], trusting["folders_listed"], trusting["unchanged"]) == ("folders", 0, 6)


def test_a_scan_of_every_file_leaves_unchanged_folder_records_alone(tree: tuple[Path, Warehouse]) -> None:
    raw, warehouse = tree
    with seconds_later(3600):
        scan_raw_folder(warehouse, raw, "files")
        recorded = warehouse.data_version("_raw_folders")
        scan_raw_folder(warehouse, raw, "files")
        assert warehouse.data_version("_raw_folders") == recorded
        _write(raw / "a" / "7.txt", "neu")
        scan_raw_folder(warehouse, raw, "files")
    assert warehouse.data_version("_raw_folders") == recorded + 1


def test_folder_records_of_an_older_format_are_written_anew_not_a_reason_to_rebuild(
        tree: tuple[Path, Warehouse], tmp_path: Path) -> None:
    raw, warehouse = tree
    with seconds_later(3600):
        _scan(warehouse, raw)
        old = warehouse.read_arrow("_raw_folders").drop_columns(["listed_ns"])
        warehouse._write("_raw_folders", old, "overwrite",
                         {ingest.INVENTORY_VERSION: str(warehouse.data_version("_inventory"))})
        Warehouse(tmp_path / "warehouse").validate()
        assert _scan(warehouse, raw)["folders_listed"] == 4
        assert _scan(warehouse, raw)["folders_listed"] == 0


def test_folder_records_of_another_scan_version_are_not_trusted(
        tree: tuple[Path, Warehouse], monkeypatch: pytest.MonkeyPatch) -> None:
    raw, warehouse = tree
    with seconds_later(3600):
        monkeypatch.setattr(ingest, "SCAN_VERSION", "scan-0")
        _scan(warehouse, raw)
        monkeypatch.undo()
        assert _scan(warehouse, raw)["folders_listed"] == 4
        assert _scan(warehouse, raw)["folders_listed"] == 0


def test_a_folder_changed_just_now_is_listed_again(tree: tuple[Path, Warehouse]) -> None:
    """Its ctime may not change again within the same tick of the file system's clock."""
    raw, warehouse = tree
    _scan(warehouse, raw)
    assert {f["ctime_ns"] for f in warehouse.read_arrow("_raw_folders").to_pylist()} == {-1}
    assert _scan(warehouse, raw)["folders_listed"] == 4


def test_a_folder_with_a_file_written_lately_is_listed_again(tree: tuple[Path, Warehouse]) -> None:
    """A file may still be being written in place: its folder waits until it is quiet."""
    raw, warehouse = tree
    with seconds_later(30):
        _scan(warehouse, raw)
        assert _scan(warehouse, raw)["folders_listed"] == 4
    with seconds_later(3600):
        _scan(warehouse, raw)
        assert _scan(warehouse, raw)["folders_listed"] == 0


def test_a_folder_with_an_unreadable_file_is_listed_again(
        tree: tuple[Path, Warehouse], monkeypatch: pytest.MonkeyPatch) -> None:
    raw, warehouse = tree
    hash_file = ingest._sha256

    def unreadable(path: str) -> str:
        if path.endswith("2.txt"):
            raise PermissionError(13, "Permission denied")
        return hash_file(path)

    with seconds_later(3600):
        monkeypatch.setattr(ingest, "_sha256", unreadable)
        assert _scan(warehouse, raw)["rejected"] == 1
        assert _scan(warehouse, raw)["folders_listed"] == 1  # a/, where the file is
        monkeypatch.setattr(ingest, "_sha256", hash_file)
        fixed = _scan(warehouse, raw)
    assert (fixed["changed"], fixed["rejected"]) == (1, 0)


def test_a_run_killed_before_recording_the_folders_lists_them_again(
        tree: tuple[Path, Warehouse], monkeypatch: pytest.MonkeyPatch) -> None:
    raw, warehouse = tree

    def killed(self: object, table: str, rows: object, metadata: object = None) -> None:
        raise KeyboardInterrupt(table)

    with seconds_later(3600):
        _scan(warehouse, raw)
        _write(raw / "a" / "7.txt", "neu")
        with monkeypatch.context() as patch:
            patch.setattr(ingest.Transaction, "replace", killed)
            with pytest.raises(KeyboardInterrupt, match="_raw_folders"):
                _scan(warehouse, raw)
        rerun = _scan(warehouse, raw)
    assert (rerun["new"], rerun["unchanged"], rerun["folders_listed"]) == (0, 6, 1)
    assert "a/7.txt" in [path for path, _, _ in _inventory(warehouse)]


def test_folder_records_are_not_trusted_beside_an_inventory_deleted_or_rolled_back(
        tree: tuple[Path, Warehouse], tmp_path: Path) -> None:
    raw, warehouse = tree
    with seconds_later(3600):
        _scan(warehouse, raw)
        whole = _inventory(warehouse)
        shutil.rmtree(tmp_path / "warehouse" / "_inventory")
        rescan = _scan(warehouse, raw)
        assert (rescan["new"], rescan["deleted"], rescan["folders_listed"]) == (5, 0, 4)
        assert _inventory(warehouse) == whole
        _write(raw / "a" / "7.txt", "neu")
        _scan(warehouse, raw)  # records of the inventory's newest version: ahead of version 0
        inventory = tmp_path / "warehouse" / "_inventory" / "_delta_log"
        for commit in sorted(inventory.glob("*.json"))[1:]:
            commit.unlink()  # the inventory as it was, before a/7.txt
        for checkpoint in inventory.glob("*checkpoint*"):
            checkpoint.unlink()
        rolled_back = _scan(warehouse, raw)
    assert (rolled_back["new"], rolled_back["folders_listed"]) == (1, 4)
    assert "a/7.txt" in [path for path, _, _ in _inventory(warehouse)]


FOLDERS = st.sampled_from(["", "x/", "y/", "x/z/"])
NAMES = st.sampled_from(["1.txt", "2.txt", "3.html", "4.pdf"])
OPERATIONS = st.lists(st.tuples(st.sampled_from(["add", "delete", "replace", "rmdir"]),
                                FOLDERS, NAMES, st.text("ab", min_size=1, max_size=3)),
                      min_size=1, max_size=8)


@settings(max_examples=25, deadline=None)
@given(st.lists(OPERATIONS, min_size=1, max_size=4))
def test_trusting_folders_gives_the_inventory_of_a_scan_of_every_file(
        steps: list[list[tuple[str, str, str, str]]]) -> None:
    with tempfile.TemporaryDirectory() as folder, seconds_later(3600):
        root = Path(folder)
        raw = root / "raw"
        raw.mkdir()
        trusting, every_file = Warehouse(root / "trusting"), Warehouse(root / "every_file")
        for operations in steps:
            for operation, where, name, text in operations:
                path = raw / where / name
                if operation == "add":
                    if not path.exists():  # writing over it would rewrite it in place
                        _write(path, text)
                elif operation == "delete":
                    path.unlink(missing_ok=True)
                elif operation == "replace":  # as scrapers should update a file: aside, rename
                    _write(path.with_suffix(".tmp"), text)
                    os.replace(path.with_suffix(".tmp"), path)
                elif where:
                    shutil.rmtree(raw / where, ignore_errors=True)
            trusted = _scan(trusting, raw)
            listed = scan_raw_folder(every_file, raw).as_metadata()
            assert _inventory(trusting) == _inventory(every_file)
            # (`rejected` counts the rejected files looked at: all of them, or those of the
            # folders listed)
            for count in ("new", "changed", "unchanged", "deleted", "files"):
                assert trusted[count] == listed[count], count
