"""repair_unicode skips ftfy on text it would not change: the shortcut must give ftfy's answer."""

from __future__ import annotations

import ftfy
from hypothesis import given, settings
from hypothesis import strategies as st

from news_pipeline.clean.markup import _FTFY_CONFIG, fix_text, repair_unicode

# Letters and marks of German text plus the characters ftfy's mojibake detector keys on
# (accented capitals, currency, typographic quotes, Ã/Â/€ of UTF-8 read as cp1252), so that
# adjacent pairs that look like mojibake are generated often.
_ALPHABET = ("aeiouns ABCZ.,;:!?-'\"\n\t0123456789"
             "äöüÄÖÜßéèàÉçñ„“”‚‘’–—…€•«»°§·´²³×÷¢£¥©®¬¦¨¯¸ªº¹¼½¾¡¿"
             "ÃÂÐÎØÙ\u00a0\u00ad\u0080\u0099œŒ™šžŸ")


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
