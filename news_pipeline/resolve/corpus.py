"""Global step: merge the distinct local keys of all articles into entities.

Works on one row per distinct `local_key` (tens of thousands at most, not the mentions), so
a rerun after adding an article costs little. Rules, in the order they are applied:

1. gazetteer links (key -> "country:XX" / "org:XX" / "geonames:ID"): rule `country`,
   `organisation`, `geonames`, prefixed `genitive+` or `acronym+` when the key reached the
   name that way ("Nordkoreas", "DVRK" -> Demokratische Volksrepublik Korea). Keys sharing a
   link are one entity.
2. `corpus_genitive`: "schoigus" -> "schoigu" when the base is a key elsewhere in the corpus
   with the same majority label.
3. `acronym`: an all-capital key -> the only multi-word, non-person key that it abbreviates
   among the keys of the articles where the acronym occurs ("KZN" <-> "Koreanische Zentrale
   Nachrichtenagentur").
4. `corpus_short_name`: a one-word person key -> the only multi-word person key in the corpus
   whose first or last word it is ("Putin" -> "Wladimir Putin").

Merges never join two different gazetteer links, and nothing is fuzzy: "Kim Jong Il" and
"Kim Jong Un" differ in one letter and stay apart.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from news_pipeline.resolve import gazetteer
from news_pipeline.resolve.article import LABELS, plurality
from news_pipeline.resolve.normalise import acronym_matches, genitive_bases, initials

ID_SCHEME = "v1"
# Key rules that keep a mention eligible to name its entity (not a genitive, short name...).
_NAMING_RULES = frozenset({"", "country", "organisation", "geonames"})


def entity_id(anchor: str) -> str:
    """Stable id of an entity from its anchor: its gazetteer link ("country:KP") or, for
    unlinked entities, its most complete key ("key:wladimir putin"). No label, no counts:
    these change as the corpus grows."""
    return hashlib.sha1(f"{ID_SCHEME}\x1f{anchor}".encode()).hexdigest()[:16]


# The global step's view of the mentions: counts per distinct form (additive over articles,
# so a run adds the new articles' counts and subtracts the removed ones').
FORM_KEY = ["local_key", "text", "local_rule", "label", "acronym"]
FORM_COLUMNS = [*FORM_KEY, "n_mentions"]
# Per article: a one-word key and a multi-word key of that article that it may abbreviate.
CANDIDATE_COLUMNS = ["article_id", "acronym_key", "expansion_key"]


class StateMismatch(ValueError):
    """The stored global state does not match the rows it is updated with (written by other
    code, or edited): the caller rebuilds it."""


def form_counts(local: pd.DataFrame) -> pd.DataFrame:
    """Mentions (with LOCAL_COLUMNS) per distinct (local_key, text, local_rule, label,
    acronym), sorted: everything the key-level rules and the entity and alias tables need."""
    frame = local[FORM_KEY].assign(local_rule=local["local_rule"].fillna(""),
                                   acronym=local["acronym"].astype(bool))
    counts = frame.groupby(FORM_KEY, sort=True).size()
    return counts.rename("n_mentions").astype(np.int64).reset_index()[FORM_COLUMNS]


def add_form_counts(*parts: tuple[pd.DataFrame, int]) -> pd.DataFrame:
    """Sum of (form counts, sign) parts; forms whose count drops to zero are removed."""
    frames = [frame.assign(n_mentions=frame["n_mentions"] * sign) for frame, sign in parts
              if len(frame)]
    if not frames:
        return form_counts(pd.DataFrame(columns=FORM_KEY))
    counts = pd.concat(frames, ignore_index=True).groupby(FORM_KEY, sort=True)["n_mentions"].sum()
    if (counts < 0).any():
        raise StateMismatch("form counts went negative: the resolution state does not match "
                            "the cached spans")
    return counts[counts > 0].astype(np.int64).reset_index()[FORM_COLUMNS]


def acronym_candidates(local: pd.DataFrame) -> pd.DataFrame:
    """(article_id, acronym_key, expansion_key) for every one-word key of an article that
    could abbreviate a multi-word key of the same article (_could_abbreviate and
    acronym_matches). Which of them the acronym rule uses depends on the corpus (labels,
    links), so the string tests are done here, once per article, and the rest globally.
    Keys are handled as integer codes: their properties are computed once per distinct key."""
    article, articles = pd.factorize(local["article_id"])
    key, keys = pd.factorize(local["local_key"])
    keys = np.asarray(keys, dtype=object)
    inits = [initials(k) if " " in k else "" for k in keys]
    # The first letter both sides must share, or "" when a key cannot take that side.
    single_first = np.array([k[0] if " " not in k and 2 <= len(k) <= 8 else "" for k in keys],
                            dtype=object)
    multi_first = np.array([i[0] if len(i) >= 2 else "" for i in inits], dtype=object)
    pairs = pd.DataFrame({"article": article, "key": key}).drop_duplicates()
    first_single, first_multi = (first[pairs["key"].to_numpy()]
                                 for first in (single_first, multi_first))
    singles = pairs[first_single != ""].assign(first=first_single[first_single != ""])
    multis = pairs[first_multi != ""].assign(first=first_multi[first_multi != ""])
    cand = singles.merge(multis, on=["article", "first"], suffixes=("", "_exp"))
    distinct = cand[["key", "key_exp"]].drop_duplicates()
    ok = {(a, e) for a, e in zip(distinct["key"], distinct["key_exp"])
          if len(inits[e]) <= len(keys[a]) and _could_abbreviate(keys[a], keys[e])
          and acronym_matches(keys[a], keys[e])}
    cand = cand[np.fromiter(((a, e) in ok for a, e in zip(cand["key"], cand["key_exp"])),
                            dtype=bool, count=len(cand))]
    return (pd.DataFrame({"article_id": np.asarray(articles, dtype=object)[cand["article"]],
                          "acronym_key": keys[cand["key"].to_numpy()],
                          "expansion_key": keys[cand["key_exp"].to_numpy()]})
            .sort_values(CANDIDATE_COLUMNS).reset_index(drop=True))


@dataclass(frozen=True)
class KeyResolution:
    """One row per distinct local key: its entity and how it got there."""

    keys: pd.DataFrame  # key, entity_id, key_rule, link, anchor
    groups: pd.DataFrame  # entity_id, anchor, link


def resolve_keys(forms: pd.DataFrame, candidates: pd.DataFrame,
                 previous: pd.DataFrame | None = None) -> KeyResolution:
    """Merge the local keys of `forms` (form_counts) into entities; `candidates`
    (acronym_candidates of the same articles) feed the acronym rule.

    `previous` (optional): a former `Resolution.aliases` (columns key, entity_id). An entity
    that contains keys of a former entity keeps that entity's id even if its anchor changed
    (e.g. "Putin" seen alone first, "Wladimir Putin" later)."""
    keys = _key_table(forms)
    links = _links(keys)
    keys["link"] = links["link"]
    keys["key_rule"] = links["rule"]

    edges = pd.concat([_genitive_edges(keys), _acronym_edges(keys, candidates),
                       _short_name_edges(keys)], ignore_index=True)
    root, key_rule = _union(keys, edges)
    keys["root"] = root
    keys["key_rule"] = key_rule

    groups = _groups(keys)
    keys = keys.merge(groups[["root", "entity_id", "anchor", "group_link"]], on="root")
    if previous is not None and not previous.empty:
        keys = _keep_previous_ids(keys, previous)
    groups = (keys.drop_duplicates("entity_id")[["entity_id", "anchor", "group_link"]]
              .rename(columns={"group_link": "link"}).sort_values("entity_id")
              .reset_index(drop=True))
    return KeyResolution(
        keys[["key", "entity_id", "key_rule", "link", "anchor"]].sort_values("key")
        .reset_index(drop=True), groups)


def _key_table(forms: pd.DataFrame) -> pd.DataFrame:
    codes, uniques = pd.factorize(forms["local_key"], sort=True)
    size = len(uniques)
    weights = forms["n_mentions"].to_numpy(np.int64)
    labels = forms["label"].to_numpy()

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(codes[mask], weights[mask], minlength=size).astype(np.int64)

    keys = pd.DataFrame({"key": np.asarray(uniques, dtype=object)})
    for label in LABELS:
        keys[label] = count(labels == label)
    keys["n"] = count(np.ones(len(forms), dtype=bool))
    keys["label"] = keys[list(LABELS)].idxmax(axis=1)  # ties: LABELS order
    keys["is_loc"] = plurality(keys, "LOC")
    # An acronym when at least half of its mentions are spelt as one.
    keys["acronym"] = 2 * count(forms["acronym"].to_numpy(bool)) >= keys["n"]
    keys["multi"] = keys["key"].str.contains(" ", regex=False)
    return keys


def _link_of(key: str, label: str, is_loc: bool, acronym: bool) -> tuple[str | None, str]:
    """Gazetteer link of one key and the rule that found it."""
    if label == "PER":
        return None, ""
    forms = [(key, "")] + [(b, "genitive+") for b in genitive_bases(key)]
    for form, prefix in forms:
        link = gazetteer.name_link(form)
        if link is not None:
            return link, prefix + ("country" if link.startswith("country:") else "organisation")
    if acronym:
        link = gazetteer.acronym_link(key)
        if link is not None:
            return link, "acronym+" + ("country" if link.startswith("country:")
                                       else "organisation")
        return None, ""
    if is_loc:
        for form, prefix in forms:
            place = gazetteer.place(form)
            if place is not None:
                return f"geonames:{place.geonames_id}", prefix + "geonames"
    return None, ""


def _links(keys: pd.DataFrame) -> pd.DataFrame:
    found = [_link_of(k, lab, loc, acr) for k, lab, loc, acr in
             zip(keys["key"], keys["label"], keys["is_loc"], keys["acronym"])]
    return pd.DataFrame(found, columns=["link", "rule"], index=keys.index)


def _edges(source, target, rule: str) -> pd.DataFrame:
    return pd.DataFrame({"source": list(source), "target": list(target), "rule": rule})


def _genitive_edges(keys: pd.DataFrame) -> pd.DataFrame:
    unlinked = keys[keys["link"].isna()]
    label_of = dict(zip(keys["key"], keys["label"]))
    linked = set(keys.loc[keys["link"].notna(), "key"])
    rows = []
    for key, label in zip(unlinked["key"], unlinked["label"]):
        for base in genitive_bases(key):
            if base in label_of and (label_of[base] == label or base in linked):
                rows.append((key, base))
                break
    return _edges([s for s, _ in rows], [t for _, t in rows], "corpus_genitive")


def _short_name_edges(keys: pd.DataFrame) -> pd.DataFrame:
    persons = keys[(keys["label"] == "PER") & keys["link"].isna()]
    full = persons[persons["multi"]]
    # Genitive variants of full names ("kim jong uns") are not separate candidates.
    full_keys = set(full["key"])
    full = full[[not any(b in full_keys for b in genitive_bases(k)) for k in full["key"]]]
    short = persons.loc[~persons["multi"] & (persons["key"].str.len() >= 2), ["key"]]
    if full.empty or short.empty:
        return _edges([], [], "corpus_short_name")
    words = full["key"].str.split(" ")
    tokens = pd.concat([pd.DataFrame({"token": words.str[0], "full": full["key"]}),
                        pd.DataFrame({"token": words.str[-1], "full": full["key"]})])
    tokens = tokens.drop_duplicates()
    cand = short.merge(tokens, left_on="key", right_on="token")
    unique = cand.groupby("key")["full"].transform("nunique") == 1
    cand = cand[unique].drop_duplicates("key")
    return _edges(cand["key"], cand["full"], "corpus_short_name")


def _acronym_edges(keys: pd.DataFrame, candidates: pd.DataFrame) -> pd.DataFrame:
    acronyms = keys.loc[keys["acronym"] & keys["link"].isna() & ~keys["multi"], "key"]
    expansions = keys.loc[keys["multi"] & (keys["label"] != "PER"), "key"]
    cand = candidates[candidates["acronym_key"].isin(set(acronyms))
                      & candidates["expansion_key"].isin(set(expansions))]
    cand = cand[["acronym_key", "expansion_key"]].drop_duplicates()
    unique = cand.groupby("acronym_key")["expansion_key"].transform("nunique") == 1
    cand = cand[unique]
    return _edges(cand["acronym_key"], cand["expansion_key"], "acronym")


def _could_abbreviate(acronym: str, expansion: str) -> bool:
    inits = initials(expansion)
    if not inits or inits[0] != acronym[0] or len(inits) > len(acronym):
        return False
    it = iter(acronym)
    return all(ch in it for ch in inits)


def _union(keys: pd.DataFrame, edges: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Union-find over keys: same link first, then the edges in rule order. An edge that
    would join two different links is refused (the key then stays on its own)."""
    parent = {k: k for k in keys["key"]}
    link_of_root: dict[str, str] = {}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def union(a: str, b: str) -> bool:
        ra, rb = find(a), find(b)
        if ra == rb:
            return True
        la, lb = link_of_root.get(ra), link_of_root.get(rb)
        if la is not None and lb is not None and la != lb:
            return False
        # Deterministic root: the smaller key, independent of input order.
        ra, rb = sorted((ra, rb))
        parent[rb] = ra
        if la or lb:
            link_of_root[ra] = la or lb
        link_of_root.pop(rb, None)
        return True

    first_with_link: dict[str, str] = {}
    for key, link in sorted(zip(keys["key"], keys["link"]), key=lambda kv: kv[0]):
        if isinstance(link, str):
            link_of_root.setdefault(find(key), link)
            union(first_with_link.setdefault(link, key), key)

    rule = dict(zip(keys["key"], keys["key_rule"]))
    for source, target, edge_rule in sorted(
            zip(edges["source"], edges["target"], edges["rule"]),
            key=lambda e: (_RULE_ORDER[e[2]], e[0], e[1])):
        if rule.get(source) and source != target:
            continue  # already placed by a stronger rule
        if union(source, target):
            rule[source] = edge_rule
    return [find(k) for k in keys["key"]], [rule[k] for k in keys["key"]]


