"""Score the quotation extractor on a gold file (format: docs/quotes.md).

Spans: a predicted quotation matches a gold one when they overlap by at least half of the
longer of the two; each is matched at most once, largest overlap first. Precision, recall
and F1 overall (any kind) and per kind (the kinds must agree). Speakers: among the overall
matches, the share whose predicted speaker is the gold one (or an accepted alternative):
equal after normalisation, one containing the other's last word (surname, head), or the
same entity; None is right only where the gold has no speaker.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from news_pipeline.ner.mention import Recogniser
from news_pipeline.quotes.cues import DETERMINERS
from news_pipeline.quotes.extract import KINDS, Quote, QuoteExtractor


@dataclass(frozen=True)
class GoldQuote:
    start: int
    end: int
    kind: str
    speaker: str | None
    alternatives: tuple[str, ...] = ()

    @property
    def speakers(self) -> tuple[str, ...]:
        return tuple(s for s in (self.speaker, *self.alternatives) if s)


@dataclass(frozen=True)
class GoldDocument:
    id: str
    text: str
    quotes: tuple[GoldQuote, ...]


@dataclass(frozen=True)
class EvalMention:
    """A recognised mention with the entity id of a per-document grouping."""

    start: int
    end: int
    label: str
    text: str
    sentence_index: int
    entity_id: str


def load_gold(path: Path) -> list[GoldDocument]:
    """Read and check a gold file: every quotation's text must be text[start:end]."""
    documents = []
    for raw in json.loads(path.read_text(encoding="utf-8")):
        text = raw["text"]
        quotes = []
        for q in raw["quotes"]:
            if text[q["start"]:q["end"]] != q["text"] or q["kind"] not in KINDS:
                raise ValueError(f"{path}: document {raw['id']}: bad quotation {q}")
            alternatives = q.get("speaker_alternatives", [])
            if q.get("speaker_entity"):
                alternatives = [*alternatives, q["speaker_entity"]]
            quotes.append(GoldQuote(q["start"], q["end"], q["kind"], q["speaker"],
                                    tuple(alternatives)))
        documents.append(GoldDocument(raw["id"], text, tuple(quotes)))
    return documents


def overlaps_enough(a: tuple[int, int], b: tuple[int, int]) -> bool:
    overlap = min(a[1], b[1]) - max(a[0], b[0])
    return overlap > 0 and 2 * overlap >= max(a[1] - a[0], b[1] - b[0])


def match_spans(predicted: Sequence[tuple[int, int]],
                gold: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """(predicted index, gold index) pairs, one-to-one, largest overlap first (ties: in text
    order)."""
    candidates = sorted(
        (-(min(p[1], g[1]) - max(p[0], g[0])), i, j)
        for i, p in enumerate(predicted) for j, g in enumerate(gold) if overlaps_enough(p, g))
    used_p, used_g, matches = set(), set(), []
    for _, i, j in candidates:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            matches.append((i, j))
    return sorted(matches)


_WORD = re.compile(r"[\w-]+")


def _words(name: str) -> list[str]:
    return [w for w in _WORD.findall(name.lower()) if w not in DETERMINERS]


def _same_word(a: str, b: str) -> bool:
    """Equal up to a genitive ending: "Kreml" = "Kremls", "Hauses" = "Haus"."""
    return a == b or a in (b + "s", b + "es") or b in (a + "s", a + "es")


def same_speaker(predicted: str, gold: str) -> bool:
    p, g = _words(predicted), _words(gold)
    if not p or not g:
        return False
    return any(_same_word(p[-1], w) for w in g) or any(_same_word(g[-1], w) for w in p)


def speaker_correct(quote: Quote, gold: GoldQuote, entity_of: Callable[[str], set[str]]) -> bool:
    if quote.speaker is None:
        return gold.speaker is None
    if any(same_speaker(quote.speaker, name) for name in gold.speakers):
        return True
    return quote.speaker_entity_id is not None and any(
        quote.speaker_entity_id in entity_of(name) for name in gold.speakers)


def group_entities(mentions: Sequence) -> list[EvalMention]:
    """Per-document entity ids: persons by surname, everything else by its words, each with
    genitive endings folded ("Putin", "Wladimir Putin", "Putins" are one entity)."""
    grouped = []
    for m in mentions:
        words = _words(m.text) or [m.text.lower()]
        key = words[-1:] if m.label == "PER" else words
        folded = [w[:-1] if w.endswith("s") and len(w) > 3 else w for w in key]
        grouped.append(EvalMention(m.start, m.end, m.label, m.text, m.sentence_index,
                                   f"{m.label}:{' '.join(folded)}"))
    return grouped


def _prf(matched: int, predicted: int, gold: int) -> dict:
    p = matched / predicted if predicted else 0.0
    r = matched / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "gold": gold,
            "predicted": predicted, "matched": matched}


