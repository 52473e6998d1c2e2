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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

KEEP_SNAPSHOTS = 3


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

    def begin(self) -> tuple[Path | None, Path]:
        """The current snapshot and a fresh directory to build the next one in."""
        current = self.current()
        self.store.mkdir(parents=True, exist_ok=True)
        for leftover in self.store.glob("*.tmp"):  # from a run killed before its commit
            shutil.rmtree(leftover, ignore_errors=True)
        number = int(current.name) + 1 if current is not None else 1
        draft = self.store / f"{number:09d}.tmp"
        draft.mkdir()
        return current, draft

    def commit(self, draft: Path, written: list[Path]) -> Path:
        """Publish `draft`; `written` are its new files (hard links are durable already)."""
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


def _fsync_dir(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
