"""Stage 3: named-entity recognition on articles whose text or recogniser changed."""

from __future__ import annotations

import logging

import pandas as pd

from news_pipeline.ner.mention import Recogniser
from news_pipeline.progress import InfoLogger, Progress
from news_pipeline.stages.report import StageReport
from news_pipeline.warehouse import SCHEMAS, Warehouse

CHUNK_ARTICLES = 2000

log = logging.getLogger(__name__)


def recognise_changed_articles(warehouse: Warehouse, recogniser: Recogniser,
                               logger: InfoLogger = log) -> StageReport:
    """Run NER where (text hash, recogniser version) differs from the recorded run.

    Work is committed every CHUNK_ARTICLES articles: memory stays bounded by the chunk, and a
    killed run keeps what it finished.
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
        progress = Progress(logger, f"NER ({recogniser.name})", len(todo))
        n_mentions = n_chars = 0
        for start in range(0, max(len(todo), 1 if deleted else 0), CHUNK_ARTICLES):
            chunk = todo[start:start + CHUNK_ARTICLES]
            ids = [a for a, _ in chunk]
            texts = warehouse.read("articles", ["article_id", "text"], keys=ids)
            text_of = dict(zip(texts["article_id"], texts["text"]))
            spans, run_rows = [], []
            batch = [text_of[a] for a in ids]
            for (article_id, text_sha), mentions in zip(chunk, recogniser.recognise(batch)):
                spans.extend({"article_id": article_id, "start": m.start, "end": m.end,
                              "label": m.label, "text": m.text,
                              "sentence_index": m.sentence_index} for m in mentions)
                run_rows.append({"article_id": article_id, "text_sha256": text_sha,
                                 "recogniser_version": recogniser.version,
                                 "n_mentions": len(mentions)})
                n_mentions += len(mentions)
                n_chars += len(text_of[article_id])
            progress.advance(len(chunk))
            stale = ids + (deleted if start == 0 else [])
            with warehouse.transaction() as tx:
                tx.upsert("_spans", pd.DataFrame(spans, columns=SCHEMAS["_spans"].names),
                          delete_keys=stale)
                tx.upsert("_ner_runs", pd.DataFrame(run_rows, columns=SCHEMAS["_ner_runs"].names),
                          delete_keys=stale)
    report.extra.update({"mentions_found": n_mentions, "chars_processed": n_chars,
                         "recogniser": recogniser.name, "recogniser_version": recogniser.version})
    return report
