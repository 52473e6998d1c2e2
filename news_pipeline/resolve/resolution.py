"""Mentions of the whole corpus -> one row per real-world entity.

Input `mentions`: one row per recognised span with columns
article_id, start, end, label, text, sentence_index.

Two steps (see article.py and corpus.py for the rules):
1. per article (`resolve_article`), cacheable: normalisation, genitives, short names;
2. global (`update_corpus`; `resolve_corpus` for a whole corpus at once) over the distinct
   local keys: gazetteer links, acronyms, cross-article genitives and short names, stable ids,
   tables.
`resolve_entities` runs both; pass frames that already carry LOCAL_COLUMNS (cached per
article, same RESOLVE_VERSION) and step 1 is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from news_pipeline.resolve import gazetteer
from news_pipeline.resolve.article import LABELS, LOCAL_COLUMNS, join_rules, resolve_articles
from news_pipeline.resolve.cooccurrence import (
    COOCCURRENCE_COLUMNS,
    NO_PAIRS,
    PAIR_SCHEMA,
    PairUpdate,
    StoredPairs,
    cooccurrences,
    update_pairs,
)
from news_pipeline.resolve.corpus import (
    _NAMING_RULES,
    StateMismatch,
    acronym_candidates,
    add_form_counts,
    form_counts,
    resolve_keys,
)
from news_pipeline.resolve.normalise import normalise

RESOLVE_VERSION = "resolve-0.3"  # 0.3: entities.link/merge_rules and entity_aliases written

ENTITY_COLUMNS = ["entity_id", "name", "label", "aliases", "n_mentions", "n_articles",
                  "country_code", "geonames_id", "latitude", "longitude",
                  "link", "merge_rules"]
ALIAS_COLUMNS = ["entity_id", "alias", "key", "rule", "n_mentions"]
INPUT_COLUMNS = ["article_id", "start", "end", "label", "text", "sentence_index"]
__all__ = ["ALIAS_COLUMNS", "COOCCURRENCE_COLUMNS", "ENTITY_COLUMNS", "RESOLVE_VERSION",
           "CorpusState", "CorpusUpdate", "Resolution", "StateMismatch", "acronym_candidates",
           "assign_entities", "normalise", "resolve_corpus", "resolve_entities",
           "update_corpus"]


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


@dataclass(frozen=True)
class CorpusState:
    """What the global step keeps between runs, so that a run looks at the articles that
    changed and not at the whole corpus: form counts, the three output tables (their counts
    are sums over articles) and the aliases (key -> entity of the stored mentions).

    `history`: the aliases whose entity ids are kept (resolve_keys' `previous`). Usually the
    stored aliases; a run that merges its articles in several batches passes the aliases
    from before its first batch to every batch, so that ids do not depend on the batches."""

    forms: pd.DataFrame  # FORM_COLUMNS over all articles
    entities: pd.DataFrame
    cooccurrences: StoredPairs
    aliases: pd.DataFrame
    history: pd.DataFrame

    @classmethod
    def empty(cls, history: pd.DataFrame | None = None) -> CorpusState:
        """No articles yet; `history` aliases (if any) only keep entity ids stable."""
        aliases = _empty_frame(ALIAS_COLUMNS)
        return cls(form_counts(_empty_frame([*INPUT_COLUMNS, *LOCAL_COLUMNS])),
                   _empty_frame(ENTITY_COLUMNS), NO_PAIRS, aliases,
                   history if history is not None else aliases)


@dataclass(frozen=True)
class CorpusUpdate:
    """The new global tables, and the mention rows of the articles whose rows changed."""

    mentions: pd.DataFrame  # as Resolution.mentions, for the articles in `rewritten`
    rewritten: list[str]  # articles whose mention rows are replaced (removed ones: by none)
    keys_changed: int  # keys of unchanged articles that moved to another entity
    keys: pd.DataFrame  # the key resolution, indexed by key (for assign_entities)
    entities: pd.DataFrame
    cooccurrences: PairUpdate  # the new table, batch by batch
    aliases: pd.DataFrame
    forms: pd.DataFrame


def resolve_entities(mentions: pd.DataFrame, previous: pd.DataFrame | None = None
                     ) -> Resolution:
    """Resolve the mentions of the whole corpus. `mentions` may already carry LOCAL_COLUMNS
    from cached `resolve_article` calls; `previous` is the former run's `aliases` table."""
    cached = all(c in mentions.columns for c in LOCAL_COLUMNS)
    return resolve_corpus(mentions if cached else resolve_articles(mentions), previous)


def resolve_corpus(local: pd.DataFrame, previous: pd.DataFrame | None = None) -> Resolution:
    """Global step over mentions that already carry LOCAL_COLUMNS: `update_corpus` from an
    empty corpus."""
    update = update_corpus(CorpusState.empty(previous), removed=local[:0], added=local,
                           candidates=acronym_candidates(local),
                           rows_with_keys=lambda keys: local[:0])
    return Resolution(update.mentions, update.entities, update.cooccurrences.to_pandas(),
                      update.aliases)


def update_corpus(state: CorpusState, removed: pd.DataFrame, added: pd.DataFrame,
                  candidates: pd.DataFrame,
                  rows_with_keys: Callable[[Collection[str]], pd.DataFrame]) -> CorpusUpdate:
    """Global step for a change of the corpus: `removed` articles (deleted, or the former
    version of changed ones) leave it, `added` ones (new, or the new version) join it; rows
    carry LOCAL_COLUMNS. `candidates`: acronym_candidates of all articles after the change.
    `rows_with_keys(keys)`: the rows of the stored articles that mention one of `keys`
    (those whose mentions may move to another entity; rows of removed or added articles
    among them are ignored).

    The keys are merged again from the form counts (small: one row per distinct form); the
    per-article parts of the tables (n_articles, co-occurrences) change only by what the
    removed, added and re-assigned articles contribute. The result equals resolve_corpus on
    the whole corpus after the change with `state.history` as `previous`, up to row order
    (and up to the audit column `rule` of mentions outside `rewritten`, which the warehouse
    does not store)."""
    forms = add_form_counts((state.forms, 1), (form_counts(removed), -1),
                            (form_counts(added), 1))
    outside = {*removed["article_id"].unique().tolist(), *added["article_id"].unique().tolist()}
    if forms.empty:
        empty = CorpusState.empty()
        no_pairs_left = PAIR_SCHEMA.empty_table()
        mentions = _sorted(added).assign(entity_id=pd.Series(dtype=object),
                                         rule=pd.Series(dtype=object))
        keys = pd.DataFrame({"entity_id": pd.Series(dtype=object),
                             "key_rule": pd.Series(dtype=object)}, index=pd.Index([], name="key"))
        return CorpusUpdate(mentions, sorted(outside), 0, keys, empty.entities,
                            update_pairs(NO_PAIRS, no_pairs_left, no_pairs_left),
                            empty.aliases, forms)
    resolved = resolve_keys(forms, candidates, state.history)
    new_keys = resolved.keys.set_index("key")
    old_entity = state.aliases.drop_duplicates("key").set_index("key")["entity_id"]
    common = old_entity.index.intersection(new_keys.index)
    moved = common[old_entity[common].to_numpy() != new_keys.loc[common, "entity_id"].to_numpy()]

    reassigned = rows_with_keys(list(moved)) if len(moved) else added[:0]
    reassigned = reassigned[~reassigned["article_id"].isin(outside)]
    before = _with_entities(pd.concat([removed, reassigned], ignore_index=True), old_entity)
    after = _sorted(pd.concat([added, reassigned], ignore_index=True))
    mentions = assign_entities(after, new_keys)

    codes = _FormCodes.of(forms, new_keys, resolved.groups)
    n_articles = _entity_articles(state.entities, before, mentions, codes.entity_ids)
    return CorpusUpdate(
        mentions=mentions,
        rewritten=sorted(outside | set(reassigned["article_id"].unique().tolist())),
        keys_changed=len(moved),
        keys=new_keys,
        entities=_entities(codes, resolved.groups, n_articles),
        cooccurrences=update_pairs(state.cooccurrences, cooccurrences(before),
                                   cooccurrences(mentions)),
        aliases=_aliases(codes),
        forms=forms)


def _empty_frame(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def _sorted(local: pd.DataFrame) -> pd.DataFrame:
    return local.sort_values(["article_id", "start", "end", "label", "text"],
                             kind="stable").reset_index(drop=True)


def _with_entities(local: pd.DataFrame, entity_of_key: pd.Series) -> pd.DataFrame:
    """The rows with the entity their key had (for what they contributed before)."""
    entity = entity_of_key.reindex(local["local_key"]).to_numpy(dtype=object)
    if pd.isna(entity).any():
        raise StateMismatch("a stored article has a key without an entity: the resolution "
                            "state does not match the cached spans")
    return local.assign(entity_id=entity)


def assign_entities(local: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """Rows plus entity_id and rule from a key resolution (CorpusUpdate.keys)."""
    key_codes, key_uniques = pd.factorize(local["local_key"])
    per_key = keys.reindex(key_uniques)
    key_rule = per_key["key_rule"].fillna("").to_numpy(dtype=object)[key_codes]
    rule = join_rules(local["local_rule"].fillna("").to_numpy(dtype=object), key_rule)
    # assign, not copy(): the input's columns are shared, not duplicated (copy on write).
    return local.assign(entity_id=per_key["entity_id"].to_numpy(dtype=object)[key_codes],
                        rule=np.where(rule == "", "exact", rule).astype(object))


def _article_counts(rows: pd.DataFrame) -> pd.Series:
    """Articles per entity among `rows` (article_id, entity_id)."""
    if rows.empty:
        return pd.Series(dtype=np.int64)
    entity, entities = pd.factorize(rows["entity_id"])
    article, articles = pd.factorize(rows["article_id"])
    pairs, _ = _distinct(entity.astype(np.int64), article.astype(np.int64),
                         sizes=(len(entities), len(articles)))
    counts = np.bincount(pairs // len(articles), minlength=len(entities))
    return pd.Series(counts.astype(np.int64), index=np.asarray(entities, dtype=object))


def _entity_articles(entities: pd.DataFrame, before: pd.DataFrame, after: pd.DataFrame,
                     entity_ids: np.ndarray) -> pd.Series:
    """n_articles per entity: the stored counts minus what `before` contributed plus what
    `after` does (an article counts once per entity)."""
    stored = pd.Series(entities["n_articles"].to_numpy(np.int64),
                       index=entities["entity_id"].to_numpy(dtype=object))
    index = pd.Index(entity_ids)
    counts = (stored.reindex(index, fill_value=0)
              - _article_counts(before).reindex(index, fill_value=0)
              + _article_counts(after).reindex(index, fill_value=0))
    if (counts <= 0).any():
        raise StateMismatch("an entity with mentions in no article: the resolution state "
                            "does not match the cached spans")
    return counts


@dataclass(frozen=True)
class _FormCodes:
    """Integer codes of the form counts joined to their keys' entities: the entity and alias
    tables are weighted counts over these rows."""

    entity: np.ndarray  # index into entity_ids
    entity_ids: np.ndarray  # sorted
    weight: np.ndarray  # mentions per form
    forms: pd.DataFrame  # FORM_COLUMNS plus rule (as the mentions get it) and key_rule

    @classmethod
    def of(cls, forms: pd.DataFrame, keys: pd.DataFrame, groups: pd.DataFrame) -> _FormCodes:
        """`keys`: the key resolution indexed by key; `groups`: its entities, sorted."""
        joined = assign_entities(forms, keys)  # the rule each form's mentions get
        joined["key_rule"] = keys["key_rule"].reindex(forms["local_key"]).fillna("").to_numpy(
            dtype=object)
        entity_ids = np.asarray(groups["entity_id"], dtype=object)
        entity = pd.Index(entity_ids).get_indexer(joined.pop("entity_id").to_numpy())
        return cls(entity.astype(np.int64), entity_ids, forms["n_mentions"].to_numpy(np.int64),
                   joined)

    @property
    def n(self) -> int:
        return len(self.entity_ids)

    def factorize(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """Sorted codes, so that code order is string order."""
        codes, uniques = pd.factorize(self.forms[column], sort=True)
        return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def _distinct(*codes: np.ndarray, sizes: tuple[int, ...],
              weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of small integer code columns (sorted) and their counts (sums of
    `weights` when given)."""
    combined = np.zeros(len(codes[0]), dtype=np.int64)
    for column, size in zip(codes, sizes):
        combined = combined * size + column
    order = np.argsort(combined, kind="stable")
    combined = combined[order]
    if not len(combined):
        return combined, combined
    starts = np.flatnonzero(np.r_[True, combined[1:] != combined[:-1]])
    if weights is None:
        return combined[starts], np.diff(np.r_[starts, len(combined)])
    return combined[starts], np.add.reduceat(weights[order], starts)


def _split(combined: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    return combined // size, combined % size


def _entities(codes: _FormCodes, groups: pd.DataFrame, n_articles: pd.Series) -> pd.DataFrame:
    entity, n, weight = codes.entity, codes.n, codes.weight
    table = pd.DataFrame(index=pd.Index(codes.entity_ids, name="entity_id"))
    table["n_mentions"] = np.bincount(entity, weight, minlength=n).astype(np.int64)
    table["n_articles"] = n_articles.reindex(codes.entity_ids).to_numpy(np.int64)
    # Majority label of the whole group; ties broken by LABELS order.
    labels = codes.forms["label"].to_numpy()
    votes = np.column_stack([np.bincount(entity[labels == lab], weight[labels == lab],
                                         minlength=n) for lab in LABELS])
    table["label"] = np.asarray(LABELS, dtype=object)[votes.argmax(axis=1)]

    text, texts = codes.factorize("text")
    pairs, counts = _distinct(entity, text, sizes=(n, len(texts)), weights=weight)
    ent_of, text_of = _split(pairs, len(texts))
    table["aliases"] = _lists(ent_of, texts[text_of], n)
    rule, rules = codes.factorize("rule")
    real = rules[rule] != "exact"
    pairs, _ = _distinct(entity[real], rule[real], sizes=(n, len(rules)))
    ent_r, rule_of = _split(pairs, len(rules))
    table["merge_rules"] = _lists(ent_r, rules[rule_of], n)
    # Forms that name the entity directly (no genitive, short name, acronym...).
    naming = ((codes.forms["local_rule"].to_numpy() == "")
              & np.isin(codes.forms["key_rule"].to_numpy(), list(_NAMING_RULES)))
    table["name"] = _names((entity[naming], text[naming], weight[naming]),
                           (ent_of, text_of, counts), texts, n)
    table = table.join(groups.set_index("entity_id")["link"])
    _add_links(table)
    return table.reset_index()[ENTITY_COLUMNS]


def _lists(owner: np.ndarray, values: np.ndarray, n: int) -> list[list]:
    """values grouped by sorted owner codes as lists, [] for owners without values."""
    result: list[list] = [[] for _ in range(n)]
    if len(owner):
        starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        # Sliced from one Python list: a numpy slice per owner costs more than its values.
        items = values.tolist()
        for start, end, at in zip(starts.tolist(), np.r_[starts[1:], len(owner)].tolist(),
                                  owner[starts].tolist()):
            result[at] = items[start:end]
    return result


def _names(naming: tuple[np.ndarray, np.ndarray, np.ndarray],
           every: tuple[np.ndarray, np.ndarray, np.ndarray], texts: np.ndarray,
           n: int) -> np.ndarray:
    """Most frequent surface form among the mentions that name the entity directly (no
    genitive, short name or acronym), then the longest, then alphabetical; all forms when
    none does. `naming`: entity, text code and mentions of the naming forms; `every`: the
    distinct (entity, text) pairs of all forms and their mentions."""
    lengths = np.fromiter((len(t) for t in texts), np.int64, len(texts))
    names = np.empty(n, dtype=object)
    entity, text, weight = naming
    pairs, counts = _distinct(entity, text, sizes=(n, len(texts)), weights=weight)
    ent, txt = _split(pairs, len(texts))
    for e, t, c in (every, (ent, txt, counts)):
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
    for i, link in enumerate(table["link"].tolist()):
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


def _aliases(codes: _FormCodes) -> pd.DataFrame:
    frame = pd.DataFrame({"entity": codes.entity, "n_mentions": codes.weight})
    values = {}
    for column in ("text", "local_key", "rule"):
        frame[column], values[column] = codes.factorize(column)
    counts = frame.groupby(["entity", "text", "local_key", "rule"], sort=True)["n_mentions"].sum()
    index = counts.index
    return pd.DataFrame({
        "entity_id": codes.entity_ids[index.get_level_values("entity")],
        "alias": values["text"][index.get_level_values("text")],
        "key": values["local_key"][index.get_level_values("local_key")],
        "rule": values["rule"][index.get_level_values("rule")],
        "n_mentions": counts.to_numpy(np.int64),
    })[ALIAS_COLUMNS]
