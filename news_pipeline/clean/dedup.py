"""Removal of exact and near-duplicate paragraphs, and of the title repeated in the body."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from news_pipeline.clean.lines import ends_sentence, line_key
from news_pipeline.clean.settings import CleanSettings

# Pairwise containment checks are quadratic; above this many paragraphs only exact and
# shingle-indexed near duplicates are removed (keeps hostile inputs fast).
_MAX_PAIRWISE = 400


def _shingles(tokens: list[str]) -> frozenset[str]:
    """Word 3-grams (or the whole key if shorter), each as its words joined by a space: the
    tokens have no spaces, so equal strings are equal 3-grams, and a string keeps its hash."""
    if len(tokens) < 3:
        return frozenset({" ".join(tokens)})
    return frozenset(map(" ".join, zip(tokens, tokens[1:], tokens[2:])))


def remove_duplicates(
    paragraphs: Sequence[str],
    settings: CleanSettings,
    boilerplate: Sequence[str] = (),
    repeated_keys: frozenset[str] = frozenset(),
) -> list[str]:
    """Keep the first (or the most complete) copy of each paragraph.

    - exact duplicates (after line_key normalisation) and word-3-gram near duplicates go;
    - a paragraph contained in another kept paragraph goes (the longer one is the repair
      of a broken scrape, e.g. a sentence whose end was cut into the next block);
    - a paragraph contained in a boilerplate line goes (a caption repeated without its
      "(Bild: AFP)" credit is still a caption);
    - a non-sentence line that the document repeats (repeated_keys) is a caption or teaser.
    """
    keys = [line_key(p) for p in paragraphs]
    tokens = [key.split() for key in keys]
    bad_keys = [k for k in (line_key(b) for b in boilerplate) if k]
    keep = [bool(k) for k in keys]
    seen: set[str] = set()
    index: dict[str, tuple[int, ...]] = {}  # shingle -> the kept paragraphs that have it
    shingles = [_shingles(t) for t in tokens]
    for i, key in enumerate(keys):
        if not keep[i]:
            continue
        if key in repeated_keys and not ends_sentence(paragraphs[i]):
            keep[i] = False
            continue
        if key in seen:
            keep[i] = False
            continue
        if len(tokens[i]) >= 3 and any(key in bad for bad in bad_keys):
            keep[i] = False
            continue
        # Only the shingles that an earlier kept paragraph has (found by one set operation:
        # most paragraphs share none) can make this one a near duplicate.
        known = index.keys() & shingles[i]
        candidates = Counter(j for s in known for j in index[s] if keep[j])
        if any(
            shared / len(shingles[i] | shingles[j]) >= settings.near_duplicate_jaccard
            for j, shared in candidates.items()
        ):
            keep[i] = False
            continue
        seen.add(key)
        for s in known:
            index[s] += (i,)
        index.update(dict.fromkeys(shingles[i] - known, (i,)))  # new shingles, in one call
    if len(paragraphs) <= _MAX_PAIRWISE:
        _drop_contained(keys, tokens, keep, settings)
    return [p for p, k in zip(paragraphs, keep) if k]


def _drop_contained(keys: Sequence[str], tokens: Sequence[list[str]], keep: list[bool],
                    settings: CleanSettings) -> None:
    alive = [i for i, k in enumerate(keep) if k]
    padded = {i: f" {keys[i]} " for i in alive}
    # All of them in one string (keys have no newline): a key found there once, in itself,
    # is in no other paragraph, and most paragraphs skip the pairwise test.
    everything = "\n".join(padded.values())
    for i in alive:
        if len(tokens[i]) < settings.contained_duplicate_min_words:
            continue
        if everything.count(padded[i]) > 1 and any(
                j != i and keep[j] and len(keys[j]) > len(keys[i]) and padded[i] in padded[j]
                for j in alive):
            keep[i] = False


def repeated_non_sentences(lines: Sequence[str]) -> frozenset[str]:
    """Keys of lines that occur more than once in a document and are not sentences."""
    counts = Counter(line_key(t) for t in lines if not ends_sentence(t))
    return frozenset(k for k, n in counts.items() if n > 1 and k)


def strip_title(paragraphs: list[str], title: str | None) -> list[str]:
    """Drop the title when the body repeats it, or cut it off the first paragraph."""
    if not title or not paragraphs:
        return paragraphs
    title_key = line_key(title)
    first_key = line_key(paragraphs[0])
    if not title_key:
        return paragraphs
    if first_key == title_key:
        return paragraphs[1:]
    if first_key.startswith(title_key + " "):
        rest = _cut_prefix(paragraphs[0], title)
        if rest:
            return [rest, *paragraphs[1:]]
    return paragraphs


def _cut_prefix(text: str, prefix: str) -> str:
    """text minus a prefix that matches it up to spacing/case; '' if it does not."""
    ti = 0
    for char in prefix:
        if char.isspace():
            continue
        while ti < len(text) and text[ti].isspace():
            ti += 1
        if ti >= len(text) or text[ti].casefold() != char.casefold():
            return ""
        ti += 1
    return text[ti:].lstrip(" :–-")
