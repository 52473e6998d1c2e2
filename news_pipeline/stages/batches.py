"""Splitting a stage's work into batches that are committed one at a time."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size` items (none for no items)."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
