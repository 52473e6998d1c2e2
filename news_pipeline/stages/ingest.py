"""Stage 1: inventory of the raw folder (path, size, mtime, content hash)."""

from __future__ import annotations

import hashlib
import logging
import os
import time
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from stat import S_ISLNK, S_ISREG

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from news_pipeline import settings
from news_pipeline.stages.report import StageReport
from news_pipeline.warehouse import SCHEMAS, Transaction, Warehouse, positions

SCAN_VERSION = "scan-2"
SUPPORTED_SUFFIXES = (".txt", ".html", ".htm")
_HASH_CHUNK = 1 << 20

log = logging.getLogger(__name__)


class RawFolderError(FileNotFoundError):
    """The raw folder is missing or not a folder; the message says how to fix it."""


@dataclass(frozen=True)
class RawFile:
    article_id: str
    source_path: str
    size: int
    mtime_ns: int
    content_sha256: str | None
    error: str | None
    ingest_month: str  # when the file was first seen: the partition of all its article's rows


RAW_FILE_FIELDS = tuple(RawFile.__annotations__)


def article_id_for(source_path: str) -> str:
    """Stable id of an article: derived from its path under the raw folder."""
    return hashlib.sha256(source_path.encode("utf-8")).hexdigest()[:16]


def check_raw_folder(raw_dir: Path) -> None:
    if not raw_dir.is_dir():
        raise RawFolderError(
            f"raw folder {raw_dir} does not exist or is not a folder; create it and put the "
            f"articles there, or point NEWS_PIPELINE_RAW_DIR at your articles"
        )


def stat_raw_files(raw_dir: Path) -> pa.Table:
    """Every non-hidden file under `raw_dir` as one lstat saw it, in listing order: its
    `source_path` (relative, posix), size, mtime_ns, whether it is a plain file (not a
    symlink, a device, ...) and whether its path is valid UTF-8 (if not, `source_path` spells
    the other bytes as \\xNN)."""
    return list_raw_folder(raw_dir).files


@dataclass(frozen=True)
class RawFolder:
    folder: str  # the prefix of its files' paths: "" for the raw folder, else ending in "/"
    ctime_ns: int  # its status-change time when listed; -1: not to be trusted, list it again
    files: int  # listed directly in it
    listed_ns: int  # when its files were last stat-ed (the start of that listing)


RAW_FOLDER_FIELDS = tuple(RawFolder.__annotations__)
# Commit metadata of `_raw_folders`: the version of `_inventory` its records go with, and
# the scan version that wrote them (records of another version are not trusted).
INVENTORY_VERSION = "news_pipeline.inventory_version"
SCAN_VERSION_KEY = "news_pipeline.scan_version"
# With the scan "auto", folders are trusted from this many files on: below, the stat of
# every file costs under half a second, and a file rewritten in place is seen at once.
AUTO_FOLDERS_FROM = 100_000

# A folder changed this close to its listing can change again within the same tick of the
# file system's clock, keeping its ctime: it is trusted only once a later listing sees it older.
_RACY_NS = 2_000_000_000
# A file modified this close to the listing may still be being written (in place, which
# does not touch its folder): its folder is listed again until the file has been quiet.
_WRITING_NS = 60_000_000_000
_now_ns = time.time_ns


@dataclass
class Listing:
    files: pa.Table  # the files of the folders listed (_LISTING_SCHEMA)
    folders: list[RawFolder]  # every folder under the raw folder, as it is now
    listed: set[str]  # the folders whose files were listed; the others were trusted
    rechecked: int  # folders listed only because their re-check time had come

    @property
    def trusted_files(self) -> int:
        return sum(f.files for f in self.folders if f.folder not in self.listed)


def list_raw_folder(raw_dir: Path, trusted: Mapping[str, RawFolder] | None = None,
                    recheck_hours: int = settings.RAW_RECHECK_HOURS) -> Listing:
    """Every folder under `raw_dir`, and the files of those not `trusted`.

    A folder's status-change time (ctime) changes when an entry is added to it, removed or
    renamed (and no tool can set it back, as `touch -r` or `rsync -a` set an mtime), not when
    a file in it is rewritten in place: a folder recorded in `trusted` whose ctime is
    unchanged is not listed (its files are taken as they were, its subfolders as recorded)
    unless its files were stat-ed longer ago than its re-check time (between half and all
    of `recheck_hours`, by its name). Without `trusted` every file is stat-ed.
    The folder can hold millions of files: one stat per file, relative to its folder's
    descriptor, into plain lists that become Arrow batches every few thousand files (no
    Path, stat result or Python object kept per file)."""
    check_raw_folder(raw_dir)
    walk = _Walk(dict(trusted or {}), _now_ns(), recheck_hours * 3_600_000_000_000)
    _list_folder(os.fspath(raw_dir), "", True, walk)
    walk.columns.flush()
    return Listing(pa.Table.from_batches(walk.columns.batches, _LISTING_SCHEMA), walk.folders,
                   walk.listed, walk.rechecked)


