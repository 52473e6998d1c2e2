"""PNG charts of the dataset: top entities per label, a co-occurrence network, a timeline.

Drawn with matplotlib's Agg canvas (no display, no pyplot state) in the DejaVu Sans that
matplotlib ships, and the network laid out by networkx with a fixed seed, so the same data
gives the same picture on every run. Importing this module loads matplotlib (a few tenths
of a second): the report asset imports it only when a chart has to be drawn again.
"""

from __future__ import annotations

import io

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, DateFormatter, DayLocator
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
from PIL import Image, PngImagePlugin

from news_pipeline.reports.data import LABELS, Network, Timeline, TopEntities, TopSpeakers

LABEL_NAMES = {"PER": "Persons", "LOC": "Places", "ORG": "Organisations", "MISC": "Other"}
COLOURS = {"PER": "#4C72B0", "LOC": "#55A868", "ORG": "#DD8452", "MISC": "#8172B3"}
OTHER_COLOUR = "#999999"
MUTED_COLOUR = "#555555"
EDGE_COLOUR = "#555555"
MAX_NAME = 28
DPI = 100
LAYOUT_SEED = 0
TITLE_SIZE = 14


def png(figure: Figure, text: dict[str, str] | None = None) -> bytes:
    """`figure` as a 256-colour PNG, with `text` as PNG text chunks (Latin-1).

    Every materialisation carries the charts into Dagster's event log: a palette PNG is about
    a quarter of the size of a true-colour one, with no visible change.
    """
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    image = Image.fromarray(np.asarray(canvas.buffer_rgba())).convert("RGB")
    info = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    buffer = io.BytesIO()
    image.quantize(256, method=Image.Quantize.FASTOCTREE).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def _short(name: str) -> str:
    return name if len(name) <= MAX_NAME else name[:MAX_NAME - 1] + "…"


def _empty(title: str, message: str, text: dict[str, str] | None) -> bytes:
    figure = Figure(figsize=(6, 2.5), dpi=DPI)
    figure.suptitle(title, fontsize=TITLE_SIZE)
    figure.text(0.5, 0.45, message, ha="center", va="center", fontsize=13, color=MUTED_COLOUR)
    return png(figure, text)