_RULE_ORDER = {"corpus_genitive": 0, "acronym": 1, "corpus_short_name": 2}


def _groups(keys: pd.DataFrame) -> pd.DataFrame:
    """Anchor and id per union-find root."""
    frame = keys[["root", "key", "link", "key_rule", "multi"]].copy()
    frame["words"] = frame["key"].str.count(" ") + 1
    frame["length"] = frame["key"].str.len()
    # Keys that were merged *into* something (genitives, short names, acronyms) never anchor.
    frame["is_base"] = frame["key_rule"].isin(_NAMING_RULES)
    frame = frame.sort_values(["root", "is_base", "words", "length", "key"],
                              ascending=[True, False, False, False, True])
    best = frame.drop_duplicates("root").set_index("root")["key"]
    links = frame.dropna(subset=["link"]).drop_duplicates("root").set_index("root")["link"]
    groups = pd.DataFrame({"root": best.index, "best": best.to_numpy()})
    groups["group_link"] = groups["root"].map(links)
    groups["anchor"] = np.where(groups["group_link"].notna(), groups["group_link"],
                                "key:" + groups["best"])
    groups["entity_id"] = groups["anchor"].map(entity_id)
    return groups


def _keep_previous_ids(keys: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Give each group the former id most of its keys had, unless another group has a
    better claim to it (the one whose own anchor gives that id, then the most keys)."""
    old = previous[["key", "entity_id"]].drop_duplicates("key").rename(
        columns={"entity_id": "old_id"})
    claims = keys[["key", "root", "entity_id"]].merge(old, on="key")
    if claims.empty:
        return keys
    claims = (claims.groupby(["root", "entity_id", "old_id"]).size().rename("votes")
              .reset_index())
    claims["own"] = claims["entity_id"] == claims["old_id"]
    # Best former id per group ...
    claims = claims.sort_values(["root", "own", "votes", "old_id"],
                                ascending=[True, False, False, True]).drop_duplicates("root")
    # ... and each former id to one group only.
    claims = claims.sort_values(["old_id", "own", "votes", "root"],
                                ascending=[True, False, False, True]).drop_duplicates("old_id")
    new_id = dict(zip(claims["root"], claims["old_id"]))
    taken = set(new_id.values())
    keys = keys.copy()
    # A group whose own fresh id went to another group gets a derived one (ids stay unique).
    ids = [new_id.get(r, e if e not in taken else entity_id(f"{a}\x1fsplit")) for r, e, a in
           zip(keys["root"], keys["entity_id"], keys["anchor"])]
    keys["entity_id"] = ids
    return keys
