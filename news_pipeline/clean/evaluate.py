"""Boilerplate-removal evaluation on the trafilatura German pages (shared/data/cleaning).

Each page comes with "with" snippets (main text the output must contain) and "without"
snippets (boilerplate it must not contain). Scoring follows trafilatura's own evaluation:
a "with" snippet found in the output is a true positive, missing a false negative; a
"without" snippet found is a false positive, absent a true negative;
precision = TP / (TP + FP), recall = TP / (TP + FN), F1 their harmonic mean. Counts are
summed over all pages (micro average). Snippet and output are compared after Unicode NFC
and collapsing runs of whitespace to one space (same for every system), so that line breaks
a system puts between inline fragments do not count as errors.

Three systems are scored per page:
  text              clean_article on the page flattened with BeautifulSoup get_text("\\n"),
                    i.e. the page's text with all its boilerplate, as a scraper's .txt dump;
  html              clean_article on the HTML page itself (path_hint "*.html");
  trafilatura_html  trafilatura.extract on the same HTML bytes (the extractor alone).

The text cleaner's rules and thresholds are tuned, and its learned line classifier
(train_lines.py) is trained, on the first TUNE_PAGES pages in URL order only; the report
also scores that "tune" split and the "held_out" rest separately, so that the held-out
figure shows how well the cleaning generalises.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import sys
import time
import unicodedata
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura
from bs4 import BeautifulSoup

from news_pipeline.clean.cleaner import clean_article
from news_pipeline.clean.decode import RejectedInput, decode_article
from news_pipeline.clean.htmlpage import EXTRACT_OPTIONS

log = logging.getLogger(__name__)

EVALDATA_FILE = "evaldata-de.json"
SYSTEMS = ("text", "html", "trafilatura_html")
TUNE_PAGES = 200
SPLITS = ("all", "tune", "held_out")
_WS = re.compile(r"\s+")


@dataclass
class Counts:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fn += other.fn
        self.fp += other.fp
        self.tn += other.tn

    def scores(self) -> dict[str, float]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


@dataclass
class PageResult:
    url: str
    file: str
    split: str  # "tune" or "held_out"
    counts: dict[str, Counts] = field(default_factory=dict)
    missed: dict[str, list[str]] = field(default_factory=dict)  # "with" snippets not found
    leaked: dict[str, list[str]] = field(default_factory=dict)  # "without" snippets found


def normalise(text: str) -> str:
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def score_output(output: str | None, with_: list[str], without: list[str]) -> Counts:
    """trafilatura's counting; no output counts every "with" as missed, "without" as absent."""
    found = normalise(output or "")
    counts = Counts()
    for snippet in with_:
        if normalise(snippet) in found:
            counts.tp += 1
        else:
            counts.fn += 1
    for snippet in without:
        if normalise(snippet) in found:
            counts.fp += 1
        else:
            counts.tn += 1
    return counts


def flatten_page(html: bytes | str) -> str:
    """The page as a scraper's text dump: every text node on its own line, all boilerplate."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return BeautifulSoup(html, "lxml").get_text("\n")


def _run_text(html_bytes: bytes, html_str: str | None) -> str | None:
    return clean_article(flatten_page(html_str or html_bytes), path_hint="page.txt").text


def _run_html(html_bytes: bytes, html_str: str | None) -> str | None:
    if html_str is None:
        return None
    return clean_article(html_str, path_hint="page.html").text


def _run_trafilatura(html_bytes: bytes, html_str: str | None) -> str | None:
    return trafilatura.extract(html_bytes, **EXTRACT_OPTIONS)


RUNNERS: dict[str, Callable[[bytes, str | None], str | None]] = {
    "text": _run_text,
    "html": _run_html,
    "trafilatura_html": _run_trafilatura,
}


def split_of(position: int) -> str:
    """The split of the page at this 0-based position in URL order."""
    return "tune" if position < TUNE_PAGES else "held_out"


def select_pages(data_dir: Path, split: str = "all",
                 limit: int | None = None) -> list[tuple[str, str, dict]]:
    """(split, url, item) of the pages of `split` in URL order, the first `limit` of them;
    an item has the page's "file" and its "with"/"without" snippets."""
    items = sorted(json.loads((data_dir / EVALDATA_FILE).read_text(encoding="utf-8")).items())
    return [(split_of(n), url, item) for n, (url, item) in enumerate(items)
            if split in ("all", split_of(n))][:limit]


def page_html(data_dir: Path, item: dict) -> bytes:
    return gzip.decompress((data_dir / "html" / f"{item['file']}.gz").read_bytes())


def iter_pages(
    data_dir: Path,
    systems: tuple[str, ...] = SYSTEMS,
    limit: int | None = None,
    split: str = "all",
) -> Iterator[PageResult]:
    """Per-page results (for error analysis); pages in URL order, limit after the split."""
    selected = select_pages(data_dir, split, limit)
    for n, (page_split, url, item) in enumerate(selected, 1):
        html_bytes = page_html(data_dir, item)
        try:
            html_str: str | None = decode_article(html_bytes).text
        except RejectedInput as error:
            log.warning("%s rejected by decode_article: %s", item["file"], error.reason)
            html_str = None
        result = PageResult(url, item["file"], page_split)
        for system in systems:
            output = RUNNERS[system](html_bytes, html_str)
            result.counts[system] = score_output(output, item["with"], item["without"])
            found = normalise(output or "")
            result.missed[system] = [s for s in item["with"] if normalise(s) not in found]
            result.leaked[system] = [s for s in item["without"] if normalise(s) in found]
        if n % 25 == 0 or n == len(selected):
            log.info("evaluated %d/%d pages", n, len(selected))
        yield result


def evaluate_directory(
    data_dir: Path,
    systems: tuple[str, ...] = SYSTEMS,
    limit: int | None = None,
    split: str = "all",
) -> dict:
    """{"text": {precision, recall, f1}, "html": {...}, "trafilatura_html": {...}, "pages": N,
    "splits": {"tune": {<same per system>, "pages": n}, "held_out": {...}}}"""
    started = time.perf_counter()
    totals = {name: {system: Counts() for system in systems} for name in SPLITS}
    pages = {name: 0 for name in SPLITS}
    for result in iter_pages(Path(data_dir), systems, limit, split):
        for name in ("all", result.split):
            pages[name] += 1
            for system in systems:
                totals[name][system].add(result.counts[system])
    log.info("evaluation of %d pages took %.0f s", pages["all"], time.perf_counter() - started)

    def section(name: str) -> dict:
        scores: dict = {system: totals[name][system].scores() for system in systems}
        scores["pages"] = pages[name]
        return scores

    report = section("all")
    report["splits"] = {name: section(name) for name in SPLITS[1:]}
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path, nargs="?",
                        default=Path("../shared/data/cleaning/trafilatura-de"))
    parser.add_argument("--limit", type=int, default=None, help="first N pages only")
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--split", choices=SPLITS, default="all",
                        help=f"pages scored: all, the first {TUNE_PAGES} in URL order (tune) "
                             "or the rest (held_out)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    report = evaluate_directory(args.data_dir, tuple(args.systems.split(",")), args.limit,
                                args.split)
    print(json.dumps(report, indent=2))  # the report is the program's output (stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
