"""Per-article step: normalise surface forms and resolve what the article itself explains.

Pure function of one article's mentions (plus the static gazetteer), so the pipeline can cache
its output per article and never re-run it - nor NER - for the other articles. It is written
vectorised over any number of articles because the result for each article depends only on
that article's rows: `resolve_articles(corpus)` equals concatenating `resolve_article` per
article.

Adds columns:
- surface_key: normalise(text) ("Kim Jong-un" -> "kim jong un").
- local_key: the key after the article-level rules ("Putins" -> "wladimir putin" when the
  article mentions Wladimir Putin).
- local_rule: "+"-joined rules applied here ("genitive", "short_name",
  "short_name_dominant"), "" when local_key == surface_key.
- acronym: whether the surface is an all-capital acronym ("DVRK").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from news_pipeline.resolve import gazetteer
from news_pipeline.resolve.normalise import genitive_bases, is_acronym, normalise

LOCAL_COLUMNS = ["surface_key", "local_key", "local_rule", "acronym"]
LABELS = ("PER", "LOC", "ORG", "MISC")
_AK = ["article_id", "key"]


def resolve_article(mentions: pd.DataFrame) -> pd.DataFrame:
    """The mentions of ONE article plus LOCAL_COLUMNS (see module docstring)."""
    if mentions["article_id"].nunique() > 1:
        raise ValueError("resolve_article expects the mentions of a single article")
    return resolve_articles(mentions)


def resolve_articles(mentions: pd.DataFrame) -> pd.DataFrame:
    """`resolve_article` for every article in `mentions` at once (same rows, same order)."""
    out = mentions.copy()
    texts = out["text"].fillna("").astype(str)
    distinct = pd.unique(texts)
    out["surface_key"] = texts.map({t: normalise(t) for t in distinct}).astype(object)
    out["acronym"] = texts.map({t: is_acronym(t) for t in distinct}).astype(bool)
    if out.empty:
        out["local_key"] = pd.Series(dtype=object)
        out["local_rule"] = pd.Series(dtype=object)
        return out

    genitive_key = _resolve_genitives(out)
    out["local_key"] = genitive_key
    rules = np.where(genitive_key != out["surface_key"], "genitive", "")

    short_key, short_rule = _resolve_short_names(out)
    out["local_key"] = short_key
    out["local_rule"] = pd.Series(join_rules(rules, short_rule), index=out.index, dtype=object)
    return out


def join_rules(*columns: np.ndarray) -> np.ndarray:
    """Element-wise "+".join of the non-empty rules; computed once per distinct combination
    (the columns are factorised to integer codes first: hashing strings row by row is slow)."""
    values = [pd.Series(np.asarray(c, dtype=object)).fillna("").to_numpy() for c in columns]
    combined = np.zeros(len(values[0]), dtype=np.int64)
    for column in values:
        codes, uniques = pd.factorize(column)
        combined = combined * (len(uniques) + 1) + codes
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    joined = np.array(["+".join(c[i] for c in values if c[i]) for i in first] + [""],
                      dtype=object)
    return joined[inverse.reshape(-1)] if len(first) else joined[:0]


def label_votes(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Mentions per label for each `keys` group (sorted), columns PER, LOC, ORG, MISC, n.
    Counted with bincount: crosstab/pivot run a Python function per group."""
    grouped = frame.groupby(keys, sort=True)
    group = grouped.ngroup().to_numpy()
    index = grouped.size().index
    labels = frame["label"].to_numpy()
    votes = pd.DataFrame({label: np.bincount(group[labels == label], minlength=len(index))
                          for label in LABELS}, index=index)
    votes["n"] = np.bincount(group, minlength=len(index))
    return votes


def plurality(votes: pd.DataFrame, label: str) -> pd.Series:
    """Whether `label` has at least as many votes as any other label."""
    return votes[label] >= votes[list(LABELS)].max(axis=1)


def _resolve_genitives(mentions: pd.DataFrame) -> pd.Series:
    """Strip -s/-es where the base form is known: another key of the same article, the first
    or last word of a person's full name in the article ("Putins" next to "Wladimir Putin"),
    a country/organisation name, or - for location mentions - a GeoNames place
    ("Pjöngjangs"). A form that is itself a known name ("Paris", "Wales") keeps its s."""
    frame = mentions.assign(key=mentions["surface_key"])
    votes = label_votes(frame, _AK)
    keys = votes.index.get_level_values("key")
    candidates = [(k, b, r) for k in pd.unique(keys) for r, b in enumerate(genitive_bases(k))]
    if not candidates:
        return mentions["surface_key"]
    cand = pd.DataFrame(candidates, columns=["key", "base", "rank"])
    is_loc = plurality(votes, "LOC")
    is_per = plurality(votes, "PER")
    ak = pd.DataFrame({"article_id": votes.index.get_level_values("article_id"), "key": keys,
                       "is_loc": is_loc.to_numpy(), "is_per": is_per.to_numpy()})
    pairs = ak.merge(cand, on="key")
    if pairs.empty:
        return mentions["surface_key"]

    known_keys = pd.MultiIndex.from_arrays([ak["article_id"], ak["key"]])
    tokens = _person_tokens(ak)
    known_tokens = pd.MultiIndex.from_arrays([tokens["article_id"], tokens["token"]])
    probe = pd.MultiIndex.from_arrays([pairs["article_id"], pairs["base"]])
    base_names = pd.unique(pairs["base"])
    name_known = {b: gazetteer.name_link(b) is not None for b in base_names}
    place_known = {b: gazetteer.place(b) is not None for b in base_names}
    self_names = {k: (gazetteer.name_link(k) is not None, gazetteer.place(k) is not None)
                  for k in pd.unique(pairs["key"])}
    is_name = pairs["key"].map({k: v[0] for k, v in self_names.items()}).to_numpy(bool)
    is_place = pairs["key"].map({k: v[1] for k, v in self_names.items()}).to_numpy(bool)
    known = (
        probe.isin(known_keys)
        | probe.isin(known_tokens)
        | (pairs["base"].map(name_known).to_numpy(bool) & ~pairs["is_per"].to_numpy(bool))
        | (pairs["base"].map(place_known).to_numpy(bool) & pairs["is_loc"].to_numpy(bool))
    )
    itself_known = is_name | (is_place & pairs["is_loc"].to_numpy(bool))
    chosen = (pairs[known & ~itself_known].sort_values("rank")
              .drop_duplicates(_AK).set_index(_AK)["base"])
    if chosen.empty:
        return mentions["surface_key"]
    probe = pd.MultiIndex.from_arrays([mentions["article_id"], mentions["surface_key"]])
    mapped = chosen.reindex(probe).to_numpy()
    return pd.Series(np.where(pd.isna(mapped), mentions["surface_key"], mapped),
                     index=mentions.index, dtype=object)


