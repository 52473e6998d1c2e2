"""The NER stage: same spans in a worker pool as in one process, with or without a warm
worker, and no model loaded when there is nothing to recognise."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from news_pipeline.ner import NER_VERSION, load_recogniser
from news_pipeline.ner.mention import Mention
from news_pipeline.parallel import MIN_PARALLEL_ITEMS, WarmRecogniser, recogniser_pool
from news_pipeline.stages import recognition
from news_pipeline.stages.recognition import recognise_changed_articles
from news_pipeline.warehouse import SCHEMAS, Warehouse


def _articles(n: int) -> pd.DataFrame:
    texts = [f"Meldung {i}\n\nWladimir Putin traf Kim Jong Un am Tag {i} in Pjöngjang. "
             f"Die NATO beobachtete das Treffen in Nordkorea.\n" for i in range(n)]
    rows = [{"article_id": f"a{i:05d}", "source_path": f"{i}.txt", "text": text,
             "text_sha256": hashlib.sha256(text.encode()).hexdigest(), "n_chars": len(text)}
            for i, text in enumerate(texts)]
    return pd.DataFrame(rows).reindex(columns=SCHEMAS["articles"].names).assign(ingest_month="2026-01")


def _warehouse(path: Path, n: int) -> Warehouse:
    warehouse = Warehouse(path)
    with warehouse.transaction() as tx:
        tx.upsert("articles", _articles(n))
    return warehouse


def _spans(warehouse: Warehouse) -> pd.DataFrame:
    return (warehouse.read("_spans").sort_values(["article_id", "start"])
            .reset_index(drop=True))


def test_pool_finds_the_same_spans_as_one_process(tmp_path: Path, tiny_model: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_PIPELINE_COMMIT_EVERY", "64")  # several commits while streaming
    n = MIN_PARALLEL_ITEMS + 30
    one, two = _warehouse(tmp_path / "one", n), _warehouse(tmp_path / "two", n)
    report_one = recognise_changed_articles(one, spec=tiny_model, n_process=1)
    report_two = recognise_changed_articles(two, spec=tiny_model, n_process=2)
    assert (report_one.extra["processes"], report_two.extra["processes"]) == (1, 2)
    assert report_two.new == n and report_two.extra["mentions_found"] == n * 5
    assert report_two.extra["chars_processed"] == report_one.extra["chars_processed"]
    pd.testing.assert_frame_equal(_spans(one), _spans(two))
    assert len(two.read("_ner_runs")) == n


def test_a_pool_returns_the_mentions_of_the_recogniser_itself(tiny_model: str) -> None:
    texts = _articles(40)["text"].tolist()
    expected = load_recogniser(tiny_model).recognise(texts)
    with recogniser_pool(tiny_model, "tiny", "1", workers=2) as pooled:
        found = pooled.recognise(texts)  # the workers send plain rows; these are Mentions again
    assert found == expected
    assert all(type(mention) is Mention for mentions in found for mention in mentions)


def test_no_model_is_loaded_without_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse = _warehouse(tmp_path / "w", 3)
    recognise_changed_articles(warehouse, spec="default")
    loaded = []
    monkeypatch.setattr(recognition, "load_recogniser", lambda spec: loaded.append(spec))
    report = recognise_changed_articles(warehouse, spec="default")
    assert loaded == []
    assert (report.new, report.changed, report.unchanged) == (0, 0, 3)
    assert report.extra["processes"] == 0


def _fail_to_load(spec: str) -> None:
    raise AssertionError(f"the stage loaded {spec!r} itself instead of using the warm worker")


def test_a_warm_worker_does_small_batches_and_joins_large_ones(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small, large = 3, MIN_PARALLEL_ITEMS + 30
    reference = _warehouse(tmp_path / "reference", large)
    recognise_changed_articles(reference, spec="default", n_process=1)
    expected = _spans(reference)
    warm = WarmRecogniser("default", NER_VERSION)
    try:
        monkeypatch.setattr(recognition, "load_recogniser", _fail_to_load)
        alone = _warehouse(tmp_path / "small", small)
        report = recognise_changed_articles(alone, spec="default", n_process=2, warm=warm)
        assert report.extra["warm_worker_used"] and report.extra["processes"] == 1
        pd.testing.assert_frame_equal(_spans(alone), expected[expected["article_id"] < f"a{small:05d}"])
        joined = _warehouse(tmp_path / "large", large)
        report = recognise_changed_articles(joined, spec="default", n_process=2, warm=warm)
        assert report.extra["warm_worker_used"] and report.extra["processes"] == 2
        pd.testing.assert_frame_equal(_spans(joined), expected)
    finally:
        warm.close()


def test_a_warm_worker_of_another_model_or_that_failed_is_not_used(
        tmp_path: Path, tiny_model: str) -> None:
    other = WarmRecogniser(tiny_model, NER_VERSION)
    broken = WarmRecogniser("spacy:/no/such/model", NER_VERSION)
    try:
        assert not broken.serves("spacy:/no/such/model", NER_VERSION)
        broken.spec = "default"  # as if the shipped model had failed to load in the worker
        for warm in (other, broken):
            warehouse = _warehouse(tmp_path / str(id(warm)), 2)
            report = recognise_changed_articles(warehouse, spec="default", warm=warm)
            assert not report.extra["warm_worker_used"] and report.extra["mentions_found"] == 10
    finally:
        other.close()
        broken.close()


def test_a_run_killed_between_spans_and_run_records_leaves_no_duplicates(
        tmp_path: Path, tiny_model: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The spans of a chunk were committed, its run records were not: the next run redoes
    the chunk and, seeing the two tables out of step, searches every key before appending."""
    expected = _warehouse(tmp_path / "whole", 5)
    recognise_changed_articles(expected, spec=tiny_model, n_process=1)
    warehouse = _warehouse(tmp_path / "killed", 5)
    upsert = Warehouse.upsert

    def killed_at_the_run_records(self, table, *args, **kwargs):
        if table == "_ner_runs":
            raise RuntimeError("killed")
        upsert(self, table, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(Warehouse, "upsert", killed_at_the_run_records)
        with pytest.raises(RuntimeError, match="killed"):
            recognise_changed_articles(warehouse, spec=tiny_model, n_process=1)
    assert not warehouse.in_step("_ner_runs", "_spans", recognition.SPANS_VERSION)
    assert recognise_changed_articles(warehouse, spec=tiny_model, n_process=1).new == 5
    pd.testing.assert_frame_equal(_spans(warehouse), _spans(expected))
    assert warehouse.in_step("_ner_runs", "_spans", recognition.SPANS_VERSION)
