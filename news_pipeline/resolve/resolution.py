"""Mentions of the whole corpus -> one row per real-world entity.

Input `mentions`: one row per recognised span with columns
article_id, start, end, label, text, sentence_index.

Two steps (see article.py and corpus.py for the rules):
1. per article (`resolve_article`), cacheable: normalisation, genitives, short names;
2. global (`resolve_corpus`) over the distinct local keys: gazetteer links, acronyms,
   cross-article genitives and short names, stable ids, tables.
`resolve_entities` runs both; pass frames that already carry LOCAL_COLUMNS (cached per
article, same RESOLVE_VERSION) and step 1 is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from news_pipeline.resolve import gazetteer
from news_pipeline.resolve.article import LABELS, LOCAL_COLUMNS, resolve_articles
from news_pipeline.resolve.cooccurrence import COOCCURRENCE_COLUMNS, cooccurrences
from news_pipeline.resolve.corpus import _NAMING_RULES, resolve_keys
from news_pipeline.resolve.corpus import entity_id as _anchor_id
from news_pipeline.resolve.normalise import normalise

RESOLVE_VERSION = "resolve-0.2"

ENTITY_COLUMNS = ["entity_id", "name", "label", "aliases", "n_mentions", "n_articles",
                  "country_code", "geonames_id", "latitude", "longitude",
                  "link", "merge_rules"]
ALIAS_COLUMNS = ["entity_id", "alias", "key", "rule", "n_mentions"]
INPUT_COLUMNS = ["article_id", "start", "end", "label", "text", "sentence_index"]
__all__ = ["ALIAS_COLUMNS", "COOCCURRENCE_COLUMNS", "ENTITY_COLUMNS", "RESOLVE_VERSION",
           "Resolution", "entity_id", "normalise", "resolve_corpus", "resolve_entities"]


@dataclass(frozen=True)
class Resolution:
    # The input rows sorted by (article_id, start, end, label, text) plus entity_id and the
    # audit columns surface_key, local_key, local_rule, acronym, rule.
    mentions: pd.DataFrame
    entities: pd.DataFrame  # ENTITY_COLUMNS, one row per entity_id
    cooccurrences: pd.DataFrame  # COOCCURRENCE_COLUMNS
    # ALIAS_COLUMNS: which surface form joined which entity by which rule, with counts.
    # Also the `previous` input of the next run (keeps ids stable when anchors change).
    aliases: pd.DataFrame


def entity_id(label: str, key: str) -> str:
    """Id of an unlinked entity anchored at `key` (label kept for the old signature; ids no
    longer depend on it because the majority label can change as the corpus grows)."""
    del label
    return _anchor_id(f"key:{key}")


def resolve_entities(mentions: pd.DataFrame, previous: pd.DataFrame | None = None
                     ) -> Resolution:
    """Resolve the mentions of the whole corpus. `mentions` may already carry LOCAL_COLUMNS
    from cached `resolve_article` calls; `previous` is the former run's `aliases` table."""
    cached = all(c in mentions.columns for c in LOCAL_COLUMNS)
    return resolve_corpus(mentions if cached else resolve_articles(mentions), previous)


def resolve_corpus(local: pd.DataFrame, previous: pd.DataFrame | None = None) -> Resolution:
    """Global step over mentions that already carry LOCAL_COLUMNS."""
    local = local.sort_values(["article_id", "start", "end", "label", "text"],
                              kind="stable").reset_index(drop=True)
    if local.empty:
        return _empty(local)
    resolved = resolve_keys(local, previous)
    keys = resolved.keys.set_index("key")
    out = local.copy()
    out["entity_id"] = out["local_key"].map(keys["entity_id"]).astype(object)
    key_rule = out["local_key"].map(keys["key_rule"]).fillna("").to_numpy()
    local_rule = out["local_rule"].fillna("").to_numpy()
    out["rule"] = [("+".join(r for r in (a, b) if r) or "exact")
                   for a, b in zip(local_rule, key_rule)]
    naming = (local_rule == "") & np.isin(key_rule, list(_NAMING_RULES))
    entities = _entities(out, resolved.groups, naming)
    return Resolution(out, entities, cooccurrences(out), _aliases(out))


