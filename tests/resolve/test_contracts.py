"""Output contracts the pipeline relies on: ids, determinism, incrementality, tables."""

import numpy as np
import pandas as pd
import pytest

from news_pipeline.resolve import (
    COOCCURRENCE_COLUMNS,
    ENTITY_COLUMNS,
    resolve_article,
    resolve_articles,
    resolve_corpus,
    resolve_entities,
)

ARTICLES = {
    "a": ("Wladimir Putin besuchte Nordkorea. Putin traf Kim Jong Un in Pjöngjang. "
          "Kim lobte Russland.",
          [("Wladimir Putin", "PER"), ("Putin", "PER"), ("Nordkorea", "LOC"),
           ("Kim Jong Un", "PER"), ("Kim", "PER"), ("Pjöngjang", "LOC"), ("Russland", "LOC")]),
    "b": ("Die DVRK und Russlands Führung. Putins Reise nach Pjöngjang. Der Kreml schwieg.",
          [("DVRK", "LOC"), ("Russlands", "LOC"), ("Putins", "PER"), ("Pjöngjang", "LOC"),
           ("Kreml", "ORG")]),
    "c": ("Kim Jong-un und Kim Jong Il. Die UNO tagte in New York. Der Kreml und Moskau.",
          [("Kim Jong-un", "PER"), ("Kim Jong Il", "PER"), ("UNO", "ORG"),
           ("New York", "LOC"), ("Kreml", "ORG"), ("Moskau", "LOC")]),
}


@pytest.fixture
def mentions(spans, corpus):
    return corpus(*(spans(a, text, names) for a, (text, names) in ARTICLES.items()))


def test_contract(mentions):
    result = resolve_entities(mentions)
    assert list(result.entities.columns) == ENTITY_COLUMNS
    assert list(result.cooccurrences.columns) == COOCCURRENCE_COLUMNS
    assert len(result.mentions) == len(mentions)
    assert result.mentions["entity_id"].notna().all()
    assert result.entities["entity_id"].is_unique
    assert set(result.mentions["entity_id"]) == set(result.entities["entity_id"])
    counts = result.mentions["entity_id"].value_counts()
    n_mentions = result.entities.set_index("entity_id")["n_mentions"]
    assert (n_mentions == counts.reindex(n_mentions.index)).all()
    assert (result.cooccurrences["entity_a"] < result.cooccurrences["entity_b"]).all()
    assert set(result.aliases["entity_id"]) == set(result.entities["entity_id"])
    assert result.aliases["n_mentions"].sum() == len(mentions)


def test_deterministic_regardless_of_row_order(mentions):
    first = resolve_entities(mentions)
    shuffled = resolve_entities(mentions.sample(frac=1, random_state=3).reset_index(drop=True))
    pd.testing.assert_frame_equal(first.mentions, shuffled.mentions)
    pd.testing.assert_frame_equal(first.entities, shuffled.entities)
    pd.testing.assert_frame_equal(first.cooccurrences, shuffled.cooccurrences)
    pd.testing.assert_frame_equal(first.aliases, shuffled.aliases)


def test_per_article_step_is_local(mentions):
    together = resolve_articles(mentions)
    alone = pd.concat([resolve_article(g) for _, g in mentions.groupby("article_id")])
    pd.testing.assert_frame_equal(together, alone.loc[together.index])
    with pytest.raises(ValueError):
        resolve_article(mentions)


def test_cached_local_keys_give_the_same_result(mentions):
    cached = pd.concat([resolve_article(g) for _, g in mentions.groupby("article_id")])
    from_raw = resolve_entities(mentions)
    from_cache = resolve_entities(cached)
    pd.testing.assert_frame_equal(from_raw.entities, from_cache.entities)
    pd.testing.assert_frame_equal(from_raw.entities, resolve_corpus(cached).entities)


def test_ids_survive_corpus_growth(mentions, spans):
    before = resolve_entities(mentions[mentions["article_id"] != "c"])
    after = resolve_entities(mentions)
    ids_before = before.mentions.set_index(["article_id", "start"])["entity_id"]
    ids_after = after.mentions.set_index(["article_id", "start"])["entity_id"]
    assert (ids_after.loc[ids_before.index] == ids_before).all()


def test_previous_ids_are_kept_when_the_anchor_changes(spans, corpus):
    alone = spans("a", "Schoigu sprach.", [("Schoigu", "PER")])
    first = resolve_entities(alone)
    grown = corpus(alone, spans("b", "Sergej Schoigu kam. Schoigu ging.",
                                [("Sergej Schoigu", "PER"), ("Schoigu", "PER")]))
    fresh = resolve_entities(grown)
    # Without history the anchor moved from "schoigu" to "sergej schoigu" ...
    assert fresh.mentions["entity_id"].nunique() == 1
    assert fresh.entities["entity_id"].iloc[0] != first.entities["entity_id"].iloc[0]
    # ... with the previous aliases the entity keeps its first id.
    kept = resolve_entities(grown, previous=first.aliases)
    assert kept.entities["entity_id"].tolist() == first.entities["entity_id"].tolist()
    assert kept.entities["name"].iloc[0] == "Sergej Schoigu"


def test_cooccurrence_counts(spans, corpus):
    a = spans("a", "Putin traf Kim. Putin lachte.\nKim und Putin.",
              [("Putin", "PER"), ("Kim", "PER")])
    b = spans("b", "Putin und Kim. Lawrow auch.", [("Putin", "PER"), ("Kim", "PER"),
                                                  ("Lawrow", "PER")])
    result = resolve_entities(corpus(a, b))
    ids = {t: i for t, i in zip(result.mentions["text"], result.mentions["entity_id"])}
    table = result.cooccurrences.set_index(["entity_a", "entity_b"])

    def pair(x, y):
        return table.loc[tuple(sorted((ids[x], ids[y])))]

    assert (pair("Putin", "Kim")["n_articles"], pair("Putin", "Kim")["n_sentences"]) == (2, 3)
    assert (pair("Putin", "Lawrow")["n_articles"], pair("Putin", "Lawrow")["n_sentences"]) == (
        1, 0)
    assert len(table) == 3


def test_empty_input():
    empty = pd.DataFrame({"article_id": pd.Series(dtype=object), "start": np.int64(0),
                          "end": np.int64(0), "label": pd.Series(dtype=object),
                          "text": pd.Series(dtype=object), "sentence_index": np.int64(0)})[:0]
    result = resolve_entities(empty)
    assert result.entities.empty and result.cooccurrences.empty and result.mentions.empty
    assert list(result.entities.columns) == ENTITY_COLUMNS
