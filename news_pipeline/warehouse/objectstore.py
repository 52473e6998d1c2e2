"""Atomic, multi-table commits of the Parquet dataset on object storage (any fsspec filesystem).

Object stores have no symlinks, hard links, rename or flock, so the local design
(snapshots.py) is replaced by objects that are written once and never changed:

    <root>/snapshots/000000042/<table>/part-003.parquet   data files a commit wrote
    <root>/snapshots/000000042/manifest.json              table -> its files, which may live
                                                          in older snapshots' folders
    <root>/CURRENT                                         "000000042": the committed snapshot
    <root>/LOCK                                            the writer's lease (owner, expiry)

A commit writes only the bucket files it changed, then the manifest, then CURRENT, each a
single PUT. Readers follow CURRENT -> manifest -> files, so they see one committed snapshot
or the next, never a mix; a run killed before CURRENT leaves files that the next writer
deletes. One writer at a time is assumed: the lease makes a second one wait or fail, but it
is only as strong as the store's conditional "create if absent" (see Lease).
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq
from fsspec import AbstractFileSystem
from fsspec.core import url_to_fs
from fsspec.implementations.arrow import ArrowFSWrapper
from fsspec.implementations.local import LocalFileSystem

from news_pipeline.warehouse.snapshots import KEEP_SNAPSHOTS, WarehouseError, write_parquet

CURRENT = "CURRENT"
LOCK = "LOCK"
SNAPSHOTS = "snapshots"
MANIFEST = "manifest.json"
MANIFEST_FORMAT = "news_pipeline.warehouse.manifest/1"
LEASE_TTL_S = 300.0

Filesystem = AbstractFileSystem | pafs.FileSystem


def resolve(location: str, filesystem: Filesystem | None = None) -> tuple[AbstractFileSystem, str]:
    """The fsspec filesystem and the root path inside it, failing with a one-line cause."""
    if isinstance(filesystem, pafs.FileSystem):
        filesystem = ArrowFSWrapper(filesystem)
    if filesystem is not None:
        return filesystem, filesystem._strip_protocol(location).rstrip("/")
    try:
        fs, root = url_to_fs(location)
    except ImportError as error:  # e.g. s3:// without s3fs
        raise WarehouseError(f"cannot open warehouse {location}: {error}") from None
    except ValueError as error:  # unknown protocol
        raise WarehouseError(f"cannot open warehouse {location}: {error}") from None
    return fs, root.rstrip("/")


def _snapshot_name(number: int) -> str:
    return f"{number:09d}"


@dataclass(frozen=True)
class Manifest:
    """One committed snapshot: for each table, its files by name (paths relative to root)."""

    filesystem: AbstractFileSystem
    root: str
    number: int
    tables: Mapping[str, Mapping[str, str]]

    def files(self, table: str) -> dict[str, str]:
        """File name -> full path (inside `filesystem`) of each file of `table`."""
        return {name: f"{self.root}/{relative}"
                for name, relative in sorted(self.tables.get(table, {}).items())}

    def referenced(self) -> set[str]:
        return {relative for files in self.tables.values() for relative in files.values()}

    def to_json(self) -> bytes:
        return json.dumps({"format": MANIFEST_FORMAT, "snapshot": self.number,
                           "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                           "tables": self.tables}, indent=1, sort_keys=True).encode()


class ObjectDraft:
    """The next snapshot while a transaction builds it: its manifest entries and new files."""

    def __init__(self, filesystem: AbstractFileSystem, root: str, number: int) -> None:
        self.filesystem = filesystem
        self.root = root
        self.number = number
        self.prefix = f"{SNAPSHOTS}/{_snapshot_name(number)}"
        self.tables: dict[str, dict[str, str]] = {}
        self._written: set[tuple[str, str]] = set()
        self._made_dirs: set[str] = set()

    def write(self, table: str, name: str, arrow: pa.Table) -> None:
        with self._open(table, name) as handle:
            pq.write_table(arrow, handle, compression="zstd")

    def write_batches(self, table: str, name: str, schema: pa.Schema,
                      batches: Iterable[pa.RecordBatch]) -> None:
        with self._open(table, name) as handle:
            write_parquet(handle, schema, batches)

    @contextmanager
    def _open(self, table: str, name: str) -> Iterator[Any]:
        """The new file's handle; the file joins the draft once it was written."""
        relative = f"{self.prefix}/{table}/{name}"
        directory = f"{self.root}/{self.prefix}/{table}"
        if directory not in self._made_dirs:  # a no-op on object stores, needed on file://
            self.filesystem.makedirs(directory, exist_ok=True)
            self._made_dirs.add(directory)
        with self.filesystem.open(f"{self.root}/{relative}", "wb") as handle:
            yield handle
        self.tables.setdefault(table, {})[name] = relative
        self._written.add((table, name))

    def drafted(self, table: str, name: str) -> str | None:
        """Path of a file this transaction already wrote (it is read back from there)."""
        if (table, name) not in self._written:
            return None
        return f"{self.root}/{self.tables[table][name]}"

    def has_table(self, table: str) -> bool:
        return table in self.tables

    def carry_over(self, base: Manifest | None, replaced: set[str]) -> None:
        """Reference the base's files of every bucket not rewritten: nothing is copied."""
        if base is None:
            return
        for table, files in base.tables.items():
            if table in replaced:
                continue
            entries = self.tables.setdefault(table, {})
            for name, relative in files.items():
                entries.setdefault(name, relative)

    def manifest(self) -> Manifest:
        return Manifest(self.filesystem, self.root, self.number,
                        {table: dict(sorted(files.items())) for table, files in sorted(self.tables.items())})


