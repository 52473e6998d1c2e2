"""Stage 2: decode and clean new or changed articles; record the ones that cannot be used.

Cleaning uses the learnt per-source boilerplate (stages/boilerplate.py). An article is
cleaned again when its content, the cleaner's version, or the learnt lines of its own source
change; a model change in one source does not touch the articles of the others.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from news_pipeline import settings
from news_pipeline.clean import (
    CLEAN_VERSION,
    MAX_ARTICLE_BYTES,
    BoilerplateModel,
    RejectedInput,
    article_source,
    clean_article,
    decode_article,
)
from news_pipeline.parallel import ordered_map, preload_in_workers, process_pool, worker_count
from news_pipeline.progress import InfoLogger, Progress
from news_pipeline.stages.boilerplate import LEARN_VERSION, load_model
from news_pipeline.stages.limits import ArticleTimeout, time_limit
from news_pipeline.stages.report import StageReport
from news_pipeline.warehouse import SCHEMAS, Warehouse, records

log = logging.getLogger(__name__)
# The forkserver starts with the first pool of a run (whichever stage that is): it must
# already import this module, or every worker imports it (and pandas, ...) again.
preload_in_workers(__name__)

# Datelines name no zone: the sources are German-language sites, so local time is Berlin's.
LOCAL_ZONE = ZoneInfo("Europe/Berlin")
__all__ = ["ArticleTimeout", "CleaningOutcome", "clean_changed_articles", "clean_file",
           "time_limit", "to_utc"]


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

    `boilerplate` is the learnt model; the article records the digest of its source's lines
    (`boilerplate_sha256`), so it is cleaned again only when those lines change.
    """
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
            document = clean_article(decoded.text, path_hint=source_path, boilerplate=boilerplate)
            learnt_sha256 = (boilerplate.source_sha256(article_source(decoded.text, source_path))
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
        "pipeline_version": CLEAN_VERSION,
        "warnings": list(decoded.warnings + document.warnings),
        "kicker": document.kicker, "section": document.section,
        "boilerplate_sha256": learnt_sha256}, None)


def _frame(table: str, rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=SCHEMAS[table].names)


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _clean_row(task: tuple[Path, dict], boilerplate: BoilerplateModel | None) -> CleaningOutcome:
    raw_dir, row = task
    return clean_file(raw_dir, row["source_path"], row["article_id"], row["content_sha256"],
                      row["error"], boilerplate)


# Worker processes get the model once, at start-up, instead of pickled with every task.
_worker_boilerplate: BoilerplateModel | None = None


def _set_worker_boilerplate(model_json: str) -> None:
    global _worker_boilerplate
    _worker_boilerplate = BoilerplateModel.from_json(model_json)


def _clean_row_in_worker(task: tuple[Path, dict]) -> CleaningOutcome:
    return _clean_row(task, _worker_boilerplate)


def expected_boilerplate(warehouse: Warehouse, model: BoilerplateModel,
                         inventory: pd.DataFrame) -> dict[str, str | None]:
    """article_id -> digest of its source's learnt lines, for the articles whose source the
    learning step knows for their current content (others are judged by content alone)."""
    stats = warehouse.read("_line_stats", ["article_id", "content_sha256", "source",
                                           "learn_version"])
    current = stats.merge(inventory[["article_id", "content_sha256"]],
                          on=["article_id", "content_sha256"])
    current = current[current["learn_version"] == LEARN_VERSION]
    digests = {source: model.source_sha256(source) for source in current["source"].dropna().unique()}
    return {article_id: digests.get(source) if isinstance(source, str) else None
            for article_id, source in zip(current["article_id"], current["source"])}


def clean_changed_articles(warehouse: Warehouse, raw_dir: Path, logger: InfoLogger = log,
                           n_process: int = 1) -> StageReport:
    """Clean what the inventory lists and the articles/rejected tables do not hold yet.

    Large batches are cleaned in `n_process` worker processes (0 = one per core).
    """
    report = StageReport()
    with warehouse.locked():
        inventory = warehouse.read("_inventory")
        model = load_model(warehouse)
        columns = ["article_id", "content_sha256", "pipeline_version"]
        articles = warehouse.read("articles", [*columns, "boilerplate_sha256"])
        done = pd.concat([articles[columns], warehouse.read("rejected", columns)])
        done_keys = set(zip(done["article_id"], done["content_sha256"].fillna(""),
                            done["pipeline_version"]))
        known_ids = set(done["article_id"])
        expected = expected_boilerplate(warehouse, model, inventory)
        relearnt = {article_id for article_id, digest in
                    zip(articles["article_id"], articles["boilerplate_sha256"])
                    if article_id in expected and expected[article_id] != _none(digest)}
        todo = [row for row in records(inventory)
                if (row["article_id"], row["content_sha256"] or "", CLEAN_VERSION) not in done_keys
                or row["article_id"] in relearnt]
        report.extra["boilerplate_changed"] = sum(row["article_id"] in relearnt for row in todo)
        deleted = sorted(known_ids - set(inventory["article_id"]))
        report.unchanged = len(inventory) - len(todo)
        report.deleted = len(deleted)
        workers = worker_count(n_process, len(todo))
        progress = Progress(logger, f"cleaning ({workers} process(es))", len(todo))
        with ExitStack() as stack:
            if workers > 1:
                pool = stack.enter_context(process_pool(workers, _set_worker_boilerplate,
                                                        (model.to_json(),)))
                clean_row: Callable[[tuple[Path, dict]], CleaningOutcome] = _clean_row_in_worker
            else:
                pool, clean_row = None, partial(_clean_row, boilerplate=model)
            for index, chunk in enumerate(_chunks(todo, settings.commit_every())):
                _clean_chunk(warehouse, raw_dir, pool, clean_row, chunk,
                             deleted if index == 0 else [], known_ids, report, progress)
        if not todo and deleted:
            with warehouse.transaction() as tx:
                for table in ("articles", "rejected", "mentions"):
                    tx.upsert(table, _frame(table, []), delete_keys=deleted)
    report.extra["clean_version"] = CLEAN_VERSION
    report.extra["boilerplate_model_sha256"] = model.sha256()
    return report


def _none(value: object) -> object:
    # Nulls read back from Parquet may be NaN; the digest of "no learnt lines" is None.
    return None if value is None or value != value else value


def _clean_chunk(warehouse: Warehouse, raw_dir: Path, pool: ProcessPoolExecutor | None,
                 clean_row: Callable[[tuple[Path, dict]], CleaningOutcome],
                 chunk: list[dict], deleted: list[str], known_ids: set[str],
                 report: StageReport, progress: Progress) -> None:
    articles, rejections = [], []
    for row, outcome in zip(chunk, ordered_map(pool, clean_row, [(raw_dir, r) for r in chunk])):
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
