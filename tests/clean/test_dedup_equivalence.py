"""remove_duplicates keeps what the straightforward version of its rules keeps."""

from __future__ import annotations

from collections import Counter, defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from news_pipeline.clean.dedup import remove_duplicates
from news_pipeline.clean.lines import ends_sentence, line_key
from news_pipeline.clean.settings import DEFAULT_SETTINGS, CleanSettings


def _reference(paragraphs: list[str], settings: CleanSettings, boilerplate: list[str],
               repeated_keys: frozenset[str]) -> list[str]:
    """The rules as first written: tuple shingles, an index of lists, splits per use."""
    def shingles_of(key: str) -> frozenset[tuple[str, ...]]:
        tokens = key.split()
        if len(tokens) < 3:
            return frozenset({tuple(tokens)})
        return frozenset(zip(tokens, tokens[1:], tokens[2:]))

    keys = [line_key(p) for p in paragraphs]
    bad_keys = [k for k in (line_key(b) for b in boilerplate) if k]
    keep = [bool(k) for k in keys]
    seen: dict[str, int] = {}
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    shingles = [shingles_of(k) for k in keys]
    for i, key in enumerate(keys):
        if not keep[i]:
            continue
        if (key in repeated_keys and not ends_sentence(paragraphs[i])) or key in seen or (
                len(key.split()) >= 3 and any(key in bad for bad in bad_keys)):
            keep[i] = False
            continue
        candidates = Counter(j for s in shingles[i] for j in index.get(s, ()) if keep[j])
        if any(shared / len(shingles[i] | shingles[j]) >= settings.near_duplicate_jaccard
               for j, shared in candidates.items()):
            keep[i] = False
            continue
        seen[key] = i
        for s in shingles[i]:
            index[s].append(i)
    alive = [i for i, k in enumerate(keep) if k]
    for i in alive:
        if len(keys[i].split()) < settings.contained_duplicate_min_words:
            continue
        if any(j != i and keep[j] and len(keys[j]) > len(keys[i])
               and f" {keys[i]} " in f" {keys[j]} " for j in alive):
            keep[i] = False
    return [p for p, k in zip(paragraphs, keep) if k]


# A small vocabulary, so that paragraphs share 3-grams, contain each other and repeat.
_WORDS = st.sampled_from(["der", "Hund", "bellt", "laut", "und", "die", "Katze", "schläft",
                          "12", "3", "(Bild:", "AFP)", ".", "!"])
_PARAGRAPHS = st.lists(st.lists(_WORDS, max_size=12).map(" ".join), max_size=12)


@settings(max_examples=2000, deadline=None)
@given(_PARAGRAPHS, st.lists(st.lists(_WORDS, max_size=8).map(" ".join), max_size=3),
       st.sampled_from([0.0, 0.3, 0.8, 1.0]))
def test_remove_duplicates_equals_the_reference(paragraphs: list[str], boilerplate: list[str],
                                                jaccard: float) -> None:
    config = CleanSettings(near_duplicate_jaccard=jaccard)
    repeated = frozenset(line_key(p) for p in paragraphs[::3])
    assert (remove_duplicates(paragraphs, config, boilerplate, repeated)
            == _reference(paragraphs, config, boilerplate, repeated))
    assert (remove_duplicates(paragraphs, DEFAULT_SETTINGS)
            == _reference(paragraphs, DEFAULT_SETTINGS, [], frozenset()))
