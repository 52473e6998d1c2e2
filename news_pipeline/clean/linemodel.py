"""Learned line classifier: combines the rule features of classify.py into P(article line).

The hand-set rules (line kinds, the maximum-sum content window, in-window keep rules) stay
the first stage; their decisions become features next to the line's own shape and its
neighbours' shapes, and a logistic regression trained on labelled pages (train_lines.py)
decides the final keep set. Why: the remaining errors of the rules are teaser/sidebar prose
and author bios, which look like article text line by line but differ in context (isolated
prose between short lines, far from the main window, after the article's end).

Prediction is pure Python (a dot product per line), so the cleaner needs no numpy and
loads the shipped weights (line_model.json) once.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources

from news_pipeline.clean.classify import (
    Kind,
    LineInfo,
    RuleDecision,
    addresses_reader,
    cue,
    names_site,
)
from news_pipeline.clean.lines import Line

MODEL_FILE = "line_model.json"
_PROSE = (Kind.GOOD, Kind.NEAR)
# Neighbour offsets with their feature names (built once: this runs for every line).
_NEIGHBOURS = tuple((off, f"n{off}_prose", f"n{off}_bad", f"n{off}_kept", f"n{off}_log_words")
                    for off in (-2, -1, 1, 2))
_CONTEXT = 5  # lines on either side whose share of kept lines is a feature
# Author bios and teaser blurbs describe a person or point to another page.
_BIO = re.compile(r"\b(?:ist|war|arbeitet|schreibt|lebt|studierte|volontierte)\b.{0,60}"
                  r"\b(?:redakteur|redakteurin|journalist|journalistin|autor|autorin|"
                  r"korrespondent|korrespondentin|chefredakteur|reporter|reporterin|freie[rn]?)\b",
                  re.IGNORECASE)
_BIO_MIN_WORDS = 6
# Every match names a profession: lines without one of these skip the pattern.
_BIO_CUE = cue("bio", _BIO, ("redakteur", "journalist", "autor", "korrespondent", "reporter",
                             "freie"))
# Bylines and datelines ("von X am 14. Mai 2014, 15:40 Uhr", "Erstellt am ..."), photo
# captions with an inline credit, and link arrows: metadata and navigation in prose shape.
_DATE = re.compile(r"\b\d{1,2}\.\s*(?:\d{1,2}\.|[A-ZÄÖÜ][a-zäöü]+)\s*\d{4}\b|\b\d{1,2}:\d{2}\s*Uhr\b")
_BYLINE = re.compile(r"^(?:von|by|erstellt|veröffentlicht|aktualisiert|posted)\b", re.IGNORECASE)
_INLINE_CREDIT = re.compile(r"\b(?:foto|bild|quelle|grafik)s?\s*:", re.IGNORECASE)
_INLINE_CREDIT_CUE = cue("inline-credit", _INLINE_CREDIT, ("foto", "bild", "quelle", "grafik"))
_ARROWS = ("»", "›", "→", ">")
_DIGIT = re.compile(r"\d")


def _own_features(line: Line, info: LineInfo) -> dict[str, float]:
    text = line.text  # tidied: no surrounding whitespace
    n_chars = len(text)
    digits = len(_DIGIT.findall(text))
    return {
        "good": float(info.kind is Kind.GOOD),
        "near": float(info.kind is Kind.NEAR),
        "short": float(info.kind is Kind.SHORT),
        "bad": float(info.kind is Kind.BAD),
        "log_words": math.log1p(info.n_words),
        "log_chars": math.log1p(n_chars),
        "stop_density": info.stop_density,
        "sentence": float(info.sentence),
        "statement": float(info.statement),
        "ellipsis": float(text.endswith(("...", "…"))),
        "digit_share": digits / max(n_chars, 1),
        "upper_share": info.capitalised,
        "colon": float(":" in text[:40]),
        "after_blank": float(line.after_blank),
        "notice_cues": float(len(info.cues)),
        "addresses_reader": float(addresses_reader(info.cues)),
        "site_self": float(names_site(text)),
        # Cheap pre-checks first: most lines have no digits, colon or bio length.
        "bio": float(info.n_words >= _BIO_MIN_WORDS and _BIO_CUE.search(text)),
        "date": float(digits >= 2 and bool(_DATE.search(text))),
        "byline": float(bool(_BYLINE.match(text))),
        "inline_credit": float(":" in text and _INLINE_CREDIT_CUE.search(text)),
        "arrow": float(text.endswith(_ARROWS)),
    }


def line_features(lines: Sequence[Line], rules: RuleDecision) -> list[dict[str, float]]:
    """Feature dict per line: own shape, the rules' decision and window, neighbours."""
    infos, windows = rules.infos, rules.windows
    n = len(lines)
    kept = set(rules.keep)
    own = [_own_features(line, info) for line, info in zip(lines, infos)]
    in_window = [0] * n
    main = max(windows, key=lambda w: sum(infos[i].n_words for i in range(*w)), default=(0, 0))
    for start, end in windows:
        for i in range(start, end):
            in_window[i] = 1
    # Length of the run of consecutive prose lines each line belongs to: an article is a
    # long run, teasers are single prose lines between headlines.
    run = [0] * n
    i = 0
    while i < n:
        j = i
        while j < n and infos[j].kind in _PROSE:
            j += 1
        for k in range(i, j):
            run[k] = j - i
        i = max(j, i + 1)
    kept_before = [0] * (n + 1)  # prefix sums: kept lines before index
    for i in range(n):
        kept_before[i + 1] = kept_before[i] + (i in kept)
    total_prose = sum(info.n_words for info in infos if info.kind in _PROSE) or 1
    prose_before = 0
    feats: list[dict[str, float]] = []
    for i in range(n):
        f = dict(own[i])
        f["kept"] = float(i in kept)
        f["in_window"] = float(in_window[i])
        f["in_main"] = float(main[0] <= i < main[1])
        distance = main[0] - i if i < main[0] else (i - main[1] + 1 if i >= main[1] else 0)
        f["log_dist_main"] = math.log1p(distance)
        f["after_main"] = float(i >= main[1] > main[0])
        f["rel_pos"] = i / max(n - 1, 1)
        f["prose_before_share"] = prose_before / total_prose
        f["log_run"] = math.log1p(run[i])
        f["kept_outside_main"] = f["kept"] * (1.0 - f["in_main"])
        lo, hi = max(0, i - _CONTEXT), min(n, i + _CONTEXT + 1)
        f["context_kept"] = ((kept_before[hi] - kept_before[lo] - (i in kept))
                             / max(hi - lo - 1, 1))
        if infos[i].kind in _PROSE:
            prose_before += infos[i].n_words
        for off, prose_key, bad_key, kept_key, words_key in _NEIGHBOURS:
            j = i + off
            inside = 0 <= j < n
            f[prose_key] = float(inside and infos[j].kind in _PROSE)
            f[bad_key] = float(inside and infos[j].kind is Kind.BAD)
            f[kept_key] = float(inside and j in kept)
            f[words_key] = own[j]["log_words"] if inside else 0.0
        feats.append(f)
    return feats