def _empty(local: pd.DataFrame) -> Resolution:
    out = local.assign(entity_id=pd.Series(dtype=object), rule=pd.Series(dtype=object))
    entities = pd.DataFrame({c: pd.Series(dtype=object) for c in ENTITY_COLUMNS})
    aliases = pd.DataFrame({c: pd.Series(dtype=object) for c in ALIAS_COLUMNS})
    return Resolution(out, entities, cooccurrences(out), aliases)


def _entities(mentions: pd.DataFrame, groups: pd.DataFrame, naming: np.ndarray
              ) -> pd.DataFrame:
    by_entity = mentions.groupby("entity_id", sort=True)
    table = pd.DataFrame({
        "n_mentions": by_entity.size(),
        "n_articles": by_entity["article_id"].nunique(),
    })
    # Majority label of the whole group; ties broken by LABELS order.
    votes = pd.crosstab(mentions["entity_id"], mentions["label"]).reindex(
        columns=list(LABELS), fill_value=0)
    table["label"] = votes.idxmax(axis=1)
    distinct = mentions[["entity_id", "text"]].drop_duplicates().sort_values(["entity_id", "text"])
    table["aliases"] = distinct.groupby("entity_id")["text"].agg(list)
    rules = mentions.loc[mentions["rule"] != "exact", ["entity_id", "rule"]].drop_duplicates()
    table["merge_rules"] = rules.sort_values(["entity_id", "rule"]).groupby("entity_id")[
        "rule"].agg(list)
    table["merge_rules"] = [r if isinstance(r, list) else [] for r in table["merge_rules"]]
    table["name"] = _names(mentions, naming)
    table = table.join(groups.set_index("entity_id")["link"])
    _add_links(table)
    return table.reset_index()[ENTITY_COLUMNS]


def _names(mentions: pd.DataFrame, naming: np.ndarray) -> pd.Series:
    """Most frequent surface form among the mentions that name the entity directly (no
    genitive, short name or acronym), then the longest, then alphabetical; all forms when
    none does."""
    def best(frame: pd.DataFrame) -> pd.Series:
        counts = frame.groupby(["entity_id", "text"]).size().rename("count").reset_index()
        counts["length"] = counts["text"].str.len()
        counts = counts.sort_values(["entity_id", "count", "length", "text"],
                                    ascending=[True, False, False, True])
        return counts.drop_duplicates("entity_id").set_index("entity_id")["text"]

    names = best(mentions[naming])
    fallback = best(mentions)
    return names.reindex(fallback.index).fillna(fallback)


def _add_links(table: pd.DataFrame) -> None:
    """country_code, geonames_id, latitude, longitude from the entity's link; countries and
    organisations take their German CLDR name."""
    country, geo, lat, lon = [], [], [], []
    names = table["name"].tolist()
    for i, link in enumerate(table["link"]):
        code = gid = la = lo = None
        if isinstance(link, str):
            kind, _, value = link.partition(":")
            if kind == "country":
                code = value
                gid = gazetteer.country_geonames_ids().get(value)
            elif kind == "geonames":
                place = gazetteer.place_by_id(int(value))
                if place is not None:
                    code, gid, la, lo = (place.country_code, place.geonames_id,
                                         place.latitude, place.longitude)
            names[i] = gazetteer.link_name(link) or names[i]
        country.append(code)
        geo.append(gid)
        lat.append(la)
        lon.append(lo)
    table["name"] = names
    table["country_code"] = pd.Series(country, index=table.index, dtype=object)
    table["geonames_id"] = pd.array(geo, dtype="Int64")
    table["latitude"] = pd.array(lat, dtype="Float64")
    table["longitude"] = pd.array(lon, dtype="Float64")


def _aliases(mentions: pd.DataFrame) -> pd.DataFrame:
    counts = (mentions.groupby(["entity_id", "text", "local_key", "rule"]).size()
              .rename("n_mentions").reset_index()
              .rename(columns={"text": "alias", "local_key": "key"}))
    return counts.sort_values(["entity_id", "alias", "key", "rule"]).reset_index(drop=True)[
        ALIAS_COLUMNS]
