"""Group mentions into entities by a normalised key.

Input `mentions`: one row per recognised span with columns
article_id, start, end, label, text, sentence_index.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass

import pandas as pd

RESOLVE_VERSION = "resolve-0.1"

ENTITY_COLUMNS = ["entity_id", "name", "label", "aliases", "n_mentions", "n_articles",
                  "country_code", "geonames_id", "latitude", "longitude"]
COOCCURRENCE_COLUMNS = ["entity_a", "entity_b", "n_articles", "n_sentences"]


@dataclass(frozen=True)
class Resolution:
    mentions: pd.DataFrame  # the input plus `entity_id`
    entities: pd.DataFrame  # ENTITY_COLUMNS
    cooccurrences: pd.DataFrame  # COOCCURRENCE_COLUMNS


def normalise(surface: str) -> str:
    """Case-, quote-, hyphen- and genitive-insensitive key of a surface form."""
    key = re.sub(r"[\"„“”‚‘’'«»]", "", surface).replace("-", " ")
    key = re.sub(r"\s+", " ", key).strip().casefold()
    return re.sub(r"(?<=\w{3})s$", "", key)


def entity_id(label: str, key: str) -> str:
    """Stable id: the same label and normalised name always give the same id."""
    return hashlib.sha1(f"{label}\x1f{key}".encode()).hexdigest()[:16]


def resolve_entities(mentions: pd.DataFrame) -> Resolution:
    resolved = mentions.copy()
    keys = resolved["text"].map(normalise)
    resolved["entity_id"] = [entity_id(label, key) for label, key in zip(resolved["label"], keys)]
    return Resolution(resolved, _entities(resolved), _cooccurrences(resolved))


def _entities(mentions: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for eid, group in mentions.groupby("entity_id", sort=True):
        surfaces = group["text"].value_counts()
        rows.append({
            "entity_id": eid,
            "name": max(surfaces.index, key=lambda s: (surfaces[s], len(s))),
            "label": group["label"].iloc[0],
            "aliases": sorted(surfaces.index),
            "n_mentions": len(group),
            "n_articles": group["article_id"].nunique(),
            "country_code": None, "geonames_id": None, "latitude": None, "longitude": None,
        })
    return pd.DataFrame(rows, columns=ENTITY_COLUMNS)


def _cooccurrences(mentions: pd.DataFrame) -> pd.DataFrame:
    pairs: dict[tuple[str, str], list[set]] = {}
    for (article, sentence), group in mentions.groupby(["article_id", "sentence_index"]):
        for a, b in itertools.combinations(sorted(set(group["entity_id"])), 2):
            articles, sentences = pairs.setdefault((a, b), [set(), set()])
            articles.add(article)
            sentences.add((article, sentence))
    by_article: dict[tuple[str, str], set] = {}
    for article, group in mentions.groupby("article_id"):
        for a, b in itertools.combinations(sorted(set(group["entity_id"])), 2):
            by_article.setdefault((a, b), set()).add(article)
    rows = [{"entity_a": a, "entity_b": b, "n_articles": len(articles),
             "n_sentences": len(pairs.get((a, b), [set(), set()])[1])}
            for (a, b), articles in sorted(by_article.items())]
    return pd.DataFrame(rows, columns=COOCCURRENCE_COLUMNS)
