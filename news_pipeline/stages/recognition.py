"""Stage 3: named-entity recognition on articles whose text or recogniser changed."""

from __future__ import annotations

import logging

import pandas as pd

from news_pipeline import settings
from news_pipeline.ner.mention import Recogniser
from news_pipeline.parallel import pooled_recogniser, worker_count
from news_pipeline.progress import InfoLogger, Progress
from news_pipeline.stages.report import StageReport
from news_pipeline.warehouse import SCHEMAS, Warehouse

# Articles per recogniser call: the granularity of progress lines (and of pool tasks).
PROGRESS_BATCH = 256

log = logging.getLogger(__name__)


def recognise_changed_articles(warehouse: Warehouse, recogniser: Recogniser,
                               logger: InfoLogger = log, spec: str | None = None,
                               n_process: int = 1) -> StageReport:
    """Run NER where (text hash, recogniser version) differs from the recorded run.

    Work is committed every `settings.commit_every()` articles: memory stays bounded by the chunk, and a
    killed run keeps what it finished. With `spec` (how to load `recogniser` again), large
    batches run in `n_process` worker processes (0 = one per core).
    """
    report = StageReport()
    with warehouse.locked():
        articles = warehouse.read("articles", ["article_id", "text_sha256"])
        runs = warehouse.read("_ner_runs")
        done = set(zip(runs["article_id"], runs["text_sha256"], runs["recogniser_version"]))
        previously_seen = set(runs["article_id"])
        todo = [(a, h) for a, h in zip(articles["article_id"], articles["text_sha256"])
                if (a, h, recogniser.version) not in done]
        deleted = sorted(previously_seen - set(articles["article_id"]))
        report.unchanged = len(articles) - len(todo)
        report.deleted = len(deleted)
        report.new = sum(a not in previously_seen for a, _ in todo)
        report.changed = len(todo) - report.new
        workers = worker_count(n_process, len(todo)) if spec is not None else 1
        progress = Progress(logger, f"NER ({recogniser.name}, {workers} process(es))", len(todo))
        with pooled_recogniser(spec or "", recogniser, workers) as runner:
            n_mentions, n_chars = _recognise_in_chunks(warehouse, runner, todo, deleted, progress)
    report.extra.update({"mentions_found": n_mentions, "chars_processed": n_chars,
                         "processes": workers, "recogniser": recogniser.name,
                         "recogniser_version": recogniser.version})
    return report


def _recognise_in_chunks(warehouse: Warehouse, recogniser: Recogniser, todo: list[tuple[str, str]],
                         deleted: list[str], progress: Progress) -> tuple[int, int]:
    n_mentions = n_chars = 0
    chunk_size = settings.commit_every()
    for start in range(0, max(len(todo), 1 if deleted else 0), chunk_size):
        chunk = todo[start:start + chunk_size]
        ids = [a for a, _ in chunk]
        texts = warehouse.read("articles", ["article_id", "text"], keys=ids)
        text_of = dict(zip(texts["article_id"], texts["text"]))
        spans, run_rows = [], []
        for first in range(0, len(chunk), PROGRESS_BATCH):
            batch = chunk[first:first + PROGRESS_BATCH]
            found = recogniser.recognise([text_of[a] for a, _ in batch])
            for (article_id, text_sha), mentions in zip(batch, found):
                spans.extend({"article_id": article_id, "start": m.start, "end": m.end,
                              "label": m.label, "text": m.text,
                              "sentence_index": m.sentence_index} for m in mentions)
                run_rows.append({"article_id": article_id, "text_sha256": text_sha,
                                 "recogniser_version": recogniser.version,
                                 "n_mentions": len(mentions)})
                n_mentions += len(mentions)
                n_chars += len(text_of[article_id])
            progress.advance(len(batch))
        stale = ids + (deleted if start == 0 else [])
        with warehouse.transaction() as tx:
            tx.upsert("_spans", pd.DataFrame(spans, columns=SCHEMAS["_spans"].names),
                      delete_keys=stale)
            tx.upsert("_ner_runs", pd.DataFrame(run_rows, columns=SCHEMAS["_ner_runs"].names),
                      delete_keys=stale)
    return n_mentions, n_chars