_LISTING_SCHEMA = pa.schema([("source_path", pa.string()), ("size", pa.int64()),
                             ("mtime_ns", pa.int64()), ("plain", pa.bool_()),
                             ("utf8_path", pa.bool_())])


# Files listed into Python lists before they become an Arrow batch.
_LISTING_BATCH = 8192


@dataclass
class _Columns:
    paths: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    mtimes: list[int] = field(default_factory=list)
    plain: list[bool] = field(default_factory=list)
    utf8: list[bool] = field(default_factory=list)
    batches: list[pa.RecordBatch] = field(default_factory=list)

    def flush(self) -> None:
        """The listed files as one Arrow batch; the lists start empty again."""
        if self.paths:
            self.batches.append(pa.RecordBatch.from_arrays(
                [pa.array(self.paths, pa.string()), pa.array(self.sizes, pa.int64()),
                 pa.array(self.mtimes, pa.int64()), pa.array(self.plain, pa.bool_()),
                 pa.array(self.utf8, pa.bool_())], schema=_LISTING_SCHEMA))
        for values in (self.paths, self.sizes, self.mtimes, self.plain, self.utf8):
            values.clear()


@dataclass
class _Walk:
    trusted: dict[str, RawFolder]
    started_ns: int
    recheck_ns: int
    rechecked: int = 0
    columns: _Columns = field(default_factory=_Columns)
    folders: list[RawFolder] = field(default_factory=list)
    listed: set[str] = field(default_factory=set)
    subfolders: dict[str, list[str]] = field(default_factory=dict)  # of trusted folders, by name

    def __post_init__(self) -> None:
        for folder in self.trusted:
            if folder:
                parent, _, name = folder[:-1].rpartition("/")
                self.subfolders.setdefault(parent + "/" if parent else "", []).append(name)

    def due(self, folder: RawFolder) -> bool:
        """Whether the files of an unchanged folder are to be stat-ed again. Each folder has
        its own point in the second half of the period, fixed by its name: a corpus listed
        at once is re-checked a few folders per run, not all in one."""
        share = zlib.crc32(folder.folder.encode("utf-8")) / 2**32
        return self.started_ns >= folder.listed_ns + self.recheck_ns * (1 + share) / 2


def _list_folder(folder: str, prefix: str, utf8_prefix: bool, walk: _Walk) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        # Skipping it would take its articles for deleted.
        raise _unlistable(folder, error) from None
    try:
        ctime = os.fstat(descriptor).st_ctime_ns
        known = walk.trusted.get(prefix)
        unchanged = known is not None and known.ctime_ns == ctime
        if unchanged and not walk.due(known):
            walk.folders.append(known)
            subfolders = walk.subfolders.get(prefix, [])
        else:
            walk.rechecked += unchanged
            subfolders, files, newest = _list_files(descriptor, prefix, utf8_prefix, walk.columns)
            trust = (ctime < walk.started_ns - _RACY_NS and newest < walk.started_ns - _WRITING_NS
                     and all(map(_utf8, subfolders)))
            walk.folders.append(RawFolder(prefix, ctime if trust else -1, files, walk.started_ns))
            walk.listed.add(prefix)
    finally:
        os.close(descriptor)
    if len(walk.columns.paths) >= _LISTING_BATCH:
        walk.columns.flush()
    for name in subfolders:
        _list_folder(os.path.join(folder, name), f"{prefix}{_readable(name)}/",
                     utf8_prefix and _utf8(name), walk)


def _unlistable(folder: str, error: OSError) -> RawFolderError:
    return RawFolderError(f"cannot list raw folder {folder}: {error.strerror}; make it "
                          "readable, or move it out of the raw folder")


