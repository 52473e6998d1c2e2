"""The incremental stage engine: results paired with tasks, committed a chunk at a time."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import pytest

from news_pipeline.engine import chunks, run_in_chunks
from news_pipeline.progress import Progress


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
