"""Stage 3: named-entity recognition on articles whose text or recogniser changed."""

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
from news_pipeline.engine import chunks, drop_deleted, plan, run_in_chunks
from news_pipeline.ner import known_identity, load_recogniser
from news_pipeline.ner.mention import MENTION_FIELDS, MentionRow, Recogniser, mention_rows
from news_pipeline.parallel import (
    WarmRecogniser,
    preload_in_workers,
    recogniser_pool,
    worker_count,
)
from news_pipeline.progress import InfoLogger, Progress
from news_pipeline.stages.report import StageReport
from news_pipeline.warehouse import PARTITION, SCHEMAS, Warehouse, rows

if TYPE_CHECKING:
    from news_pipeline.cluster import Cluster

# Commit metadata of `_ner_runs`: the `_spans` version its run records account for.
SPANS_VERSION = "news_pipeline.spans_version"
# Articles per recogniser call: the granularity of progress lines (and of pool tasks).
PROGRESS_BATCH = 256

log = logging.getLogger(__name__)

# What NER workers import to load the shipped recogniser (its tokenizer is spaCy's).
preload_in_workers("news_pipeline.ner.hybrid", "spacy")


def recognise_changed_articles(warehouse: Warehouse, recogniser: Recogniser | None = None,
                               logger: InfoLogger = log, spec: str | None = None,
                               n_process: int = 1, warm: WarmRecogniser | None = None,
                               cluster: Cluster | None = None) -> StageReport:
    """Run NER where (text hash, recogniser version) differs from the recorded run.

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
    work = plan(warehouse.read_arrow("articles", ["article_id", "text_sha256", PARTITION]),
                warehouse.read_arrow("_ner_runs", ["article_id", "text_sha256",
                                                   "recogniser_version", PARTITION]),
                match=["text_sha256"], version=("recogniser_version", version))
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
    with _runner(recogniser, spec, name, version, workers, bool(todo), warm, cluster) as runner:
        # Articles with no rows yet are only appended, unless a run was killed between the
        # two commits of a chunk: then rows may exist for articles without a run record.
        new = set(work.new) if warehouse.in_step("_ner_runs", "_spans", SPANS_VERSION) else set()
        n_mentions, n_chars = _recognise_in_chunks(warehouse, runner, version, todo, new, progress)
    drop_deleted(warehouse, ("_spans", "_ner_runs"), work.deleted)
    report.extra.update({"mentions_found": n_mentions, "chars_processed": n_chars,
                         "processes": workers if todo and cluster is None else 0,
                         "cluster_articles": len(todo) if cluster is not None else 0,
                         "warm_worker_used": warm is not None, "recogniser": name,
                         "recogniser_version": version})
    return report


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


def _mention_rows(recogniser: Recogniser, texts: Iterator[str]) -> Iterator[list[MentionRow]]:
    """Mentions per text as rows, in order. A pool keeps its workers busy across batches and
    commits (and sends rows, cheaper to pickle than Mentions); a local recogniser gets
    batches of PROGRESS_BATCH."""
    stream = getattr(recogniser, "recognise_rows", None)
    if stream is not None:
        yield from stream(texts)
        return
    while batch := list(islice(texts, PROGRESS_BATCH)):
        yield from map(mention_rows, recogniser.recognise(batch))


@dataclass
class _Found:
    mentions: int = 0
    chars: int = 0


def _recognise_in_chunks(warehouse: Warehouse, recogniser: Recogniser | None, version: str,
                         todo: list[Todo], new: set[str],
                         progress: Progress) -> tuple[int, int]:
    found = _Found()
    lengths: dict[str, int] = {}
    results = (_mention_rows(recogniser, _texts(warehouse, todo, lengths))
               if recogniser is not None and todo else iter(()))
    run_in_chunks(todo, results, partial(_commit_spans, warehouse, version, new, lengths, found),
                  progress)
    return found.mentions, found.chars


def _commit_spans(warehouse: Warehouse, version: str, new_ids: set[str], lengths: dict[str, int],
                  found: _Found, chunk: Sequence[Todo], results: list[list[MentionRow]]) -> None:
    spans: dict[str, list] = {name: [] for name in SCHEMAS["_spans"].names}
    run_rows = []
    for (month, article_id, text_sha), mentions in zip(chunk, results):
        # Column lists, not a dict per mention: this process feeds the NER workers and
        # shares their cores.
        spans["article_id"].extend([article_id] * len(mentions))
        spans[PARTITION].extend([month] * len(mentions))
        for column, values in zip(MENTION_FIELDS, zip(*mentions)):
            spans[column].extend(values)
        run_rows.append({"article_id": article_id, "text_sha256": text_sha,
                         "recogniser_version": version, "n_mentions": len(mentions),
                         PARTITION: month})
        found.mentions += len(mentions)
        found.chars += lengths.pop(article_id)
    ids, months = [a for _, a, _ in chunk], {m for m, _, _ in chunk}
    # The run record last: a run killed between the two commits redoes the chunk.
    new = [article_id for article_id in ids if article_id in new_ids]
    warehouse.upsert("_spans", pd.DataFrame(spans), delete_keys=ids, months=months, known_new=new)
    warehouse.upsert("_ner_runs", pd.DataFrame(run_rows, columns=SCHEMAS["_ner_runs"].names),
                     months=months, known_new=new,
                     metadata={SPANS_VERSION: str(warehouse.data_version("_spans"))})
