"""Questions to the finished dataset, in plain pandas (no Dagster needed).

    from news_pipeline import query
    tables = query.load_tables()                      # data/warehouse or $NEWS_PIPELINE_WAREHOUSE
    tables = query.load_tables("s3://bucket/news")    # any URL delta-rs supports
    query.find_entities(tables, "putin")              # by name or any spelling
    query.mentions_with_sentence(tables, "Putin")     # each mention with its sentence
    query.top_entities(tables, by="source", label="PER", n=5)
    query.quotes_by(tables, "Putin")                  # what an entity said, where
    query.who_quotes_whom(tables)                     # quotations per source site and speaker
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import pandas as pd

from news_pipeline import settings
from news_pipeline.warehouse import published_snapshot, read_table

TABLES = ("articles", "mentions", "entities", "cooccurrences", "rejected", "quotes")
ENTITY_COLUMNS = ["entity_id", "name", "label"]
ARTICLE_COLUMNS = ["article_id", "title", "published_at", "source"]


@dataclass
class Tables:
    """The user-facing tables as of one completed run."""

    articles: pd.DataFrame
    mentions: pd.DataFrame
    entities: pd.DataFrame
    cooccurrences: pd.DataFrame
    rejected: pd.DataFrame
    quotes: pd.DataFrame


def load_tables(warehouse: str | Path | None = None) -> Tables:
    """Read every table as the last completed run left it (default: the configured
    warehouse), a local folder or a URL.

    The versions are those the run published: a run committing meanwhile cannot hand us
    articles from one run and mentions from the next.
    """
    location = warehouse if warehouse is not None else settings.warehouse_dir()
    snapshot = published_snapshot(location)
    if snapshot is None:
        raise FileNotFoundError(f"no warehouse at {location}: run the pipeline first (make run)")
    return Tables(**{name: read_table(snapshot, name) for name in TABLES})


def find_entities(tables: Tables, name: str, exact: bool = False) -> pd.DataFrame:
    """Entities whose name or an alias contains `name` (equals it with exact=True), ignoring
    case; most mentioned first."""
    wanted = name.casefold().strip()

    def matches(spelling: str) -> bool:
        spelling = spelling.casefold()
        return spelling == wanted if exact else wanted in spelling

    entities = tables.entities
    hit = [matches(n) or any(matches(a) for a in (aliases if aliases is not None else ()))
           for n, aliases in zip(entities["name"], entities["aliases"])]
    return (entities[pd.Series(hit, index=entities.index, dtype=bool)]
            .sort_values(["n_mentions", "name"], ascending=[False, True])
            .reset_index(drop=True))


def resolve_entity_ids(tables: Tables, entity: str) -> list[str]:
    """An entity_id, or the ids of entities spelled exactly `entity` (any case), or failing
    that those whose spelling contains it: "Russland" must not also pick "Weißrussland"."""
    if entity in set(tables.entities["entity_id"]):
        return [entity]
    found = find_entities(tables, entity, exact=True)
    if found.empty:
        found = find_entities(tables, entity)
    return list(found["entity_id"])


@lru_cache(maxsize=1)
def _segmenter():  # spaCy's tokenizer takes a moment to build: once per process
    from news_pipeline.ner.text import Segmenter

    return Segmenter()


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of each sentence, split the way the shipped recogniser
    splits (German abbreviations, line breaks), so that its sentence_index numbers these."""
    return [(s.tokens[0].start, s.tokens[-1].end) for s in _segmenter().sentences(text)]


def sentence_around(spans: list[tuple[int, int]], text: str, start: int, end: int) -> str:
    """The sentence(s) covering text[start:end]; a mention never loses its context even if a
    recogniser split sentences elsewhere."""
    first = next((s for s, e in spans if s <= start < e), start)
    last = next((e for s, e in spans if s < end <= e), end)
    return text[min(first, start):max(last, end)]


def mentions_with_sentence(tables: Tables, entity: str) -> pd.DataFrame:
    """Every mention of `entity` (id, name or spelling) with its article and sentence.

    Columns: entity_id, name, label, article_id, title, published_at, source, text (as
    written), start, end, sentence_index (as stored by the recogniser), sentence.
    """
    ids = resolve_entity_ids(tables, entity)
    mentions = tables.mentions[tables.mentions["entity_id"].isin(ids)]
    rows = (mentions.drop(columns=["label"])
            .merge(tables.entities[ENTITY_COLUMNS], on="entity_id")
            .merge(tables.articles[[*ARTICLE_COLUMNS, "text"]].rename(columns={"text": "article_text"}),
                   on="article_id"))
    rows = rows.assign(sentence=_sentences(rows)).drop(columns=["article_text"])
    columns = [*ENTITY_COLUMNS, *ARTICLE_COLUMNS, "text", "start", "end", "sentence_index", "sentence"]
    return (rows[columns].sort_values(["published_at", "article_id", "start"], na_position="last")
            .reset_index(drop=True))


