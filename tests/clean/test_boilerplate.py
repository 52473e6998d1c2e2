"""Per-source boilerplate learning: order-independent, stable, and used by the cleaner.

The rule is the boilerplate stage's (stages.boilerplate.boilerplate_table), applied here to
articles given as lists of lines.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from news_pipeline.clean import BoilerplateModel, article_source, candidate_lines, clean_article
from news_pipeline.clean.lines import line_key
from news_pipeline.clean.settings import DEFAULT_SETTINGS
from news_pipeline.stages.boilerplate import boilerplate_table, model_from_table

RAW_DIR = Path(__file__).resolve().parents[2] / "data" / "raw"
FOOTER = "Alle Inhalte dieser Seite sind urheberrechtlich geschützt und dürfen nicht verwendet werden."
TEASER = "Unsere Reporter berichten jeden Tag aus der ganzen Region für Sie und Ihre Familie."


TOPICS = ["Schwimmbad", "Radweg", "Bibliothek", "Kindergarten", "Marktplatz", "Feuerwehr",
          "Friedhof", "Sportplatz", "Theater", "Busbahnhof", "Rathausdach", "Stadtpark"]


def _article(i: int, *, footer: bool = True) -> str:
    topic = TOPICS[i % len(TOPICS)]
    body = (f"Der Gemeinderat hat am Montag über das Projekt {topic} beraten, das seit Wochen in "
            f"der Stadt diskutiert wird. Zum {topic} fiel die Entscheidung nach langer Debatte.")
    lines = [f"Meldung Nummer {i} aus dem Rathaus", "", body, "", TEASER]
    if footer:
        lines.append(FOOTER)
    return "\n".join(lines)


def learn_boilerplate(lines_by_source: Mapping[str, Sequence[Sequence[str]]]) -> BoilerplateModel:
    """source -> each article's lines  ==>  the model, as the stage learns it from `_line_stats`
    (whose `lines` are an article's distinct line keys)."""
    rows = [{"article_id": f"{source}/{i}", "source": source,
             "lines": sorted({line_key(line) for line in lines})}
            for source, articles in lines_by_source.items() for i, lines in enumerate(articles)]
    frame = pd.DataFrame(rows, columns=["article_id", "source", "lines"])
    return model_from_table(boilerplate_table(frame))


def _corpus(n: int = 12) -> dict[str, list[list[str]]]:
    return {"example.de": [candidate_lines(_article(i)) for i in range(n)],
            "other.at": [candidate_lines(_article(i, footer=False)) for i in range(2)]}


def test_learns_lines_recurring_in_a_source():
    model = learn_boilerplate(_corpus())
    learnt = model.for_source("example.de")
    assert line_key(FOOTER) in learnt
    assert line_key(TEASER) in learnt
    assert not any("gemeinderat" in k for k in learnt)  # article text differs per article
    # Two articles are below learn_min_docs: nothing is learnt for other.at.
    assert model.for_source("other.at") == frozenset()
    assert model.for_source(None) == frozenset()


def test_title_pattern_with_numbers_is_learnt_as_one_line():
    # Digits are normalised, so "Meldung Nummer 3 ..." and "... 4 ..." are the same line.
    assert line_key("Meldung Nummer 3 aus dem Rathaus") == line_key("Meldung Nummer 41 aus dem Rathaus")


def test_order_independent_and_canonical_json():
    corpus = _corpus()
    reference = learn_boilerplate(corpus).to_json()
    rng = random.Random(0)
    for _ in range(5):
        shuffled = {s: rng.sample(docs, len(docs)) for s, docs in reversed(list(corpus.items()))}
        shuffled = {s: [rng.sample(lines, len(lines)) for lines in docs]
                    for s, docs in shuffled.items()}
        assert learn_boilerplate(shuffled).to_json() == reference


def test_json_round_trip():
    model = learn_boilerplate(_corpus())
    again = BoilerplateModel.from_json(model.to_json())
    assert again == model
    assert again.to_json() == model.to_json()
    assert model.summary()["example.de"] == len(model.for_source("example.de"))


def test_model_changes_only_when_line_statistics_do():
    corpus = _corpus(12)
    before = learn_boilerplate(corpus).to_json()
    # One more article of the same shape: document counts change, the learnt set does not.
    corpus["example.de"].append(candidate_lines(_article(7)))
    assert learn_boilerplate(corpus).to_json() == before
    # A new recurring line does change the model.
    corpus["example.de"] = [[*lines, "Jetzt den Newsletter abonnieren"] for lines in corpus["example.de"]]
    assert learn_boilerplate(corpus).to_json() != before


def test_min_share_protects_big_sources():
    # A line shared by 3 of 200 articles (a story and its updates) is not boilerplate.
    shared = "Der Bürgermeister kündigte eine Sondersitzung für den kommenden Dienstag an."
    docs = [[f"zeile {word}", shared] if i < 3 else [f"zeile {word}"]
            for i, word in enumerate(f"{a}{b}" for a in "abcdefghijklmnopqrst" for b in "xyzuvwqrst")]
    assert DEFAULT_SETTINGS.learn_min_share * 200 > 3
    assert learn_boilerplate({"big.de": docs}).for_source("big.de") == frozenset()


def test_cleaner_drops_learnt_lines():
    model = learn_boilerplate(_corpus())
    raw = _article(5)
    without = clean_article(raw, path_hint="example.de/5.txt").text
    with_model = clean_article(raw, path_hint="example.de/5.txt", boilerplate=model).text
    assert TEASER in without  # prose-like: the line classifier alone keeps it
    assert TEASER not in with_model
    assert "Projekt Feuerwehr" in with_model


def test_article_source():
    assert article_source("Text", "krone.at/2024/artikel.txt") == "krone.at"
    assert article_source("Text", "raw/www.example.de/a.html") == "example.de"
    html = '<html><head><link rel="canonical" href="https://www.spiegel.de/x"></head></html>'
    assert article_source(html, "page.html") == "spiegel.de"
    samples = {p.name: p.read_text() for p in RAW_DIR.glob("*.txt")}
    assert article_source(samples["002_bedeccd0ddf3dfac.txt"], None) == "krone.at"
    assert article_source(samples["003_5d1bfd5a4e903c8c.txt"], None) == "krone.at"
    assert article_source(samples["001_0a9157087a4d36df.txt"], None) is None


def test_cleaned_document_names_the_source_whose_learnt_lines_applied():
    samples = sorted(RAW_DIR.glob("*.txt"))
    page = ('<html><head><title>T</title><link rel="canonical" href="https://www.spiegel.de/x">'
            "</head><body><article><p>" + "Ein Satz über die Stadt und den Rat. " * 30
            + "</p></article></body></html>")
    for raw, hint in [*((p.read_text(), p.name) for p in samples), (page, "page.html"),
                      ("Ein kurzer Text ohne Quelle.", "krone.at/1.txt")]:
        assert clean_article(raw, path_hint=hint).learnt_source == article_source(raw, hint)


def test_krone_samples_share_their_comment_policy():
    samples = [(RAW_DIR / n).read_text() for n in
               ("002_bedeccd0ddf3dfac.txt", "003_5d1bfd5a4e903c8c.txt")]
    lines = [set(candidate_lines(s)) for s in samples]
    shared = set.intersection(*lines)
    assert any("netiquette" in k for k in shared)
    assert all(k == line_key(k) for k in itertools.chain.from_iterable(lines))
