"""BIO tags <-> spans, and document-level consistency of typed spans."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    sentence: int
    start: int  # token index, inclusive
    end: int  # token index, exclusive
    label: str


def bio_to_spans(tags: Sequence[str], sentence: int = 0) -> list[Span]:
    """conlleval semantics: an I- that does not continue the open span starts a new one."""
    spans: list[Span] = []
    start, label = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, kind = tag.partition("-")
        continues = prefix == "I" and kind == label and start >= 0
        if not continues:
            if start >= 0:
                spans.append(Span(sentence, start, i, label))
                start, label = -1, ""
            if prefix in ("B", "I"):
                start, label = i, kind
    return spans


def _genitive_base(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def propagate(sentences: Sequence[Sequence[str]], spans: list[Span]) -> list[Span]:
    """Document-level consistency.

    1. A name string gets the type it has most often in the article ("Putin" PER 5x, ORG 1x
       -> PER everywhere).
    2. Untagged capitalised occurrences of a typed name elsewhere in the article get its type,
       and so do short forms of persons (the surname: "Kim", "Putin"), and genitives ("Putins").
    Only capitalised, not sentence-initial single tokens are added, so that common words at
    the start of a sentence are not swept in.
    """
    votes: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    for span in spans:
        votes[tuple(sentences[span.sentence][span.start:span.end])][span.label] += 1
    majority = {key: counter.most_common(1)[0][0] for key, counter in votes.items()}
    result = [Span(s.sentence, s.start, s.end,
                   majority[tuple(sentences[s.sentence][s.start:s.end])]) for s in spans]

    # single-token keys that may be added: the full single-token names, person surnames
    singles: dict[str, str] = {}
    for key, label in majority.items():
        if len(key) == 1:
            singles.setdefault(key[0], label)
    for key, label in majority.items():
        if label == "PER" and len(key) > 1 and key[-1][:1].isupper():
            singles.setdefault(key[-1], "PER")
    covered = {(s.sentence, i) for s in result for i in range(s.start, s.end)}
    for si, words in enumerate(sentences):
        for i, word in enumerate(words):
            if (si, i) in covered or not word[:1].isupper():
                continue
            label = singles.get(word) or singles.get(_genitive_base(word))
            if label is None:
                continue
            if i == 0 and word not in singles:
                continue
            result.append(Span(si, i, i + 1, label))
    result.sort(key=lambda s: (s.sentence, s.start))
    return result


# Head nouns that make a name an organisation with little doubt (stricter than the CRF's
# keyword feature list, because this rule acts without the CRF's weighing).
ORG_HEADS = ("universität", "hochschule", "akademie", "institut", "nachrichtenagentur",
             "agentur", "ministerium", "kommission", "behörde", "partei", "gewerkschaft",
             "stiftung", "gerichtshof", "zeitung", "konzern", "verband", "gesellschaft")
_ADJ_ENDINGS = ("e", "en", "er", "es", "em")


def org_chunks(sentences: Sequence[Sequence[str]], spans: list[Span]) -> list[Span]:
    """Back-off for organisation names the CRF misses (too few examples in the labelled
    data): a capitalised organisation head that is hyphenated ("Kookmin-Universität") or
    preceded by capitalised adjectives, which German only capitalises inside names
    ("Koreanische Zentrale Nachrichtenagentur"). Only spans that overlap nothing are added."""
    covered = {(s.sentence, i) for s in spans for i in range(s.start, s.end)}
    added = []
    for si, words in enumerate(sentences):
        for j, word in enumerate(words):
            lower = word.lower()
            if (not word[:1].isupper() or (si, j) in covered
                    or not lower.endswith(ORG_HEADS) or (lower in ORG_HEADS and j == 0)):
                continue
            start = j
            while (start - 1 > 0 and words[start - 1][:1].isupper()
                   and words[start - 1].lower().endswith(_ADJ_ENDINGS)
                   and (si, start - 1) not in covered):
                start -= 1
            hyphenated = ("-" in word and not lower.endswith(tuple("-" + h for h in ORG_HEADS)
                                                             )) or "-" in word[1:-1]
            if start < j or (hyphenated and lower.rsplit("-", 1)[1] in ORG_HEADS):
                added.append(Span(si, start, j + 1, "ORG"))
    return sorted(spans + added, key=lambda s: (s.sentence, s.start))


def strict_scores(gold: list[set[tuple]], predicted: list[set[tuple]],
                  labels: Sequence[str]) -> dict:
    """Strict span-match precision/recall/F1, overall and per label. Spans are tuples whose
    last element is the label."""
    counts = {label: [0, 0, 0] for label in labels}  # tp, n_pred, n_gold
    for gold_spans, pred_spans in zip(gold, predicted, strict=True):
        for span in pred_spans:
            if span[-1] in counts:
                counts[span[-1]][1] += 1
                if span in gold_spans:
                    counts[span[-1]][0] += 1
        for span in gold_spans:
            if span[-1] in counts:
                counts[span[-1]][2] += 1

    def prf(tp: int, n_pred: int, n_gold: int) -> dict:
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                "support": n_gold}

    total = [sum(c[k] for c in counts.values()) for k in range(3)]
    return {"overall": prf(*total), "per_label": {k: prf(*v) for k, v in counts.items()}}
