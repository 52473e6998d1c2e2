"""CPU per article of quotation extraction next to NER's.

    PYTHONPATH=CODE python bench/quotes_speed.py [N | samples]

N benchmark articles (default 1,000; generated from 10kGNAD as `news-pipeline bench` does,
nothing written), or `samples`: the five cleaned sample articles of data/raw, 200 times.
Each article is timed with process_time in turn: the shipped recogniser, extract_quotes on
its own (it segments the text again), extract_quotes given the NER segmenter's sentences,
and what the NER step's workers call (quotes.spans.recognise_with_quotes: the recogniser's
analyse, then the quotations as rows); interleaving exposes all of them to the same load.
Prints ms per article and each one's share of NER.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from news_pipeline.benchmark.corpus import generate, load_sources
from news_pipeline.clean import clean_article, decode_article
from news_pipeline.ner import load_recogniser
from news_pipeline.quotes import QuoteExtractor
from news_pipeline.quotes.spans import recognise_with_quotes

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def texts(what: str) -> list[str]:
    if what == "samples":
        paths = sorted(RAW.glob("*.txt"))
        cleaned = [clean_article(decode_article(p.read_bytes()).text, path_hint=p.name).text
                   for p in paths]
        return cleaned * 200
    return [article.text for article in generate(int(what), load_sources())]


def _seconds(function: Callable[..., object], *args: object) -> float:
    started = time.process_time()
    function(*args)
    return time.process_time() - started


def main(argv: list[str]) -> int:
    articles = texts(argv[0] if argv else "1000")
    recogniser, extractor = load_recogniser(), QuoteExtractor()
    ner = alone = shared = step = 0.0
    n_quotes = 0
    for index, text in enumerate(articles):
        # The recogniser and the step take turns at going first: the second call on a text
        # finds the caches warm.
        if index % 2:
            step += _seconds(recognise_with_quotes, recogniser, [text])
        started = time.process_time()
        [mentions] = recogniser.recognise([text])
        recognised = time.process_time()
        if not index % 2:
            step += _seconds(recognise_with_quotes, recogniser, [text])
        extracting = time.process_time()
        n_quotes += len(extractor.extract(text, mentions))
        extracted = time.process_time()
        sentences = list(extractor.segmenter.sentences(text))
        segmented = time.process_time()
        extractor.extract(text, mentions, sentences)
        ner += recognised - started
        alone += extracted - extracting
        shared += time.process_time() - segmented
    n = len(articles)
    print(f"{n} articles, {sum(map(len, articles)) / n:.0f} characters each, {n_quotes / n:.1f} "
          f"quotations each")
    print(f"NER                             {ner / n * 1000:7.3f} ms/article")
    print(f"extract_quotes                  {alone / n * 1000:7.3f} ms/article "
          f"({alone / ner:.1%} of NER)")
    print(f"extract_quotes, given sentences {shared / n * 1000:7.3f} ms/article "
          f"({shared / ner:.1%} of NER)")
    print(f"NER with quotations, as the step {step / n * 1000:6.3f} ms/article "
          f"({step / ner - 1:+.1%} on NER)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
