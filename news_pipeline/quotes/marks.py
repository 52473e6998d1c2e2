"""Pairing quotation marks: „…“ (and „…”), »…«, «…», ‚…‘, ›…‹, “…”, "…".

One pass over the marks with a stack. Only outermost pairs are returned: a quotation inside a
quotation is part of its text. An opening mark that is still open at a line break is
dropped, because cleaned articles put each paragraph on its own line and a quotation that
continues into the next paragraph opens again there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MARKS = re.compile("[„“”»«‚‘’›‹\"\n]")

# opening mark -> marks that close it
_CLOSERS = {"„": "“”", "»": "«", "«": "»", "‚": "‘’", "›": "‹", "‹": "›", "“": "”“", "‘": "’",
            '"': '"'}
# Deeper nesting is noise (stray marks); ignoring it keeps the pass linear.
_MAX_DEPTH = 4


@dataclass(frozen=True)
class QuotePair:
    """Offsets of the opening and the closing mark: the quoted words are
    text[open + 1:close]."""

    open: int
    close: int


def _can_open(text: str, i: int) -> bool:
    """Marks that both open and close (", ‘, “) open only before a word and after a space,
    a bracket, another mark or the start: "geht’s" and 5'' are no quotations."""
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([-–—/„»«‚›‹“") and not after.isspace()


def pair_quotes(text: str) -> list[QuotePair]:
    pairs: list[QuotePair] = []
    stack: list[tuple[str, int]] = []  # (opening mark, offset)
    for match in _MARKS.finditer(text):
        mark, at = match.group(), match.start()
        if mark == "\n":
            stack.clear()
            continue
        depth = next((d for d in range(len(stack) - 1, -1, -1) if mark in _CLOSERS[stack[d][0]]),
                     None)
        if depth is not None and not (mark in "’‘" and text[at + 1:at + 2].isalpha()):
            if depth == 0:
                pairs.append(QuotePair(stack[0][1], at))
            del stack[depth:]
        elif len(stack) < _MAX_DEPTH and (mark in "„»«‚›‹" or (mark in "“\"‘" and _can_open(text, at))):
            stack.append((mark, at))
    return pairs
