"""The benchmark corpus generator: deterministic, distinct, shaped like a raw article."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from news_pipeline.benchmark.corpus import (
    DEFAULT_CORPUS,
    CorpusMissing,
    generate,
    load_sources,
    split_sentences,
    write_corpus,
)


def _digests(texts: list[str]) -> list[str]:
    return [hashlib.sha256(t.encode()).hexdigest() for t in texts]


def test_split_sentences_keeps_abbreviation_free_prose() -> None:
    text = 'Wien – Die Regierung tagt. Sie berät „lange“. 2015 war es anders! Warum? Darum.'
    assert split_sentences(text) == ["Wien – Die Regierung tagt.", "Sie berät „lange“.",
                                     "2015 war es anders!", "Warum?", "Darum."]


def test_generator_is_deterministic_and_distinct_on_small_corpus(tiny_corpus: Path) -> None:
    sources = load_sources(tiny_corpus)
    first = [a.text for a in generate(200, sources)]  # 200 articles from 12 sources: many reuse
    second = [a.text for a in generate(200, sources)]
    assert first == second
    assert len(set(_digests(first))) == 200
    # Article i does not depend on how many are generated (the +1 article of the rerun is new).
    assert [a.text for a in generate(50, sources)] == first[:50]
    assert [a.text for a in generate(200, sources, seed=1)] != first


def test_article_layout_is_title_blank_line_paragraphs(tiny_corpus: Path) -> None:
    article = next(iter(generate(1, load_sources(tiny_corpus))))
    title, blank, *_body = article.text.split("\n")
    assert title and blank == "" and not title.endswith(".")
    paragraphs = [p for p in article.text.split("\n\n")[1:] if p.strip()]
    assert len(paragraphs) >= 1
    assert article.relative_path == "0000/bench_0000000.txt"


def test_write_corpus_writes_only_from_first(tmp_path: Path, tiny_corpus: Path) -> None:
    sources = load_sources(tiny_corpus)
    raw = tmp_path / "raw"
    assert len(write_corpus(raw, 5, sources)) == 5
    added = write_corpus(raw, 6, sources, first=5)
    assert [p.name for p in added] == ["bench_0000005.txt"]
    texts = [p.read_text(encoding="utf-8") for p in sorted(raw.rglob("*.txt"))]
    assert len(set(texts)) == 6


def test_missing_corpus_says_where_to_get_it(tmp_path: Path) -> None:
    with pytest.raises(CorpusMissing, match="10kGNAD"):
        load_sources(tmp_path / "nope.csv")


@pytest.mark.skipif(not DEFAULT_CORPUS.is_file(),
                    reason=f"10kGNAD benchmark corpus not found at {DEFAULT_CORPUS} (../shared/data/news)")
def test_real_corpus_yields_10k_distinct_articles() -> None:
    sources = load_sources(DEFAULT_CORPUS)
    assert len(sources) > 1000
    texts = [a.text for a in generate(10_000, sources)]
    assert len(set(_digests(texts))) == 10_000
    assert _digests(texts[:3]) == _digests([a.text for a in generate(3, sources)])
    words = sum(len(t.split()) for t in texts) / len(texts)
    assert 250 < words < 600, words  # about the length of a real 10kGNAD article (~370 words)
