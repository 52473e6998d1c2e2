"""repair_unicode skips ftfy on text it would not change: the shortcut must give ftfy's answer."""

from __future__ import annotations

import re
import re._constants as _c
import re._parser as _parser

import ftfy
from ftfy.badness import BADNESS_RE, is_bad
from hypothesis import given, settings
from hypothesis import strategies as st

from news_pipeline.clean.markup import (
    _BADNESS_WIDTH,
    _FTFY_CONFIG,
    _FTFY_INERT,
    _inert_text_is_bad,
    fix_text,
    repair_unicode,
)

# Letters and marks of German text plus the characters ftfy's mojibake detector keys on
# (accented capitals, currency, typographic quotes, Ã/Â/€ of UTF-8 read as cp1252), so that
# adjacent pairs that look like mojibake are generated often.
_ALPHABET = ("aeiouns ABCZ.,;:!?-'\"\n\t0123456789"
             "äöüÄÖÜßéèàÉçñ„“”‚‘’–—…€•«»°§·´²³×÷¢£¥©®¬¦¨¯¸ªº¹¼½¾¡¿"
             "ÃÂÐÎØÙ\u00a0\u00ad\u0080\u0099œŒ™šžŸ"
             # Latin Extended-A (with its ligatures) and the "&" of entities
             "ğĞçčćŞşńıİłŁšŠęśČěžŽőűĳĲŉſ&#x;")


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_shortcut_gives_ftfys_answer(text: str) -> None:
    assert repair_unicode(text) == ftfy.fix_text(text, _FTFY_CONFIG)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_shortcut_gives_ftfys_answer_on_any_text(text: str) -> None:
    assert repair_unicode(text) == ftfy.fix_text(text, _FTFY_CONFIG)


def test_mojibake_is_still_repaired() -> None:
    assert fix_text("Die Stra\u00c3\u009fe in K\u00c3\u00b6ln") == "Die Straße in Köln"
    assert fix_text("â€žZitatâ€œ") == "„Zitat“"
    # at a line start, where only a per-line search finds it
    assert repair_unicode("Ende.\n\u00c3 la carte") == ftfy.fix_text("Ende.\n\u00c3 la carte",
                                                                   _FTFY_CONFIG)


def test_clean_german_text_is_returned_unchanged() -> None:
    text = "„Grüße aus Köln“ – sagte Müller am 3. März… 20 °C, 5 € « Zitat »"
    assert repair_unicode(text) == text


def _inert_alphabet() -> tuple[frozenset[str], frozenset[str]]:
    chars = [chr(code) for code in range(0x3000) if _FTFY_INERT.fullmatch(chr(code))]
    return (frozenset(c for c in chars if c.isascii()),
            frozenset(c for c in chars if not c.isascii()))


def _item_chars(op: object, arg: object, alphabet: frozenset[str]) -> frozenset[str]:
    """The characters of `alphabet` that one single-character item of a parsed regex takes."""
    if op is _c.LITERAL:
        return alphabet & {chr(arg)}
    if op is _c.ANY:
        return alphabet - {"\n"}
    assert op is _c.IN, op
    negate = arg[0][0] is _c.NEGATE
    taken = set()
    for char in alphabet:
        hit = False
        for kind, value in arg[1:] if negate else arg:
            if kind is _c.LITERAL:
                hit = hit or char == chr(value)
            elif kind is _c.RANGE:
                hit = hit or value[0] <= ord(char) <= value[1]
            else:
                assert kind is _c.CATEGORY, kind
                hit = hit or bool(_CATEGORIES[value].match(char))
        if hit != negate:
            taken.add(char)
    return frozenset(taken)


_CATEGORIES = {_c.CATEGORY_SPACE: re.compile(r"\s"), _c.CATEGORY_WORD: re.compile(r"\w")}


def _sequences(items: list) -> list[list]:
    """The branch's item sequences with each optional item (\\s?) taken or left out."""
    out: list[list] = [[]]
    for op, arg in items:
        if op is _c.AT:
            continue  # "^": zero width, no character
        if op is _c.MAX_REPEAT:
            low, high, sub = arg
            assert (low, high) == (0, 1) and len(sub) == 1, arg
            out = [seq + extra for seq in out for extra in ([], [sub[0]])]
        else:
            out = [[*seq, (op, arg)] for seq in out]
    return out


def test_every_detector_match_over_inert_text_holds_adjacent_non_ascii_characters() -> None:
    """What _inert_text_is_bad relies on, checked on the parsed detector: no alternative
    can match over _FTFY_INERT's characters without two adjacent non-ASCII ones, and none
    is longer than _BADNESS_WIDTH."""
    ascii_chars, other_chars = _inert_alphabet()
    parsed = _parser.parse(BADNESS_RE.pattern, BADNESS_RE.flags)
    assert parsed.getwidth()[1] <= _BADNESS_WIDTH
    (op, (_, branches)), = parsed
    assert op is _c.BRANCH
    for branch in branches:
        for seq in _sequences(list(branch)):
            # Can the items be matched by a string without two adjacent non-ASCII characters?
            # State: (possible with the last character ASCII, ... non-ASCII).
            last_ascii, last_other = True, False
            for item in seq:
                takes_ascii = bool(_item_chars(*item, ascii_chars))
                takes_other = bool(_item_chars(*item, other_chars))
                last_ascii, last_other = (takes_ascii and (last_ascii or last_other),
                                          takes_other and last_ascii)
            assert not (last_ascii or last_other), branch


# Characters of _FTFY_INERT only (no Ã, Â, C1 controls, soft hyphen).
_INERT_SAMPLE = ("aeiouns ABCZ.,;:!?-'\"\n\t0123456789äöüÄÖÜßéèàÉçñ„“”‚‘’–—…€•«»°§·´²³×÷"
                 "¢£¥©®¬¦¨¯¸ªº¹¼½¾¡¿ÐÎØÙ\u00a0ğĞčćŞşıİłŁšŠęśžŽőſ&")


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=_INERT_SAMPLE, max_size=200))
def test_searching_around_non_ascii_runs_is_the_detectors_answer(text: str) -> None:
    assert _inert_text_is_bad(text) == is_bad(text)
