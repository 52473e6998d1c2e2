"""What each chart shows, selected from the tables without drawing (no matplotlib here).

The report asset hashes these selections: a chart whose inputs did not change is not drawn
again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

LABELS = ("PER", "LOC", "ORG", "MISC")
# Columns of the entities table the charts use.
ENTITY_COLUMNS = ["entity_id", "name", "label", "n_mentions", "n_articles"]


@dataclass
class TopEntities:
    """The `n` most mentioned entities of each label present, and bars per panel."""

    n: int
    panels: dict[str, pd.DataFrame]  # label -> name, n_mentions, n_articles (most first)
    bars_per_panel: int


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


def _network_nodes(entities: pd.DataFrame, pairs: pd.DataFrame, n: int) -> pd.DataFrame:
    """The `n` most mentioned entities that co-occur with at least one other."""
    # pd.unique, not set(): iterating Arrow-backed strings in Python costs seconds for the
    # hundreds of thousands of pairs of a 10k-article corpus.
    linked = pd.unique(pd.concat([pairs["entity_a"], pairs["entity_b"]], ignore_index=True))
    return (entities[entities["entity_id"].isin(linked)]
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
    nodes = _network_nodes(entities, pairs, n)
    index = {entity_id: i for i, entity_id in enumerate(nodes["entity_id"])}
    pairs = pairs[pairs["entity_a"].isin(index) & pairs["entity_b"].isin(index)]
    pairs = _strongest_edges(pairs, weight, max_edges_per_node)
    nodes = nodes[nodes["entity_id"].isin(set(pairs["entity_a"]) | set(pairs["entity_b"]))]
    nodes = nodes[["entity_id", "name", "label", "n_mentions"]].reset_index(drop=True)
    index = {entity_id: i for i, entity_id in enumerate(nodes["entity_id"])}
    edges = [(index[a], index[b], float(w))
             for a, b, w in zip(pairs["entity_a"], pairs["entity_b"], pairs[weight])]
    return Network(nodes, edges, weight)


def fingerprint(*parts: object) -> str:
    """A digest of chart inputs (data frames, numbers, strings, lists of them)."""

    def plain(value: object) -> object:
        if isinstance(value, pd.DataFrame):
            return [list(value.columns), value.astype(object).values.tolist()]
        if isinstance(value, TopEntities | Network):
            return {key: plain(item) for key, item in vars(value).items()}
        if isinstance(value, dict):
            return {str(key): plain(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [plain(item) for item in value]
        return value

    text = json.dumps([plain(part) for part in parts], default=str, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
