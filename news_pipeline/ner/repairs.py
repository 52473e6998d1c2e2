"""Span repairs after the CRF: boundary and type errors that German orthography and the
lexicons settle, but that the 41k-token training set shows too rarely for the CRF to learn.

Each repair is a small function over (sentence words, spans) and can be switched off by name
in train_config.json ("repairs"), which is how each one was measured on the dev part.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from news_pipeline.ner.lexicon import TITLES, Lexicon
from news_pipeline.ner.spans import Span

# Words that are capitalised only because they start a sentence (or a quote); a name does
# not start with one of them ("Im Krieg", "Am Ende"). Definite articles are not among them:
# they begin titles and newspapers ("Das Boot", "Die Zeit").
FUNCTION_WORDS = frozenset({
    "im", "am", "ins", "ans", "vom", "zum", "zur", "beim", "in", "an", "auf", "aus", "bei",
    "mit", "nach", "seit", "von", "vor", "zu", "für", "gegen", "ohne", "um", "durch", "über",
    "unter", "zwischen", "wegen", "trotz", "während", "laut", "ein", "eine", "einen", "einem",
    "einer", "eines", "dieser", "diese", "dieses", "diesem", "diesen", "jeder", "jede", "alle",
    "auch", "aber", "und", "oder", "doch", "wie", "wenn", "als", "so", "nur", "noch", "schon",
    "es", "er", "sie", "wir", "ihr", "man", "dies", "dass", "da", "dann", "hier", "dort",
})
_ARTICLES = frozenset({"der", "die", "das", "den", "dem", "des"})
# Lower-case words that begin names (particles of surnames, brand spellings are not words).
NAME_PARTICLES = frozenset({"von", "van", "de", "der", "den", "du", "da", "di", "del", "la",
                            "le", "al", "el", "bin", "ibn", "ter", "zu", "vom", "zum"})
# "Frankfurt am Main", "Halle an der Saale", "Rothenburg ob der Tauber".
_RIVER_LINKS = (("am",), ("an", "der"), ("an", "dem"), ("ob", "der"))
# Head nouns after which an unknown capitalised word names a place
# ("Weltraumbahnhof Wostotschnij", "Region Saporoschje").
PLACE_HEADS = ("bahnhof", "flughafen", "hafen", "kosmodrom", "stadt", "region", "provinz",
               "dorf", "insel", "fluss", "bezirk", "gebiet", "oblast", "halbinsel")
_PLACE_KINDS = ("country", "place", "toponym")
# Heads of state names: "Demokratische Volksrepublik Korea", "Bundesrepublik Deutschland".
STATE_HEADS = ("republik", "königreich", "fürstentum", "emirat", "sultanat", "föderation")
# Country genitives are taken from the curated lists only: GeoNames' alternate names hold
# thousands of short foreign forms ("Jone") that are also English surnames.
_GENITIVE_KINDS = ("country", "toponym")


@dataclass(frozen=True)
class _Doc:
    """What the repairs need to know about the article beyond one sentence."""

    # surname-like tokens (last token of a PER span) -> (sentence, position) of each
    surnames: dict[str, list[tuple[int, int]]]


class SpanRepairs:
    """Applies the enabled repairs, in a fixed order, to one document's spans. Each repair
    gets one sentence: (index, words, its spans, document facts) -> its new spans."""

    def __init__(self, lexicon: Lexicon, enabled: Sequence[str]) -> None:
        self.lex = lexicon
        gaz = lexicon.gazetteers
        self.first_names = {e[0] for e in gaz.get("first", ()) if len(e) == 1}
        self.places = {e for kind in _PLACE_KINDS for e in gaz.get(kind, ())}
        self.countries = {e[0] for kind in _GENITIVE_KINDS for e in gaz.get(kind, ())
                          if len(e) == 1}
        self.orgs = gaz.get("org", set())
        self.org_max_len = max((len(e) for e in self.orgs), default=1)
        steps: dict[str, Callable] = {
            "split_person": self.split_person,
            "function_word_start": self.function_word_start,
            "lowercase_start": self.lowercase_start,
            "family_name_first": self.family_name_first,
            "river_place": self.river_place,
            "place_head": self.place_head,
            "org_gazetteer": self.org_gazetteer,
            "listed_org": self.listed_org,
            "state_name": self.state_name,
        }
        unknown = set(enabled) - set(steps)
        if unknown:
            raise ValueError(f"unknown repairs {sorted(unknown)}; known: {sorted(steps)}")
        self.steps = [steps[name] for name in steps if name in enabled]

    def apply(self, sentences: Sequence[Sequence[str]], spans: list[Span]) -> list[Span]:
        if not self.steps:
            return spans
        surnames: dict[str, list[tuple[int, int]]] = {}
        for s in spans:
            if s.label == "PER":
                surnames.setdefault(sentences[s.sentence][s.end - 1], []).append(
                    (s.sentence, s.end - 1))
        doc = _Doc(surnames)
        for step in self.steps:
            # every sentence, also those without spans: some repairs add names
            grouped: list[list[Span]] = [[] for _ in sentences]
            for span in spans:
                grouped[span.sentence].append(span)
            spans = [r for si, words in enumerate(sentences)
                     for r in step(si, words, grouped[si], doc)]
        return spans

    # ------------------------------------------------------------------ lexicon tests
    def _is_place(self, word: str) -> bool:
        return (word,) in self.places

    def _is_place_genitive(self, word: str) -> bool:
        return word.endswith("s") and self._is_place(word[:-1])

    def _is_country_genitive(self, word: str) -> bool:
        return word.endswith("s") and word[:-1] in self.countries

    def _is_noun(self, word: str) -> bool:
        return word in self.lex.nouns

    def _starts_person(self, word: str, doc: _Doc, span: Span) -> bool:
        """A first name, or a surname of a person found elsewhere in the article ("Putin"):
        evidence from the span itself does not count."""
        if word in self.first_names:
            return True
        return any(si != span.sentence or not span.start <= i < span.end
                   for si, i in doc.surnames.get(word, ()))

    # ------------------------------------------------------------------ repairs
    def split_person(self, si: int, words: Sequence[str], spans: list[Span],
                     doc: _Doc) -> list[Span]:
        """A country genitive or an acronym followed by a person inside one span is two names
        ("Russlands Putin", "DVRK Kim Jong-un", "Nordkoreas Machthaber Kim"): German puts
        the country before the person, the CRF joins the capitalised run."""
        result = []
        for span in spans:
            result.extend(self._split_one(words, span, doc))
        return result

    def _split_one(self, words: Sequence[str], span: Span, doc: _Doc) -> list[Span]:
        for k in range(span.start + 1, span.end):
            left = words[k - 1]
            is_acronym = left.isupper() and left.isalpha() and 3 <= len(left) <= 6
            if not (is_acronym or self._is_country_genitive(left)):
                continue
            j = k
            while j < span.end - 1 and words[j].lower() in TITLES:
                j += 1  # "Nordkoreas Machthaber Kim": the title belongs to neither name
            # "Kim" is also a GeoNames place, "Iran" also a first name: only countries veto
            if not self._starts_person(words[j], doc, span) or words[j] in self.countries:
                continue
            left_label = "LOC" if self._is_country_genitive(left) else span.label
            return [Span(span.sentence, span.start, k, left_label),
                    Span(span.sentence, j, span.end, "PER")]
        return [span]

    def function_word_start(self, si: int, words: Sequence[str], spans: list[Span],
                            doc: _Doc) -> list[Span]:
        """A name never starts with a preposition, pronoun or indefinite article that is
        capitalised only at the start of a sentence ("Im Krieg gibt es ..."); what remains is
        kept only if it is still a name (not just common nouns)."""
        result = []
        for span in spans:
            first = words[span.start]
            if not (self._sentence_initial(words, span.start) and first.lower() in FUNCTION_WORDS):
                result.append(span)
            elif not all(self._is_noun(w) for w in words[span.start + 1:span.end]):
                # "Im Allgäu" -> "Allgäu"; a one-word span leaves nothing (all() of nothing)
                result.append(Span(si, span.start + 1, span.end, span.label))
        return result

    @staticmethod
    def _sentence_initial(words: Sequence[str], i: int) -> bool:
        return i == 0 or words[i - 1] in ("„", '"', "“", "»", "«", ":", "(", "–", "-")

    def lowercase_start(self, si: int, words: Sequence[str], spans: list[Span],
                        doc: _Doc) -> list[Span]:
        """A multi-word name does not start with a lower-case common word (German writes
        adjectives and verbs lower-case outside names): drops quoted phrases such as
        „enge Freund des koreanischen Volkes“; keeps "von Weizsäcker", "iPhone"."""
        return [s for s in spans if s.end - s.start == 1 or not self._common_lower(words[s.start])]

    def _common_lower(self, word: str) -> bool:
        return (word.isalpha() and word.islower() and word not in NAME_PARTICLES
                and self.lex.zipf.get(word, 0) >= 3)

    def family_name_first(self, si: int, words: Sequence[str], spans: list[Span], doc: _Doc
                          ) -> list[Span]:
        """Between a title and a person name that starts with a first name, a rare unknown
        capitalised word belongs to the name: family name first ("Außenministerin Choe Son
        Hui") or a first name missing from the lists ("Chefinspektor Hadden Dolores")."""
        result = []
        for span in spans:
            i = span.start - 1
            if (span.label == "PER" and i >= 1 and words[span.start] in self.first_names
                    and self._is_title(words[i - 1]) and self._unknown_name_word(words[i])
                    and not any(s.start <= i < s.end for s in spans)):
                span = Span(si, i, span.end, "PER")
            result.append(span)
        return result

    def _is_title(self, word: str) -> bool:
        lower = word.lower()
        return word[:1].isupper() and lower not in _ARTICLES and (
            lower in TITLES or self._is_noun(word) or self._is_compound_noun(word))

    def _unknown_name_word(self, word: str) -> bool:
        return (word[:1].isupper() and word.isalpha() and not word.isupper()
                and not self._is_noun(word) and not self._is_compound_noun(word)
                and not self._is_place(word) and not self._is_place_genitive(word)
                and (word,) not in self.orgs and self.lex.zipf.get(word.lower(), 0) <= 3)

    def _is_compound_noun(self, word: str) -> bool:
        """German compounds end in a known noun ("Sportdirektor", "Olympiadritten"); the
        noun lexicon lists few of them as a whole."""
        return any(word[i:].capitalize() in self.lex.nouns for i in range(1, len(word) - 3))

    def river_place(self, si: int, words: Sequence[str], spans: list[Span],
                    doc: _Doc) -> list[Span]:
        """Place names with a river or mountain: "Komsomolsk am Amur", "Halle an der Saale"
        (the CRF stops at the lower-case link word)."""
        result = []
        for span in spans:
            if span.label == "LOC":
                span = self._extend_river(words, span, spans)
            result.append(span)
        return result

    def _extend_river(self, words: Sequence[str], span: Span, spans: list[Span]) -> Span:
        for link in _RIVER_LINKS:
            end = span.end + len(link)
            if (end < len(words) and tuple(words[span.end:end]) == link
                    and words[end].isalpha() and self._river_name(words[end])
                    and not any(s.start <= end < s.end for s in spans)):
                return Span(span.sentence, span.start, end + 1, "LOC")
        return span

    def _river_name(self, word: str) -> bool:
        # toponyms are listed even when they are also nouns ("Oder"); otherwise an unknown
        # capitalised word, not a common noun ("am Montag", "an der Grenze")
        if not word[:1].isupper():
            return False
        return self._is_place(word) or not self._is_noun(word)

    def place_head(self, si: int, words: Sequence[str], spans: list[Span], doc: _Doc) -> list[Span]:
        """An unknown capitalised word right after a place-type head noun is a place:
        "Weltraumbahnhof Wostotschnij", "Provinz Hebei"."""
        covered = {i for s in spans for i in range(s.start, s.end)}
        added = []
        for i in range(1, len(words)):
            head, word = words[i - 1], words[i]
            if (i not in covered and i - 1 not in covered and head[:1].isupper()
                    and head.lower().endswith(PLACE_HEADS) and word[:1].isupper()
                    and word.isalpha() and not self._is_noun(word)
                    and not (i + 1 < len(words) and words[i + 1][:1].isupper())):
                added.append(Span(si, i, i + 1, "LOC"))
        return sorted(spans + added, key=lambda s: s.start)

    def org_gazetteer(self, si: int, words: Sequence[str], spans: list[Span],
                      doc: _Doc) -> list[Span]:
        """Names listed as organisations (and not as places) are organisations, whatever the
        suffix suggests ("berichtete Bloomberg": -berg looks like a place)."""
        result = []
        for span in spans:
            key = tuple(words[span.start:span.end])
            if span.label != "ORG" and key in self.orgs and key not in self.places:
                span = Span(span.sentence, span.start, span.end, "ORG")
            result.append(span)
        return result

    def listed_org(self, si: int, words: Sequence[str], spans: list[Span],
                   doc: _Doc) -> list[Span]:
        """Multi-word organisations from the list that the CRF left untagged, also in the
        genitive ("bei den Vereinten Nationen", "Angaben des Weißen Hauses")."""
        covered = {i for s in spans for i in range(s.start, s.end)}
        added = []
        for i, word in enumerate(words):
            end = self._listed_org_end(words, i) if word[:1].isupper() else 0
            if end and not covered & set(range(i, end)):
                added.append(Span(si, i, end, "ORG"))
                covered.update(range(i, end))
        return sorted(spans + added, key=lambda s: s.start)

    def _listed_org_end(self, words: Sequence[str], i: int) -> int:
        """End of the longest multi-word listed organisation at word i, 0 if none."""
        for end in range(min(len(words), i + self.org_max_len), i + 1, -1):
            *rest, last = words[i:end]
            forms = [last] + [last[:-len(e)] for e in ("s", "es") if last.endswith(e)]
            if any((*rest, form) in self.orgs for form in forms):
                return end
        return 0

    def state_name(self, si: int, words: Sequence[str], spans: list[Span],
                   doc: _Doc) -> list[Span]:
        """A state head followed by a country or place name is a country, not an
        organisation ("der Demokratischen Volksrepublik Korea")."""
        result = []
        for span in spans:
            tokens = words[span.start:span.end]
            if (span.label != "LOC" and len(tokens) >= 2 and self._is_place(tokens[-1])
                    and tokens[-2].lower().endswith(STATE_HEADS)):
                span = Span(si, span.start, span.end, "LOC")
            result.append(span)
        return result
