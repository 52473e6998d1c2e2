"""Stage 3: named-entity recognition on articles whose text or recogniser changed.

The quotations of an article are extracted in the same call, from the recogniser's own
sentences and spans (news_pipeline.quotes.spans): segmenting the text again would cost a
third of NER. An article is redone when its spans or its quotations are out of date.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING

import pandas as pd

from news_pipeline import settings
from news_pipeline.engine import Watermark, chunks, drop_deleted, plan, run_in_chunks
from news_pipeline.ner import known_identity, load_recogniser
from news_pipeline.ner.mention import MENTION_FIELDS, Recogniser
from news_pipeline.parallel import (
    WarmRecogniser,
    preload_in_workers,
    recogniser_pool,
    worker_count,
)
from news_pipeline.progress import InfoLogger, Progress
from news_pipeline.quotes.spans import QUOTE_FIELDS, QUOTES_VERSION, ArticleRows, recognise_with_quotes
from news_pipeline.stages.report import StageReport
from news_pipeline.warehouse import PARTITION, SCHEMAS, Warehouse, rows

if TYPE_CHECKING:
    from news_pipeline.cluster import Cluster

# Commit metadata of `_ner_runs`: the versions of the tables written before it in a chunk
# that its run records account for.
SPANS_VERSION = "news_pipeline.spans_version"
QUOTE_SPANS_VERSION = "news_pipeline.quote_spans_version"
QUOTE_RUNS_VERSION = "news_pipeline.quote_runs_version"
_IN_STEP = {"_spans": SPANS_VERSION, "_quote_spans": QUOTE_SPANS_VERSION,
            "_quote_runs": QUOTE_RUNS_VERSION}
TABLES = ("_spans", "_quote_spans", "_quote_runs", "_ner_runs")
# Articles per recogniser call: the granularity of progress lines (and of pool tasks).
PROGRESS_BATCH = 256

log = logging.getLogger(__name__)

# What NER workers import to load the shipped recogniser (its tokenizer is spaCy's).
preload_in_workers("news_pipeline.ner.hybrid", "spacy")


def recognise_changed_articles(warehouse: Warehouse, recogniser: Recogniser | None = None,
                               logger: InfoLogger = log, spec: str | None = None,
                               n_process: int = 1, warm: WarmRecogniser | None = None,
                               cluster: Cluster | None = None) -> StageReport:
    """Run NER, and extract quotations, where (text hash, recogniser version) differs from
    the recorded run, or (text hash, recogniser version, quotes version) from the recorded
    quotation run.

    Pass a loaded `recogniser`, or its `spec` (see news_pipeline.ner.load_recogniser): then
    the model is loaded only if there is work, and only where the work is done (large
    batches run in `n_process` worker processes, 0 = one per core, each loading `spec`).
    Work is committed every `settings.commit_every()` articles: memory stays bounded by the
    chunk, and a killed run keeps what it finished. A `warm` worker of the same `spec`
    (started early, model loaded) does the work of small batches and is one of the workers
    of large ones. With a `cluster` (and a `spec`), every batch goes to its workers instead,
    each loading `spec` once.
    """
    if recogniser is None and spec is None:
        raise ValueError("recognise_changed_articles needs a recogniser or its spec")
    identity = ((recogniser.name, recogniser.version) if recogniser is not None
                else known_identity(spec or ""))
    if identity is None:  # a backend whose version only the loaded model knows
        recogniser = load_recogniser(spec or "")
        identity = (recogniser.name, recogniser.version)
    name, version = identity
    pinned = warehouse.current("articles")
    watermark = Watermark("_ner_runs", outputs=tuple(_IN_STEP),
                          versions={"recogniser_version": version, "quotes_version": QUOTES_VERSION})
    articles = watermark.input_rows(warehouse, pinned, "articles",
                                    ["article_id", "text_sha256", PARTITION])
    keys, months = articles.keys, articles.months
    quoted = plan(articles.rows, warehouse.read_arrow("_quote_runs", [
                      "article_id", "text_sha256", "recogniser_version", "quotes_version", PARTITION],
                      keys=keys, months=months),
                  match=["text_sha256"],
                  versions={"recogniser_version": version, "quotes_version": QUOTES_VERSION})
    work = plan(articles.rows, warehouse.read_arrow("_ner_runs", [
                    "article_id", "text_sha256", "recogniser_version", PARTITION],
                    keys=keys, months=months),
                match=["text_sha256"], versions={"recogniser_version": version},
                redo=quoted.todo.column("article_id").combine_chunks(), total=articles.total)
    todo: list[Todo] = list(zip(*(work.todo.column(c).to_pylist()
                                  for c in (PARTITION, "article_id", "text_sha256"))))
    report = StageReport(new=len(work.new), changed=work.changed, unchanged=work.unchanged,
                         deleted=len(work.deleted))
    if spec is None or not todo:
        cluster = None
    workers = worker_count(n_process, len(todo)) if spec is not None else 1
    where = f"Dask cluster at {cluster.address}" if cluster else f"{workers} process(es)"
    progress = Progress(logger, f"NER ({name}, {where})", len(todo))
    if not (todo and spec is not None and cluster is None and warm is not None
            and warm.serves(spec, version)):
        warm = None
    # Articles with no rows yet are only appended, unless a run was killed between the
    # commits of a chunk: then rows may exist for articles without a run record.
    new = set(work.new) if todo and _in_step(warehouse) else set()
    # A chunk may find no quotation: the tables exist, so that the run records (and the
    # watermark) can name their versions.
    warehouse.ensure(*_IN_STEP)
    with _runner(recogniser, spec, name, version, workers, bool(todo), warm, cluster) as runner:
        found = _recognise_in_chunks(warehouse, runner, version, todo, new, progress)
    drop_deleted(warehouse, TABLES, work.deleted | quoted.deleted)
    watermark.record(warehouse, pinned, _in_step_metadata(warehouse))
    report.extra.update({"mentions_found": found.mentions, "quotes_found": found.quotes,
                         "chars_processed": found.chars, "quotes_version": QUOTES_VERSION,
                         "processes": workers if todo and cluster is None else 0,
                         "cluster_articles": len(todo) if cluster is not None else 0,
                         "warm_worker_used": warm is not None, "recogniser": name,
                         "planned_from": "changes" if articles.incremental else "all rows",
                         "recogniser_version": version})
    return report


def _in_step(warehouse: Warehouse) -> bool:
    return all(warehouse.in_step("_ner_runs", table, key) for table, key in _IN_STEP.items())


def _in_step_metadata(warehouse: Warehouse) -> dict[str, str]:
    """What a commit of `_ner_runs` names: the versions of the tables written before it."""
    return {key: str(warehouse.data_version(table)) for table, key in _IN_STEP.items()}


@contextmanager
def _runner(recogniser: Recogniser | None, spec: str | None, name: str, version: str,
            workers: int, has_work: bool, warm: WarmRecogniser | None,
            cluster: Cluster | None) -> Iterator[Recogniser | None]:
    """What recognises the batch: the cluster, a worker pool (with the warm worker, if any),
    the given recogniser, one loaded here, or nothing when there is no work."""
    if has_work and spec is not None and (workers > 1 or warm is not None or cluster is not None):
        with recogniser_pool(spec, name, version, workers, warm, cluster) as pooled:
            yield pooled
    elif has_work and recogniser is None:
        yield load_recogniser(spec or "")
    else:
        yield recogniser


Todo = tuple[str, str, str]  # ingest_month, article_id, text_sha256


def _texts(warehouse: Warehouse, todo: list[Todo], lengths: dict[str, int]) -> Iterator[str]:
    """The texts of `todo`, in order, read a chunk at a time (memory stays bounded)."""
    for chunk in chunks(todo, settings.commit_every()):
        ids = [a for _, a, _ in chunk]
        frame = warehouse.read("articles", ["article_id", "text"], keys=ids,
                               months={m for m, _, _ in chunk})
        text_of = dict(rows(frame, ["article_id", "text"]))
        for article_id in ids:
            lengths[article_id] = len(text_of[article_id])
            yield text_of[article_id]


def _article_rows(recogniser: Recogniser, texts: Iterator[str]) -> Iterator[ArticleRows]:
    """Mentions and quotations per text as rows, in order. A pool keeps its workers busy
    across batches and commits (and sends rows, cheaper to pickle than objects); a local
    recogniser gets batches of PROGRESS_BATCH."""
    stream = getattr(recogniser, "recognise_rows", None)
    if stream is not None:
        yield from stream(texts)
        return
    while batch := list(islice(texts, PROGRESS_BATCH)):
        yield from recognise_with_quotes(recogniser, batch)


@dataclass
class _Found:
    mentions: int = 0
    quotes: int = 0
    chars: int = 0


def _recognise_in_chunks(warehouse: Warehouse, recogniser: Recogniser | None, version: str,
                         todo: list[Todo], new: set[str], progress: Progress) -> _Found:
    found = _Found()
    lengths: dict[str, int] = {}
    results = (_article_rows(recogniser, _texts(warehouse, todo, lengths))
               if recogniser is not None and todo else iter(()))
    run_in_chunks(todo, results, partial(_commit_spans, warehouse, version, new, lengths, found),
                  progress)
    return found


def _columns(table: str, fields: Sequence[str], chunk: Sequence[Todo],
             per_article: list[list[tuple]]) -> pd.DataFrame:
    """Rows of `table` from row tuples of `fields` per article of `chunk`. Column lists, not
    a dict per row: this process feeds the NER workers and shares their cores."""
    columns: dict[str, list] = {name: [] for name in SCHEMAS[table].names}
    for (month, article_id, _), found in zip(chunk, per_article):
        columns["article_id"].extend([article_id] * len(found))
        columns[PARTITION].extend([month] * len(found))
        for column, values in zip(fields, zip(*found)):
            columns[column].extend(values)
    return pd.DataFrame(columns)


def _commit_spans(warehouse: Warehouse, version: str, new_ids: set[str], lengths: dict[str, int],
                  found: _Found, chunk: Sequence[Todo], results: list[ArticleRows]) -> None:
    mentions = [article_mentions for article_mentions, _ in results]
    quotes = [article_quotes for _, article_quotes in results]
    run_rows, quote_run_rows = [], []
    for (month, article_id, text_sha), article_mentions, article_quotes in zip(chunk, mentions, quotes):
        run_rows.append({"article_id": article_id, "text_sha256": text_sha,
                         "recogniser_version": version, "n_mentions": len(article_mentions),
                         PARTITION: month})
        quote_run_rows.append({"article_id": article_id, "text_sha256": text_sha,
                               "recogniser_version": version, "quotes_version": QUOTES_VERSION,
                               "n_quotes": len(article_quotes), PARTITION: month})
        found.mentions += len(article_mentions)
        found.quotes += len(article_quotes)
        found.chars += lengths.pop(article_id)
    ids, months = [a for _, a, _ in chunk], {m for m, _, _ in chunk}
    new = [article_id for article_id in ids if article_id in new_ids]
    upsert = partial(warehouse.upsert, delete_keys=ids, months=months, known_new=new)
    upsert("_spans", _columns("_spans", MENTION_FIELDS, chunk, mentions))
    upsert("_quote_spans", _columns("_quote_spans", QUOTE_FIELDS, chunk, quotes))
    upsert("_quote_runs", pd.DataFrame(quote_run_rows, columns=SCHEMAS["_quote_runs"].names))
    # The run record last, naming the versions it accounts for: a run killed between the
    # commits redoes the chunk.
    upsert("_ner_runs", pd.DataFrame(run_rows, columns=SCHEMAS["_ner_runs"].names),
           metadata=_in_step_metadata(warehouse))