def _person_tokens(ak: pd.DataFrame) -> pd.DataFrame:
    """(article_id, token, key) for the first and last word of multi-word person keys."""
    full = ak[ak["is_per"] & ak["key"].str.contains(" ", regex=False)]
    distinct = pd.unique(full["key"])
    first = full["key"].map({k: k.split(" ", 1)[0] for k in distinct})
    last = full["key"].map({k: k.rsplit(" ", 1)[-1] for k in distinct})
    return pd.concat([
        pd.DataFrame({"article_id": full["article_id"], "token": first, "full_key": full["key"]}),
        pd.DataFrame({"article_id": full["article_id"], "token": last, "full_key": full["key"]}),
    ]).drop_duplicates()


def _resolve_short_names(mentions: pd.DataFrame) -> tuple[pd.Series, np.ndarray]:
    """A one-word mention that is the first or last word of a person's full name in the same
    article means that person: "Putin" -> "wladimir putin", "Lankov" -> "andrei lankov",
    "Kim" -> "kim jong un" (Korean names start with the family name). With several
    candidates ("Kim Jong Un" and his father "Kim Jong Il"), the one with more mentions than
    all the others together wins (rule short_name_dominant), otherwise nothing is resolved.
    A mention not labelled PER is left alone when it is itself a known place or country."""
    frame = mentions.assign(key=mentions["local_key"])
    votes = label_votes(frame, _AK)
    ak = pd.DataFrame({"article_id": votes.index.get_level_values("article_id"),
                       "key": votes.index.get_level_values("key"),
                       "n": votes["n"].to_numpy(),
                       "is_per": plurality(votes, "PER").to_numpy()})
    distinct = pd.unique(ak["key"])
    ak = ak[ak["key"].map({k: gazetteer.name_link(k) is None for k in distinct}).to_numpy(bool)]
    tokens = _person_tokens(ak).merge(ak[["article_id", "key", "n"]].rename(
        columns={"key": "full_key"}), on=["article_id", "full_key"])
    short = ak[~ak["key"].str.contains(" ", regex=False) & (ak["key"].str.len() >= 2)]
    cand = short[["article_id", "key"]].merge(
        tokens.rename(columns={"token": "key"}), on=_AK)
    cand = cand[cand["full_key"] != cand["key"]]
    keep = pd.Series(dtype=object)
    rule_of = pd.Series(dtype=object)
    if not cand.empty:
        cand = cand.sort_values(["article_id", "key", "n", "full_key"],
                                ascending=[True, True, False, True])
        grouped = cand.groupby(_AK, sort=False)["n"]
        cand["total"] = grouped.transform("sum")
        cand["count"] = grouped.transform("size")
        top = cand.drop_duplicates(_AK)  # most mentioned candidate first (sorted above)
        top = top[(top["count"] == 1) | (top["n"] > top["total"] - top["n"])]
        top = top.set_index(_AK)
        keep = top["full_key"]
        rule_of = pd.Series(np.where(top["count"] == 1, "short_name", "short_name_dominant"),
                            index=top.index)

    local_key = mentions["local_key"]
    if keep.empty:
        return local_key, np.full(len(mentions), "", dtype=object)
    probe = pd.MultiIndex.from_arrays([mentions["article_id"], local_key])
    target = keep.reindex(probe).to_numpy()
    rule = rule_of.reindex(probe).to_numpy()
    # Per mention: a "Washington" tagged LOC next to "George Washington" stays the city.
    distinct = pd.unique(local_key[~pd.isna(target)])
    self_place = {k: gazetteer.is_gazetteer_name(k, loc_label=True) for k in distinct}
    blocked = (mentions["label"].to_numpy() != "PER") & local_key.map(
        self_place).fillna(False).to_numpy(bool)
    apply = ~pd.isna(target) & ~blocked
    new_key = pd.Series(np.where(apply, target, local_key), index=mentions.index, dtype=object)
    return new_key, np.where(apply, rule, "").astype(object)