def _list_files(descriptor: int, prefix: str, utf8_prefix: bool,
                columns: _Columns) -> tuple[list[str], int, int]:
    """Stat the files of the folder open as `descriptor` into `columns`; the names of its
    subfolders, how many files it holds and the newest mtime among them."""
    with os.scandir(descriptor) as entries:
        # The folder entry's own type: no stat for subfolders; symlinks to folders are
        # files here (not followed), and their stat says they are links.
        names = [(e.name, e.is_dir(follow_symlinks=False)) for e in entries
                 if not e.name.startswith(".")]
    subfolders, newest = [], 0
    for name, is_folder in names:
        if is_folder:
            subfolders.append(name)
            continue
        try:
            stat = os.stat(name, dir_fd=descriptor, follow_symlinks=False)
            size, mtime, regular = stat.st_size, stat.st_mtime_ns, S_ISREG(stat.st_mode)
        except OSError:  # gone since the listing, or unreadable: inspected one by one
            size, mtime, regular = 0, 0, False
        utf8 = utf8_prefix and _utf8(name)
        columns.paths.append(prefix + (name if utf8 else _readable(name)))
        columns.sizes.append(size)
        columns.mtimes.append(mtime)
        columns.plain.append(regular and utf8)
        columns.utf8.append(utf8)
        newest = max(newest, mtime)
    return subfolders, len(names) - len(subfolders), newest


