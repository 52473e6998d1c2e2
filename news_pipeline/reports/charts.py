"""PNG charts of the entities table: top entities per label, and a co-occurrence network.

Figures are built with matplotlib's object API and rendered by Agg: no pyplot state, no GUI,
safe in Dagster's worker processes and on servers without a display.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from news_pipeline.reports.data import LABELS, Network, TopEntities, network, top_entities
from news_pipeline.reports.layout import spring_layout

LABEL_NAMES = {"PER": "Persons", "LOC": "Places", "ORG": "Organisations", "MISC": "Other"}
COLOURS = {"PER": "#4C72B0", "LOC": "#55A868", "ORG": "#DD8452", "MISC": "#8172B3"}
OTHER_COLOUR = "#999999"
DPI = 100
MAX_NAME = 28


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    # No "Software" text chunk: the same data then gives the same bytes on every run.
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _short(name: str) -> str:
    return name if len(name) <= MAX_NAME else name[:MAX_NAME - 1] + "…"


def _empty(title: str, message: str) -> bytes:
    figure = Figure(figsize=(6, 2.5))
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.set_title(title)
    axes.text(0.5, 0.5, message, ha="center", va="center", fontsize=12, color="#555555")
    return _png(figure)


def _bar_panel(axes: Axes, top: pd.DataFrame, label: str, n_slots: int) -> None:
    # Fixed slots, most mentioned on top: bars keep one thickness across panels.
    slots = np.arange(n_slots - 1, n_slots - 1 - len(top), -1)
    bars = axes.barh(slots, top["n_mentions"], color=COLOURS.get(label, OTHER_COLOUR))
    axes.set_yticks(slots, [_short(n) for n in top["name"]])
    axes.set_ylim(-0.6, n_slots - 0.4)
    axes.bar_label(bars, labels=[f"{m} ({a} art.)" for m, a in zip(top["n_mentions"], top["n_articles"])],
                   padding=3, fontsize=8)
    axes.set_title(LABEL_NAMES.get(label, label), loc="left", fontweight="bold")
    axes.set_xlabel("mentions")
    axes.margins(x=0.25)  # room for the value labels
    axes.spines[["top", "right"]].set_visible(False)


def top_entities_chart(entities: pd.DataFrame, n: int = 10) -> bytes:
    """The `n` most mentioned entities of each label, one bar panel per label (PNG bytes).

    `entities` needs the columns name, label, n_mentions, n_articles (the entities table).
    """
    return draw_top_entities(top_entities(entities, n))


def draw_top_entities(top: TopEntities) -> bytes:
    title = f"Most mentioned entities (top {top.n} per label)"
    if not top.panels:
        return _empty(title, "No entities yet")
    columns = 2 if len(top.panels) > 1 else 1
    rows = -(-len(top.panels) // columns)
    figure = Figure(figsize=(6.5 * columns, rows * (0.9 + 0.32 * top.bars_per_panel)),
                    layout="constrained")
    figure.suptitle(title, fontsize=13)
    grid = figure.subplots(rows, columns, squeeze=False)
    for axes, (label, panel) in zip(grid.flat, top.panels.items()):
        _bar_panel(axes, panel, label, top.bars_per_panel)
    for axes in list(grid.flat)[len(top.panels):]:
        axes.set_axis_off()
    return _png(figure)


def cooccurrence_network_chart(entities: pd.DataFrame, cooccurrences: pd.DataFrame, n: int = 25,
                               weight: str = "n_articles", max_edges_per_node: int = 3) -> bytes:
    """Network of the `n` most mentioned co-occurring entities (PNG bytes).

    Node area grows with mentions and colour shows the label; an edge joins two entities
    mentioned together, its width growing with `weight` ("n_articles" or "n_sentences").
    Only the strongest edges are drawn (about `max_edges_per_node` per node) so that a large
    corpus, where nearly everything co-occurs with everything, still gives a readable picture.
    """
    return draw_network(network(entities, cooccurrences, n, weight, max_edges_per_node))


def draw_network(graph: Network) -> bytes:
    title = "Entities mentioned together"
    if not graph.edges:
        return _empty(title, "No co-occurring entities yet")
    positions = spring_layout(len(graph.nodes), graph.edges)
    figure = Figure(figsize=(10, 8), layout="constrained")
    axes = figure.add_subplot()
    _draw_network(axes, graph.nodes, graph.edges, positions)
    axes.set_title(f"{title} ({len(graph.nodes)} most mentioned; "
                   f"edge width = {graph.weight.removeprefix('n_')})", fontsize=13)
    return _png(figure)


def _draw_network(axes: Axes, nodes: pd.DataFrame, edges: list[tuple[int, int, float]],
                  positions: np.ndarray) -> None:
    heaviest = max(w for _, _, w in edges)
    for i, j, w in sorted(edges, key=lambda e: e[2]):  # strong edges drawn last, on top
        axes.plot(*positions[[i, j]].T, color="#555555", linewidth=0.5 + 5 * w / heaviest,
                  alpha=0.25 + 0.5 * w / heaviest, zorder=1, solid_capstyle="round")
    mentions = nodes["n_mentions"].to_numpy(dtype=float)
    sizes = 80 + 1500 * np.sqrt(mentions / max(mentions.max(), 1))
    colours = [COLOURS.get(label, OTHER_COLOUR) for label in nodes["label"]]
    axes.scatter(positions[:, 0], positions[:, 1], s=sizes, c=colours, edgecolors="white",
                 linewidths=1.5, zorder=2)
    for (x, y), name in zip(positions, nodes["name"]):
        axes.annotate(_short(name), (x, y), xytext=(0, -14), textcoords="offset points", ha="center",
                      va="top", fontsize=9, zorder=3,
                      bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7})
    present = [label for label in LABELS if label in set(nodes["label"])]
    axes.legend(handles=[Line2D([], [], marker="o", linestyle="", markersize=10, color=COLOURS[label],
                                label=LABEL_NAMES[label]) for label in present],
                loc="upper left", frameon=False, fontsize=9)
    axes.set_axis_off()
    axes.margins(0.12)
