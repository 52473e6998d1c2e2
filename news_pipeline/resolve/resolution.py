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
from news_pipeline.resolve.article import LABELS, LOCAL_COLUMNS, join_rules, resolve_articles
from news_pipeline.resolve.cooccurrence import COOCCURRENCE_COLUMNS, cooccurrences
from news_pipeline.resolve.corpus import _NAMING_RULES, resolve_keys
from news_pipeline.resolve.corpus import entity_id as _anchor_id
from news_pipeline.resolve.normalise import normalise

RESOLVE_VERSION = "resolve-0.3"  # 0.3: entities.link/merge_rules and entity_aliases written

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
    """Global step over mentions that already carry LOCAL_COLUMNS.

    After the key-level work (resolve_keys, one row per distinct local key) everything runs
    on integer codes of entities, texts and articles: strings are hashed once, not per
    groupby, which is what keeps a 500k-mention rerun within a couple of seconds."""
    local = local.sort_values(["article_id", "start", "end", "label", "text"],
                              kind="stable").reset_index(drop=True)
    if local.empty:
        return _empty(local)
    resolved = resolve_keys(local, previous)
    key_codes, key_uniques = pd.factorize(local["local_key"])
    per_key = resolved.keys.set_index("key").reindex(key_uniques)
    entity_uniques, entity_of_key = np.unique(per_key["entity_id"].to_numpy(dtype=object)
                                              .astype(str), return_inverse=True)
    entity = entity_of_key.reshape(-1)[key_codes].astype(np.int64)
    key_rule = per_key["key_rule"].fillna("").to_numpy(dtype=object)[key_codes]
    local_rule = local["local_rule"].fillna("").to_numpy(dtype=object)
    rule = join_rules(local_rule, key_rule)

    out = local.copy()
    out["entity_id"] = entity_uniques.astype(object)[entity]
    out["rule"] = np.where(rule == "", "exact", rule).astype(object)
    naming = (local_rule == "") & np.isin(key_rule, list(_NAMING_RULES))
    codes = _Codes(entity, entity_uniques.astype(object), out)
    entities = _entities(codes, resolved.groups, naming)
    return Resolution(out, entities, cooccurrences(out, entity_codes=codes), _aliases(codes))


@dataclass(frozen=True)
class _Codes:
    """Integer codes of the per-mention columns the tables are built from."""

    entity: np.ndarray  # index into entity_ids
    entity_ids: np.ndarray
    mentions: pd.DataFrame

    @property
    def n(self) -> int:
        return len(self.entity_ids)

    def factorize(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """Sorted codes, so that code order is string order."""
        codes, uniques = pd.factorize(self.mentions[column], sort=True)
        return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def _empty(local: pd.DataFrame) -> Resolution:
    out = local.assign(entity_id=pd.Series(dtype=object), rule=pd.Series(dtype=object))
    entities = pd.DataFrame({c: pd.Series(dtype=object) for c in ENTITY_COLUMNS})
    aliases = pd.DataFrame({c: pd.Series(dtype=object) for c in ALIAS_COLUMNS})
    return Resolution(out, entities, cooccurrences(out), aliases)


def _distinct(*codes: np.ndarray, sizes: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of small integer code columns (sorted) and their counts."""
    combined = np.zeros(len(codes[0]), dtype=np.int64)
    for column, size in zip(codes, sizes):
        combined = combined * size + column
    combined = np.sort(combined)
    if not len(combined):
        return combined, combined
    starts = np.flatnonzero(np.r_[True, combined[1:] != combined[:-1]])
    counts = np.diff(np.r_[starts, len(combined)])
    return combined[starts], counts


def _split(combined: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    return combined // size, combined % size


def _entities(codes: _Codes, groups: pd.DataFrame, naming: np.ndarray) -> pd.DataFrame:
    entity, n = codes.entity, codes.n
    article, _ = codes.factorize("article_id")
    n_art = int(article.max()) + 1
    table = pd.DataFrame(index=pd.Index(codes.entity_ids, name="entity_id"))
    table["n_mentions"] = np.bincount(entity, minlength=n)
    pairs, _ = _distinct(entity, article, sizes=(n, n_art))
    table["n_articles"] = np.bincount(pairs // n_art, minlength=n)
    # Majority label of the whole group; ties broken by LABELS order.
    labels = codes.mentions["label"].to_numpy()
    votes = np.column_stack([np.bincount(entity[labels == lab], minlength=n) for lab in LABELS])
    table["label"] = np.asarray(LABELS, dtype=object)[votes.argmax(axis=1)]

    text, texts = codes.factorize("text")
    pairs, counts = _distinct(entity, text, sizes=(n, len(texts)))
    ent_of, text_of = _split(pairs, len(texts))
    table["aliases"] = _lists(ent_of, texts[text_of], n)
    rule, rules = codes.factorize("rule")
    real = rules[rule] != "exact"
    pairs, _ = _distinct(entity[real], rule[real], sizes=(n, len(rules)))
    ent_r, rule_of = _split(pairs, len(rules))
    table["merge_rules"] = _lists(ent_r, rules[rule_of], n)
    table["name"] = _names(entity[naming], text[naming], ent_of, text_of, counts, texts, n)
    table = table.join(groups.set_index("entity_id")["link"])
    _add_links(table)
    return table.reset_index()[ENTITY_COLUMNS]


def _lists(owner: np.ndarray, values: np.ndarray, n: int) -> list[list]:
    """values grouped by sorted owner codes as lists, [] for owners without values."""
    result: list[list] = [[] for _ in range(n)]
    if len(owner):
        starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        for start, chunk in zip(starts, np.split(values, starts[1:])):
            result[owner[start]] = list(chunk)
    return result


def _names(entity: np.ndarray, text: np.ndarray, all_ent: np.ndarray, all_text: np.ndarray,
           all_counts: np.ndarray, texts: np.ndarray, n: int) -> np.ndarray:
    """Most frequent surface form among the mentions that name the entity directly (no
    genitive, short name or acronym), then the longest, then alphabetical; all forms when
    none does."""
    lengths = np.fromiter((len(t) for t in texts), np.int64, len(texts))
    names = np.empty(n, dtype=object)
    pairs, counts = _distinct(entity, text, sizes=(n, len(texts)))
    ent, txt = _split(pairs, len(texts))
    for e, t, c in ((all_ent, all_text, all_counts), (ent, txt, counts)):
        # lexsort: last key is primary -> entity, then count desc, length desc, text asc.
        order = np.lexsort((t, -lengths[t], -c, e))
        first = order[np.r_[True, e[order][1:] != e[order][:-1]]]
        names[e[first]] = texts[t[first]]  # second pass (naming mentions) overrides
    return names


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


def _aliases(codes: _Codes) -> pd.DataFrame:
    frame = pd.DataFrame({"entity": codes.entity})
    values = {}
    for column in ("text", "local_key", "rule"):
        frame[column], values[column] = codes.factorize(column)
    counts = frame.groupby(["entity", "text", "local_key", "rule"], sort=True).size()
    index = counts.index
    return pd.DataFrame({
        "entity_id": codes.entity_ids[index.get_level_values("entity")],
        "alias": values["text"][index.get_level_values("text")],
        "key": values["local_key"][index.get_level_values("local_key")],
        "rule": values["rule"][index.get_level_values("rule")],
        "n_mentions": counts.to_numpy(np.int64),
    })[ALIAS_COLUMNS]
