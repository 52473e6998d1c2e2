"""The chart functions: valid PNGs of sensible size, deterministic, robust to empty tables."""

from __future__ import annotations

import struct

import numpy as np
import pandas as pd
import pytest
from PIL import Image, ImageDraw

from news_pipeline.reports import cooccurrence_network_chart, spring_layout, top_entities_chart
from news_pipeline.reports.charts import _font, nice_ticks
from news_pipeline.warehouse import SCHEMAS

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) from the IHDR chunk, after checking the file is a PNG."""
    assert png[:8] == PNG_SIGNATURE
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def assert_sensible_png(png: bytes) -> tuple[int, int]:
    width, height = png_size(png)
    assert 300 <= width <= 3000 and 150 <= height <= 3000
    assert png.endswith(b"IEND\xaeB`\x82")
    return width, height


def entities(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame([{"entity_id": f"e{i}", "name": name, "label": label, "n_mentions": m,
                          "n_articles": max(m // 2, 1), "aliases": [name]}
                         for i, (name, label, m) in enumerate(rows)])


SAMPLE = entities([("Wladimir Putin", "PER", 30), ("Kim Jong Un", "PER", 12), ("Nordkorea", "LOC", 25),
                   ("Russland", "LOC", 20), ("Kreml", "ORG", 6), ("NATO", "ORG", 3),
                   ("Olympische Spiele", "MISC", 2), ("Pjöngjang", "LOC", 9)])
PAIRS = pd.DataFrame({"entity_a": ["e0", "e0", "e0", "e1", "e2", "e4"],
                      "entity_b": ["e1", "e2", "e3", "e2", "e3", "e7"],
                      "n_articles": [5, 5, 4, 3, 5, 1], "n_sentences": [2, 1, 0, 0, 3, 1]})


def empty(table: str) -> pd.DataFrame:
    return SCHEMAS[table].empty_table().to_pandas()


def test_top_entities_chart_is_a_png() -> None:
    assert_sensible_png(top_entities_chart(SAMPLE, 5))


def test_charts_are_palette_pngs() -> None:
    """Every materialisation embeds the charts in Dagster's event log: a palette PNG (IHDR
    colour type 3) is a quarter of the size of a true-colour one."""
    for png in (top_entities_chart(SAMPLE, 5), cooccurrence_network_chart(SAMPLE, PAIRS, n=10)):
        assert png[25] == 3


def test_top_entities_chart_has_a_panel_per_label() -> None:
    # Two panels fit in one row; four labels need two rows, so the picture gets taller.
    two = png_size(top_entities_chart(SAMPLE[SAMPLE["label"].isin(["PER", "LOC"])], 5))
    four = png_size(top_entities_chart(SAMPLE, 5))
    one = png_size(top_entities_chart(SAMPLE[SAMPLE["label"] == "PER"], 5))
    assert four[1] > two[1]
    assert two[0] > one[0]


def test_charts_are_deterministic() -> None:
    assert top_entities_chart(SAMPLE, 5) == top_entities_chart(SAMPLE, 5)
    assert cooccurrence_network_chart(SAMPLE, PAIRS) == cooccurrence_network_chart(SAMPLE, PAIRS)


def test_network_chart_is_a_png_and_depends_on_the_edges() -> None:
    png = cooccurrence_network_chart(SAMPLE, PAIRS, n=10)
    assert_sensible_png(png)
    assert cooccurrence_network_chart(SAMPLE, PAIRS.iloc[:3], n=10) != png
    assert_sensible_png(cooccurrence_network_chart(SAMPLE, PAIRS, n=10, weight="n_sentences"))


@pytest.mark.parametrize("frames", ["both_empty", "no_pairs", "pairs_of_unknown_entities"])
def test_empty_tables_give_a_placeholder_picture(frames: str) -> None:
    ents, pairs = {
        "both_empty": (empty("entities"), empty("cooccurrences")),
        "no_pairs": (SAMPLE, empty("cooccurrences")),
        "pairs_of_unknown_entities": (empty("entities"), PAIRS),
    }[frames]
    assert_sensible_png(top_entities_chart(ents, 10))
    assert_sensible_png(cooccurrence_network_chart(ents, pairs, 10))


def test_spring_layout_is_deterministic_and_bounded() -> None:
    edges = [(0, 1, 5.0), (1, 2, 1.0), (0, 2, 2.0), (3, 4, 1.0)]
    first, second = spring_layout(6, edges), spring_layout(6, edges)
    np.testing.assert_array_equal(first, second)
    assert first.shape == (6, 2) and np.abs(first).max() <= 1.0 + 1e-9
    assert spring_layout(0, []).shape == (0, 2) and spring_layout(1, []).shape == (1, 2)


def test_spring_layout_puts_linked_nodes_closer() -> None:
    edges = [(0, 1, 3.0), (2, 3, 3.0), (4, 5, 3.0)]
    pos = spring_layout(6, edges)
    distance = np.linalg.norm(pos[:, None] - pos[None], axis=-1)
    linked = [distance[i, j] for i, j, _ in edges]
    unlinked = [distance[i, j] for i in range(6) for j in range(i + 1, 6) if (i, j, 3.0) not in edges]
    assert max(linked) < min(unlinked)


def test_nice_ticks_are_round_and_within_the_limit() -> None:
    assert nice_ticks(800) == [0, 200, 400, 600, 800]
    assert nice_ticks(6900) == [0, 2000, 4000, 6000]
    assert nice_ticks(0.9)[-1] <= 0.9 and len(nice_ticks(0.9)) >= 4
    assert nice_ticks(0) == [0.0]


def glyph(character: str) -> bytes:
    image = Image.new("L", (40, 40))
    ImageDraw.Draw(image).text((5, 5), character, font=_font(12), fill=255)
    return image.tobytes()


def test_the_shipped_font_draws_german_and_east_european_names() -> None:
    missing = glyph("\u4e00")  # not in the font: drawn as its "missing glyph" box
    for character in "ÄÖÜäöüßÉéèçøåłńśćžšřğıЖжΩ€„“–…":
        assert glyph(character) != missing, character
