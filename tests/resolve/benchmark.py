"""Timing of resolution on a synthetic corpus (not a test; run by hand):

    .venv/bin/python tests/resolve/benchmark.py [n_articles] [mentions_per_article]

Prints the one-off gazetteer load, the per-article step over all articles (what the pipeline
caches), the global step alone (what a rerun after adding one article costs when the
per-article output is cached) and the full resolve_entities.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from news_pipeline.resolve import gazetteer, resolve_articles, resolve_corpus, resolve_entities

FIRST = ["Anna", "Peter", "Olaf", "Sergej", "Wladimir", "Jens", "Ursula", "Emmanuel", "Xi",
         "Joe", "Kim", "Andrei", "Maria", "Lars", "Friedrich", "Annalena", "Boris", "Dmytro",
         "Giorgia", "Karl", "Robert", "Christian", "Nancy", "Markus", "Hubert", "Sahra"]
LAST = [f"{a}{b}" for a in ("Sch", "M", "W", "K", "B", "L", "St", "Fr", "H", "R", "Z", "P")
        for b in ("ulz", "üller", "agner", "oltenberg", "awrow", "erz", "ock", "anz", "indner",
                  "aeser", "olm", "eyen", "ubel", "etz", "ahn", "ess", "orn")]
PLACES = ["Berlin", "Moskau", "Kiew", "Paris", "Pjöngjang", "Wladiwostok", "Charkow", "Hamburg",
          "München", "Wien", "Peking", "Washington", "Brüssel", "Warschau", "Seoul", "Tokio"]
COUNTRIES = ["Deutschland", "Russland", "Ukraine", "Nordkorea", "Frankreich", "China", "USA",
             "Polen", "Vereinigte Staaten", "Südkorea", "Japan", "Österreich", "DVRK"]
ORG_WORDS = ["Bundes", "Deutsche", "Europäische", "Nationale", "Zentrale", "Freie"]
ORG_HEADS = ["Verband", "Agentur", "Bank", "Partei", "Stiftung", "Gesellschaft", "Akademie"]


def synthetic(n_articles: int, per_article: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    persons = [(f, last) for f in FIRST for last in LAST]
    orgs = [f"{w} {x}{h.lower()} {h}" for w in ORG_WORDS for x in ("Nord", "Süd", "Ost", "West",
            "Handels", "Energie", "Medien", "Sport") for h in ORG_HEADS]
    zipf = lambda n: (p := 1 / np.arange(1, n + 1)) / p.sum()  # noqa: E731
    p_person, p_org = zipf(len(persons)), zipf(len(orgs))
    rows = []
    for a in range(n_articles):
        article = f"a{a:06d}"
        spans: list[tuple[str, str]] = []
        for i in rng.choice(len(persons), size=4, p=p_person, replace=False):
            first, last = persons[i]
            spans.append((f"{first} {last}", "PER"))
            spans += [(rng.choice([last, last, last + "s"]), "PER") for _ in range(3)]
        for i in rng.choice(len(orgs), size=2, p=p_org, replace=False):
            name = orgs[i]
            spans.append((name, "ORG"))
            spans.append(("".join(w[0] for w in name.split()).upper(), "ORG"))
        while len(spans) < per_article:
            pool = PLACES if rng.random() < 0.5 else COUNTRIES
            name = str(rng.choice(pool))
            spans.append((name + "s" if rng.random() < 0.2 else name, "LOC"))
        for j, (text, label) in enumerate(spans[:per_article]):
            if rng.random() < 0.05:  # recogniser noise
                label = str(rng.choice(["PER", "LOC", "ORG", "MISC"]))
            rows.append((article, 10 * j, 10 * j + len(text), label, text, j // 4))
    return pd.DataFrame(rows, columns=["article_id", "start", "end", "label", "text",
                                       "sentence_index"])


def main() -> None:
    n_articles = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    per_article = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    mentions = synthetic(n_articles, per_article)
    print(f"{len(mentions)} mentions, {n_articles} articles, "
          f"{mentions['text'].nunique()} distinct surface forms")

    def timed(label, fn):
        # CPU time next to wall time: on a shared machine the wall time includes waiting.
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        print(f"{label:<45} {time.perf_counter() - start:6.2f} s wall "
              f"{time.process_time() - cpu:6.2f} s cpu")
        return result

    timed("gazetteer load (once per process)",
          lambda: (gazetteer.name_link("x"), gazetteer.place("x"), gazetteer.acronym_link("xyz")))
    local = timed("per-article step, all articles (cached)", lambda: resolve_articles(mentions))
    one = mentions[mentions["article_id"] == mentions["article_id"].iloc[-1]]
    timed("per-article step, one new article", lambda: resolve_articles(one))
    result = timed("global step (rerun with cached local keys)", lambda: resolve_corpus(local))
    timed("global step again, previous ids", lambda: resolve_corpus(local, result.aliases))
    full = timed("resolve_entities from raw mentions", lambda: resolve_entities(mentions))
    print(f"{len(full.entities)} entities, {len(full.cooccurrences)} co-occurring pairs")


if __name__ == "__main__":
    main()
