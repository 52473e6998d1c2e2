"""What each chart shows, selected from the tables without drawing.

The report asset hashes these selections: a chart whose inputs did not change is not drawn
again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.extensions import ExtensionArray

from news_pipeline.warehouse import SCHEMAS, Snapshot, read_batches, read_table

LABELS = ("PER", "LOC", "ORG", "MISC")
# Columns of the entities table the charts use.
ENTITY_COLUMNS = ["entity_id", "name", "label", "n_mentions", "n_articles"]
# Publication days are counted in the newsroom's time zone, as news_pipeline.query does.
TIMEZONE = "Europe/Berlin"


@dataclass
class TopEntities:
    """The `n` most mentioned entities of each label present, and bars per panel."""

    n: int
    panels: dict[str, pd.DataFrame]  # label -> name, n_mentions, n_articles (most first)
    bars_per_panel: int


@dataclass
class TopSpeakers:
    """The `n` entities quoted most often."""

    n: int
    speakers: pd.DataFrame  # name, label, n_quotes, n_articles (most quoted first)


def top_speakers(quotes: pd.DataFrame, entities: pd.DataFrame, n: int = 15) -> TopSpeakers:
    """`quotes`: article_id, speaker_entity_id of the quotations (null: no entity)."""
    counts = (quotes.dropna(subset=["speaker_entity_id"]).groupby("speaker_entity_id")
              .agg(n_quotes=("article_id", "size"), n_articles=("article_id", "nunique"))
              .reset_index().rename(columns={"speaker_entity_id": "entity_id"})
              .merge(entities[["entity_id", "name", "label"]], on="entity_id"))
    top = counts.sort_values(["n_quotes", "n_articles", "name"], ascending=[False, False, True]).head(n)
    return TopSpeakers(n, top[["name", "label", "n_quotes", "n_articles"]].reset_index(drop=True))


@dataclass
class Network:
    """Nodes (entity_id, name, label, n_mentions) and edges (i, j, weight) to draw."""

    nodes: pd.DataFrame
    edges: list[tuple[int, int, float]]
    weight: str


def labels_present(entities: pd.DataFrame) -> list[str]:
    present = set(entities["label"].dropna())
    return [label for label in LABELS if label in present] + sorted(present - set(LABELS))


def top_entities(entities: pd.DataFrame, n: int = 10) -> TopEntities:
    labels = labels_present(entities) if n > 0 else []
    panels = {label: (entities[entities["label"] == label]
                      .sort_values(["n_mentions", "n_articles", "name"],
                                   ascending=[False, False, True])
                      .head(n)[["name", "n_mentions", "n_articles"]].reset_index(drop=True))
              for label in labels}
    bars = min(n, int(entities["label"].value_counts().max())) if labels else 0
    return TopEntities(n, panels, bars)


def _network_nodes(entities: pd.DataFrame, linked: pa.Array | ExtensionArray | np.ndarray,
                   n: int) -> pd.DataFrame:
    """The `n` most mentioned entities among `linked` (those that co-occur with another)."""
    # Arrow's is_in: pandas's isin on Arrow-backed strings loops in Python (0.15 s for the
    # 40k entities of a 10k-article corpus).
    linked = linked if isinstance(linked, pa.Array) else pa.array(linked, pa.string())
    among = pc.is_in(pa.array(entities["entity_id"], pa.string()), value_set=linked)
    return (entities[among.to_numpy(zero_copy_only=False)]
            .sort_values(["n_mentions", "name"], ascending=[False, True]).head(n).reset_index(drop=True))


def _strongest_edges(pairs: pd.DataFrame, weight: str, per_node: int) -> pd.DataFrame:
    """Each node's `per_node` heaviest edges (ties: by name order): a backbone that keeps
    weakly linked entities attached without drawing every edge of a dense hub."""
    ranked = pairs.sort_values([weight, "entity_a", "entity_b"], ascending=[False, True, True])
    ends = pd.concat([ranked["entity_a"], ranked["entity_b"]])  # each edge once per end, heaviest first
    ends = ends.iloc[np.argsort(np.tile(np.arange(len(ranked)), 2), kind="stable")]
    rank_at_end = ends.groupby(ends).cumcount()
    keep = rank_at_end[rank_at_end < per_node].index
    return ranked.loc[ranked.index.isin(keep)]


def network(entities: pd.DataFrame, cooccurrences: pd.DataFrame, n: int = 25,
            weight: str = "n_articles", max_edges_per_node: int = 3) -> Network:
    """The `n` most mentioned co-occurring entities and their strongest edges (about
    `max_edges_per_node` per node), so that a dense corpus still gives a readable picture."""
    pairs = cooccurrences[cooccurrences[weight] > 0]
    # pd.unique, not set(): iterating Arrow-backed strings in Python costs seconds for the
    # hundreds of thousands of pairs of a 10k-article corpus.
    linked = pd.unique(pd.concat([pairs["entity_a"], pairs["entity_b"]], ignore_index=True))
    nodes = _network_nodes(entities, linked, n)
    index = {entity_id: i for i, entity_id in enumerate(nodes["entity_id"])}
    pairs = pairs[pairs["entity_a"].isin(index) & pairs["entity_b"].isin(index)]
    pairs = _strongest_edges(pairs, weight, max_edges_per_node)
    nodes = nodes[nodes["entity_id"].isin(set(pairs["entity_a"]) | set(pairs["entity_b"]))]
    nodes = nodes[["entity_id", "name", "label", "n_mentions"]].reset_index(drop=True)
    index = {entity_id: i for i, entity_id in enumerate(nodes["entity_id"])}
    edges = [(index[a], index[b], float(w))
             for a, b, w in zip(pairs["entity_a"], pairs["entity_b"], pairs[weight])]
    return Network(nodes, edges, weight)


@dataclass
class Timeline:
    """Articles per publication day, and per day the articles mentioning each of the most
    mentioned entities. Only days with dated articles are listed; no dates, no rows."""

    per_day: pd.DataFrame  # day, n_articles (by day)
    entities: pd.DataFrame  # entity_id, name, label: the entities shown, most mentioned first
    entity_days: pd.DataFrame  # entity_id, day, n_articles (by entity_id, day)


def top_overall(entities: pd.DataFrame, n: int) -> pd.DataFrame:
    """The `n` most mentioned entities of any label."""
    return (entities.sort_values(["n_mentions", "n_articles", "name"], ascending=[False, False, True])
            .head(n)[["entity_id", "name", "label"]].reset_index(drop=True))


def timeline(articles: pd.DataFrame, mentions: pd.DataFrame, entities: pd.DataFrame,
             n: int = 6) -> Timeline:
    """`articles`: article_id, published_at (null when unknown); `mentions`: article_id,
    entity_id (at least those of the `n` most mentioned entities)."""
    dated = articles.dropna(subset=["published_at"])
    days = pd.DataFrame({"article_id": dated["article_id"],
                         "day": dated["published_at"].dt.tz_convert(TIMEZONE).dt.date})
    per_day = days.groupby("day").size().rename("n_articles").reset_index()
    shown = top_overall(entities, n if len(days) else 0)
    pairs = (mentions[["article_id", "entity_id"]].merge(shown[["entity_id"]]).drop_duplicates()
             .merge(days, on="article_id"))
    entity_days = pairs.groupby(["entity_id", "day"]).size().rename("n_articles").reset_index()
    return Timeline(per_day, shown, entity_days)


@dataclass
class ChartTables:
    """What the charts are drawn from, read without holding the co-occurrence table whole."""

    entities: pd.DataFrame  # ENTITY_COLUMNS, all entities
    # The pairs network(entities, cooccurrences, n, weight) can draw: both ends among the
    # `n` most mentioned linked entities. It gives the network the whole table gives.
    cooccurrences: pd.DataFrame
    n_pairs: int  # rows of the whole co-occurrence table
    articles: pd.DataFrame  # article_id, published_at of every article
    # article_id, entity_id: the articles mentioning each of the `timeline_n` most mentioned
    # entities (none when no article is dated)
    mentions: pd.DataFrame
    quotes: pd.DataFrame  # article_id, speaker_entity_id of every quotation


def read_chart_tables(snapshot: Snapshot | None, n: int = 25, weight: str = "n_articles",
                      timeline_n: int = 6) -> ChartTables:
    """The chart inputs of one snapshot: the entities, the articles' dates, the mentions of
    the entities a timeline shows, and two passes in batches over the co-occurrences (which
    entities are linked at all, then the pairs among the top `n`)."""
    entities = read_table(snapshot, "entities", ENTITY_COLUMNS)
    articles = read_table(snapshot, "articles", ["article_id", "published_at"])
    dated = articles["published_at"].notna().any()  # else the timeline shows no entities
    mentions = _articles_mentioning(snapshot, top_overall(entities, timeline_n if dated else 0)["entity_id"])
    n_pairs = 0
    linked = [pa.array([], pa.string())]
    for batch in read_batches(snapshot, "cooccurrences"):
        n_pairs += batch.num_rows
        batch = batch.filter(pc.greater(batch[weight], 0))
        linked.append(pc.unique(pa.concat_arrays([batch["entity_a"], batch["entity_b"]])))
    nodes = pa.array(_network_nodes(entities, pc.unique(pa.concat_arrays(linked)), n)["entity_id"],
                     pa.string())
    drawn = [batch.filter(pc.and_(pc.greater(batch[weight], 0),
                                  pc.and_(pc.is_in(batch["entity_a"], value_set=nodes),
                                          pc.is_in(batch["entity_b"], value_set=nodes))))
             for batch in read_batches(snapshot, "cooccurrences")]
    pairs = pa.Table.from_batches(drawn, SCHEMAS["cooccurrences"]).to_pandas()
    quotes = read_table(snapshot, "quotes", ["article_id", "speaker_entity_id"])
    return ChartTables(entities, pairs, n_pairs, articles, mentions, quotes)


def _articles_mentioning(snapshot: Snapshot | None, entity_ids: pd.Series) -> pd.DataFrame:
    """article_id, entity_id: once per article that mentions one of `entity_ids` (read in
    batches, not at all for none; Arrow drops the repeats far faster than pandas would)."""
    wanted = pa.array(entity_ids, pa.string())
    columns = ["article_id", "entity_id"]
    batches = [batch.filter(pc.is_in(batch["entity_id"], value_set=wanted))
               for batch in read_batches(snapshot, "mentions", columns)] if len(wanted) else []
    schema = pa.schema([SCHEMAS["mentions"].field(column) for column in columns])
    return pa.Table.from_batches(batches, schema).group_by(columns).aggregate([]).select(columns).to_pandas()


def fingerprint(*parts: object) -> str:
    """A digest of chart inputs (data frames, numbers, strings, lists of them)."""

    def plain(value: object) -> object:
        if isinstance(value, pd.DataFrame):
            return [list(value.columns), value.astype(object).values.tolist()]
        if isinstance(value, TopEntities | TopSpeakers | Network | Timeline):
            return {key: plain(item) for key, item in vars(value).items()}
        if isinstance(value, dict):
            return {str(key): plain(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [plain(item) for item in value]
        return value

    text = json.dumps([plain(part) for part in parts], default=str, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
