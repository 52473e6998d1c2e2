"""The charts: PNGs that decode, of sensible size, deterministic, robust to empty tables."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from news_pipeline.reports.charts import (
    draw_network,
    draw_timeline,
    draw_top_entities,
    draw_top_speakers,
    network_layout,
)
from news_pipeline.reports.data import Network, network, timeline, top_entities, top_speakers
from news_pipeline.warehouse import SCHEMAS


def decoded(data: bytes) -> Image.Image:
    """The picture in `data`, decoded whole (a damaged PNG raises)."""
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    image.load()
    return image


def assert_sensible_png(data: bytes) -> tuple[int, int]:
    width, height = decoded(data).size
    assert 300 <= width <= 3000 and 150 <= height <= 3000
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
ARTICLES = pd.DataFrame({"article_id": [f"a{i}" for i in range(40)],
                         "published_at": pd.date_range("2024-03-01", periods=40, freq="13h", tz="UTC")})
MENTIONS = pd.DataFrame({"article_id": [f"a{i % 40}" for i in range(120)],
                         "entity_id": [f"e{i % 8}" for i in range(120)]})


def empty(table: str) -> pd.DataFrame:
    return SCHEMAS[table].empty_table().to_pandas()


def top_chart(frame: pd.DataFrame, n: int = 5) -> bytes:
    return draw_top_entities(top_entities(frame, n))


def network_chart(frame: pd.DataFrame, pairs: pd.DataFrame, n: int = 10, weight: str = "n_articles") -> bytes:
    return draw_network(network(frame, pairs, n, weight))


def timeline_chart(articles: pd.DataFrame, n: int = 6) -> bytes:
    return draw_timeline(timeline(articles, MENTIONS, SAMPLE, n))


def test_charts_are_palette_pngs() -> None:
    """Every materialisation embeds the charts in Dagster's event log: a palette PNG is a
    quarter of the size of a true-colour one."""
    for chart in (top_chart(SAMPLE), network_chart(SAMPLE, PAIRS), timeline_chart(ARTICLES)):
        assert decoded(chart).mode == "P"
        assert assert_sensible_png(chart)


def test_top_entities_chart_has_a_panel_per_label() -> None:
    # Two panels fit in one row; four labels need two rows, so the picture gets taller.
    two = assert_sensible_png(top_chart(SAMPLE[SAMPLE["label"].isin(["PER", "LOC"])]))
    four = assert_sensible_png(top_chart(SAMPLE))
    one = assert_sensible_png(top_chart(SAMPLE[SAMPLE["label"] == "PER"]))
    assert four[1] > two[1]
    assert two[0] > one[0]


def test_charts_are_deterministic() -> None:
    assert top_chart(SAMPLE) == top_chart(SAMPLE)
    assert network_chart(SAMPLE, PAIRS) == network_chart(SAMPLE, PAIRS)
    assert timeline_chart(ARTICLES) == timeline_chart(ARTICLES)


def test_network_chart_depends_on_the_edges() -> None:
    drawn = network_chart(SAMPLE, PAIRS)
    assert network_chart(SAMPLE, PAIRS.iloc[:3]) != drawn
    assert network_chart(SAMPLE, PAIRS, weight="n_sentences") != drawn
    assert_sensible_png(network_chart(SAMPLE, PAIRS, weight="n_sentences"))


@pytest.mark.parametrize("frames", ["both_empty", "no_pairs", "pairs_of_unknown_entities"])
def test_empty_tables_give_a_placeholder_picture(frames: str) -> None:
    ents, pairs = {
        "both_empty": (empty("entities"), empty("cooccurrences")),
        "no_pairs": (SAMPLE, empty("cooccurrences")),
        "pairs_of_unknown_entities": (empty("entities"), PAIRS),
    }[frames]
    assert_sensible_png(top_chart(ents, 10))
    assert assert_sensible_png(network_chart(ents, pairs)) == (600, 250)
    assert assert_sensible_png(draw_timeline(timeline(empty("articles"), MENTIONS, ents))) == (600, 250)


def test_timeline_without_dates_is_a_placeholder_and_grows_with_the_entities() -> None:
    undated = ARTICLES.assign(published_at=pd.Series(pd.NaT, ARTICLES.index, "datetime64[us, UTC]"))
    assert assert_sensible_png(timeline_chart(undated)) == (600, 250)
    two = assert_sensible_png(timeline_chart(ARTICLES, n=2))
    six = assert_sensible_png(timeline_chart(ARTICLES, n=6))
    assert six[1] > two[1] and six[0] == two[0]
    one_day = ARTICLES.assign(published_at=pd.Timestamp("2024-03-01 10:00", tz="UTC"))
    assert_sensible_png(timeline_chart(one_day))


def test_text_chunks_round_trip_without_changing_the_picture() -> None:
    """The report asset records a chart's input digest in the PNG and reads it back."""
    data = top_entities(SAMPLE, 5)
    tagged = draw_top_entities(data, {"news_pipeline:inputs": "abc123"})
    assert Image.open(io.BytesIO(tagged)).info["news_pipeline:inputs"] == "abc123"
    plain = draw_top_entities(data)
    assert "news_pipeline:inputs" not in Image.open(io.BytesIO(plain)).info
    assert np.array_equal(np.asarray(decoded(tagged)), np.asarray(decoded(plain)))