def _sentences(rows: pd.DataFrame) -> list[str]:
    spans_of: dict[str, list[tuple[int, int]]] = {}  # split each article once
    result = []
    for article_id, text, start, end in zip(rows["article_id"], rows["article_text"],
                                            rows["start"], rows["end"]):
        if article_id not in spans_of:
            spans_of[article_id] = sentence_spans(text)
        result.append(sentence_around(spans_of[article_id], text, int(start), int(end)))
    return result


def top_entities(tables: Tables, by: Literal["source", "day"] | None = "source",
                 label: str | None = None, n: int = 10, tz: str = "Europe/Berlin") -> pd.DataFrame:
    """The `n` most mentioned entities per source site or per publication day (in `tz`), or
    overall with by=None; optionally of one label (PER, LOC, ORG, MISC).

    Columns: the group (source / day), entity_id, name, label, n_mentions, n_articles, rank.
    Articles without a source or date form their own group (null).
    """
    mentions = tables.mentions if label is None else tables.mentions[tables.mentions["label"] == label]
    keys: list[str] = []
    if by is not None:
        articles = tables.articles[["article_id", "source", "published_at"]].copy()
        if by == "day":
            articles["day"] = articles["published_at"].dt.tz_convert(tz).dt.date
        elif by != "source":
            raise ValueError(f"by must be 'source', 'day' or None, not {by!r}")
        mentions = mentions.merge(articles[["article_id", by]], on="article_id")
        keys = [by]
    counts = (mentions.groupby([*keys, "entity_id"], dropna=False)
              .agg(n_mentions=("article_id", "size"), n_articles=("article_id", "nunique"))
              .reset_index()
              .merge(tables.entities[ENTITY_COLUMNS], on="entity_id"))
    counts = counts.sort_values([*keys, "n_mentions", "n_articles", "name"],
                                ascending=[*([True] * len(keys)), False, False, True], na_position="last")
    counts["rank"] = counts.groupby(keys, dropna=False).cumcount() + 1 if keys else range(1, len(counts) + 1)
    top = counts[counts["rank"] <= n]
    return top[[*keys, *ENTITY_COLUMNS, "n_mentions", "n_articles", "rank"]].reset_index(drop=True)


def quotes_by(tables: Tables, entity: str) -> pd.DataFrame:
    """Every quotation whose speaker is `entity` (id, name or any spelling), with its article.

    Columns: speaker_entity_id, name (the entity's), title, published_at, source, kind,
    speaker (as written), cue, text, article_id, quote_id, start, end. Oldest first.
    """
    ids = resolve_entity_ids(tables, entity)
    quotes = tables.quotes[tables.quotes["speaker_entity_id"].isin(ids)]
    rows = (quotes.merge(tables.entities[["entity_id", "name"]]
                         .rename(columns={"entity_id": "speaker_entity_id"}), on="speaker_entity_id")
            .merge(tables.articles[ARTICLE_COLUMNS], on="article_id"))
    columns = ["speaker_entity_id", "name", "title", "published_at", "source", "kind", "speaker",
               "cue", "text", "article_id", "quote_id", "start", "end"]
    return (rows[columns].sort_values(["published_at", "article_id", "start"], na_position="last")
            .reset_index(drop=True))


def who_quotes_whom(tables: Tables) -> pd.DataFrame:
    """Quotations per source site and speaker entity (quotations whose speaker is no entity
    are left out); within each source, the most quoted first.

    Columns: source (null: unknown), speaker_entity_id, name, label, n_quotes, n_articles.
    `.pivot_table(index="name", columns="source", values="n_quotes", fill_value=0)` gives
    the sources × speakers matrix.
    """
    quotes = (tables.quotes.dropna(subset=["speaker_entity_id"])
              .merge(tables.articles[["article_id", "source"]], on="article_id"))
    counts = (quotes.groupby(["source", "speaker_entity_id"], dropna=False)
              .agg(n_quotes=("quote_id", "size"), n_articles=("article_id", "nunique"))
              .reset_index()
              .merge(tables.entities[ENTITY_COLUMNS]
                     .rename(columns={"entity_id": "speaker_entity_id"}), on="speaker_entity_id"))
    return (counts.sort_values(["source", "n_quotes", "n_articles", "name"],
                               ascending=[True, False, False, True], na_position="last")
            [["source", "speaker_entity_id", "name", "label", "n_quotes", "n_articles"]]
            .reset_index(drop=True))