class ObjectStore:
    """Snapshots of the warehouse at an fsspec URL (s3://bucket/news, memory://wh, file:///…)."""

    def __init__(self, location: str, filesystem: Filesystem | None = None,
                 lease_ttl_s: float = LEASE_TTL_S) -> None:
        self.location = location
        self.filesystem, self.root = resolve(location, filesystem)
        self.lease_ttl_s = lease_ttl_s
        self._lease: Lease | None = None

    def _path(self, relative: str) -> str:
        return f"{self.root}/{relative}"

    def current(self) -> Manifest | None:
        """The committed snapshot CURRENT names, or None for a warehouse never written."""
        # A writer may commit and prune between our reading CURRENT and the manifest: retry.
        for _ in range(3):
            number = self._current_number()
            if number is None:
                return None
            try:
                return self._manifest(number)
            except FileNotFoundError:
                continue
        raise WarehouseError(f"{self.location}: CURRENT names snapshot {number}, whose manifest "
                             f"is missing; restore it or delete {self._path(CURRENT)}")

    def _current_number(self) -> int | None:
        try:
            text = self.filesystem.cat_file(self._path(CURRENT)).decode("ascii", "replace").strip()
        except FileNotFoundError:
            return None
        if not text.isdigit():
            raise WarehouseError(f"{self._path(CURRENT)} does not name a snapshot ({text[:40]!r}): "
                                 f"{self.location} is not a news_pipeline warehouse; choose "
                                 "another location with NEWS_PIPELINE_WAREHOUSE")
        return int(text)

    def _manifest(self, number: int) -> Manifest:
        path = self._path(f"{SNAPSHOTS}/{_snapshot_name(number)}/{MANIFEST}")
        try:
            content = json.loads(self.filesystem.cat_file(path))
        except json.JSONDecodeError:
            content = None
        if not isinstance(content, dict) or content.get("format") != MANIFEST_FORMAT:
            raise WarehouseError(f"{path} is not a news_pipeline manifest; the warehouse at "
                                 f"{self.location} is corrupt or foreign")
        return Manifest(self.filesystem, self.root, number, content["tables"])

    @contextmanager
    def locked(self, timeout_s: float) -> Iterator[None]:
        """Hold the writer lease on <root>/LOCK (see Lease for how strong that is)."""
        self.ensure_writable()
        lease = Lease(self.filesystem, self._path(LOCK), self.location, self.lease_ttl_s)
        lease.acquire(timeout_s)
        self._lease = lease
        try:
            yield
        finally:
            self._lease = None
            lease.release()

    def begin(self) -> tuple[Manifest | None, ObjectDraft]:
        """The current snapshot and a draft of the next one; drops a killed run's leftovers."""
        current = self.current()
        number = current.number + 1 if current is not None else 1
        for leftover in self._snapshot_numbers():
            if leftover >= number:  # written by a run that died before publishing CURRENT
                self._remove_snapshot(leftover)
        return current, ObjectDraft(self.filesystem, self.root, number)

    def commit(self, draft: ObjectDraft) -> Manifest:
        """Publish `draft`: manifest first, CURRENT last (one PUT each)."""
        manifest = draft.manifest()
        self.filesystem.pipe_file(self._path(f"{draft.prefix}/{MANIFEST}"), manifest.to_json())
        if self._lease is not None:
            self._lease.check()  # another writer took over a lease we failed to renew: stop
        self._write_pointer(_snapshot_name(manifest.number).encode() + b"\n")
        self._prune(manifest)
        return manifest

    def abort(self, draft: ObjectDraft) -> None:
        self._remove_snapshot(draft.number)

    def ensure_writable(self) -> None:
        try:
            self.filesystem.makedirs(self.root, exist_ok=True)
        except OSError as error:
            raise WarehouseError(f"cannot create warehouse {self.location}: {error}; choose a "
                                 "writable location with NEWS_PIPELINE_WAREHOUSE") from None

    def _write_pointer(self, content: bytes) -> None:
        path = self._path(CURRENT)
        if isinstance(self.filesystem, LocalFileSystem):
            # A local "wb" truncates before it writes; a rename is what is atomic there.
            temporary = f"{path}.{uuid.uuid4().hex}.tmp"
            self.filesystem.pipe_file(temporary, content)
            os.replace(temporary, path)
        else:
            self.filesystem.pipe_file(path, content)  # one PUT: atomic on S3, GCS, Azure

    def _snapshot_numbers(self) -> list[int]:
        try:
            entries = self.filesystem.ls(self._path(SNAPSHOTS), detail=False, refresh=True)
        except FileNotFoundError:
            return []
        names = (entry.rstrip("/").rsplit("/", 1)[-1] for entry in entries)
        return sorted(int(name) for name in names if name.isdigit())

    def _remove_snapshot(self, number: int) -> None:
        with suppress(FileNotFoundError):
            self.filesystem.rm(self._path(f"{SNAPSHOTS}/{_snapshot_name(number)}"), recursive=True)

    def _prune(self, current: Manifest) -> None:
        """Delete files no manifest of the last KEEP_SNAPSHOTS references.

        Readers that resolved an older snapshot a moment ago keep working on the last few,
        as with the local store.
        """
        oldest_kept = current.number - KEEP_SNAPSHOTS + 1
        referenced = current.referenced()
        for number in range(max(oldest_kept, 1), current.number):
            with suppress(FileNotFoundError, WarehouseError):
                referenced |= self._manifest(number).referenced()
        self.filesystem.invalidate_cache(self._path(SNAPSHOTS))
        by_snapshot: dict[int, list[str]] = {}
        for path in self.filesystem.find(self._path(SNAPSHOTS)):
            relative = path[len(self.root) + 1:]
            parts = relative.split("/")
            if len(parts) >= 3 and parts[1].isdigit() and int(parts[1]) < oldest_kept:
                by_snapshot.setdefault(int(parts[1]), []).append(relative)
        for number, files in sorted(by_snapshot.items()):
            unused = [f for f in files if f not in referenced]
            if len(unused) == len(files):
                self._remove_snapshot(number)
            elif unused:
                self.filesystem.rm([self._path(f) for f in unused])


