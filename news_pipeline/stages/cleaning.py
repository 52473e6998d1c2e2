"""Stage 2: decode and clean new or changed articles; record the ones that cannot be used.

Cleaning uses the learnt per-source boilerplate (stages/boilerplate.py). An article is
cleaned again when its content, the cleaner's version, or the learnt lines of its own source
change; a model change in one source does not touch the articles of the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from news_pipeline.clean import CLEAN_VERSION, BoilerplateModel
from news_pipeline.engine import Inputs, Watermark, drop_deleted, plan, run_in_chunks
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
from news_pipeline.warehouse import (
    PARTITION,
    SCHEMAS,
    Snapshot,
    Warehouse,
    change_feed,
    positions,
    read_arrow,
    same_values,
)

if TYPE_CHECKING:
    from news_pipeline.cluster import Cluster

log = logging.getLogger(__name__)
__all__ = ["ArticleTimeout", "clean_changed_articles", "time_limit"]


def _frame(table: str, rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=SCHEMAS[table].names)


LINE_STATS_COLUMNS = ["article_id", "content_sha256", "source", "learn_version", PARTITION]


def relearnt_articles(stats: pa.Table, model: BoilerplateModel, inventory: pa.Table,
                      articles: pa.Table) -> pa.Array:
    """Ids of cleaned `articles` whose source's learnt lines are not those they were cleaned
    with (the source as the learning step knows it, from `_line_stats` rows `stats`, for the
    article's current content in `inventory`; articles it knows no source for are judged by
    their content alone)."""
    in_inventory = inventory.column("content_sha256").take(
        positions(stats.column("article_id"), inventory.column("article_id")))
    stats = stats.filter(pc.fill_null(pc.and_(
        pc.equal(stats.column("learn_version"), LEARN_VERSION),
        pc.equal(stats.column("content_sha256"), in_inventory)), False))
    sources = pc.unique(stats.column("source").drop_null())
    digests = pa.array([model.source_sha256(source) for source in sources.to_pylist()], pa.string())
    expected = digests.take(positions(stats.column("source"), sources))
    at = positions(articles.column("article_id"), stats.column("article_id"))
    wanted, used = expected.take(at), articles.column("boilerplate_sha256")
    differs = pc.and_(pc.is_valid(at), pc.invert(same_values(wanted, used)))
    return pc.filter(articles.column("article_id"), differs).combine_chunks()


def relearnt_sources(snapshot: Snapshot, since: Mapping[str, int] | None) -> set[str] | None:
    """Sources whose learnt lines changed since the versions of the last run (`since`), from
    the change feed of `source_boilerplate`; None where that cannot be known."""
    if since is None:
        return None
    if "source_boilerplate" not in snapshot.versions:  # nothing learnt yet
        return set() if "source_boilerplate" not in since else None
    # A table created since: all its rows are changes (-1: from its first version on).
    version = since.get("source_boilerplate", -1)
    feed = change_feed(snapshot, "source_boilerplate", version, ["source", "source_sha256"])
    if feed is None:
        return None
    # The table is rewritten whole when it changes: a source whose rows went and came back
    # with one digest did not change; one with two digests, or rows only going or coming, did.
    digests: dict[str, set[str]] = {}
    kinds: dict[str, set[bool]] = {}
    for source, digest, written in zip(*(feed.column(c).to_pylist()
                                         for c in ("source", "source_sha256", "written"))):
        digests.setdefault(source, set()).add(digest)
        kinds.setdefault(source, set()).add(written)
    return {source for source in digests if len(digests[source]) > 1 or len(kinds[source]) == 1}


def _with_articles_of(pinned: Snapshot, inventory: Inputs, stats: pa.Table) -> Inputs:
    """`inventory` (changed rows) with the rows of the articles in `stats` besides."""
    keys = inventory.keys or []
    extra = pc.filter(stats.column("article_id"), pc.invert(pc.is_in(
        stats.column("article_id"), value_set=pa.array(keys, pa.string())))).to_pylist()
    months = set(pc.unique(stats.column(PARTITION)).to_pylist())
    rows = read_arrow(pinned, "_inventory", keys=extra, months=months)
    return Inputs(pa.concat_tables([inventory.rows, rows.select(inventory.rows.column_names)]),
                  [*keys, *extra], (inventory.months or set()) | months, inventory.total)


def clean_changed_articles(warehouse: Warehouse, raw_dir: Path, logger: InfoLogger = log,
                           n_process: int = 1, cluster: Cluster | None = None) -> StageReport:
    """Clean what the inventory lists and the articles/rejected tables do not hold yet.

    Large batches are cleaned in `n_process` worker processes (0 = one per core), every
    batch on `cluster` when there is one (its workers read `raw_dir`).
    """
    model = load_model(warehouse)
    pinned = warehouse.current("_inventory", "source_boilerplate")
    watermark = Watermark("articles", outputs=("rejected",), versions={"clean_version": CLEAN_VERSION})
    sources = relearnt_sources(pinned, watermark.since(warehouse))
    if sources is None:  # all articles are compared, and all line stats
        inventory = Inputs.whole(pinned, "_inventory")
        stats = warehouse.read_arrow("_line_stats", LINE_STATS_COLUMNS)
    else:
        inventory = watermark.input_rows(warehouse, pinned, "_inventory")
        stats = warehouse.read_arrow("_line_stats", LINE_STATS_COLUMNS, where={"source": sources})
        if inventory.incremental and stats.num_rows:
            inventory = _with_articles_of(pinned, inventory, stats)
    columns = ["article_id", "content_sha256", "pipeline_version", PARTITION]
    articles = warehouse.read_arrow("articles", [*columns, "boilerplate_sha256"],
                                    keys=inventory.keys, months=inventory.months)
    records = pa.concat_tables([articles.select(columns), warehouse.read_arrow(
        "rejected", columns, keys=inventory.keys, months=inventory.months)])
    # In both tables: a run was killed between the two commits of a chunk; clean it again.
    counts = pc.value_counts(records.column("article_id"))
    torn = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    relearnt = relearnt_articles(stats, model, inventory.rows, articles)
    work = plan(inventory.rows, records, match=["content_sha256"],
                versions={"pipeline_version": CLEAN_VERSION},
                redo=pa.concat_arrays([torn.cast(pa.string()), relearnt.cast(pa.string())]),
                total=inventory.total)
    todo = work.todo.to_pylist()
    report = StageReport(unchanged=work.unchanged, deleted=len(work.deleted))
    report.extra["boilerplate_changed"] = int(pc.sum(pc.is_in(work.todo.column("article_id"),
                                                              value_set=relearnt)).as_py() or 0)
    with worker_pool(n_process, len(todo), cluster, set_worker_boilerplate,
                     (model.to_json(),)) as pool:
        clean_one: Callable[[tuple[Path, dict]], CleaningOutcome] = (
            clean_row_in_worker if pool is not None else partial(clean_row, boilerplate=model))
        progress = Progress(logger, f"cleaning ({pool.label if pool else 'this process'})", len(todo))
        # One stream of results over all commits: the workers go on cleaning while this
        # process commits a chunk.
        outcomes = ordered_map(pool, clean_one, ((raw_dir, row) for row in todo))
        run_in_chunks(todo, outcomes, partial(_commit_cleaned, warehouse, set(work.new), report),
                      progress)
    report.extra["cluster_articles"] = len(todo) if cluster is not None else 0
    drop_deleted(warehouse, ("articles", "rejected"), work.deleted)
    watermark.record(warehouse, pinned)
    report.extra["planned_from"] = "changes" if inventory.incremental else "all rows"
    report.extra["clean_version"] = CLEAN_VERSION
    report.extra["boilerplate_model_sha256"] = model.sha256()
    return report


def _commit_cleaned(warehouse: Warehouse, new_ids: set[str], report: StageReport,
                    chunk: Sequence[dict], outcomes: list[CleaningOutcome]) -> None:
    articles, rejections = [], []
    for row, outcome in zip(chunk, outcomes):
        stamp = {"pipeline_version": CLEAN_VERSION, PARTITION: row[PARTITION]}
        if outcome.article:
            articles.append({**outcome.article, **stamp})
        else:
            rejections.append({**outcome.rejection, **stamp})
        if row["article_id"] in new_ids:
            report.new += 1
        else:
            report.changed += 1
    report.rejected += len(rejections)
    # An article moves between the tables when it becomes (un)usable: both drop its old row.
    touched = [row["article_id"] for row in chunk]
    months = {row[PARTITION] for row in chunk}
    new = [article_id for article_id in touched if article_id in new_ids]
    warehouse.upsert("articles", _frame("articles", articles), delete_keys=touched, months=months,
                     known_new=new)
    warehouse.upsert("rejected", _frame("rejected", rejections), delete_keys=touched, months=months,
                     known_new=new)
