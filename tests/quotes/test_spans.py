"""Quotations as the NER step stores them: the same as the library finds on its own, with the
speaker as the span of a recogniser mention."""

from __future__ import annotations

from pathlib import Path

from news_pipeline.ner import load_recogniser
from news_pipeline.ner.mention import Mention
from news_pipeline.quotes import extract_quotes
from news_pipeline.quotes.evaluate import load_gold
from news_pipeline.quotes.spans import QUOTE_FIELDS, recognise_with_quotes

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "quotes" / "samples.json"


def test_the_recogniser_sentences_give_the_quotations_the_library_finds_by_itself() -> None:
    recogniser = load_recogniser("default")
    texts = [document.text for document in load_gold(SAMPLES)]
    found = recognise_with_quotes(recogniser, texts)
    assert [mentions for mentions, _ in found] == [
        [(m.start, m.end, m.label, m.text, m.sentence_index) for m in article]
        for article in recogniser.recognise(texts)]
    for text, (mentions, rows) in zip(texts, found):
        alone = extract_quotes(text, [Mention(*row) for row in mentions])
        stored = [dict(zip(QUOTE_FIELDS, row)) for row in rows]
        assert [(q.quote_id, q.kind, q.start, q.end, q.speaker, q.cue, q.sentence_index)
                for q in alone] == [(s["quote_id"], s["kind"], s["start"], s["end"], s["speaker"],
                                     s["cue"], s["sentence_index"]) for s in stored]
        for quote in stored:
            if quote["speaker_start"] is not None:
                spans = {(start, end) for start, end, *_ in mentions}
                assert (quote["speaker_start"], quote["speaker_end"]) in spans
    assert sum(len(rows) for _, rows in found) == 35
