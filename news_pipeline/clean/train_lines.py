"""Train the learned line classifier (linemodel.py) on the evaluation pages' tune split.

    python -m news_pipeline.clean.train_lines DATA_DIR [--out PATH]

DATA_DIR is laid out like shared/data/cleaning/trafilatura-de (evaldata-de.json + html/*.gz).
Only the first TUNE_PAGES pages in URL order (evaluate.split_of == "tune") are read, so the
held-out split stays an honest test. Each page is flattened as in the evaluation's text mode
and run through the rule stage; a line is labelled content when it overlaps a "with"
snippet, boilerplate when it overlaps a "without" snippet, and is left out of training
otherwise (the snippets label ~6 lines per page). The L2 strength and the decision threshold
are chosen by page-wise k-fold cross-validation inside the tune split, maximising the
evaluation's snippet F1; the final model is refit on all tune pages. Everything is
deterministic (fixed folds, full-batch Newton steps), so the same data gives the same file.
New weights change cleaned output: ship them with a new CLEAN_VERSION (cleaner.py).
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from news_pipeline.clean.classify import decide_by_rules
from news_pipeline.clean.evaluate import flatten_page, normalise, page_html, select_pages
from news_pipeline.clean.linemodel import MODEL_FILE, LineModel, line_features
from news_pipeline.clean.lines import to_lines
from news_pipeline.clean.markup import fix_text, markup_to_text
from news_pipeline.clean.settings import DEFAULT_SETTINGS

log = logging.getLogger(__name__)

L2_GRID = (0.1, 1.0, 10.0, 100.0)
THRESHOLD_GRID = tuple(round(0.05 * k, 2) for k in range(2, 19))
FOLDS = 5


@dataclass
class Page:
    features: list[dict[str, float]]
    labels: dict[int, int]  # line index -> 1 content / 0 boilerplate (labelled lines only)
    with_spans: list[list[int]]  # per "with" snippet: the lines it covers ([] = not found)
    without_spans: list[list[int]]


def _snippet_lines(starts: list[int], ends: list[int], doc: str, snippet: str) -> list[list[int]]:
    """Lines covered by each occurrence of snippet in doc (lines joined by one space)."""
    found: list[list[int]] = []
    pos = doc.find(snippet)
    while snippet and pos >= 0:
        end = pos + len(snippet)
        found.append([i for i, (s, e) in enumerate(zip(starts, ends)) if s < end and pos < e])
        pos = doc.find(snippet, pos + 1)
    return found


def page_from_text(text: str, with_: list[str], without: list[str]) -> Page:
    """The rule stage's features and the snippet labels of one flattened page."""
    lines = to_lines(fix_text(markup_to_text(text)))
    features = line_features(lines, decide_by_rules(lines, DEFAULT_SETTINGS))
    starts, ends, offset = [], [], 0
    for line in lines:
        norm = normalise(line.text)
        starts.append(offset)
        ends.append(offset + len(norm))
        offset += len(norm) + 1
    doc = " ".join(normalise(line.text) for line in lines)
    labels: dict[int, int] = {}
    conflicts: set[int] = set()
    spans: dict[int, list[list[int]]] = {1: [], 0: []}
    for label, snippets in ((1, with_), (0, without)):
        for snippet in snippets:
            occurrences = _snippet_lines(starts, ends, doc, normalise(snippet))
            # The metric asks for any occurrence of a "with" snippet, so the first is the one
            # to keep; every occurrence of a "without" snippet counts against the output.
            spans[label].append(occurrences[0] if occurrences else [])
            for occurrence in occurrences[:1] if label else occurrences:
                for i in occurrence:
                    if labels.get(i, label) != label:
                        conflicts.add(i)
                    labels[i] = label
    for i in conflicts:
        del labels[i]
    return Page(features, labels, spans[1], spans[0])


