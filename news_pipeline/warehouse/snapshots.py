"""Atomic, multi-table commits of a Parquet dataset on a local file system.

The warehouse path (e.g. data/warehouse) is a symbolic link to one immutable snapshot
directory. A commit builds the next snapshot beside it, hard-linking every unchanged file
and writing only the changed ones, then swaps the link with one rename. A reader, or a
run killed at any point, therefore sees either the old or the new dataset, never a mix.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.parquet as pq

KEEP_SNAPSHOTS = 3
# Rows per Parquet row group of files written from record batches.
ROW_GROUP_ROWS = 65_536


class WarehouseError(RuntimeError):
    """A warehouse path that cannot be used; the message says why and how to fix it."""


class SnapshotStore:
    def __init__(self, link: Path) -> None:
        self.link = link
        self.store = link.parent / f".{link.name}.snapshots"
        self.lock_path = link.parent / f".{link.name}.lock"

    def current(self) -> Path | None:
        if not os.path.lexists(self.link):
            return None
        if not self.link.is_symlink():
            raise WarehouseError(
                f"{self.link} exists but is not a news_pipeline warehouse (expected a link to a "
                f"snapshot in {self.store}); move it away or set NEWS_PIPELINE_WAREHOUSE elsewhere"
            )
        target = self.link.resolve()
        if not target.is_dir():
            raise WarehouseError(f"{self.link} points to missing snapshot {target}; remove the link")
        return target

    @contextmanager
    def locked(self, timeout_s: float) -> Iterator[None]:
        """Serialise writers: a second run waits for the first, then fails with a clear message."""
        self.ensure_writable()
        with open(self.lock_path, "a+") as handle:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise WarehouseError(
                            f"another run holds the lock on {self.link} ({self.lock_path}) for more "
                            f"than {timeout_s:.0f}s; wait for it to finish and retry"
                        ) from None
                    time.sleep(0.2)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def begin(self) -> tuple[Path | None, LocalDraft]:
        """The current snapshot and a fresh directory to build the next one in."""
        current = self.current()
        self.store.mkdir(parents=True, exist_ok=True)
        for leftover in self.store.glob("*.tmp"):  # from a run killed before its commit
            shutil.rmtree(leftover, ignore_errors=True)
        number = int(current.name) + 1 if current is not None else 1
        draft = self.store / f"{number:09d}.tmp"
        draft.mkdir()
        return current, LocalDraft(draft)

    def abort(self, draft: LocalDraft) -> None:
        shutil.rmtree(draft.directory, ignore_errors=True)

    def commit(self, local_draft: LocalDraft) -> Path:
        """Publish the draft; only its new files need an fsync (hard links are durable already)."""
        draft, written = local_draft.directory, local_draft.written
        final = draft.with_suffix("")
        for path in written:
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
        for directory in {path.parent for path in written} | {draft}:
            _fsync_dir(directory)
        os.rename(draft, final)
        temporary_link = self.link.parent / f".{self.link.name}.link.tmp"
        if os.path.lexists(temporary_link):
            temporary_link.unlink()
        os.symlink(os.path.relpath(final, self.link.parent), temporary_link)
        os.replace(temporary_link, self.link)
        _fsync_dir(self.link.parent)
        self._drop_old_snapshots(keep=final)
        return final

    def _drop_old_snapshots(self, keep: Path) -> None:
        snapshots = sorted(p for p in self.store.iterdir() if p.is_dir() and p.name.isdigit())
        # Readers that opened an older snapshot a moment ago keep working on the last few.
        for old in snapshots[:-KEEP_SNAPSHOTS]:
            if old != keep:
                shutil.rmtree(old, ignore_errors=True)

    def ensure_writable(self) -> None:
        try:
            self.link.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise WarehouseError(
                f"cannot create warehouse folder {self.link.parent}: {error.strerror}; "
                "choose a writable path with NEWS_PIPELINE_WAREHOUSE"
            ) from None
        if not os.access(self.link.parent, os.W_OK):
            raise WarehouseError(
                f"warehouse folder {self.link.parent} is not writable; fix its permissions or "
                "choose another path with NEWS_PIPELINE_WAREHOUSE"
            )


class LocalDraft:
    """The next snapshot directory while a transaction builds it."""

    filesystem = None  # plain local paths

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.written: list[Path] = []

    def write(self, table: str, name: str, arrow: pa.Table) -> None:
        directory = self.directory / table
        directory.mkdir(exist_ok=True)
        path = directory / name
        pq.write_table(arrow, path, compression="zstd")
        self.written.append(path)

    def write_batches(self, table: str, name: str, schema: pa.Schema,
                      batches: Iterable[pa.RecordBatch]) -> None:
        directory = self.directory / table
        directory.mkdir(exist_ok=True)
        path = directory / name
        write_parquet(path, schema, batches)
        self.written.append(path)

    def drafted(self, table: str, name: str) -> str | None:
        """Path of a file this transaction already wrote (it is read back from there)."""
        path = self.directory / table / name
        return str(path) if path.exists() else None

    def has_table(self, table: str) -> bool:
        return (self.directory / table).exists()

    def carry_over(self, base: Path | None, replaced: set[str]) -> None:
        """Hard-link every file of the base that this transaction did not rewrite."""
        if base is None:
            return
        for table_dir in sorted(p for p in base.iterdir() if p.is_dir()):
            if table_dir.name in replaced:
                continue
            (self.directory / table_dir.name).mkdir(exist_ok=True)
            for file in table_dir.glob("*.parquet"):
                target = self.directory / table_dir.name / file.name
                if not target.exists():
                    os.link(file, target)


def write_parquet(where: Path | IO[bytes], schema: pa.Schema,
                  batches: Iterable[pa.RecordBatch]) -> None:
    """A Parquet file (path or open binary file) from record batches, in row groups of
    ROW_GROUP_ROWS (the last one smaller): small batches (filtered ones) make no small
    row groups, and one row group is held at a time."""
    with pq.ParquetWriter(where, schema, compression="zstd") as writer:
        pending = schema.empty_table()
        for batch in batches:
            pending = pa.concat_tables([pending, pa.Table.from_batches([batch], schema)])
            while pending.num_rows >= ROW_GROUP_ROWS:
                writer.write_table(pending.slice(0, ROW_GROUP_ROWS), ROW_GROUP_ROWS)
                pending = pending.slice(ROW_GROUP_ROWS)
        if pending.num_rows:
            writer.write_table(pending, ROW_GROUP_ROWS)


def _fsync_dir(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
