"""Chart inputs read from a warehouse in batches equal those of the whole tables."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from news_pipeline.reports.data import (
    ENTITY_COLUMNS,
    fingerprint,
    network,
    read_chart_tables,
    timeline,
    top_entities,
)
from news_pipeline.warehouse import PARTITION, SCHEMAS, Warehouse, read_table


def _all_columns(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with the other columns of `table` empty."""
    frame = frame.assign(**{field.name: None for field in SCHEMAS[table] if field.name not in frame})
    return frame.assign(**{PARTITION: "2024-03"})


def _articles_and_mentions(seed: int, entity_ids: list[str], n_articles: int = 80,
                           n_mentions: int = 500) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Articles over a fortnight (a tenth undated) and mentions of the given entities."""
    rng = np.random.default_rng(seed)
    ids = [f"a{i:03d}" for i in range(n_articles)]
    seconds = pd.to_timedelta(rng.integers(0, 14 * 86400, n_articles), unit="s")
    published = (pd.Timestamp("2024-03-01", tz="UTC") + seconds).where(rng.random(n_articles) > 0.1)
    articles = pd.DataFrame({"article_id": ids, "published_at": published})
    mentions = pd.DataFrame({"article_id": rng.choice(ids, n_mentions),
                             "entity_id": rng.choice(entity_ids, n_mentions)})
    return articles, mentions


def _tables(seed: int, n_entities: int = 60, n_pairs: int = 400) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = [f"e{i:03d}" for i in range(n_entities)]
    entities = pd.DataFrame({
        "entity_id": ids, "name": [f"Name {i % 40}" for i in range(n_entities)],  # ties by name
        "label": rng.choice(["PER", "LOC", "ORG", "MISC"], n_entities),
        "n_mentions": rng.integers(1, 8, n_entities), "n_articles": rng.integers(1, 5, n_entities),
        "aliases": [[] for _ in ids], "merge_rules": [[] for _ in ids],
    })
    for column in ("country_code", "geonames_id", "latitude", "longitude", "link"):
        entities[column] = None
    a, b = rng.integers(0, n_entities, (2, n_pairs))
    pairs = pd.DataFrame({"entity_a": np.minimum(a, b), "entity_b": np.maximum(a, b)})
    pairs = pairs[pairs["entity_a"] != pairs["entity_b"]].drop_duplicates()
    return entities, pd.DataFrame({
        "entity_a": [ids[i] for i in pairs["entity_a"]],
        "entity_b": [ids[i] for i in pairs["entity_b"]],
        "n_articles": rng.integers(0, 4, len(pairs)), "n_sentences": rng.integers(0, 3, len(pairs))})


@pytest.mark.parametrize("seed", range(5))
def test_read_chart_tables_gives_the_charts_of_the_whole_tables(tmp_path: Path, seed: int) -> None:
    entities, pairs = _tables(seed)
    articles, mentions = _articles_and_mentions(seed, list(entities["entity_id"]))
    warehouse = Warehouse(tmp_path / "wh")
    with warehouse.transaction() as tx:
        tx.replace("entities", entities)
        tx.replace("cooccurrences", pairs)
        tx.replace("articles", _all_columns("articles", articles))
        tx.replace("mentions", _all_columns("mentions", mentions))
    snapshot = warehouse.current()
    whole_entities = read_table(snapshot, "entities", ENTITY_COLUMNS)
    whole_pairs = read_table(snapshot, "cooccurrences")
    whole_articles, whole_mentions = read_table(snapshot, "articles"), read_table(snapshot, "mentions")
    for n in (0, 5, 25, 100):
        tables = read_chart_tables(snapshot, n, timeline_n=n)
        shown = timeline(tables.articles, tables.mentions, tables.entities, n)
        assert fingerprint(shown) == fingerprint(timeline(whole_articles, whole_mentions, whole_entities, n))
        assert set(tables.mentions["entity_id"]) == set(shown.entities["entity_id"]) or n > 60
        assert tables.n_pairs == len(pairs)
        assert len(tables.cooccurrences) <= n * (n - 1) // 2
        pd.testing.assert_frame_equal(tables.entities, whole_entities)
        drawn = network(tables.entities, tables.cooccurrences, n)
        assert fingerprint(drawn) == fingerprint(network(whole_entities, whole_pairs, n))
        assert drawn.edges or n < 100  # every entity is a candidate node: some are linked
        assert fingerprint(top_entities(tables.entities)) == fingerprint(top_entities(whole_entities))


def test_read_chart_tables_of_an_empty_warehouse() -> None:
    tables = read_chart_tables(None)
    assert tables.n_pairs == 0 and tables.entities.empty and tables.cooccurrences.empty
    assert network(tables.entities, tables.cooccurrences).edges == []
    shown = timeline(tables.articles, tables.mentions, tables.entities)
    assert shown.per_day.empty and shown.entities.empty and shown.entity_days.empty


def test_timeline_counts_articles_per_berlin_day() -> None:
    """Days are publication days in Berlin (23:30 UTC in March is the next day there);
    an entity counts once per article however often it is mentioned; undated articles and
    the mentions in them are left out."""
    articles = pd.DataFrame({"article_id": ["a", "b", "c", "d"],
                             "published_at": pd.to_datetime(["2024-03-01 10:00", "2024-03-01 23:30",
                                                             "2024-03-02 08:00", None], utc=True)})
    mentions = pd.DataFrame({"article_id": ["a", "a", "b", "c", "c", "d"],
                             "entity_id": ["e1", "e1", "e1", "e1", "e2", "e2"]})
    entities = pd.DataFrame({"entity_id": ["e1", "e2", "e3"], "name": ["Putin", "Kreml", "NATO"],
                             "label": ["PER", "ORG", "ORG"], "n_mentions": [4, 2, 1],
                             "n_articles": [3, 2, 1]})
    shown = timeline(articles, mentions, entities, n=2)
    day = pd.Timestamp
    assert shown.per_day.to_dict("list") == {"day": [day("2024-03-01").date(), day("2024-03-02").date()],
                                             "n_articles": [1, 2]}
    assert list(shown.entities["name"]) == ["Putin", "Kreml"]
    assert shown.entity_days.to_dict("list") == {
        "entity_id": ["e1", "e1", "e2"],
        "day": [day("2024-03-01").date(), day("2024-03-02").date(), day("2024-03-02").date()],
        "n_articles": [1, 2, 1]}
    no_dates = pd.Series(pd.NaT, articles.index, "datetime64[us, UTC]")
    undated = timeline(articles.assign(published_at=no_dates), mentions, entities)
    assert undated.per_day.empty and undated.entities.empty
