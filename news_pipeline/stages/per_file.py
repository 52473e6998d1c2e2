"""The work on one raw file that the boilerplate and cleaning stages hand to worker processes.

Kept free of pandas and Dagster: the forkserver that starts every worker of a run imports
this module once (and the NER model's modules, which stages/recognition.py registers), so a
worker begins as a fork that has what it needs, without the ~80 MB and the second of pandas
and pyarrow that only the main process uses.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from news_pipeline import settings
from news_pipeline.clean import (
    MAX_ARTICLE_BYTES,
    BoilerplateModel,
    RejectedInput,
    article_source,
    candidate_lines,
    clean_article,
    decode_article,
)
from news_pipeline.parallel import preload_in_workers
from news_pipeline.stages.limits import time_limit

log = logging.getLogger(__name__)
preload_in_workers(__name__)

# Datelines name no zone: the sources are German-language sites, so local time is Berlin's.
LOCAL_ZONE = ZoneInfo("Europe/Berlin")


def read_capped(path: Path) -> bytes:
    """The file's bytes, but at most MAX_ARTICLE_BYTES + 1 (enough to see it is too big).

    Reads what the file's size says plus one byte, not a buffer of the cap: read(n)
    allocates n bytes first, and 10 MB per small article cost more than the reading.
    A file that grew since its size was taken is read on up to the cap.
    """
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        data = handle.read(min(size, MAX_ARTICLE_BYTES) + 1)
        if len(data) > size:
            data += handle.read(MAX_ARTICLE_BYTES + 1 - len(data))
    return data


# ---------------------------------------------------------------- boilerplate learning

def article_line_row(raw_dir: Path, source_path: str, article_id: str,
                     expected_sha256: str | None, inventory_error: str | None) -> dict:
    """The `_line_stats` row of one file (without learn_version): its source and its
    candidate line keys.

    Files that cannot be used (or have no known source, so nothing can be learnt from them)
    get a row without lines, so they are not read again until they change.
    """
    row = {"article_id": article_id, "content_sha256": expected_sha256, "source": None,
           "lines": []}
    if inventory_error is not None:
        return row
    try:
        data = read_capped(raw_dir / source_path)
    except OSError:
        return row
    if len(data) > MAX_ARTICLE_BYTES:
        return row
    row["content_sha256"] = hashlib.sha256(data).hexdigest()
    try:
        with time_limit(settings.article_timeout_s()):
            text = decode_article(data).text
            source = article_source(text, source_path)
            lines = candidate_lines(text, source_path) if source else []
    except RejectedInput:
        return row
    except Exception:  # the cleaning step reports the file; here it only teaches nothing
        log.exception("reading lines of %s failed", source_path)
        return row
    return {**row, "source": source, "lines": lines}


def line_row(task: tuple[Path, dict]) -> dict:
    raw_dir, row = task
    return article_line_row(raw_dir, row["source_path"], row["article_id"],
                            row["content_sha256"], row["error"])


# ---------------------------------------------------------------- cleaning

@dataclass(frozen=True)
class CleaningOutcome:
    article: dict | None
    rejection: dict | None


def to_utc(moment: datetime | None) -> datetime | None:
    """An aware UTC datetime; naive ones are read as Europe/Berlin wall time."""
    if moment is None:
        return None
    try:
        if moment.tzinfo is None or moment.utcoffset() is None:
            moment = moment.replace(tzinfo=LOCAL_ZONE)
        return moment.astimezone(timezone.utc)
    except (OverflowError, ValueError):  # year 1 or 9999 cannot move across midnight
        return None


def clean_file(raw_dir: Path, source_path: str, article_id: str,
               expected_sha256: str | None, inventory_error: str | None,
               boilerplate: BoilerplateModel | None = None) -> CleaningOutcome:
    """Everything that can go wrong with one file ends as a rejection with its reason.
    The rows lack `pipeline_version`: the stage stamps the version it planned with.

    `boilerplate` is the learnt model; the article records the digest of its source's lines
    (`boilerplate_sha256`), so it is cleaned again only when those lines change.
    """
    now = datetime.now(timezone.utc)

    def rejected(reason: str, detail: str, sha: str | None = expected_sha256) -> CleaningOutcome:
        return CleaningOutcome(None, {
            "article_id": article_id, "source_path": source_path, "content_sha256": sha,
            "reason": reason, "detail": detail, "rejected_at": now})

    if inventory_error is not None:
        reason, _, detail = inventory_error.partition(" ")
        return rejected(reason, detail.strip("()"))
    path = raw_dir / source_path
    try:
        data = read_capped(path)
    except OSError as error:
        return rejected("unreadable", error.strerror or str(error))
    sha = hashlib.sha256(data).hexdigest() if len(data) <= MAX_ARTICLE_BYTES else expected_sha256
    try:
        with time_limit(settings.article_timeout_s()):
            decoded = decode_article(data)
            document = clean_article(decoded.text, path_hint=source_path, boilerplate=boilerplate)
            learnt_sha256 = (boilerplate.source_sha256(document.learnt_source)
                             if boilerplate else None)
    except RejectedInput as error:
        return rejected(error.reason, error.detail, sha)
    except Exception as error:  # a cleaner bug must cost one article, not the run
        log.exception("cleaning %s failed", source_path)
        return rejected("cleaner_error", f"{type(error).__name__}: {error}", sha)
    if not document.text.strip():
        return rejected("no_body_text", "nothing left after removing markup and boilerplate", sha)
    return CleaningOutcome({
        "article_id": article_id, "source_path": source_path, "content_sha256": sha,
        "title": document.title, "published_at": to_utc(document.published_at),
        "source": document.source, "language": document.language, "text": document.text,
        "text_sha256": hashlib.sha256(document.text.encode("utf-8")).hexdigest(),
        "n_chars": len(document.text), "processed_at": now,
        "warnings": list(decoded.warnings + document.warnings),
        "kicker": document.kicker, "section": document.section,
        "boilerplate_sha256": learnt_sha256}, None)


def clean_row(task: tuple[Path, dict], boilerplate: BoilerplateModel | None) -> CleaningOutcome:
    raw_dir, row = task
    return clean_file(raw_dir, row["source_path"], row["article_id"], row["content_sha256"],
                      row["error"], boilerplate)


# Worker processes get the model once, at start-up, instead of pickled with every task.
_worker_boilerplate: BoilerplateModel | None = None


def set_worker_boilerplate(model_json: str) -> None:
    global _worker_boilerplate
    _worker_boilerplate = BoilerplateModel.from_json(model_json)


def clean_row_in_worker(task: tuple[Path, dict]) -> CleaningOutcome:
    return clean_row(task, _worker_boilerplate)