def _utf8(name: str) -> bool:
    """Whether a name from the file system is valid UTF-8 (Python keeps other bytes as
    lone surrogates, which no table can store)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _readable(name: str) -> str:
    return name if _utf8(name) else os.fsencode(name).decode("utf-8", "backslashreplace")


def fingerprint_raw_folder(raw_dir: Path, by_folders: bool = False) -> str:
    """Cheap digest of paths, sizes and mtimes: changes when any file is added/changed/removed
    (`by_folders`: of the folders' paths and ctimes, which change when a file in them is
    added, removed or renamed: no stat of a file, as a scan trusting folders does)."""
    if by_folders:
        check_raw_folder(raw_dir)
        return hashlib.sha256(repr(sorted(_folder_ctimes(os.fspath(raw_dir), ""))).encode()).hexdigest()
    table = _in_path_order(stat_raw_files(raw_dir))
    digest = hashlib.sha256("\0".join(table.column("source_path").to_pylist()).encode())
    for column in ("size", "mtime_ns"):
        digest.update(table.column(column).to_numpy().tobytes())
    return digest.hexdigest()


def _folder_ctimes(folder: str, prefix: str) -> Iterator[tuple[str, int]]:
    try:
        yield prefix, os.stat(folder).st_ctime_ns
        with os.scandir(folder) as entries:
            subfolders = [e.name for e in entries
                          if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)]
    except OSError as error:
        raise _unlistable(folder, error) from None
    for name in subfolders:
        yield from _folder_ctimes(os.path.join(folder, name), f"{prefix}{_readable(name)}/")


def _in_path_order(table: pa.Table) -> pa.Table:
    return table.take(pc.sort_indices(table, [("source_path", "ascending")]))


def this_month() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m")


def inspect_file(raw_dir: Path, relative: str, path: str | None, previous: RawFile | None,
                 month: str) -> RawFile:
    """Stat the file and hash it unless size and mtime match the previous scan (`path` None:
    a path that is not UTF-8, rejected). A file seen before keeps its month; a new one gets
    `month`."""
    article_id = previous.article_id if previous is not None else article_id_for(relative)
    file = _inspect(raw_dir, relative, path, previous, article_id)
    if file is previous:  # unchanged: most files of every run, so no copy
        return previous
    return replace(file, ingest_month=previous.ingest_month if previous else month)


def _inspect(raw_dir: Path, relative: str, path: str | None, previous: RawFile | None,
             article_id: str) -> RawFile:
    if path is None:
        return RawFile(article_id, relative, 0, 0, None,
                       "file_name_not_utf8 (rename the file or its folder to UTF-8)", "")
    try:
        # One lstat per plain file: the folder can hold millions of them.
        stat = os.lstat(path)
        if S_ISLNK(stat.st_mode):
            target = Path(path).resolve()
            if not target.is_relative_to(raw_dir.resolve()):
                return RawFile(article_id, relative, 0, stat.st_mtime_ns, None,
                               "symlink_outside_raw_folder", "")
            stat = target.stat()
        if not S_ISREG(stat.st_mode):
            return RawFile(article_id, relative, 0, stat.st_mtime_ns, None, "not_a_regular_file", "")
        suffix = _suffix(path)
        if suffix.lower() not in SUPPORTED_SUFFIXES:
            return RawFile(article_id, relative, stat.st_size, stat.st_mtime_ns, None,
                           f"unsupported_file_type ({suffix or 'no suffix'})", "")
        if (previous is not None and previous.content_sha256 is not None
                and (previous.size, previous.mtime_ns) == (stat.st_size, stat.st_mtime_ns)):
            return previous
        return RawFile(article_id, relative, stat.st_size, stat.st_mtime_ns, _sha256(path), None, "")
    except OSError as error:
        return RawFile(article_id, relative, 0, 0, None, f"unreadable ({error.strerror})", "")


def _suffix(path: str) -> str:
    """Path(path).suffix, without building a Path."""
    name = os.path.basename(path)
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def scan_raw_folder(warehouse: Warehouse, raw_dir: Path, scan: settings.RawScan = "files",
                    recheck_hours: int = settings.RAW_RECHECK_HOURS) -> StageReport:
    """Record the current inventory of `raw_dir`; count what changed since the last scan.

    Listing and inventory are compared column-wise: only files whose stat differs from
    their inventory row (new, touched, rejected before) are looked at one by one. A scan
    that trusts folders (trusts_folders) does not list those whose ctime is as recorded
    (list_raw_folder): for archives whose articles are added, replaced by rename or deleted,
    and appear whole (written aside, then renamed into place); a file rewritten in place is
    found when its folder's re-check time comes."""
    month = this_month()
    with warehouse.transaction() as tx:
        recorded = recorded_folders(warehouse)
        trusting = trusts_folders(scan, recorded)
        listing = list_raw_folder(raw_dir, recorded if trusting else None, recheck_hours)
        looked_at, previous, deleted = _compare(listing.files, _inventory_of(tx, listing, recorded))
        root = os.fspath(raw_dir)
        files = [inspect_file(raw_dir, relative, os.path.join(root, relative) if utf8 else None,
                              earlier, month)
                 for relative, utf8, earlier in zip(looked_at.column("source_path").to_pylist(),
                                                    looked_at.column("utf8_path").to_pylist(),
                                                    previous)]
        report = StageReport(deleted=len(deleted))
        for file, earlier in zip(files, previous):
            if earlier is None:
                report.new += 1
            elif (earlier.content_sha256, earlier.error) != (file.content_sha256, file.error):
                report.changed += 1
            report.rejected += file.error is not None
        listed = listing.files.num_rows + listing.trusted_files
        report.unchanged = listed - report.new - report.changed
        changed_rows = [f for f, earlier in zip(files, previous) if f != earlier]
        tx.upsert("_inventory", pd.DataFrame(changed_rows, columns=list(RAW_FILE_FIELDS)),
                  delete_keys=list(deleted),
                  months={f.ingest_month for f in changed_rows} | set(deleted.values()),
                  known_new=[f.article_id for f, earlier in zip(files, previous) if earlier is None])
        # A file that could not be read (permissions, I/O) is tried again at every run, as
        # a scan of every file does: fixing it need not touch its folder.
        retry = {_folder_of(f.source_path) for f in files if (f.error or "").startswith("unreadable")}
        folders = {f.folder: replace(f, ctime_ns=-1) if f.folder in retry else f
                   for f in listing.folders}
        if not trusting:  # an unchanged folder keeps its record: no commit at every run
            folders = {name: recorded[name] if _same_but_listed_ns(recorded.get(name), folder)
                       else folder for name, folder in folders.items()}
        # After the inventory, naming its version: a run killed between the two lists again
        # the folders it listed (their ctimes differ from the records still).
        if folders != recorded:
            tx.replace("_raw_folders", pd.DataFrame(list(folders.values()), columns=list(RAW_FOLDER_FIELDS)),
                       metadata={INVENTORY_VERSION: str(warehouse.data_version("_inventory")),
                                 SCAN_VERSION_KEY: SCAN_VERSION})
        report.extra["scan"] = "folders" if trusting else "files"
        report.extra["files"] = listed
        report.extra["folders_listed"] = len(listing.listed)
        report.extra["folders_rechecked"] = listing.rechecked
        report.extra["folders_trusted"] = len(listing.folders) - len(listing.listed)
    log.info("scanned %s: %s", raw_dir, report.as_metadata())
    return report


