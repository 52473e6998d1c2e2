"""What a recogniser returns, and the interface every NER backend implements."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from operator import attrgetter
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


MENTION_FIELDS = tuple(field.name for field in fields(Mention))
# A Mention as a plain tuple of MENTION_FIELDS: how mentions cross process boundaries
# (pickling 200k of them costs ~0.15 CPU s as tuples, ~0.8 s as dataclass instances).
MentionRow = tuple[int, int, str, str, int]
_as_row = attrgetter(*MENTION_FIELDS)


def mention_rows(mentions: Iterable[Mention]) -> list[MentionRow]:
    return list(map(_as_row, mentions))


class Recogniser(Protocol):
    """Batch of texts -> mentions per text. Implementations must be picklable-free of state
    that cannot be rebuilt: the pipeline builds one per process."""

    name: str
    version: str

    def recognise(self, texts: Sequence[str]) -> list[list[Mention]]: ...
