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
from news_pipeline.resolve.article import LABELS
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
    edges = [*_genitive_edges(keys, links), *_acronym_edges(keys, links, candidates),
             *_short_name_edges(keys, links)]
    root, key_rule = _union(keys, links, edges)
    groups = _groups(keys, links, root, key_rule)
    ids = {r: group.entity_id for r, group in groups.items()}
    if previous is not None and not previous.empty:
        ids = _keep_previous_ids(keys, root, groups, previous)
    group_frame = pd.DataFrame({"entity_id": [ids[r] for r in groups],
                                "anchor": [group.anchor for group in groups.values()],
                                "link": [group.link for group in groups.values()]})
    return KeyResolution(
        pd.DataFrame({"key": keys.key, "entity_id": [ids[r] for r in root],
                      "key_rule": key_rule, "link": links.link,
                      "anchor": [groups[r].anchor for r in root]}),
        group_frame.sort_values("entity_id").reset_index(drop=True))


@dataclass(frozen=True)
class _Keys:
    """The distinct local keys, sorted, with what the rules need of each. The rules work on
    a key's position in `key` (its code; code order is key order) and on plain lists: a
    pandas string column costs a Python object per element every time it is iterated."""

    key: list[str]
    label: list[str]  # majority label; ties: LABELS order
    is_loc: np.ndarray  # bool: LOC has at least as many mentions as any other label
    acronym: np.ndarray  # bool: at least half of its mentions are spelt as an acronym
    multi: np.ndarray  # bool: more than one word
    code: dict[str, int]


def _key_table(forms: pd.DataFrame) -> _Keys:
    codes, uniques = pd.factorize(forms["local_key"], sort=True)
    size = len(uniques)
    weights = forms["n_mentions"].to_numpy(np.int64)
    labels = forms["label"].to_numpy()

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(codes[mask], weights[mask], minlength=size).astype(np.int64)

    votes = np.column_stack([count(labels == label) for label in LABELS])
    key = list(uniques)
    return _Keys(
        key=key,
        label=np.asarray(LABELS, dtype=object)[votes.argmax(axis=1)].tolist(),
        is_loc=votes[:, LABELS.index("LOC")] >= votes.max(axis=1),
        acronym=2 * count(forms["acronym"].to_numpy(bool)) >= count(np.ones(len(forms), bool)),
        multi=np.fromiter((" " in k for k in key), bool, size),
        code={k: i for i, k in enumerate(key)})


@dataclass(frozen=True)
class _Links:
    """Per key code: its own gazetteer link (None: none) and the rule that found it."""

    link: list[str | None]
    rule: list[str]


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


def _links(keys: _Keys) -> _Links:
    found = [_link_of(*row) for row in
             zip(keys.key, keys.label, keys.is_loc.tolist(), keys.acronym.tolist())]
    return _Links([link for link, _ in found], [rule for _, rule in found])


# (source code, target code, rule): the source key joins the target's entity.
_Edge = tuple[int, int, str]


def _genitive_edges(keys: _Keys, links: _Links) -> list[_Edge]:
    edges = []
    for source, key in enumerate(keys.key):
        if links.link[source] is not None:
            continue
        for base in genitive_bases(key):
            target = keys.code.get(base)
            if target is not None and (keys.label[target] == keys.label[source]
                                       or links.link[target] is not None):
                edges.append((source, target, "corpus_genitive"))
                break
    return edges


def _short_name_edges(keys: _Keys, links: _Links) -> list[_Edge]:
    persons = [i for i, (label, link) in enumerate(zip(keys.label, links.link))
               if label == "PER" and link is None]
    full = [i for i in persons if keys.multi[i]]
    # Genitive variants of full names ("kim jong uns") are not separate candidates.
    full_keys = {keys.key[i] for i in full}
    full = [i for i in full if not any(b in full_keys for b in genitive_bases(keys.key[i]))]
    full_of_token: dict[str, set[int]] = {}
    for i in full:
        words = keys.key[i].split(" ")
        for token in (words[0], words[-1]):
            full_of_token.setdefault(token, set()).add(i)
    edges = []
    for i in persons:
        found = full_of_token.get(keys.key[i])
        if not keys.multi[i] and len(keys.key[i]) >= 2 and found is not None and len(found) == 1:
            edges.append((i, next(iter(found)), "corpus_short_name"))
    return edges


