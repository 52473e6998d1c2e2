"""Pairing quotation marks: „…“ (and „…”), »…«, «…», ‚…‘, ›…‹, “…”, "…".

One pass over the marks with a stack. Only outermost pairs are returned: a quotation inside a
quotation is part of its text. An opening mark that is still open at a line break is
dropped, because cleaned articles put each paragraph on its own line and a quotation that
continues into the next paragraph opens again there. Straight marks (") are told apart by
their place: one before a word after a space opens (a straight mark still open lost its
closing mark), one after a word closes; a closing one with nothing open, followed by a comma,
ends a quotation that opened the paragraph without its mark; one after a word while a
typographic mark („, «, », “) is open closes that one ('„warme Ecken" im Haus').
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MARKS = re.compile("[„“”»«‚‘’›‹\"\n]")
_SENTENCE_END = re.compile(r"[.!?…][\"“”«»]?\s")

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


def _straight_closes(text: str, i: int) -> bool:
    """A straight mark after a word, before a space or punctuation: 'kommen", sagte er'."""
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isspace() and before not in "([" and (after.isspace() or after in ",.;:!?)–-")


def _glued_open(text: str, i: int) -> bool:
    """'... so der Chef."Die Branche ...': a straight mark between a sentence's end and a word,
    the space before it lost."""
    return 0 < i < len(text) - 1 and text[i - 1] in ".!?:" and text[i + 1].isalpha()


def _missing_opening(text: str, line_start: int, close: int) -> QuotePair | None:
    """'Wir kommen morgen", sagte er.' with its opening mark lost: the quotation is the
    sentence the mark closes, from the start of the line or of the sentence (the pair's open
    is the offset before it)."""
    if text[close + 1:close + 2] != ",":
        return None
    start = line_start
    for end in _SENTENCE_END.finditer(text, line_start, close):
        start = end.end()  # the last sentence: where more were quoted, their start is unknown
    while start < close and text[start].isspace():
        start += 1
    if len(text[start:close].split()) < 3 or any(m in text[start:close] for m in "„“”»«\""):
        return None
    return QuotePair(start - 1, close)


def pair_quotes(text: str) -> list[QuotePair]:
    pairs: list[QuotePair] = []
    stack: list[tuple[str, int]] = []  # (opening mark, offset)
    line_start = 0
    for match in _MARKS.finditer(text):
        mark, at = match.group(), match.start()
        if mark == "\n":
            stack.clear()
            line_start = at + 1
            continue
        depth = next((d for d in range(len(stack) - 1, -1, -1) if mark in _CLOSERS[stack[d][0]]),
                     None)
        if mark == '"' and depth is not None and _can_open(text, at) and not _straight_closes(text, at):
            # ' "Wir ...' opens again: the straight mark before lost its closing mark
            del stack[depth:]
            depth = None
        if mark == '"' and depth is None and stack and stack[-1][0] in "„«»“" \
                and _straight_closes(text, at) and not _can_open(text, at):
            depth = len(stack) - 1  # '„Nischen" sind': a typographic mark closed straight
        if mark == '"' and not stack and _straight_closes(text, at) and not _can_open(text, at):
            lost = _missing_opening(text, line_start, at)
            if lost is not None and (not pairs or pairs[-1].close <= lost.open):
                pairs.append(lost)
            continue
        if depth is not None and not (mark in "’‘" and text[at + 1:at + 2].isalpha()):
            if depth == 0:
                pairs.append(QuotePair(stack[0][1], at))
            del stack[depth:]
        elif len(stack) < _MAX_DEPTH and (mark in "„»«‚›‹" or (mark in "“\"‘" and _can_open(text, at))
                                          or (mark == '"' and not stack and _glued_open(text, at))):
            stack.append((mark, at))
    return pairs
