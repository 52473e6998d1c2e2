"""Stage 2: decode and clean new or changed articles; record the ones that cannot be used."""

from __future__ import annotations

import hashlib
import logging
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from news_pipeline import settings
from news_pipeline.clean import (
    CLEAN_VERSION,
    MAX_ARTICLE_BYTES,
    RejectedInput,
    clean_article,
    decode_article,
)
from news_pipeline.parallel import ordered_map, process_pool, worker_count
from news_pipeline.progress import InfoLogger, Progress
from news_pipeline.stages.report import StageReport
from news_pipeline.warehouse import SCHEMAS, Warehouse, records

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CleaningOutcome:
    article: dict | None
    rejection: dict | None


def clean_file(raw_dir: Path, source_path: str, article_id: str,
               expected_sha256: str | None, inventory_error: str | None) -> CleaningOutcome:
    """Everything that can go wrong with one file ends as a rejection with its reason."""
    now = datetime.now(timezone.utc)

    def rejected(reason: str, detail: str, sha: str | None = expected_sha256) -> CleaningOutcome:
        return CleaningOutcome(None, {
            "article_id": article_id, "source_path": source_path, "content_sha256": sha,
            "reason": reason, "detail": detail, "rejected_at": now,
            "pipeline_version": CLEAN_VERSION})

    if inventory_error is not None:
        reason, _, detail = inventory_error.partition(" ")
        return rejected(reason, detail.strip("()"))
    path = raw_dir / source_path
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_ARTICLE_BYTES + 1)
    except OSError as error:
        return rejected("unreadable", error.strerror or str(error))
    sha = hashlib.sha256(data).hexdigest() if len(data) <= MAX_ARTICLE_BYTES else expected_sha256
    try:
        with time_limit(settings.article_timeout_s()):
            decoded = decode_article(data)
            document = clean_article(decoded.text, path_hint=source_path)
    except RejectedInput as error:
        return rejected(error.reason, error.detail, sha)
    except Exception as error:  # a cleaner bug must cost one article, not the run
        log.exception("cleaning %s failed", source_path)
        return rejected("cleaner_error", f"{type(error).__name__}: {error}", sha)
    if not document.text.strip():
        return rejected("no_body_text", "nothing left after removing markup and boilerplate", sha)
    return CleaningOutcome({
        "article_id": article_id, "source_path": source_path, "content_sha256": sha,
        "title": document.title, "published_at": document.published_at,
        "source": document.source, "language": document.language, "text": document.text,
        "text_sha256": hashlib.sha256(document.text.encode("utf-8")).hexdigest(),
        "n_chars": len(document.text), "processed_at": now,
        "pipeline_version": CLEAN_VERSION,
        "warnings": list(decoded.warnings + document.warnings)}, None)


class ArticleTimeout(RejectedInput):
    def __init__(self, seconds: int) -> None:
        super().__init__("timeout", f"cleaning took longer than {seconds}s")


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Reject a pathological article instead of hanging the run.

    Uses SIGALRM, so it only applies in a main thread (the pipeline's steps and its worker
    processes run there); elsewhere the article runs unbounded.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise ArticleTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _frame(table: str, rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=SCHEMAS[table].names)


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _clean_row(task: tuple[Path, dict]) -> CleaningOutcome:
    raw_dir, row = task
    return clean_file(raw_dir, row["source_path"], row["article_id"], row["content_sha256"],
                      row["error"])


def clean_changed_articles(warehouse: Warehouse, raw_dir: Path, logger: InfoLogger = log,
                           n_process: int = 1) -> StageReport:
    """Clean what the inventory lists and the articles/rejected tables do not hold yet.

    Large batches are cleaned in `n_process` worker processes (0 = one per core).
    """
    report = StageReport()
    with warehouse.locked():
        inventory = warehouse.read("_inventory")
        columns = ["article_id", "content_sha256", "pipeline_version"]
        done = pd.concat([warehouse.read("articles", columns), warehouse.read("rejected", columns)])
        done_keys = set(zip(done["article_id"], done["content_sha256"].fillna(""),
                            done["pipeline_version"]))
        known_ids = set(done["article_id"])
        todo = [row for row in records(inventory)
                if (row["article_id"], row["content_sha256"] or "", CLEAN_VERSION) not in done_keys]
        deleted = sorted(known_ids - set(inventory["article_id"]))
        report.unchanged = len(inventory) - len(todo)
        report.deleted = len(deleted)
        workers = worker_count(n_process, len(todo))
        progress = Progress(logger, f"cleaning ({workers} process(es))", len(todo))
        with ExitStack() as stack:
            pool = stack.enter_context(process_pool(workers)) if workers > 1 else None
            for index, chunk in enumerate(_chunks(todo, settings.commit_every())):
                _clean_chunk(warehouse, raw_dir, pool, chunk, deleted if index == 0 else [],
                             known_ids, report, progress)
        if not todo and deleted:
            with warehouse.transaction() as tx:
                for table in ("articles", "rejected", "mentions"):
                    tx.upsert(table, _frame(table, []), delete_keys=deleted)
    report.extra["clean_version"] = CLEAN_VERSION
    return report


def _clean_chunk(warehouse: Warehouse, raw_dir: Path, pool: ProcessPoolExecutor | None,
                 chunk: list[dict], deleted: list[str], known_ids: set[str],
                 report: StageReport, progress: Progress) -> None:
    articles, rejections = [], []
    for row, outcome in zip(chunk, ordered_map(pool, _clean_row, [(raw_dir, r) for r in chunk])):
        if outcome.article:
            articles.append(outcome.article)
        else:
            rejections.append(outcome.rejection)
        if row["article_id"] in known_ids:
            report.changed += 1
        else:
            report.new += 1
        progress.advance()
    report.rejected += len(rejections)
    touched = [row["article_id"] for row in chunk] + deleted
    with warehouse.transaction() as tx:
        tx.upsert("articles", _frame("articles", articles), delete_keys=touched)
        tx.upsert("rejected", _frame("rejected", rejections), delete_keys=touched)
        # Mentions point into the old text: drop them in the same commit, so the
        # dataset never shows offsets that do not match the article.
        tx.upsert("mentions", _frame("mentions", []), delete_keys=touched)