def _acronym_edges(keys: _Keys, links: _Links, candidates: pd.DataFrame) -> list[_Edge]:
    size = len(keys.key)
    unlinked = np.fromiter((link is None for link in links.link), bool, size)
    is_acronym = keys.acronym & unlinked & ~keys.multi
    is_expansion = keys.multi & (np.asarray(keys.label, dtype=object) != "PER")
    index = pd.Index(keys.key)
    acronym = index.get_indexer(candidates["acronym_key"])
    expansion = index.get_indexer(candidates["expansion_key"])
    known = (acronym >= 0) & (expansion >= 0)
    acronym, expansion = acronym[known], expansion[known]
    usable = is_acronym[acronym] & is_expansion[expansion]
    pairs = np.unique(acronym[usable].astype(np.int64) * size + expansion[usable])
    sources, counts = np.unique(pairs // size, return_counts=True)
    # An acronym joins only the one expansion its articles offer.
    only = set(sources[counts == 1].tolist())
    return [(int(a), int(e), "acronym") for a, e in zip(pairs // size, pairs % size)
            if int(a) in only]


def _could_abbreviate(acronym: str, expansion: str) -> bool:
    inits = initials(expansion)
    if not inits or inits[0] != acronym[0] or len(inits) > len(acronym):
        return False
    it = iter(acronym)
    return all(ch in it for ch in inits)


def _union(keys: _Keys, links: _Links, edges: list[_Edge]) -> tuple[list[int], list[str]]:
    """Union-find over key codes: same link first, then the edges in rule order. An edge
    that would join two different links is refused (the key then stays on its own).
    Returns each key's root and its key rule."""
    parent = list(range(len(keys.key)))
    link_of_root: dict[int, str] = {}

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def union(a: int, b: int) -> bool:
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

    first_with_link: dict[str, int] = {}
    for key, link in enumerate(links.link):
        if link is not None:
            link_of_root.setdefault(find(key), link)
            union(first_with_link.setdefault(link, key), key)

    rule = list(links.rule)
    for source, target, edge_rule in sorted(edges, key=lambda e: (_RULE_ORDER[e[2]], e[0], e[1])):
        if rule[source] and source != target:
            continue  # already placed by a stronger rule
        if union(source, target):
            rule[source] = edge_rule
    return [find(k) for k in range(len(parent))], rule


_RULE_ORDER = {"corpus_genitive": 0, "acronym": 1, "corpus_short_name": 2}


@dataclass(frozen=True)
class _Group:
    """One union-find root's entity."""

    anchor: str
    link: str | None
    entity_id: str


def _groups(keys: _Keys, links: _Links, root: list[int], key_rule: list[str]
            ) -> dict[int, _Group]:
    """Entity per union-find root, in root order. Its anchor is the group's link, else its
    best key: one that names it (keys merged *into* something - genitives, short names,
    acronyms - never anchor), then the most words, the longest, the first."""
    best: dict[int, tuple[bool, int, int, int]] = {}
    link_of: dict[int, str] = {}
    for code, (key, r, rule, link) in enumerate(zip(keys.key, root, key_rule, links.link)):
        rank = (rule not in _NAMING_RULES, -(key.count(" ") + 1), -len(key), code)
        if r not in best or rank < best[r]:
            best[r] = rank
        if link is not None:
            link_of[r] = link  # a group has at most one link (_union)
    groups = {}
    for r in sorted(best):
        link = link_of.get(r)
        anchor = link if link is not None else "key:" + keys.key[best[r][3]]
        groups[r] = _Group(anchor, link, entity_id(anchor))
    return groups


def _keep_previous_ids(keys: _Keys, root: list[int], groups: dict[int, _Group],
                       previous: pd.DataFrame) -> dict[int, str]:
    """Id per root: the former id most of its keys had, unless another group has a better
    claim to it (the one whose own anchor gives that id, then the most keys)."""
    old = previous[["key", "entity_id"]].drop_duplicates("key")
    old_id = dict(zip(old["key"].tolist(), old["entity_id"].tolist()))
    votes: dict[tuple[int, str], int] = {}
    for key, r in zip(keys.key, root):
        former = old_id.get(key)
        if former is not None:
            votes[r, former] = votes.get((r, former), 0) + 1

    def claim(r: int, former: str) -> tuple[bool, int]:  # smaller is stronger
        return groups[r].entity_id != former, -votes[r, former]

    # Best former id per group ...
    best_of_root: dict[int, str] = {}
    for r, former in votes:
        held = best_of_root.get(r)
        if held is None or (claim(r, former), former) < (claim(r, held), held):
            best_of_root[r] = former
    # ... and each former id to one group only.
    root_of_id: dict[str, int] = {}
    for r, former in best_of_root.items():
        held = root_of_id.get(former)
        if held is None or (claim(r, former), r) < (claim(held, former), held):
            root_of_id[former] = r
    taken = set(root_of_id)
    ids = {r: former for former, r in root_of_id.items()}
    # A group whose own fresh id went to another group gets a derived one (ids stay unique).
    for r, group in groups.items():
        if r not in ids:
            ids[r] = (group.entity_id if group.entity_id not in taken
                      else entity_id(f"{group.anchor}\x1fsplit"))
    return ids
