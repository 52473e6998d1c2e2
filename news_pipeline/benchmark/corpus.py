"""Deterministic benchmark corpus: N distinct German articles recombined from 10kGNAD.

10kGNAD holds 1,028 real DER STANDARD articles (one line each, no title). Article i takes
most of the sentences of source article i mod 1028 and a contiguous run of sentences from a
second, seeded "donor" article, then lays them out like a scraped .txt dump: a title line,
a blank line, paragraphs of 2-4 sentences. The text is real German news prose, so cleaning
and NER cost what they cost on real input, yet no two generated articles are identical
(checked by hash; a collision is re-drawn with the next attempt seed).
"""

from __future__ import annotations

import csv
import hashlib
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "data" / "news" / "10kgnad-test.csv"
FILES_PER_FOLDER = 1000  # raw folders of real scrapers are split too; keeps directories small
TITLE_WORDS = 12

# A sentence ends at . ! ? (optionally a closing quote) followed by whitespace and an
# upper-case letter, digit or opening quote. Good enough to recombine prose; not an NLP tool.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"“”']?\s+(?=[A-ZÄÖÜ0-9„\"])")


class CorpusMissing(FileNotFoundError):
    """The 10kGNAD file is not where we expected it; the message says where to get it."""


@dataclass(frozen=True)
class Article:
    index: int
    relative_path: str
    text: str


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def load_sources(corpus: Path = DEFAULT_CORPUS) -> list[list[str]]:
    """Sentences of each 10kGNAD article with at least 3 sentences, in file order."""
    if not corpus.is_file():
        raise CorpusMissing(
            f"benchmark corpus {corpus} not found: it is 10kGNAD test.csv (CC BY-NC-SA 4.0, "
            "see ../shared/data/README.md); pass its path with --corpus")
    sources = []
    with open(corpus, encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter=";", quotechar="'"):
            if len(row) >= 2:
                sentences = split_sentences(row[1])
                if len(sentences) >= 3:
                    sources.append(sentences)
    if len(sources) < 2:
        raise CorpusMissing(f"{corpus} holds fewer than 2 usable articles")
    return sources


def _title(sentence: str) -> str:
    words = sentence.rstrip(".!?").split()
    return " ".join(words[:TITLE_WORDS])


def compose(sources: list[list[str]], index: int, seed: int, attempt: int = 0) -> str:
    """Article `index`: title, blank line, paragraphs; a pure function of its arguments."""
    # A str seed is hashed with SHA-512 by random.seed: stable across runs and PYTHONHASHSEED.
    rng = random.Random(f"news-bench:{seed}:{index}:{attempt}")
    base = sources[index % len(sources)]
    donor_index = rng.randrange(len(sources) - 1)
    donor_index += donor_index >= index % len(sources)  # never the base itself
    donor = sources[donor_index]
    keep = max(2, (2 * len(base) + 2) // 3)
    run = max(1, min(len(donor), len(base) - keep + 1))
    start = rng.randrange(len(donor) - run + 1)
    sentences = base[:keep] + donor[start:start + run]
    title, body = _title(sentences[0]), sentences[1:]
    paragraphs = []
    while body:
        size = rng.randint(2, 4)
        paragraphs.append(" ".join(body[:size]))
        body = body[size:]
    return title + "\n\n" + "\n\n".join(paragraphs) + "\n"


def relative_path(index: int) -> str:
    return f"{index // FILES_PER_FOLDER:04d}/bench_{index:07d}.txt"


def generate(n_articles: int, sources: list[list[str]], seed: int = 0) -> Iterator[Article]:
    """Articles 0..n-1, pairwise distinct; article i is the same whatever n is."""
    seen: set[bytes] = set()
    for index in range(n_articles):
        attempt = 0
        while True:
            text = compose(sources, index, seed, attempt)
            digest = hashlib.sha256(text.encode("utf-8")).digest()
            if digest not in seen:
                break
            attempt += 1
        seen.add(digest)
        yield Article(index, relative_path(index), text)


def write_corpus(raw_dir: Path, n_articles: int, sources: list[list[str]], seed: int = 0,
                 first: int = 0) -> list[Path]:
    """Write articles first..n_articles-1 under raw_dir (earlier ones are generated, not written,
    so that the new ones stay distinct from them)."""
    written = []
    for article in generate(n_articles, sources, seed):
        if article.index < first:
            continue
        path = raw_dir / article.relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article.text, encoding="utf-8")
        written.append(path)
    return written