def test_network_layout_is_deterministic_and_puts_linked_nodes_closer() -> None:
    nodes = pd.DataFrame({"entity_id": [f"e{i}" for i in range(6)], "name": list("abcdef"),
                          "label": ["PER"] * 6, "n_mentions": [1] * 6})
    graph = Network(nodes, [(0, 1, 3.0), (2, 3, 3.0), (4, 5, 3.0)], "n_articles")
    first, second = network_layout(graph), network_layout(graph)
    np.testing.assert_array_equal(first, second)
    assert first.shape == (6, 2)
    distance = np.linalg.norm(first[:, None] - first[None], axis=-1)
    linked = [distance[i, j] for i, j, _ in graph.edges]
    unlinked = [distance[i, j] for i in range(6) for j in range(i + 1, 6) if (i, j, 3.0) not in graph.edges]
    assert max(linked) < min(unlinked)
    assert not np.array_equal(network_layout(graph, seed=1), first)


def test_names_in_german_and_east_european_letters_need_no_other_font() -> None:
    """matplotlib's DejaVu Sans has the letters of the names the pipeline finds: no glyph is
    missing (matplotlib warns for each one that is)."""
    names = SAMPLE.assign(name=["ÄÖÜäöüß", "Éléonore Çelik", "Łódź Kraków", "Žižek Šťastný",
                                "Ørsted Århus", "Жуков", "Ωmega", "„Zeit“ – €…"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        top_chart(names, 5)
    with pytest.warns(UserWarning, match="missing from font"):  # the check can fail
        top_chart(names.assign(name="\u4e00\u4e01"), 5)



QUOTES = pd.DataFrame({"article_id": ["a0", "a0", "a1", "a2", "a2"],
                       "speaker_entity_id": ["e0", "e0", "e0", "e4", None]})


def test_most_quoted_speakers_counts_quotations_of_entities_only() -> None:
    top = top_speakers(QUOTES, SAMPLE, n=5)
    assert top.speakers.values.tolist() == [["Wladimir Putin", "PER", 3, 2], ["Kreml", "ORG", 1, 1]]
    assert_sensible_png(draw_top_speakers(top))
    assert draw_top_speakers(top) == draw_top_speakers(top_speakers(QUOTES, SAMPLE, n=5))
    placeholder = draw_top_speakers(top_speakers(empty("quotes"), SAMPLE))
    assert decoded(placeholder).size == (600, 250)
