"""The incremental stage engine: results paired with tasks, committed a chunk at a time."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from news_pipeline.engine import Watermark, chunks, plan, run_in_chunks
from news_pipeline.progress import Progress
from news_pipeline.warehouse import PARTITION, SCHEMAS, Warehouse


def test_results_are_committed_in_chunks_in_task_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_PIPELINE_COMMIT_EVERY", "3")
    commits: list[tuple[list[int], list[int]]] = []

    def commit(chunk: Sequence[int], results: list[int]) -> None:
        commits.append((list(chunk), results))

    progress = Progress(logging.getLogger("test"), "squares", 7)
    run_in_chunks(list(range(7)), (n * n for n in range(7)), commit, progress)
    assert commits == [([0, 1, 2], [0, 1, 4]), ([3, 4, 5], [9, 16, 25]), ([6], [36])]
    assert progress.done == 7


def test_too_few_results_fail_before_the_chunk_is_committed() -> None:
    commits: list[Sequence[int]] = []
    with pytest.raises(RuntimeError, match="fewer results"):
        run_in_chunks([1, 2], iter([1]), lambda chunk, _: commits.append(chunk),
                      Progress(logging.getLogger("test"), "x", 2))
    assert commits == []


def test_chunks_cover_the_items_once() -> None:
    assert [list(c) for c in chunks(list(range(5)), 2)] == [[0, 1], [2, 3], [4]]
    assert list(chunks([], 2)) == []


_SCHEMA = pa.schema([(name, pa.string()) for name in ("article_id", "sha", "version", "ingest_month")])


def _table(rows: list[tuple]) -> pa.Table:
    return pa.table(list(zip(*rows)) if rows else [[], [], [], []], schema=_SCHEMA)


def test_plan_finds_new_changed_deleted_and_current_articles() -> None:
    inputs = _table([("a", "1", None, "2026-01"), ("b", "2", None, "2026-02"),
                     ("c", None, None, "2026-01"), ("d", "4", None, "2026-01"),
                     ("e", "5", None, "2026-03")])
    records = _table([("a", "1", "v1", "2026-01"), ("b", "X", "v1", "2026-02"),
                      ("c", None, "v1", "2026-01"), ("d", "4", "v0", "2026-01"),
                      ("z", "9", "v1", "2025-12")])
    work = plan(inputs, records, match=["sha"], versions={"version": "v1"})
    # b's content and d's stage version changed; c matches with a null hash; e is new.
    assert work.todo.column("article_id").to_pylist() == ["d", "b", "e"]
    assert (work.new, work.changed, work.unchanged) == (["e"], 2, 2)
    assert work.deleted == {"z": "2025-12"}


def test_plan_redoes_what_it_is_told_to() -> None:
    rows = [("a", "1", "v1", "2026-01"), ("b", "2", "v1", "2026-01")]
    work = plan(_table(rows), _table(rows), match=["sha"], versions={"version": "v1"},
                redo=pa.array(["b"]))
    assert work.todo.column("article_id").to_pylist() == ["b"]
    assert (work.new, work.unchanged, work.deleted) == ([], 1, {})


@given(st.lists(st.tuples(st.sampled_from("abcdef"), st.sampled_from(["1", "2", None]),
                          st.sampled_from(["v0", "v1"])), unique_by=lambda r: r[0]),
       st.lists(st.tuples(st.sampled_from("abcdefgh"), st.sampled_from(["1", "2", None])),
                unique_by=lambda r: r[0]))
def test_plan_agrees_with_comparing_article_by_article(recorded: list[tuple],
                                                       current: list[tuple]) -> None:
    records = _table([(a, sha, version, "2026-01") for a, sha, version in recorded])
    inputs = _table([(a, sha, None, "2026-01") for a, sha in current])
    work = plan(inputs, records, match=["sha"], versions={"version": "v1"})
    known = {a: (sha, version) for a, sha, version in recorded}
    expected = sorted(a for a, sha in current if known.get(a) != (sha, "v1"))
    assert work.todo.column("article_id").to_pylist() == expected
    assert work.new == sorted(a for a, _ in current if a not in known)
    assert set(work.deleted) == set(known) - {a for a, _ in current}


def _inventory_rows(*articles: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"article_id": [a for a, _ in articles],
                         "content_sha256": [sha for _, sha in articles],
                         PARTITION: ["2026-01"] * len(articles)})


def test_a_watermark_gives_the_inputs_changed_since_the_stages_last_run(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "warehouse")
    warehouse.upsert("_inventory", _inventory_rows(("a", "1"), ("b", "2")))
    warehouse.upsert("rejected", SCHEMAS["rejected"].empty_table())
    watermark = Watermark("articles", outputs=("rejected",), versions={"clean": "v1"})
    warehouse.ensure("articles")
    inputs = warehouse.current("_inventory")
    first = watermark.input_rows(warehouse, inputs, "_inventory", ["content_sha256"])
    assert not first.incremental and first.rows.num_rows == first.total == 2  # no watermark yet
    watermark.record(warehouse, inputs)

    warehouse.upsert("_inventory", _inventory_rows(("b", "3"), ("c", "4")), known_new=["c"])
    inputs = warehouse.current("_inventory")
    changed = watermark.input_rows(warehouse, inputs, "_inventory", ["content_sha256"])
    assert changed.incremental and changed.total == 3
    assert sorted(changed.rows.column("article_id").to_pylist()) == sorted(changed.keys) == ["b", "c"]

    # Another version of the stage, or its table written since, compare everything again.
    assert Watermark("articles", ("rejected",), {"clean": "v2"}).changes(
        warehouse, inputs, {"_inventory": None}) is None
    warehouse.upsert("rejected", SCHEMAS["rejected"].empty_table(), metadata={"x": "1"})
    assert watermark.changes(warehouse, inputs, {"_inventory": None}) is None


def test_recording_the_same_watermark_again_commits_nothing(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "warehouse")
    warehouse.upsert("_inventory", _inventory_rows(("a", "1")))
    warehouse.ensure("articles")
    watermark = Watermark("articles")
    inputs = warehouse.current("_inventory")
    watermark.record(warehouse, inputs)
    version = warehouse.current("articles").versions["articles"]
    watermark.record(warehouse, inputs)
    assert warehouse.current("articles").versions["articles"] == version
