"""Strict span-level evaluation of any Recogniser on a GermEval-format file."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from news_pipeline.ner.data import Sentence, read_germeval
from news_pipeline.ner.mention import LABELS, Recogniser
from news_pipeline.ner.spans import bio_to_spans, strict_scores

log = logging.getLogger(__name__)


def _documents(sentences: list[Sentence]) -> list[list[int]]:
    """Consecutive sentences with the same source form one document (as in an article)."""
    documents: list[list[int]] = []
    for i, sentence in enumerate(sentences):
        if documents and sentences[documents[-1][-1]].doc_id == sentence.doc_id:
            documents[-1].append(i)
        else:
            documents.append([i])
    return documents


def evaluate_sentences(sentences: list[Sentence], recogniser: Recogniser) -> dict:
    """Each document's sentences are joined (tokens by spaces, sentences by newlines) into a
    text; mentions are mapped back to the gold tokens by character offsets: a mention
    covering part of a token counts as covering the token, then spans must match exactly."""
    documents = _documents(sentences)
    texts: list[str] = []
    offsets: list[list[tuple[int, int, int]]] = []  # per doc: (sentence, token start char, idx)
    for doc in documents:
        parts, token_starts, position = [], [], 0
        for si in doc:
            for ti, word in enumerate(sentences[si].words):
                token_starts.append((position, si, ti))
                parts.append(word)
                position += len(word) + 1
            parts[-1] += "\n"  # the +1 above already counted the separator
        texts.append(" ".join(parts).replace("\n ", "\n"))
        offsets.append(token_starts)
    started = time.perf_counter()
    predictions = recogniser.recognise(texts)
    elapsed = time.perf_counter() - started
    n_tokens = sum(len(s.words) for s in sentences)

    predicted: list[set[tuple]] = [set() for _ in sentences]
    for doc_offsets, mentions in zip(offsets, predictions, strict=True):
        starts = [o[0] for o in doc_offsets]
        for mention in mentions:
            first = _token_at(starts, mention.start)
            last = _token_at(starts, max(mention.end - 1, mention.start))
            _, s_first, t_first = doc_offsets[first]
            _, s_last, t_last = doc_offsets[last]
            if s_first != s_last:
                continue  # crosses a gold sentence boundary: cannot match
            predicted[s_first].add((t_first, t_last + 1, mention.label))
    gold = [{(s.start, s.end, s.label) for s in bio_to_spans(sentence.tags)}
            for sentence in sentences]
    scores = strict_scores(gold, predicted, LABELS)
    scores["tokens_per_s"] = round(n_tokens / elapsed, 1) if elapsed > 0 else None
    scores["n_tokens"] = n_tokens
    scores["recogniser"] = {"name": recogniser.name, "version": recogniser.version}
    return scores


def _token_at(starts: list[int], char: int) -> int:
    """Index of the token whose text contains (or precedes) `char`."""
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= char:
            lo = mid
        else:
            hi = mid - 1
    return lo


def evaluate_file(path: Path, recogniser: Recogniser) -> dict:
    """GermEval-format file -> {"overall": {...}, "per_label": {...}, "tokens_per_s": ...}."""
    sentences = read_germeval(Path(path))
    log.info("evaluating %s on %s (%d sentences)", recogniser.name, path, len(sentences))
    return evaluate_sentences(sentences, recogniser)