def draw_top_entities(top: TopEntities, text: dict[str, str] | None = None) -> bytes:
    """One bar panel per label, two panels a row."""
    title = f"Most mentioned entities (top {top.n} per label)"
    if not top.panels:
        return _empty(title, "No entities yet", text)
    columns = 2 if len(top.panels) > 1 else 1
    rows = -(-len(top.panels) // columns)
    figure = Figure(figsize=(6.5 * columns, 0.5 + rows * (1.0 + 0.32 * top.bars_per_panel)), dpi=DPI,
                    layout="constrained")
    figure.suptitle(title, fontsize=TITLE_SIZE)
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for axis, (label, panel) in zip(axes, top.panels.items()):
        _bar_panel(axis, panel, label, top.bars_per_panel)
    for axis in axes[len(top.panels):]:
        axis.set_visible(False)
    return png(figure, text)


def _bar_panel(axis: Axes, panel: pd.DataFrame, label: str, slots: int) -> None:
    """Most mentioned on top, in `slots` fixed rows: bars keep one thickness across panels."""
    rows = np.arange(len(panel))
    mentions = panel["n_mentions"].to_numpy()
    axis.barh(rows, mentions, height=0.8, color=COLOURS.get(label, OTHER_COLOUR))
    axis.set_yticks(rows, [_short(name) for name in panel["name"]], fontsize=9)
    axis.set_ylim(slots - 0.5, -0.5)
    for row, count, articles in zip(rows, mentions, panel["n_articles"]):
        axis.annotate(f"{count} ({articles} art.)", (count, row), xytext=(3, 0), textcoords="offset points",
                      va="center", fontsize=8)
    axis.set_xlim(0, max(mentions.max(), 1) * 1.25)  # room for the value labels
    axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    axis.set_xlabel("mentions")
    axis.set_title(LABEL_NAMES.get(label, label), loc="left", fontweight="bold")
    axis.spines[["top", "right"]].set_visible(False)


def draw_top_speakers(top: TopSpeakers, text: dict[str, str] | None = None) -> bytes:
    """One bar per speaker, most quoted on top, coloured by label."""
    title = f"Most quoted speakers (top {top.n})"
    if top.speakers.empty:
        return _empty(title, "No quotations with a known speaker yet", text)
    speakers = top.speakers
    figure = Figure(figsize=(7.5, 1.2 + 0.32 * len(speakers)), dpi=DPI, layout="constrained")
    figure.suptitle(title, fontsize=TITLE_SIZE)
    axis = figure.subplots()
    rows = np.arange(len(speakers))
    quotes = speakers["n_quotes"].to_numpy()
    axis.barh(rows, quotes, height=0.8,
              color=[COLOURS.get(label, OTHER_COLOUR) for label in speakers["label"]])
    axis.set_yticks(rows, [_short(name) for name in speakers["name"]], fontsize=9)
    axis.set_ylim(len(speakers) - 0.5, -0.5)
    for row, count, articles in zip(rows, quotes, speakers["n_articles"]):
        axis.annotate(f"{count} ({articles} art.)", (count, row), xytext=(3, 0),
                      textcoords="offset points", va="center", fontsize=8)
    axis.set_xlim(0, max(quotes.max(), 1) * 1.25)  # room for the value labels
    axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    axis.set_xlabel("quotations")
    present = [label for label in LABELS if label in set(speakers["label"])]
    axis.legend(handles=[Line2D([], [], marker="s", linestyle="", markersize=9, color=COLOURS[label],
                                label=LABEL_NAMES[label]) for label in present],
                loc="lower right", frameon=False)
    axis.spines[["top", "right"]].set_visible(False)
    return png(figure, text)


def network_layout(graph: Network, seed: int = LAYOUT_SEED) -> np.ndarray:
    """Force-directed positions (ForceAtlas2), one row per node; heavier edges pull harder.

    Strong gravity keeps separate groups of entities near the middle (a spring layout pushes
    them to the corners and crowds the rest); the fixed seed makes the layout, and so the
    picture, the same for the same graph.
    """
    heaviest = max((w for _, _, w in graph.edges), default=1.0)
    layout = nx.Graph()
    layout.add_nodes_from(range(len(graph.nodes)))
    layout.add_weighted_edges_from((i, j, w / heaviest) for i, j, w in graph.edges)
    positions = nx.forceatlas2_layout(layout, weight="weight", strong_gravity=True, seed=seed)
    return np.array([positions[node] for node in range(len(graph.nodes))]).reshape(-1, 2)


def draw_network(graph: Network, text: dict[str, str] | None = None) -> bytes:
    """Node area grows with mentions and colour shows the label; edge width with the weight."""
    title = "Entities mentioned together"
    if not graph.edges:
        return _empty(title, "No co-occurring entities yet", text)
    figure = Figure(figsize=(10, 8), dpi=DPI, layout="constrained")
    axis = figure.subplots()
    axis.set_title(f"{title} ({len(graph.nodes)} most mentioned; "
                   f"edge width = {graph.weight.removeprefix('n_')})", fontsize=TITLE_SIZE)
    points = network_layout(graph)
    edges = sorted(graph.edges, key=lambda edge: edge[2])  # strong edges drawn last, on top
    share = np.array([w for _, _, w in edges]) / max(w for _, _, w in edges)
    axis.add_collection(LineCollection([(points[i], points[j]) for i, j, _ in edges],
                                       linewidths=0.7 + 6 * share, zorder=1,
                                       colors=[to_rgba(EDGE_COLOUR, 0.25 + 0.5 * s) for s in share]))
    mentions = graph.nodes["n_mentions"].to_numpy(dtype=float)
    diameters = 7 + 22 * np.sqrt(mentions / max(mentions.max(), 1))  # in points
    labels = graph.nodes["label"]
    axis.scatter(points[:, 0], points[:, 1], s=diameters ** 2, zorder=2, edgecolors="white", linewidths=1.5,
                 c=[COLOURS.get(label, OTHER_COLOUR) for label in labels])
    for (x, y), diameter, name in zip(points, diameters, graph.nodes["name"]):
        axis.annotate(_short(name), (x, y), xytext=(0, -diameter / 2 - 3), textcoords="offset points",
                      ha="center", va="top", fontsize=9, zorder=3,
                      bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                            "alpha": 0.7})
    present = [label for label in LABELS if label in set(labels)]
    axis.legend(handles=[Line2D([], [], marker="o", linestyle="", markersize=10, color=COLOURS[label],
                                label=LABEL_NAMES[label]) for label in present],
                loc="upper left", frameon=False)
    axis.margins(0.12)
    axis.set_axis_off()
    return png(figure, text)


