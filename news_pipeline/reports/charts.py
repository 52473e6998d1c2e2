"""PNG charts of the entities table: top entities per label, and a co-occurrence network.

Drawn with Pillow, which needs no display and takes tens of milliseconds per chart (matplotlib
took 1-2 s per redraw, most of it importing and laying out, on every run whose top counts
moved). Shapes are drawn at SCALE times the size and reduced by averaging, because Pillow
does not antialias lines and circles. Text is set in DejaVu Sans, subset to Latin,
Greek and Cyrillic and shipped in reports/fonts/ (licence there): a server need not have any
font installed, and the same data gives the same PNG bytes everywhere.
"""

from __future__ import annotations

import io
import math
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image, ImageDraw, ImageFont

from news_pipeline.reports.data import LABELS, Network, TopEntities, network, top_entities
from news_pipeline.reports.layout import spring_layout

LABEL_NAMES = {"PER": "Persons", "LOC": "Places", "ORG": "Organisations", "MISC": "Other"}
COLOURS = {"PER": "#4C72B0", "LOC": "#55A868", "ORG": "#DD8452", "MISC": "#8172B3"}
OTHER_COLOUR = "#999999"
TEXT_COLOUR = "#222222"
MUTED_COLOUR = "#555555"
EDGE_RGB = (85, 85, 85)
MAX_NAME = 28
SCALE = 2
FONT_DIR = Path(__file__).with_name("fonts")

# Top-entities layout, in pixels of the final picture.
PANEL_WIDTH = 650
TITLE_HEIGHT = 34
SLOT_HEIGHT = 32
PANEL_CHROME = 90  # panel title above the bars, axis and its label below
BAR_FILL = 0.8  # of a slot
TARGET_TICKS = 6

# Network layout.
NETWORK_SIZE = (1000, 800)
NETWORK_MARGIN = 0.12  # of the plotting area, on each side


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), size * SCALE)


class Canvas:
    """A white picture drawn in final-size coordinates (floats), rendered at SCALE."""

    def __init__(self, width: int, height: int) -> None:
        self.size = (width, height)
        self.image = Image.new("RGB", (width * SCALE, height * SCALE), "white")
        self.draw = ImageDraw.Draw(self.image, "RGBA")  # RGBA fills blend (edge alpha)

    @staticmethod
    def text_width(text: str, size: int, bold: bool = False) -> float:
        return _font(size, bold).getlength(text) / SCALE

    def text(self, xy: tuple[float, float], text: str, size: int, anchor: str = "la",
             fill: str = TEXT_COLOUR, bold: bool = False) -> None:
        """`anchor`: Pillow's two letters, horizontal (l, m, r) then vertical (a, m, d...)."""
        self.draw.text(_scaled(xy), text, font=_font(size, bold), fill=fill, anchor=anchor)

    def text_box(self, xy: tuple[float, float], text: str, size: int, anchor: str) -> None:
        """Text on a translucent white box, readable over the edges it lies on."""
        left, top, right, bottom = self.draw.textbbox(_scaled(xy), text, font=_font(size),
                                                      anchor=anchor)
        pad = 2 * SCALE
        self.draw.rounded_rectangle((left - pad, top - pad, right + pad, bottom + pad),
                                    radius=pad, fill=(255, 255, 255, 180))
        self.text(xy, text, size, anchor)

    def rectangle(self, box: tuple[float, float, float, float], fill: str) -> None:
        self.draw.rectangle(tuple(v * SCALE for v in box), fill=fill)

    def line(self, points: list[tuple[float, float]], width: float,
             fill: str | tuple[int, int, int, int] = TEXT_COLOUR) -> None:
        self.draw.line([_scaled(p) for p in points], fill=fill, width=max(1, round(width * SCALE)),
                       joint="curve")

    def circle(self, centre: tuple[float, float], radius: float, fill: str,
               outline: str | None = None, outline_width: float = 0) -> None:
        x, y = _scaled(centre)
        r = radius * SCALE
        self.draw.ellipse((x - r, y - r, x + r, y + r), fill=fill, outline=outline,
                          width=round(outline_width * SCALE))

    def png(self) -> bytes:
        buffer = io.BytesIO()
        # 256 colours: every materialisation embeds the charts in Dagster's event log, and a
        # palette PNG is a quarter of the size (the 10k benchmark's two charts: 55 instead
        # of 262 KB) and quicker to encode (26 instead of 46 ms), with no visible change.
        self.image.reduce(SCALE).quantize(256, method=Image.Quantize.FASTOCTREE).save(
            buffer, format="PNG")
        return buffer.getvalue()


def _scaled(xy: tuple[float, float]) -> tuple[float, float]:
    return xy[0] * SCALE, xy[1] * SCALE


def _short(name: str) -> str:
    return name if len(name) <= MAX_NAME else name[:MAX_NAME - 1] + "…"


def _empty(title: str, message: str) -> bytes:
    canvas = Canvas(600, 250)
    canvas.text((300, 24), title, 16, anchor="mm")
    canvas.text((300, 135), message, 15, anchor="mm", fill=MUTED_COLOUR)
    return canvas.png()


def nice_ticks(limit: float, target: int = TARGET_TICKS) -> list[float]:
    """Round tick values 0, step, 2*step... up to `limit`, about `target` of them."""
    if limit <= 0:
        return [0.0]
    raw = limit / target
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [i * step for i in range(int(limit / step + 1e-9) + 1)]


def _tick_label(value: float) -> str:
    return f"{value:g}" if value < 1e6 else f"{value:.3g}"