def load_pages(data_dir: Path) -> list[Page]:
    """The tune split's pages, in URL order."""
    pages = [page_from_text(flatten_page(page_html(data_dir, item)), item["with"], item["without"])
             for _split, _url, item in select_pages(data_dir, "tune")]
    log.info("read %d tune pages", len(pages))
    return pages


def _matrix(pages: list[Page], names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    rows, labels = [], []
    for page in pages:
        for i, label in sorted(page.labels.items()):
            rows.append([page.features[i][name] for name in names])
            labels.append(label)
    return np.array(rows, dtype=float).reshape(-1, len(names)), np.array(labels, dtype=float)


def fit(pages: list[Page], l2: float, threshold: float) -> LineModel:
    """Logistic regression on standardised features, L2 on the weights (not the bias),
    fitted by Newton's method from zero: deterministic."""
    names = next((sorted(page.features[0]) for page in pages if page.features), [])
    x, y = _matrix(pages, names)
    means = x.mean(axis=0) if len(x) else np.zeros(len(names))
    scales = x.std(axis=0) if len(x) else np.ones(len(names))
    scales[scales < 1e-9] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - means) / scales])
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ beta, -30, 30)))
        gradient = z.T @ (p - y) + penalty * beta
        hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-6)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return LineModel(tuple(names), tuple(round(float(w), 6) for w in beta[1:]),
                     tuple(round(float(m), 6) for m in means),
                     tuple(round(float(s), 6) for s in scales),
                     round(float(beta[0]), 6), threshold)


def snippet_counts(pages: list[Page], keeps: list[set[int]]) -> tuple[int, int, int]:
    """(TP, FN, FP) of the evaluation's snippet metric, approximated on the lines: a snippet
    is in the output when all the lines it covers are kept."""
    tp = fn = fp = 0
    for page, keep in zip(pages, keeps):
        for span in page.with_spans:
            if span and all(i in keep for i in span):
                tp += 1
            else:
                fn += 1
        fp += sum(1 for span in page.without_spans if span and all(i in keep for i in span))
    return tp, fn, fp


def f1(tp: int, fn: int, fp: int) -> float:
    return 2 * tp / (2 * tp + fn + fp) if tp else 0.0


def cross_validate(pages: list[Page], folds: int = FOLDS) -> tuple[float, float, float]:
    """(l2, threshold, CV F1) maximising the snippet F1 over page-wise folds."""
    # Per l2 and fold, the held-out fold's probabilities; thresholds are then free to scan.
    best = (L2_GRID[0], 0.5, -1.0)
    for l2 in L2_GRID:
        probabilities: list[list[float]] = [[] for _ in pages]
        for fold in range(folds):
            train = [p for n, p in enumerate(pages) if n % folds != fold]
            model = fit(train, l2, 0.5)
            for n, page in enumerate(pages):
                if n % folds == fold:
                    probabilities[n] = [model.probability(f) for f in page.features]
        for threshold in THRESHOLD_GRID:
            keeps = [{i for i, p in enumerate(probs) if p >= threshold} for probs in probabilities]
            score = f1(*snippet_counts(pages, keeps))
            log.info("l2=%g threshold=%.2f CV F1=%.4f", l2, threshold, score)
            if score > best[2]:
                best = (l2, threshold, score)
    return best


def train(data_dir: Path, folds: int = FOLDS) -> LineModel:
    pages = load_pages(data_dir)
    rules = [{i for i, f in enumerate(page.features) if f["kept"]} for page in pages]
    log.info("rules alone: snippet F1 %.4f on the tune lines", f1(*snippet_counts(pages, rules)))
    l2, threshold, score = cross_validate(pages, folds)
    log.info("chosen l2=%g threshold=%.2f (CV F1 %.4f)", l2, threshold, score)
    return fit(pages, l2, threshold)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name(MODEL_FILE))
    parser.add_argument("--folds", type=int, default=FOLDS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    model = train(args.data_dir, args.folds)
    args.out.write_text(model.to_json() + "\n", encoding="utf-8")
    log.info("wrote %s", args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
