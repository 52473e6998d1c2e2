"""Stage 4: resolve the NER spans of all current articles into mentions, entities, pairs."""

from __future__ import annotations

import pandas as pd

from news_pipeline.resolve import RESOLVE_VERSION, resolve_entities
from news_pipeline.warehouse import SCHEMAS, Warehouse


def current_spans(articles: pd.DataFrame, runs: pd.DataFrame, spans: pd.DataFrame) -> pd.DataFrame:
    """Spans whose NER run matches the article's current text (stale ones are ignored)."""
    fresh = runs.merge(articles, on=["article_id", "text_sha256"])["article_id"]
    return spans[spans["article_id"].isin(set(fresh))].reset_index(drop=True)


def resolve_all(warehouse: Warehouse) -> dict[str, int | str]:
    with warehouse.transaction() as tx:
        spans = current_spans(tx.read("articles", ["article_id", "text_sha256"]),
                              tx.read("_ner_runs", ["article_id", "text_sha256"]),
                              tx.read("_spans"))
        resolution = resolve_entities(spans)
        mentions = resolution.mentions.reindex(columns=SCHEMAS["mentions"].names)
        tx.replace("mentions", mentions)
        tx.replace("entities", resolution.entities.reindex(columns=SCHEMAS["entities"].names))
        tx.replace("cooccurrences", resolution.cooccurrences)
    return {"articles_resolved": spans["article_id"].nunique(), "mentions": len(mentions),
            "entities": len(resolution.entities), "cooccurrences": len(resolution.cooccurrences),
            "resolve_version": RESOLVE_VERSION}
