"""Stage 1b: learn each source's boilerplate lines from the raw corpus, incrementally.

A line that recurs in many articles of one source is site furniture (see
clean.boilerplate). Learning needs every article of a source, but reading every raw file on
each run would make one new article cost the whole corpus. So the stage keeps, per article,
its source and its candidate line keys in the bucketed state table `_line_stats`, written only
for new or changed files (and dropped for deleted ones). The model is an aggregation over that
state, stored as the small table `source_boilerplate`; cleaning reads it from there.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from news_pipeline.clean import CLEAN_VERSION, BoilerplateModel, min_articles
from news_pipeline.clean.settings import DEFAULT_SETTINGS, CleanSettings
from news_pipeline.engine import Watermark, drop_deleted, plan, run_in_chunks
from news_pipeline.parallel import ordered_map, worker_pool
from news_pipeline.progress import InfoLogger, Progress
from news_pipeline.stages.per_file import line_row
from news_pipeline.stages.report import StageReport
from news_pipeline.warehouse import PARTITION, SCHEMAS, Warehouse

if TYPE_CHECKING:
    from news_pipeline.cluster import Cluster

log = logging.getLogger(__name__)

# candidate_lines and article_source are the cleaner's code, so a new CLEAN_VERSION
# re-reads the files too.
LEARN_VERSION = f"boilerplate-1/{CLEAN_VERSION}"


def boilerplate_table(line_stats: pd.DataFrame,
                      clean_settings: CleanSettings = DEFAULT_SETTINGS) -> pd.DataFrame:
    """`_line_stats` rows (article_id, source, lines) -> the `source_boilerplate` table.

    One row per learnt (source, line), sorted; the same rule as clean.LineStats.model.
    """
    return with_model_digest(learnt_lines(line_stats, clean_settings))


def learnt_lines(line_stats: pd.DataFrame,
                 clean_settings: CleanSettings = DEFAULT_SETTINGS) -> pd.DataFrame:
    """The `source_boilerplate` rows of the sources in `line_stats` (all rows of each),
    without the model's digest: a source's rows depend on its own articles alone."""
    with_source = line_stats.loc[line_stats["source"].notna(), ["source", "lines"]]
    pairs = with_source.explode("lines").dropna(subset=["lines"])
    if pairs.empty:  # (pandas' groupby of nothing has no usable dtypes)
        return SCHEMAS["source_boilerplate"].empty_table().to_pandas()
    n_articles = with_source.groupby("source").size()
    n_lines = pairs.groupby("source").size()
    counts = pairs.groupby(["source", "lines"]).size().rename("n_articles").reset_index()
    counts = counts.rename(columns={"lines": "line"})
    counts["n_source_articles"] = counts["source"].map(n_articles).astype("int64")
    needed = n_articles.map(lambda n: min_articles(n, clean_settings))
    learnt = counts[counts["n_articles"] >= counts["source"].map(needed)].copy()
    learnt["n_source_lines"] = learnt["source"].map(n_lines).astype("int64")
    model = model_from_table(learnt)
    learnt["source_sha256"] = learnt["source"].map(model.source_sha256)
    learnt["learn_version"] = LEARN_VERSION
    return learnt.reindex(columns=SCHEMAS["source_boilerplate"].names)


def with_model_digest(table: pd.DataFrame) -> pd.DataFrame:
    """Learnt rows of any sources, sorted, with the digest of the model they make."""
    table = table.sort_values(["source", "line"]).reset_index(drop=True)
    return table.assign(model_sha256=model_from_table(table).sha256())[
        SCHEMAS["source_boilerplate"].names]


def model_from_table(table: pd.DataFrame) -> BoilerplateModel:
    """The BoilerplateModel the `source_boilerplate` rows describe."""
    grouped = table.groupby("source")["line"]
    return BoilerplateModel({source: frozenset(lines) for source, lines in grouped})


def load_model(warehouse: Warehouse) -> BoilerplateModel:
    """The learnt model as stored (empty before the first learning run)."""
    return model_from_table(warehouse.read("source_boilerplate", ["source", "line"]))


def _same_rows(left: pd.DataFrame, right: pd.DataFrame) -> bool:
    # By value: dtypes read back from Parquet may differ from freshly computed ones.
    return (list(left.itertuples(index=False, name=None))
            == list(right.itertuples(index=False, name=None)))


def learn_source_boilerplate(warehouse: Warehouse, raw_dir: Path, logger: InfoLogger = log,
                             n_process: int = 1, cluster: Cluster | None = None) -> StageReport:
    """Read the lines of new or changed files, then relearn the model from all line stats.

    Files are read as cleaning reads them: in `n_process` worker processes for large
    batches, on `cluster` when there is one.

    The model table is rewritten only when it changes (a new snapshot otherwise costs a
    commit for nothing).
    """
    pinned = warehouse.current("_inventory")
    watermark = Watermark("_line_stats", versions={"learn_version": LEARN_VERSION})
    inventory = watermark.input_rows(warehouse, pinned, "_inventory")
    records = warehouse.read_arrow("_line_stats", ["article_id", "content_sha256", "learn_version",
                                                   "source", PARTITION],
                                   keys=inventory.keys, months=inventory.months)
    work = plan(inventory.rows, records.drop_columns(["source"]), match=["content_sha256"],
                versions={"learn_version": LEARN_VERSION}, total=inventory.total)
    todo = work.todo.to_pylist()
    report = StageReport(new=len(work.new), changed=work.changed, unchanged=work.unchanged,
                         deleted=len(work.deleted))
    touched: set[str] = set()  # the sources of the lines read
    with worker_pool(n_process, len(todo), cluster) as pool:
        progress = Progress(logger, f"reading lines ({pool.label if pool else 'this process'})",
                            len(todo))
        # One stream over all commits: the workers go on reading while this process commits.
        line_rows = ordered_map(pool, line_row, ((raw_dir, row) for row in todo))
        run_in_chunks(todo, line_rows, partial(_commit_lines, warehouse, set(work.new), touched),
                      progress)
    drop_deleted(warehouse, ("_line_stats",), work.deleted)
    stored = warehouse.read("source_boilerplate")
    if inventory.incremental:
        # Only the sources whose articles came, changed or went learn anew.
        redone = pa.array([*work.todo.column("article_id").to_pylist(), *work.deleted], pa.string())
        before = records.filter(pc.is_in(records.column("article_id"), value_set=redone))
        touched |= set(before.column("source").drop_null().to_pylist())
        table = _relearn(warehouse, stored, touched) if touched else stored
    else:
        table = boilerplate_table(warehouse.read("_line_stats", ["article_id", "source", "lines"]))
    if table is not stored and not _same_rows(stored, table):
        warehouse.replace("source_boilerplate", table)
    watermark.record(warehouse, pinned)
    report.extra.update({
        "learn_version": LEARN_VERSION, "processes": pool.workers if pool else 1,
        "cluster_articles": len(todo) if cluster is not None else 0,
        "planned_from": "changes" if inventory.incremental else "all rows",
        "sources_relearnt": "all" if not inventory.incremental else len(touched),
        "sources_with_boilerplate": int(table["source"].nunique()),
        "learnt_lines": len(table),
        "model_sha256": model_from_table(table).sha256(),
    })
    return report


def _relearn(warehouse: Warehouse, stored: pd.DataFrame, sources: set[str]) -> pd.DataFrame:
    """The model table `stored` with the rows of `sources` learnt anew from their line
    stats, the others' kept."""
    stats = warehouse.read_arrow("_line_stats", ["article_id", "source", "lines"],
                                 where={"source": sources}).to_pandas()
    kept = stored[~stored["source"].isin(sources)]
    fresh = learnt_lines(stats)
    return with_model_digest(pd.concat([kept, fresh], ignore_index=True) if len(kept) else fresh)


def _commit_lines(warehouse: Warehouse, new: set[str], sources: set[str], chunk: Sequence[dict],
                  line_rows: list[dict]) -> None:
    sources.update(row["source"] for row in line_rows if row["source"] is not None)
    rows = [{**row, "learn_version": LEARN_VERSION, PARTITION: file[PARTITION]}
            for file, row in zip(chunk, line_rows)]
    warehouse.upsert("_line_stats", pd.DataFrame(rows, columns=SCHEMAS["_line_stats"].names),
                     months={file[PARTITION] for file in chunk},
                     known_new=[file["article_id"] for file in chunk if file["article_id"] in new])
