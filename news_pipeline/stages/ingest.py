"""Stage 1: inventory of the raw folder (path, size, mtime, content hash)."""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from stat import S_ISLNK, S_ISREG

import pandas as pd

from news_pipeline.stages.report import StageReport
from news_pipeline.warehouse import Warehouse, rows

SCAN_VERSION = "scan-1"
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


def list_raw_files(raw_dir: Path) -> list[tuple[str, str]]:
    """(relative posix path, absolute path) of every non-hidden file, sorted.

    Paths are strings: a Path per file would cost more than the file's lstat."""
    check_raw_folder(raw_dir)
    found = []
    root = os.fspath(raw_dir)
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        # One relative prefix per folder, not a Path.relative_to per file.
        inside = os.path.relpath(folder, root)
        prefix = "" if inside == os.curdir else inside.replace(os.sep, "/") + "/"
        found.extend((prefix + name, os.path.join(folder, name)) for name in files
                     if not name.startswith("."))
    return sorted(found)


def fingerprint_raw_folder(raw_dir: Path) -> str:
    """Cheap digest of paths, sizes and mtimes: changes when any file is added/changed/removed."""
    digest = hashlib.sha256()
    for relative, path in list_raw_files(raw_dir):
        try:
            stat = os.lstat(path)
            digest.update(f"{relative}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        except OSError:
            digest.update(f"{relative}\0?\n".encode())
    return digest.hexdigest()


def this_month() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m")


def inspect_file(raw_dir: Path, relative: str, path: str, previous: RawFile | None,
                 month: str) -> RawFile:
    """Stat the file and hash it unless size and mtime match the previous scan. A file seen
    before keeps its month; a new one gets `month`."""
    article_id = previous.article_id if previous is not None else article_id_for(relative)
    file = _inspect(raw_dir, relative, path, previous, article_id)
    if file is previous:  # unchanged: most files of every run, so no copy
        return previous
    return replace(file, ingest_month=previous.ingest_month if previous else month)


def _inspect(raw_dir: Path, relative: str, path: str, previous: RawFile | None,
             article_id: str) -> RawFile:
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


def scan_raw_folder(warehouse: Warehouse, raw_dir: Path) -> StageReport:
    """Record the current inventory of `raw_dir`; count what changed since the last scan."""
    month = this_month()
    with warehouse.transaction() as tx:
        previous = {file.article_id: file for file in
                    (RawFile(*row) for row in rows(tx.read("_inventory"), RAW_FILE_FIELDS))}
        files = [inspect_file(raw_dir, rel, path, previous.get(article_id_for(rel)), month)
                 for rel, path in list_raw_files(raw_dir)]
        report = StageReport()
        for file in files:
            before = previous.get(file.article_id)
            if before is None:
                report.new += 1
            elif (before.content_sha256, before.error) != (file.content_sha256, file.error):
                report.changed += 1
            else:
                report.unchanged += 1
            report.rejected += file.error is not None
        current_ids = {f.article_id for f in files}
        deleted = [a for a in previous if a not in current_ids]
        report.deleted = len(deleted)
        changed_rows = [f for f in files if previous.get(f.article_id) != f]
        months = ({f.ingest_month for f in changed_rows}
                  | {previous[a].ingest_month for a in deleted})
        tx.upsert("_inventory", pd.DataFrame(changed_rows, columns=list(RAW_FILE_FIELDS)),
                  delete_keys=deleted, months=months,
                  known_new=[f.article_id for f in changed_rows if f.article_id not in previous])
        report.extra["files"] = len(files)
    log.info("scanned %s: %s", raw_dir, report.as_metadata())
    return report
