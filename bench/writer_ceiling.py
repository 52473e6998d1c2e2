"""The single writer's ceiling: how many articles per second the cleaning and NER steps can
commit, whatever the number of workers computing their rows.

    PYTHONPATH=CODE python bench/writer_ceiling.py WORK_DIR [COPIES [TARGET]]

WORK_DIR is the --work-dir of an earlier `news-pipeline bench`: its warehouse holds the rows
the workers computed (cleaned articles, spans). They are committed again, COPIES times (under
new article ids; default 10), through the stages' own commit functions and in chunks of
`NEWS_PIPELINE_COMMIT_EVERY` (default 2,000), into a fresh warehouse at TARGET (default a
temporary folder; an s3:// URL measures object storage).
For NER the step's other per-article work is timed too: reading the texts it sends out.
Prints one JSON line: articles, rows and seconds per stage, and articles per second.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from news_pipeline import settings
from news_pipeline.engine import chunks
from news_pipeline.ner.mention import MENTION_FIELDS
from news_pipeline.stages.cleaning import _commit_cleaned
from news_pipeline.stages.per_file import CleaningOutcome
from news_pipeline.stages.recognition import _commit_spans, _Found, _texts
from news_pipeline.stages.report import StageReport
from news_pipeline.warehouse import PARTITION, Warehouse, rows

STAMP = ("pipeline_version", PARTITION)  # what _commit_cleaned adds to an outcome


def copied(frame: pd.DataFrame, copies: int) -> pd.DataFrame:
    """`frame` `copies` times, article ids made distinct."""
    return pd.concat([frame.assign(article_id=frame["article_id"] + f"-{k}") for k in range(copies)],
                     ignore_index=True)


def commit_articles(source: Warehouse, target: Warehouse, copies: int) -> dict:
    articles = copied(source.read("articles"), copies).sort_values([PARTITION, "article_id"])
    records = articles.to_dict("records")
    started = time.perf_counter()
    for chunk in chunks(records, settings.commit_every()):
        outcomes = [CleaningOutcome({k: v for k, v in row.items() if k not in STAMP}, None)
                    for row in chunk]
        _commit_cleaned(target, set(), StageReport(), chunk, outcomes)
    seconds = time.perf_counter() - started
    return {"articles": len(records), "rows": len(records), "commit_s": round(seconds, 3),
            "articles_per_s": round(len(records) / seconds)}


def commit_spans(source: Warehouse, target: Warehouse, copies: int) -> dict:
    runs = copied(source.read("_ner_runs"), copies).sort_values([PARTITION, "article_id"])
    spans = copied(source.read("_spans"), copies)
    found_rows = {article_id: list(group[list(MENTION_FIELDS)].itertuples(index=False, name=None))
                  for article_id, group in spans.groupby("article_id")}
    todo = list(rows(runs, [PARTITION, "article_id", "text_sha256"]))
    version = runs["recogniser_version"].iloc[0]
    lengths: dict[str, int] = {}
    started = time.perf_counter()
    texts = sum(1 for _ in _texts(target, todo, lengths))  # as the step reads them to send out
    read_s = time.perf_counter() - started
    for chunk in chunks(todo, settings.commit_every()):
        results = [found_rows.get(article_id, []) for _, article_id, _ in chunk]
        _commit_spans(target, version, set(), lengths, _Found(), chunk, results)
    seconds = time.perf_counter() - started
    return {"articles": texts, "rows": len(spans) + len(runs), "read_texts_s": round(read_s, 3),
            "commit_s": round(seconds - read_s, 3), "articles_per_s": round(texts / seconds)}


def main(argv: list[str]) -> int:
    source = Warehouse(str(Path(argv[0]) / "warehouse"))
    copies = int(argv[1]) if len(argv) > 1 else 10
    with tempfile.TemporaryDirectory() as scratch:
        target = Warehouse(argv[2] if len(argv) > 2 else str(Path(scratch) / "warehouse"))
        cleaning = commit_articles(source, target, copies)
        ner = commit_spans(source, target, copies)  # reads the texts cleaning committed
    print(json.dumps({"commit_every": settings.commit_every(), "cleaning": cleaning, "ner": ner}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
