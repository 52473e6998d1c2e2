"""CPU per article of quotation extraction next to NER's.

    PYTHONPATH=CODE python bench/quotes_speed.py [N | samples]

N benchmark articles (default 1,000; generated from 10kGNAD as `news-pipeline bench` does,
nothing written), or `samples`: the five cleaned sample articles of data/raw, 200 times.
Each article is timed with process_time in turn: the shipped recogniser, extract_quotes as a
stage calls it (it segments the text again), and extract_quotes given the NER segmenter's
sentences; interleaving exposes all three to the same load. Prints ms per article and the
extraction's share of NER.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from news_pipeline.benchmark.corpus import generate, load_sources
from news_pipeline.clean import clean_article, decode_article
from news_pipeline.ner import load_recogniser
from news_pipeline.quotes import QuoteExtractor

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def texts(what: str) -> list[str]:
    if what == "samples":
        paths = sorted(RAW.glob("*.txt"))
        cleaned = [clean_article(decode_article(p.read_bytes()).text, path_hint=p.name).text
                   for p in paths]
        return cleaned * 200
    return [article.text for article in generate(int(what), load_sources())]


def main(argv: list[str]) -> int:
    articles = texts(argv[0] if argv else "1000")
    recogniser, extractor = load_recogniser(), QuoteExtractor()
    ner = alone = shared = 0.0
    n_quotes = 0
    for text in articles:
        started = time.process_time()
        [mentions] = recogniser.recognise([text])
        recognised = time.process_time()
        n_quotes += len(extractor.extract(text, mentions))
        extracted = time.process_time()
        sentences = list(extractor.segmenter.sentences(text))
        segmented = time.process_time()
        extractor.extract(text, mentions, sentences)
        ner += recognised - started
        alone += extracted - recognised
        shared += time.process_time() - segmented
    n = len(articles)
    print(f"{n} articles, {sum(map(len, articles)) / n:.0f} characters each, {n_quotes / n:.1f} "
          f"quotations each")
    print(f"NER                             {ner / n * 1000:7.3f} ms/article")
    print(f"extract_quotes                  {alone / n * 1000:7.3f} ms/article "
          f"({alone / ner:.1%} of NER)")
    print(f"extract_quotes, given sentences {shared / n * 1000:7.3f} ms/article "
          f"({shared / ner:.1%} of NER)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
