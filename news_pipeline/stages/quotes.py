"""Stage 5: the `quotes` table, the quotations of the NER stage linked to resolved entities.

The NER stage extracts each article's quotations beside its spans (`_quote_spans`, with the
run they come from in `_quote_runs`); a speaker is the offsets of its recogniser span. This
stage gives each quotation the entity of the resolved mention at those offsets (resolution
keeps the spans' offsets, and resolves a surname to the person the article names in full)
and writes `quotes`. It redoes an article when its quote run differs from the one it linked
(`_quote_links`), or when resolution rewrote the article's mentions since (their entity ids
may have moved). Both come from the change data feeds of `_quote_runs` and `mentions` since
the versions the stage's last run planned from (engine.Watermark); without a watermark it
compares all runs with all links and relinks every quoting article. Articles gone from
`_quote_runs` lose their quotations.

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
from news_pipeline.engine import Watermark, changed_articles, chunks
from news_pipeline.progress import InfoLogger
from news_pipeline.stages.report import StageReport
from news_pipeline.warehouse import PARTITION, SCHEMAS, Warehouse, count_rows, read_arrow, rows

log = logging.getLogger(__name__)

# Bump when linking changes: every article is linked again.
LINK_VERSION = "link-1"
RUN_KEY = ["article_id", "text_sha256", "recogniser_version", "quotes_version"]
# Commit metadata of `_quote_links`: the `quotes` version it accounts for, and its LINK_VERSION.
QUOTES_TABLE_VERSION = "news_pipeline.quotes_table_version"
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
    inputs = warehouse.current("_quote_runs", "mentions")
    metadata = warehouse.commit_metadata("_quote_links")
    in_step = (warehouse.in_step("_quote_links", "quotes", QUOTES_TABLE_VERSION)
               and metadata.get(LINK_VERSION_KEY, LINK_VERSION) == LINK_VERSION)
    watermark = Watermark("_quote_links", outputs=("quotes",), versions={"link_version": LINK_VERSION})
    changes = (watermark.changes(warehouse, inputs, {"_quote_runs": ["article_id"],
                                                     "mentions": ["article_id"]})
               if in_step else None)
    keys = months = mentions_changed = None
    if changes is not None:
        keys, months = changed_articles(changes)
        mentions_changed = set(changes["mentions"].ids.to_pylist())
    runs = read_arrow(inputs, "_quote_runs", [*RUN_KEY, "n_quotes", PARTITION], keys, months)
    links = warehouse.read_arrow("_quote_links", [*RUN_KEY, PARTITION], keys=keys, months=months)
    if not in_step:  # rebuilt from the quotation runs
        logger.warning("quotes: the table is out of step with its links; rebuilding it")
        warehouse.replace("quotes", SCHEMAS["quotes"].empty_table())
        warehouse.replace("_quote_links", SCHEMAS["_quote_links"].empty_table())
        links = links.slice(0, 0)
    # Without a watermark, every linked article may have had its mentions rewritten.
    work = plan(runs, links, mentions_changed if links.num_rows else set())
    report.new = len(work.new)
    report.changed = len(work.todo) - len(work.new)
    report.deleted = len(work.deleted)
    report.unchanged = (runs.num_rows if keys is None else count_rows(inputs, "_quote_runs")) - len(work.todo)
    report.extra.update({"link_version": LINK_VERSION, "relinked": work.relinked,
                         "rebuilt": not in_step, "skipped": not (work.todo or work.deleted),
                         "planned_from": "changes" if changes is not None else "all rows"})
    if work.todo or work.deleted:
        # A batch may hold no quotation: the table exists, so that the links can name its version.
        warehouse.ensure("quotes")
        # The first batch also drops the deleted articles' quotations.
        for number, batch in enumerate(list(chunks(work.todo, BATCH_ARTICLES)) or [[]], 1):
            dropped = [*batch, *(work.deleted if number == 1 else [])]
            _link_batch(warehouse, work, list(batch), dropped)
        report.extra["quotes"] = int(pc.sum(work.runs.column("n_quotes")).as_py() or 0)
    else:
        logger.info("quotes: no article's quotations or mentions changed; skipped")
    if warehouse.data_version("_quote_links") is not None:
        watermark.record(warehouse, inputs, _link_metadata(warehouse))
    return report


def _link_metadata(warehouse: Warehouse) -> dict[str, str]:
    """What a commit of `_quote_links` names: the version of `quotes` it accounts for."""
    return {QUOTES_TABLE_VERSION: str(warehouse.data_version("quotes")),
            LINK_VERSION_KEY: LINK_VERSION}


def _link_batch(warehouse: Warehouse, work: Plan, batch: list[str], dropped: list[str]) -> None:
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
    # The links last, naming the version of `quotes` they account for.
    warehouse.upsert("_quote_links", links.reindex(columns=SCHEMAS["_quote_links"].names),
                     delete_keys=dropped, months=months, known_new=new,
                     metadata=_link_metadata(warehouse))
