"""Stage 2: decode and clean new or changed articles; record the ones that cannot be used.

Cleaning uses the learnt per-source boilerplate (stages/boilerplate.py). An article is
cleaned again when its content, the cleaner's version, or the learnt lines of its own source
change; a model change in one source does not touch the articles of the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from news_pipeline.clean import CLEAN_VERSION, BoilerplateModel
from news_pipeline.engine import drop_deleted, run_in_chunks
from news_pipeline.parallel import ordered_map, worker_pool
from news_pipeline.progress import InfoLogger, Progress
from news_pipeline.stages.boilerplate import LEARN_VERSION, load_model
from news_pipeline.stages.limits import ArticleTimeout, time_limit
from news_pipeline.stages.per_file import (
    CleaningOutcome,
    clean_row,
    clean_row_in_worker,
    set_worker_boilerplate,
)
from news_pipeline.stages.report import StageReport
from news_pipeline.warehouse import PARTITION, SCHEMAS, Warehouse, records_where, rows

if TYPE_CHECKING:
    from news_pipeline.cluster import Cluster

log = logging.getLogger(__name__)
__all__ = ["ArticleTimeout", "clean_changed_articles", "time_limit"]


def _frame(table: str, rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=SCHEMAS[table].names)


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
    return {article_id: digests.get(source)
            for article_id, source in rows(current, ["article_id", "source"])}


def clean_changed_articles(warehouse: Warehouse, raw_dir: Path, logger: InfoLogger = log,
                           n_process: int = 1, cluster: Cluster | None = None) -> StageReport:
    """Clean what the inventory lists and the articles/rejected tables do not hold yet.

    Large batches are cleaned in `n_process` worker processes (0 = one per core), every
    batch on `cluster` when there is one (its workers read `raw_dir`).
    """
    report = StageReport()
    inventory = warehouse.read("_inventory")
    model = load_model(warehouse)
    columns = ["article_id", "content_sha256", "pipeline_version"]
    articles = warehouse.read("articles", [*columns, "boilerplate_sha256", PARTITION])
    rejected = warehouse.read("rejected", [*columns, PARTITION])
    done = pd.concat([articles[columns], rejected[columns]])
    done_keys = set(rows(done, columns))
    known_ids = {article_id for article_id, _, _ in done_keys}
    # In both tables: a run was killed between the two commits of a chunk; clean it again.
    torn = set(done["article_id"][done["article_id"].duplicated()].tolist())
    expected = expected_boilerplate(warehouse, model, inventory)
    relearnt = {article_id for article_id, digest in
                rows(articles, ["article_id", "boilerplate_sha256"])
                if article_id in expected and expected[article_id] != digest}
    todo = sorted(records_where(
        inventory, ["article_id", "content_sha256"],
        lambda article_id, content: article_id in relearnt or article_id in torn
        or (article_id, content, CLEAN_VERSION) not in done_keys),
        key=lambda row: (row[PARTITION], row["article_id"]))
    report.extra["boilerplate_changed"] = sum(row["article_id"] in relearnt for row in todo)
    month_of = dict(rows(pd.concat([articles, rejected]), ["article_id", PARTITION]))
    current_ids = set(inventory["article_id"].tolist())
    deleted = {a: month_of[a] for a in sorted(known_ids - current_ids)}
    report.unchanged = len(inventory) - len(todo)
    report.deleted = len(deleted)
    with worker_pool(n_process, len(todo), cluster, set_worker_boilerplate,
                     (model.to_json(),)) as pool:
        clean_one: Callable[[tuple[Path, dict]], CleaningOutcome] = (
            clean_row_in_worker if pool is not None else partial(clean_row, boilerplate=model))
        progress = Progress(logger, f"cleaning ({pool.label if pool else 'this process'})", len(todo))
        # One stream of results over all commits: the workers go on cleaning while this
        # process commits a chunk.
        outcomes = ordered_map(pool, clean_one, ((raw_dir, row) for row in todo))
        run_in_chunks(todo, outcomes, partial(_commit_cleaned, warehouse, known_ids, report),
                      progress)
    report.extra["cluster_articles"] = len(todo) if cluster is not None else 0
    drop_deleted(warehouse, ("articles", "rejected"), deleted)
    report.extra["clean_version"] = CLEAN_VERSION
    report.extra["boilerplate_model_sha256"] = model.sha256()
    return report


def _commit_cleaned(warehouse: Warehouse, known_ids: set[str], report: StageReport,
                    chunk: Sequence[dict], outcomes: list[CleaningOutcome]) -> None:
    articles, rejections = [], []
    for row, outcome in zip(chunk, outcomes):
        stamp = {"pipeline_version": CLEAN_VERSION, PARTITION: row[PARTITION]}
        if outcome.article:
            articles.append({**outcome.article, **stamp})
        else:
            rejections.append({**outcome.rejection, **stamp})
        if row["article_id"] in known_ids:
            report.changed += 1
        else:
            report.new += 1
    report.rejected += len(rejections)
    # An article moves between the tables when it becomes (un)usable: both drop its old row.
    touched = [row["article_id"] for row in chunk]
    months = {row[PARTITION] for row in chunk}
    new = [article_id for article_id in touched if article_id not in known_ids]
    warehouse.upsert("articles", _frame("articles", articles), delete_keys=touched, months=months,
                     known_new=new)
    warehouse.upsert("rejected", _frame("rejected", rejections), delete_keys=touched, months=months,
                     known_new=new)