def _daily(days: pd.Series, counts: pd.Series, every_day: pd.DatetimeIndex) -> np.ndarray:
    """Counts on every day of the range, 0 where there were none."""
    by_day = pd.Series(counts.to_numpy(), index=pd.to_datetime(days))
    return by_day.reindex(every_day, fill_value=0).to_numpy()


def draw_timeline(data: Timeline, text: dict[str, str] | None = None) -> bytes:
    """Articles per day on top; below, one small panel per entity (shared axes), articles per
    day that mention it."""
    title = "Articles per day and the most mentioned entities over time"
    if data.per_day.empty:
        return _empty(title, "No publication dates yet", text)
    every_day = pd.date_range(min(data.per_day["day"]), max(data.per_day["day"]), freq="D")
    marker = "o" if len(every_day) <= 31 else None  # a line of one or a few days needs its points
    columns = 2 if len(data.entities) > 1 else 1
    rows = -(-len(data.entities) // columns)
    figure = Figure(figsize=(11, 3 + 1.9 * rows), dpi=DPI, layout="constrained")
    figure.suptitle(title, fontsize=TITLE_SIZE)
    grid = figure.add_gridspec(rows + 1, columns, height_ratios=[1.4] + [1] * rows)
    overall = figure.add_subplot(grid[0, :])
    overall.plot(every_day, _daily(data.per_day["day"], data.per_day["n_articles"], every_day),
                 color=MUTED_COLOUR, marker=marker)
    overall.set_title("Articles per day", loc="left", fontweight="bold")
    # Half a day on each side (the panels below share it): the first tick is the first day.
    overall.set_xlim(every_day[0] - pd.Timedelta(hours=12), every_day[-1] + pd.Timedelta(hours=12))
    first = None
    for index, entity in enumerate(data.entities.itertuples()):
        axis = figure.add_subplot(grid[1 + index // columns, index % columns], sharex=overall, sharey=first)
        first = first or axis
        rows_of = data.entity_days[data.entity_days["entity_id"] == entity.entity_id]
        axis.plot(every_day, _daily(rows_of["day"], rows_of["n_articles"], every_day),
                  color=COLOURS.get(entity.label, OTHER_COLOUR), marker=marker)
        axis.set_title(f"{_short(entity.name)} ({LABEL_NAMES.get(entity.label, entity.label)})",
                       loc="left", fontsize=10)
    for axis in figure.axes:
        _day_ticks(axis, len(every_day))
        axis.set_ylim(bottom=0)
        axis.yaxis.set_major_locator(MaxNLocator(integer=True))
        axis.spines[["top", "right"]].set_visible(False)
    return png(figure, text)


def _day_ticks(axis: Axes, n_days: int) -> None:
    """Ticks on whole days: matplotlib's automatic ones show hours for a range of a few days."""
    if n_days < 7:
        axis.xaxis.set_major_locator(DayLocator())
        axis.xaxis.set_major_formatter(DateFormatter("%Y-%m-%d"))
    else:
        locator = AutoDateLocator()
        axis.xaxis.set_major_locator(locator)
        axis.xaxis.set_major_formatter(ConciseDateFormatter(locator))


DRAW = {"top_entities": draw_top_entities, "cooccurrence_network": draw_network, "timeline": draw_timeline,
        "top_speakers": draw_top_speakers}