def recorded_folders(warehouse: Warehouse) -> dict[str, RawFolder]:
    """The folders as the last scan recorded them, by name; none where the records were
    written by another scan version, or beside another inventory than theirs or an older
    version of it (a killed run's inventory may be ahead of them). Not beside an inventory
    that was deleted, or restored to an older version: its files in trusted folders would
    be missed."""
    metadata = warehouse.commit_metadata("_raw_folders")
    named, inventory = metadata.get(INVENTORY_VERSION), warehouse.data_version("_inventory")
    if (metadata.get(SCAN_VERSION_KEY) != SCAN_VERSION or named is None or inventory is None
            or int(named) > inventory):
        return {}
    return {row["folder"]: RawFolder(**row) for row in warehouse.read_arrow("_raw_folders").to_pylist()}


def trusts_folders(scan: settings.RawScan, recorded: Mapping[str, RawFolder]) -> bool:
    """Whether a scan lists only the folders that changed (or are due for a re-check):
    "folders" does; "auto" does once the recorded folders hold AUTO_FOLDERS_FROM files."""
    if scan == "auto":
        return sum(folder.files for folder in recorded.values()) >= AUTO_FOLDERS_FROM
    return scan == "folders"


def _same_but_listed_ns(recorded: RawFolder | None, listed: RawFolder) -> bool:
    return recorded is not None and replace(recorded, listed_ns=listed.listed_ns) == listed


def _folder_of(source_path: str) -> str:
    return source_path[:source_path.rfind("/") + 1]


# More folders listed than this: the inventory is read whole rather than by path ranges.
_RANGES_LIMIT = 64


def _inventory_of(tx: Transaction, listing: Listing, recorded: Mapping[str, RawFolder]) -> pa.Table:
    """The inventory rows of the files the listing stands for: all of them when every folder
    was listed, else those of the folders listed and of the recorded folders now gone."""
    if len(listing.listed) == len(listing.folders):
        return tx.read_arrow("_inventory")
    folders = listing.listed | (recorded.keys() - {f.folder for f in listing.folders})
    if not folders:
        return SCHEMAS["_inventory"].empty_table()
    ranged = len(folders) <= _RANGES_LIMIT and "" not in folders
    inventory = tx.read_arrow("_inventory", starting_with=("source_path", folders) if ranged else None)
    # A range of a folder holds its subfolders' files too.
    parent = pc.replace_substring_regex(inventory.column("source_path"), "[^/]*$", "")
    return inventory.filter(pc.is_in(parent, value_set=pa.array(sorted(folders), pa.string())))


def _compare(listing: pa.Table, inventory: pa.Table
             ) -> tuple[pa.Table, list[RawFile | None], dict[str, str]]:
    """The listed files to look at one by one (new, touched, or rejected before), in path
    order, with their inventory rows (None for new ones), and the inventory's articles no
    longer listed (article_id -> ingest_month). Only the columns the comparison needs are
    gathered for every file (a million files: a second less than whole rows)."""
    at = positions(listing.column("source_path"), inventory.column("source_path"))  # null: new
    before = inventory.select(["size", "mtime_ns", "content_sha256"]).take(at)
    suspects = pc.indices_nonzero(pc.invert(_unchanged(listing, before)))
    looked_at = listing.take(suspects)
    order = pc.sort_indices(looked_at, [("source_path", "ascending")])
    looked_at, suspects = looked_at.take(order), suspects.take(order)
    previous = [RawFile(**row) if row["article_id"] is not None else None
                for row in inventory.take(at.take(suspects)).to_pylist()]
    deleted: dict[str, str] = {}
    # Paths are unique: when every inventory row was listed, none is gone.
    if pc.count(at).as_py() < inventory.num_rows:
        gone = inventory.filter(pc.invert(pc.is_in(inventory.column("source_path"),
                                                   value_set=listing.column("source_path"))))
        deleted = dict(zip(gone.column("article_id").to_pylist(),
                           gone.column("ingest_month").to_pylist()))
    return looked_at, previous, deleted


def _unchanged(listing: pa.Table, before: pa.Table) -> pa.ChunkedArray:
    """Per listed file: a plain file hashed before whose size and mtime are as recorded (then
    its content is taken as unchanged, as make and rsync do)."""
    same = pc.and_(pc.and_(listing.column("plain"), pc.is_valid(before.column("content_sha256"))),
                   pc.and_(pc.equal(listing.column("size"), before.column("size")),
                           pc.equal(listing.column("mtime_ns"), before.column("mtime_ns"))))
    return pc.fill_null(same, False)