@dataclass(frozen=True)
class LineModel:
    """Standardised logistic regression: p = sigmoid(bias + sum w_k * (x_k - mean_k) / scale_k)."""

    names: tuple[str, ...]
    weights: tuple[float, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    bias: float
    threshold: float

    def probability(self, features: dict[str, float]) -> float:
        z = self._offset
        for name, w in self._folded:
            z += w * features[name]
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    @cached_property
    def _folded(self) -> tuple[tuple[str, float], ...]:
        """Weights per raw feature value (standardisation folded in): one multiply each."""
        return tuple((name, w / s) for name, w, s in zip(self.names, self.weights, self.scales))

    @cached_property
    def _offset(self) -> float:
        return self.bias - sum(w * m / s for w, m, s in zip(self.weights, self.means, self.scales))

    def keep(self, features: Sequence[dict[str, float]]) -> list[int]:
        return [i for i, f in enumerate(features) if self.probability(f) >= self.threshold]

    def to_json(self) -> str:
        return json.dumps({"names": self.names, "weights": self.weights, "means": self.means,
                           "scales": self.scales, "bias": self.bias,
                           "threshold": self.threshold}, indent=1)

    @classmethod
    def from_json(cls, text: str) -> LineModel:
        data = json.loads(text)
        return cls(tuple(data["names"]), tuple(data["weights"]), tuple(data["means"]),
                   tuple(data["scales"]), float(data["bias"]), float(data["threshold"]))


@cache
def shipped_model() -> LineModel:
    """The weights trained by train_lines.py, shipped inside the package."""
    text = resources.files("news_pipeline.clean").joinpath(MODEL_FILE).read_text("utf-8")
    return LineModel.from_json(text)