def _bar_panel(canvas: Canvas, origin: tuple[float, float], height: float, top: pd.DataFrame,
               label: str, n_slots: int) -> None:
    """One label's bars, most mentioned on top, in fixed slots: bars keep one thickness across
    panels. The value axis leaves room for each bar's "mentions (articles)" label."""
    left, top_y = origin
    names = [_short(name) for name in top["name"]]
    values = [f"{m} ({a} art.)" for m, a in zip(top["n_mentions"], top["n_articles"])]
    mentions = top["n_mentions"].to_numpy(dtype=float)
    bars_left = left + 12 + max((canvas.text_width(n, 12) for n in names), default=0)
    bars_right = left + PANEL_WIDTH - 12
    plot_top, plot_bottom = top_y + 28, top_y + height - 52
    room = bars_right - bars_left
    # Pixels per mention: the widest bar plus its value label fits in the panel.
    per_unit = min((room - canvas.text_width(v, 10) - 6) / max(m, 1) for v, m in zip(values, mentions))
    ticks = [t for t in nice_ticks(room / per_unit) if bars_left + t * per_unit <= bars_right]

    canvas.text((bars_left, top_y + 4), LABEL_NAMES.get(label, label), 14, bold=True)
    slot = (plot_bottom - plot_top) / n_slots
    colour = COLOURS.get(label, OTHER_COLOUR)
    for row, (name, value, count) in enumerate(zip(names, values, mentions)):
        middle = plot_top + (row + 0.5) * slot
        half = slot * BAR_FILL / 2
        end = bars_left + count * per_unit
        canvas.rectangle((bars_left, middle - half, end, middle + half), fill=colour)
        canvas.text((bars_left - 6, middle), name, 12, anchor="rm")
        canvas.text((end + 4, middle), value, 10, anchor="lm")
    axis_y = plot_bottom + 4
    canvas.line([(bars_left, plot_top - 4), (bars_left, axis_y)], 1)
    canvas.line([(bars_left, axis_y), (bars_right, axis_y)], 1)
    for tick in ticks:
        x = bars_left + tick * per_unit
        canvas.line([(x, axis_y), (x, axis_y + 5)], 1)
        canvas.text((x, axis_y + 8), _tick_label(tick), 11, anchor="ma")
    canvas.text(((bars_left + bars_right) / 2, axis_y + 26), "mentions", 12, anchor="ma")


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
    panel_height = PANEL_CHROME + SLOT_HEIGHT * top.bars_per_panel
    canvas = Canvas(PANEL_WIDTH * columns, TITLE_HEIGHT + rows * panel_height)
    canvas.text((canvas.size[0] / 2, TITLE_HEIGHT / 2), title, 16, anchor="mm")
    for index, (label, panel) in enumerate(top.panels.items()):
        row, column = divmod(index, columns)
        origin = (column * PANEL_WIDTH, TITLE_HEIGHT + row * panel_height)
        _bar_panel(canvas, origin, panel_height, panel, label, top.bars_per_panel)
    return canvas.png()


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
    width, height = NETWORK_SIZE
    canvas = Canvas(width, height)
    canvas.text((width / 2, 20), f"{title} ({len(graph.nodes)} most mentioned; "
                f"edge width = {graph.weight.removeprefix('n_')})", 16, anchor="mm")
    area = (40, 60, width - 40, height - 30)
    points = _to_area(spring_layout(len(graph.nodes), graph.edges), area)
    _draw_network(canvas, graph.nodes, graph.edges, points)
    return canvas.png()


def _to_area(positions: np.ndarray, area: tuple[float, float, float, float]) -> np.ndarray:
    """Layout coordinates -> pixels inside `area`, each axis stretched to fill it (with a
    margin for the labels), y pointing up as in the layout."""
    left, top, right, bottom = area
    low, high = positions.min(axis=0), positions.max(axis=0)
    unit = (positions - low) / np.where(high > low, high - low, 1.0)  # [0, 1] per axis
    inner = NETWORK_MARGIN + (1 - 2 * NETWORK_MARGIN) * unit
    return np.column_stack([left + (right - left) * inner[:, 0],
                            bottom - (bottom - top) * inner[:, 1]])


def _draw_network(canvas: Canvas, nodes: pd.DataFrame, edges: list[tuple[int, int, float]],
                  points: np.ndarray) -> None:
    heaviest = max(w for _, _, w in edges)
    for i, j, w in sorted(edges, key=lambda e: e[2]):  # strong edges drawn last, on top
        alpha = round(255 * (0.25 + 0.5 * w / heaviest))
        canvas.line([tuple(points[i]), tuple(points[j])], 0.7 + 6 * w / heaviest,
                    fill=(*EDGE_RGB, alpha))
    mentions = nodes["n_mentions"].to_numpy(dtype=float)
    radii = 7 + 22 * np.sqrt(mentions / max(mentions.max(), 1))
    for (x, y), radius, label in zip(points, radii, nodes["label"]):
        canvas.circle((x, y), radius, COLOURS.get(label, OTHER_COLOUR), outline="white",
                      outline_width=2)
    for (x, y), radius, name in zip(points, radii, nodes["name"]):
        canvas.text_box((x, y + radius + 4), _short(name), 12, anchor="ma")
    present = [label for label in LABELS if label in set(nodes["label"])]
    for row, label in enumerate(present):
        y = 18 + 40 + 22 * row
        canvas.circle((28, y), 7, COLOURS[label])
        canvas.text((44, y), LABEL_NAMES[label], 12, anchor="lm")
