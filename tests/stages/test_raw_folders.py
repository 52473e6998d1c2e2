"""Scanning with trusted folders (NEWS_PIPELINE_RAW_SCAN=folders): a folder whose mtime is as
recorded is not listed, and the inventory comes out as a scan of every file would make it."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from news_pipeline.stages import ingest
from news_pipeline.stages.ingest import scan_raw_folder
from news_pipeline.warehouse import Warehouse

# Folder mtimes are set to this fake past clock before each scan: a folder that nothing
# changed keeps its fake time, one that an operation changed has the real time now.
_PAST_NS = time.time_ns() - 86_400 * 10**9


class FakeClock:
    def __init__(self) -> None:
        self.now_ns = _PAST_NS

    def settle(self, root: Path) -> None:
        """Give every folder changed since the last settle a new, older-than-now mtime."""
        self.now_ns += 10**9
        for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
            stat = folder.stat()
            if stat.st_mtime_ns > self.now_ns:
                os.utime(folder, ns=(stat.st_atime_ns, self.now_ns))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _inventory(warehouse: Warehouse) -> list[tuple[str, str | None, str | None]]:
    rows = warehouse.read_arrow("_inventory", ["source_path", "content_sha256", "error"]).to_pylist()
    return sorted((r["source_path"], r["content_sha256"], r["error"]) for r in rows)


def _tree(root: Path) -> None:
    for path in ("a/1.txt", "a/2.txt", "b/3.txt", "b/c/4.txt", "5.txt"):
        _write(root / path, f"Artikel {path}")


def test_unchanged_folders_are_trusted_and_changes_found(tmp_path: Path) -> None:
    raw, warehouse, clock = tmp_path / "raw", Warehouse(tmp_path / "warehouse"), FakeClock()
    _tree(raw)
    clock.settle(raw)
    first = scan_raw_folder(warehouse, raw, trust_folders=True).as_metadata()
    assert (first["new"], first["folders_listed"], first["folders_trusted"]) == (5, 4, 0)

    again = scan_raw_folder(warehouse, raw, trust_folders=True).as_metadata()
    assert (again["new"], again["unchanged"], again["files"]) == (0, 5, 5)
    assert (again["folders_listed"], again["folders_trusted"]) == (0, 4)

    _write(raw / "b" / "c" / "6.txt", "neu")
    (raw / "a" / "1.txt").unlink()
    clock.settle(raw)
    changed = scan_raw_folder(warehouse, raw, trust_folders=True).as_metadata()
    assert (changed["new"], changed["deleted"], changed["unchanged"]) == (1, 1, 4)
    assert (changed["folders_listed"], changed["folders_trusted"]) == (2, 2)

    shutil.rmtree(raw / "b")
    clock.settle(raw)
    gone = scan_raw_folder(warehouse, raw, trust_folders=True).as_metadata()
    assert (gone["deleted"], gone["files"]) == (3, 2)
    assert [path for path, _, _ in _inventory(warehouse)] == ["5.txt", "a/2.txt"]


def test_a_file_rewritten_in_place_is_found_by_a_scan_of_every_file(tmp_path: Path) -> None:
    """The documented limit: rewriting a file in place leaves its folder's mtime as it was."""
    raw, warehouse, clock = tmp_path / "raw", Warehouse(tmp_path / "warehouse"), FakeClock()
    _tree(raw)
    clock.settle(raw)
    scan_raw_folder(warehouse, raw, trust_folders=True)
    (raw / "a" / "2.txt").write_text("Artikel, neu geschrieben", encoding="utf-8")
    assert scan_raw_folder(warehouse, raw, trust_folders=True).as_metadata()["changed"] == 0
    assert scan_raw_folder(warehouse, raw).as_metadata()["changed"] == 1


def test_a_folder_changed_just_now_is_listed_again(tmp_path: Path) -> None:
    """Its mtime may not change again within the same tick of the file system's clock."""
    raw, warehouse = tmp_path / "raw", Warehouse(tmp_path / "warehouse")
    _tree(raw)
    scan_raw_folder(warehouse, raw, trust_folders=True)
    folders = warehouse.read_arrow("_raw_folders").to_pylist()
    assert {f["mtime_ns"] for f in folders} == {-1}
    assert scan_raw_folder(warehouse, raw, trust_folders=True).as_metadata()["folders_listed"] == 4


def test_a_run_killed_before_recording_the_folders_lists_them_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw, warehouse, clock = tmp_path / "raw", Warehouse(tmp_path / "warehouse"), FakeClock()
    _tree(raw)
    clock.settle(raw)
    scan_raw_folder(warehouse, raw, trust_folders=True)
    _write(raw / "a" / "7.txt", "neu")
    clock.settle(raw)

    def killed(self: object, table: str, rows: object) -> None:
        raise KeyboardInterrupt(table)

    with monkeypatch.context() as patch:
        patch.setattr(ingest.Transaction, "replace", killed)
        with pytest.raises(KeyboardInterrupt, match="_raw_folders"):
            scan_raw_folder(warehouse, raw, trust_folders=True)
    rerun = scan_raw_folder(warehouse, raw, trust_folders=True).as_metadata()
    assert (rerun["new"], rerun["unchanged"], rerun["folders_listed"]) == (0, 6, 1)
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
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        raw, clock = root / "raw", FakeClock()
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
                elif operation == "replace":  # as scrapers update a file: write aside, rename
                    _write(path.with_suffix(".tmp"), text)
                    os.replace(path.with_suffix(".tmp"), path)
                elif where:
                    shutil.rmtree(raw / where, ignore_errors=True)
            clock.settle(raw)
            trusted = scan_raw_folder(trusting, raw, trust_folders=True).as_metadata()
            listed = scan_raw_folder(every_file, raw).as_metadata()
            assert _inventory(trusting) == _inventory(every_file)
            # (`rejected` counts the rejected files looked at: all of them, or those of the
            # folders listed)
            for count in ("new", "changed", "unchanged", "deleted", "files"):
                assert trusted[count] == listed[count], count
