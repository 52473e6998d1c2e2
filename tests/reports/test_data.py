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
    top_entities,
)
from news_pipeline.warehouse import Warehouse, read_table


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
def test_read_chart_tables_gives_the_charts_of_the_whole_tables(tmp_path: Path, seed: int,
                                                                monkeypatch) -> None:
    entities, pairs = _tables(seed)
    warehouse = Warehouse(tmp_path / "wh")
    with warehouse.transaction() as tx:
        tx.replace("entities", entities)
        tx.replace("cooccurrences", pairs)
    snapshot = warehouse.current()
    whole_entities = read_table(snapshot, "entities", ENTITY_COLUMNS)
    whole_pairs = read_table(snapshot, "cooccurrences")
    for n in (0, 5, 25, 100):
        tables = read_chart_tables(snapshot, n)
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
