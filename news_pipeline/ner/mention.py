"""What a recogniser returns, and the interface every NER backend implements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

LABELS = ("PER", "LOC", "ORG", "MISC")


@dataclass(frozen=True)
class Mention:
    """A named-entity span; `text == document[start:end]`."""

    start: int
    end: int
    label: str
    text: str
    sentence_index: int


class Recogniser(Protocol):
    """Batch of texts -> mentions per text. Implementations must be picklable-free of state
    that cannot be rebuilt: the pipeline builds one per process."""

    name: str
    version: str

    def recognise(self, texts: Sequence[str]) -> list[list[Mention]]: ...
