"""Stage 5: the `quotes` table, the quotations of the NER stage linked to resolved entities.

The NER stage extracts each article's quotations beside its spans (`_quote_spans`, with the
run they come from in `_quote_runs`); a speaker is the offsets of its recogniser span. This
stage gives each quotation the entity of the resolved mention at those offsets (resolution
keeps the spans' offsets, and resolves a surname to the person the article names in full)
and writes `quotes`. It redoes an article when its quote run differs from the one it linked
(`_quote_links`), or when resolution rewrote the article's mentions since (their entity ids
may have moved): those are the articles with rows in the data files `mentions` gained since
the version the links name. Articles gone from `_quote_runs` lose their quotations.

`_quote_links` is committed after `quotes`, naming the `quotes` version it accounts for; a
run killed between the two leaves them out of step, and the next run rebuilds both.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from news_pipeline import engine
from news_pipeline.engine import chunks
from news_pipeline.progress import InfoLogger
from news_pipeline.stages.report import StageReport
from news_pipeline.warehouse import (
    PARTITION,
    SCHEMAS,
    Snapshot,
    Warehouse,
    rows,
)
from news_pipeline.warehouse.delta import files_added_since, read_files

log = logging.getLogger(__name__)

# Bump when linking changes: every article is linked again.
LINK_VERSION = "link-1"
RUN_KEY = ["article_id", "text_sha256", "recogniser_version", "quotes_version"]
# Commit metadata of `_quote_links`: the `quotes` and `mentions` versions it accounts for.
QUOTES_TABLE_VERSION = "news_pipeline.quotes_table_version"
MENTIONS_VERSION = "news_pipeline.mentions_version"
LINK_VERSION_KEY = "news_pipeline.link_version"
# Articles linked per commit: bounds the quotations and mentions held at once.
BATCH_ARTICLES = 20_000


def link_speakers(quote_spans: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """`quotes` rows (with ingest_month): each of `quote_spans` (rows of `_quote_spans`) with
    the entity of the mention (rows of `mentions`) of its article at its speaker's offsets,
    else null."""
    entity_of = {(a, s, e): entity for a, s, e, entity in
                 rows(mentions, ["article_id", "start", "end", "entity_id"])}
    keys = rows(quote_spans, ["article_id", "speaker_start", "speaker_end"])
    entities = [entity_of.get(key) if key[1] is not None else None for key in keys]
    return (quote_spans.assign(speaker_entity_id=pd.Series(entities, index=quote_spans.index,
                                                           dtype=object))
            .reindex(columns=SCHEMAS["quotes"].names))


@dataclass(frozen=True)
class Plan:
    """Which articles get their quotations (re)written, and which lose them."""

    runs: pa.Table  # the `_quote_runs` rows of `todo`
    todo: list[str]
    deleted: list[str]
    new: set[str]  # todo articles without rows in this stage's tables
    relinked: int  # todo articles whose quote run is linked already, but whose mentions changed
    month_of: dict[str, str]  # the partition of every todo or deleted article

    def months(self, articles: Collection[str]) -> set[str]:
        return {self.month_of[a] for a in articles}


def plan(runs: pa.Table, links: pa.Table, mentions_changed: set[str] | None) -> Plan:
    """`runs`: `_quote_runs` (RUN_KEY, n_quotes, ingest_month); `links`: `_quote_links`;
    `mentions_changed`: articles whose mentions were rewritten since the links were
    written (None: unknown, all of them)."""
    match = RUN_KEY[1:]
    stale = engine.plan(runs, links, match)
    quoting = runs.filter(pc.greater(runs.column("n_quotes"), 0)).column("article_id")
    if mentions_changed is not None:
        quoting = pc.filter(quoting, pc.is_in(quoting, value_set=pa.array(sorted(mentions_changed),
                                                                          pa.string())))
    work = engine.plan(runs, links, match, redo=quoting.combine_chunks())
    todo = work.todo.column("article_id").to_pylist()
    return Plan(runs=work.todo, todo=sorted(todo), deleted=list(work.deleted), new=set(work.new),
                relinked=work.todo.num_rows - stale.todo.num_rows,
                month_of=dict(zip(todo, work.todo.column(PARTITION).to_pylist())) | work.deleted)


def link_changed_quotes(warehouse: Warehouse, logger: InfoLogger = log) -> StageReport:
    """Bring `quotes` up to date with `_quote_spans` and `mentions`, BATCH_ARTICLES articles
    per commit."""
    report = StageReport()
    snapshot = warehouse.current("_quote_runs", "_quote_links", "mentions")
    mentions_version = warehouse.data_version("mentions")
    metadata = warehouse.commit_metadata("_quote_links")
    in_step = (warehouse.in_step("_quote_links", "quotes", QUOTES_TABLE_VERSION)
               and metadata.get(LINK_VERSION_KEY, LINK_VERSION) == LINK_VERSION)
    runs = warehouse.read_arrow("_quote_runs", [*RUN_KEY, "n_quotes", PARTITION])
    links = warehouse.read_arrow("_quote_links", [*RUN_KEY, PARTITION])
    if not in_step:  # rebuilt from the quotation runs
        logger.warning("quotes: the table is out of step with its links; rebuilding it")
        warehouse.replace("quotes", SCHEMAS["quotes"].empty_table())
        warehouse.replace("_quote_links", SCHEMAS["_quote_links"].empty_table())
        links = links.slice(0, 0)
    changed = (_articles_with_new_mentions(snapshot, metadata.get(MENTIONS_VERSION))
               if links.num_rows else set())
    work = plan(runs, links, changed)
    report.new = len(work.new)
    report.changed = len(work.todo) - len(work.new)
    report.deleted = len(work.deleted)
    report.unchanged = runs.num_rows - len(work.todo)
    report.extra.update({"link_version": LINK_VERSION, "relinked": work.relinked,
                         "rebuilt": not in_step, "skipped": not (work.todo or work.deleted)})
    if not (work.todo or work.deleted):
        logger.info("quotes: no article's quotations or mentions changed; skipped")
        return report
    # A batch may hold no quotation: the table exists, so that the links can name its version.
    warehouse.ensure("quotes")
    # The first batch also drops the deleted articles' quotations.
    for number, batch in enumerate(list(chunks(work.todo, BATCH_ARTICLES)) or [[]], 1):
        dropped = [*batch, *(work.deleted if number == 1 else [])]
        _link_batch(warehouse, work, list(batch), dropped, mentions_version)
    report.extra["quotes"] = int(pc.sum(work.runs.column("n_quotes")).as_py() or 0)
    return report


def _articles_with_new_mentions(snapshot: Snapshot, version: str | None) -> set[str] | None:
    """Articles with rows in the data files of `mentions` added since `version` (None:
    unknown). Files are immutable: every rewrite of an article's mentions adds one."""
    if version is None or version == "None":
        return None
    added = files_added_since(snapshot, "mentions", int(version))
    if added is None:
        return None
    return set(read_files("mentions", added, ["article_id"]).column("article_id").to_pylist())


def _link_batch(warehouse: Warehouse, work: Plan, batch: list[str], dropped: list[str],
                mentions_version: int | None) -> None:
    months = work.months(dropped)
    spans = warehouse.read("_quote_spans", keys=batch, months=work.months(batch))
    speakers = set(spans.loc[spans["speaker_start"].notna(), "article_id"].tolist())
    mentions = warehouse.read("mentions", ["article_id", "start", "end", "entity_id"],
                              keys=speakers, months=work.months(speakers))
    new = work.new & set(batch)
    warehouse.upsert("quotes", link_speakers(spans, mentions), delete_keys=dropped, months=months,
                     known_new=new)
    links = work.runs.filter(pc.is_in(work.runs.column("article_id"),
                                      value_set=pa.array(batch, pa.string()))).to_pandas()
    # The links last, naming the versions they account for.
    warehouse.upsert("_quote_links", links.reindex(columns=SCHEMAS["_quote_links"].names),
                     delete_keys=dropped, months=months, known_new=new,
                     metadata={QUOTES_TABLE_VERSION: str(warehouse.data_version("quotes")),
                               MENTIONS_VERSION: str(mentions_version),
                               LINK_VERSION_KEY: LINK_VERSION})