@dataclass
class Lease:
    """A writer lease: <root>/LOCK holds the owner and an expiry, renewed while held.

    It is created with the filesystem's "create if absent" (open mode "xb": O_EXCL locally,
    If-None-Match on S3 with a recent s3fs, GCS and Azure through gcsfs/adlfs), so two
    writers racing for a free lease cannot both win there. Where the filesystem has no such
    write it falls back to check-then-write and re-reads the owner: best effort only. An
    expired lease (its writer died) is taken over; the owner is re-checked before CURRENT is
    written, so a writer that lost its lease does not publish. Clocks must roughly agree.
    """

    filesystem: AbstractFileSystem
    path: str
    location: str
    ttl_s: float = LEASE_TTL_S
    owner: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:"
                                                f"{uuid.uuid4().hex[:8]}")
    lost: bool = False
    _stop: threading.Event = field(default_factory=threading.Event)
    _renewer: threading.Thread | None = None

    def acquire(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while not self._try_create():
            holder = self._read()
            if holder is not None and holder.get("expires_at", 0.0) < time.time():
                self._break(holder)  # its writer died without releasing: take over
                continue
            if time.monotonic() >= deadline:
                raise WarehouseError(self._held_message(holder, timeout_s))
            time.sleep(max(0.05, min(1.0, deadline - time.monotonic())))
        self._renewer = threading.Thread(target=self._renew_until_stopped, daemon=True,
                                         name=f"warehouse-lease-{self.owner}")
        self._renewer.start()

    def release(self) -> None:
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
        holder = self._read()
        if holder is not None and holder.get("owner") == self.owner:
            with suppress(FileNotFoundError):
                self.filesystem.rm(self.path)

    def check(self) -> None:
        """Raise unless this lease still holds LOCK."""
        holder = self._read()
        if self.lost or holder is None or holder.get("owner") != self.owner:
            owner = (holder or {}).get("owner", "nobody")
            raise WarehouseError(f"lost the lock on {self.location} to {owner} (lease not renewed "
                                 f"within {self.ttl_s:.0f}s); this transaction was not committed")

    def _record(self) -> bytes:
        now = time.time()
        return json.dumps({"owner": self.owner, "expires_at": now + self.ttl_s,
                           "acquired_at": datetime.fromtimestamp(now, timezone.utc).isoformat()}).encode()

    def _try_create(self) -> bool:
        try:
            with self.filesystem.open(self.path, "xb") as handle:
                handle.write(self._record())
        except FileExistsError:
            return False
        except (ValueError, NotImplementedError):  # no exclusive create here: best effort
            if self.filesystem.exists(self.path):
                return False
            self.filesystem.pipe_file(self.path, self._record())
        # Where "xb" is not atomic a racing writer may have overwritten ours: re-read.
        holder = self._read()
        return holder is not None and holder.get("owner") == self.owner

    def _read(self) -> dict[str, Any] | None:
        """The lease record, None if absent; one being written reads as held, not expired."""
        try:
            content = self.filesystem.cat_file(self.path)
        except FileNotFoundError:
            return None
        try:
            record = json.loads(content)
        except json.JSONDecodeError:
            record = None
        if not isinstance(record, dict):
            return {"owner": "unknown (unreadable LOCK)", "expires_at": float("inf")}
        return record

    def _break(self, stale: dict[str, Any]) -> None:
        # Re-read just before deleting: another waiter may have taken over meanwhile.
        if self._read() == stale:
            with suppress(FileNotFoundError):
                self.filesystem.rm(self.path)

    def _renew_until_stopped(self) -> None:
        while not self._stop.wait(self.ttl_s / 3):
            try:
                holder = self._read()
                if holder is None or holder.get("owner") != self.owner:
                    self.lost = True
                    return
                self.filesystem.pipe_file(self.path, self._record())
            except OSError:
                continue  # a network hiccup: try again before the lease runs out

    def _held_message(self, holder: dict[str, Any] | None, timeout_s: float) -> str:
        owner = (holder or {}).get("owner", "unknown")
        expires = (holder or {}).get("expires_at", float("inf"))
        until = (datetime.fromtimestamp(expires, timezone.utc).isoformat(timespec="seconds")
                 if expires != float("inf") else "unknown")
        return (f"another run holds the lock on {self.location} ({self.path}, owner {owner}, "
                f"lease until {until}) for more than {timeout_s:.0f}s; wait for it to finish "
                f"and retry, or delete {self.path} if that run is dead")