def evaluate_documents(documents: Sequence[GoldDocument], recogniser: Recogniser,
                       details: bool = False) -> dict:
    extractor = QuoteExtractor()
    all_mentions = recogniser.recognise([d.text for d in documents])
    counts = {kind: [0, 0, 0] for kind in ("overall", *KINDS)}  # matched, predicted, gold
    speaker_ok = kind_ok = 0
    report = []
    for document, mentions in zip(documents, all_mentions, strict=True):
        grouped = group_entities(mentions)
        predicted = extractor.extract(document.text, grouped)

        def entity_of(name: str, grouped: list[EvalMention] = grouped) -> set[str]:
            return {m.entity_id for m in grouped if same_speaker(m.text, name)}

        spans_p = [(q.start, q.end) for q in predicted]
        spans_g = [(g.start, g.end) for g in document.quotes]
        matches = match_spans(spans_p, spans_g)
        _add(counts["overall"], len(matches), len(predicted), len(document.quotes))
        for kind in KINDS:
            ip = [i for i, q in enumerate(predicted) if q.kind == kind]
            ig = [j for j, g in enumerate(document.quotes) if g.kind == kind]
            kind_matches = match_spans([spans_p[i] for i in ip], [spans_g[j] for j in ig])
            _add(counts[kind], len(kind_matches), len(ip), len(ig))
        wrong_speaker, wrong_kind = [], []
        for i, j in matches:
            quote, gold = predicted[i], document.quotes[j]
            if speaker_correct(quote, gold, entity_of):
                speaker_ok += 1
            else:
                wrong_speaker.append({"text": quote.text, "predicted": quote.speaker,
                                      "gold": gold.speaker})
            if quote.kind == gold.kind:
                kind_ok += 1
            else:
                wrong_kind.append({"text": quote.text, "predicted": quote.kind, "gold": gold.kind})
        if details:
            hit_p, hit_g = {i for i, _ in matches}, {j for _, j in matches}
            report.append({
                "id": document.id,
                "missed": [{"text": document.text[g.start:g.end], "kind": g.kind}
                           for j, g in enumerate(document.quotes) if j not in hit_g],
                "spurious": [{"text": q.text, "kind": q.kind, "cue": q.cue}
                             for i, q in enumerate(predicted) if i not in hit_p],
                "wrong_speaker": wrong_speaker, "wrong_kind": wrong_kind})
    matched = counts["overall"][0]
    result = {
        "documents": len(documents),
        "recogniser": recogniser.version,
        "overall": _prf(*counts["overall"]),
        "per_kind": {kind: _prf(*counts[kind]) for kind in KINDS},
        "speaker_accuracy": round(speaker_ok / matched, 4) if matched else 0.0,
        "kind_accuracy": round(kind_ok / matched, 4) if matched else 0.0,
    }
    if details:
        result["details"] = report
    return result


def _add(count: list[int], matched: int, predicted: int, gold: int) -> None:
    count[0] += matched
    count[1] += predicted
    count[2] += gold


def evaluate_file(path: Path, recogniser: Recogniser, details: bool = False) -> dict:
    return {"file": str(path), **evaluate_documents(load_gold(path), recogniser, details)}
