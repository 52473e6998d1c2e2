"""Token features for the CRF that combines the hybrid's signals.

Feature groups (switched on/off by the training config, which is how the ablation is run):
- base: word form, affixes, shape, neighbours; always on.
- ortho: German orthography: a capitalised word that is not a known common noun and not the
  first word of the sentence is a name candidate; word frequency (wordfreq Zipf).
- gaz: gazetteer matches (countries from CLDR, GeoNames places with exonyms, Wiktionary
  toponyms, first names, surnames), longest match over up to `max_len` tokens.
- keywords: organisation/place head nouns and suffixes, legal-form words (AG, GmbH),
  acronyms, person titles before a word.
- doc: document-level evidence: the same word elsewhere in the article lower-cased (so it is
  a common word), after a first name (so it is a surname), or capitalised mid-sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from news_pipeline.ner.lexicon import (
    LOC_SUFFIXES,
    ORG_SUFFIXES,
    ORG_WORDS,
    TITLES,
    Lexicon,
)

ALL_GROUPS = ("ortho", "gaz", "keywords", "doc")
_MAX_GAZ_LEN = 5
# Distinct words whose features are kept (news repeats words a lot).
WORD_CACHE_SIZE = 200_000


@dataclass
class FeatureConfig:
    groups: tuple[str, ...] = ALL_GROUPS
    extra: dict[str, bool] = field(default_factory=dict)


def shape(word: str) -> str:
    """Collapsed character classes: "Kim" -> "Xx", "NATO" -> "X", "Jong-un" -> "Xx-x"."""
    out = []
    last = ""
    for ch in word:
        if ch.isupper():
            c = "X"
        elif ch.islower():
            c = "x"
        elif ch.isdigit():
            c = "d"
        else:
            c = ch
        if c != last:
            out.append(c)
            last = c
    return "".join(out)


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


class FeatureExtractor:
    """Documents (lists of token lists) -> per-token feature string lists."""

    def __init__(self, lexicon: Lexicon, config: FeatureConfig) -> None:
        self.lex = lexicon
        self.groups = set(config.groups)
        # entry tuple -> kinds, one dict so that a span is looked up once
        self._gaz: dict[tuple[str, ...], list[str]] = {}
        for kind, entries in lexicon.gazetteers.items():
            for entry in entries:
                if len(entry) <= _MAX_GAZ_LEN:
                    self._gaz.setdefault(entry, []).append(kind)
        self._max_len = min(_MAX_GAZ_LEN, max((len(e) for e in self._gaz), default=1))
        self._cache: dict[str, list[str]] = {}

    # ------------------------------------------------------------------ word-level features
    def _word_features(self, word: str) -> list[str]:
        """Features that depend on the word only (cached: news text repeats words a lot)."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        lower = word.lower()
        feats = ["w=" + lower, "s3=" + lower[-3:], "s4=" + lower[-4:], "s2=" + lower[-2:],
                 "p3=" + lower[:3], "sh=" + shape(word), "len=" + str(min(len(word), 12))]
        groups = self.groups
        cap = _is_cap(word)
        if "ortho" in groups:
            if word in self.lex.nouns:
                feats.append("noun")
            elif cap and word.endswith("s") and word[:-1] in self.lex.nouns:
                feats.append("noun_s")
            feats.append("z=" + str(self.lex.zipf.get(lower, 0)))
        if "keywords" in groups:
            if lower in ORG_WORDS:
                feats.append("orgword")
            if cap:
                for suffix in ORG_SUFFIXES:
                    if lower.endswith(suffix):
                        # "Kookmin-Universität" (hyphenated name + head) and unknown compounds
                        # are strong evidence; known nouns ("Vorrat") are not.
                        if lower == suffix:
                            kind = "full"
                        elif "-" in word:
                            kind = "hyph"
                        elif word in self.lex.nouns:
                            kind = "noun"
                        else:
                            kind = "unknown"
                        feats.append("orgsuf=" + kind)
                        break
                for suffix in LOC_SUFFIXES:
                    if lower.endswith(suffix) and lower != suffix:
                        feats.append("locsuf")
                        break
                if "-" in word:
                    feats.append("hyph_head=" + lower.rsplit("-", 1)[1][-6:])
            if word.isupper() and 2 <= len(word) <= 6 and word.isalpha():
                feats.append("acronym")
            if lower in TITLES:
                feats.append("title")
        if len(self._cache) < WORD_CACHE_SIZE:
            self._cache[word] = feats
        return feats

    def _gazetteer_tags(self, words: Sequence[str]) -> list[list[str]]:
        """Longest gazetteer match starting at each capitalised token -> B-/I- kind tags;
        a genitive "s" ("Putins", "Russlands") is stripped for single-token lookups."""
        tags: list[list[str]] = [[] for _ in words]
        n = len(words)
        i = 0
        gaz = self._gaz
        while i < n:
            if not _is_cap(words[i]):
                i += 1
                continue
            matched = 0
            for length in range(min(self._max_len, n - i), 0, -1):
                kinds = gaz.get(tuple(words[i:i + length]))
                if kinds is None and length == 1 and words[i].endswith("s"):
                    kinds = gaz.get((words[i][:-1],))
                    if kinds is not None:
                        kinds = [k + "_s" for k in kinds]
                if kinds is not None:
                    for kind in kinds:
                        tags[i].append("gB=" + kind)
                        for j in range(i + 1, i + length):
                            tags[j].append("gI=" + kind)
                    matched = length
                    break
            i += max(matched, 1)
        return tags

    @staticmethod
    def _capital_runs(words: Sequence[str], base: list[list[str]]) -> list[str | None]:
        """Multi-token name chunks: runs of capitalised words (German capitalises adjectives
        only inside names: "Koreanische Zentrale Nachrichtenagentur"), typed by the head
        (last word) when it is an organisation or place keyword."""
        result: list[str | None] = [None] * len(words)
        i = 0
        while i < len(words):
            if not _is_cap(words[i]):
                i += 1
                continue
            j = i
            while j + 1 < len(words) and _is_cap(words[j + 1]):
                j += 1
            if j > i:
                head_feats = base[j]
                head = "org" if any(f.startswith("orgsuf") for f in head_feats) else (
                    "loc" if "locsuf" in head_feats else "x")
                for k in range(i, j + 1):
                    result[k] = f"run={'B' if k == i else 'I'}{head}"
            i = j + 1
        return result

    # ------------------------------------------------------------------ document
    def document(self, sentences: Sequence[Sequence[str]]) -> list[list[list[str]]]:
        groups = self.groups
        doc_info = self._doc_info(sentences) if "doc" in groups else None
        return [self._sentence(words, doc_info) for words in sentences]

    def _doc_info(self, sentences: Sequence[Sequence[str]]) -> dict[str, set[str]]:
        lower_seen: set[str] = set()
        mid_cap: set[str] = set()
        after_first: set[str] = set()
        first_names = self.lex.gazetteers.get("first", set())
        for words in sentences:
            for i, word in enumerate(words):
                if not _is_cap(word):
                    lower_seen.add(word.lower())
                elif i > 0:
                    mid_cap.add(word)
                    if (words[i - 1],) in first_names and _is_cap(words[i - 1]):
                        after_first.add(word)
        return {"lower": lower_seen, "midcap": mid_cap, "after_first": after_first}

    def _sentence(self, words: Sequence[str], doc_info: dict[str, set[str]] | None
                  ) -> list[list[str]]:
        groups = self.groups
        n = len(words)
        base = [self._word_features(w) for w in words]
        gaz = self._gazetteer_tags(words) if "gaz" in groups else [[] for _ in words]
        lowers = [w.lower() for w in words]
        runs = self._capital_runs(words, base) if "keywords" in groups else [None] * n
        shapes = [f[5] for f in base]
        result = []
        for i, word in enumerate(words):
            feats = ["bias", *base[i], *gaz[i]]
            cap = _is_cap(word)
            if i == 0:
                feats.append("first")
            if "ortho" in groups and cap:
                common = "noun" in base[i]
                if i == 0 or (i > 0 and words[i - 1] in ("„", '"', ":", "(", "–", "-")):
                    feats.append("cand=initial" + ("_noun" if common else ""))
                elif not common:
                    feats.append("cand=name")
            # neighbours
            for offset in (-2, -1, 1, 2):
                j = i + offset
                if 0 <= j < n:
                    feats.append(f"{offset}w={lowers[j]}")
                    if offset in (-1, 1):
                        feats.append(f"{offset}sh={shapes[j]}")
                        feats.extend(f"{offset}{g}" for g in gaz[j])
                        if "ortho" in groups and "noun" in base[j]:
                            feats.append(f"{offset}noun")
                        if "keywords" in groups:
                            feats.extend(f"{offset}{f}" for f in base[j]
                                         if f.startswith(("orgsuf", "orgword", "title")))
                else:
                    feats.append(f"{offset}w=<pad>")
            if runs[i] is not None:
                feats.append(runs[i])
            if i > 0:
                feats.append("bi=" + lowers[i - 1] + "|" + lowers[i])
            if doc_info is not None and cap:
                if lowers[i] in doc_info["lower"]:
                    feats.append("doc_lower")
                if word in doc_info["after_first"]:
                    feats.append("doc_after_first")
                if i == 0 and word in doc_info["midcap"]:
                    feats.append("doc_midcap")
            result.append(feats)
        return result
