"""Quotations in a German article, attributed to the entity mentions of their speakers.

Rules over the NER segmenter's sentences and tokens, in one pass; in each sentence:

1. Cues: each speech verb, source phrase or "heißt es" outside quotation marks claims the
   reported content it governs (the clause after "sagte,", the clause before "..., sagte X",
   the object holding a quoted fragment, the sentence a source phrase qualifies, the
   sentence before "Das teilte X mit.") and finds its speaker (subject, apposition, passive
   agent, source noun phrase, pronoun antecedent).
2. Context: a sentence in Konjunktiv I right after reported speech continues it, and a
   quotation that stands as a sentence of its own continues the speaker of its sentence or
   the sentence before (or of "Name: „...“").

Content that is one quotation is `direct`, content holding quoted fragments is `mixed`, and
content without any is `indirect`. Quotation marks that no cue claims (scare quotes, names,
titles) are not quotations. docs/quotes.md has the details.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import pairwise
from typing import Protocol

from news_pipeline.ner.text import Segmenter, TextSentence, Token
from news_pipeline.quotes import cues
from news_pipeline.quotes.marks import pair_quotes

KINDS = ("direct", "indirect", "mixed")
_PUNCT = frozenset(",.;:!?–—-()[]/")
_CLAUSE_BREAKS = frozenset({",", ";", ":"})
_SENTENCE_END = frozenset({".", "!", "?", "…"})
_APOSTROPHES = frozenset({"’", "‘", "'"})
_NUMBER_NOUN = re.compile(r"\d+-[A-ZÄÖÜ]")  # "der 46-Jährige"
_FINAL = frozenset({".", "!", "?", "…", ";", ":"})
_OPENING_MARKS = frozenset("„»«‚›‹“\"")
_CLOSING_MARKS = frozenset("“”«»‘’‹›\"")
_MARKS = _OPENING_MARKS | _CLOSING_MARKS
# A zu-infinitive written as one word: "weiterzuentwickeln", "bereitzustellen".
_ZU_INFINITIVE = re.compile(r"(?:an|auf|aus|bei|ein|fest|her|hin|mit|nach|vor|weiter|zurück|"
                            r"zusammen|ab|um|dar|bereit|durch|frei|statt|teil|los|wieder|fort|"
                            r"hoch|heraus|voran)zu\w{3,}")
# Particles that turn a speech verb into another verb: "sagte das Spiel ab", "sagte zu".
_FOREIGN_PARTICLES = frozenset({"ab", "zu", "um", "vorher", "nach", "auf", "vor", "fest",
                                "los", "weg"})
_MAX_GAP = 12  # tokens between a cue and the comma or colon that opens its content
_LAST_WORD = re.compile(r"(\w+)\W{0,3}$")
_WORD_BEFORE = re.compile(r"([\w-]+)\W{1,3}$")
# "an den Philosophen Arno Kessing": a person named in a prepositional phrase
_IN_PP = re.compile(r"\b(?:an|mit|von|vom|für|gegen|über|bei|beim|zu|zum|nach|neben|ohne|um|laut)"
                    r"(?:\s+\w+){1,3}\s*$", re.IGNORECASE)
# "..., sagte X" and "„...!“ sagte X": what precedes a cue whose content comes before it
# "Wolle man ...", "Gebe es ...": a sentence opening with its Konjunktiv I verb
_VERB_FIRST_SUBJECTS = frozenset({"man", "es", "er", "sie"})
_LEFT_OF_INVERTED_CUE = frozenset({",", "“", "”", "«", "»", "\""})


def _finite_verb(word: str) -> bool:
    return word in cues.AUXILIARIES or word in cues.KONJUNKTIV_II or cues.konjunktiv_i(word)


# A past-tense verb in -te(n) right after a comma, before "sich" or an adverb ("..., hörte
# sich allerdings ... an")
_PAST_VERB = re.compile(r"[a-zäöüß]{3,}te(?:n)?")


def _capitalised(word: str) -> bool:
    """A noun or name: a capital first, or a capital after a small first letter ("xAI",
    "eBay")."""
    return word[:1].isupper() or (word[:1].islower() and word[1:2].isupper())


def _ends_sentence(text: str) -> bool:
    """A sentence's final punctuation, or a number with the full stop the tokenizer keeps
    ("... im Vergleich zu 2019. „Die ...“"), before a quotation."""
    return text in _SENTENCE_END or (text[-1:] == "." and text[:-1].isdigit())


def _split_glued(tokens: Sequence[Token], glued: Sequence[int]) -> list[Token]:
    """Tokens with a sentence's end, the opening mark and the word after it apart, where the
    mark at one of the offsets `glued` lies inside a token ("CEO."Die" -> CEO . " Die)."""
    result = []
    for token in tokens:
        at = next((g for g in glued if token.start < g < token.end), None)
        if at is None:
            result.append(token)
            continue
        for start, end in ((token.start, at - 1), (at - 1, at), (at, at + 1), (at + 1, token.end)):
            if end > start:
                result.append(Token(token.text[start - token.start:end - token.start], start, end))
    return result


def _role_stem(word: str) -> str | None:
    """The role of a person noun, either gender: "minister" for "Integrationsministerin" and
    "Bundesminister", "chef" for "Konzernchefin"; None for other words."""
    if word.endswith("in") and word[:-2].endswith(cues.PERSON_ROLES):
        word = word[:-2]
    return next((r for r in cues.PERSON_ROLES if word.endswith(r)), None)


def _role_gender(word: str) -> str | None:
    """"f" for "ministerin", "m" for "minister" or "frau"/"herr", None for other words."""
    if word in cues.FEMALE_TITLES or word.endswith(cues.FEMININE_ROLE_ENDINGS):
        return "f"
    if word in cues.MALE_TITLES or word.endswith(cues.PERSON_ROLES):
        return "m"
    return None


class MentionLike(Protocol):
    """An entity mention: the NER's Mention, a row of the `mentions` table, or anything with
    these attributes. An `entity_id` attribute, where present, links speakers to entities."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def label(self) -> str: ...

    @property
    def text(self) -> str: ...


@dataclass(frozen=True)
class Quote:
    """A quotation, as the `quotes` table holds it; `text == article_text[start:end]`.

    quote_id: 16 hex digits of SHA-1 over kind, start, end and text: stable for the same
    article text, independent of the article's id (combine the two for a global key).
    speaker: the speaker as written (for a pronoun, its antecedent), or None.
    cue: the words that attribute the quotation ("sagte", "teilte … mit", "laut", "so",
    "heißt es in"); for a continuing sentence the cue it continues; None for a sentence
    that is a quotation attributed by the sentence before it, or to no one.
    sentence_index: the NER segmenter's index of the sentence the quotation starts in.
    """

    quote_id: str
    kind: str
    text: str
    start: int
    end: int
    speaker: str | None
    speaker_entity_id: str | None
    cue: str | None
    sentence_index: int


@dataclass(frozen=True)
class _Speaker:
    text: str
    entity_id: str | None
    at: int  # character offset, for pronoun resolution
    named: bool  # holds an entity mention ("Kuleba", "der Kreml"), not only nouns ("Genetiker")


@dataclass(frozen=True)
class _Cue:
    kind: str  # verb, object, heissen, so, laut, zufolge, angaben, relative
    lemma: str
    first: int  # token indexes in the unit, inclusive
    last: int


@dataclass
class _Found:
    first: int  # content tokens [first, end) of its unit
    end: int
    cue: str | None
    speaker: _Speaker | None
    unit: int


@dataclass
class _Unit:
    """Consecutive segmenter sentences, joined where a quotation or a ", sagte er" runs on
    across a sentence end."""

    tokens: list[Token]
    lower: list[str] = field(default_factory=list)
    pair: list[int] = field(default_factory=list)  # per token: its quotation pair or -1
    mention: list[int] = field(default_factory=list)  # per token: its mention or -1
    found: list[_Found] = field(default_factory=list)  # content in this unit
    said: _Found | None = None  # the last content a cue in this unit attributes
    # a speech act without content ("Lindqvist berichtete über die Proben."): its speaker is
    # the voice of a quotation or a Konjunktiv sentence that follows
    voice: _Found | None = None


def _surname(mention: MentionLike) -> str:
    words = mention.text.split()
    return words[-1].lower() if words else ""


def _entity_id(mention: MentionLike) -> str | None:
    value = getattr(mention, "entity_id", None)
    # a pandas row's missing id is NaN, which is not equal to itself
    return None if value is None or value != value else str(value)


class QuoteExtractor:
    """Holds the segmenter (its tokenizer takes ~0.3 s to build): build one per process."""

    @cached_property
    def segmenter(self) -> Segmenter:
        # Built on first use: a caller that passes the NER's sentences never needs it.
        return Segmenter()

    def extract(self, text: str, mentions: Sequence[MentionLike],
                sentences: Sequence[TextSentence] | None = None) -> list[Quote]:
        """`sentences`: the NER segmenter's sentences of `text`, where the caller has them;
        segmenting again is most of the cost of extraction (docs/quotes.md, Speed)."""
        if not text.strip():
            return []
        if sentences is None:
            sentences = list(self.segmenter.sentences(text))
        return _Article(text, sentences, mentions).quotes()


@cache
def _default_extractor() -> QuoteExtractor:
    return QuoteExtractor()


def extract_quotes(text: str, mentions: Sequence[MentionLike],
                   sentences: Sequence[TextSentence] | None = None) -> list[Quote]:
    """The quotations of `text` (an article's cleaned text) in text order; `mentions` are
    its entity mentions, in any order."""
    return _default_extractor().extract(text, mentions, sentences)


class _Article:
    def __init__(self, text: str, sentences: Sequence[TextSentence],
                 mentions: Sequence[MentionLike]) -> None:
        self.text = text
        self.sentence_starts = [s.tokens[0].start for s in sentences]
        self.pairs = pair_quotes(text)
        self.pair_opens = [p.open for p in self.pairs]
        self.mentions = sorted(mentions, key=lambda m: (m.start, m.end))
        self.mention_ends = [m.end for m in self.mentions]
        self.units = self._units(sentences)
        self.title_pairs = self._title_pairs()
        self.name_pairs = self._name_pairs()
        # PER and ORG mentions outside quotations, for pronoun antecedents
        self.antecedents = [i for i, m in enumerate(self.mentions)
                            if m.label in ("PER", "ORG") and self._pair_at(m.start) < 0]
        self.antecedent_starts = [self.mentions[m].start for m in self.antecedents]
        self.reported: set[int] = set()  # mentions inside reported content
        self.genders: dict[str, str | None] = {}  # a person's last name -> "f", "m" or None
        self.roles: dict[str, str | None] = {}  # a person's last name -> role stem or None
        self.last_speaker: _Speaker | None = None
        self.unnamed = self._unnamed_persons()

    def _pair_at(self, offset: int) -> int:
        p = bisect_right(self.pair_opens, offset) - 1
        return p if p >= 0 and offset <= self.pairs[p].close else -1

    # -- units ------------------------------------------------------------------------------

    def _units(self, sentences: Sequence[TextSentence]) -> list[_Unit]:
        units: list[_Unit] = []
        # 'so der Chef."Die Branche ...', 'im Rat.»Wir ...': a quotation opened right after
        # a sentence's end, inside one token of the segmenter's
        glued = [p.open for p in self.pairs
                 if p.open and self.text[p.open - 1] in ".!?:" and self.text[p.open] in '"„»«“']
        for sentence in sentences:
            tokens = sentence.tokens
            if glued and any(tokens[0].start < g < tokens[-1].end for g in glued):
                tokens = _split_glued(tokens, glued)
            gap = self.text[units[-1].tokens[-1].end:tokens[0].start] if units else "\n"
            runs_on = "\n" not in gap and units and (
                tokens[0].text == "," or (tokens[0].text[:1].islower()
                                          and units[-1].tokens[-1].text in "“”«»‘’\""))
            pair = self._pair_at(tokens[0].start)
            # a quotation opened in the sentence before (not one whose lost opening mark
            # stands for the paragraph's start, in the gap between them)
            inside = pair >= 0 and bool(units) and self.pairs[pair].open < units[-1].tokens[-1].end
            if runs_on or inside:
                units[-1].tokens = units[-1].tokens + tokens
            else:
                units.append(_Unit(list(tokens)))
        for unit in units:
            unit.lower = [t.text.lower() for t in unit.tokens]
            first, last = unit.tokens[0].start, unit.tokens[-1].end
            p = bisect_right(self.pair_opens, last) - 1
            if (p >= 0 and self.pairs[p].close >= first) or self._pair_at(first) >= 0:
                unit.pair = [self._pair_at(t.start) for t in unit.tokens]
            else:
                unit.pair = [-1] * len(unit.tokens)
        return units

    def _mentions(self, unit: _Unit) -> list[int]:
        """Per token of the unit: the index of the mention it is part of, or -1 (built on
        first use: most sentences never need it)."""
        if not unit.mention:
            m = bisect_right(self.mention_ends, unit.tokens[0].start)
            for token in unit.tokens:
                while m < len(self.mentions) and self.mentions[m].end <= token.start:
                    m += 1
                unit.mention.append(m if m < len(self.mentions)
                                    and self.mentions[m].start < token.end else -1)
        return unit.mention

    def _unnamed_persons(self) -> list[tuple[_Speaker, str]]:
        """"Der Mann", "Die Frau" opening a sentence outside quotation marks: (speaker, gender)."""
        found = []
        for unit in self.units:
            lower, tokens = unit.lower, unit.tokens
            if len(tokens) > 2 and lower[0] in ("der", "die") and unit.pair[0] < 0 and \
                    cues.UNNAMED_PERSONS.get(lower[1]) == ("m" if lower[0] == "der" else "f"):
                found.append((_Speaker(tokens[1].text, None, tokens[1].start, False),
                              cues.UNNAMED_PERSONS[lower[1]]))
        return found

    def _title_pairs(self) -> set[int]:
        """Quotation pairs that are titles or scare quotes ("der Film „...“", "die sogenannte „...“")."""
        titles = set()
        for index, pair in enumerate(self.pairs):
            before = _LAST_WORD.search(self.text, max(0, pair.open - 40), pair.open)
            word = before.group(1).lower() if before else ""
            # Industrie-„Strompreis“, „Sturm der Liebe“-Cast
            glued = (pair.open > 0 and self.text[pair.open - 1] == "-") or \
                self.text[pair.close + 1:pair.close + 2] == "-"
            if word in cues.SCARE_MARKERS or word.endswith(cues.TITLE_NOUNS) or glued:
                titles.add(index)
        return titles

    def _name_pairs(self) -> set[int]:
        """Quoted names: two or more words, all capitalised („Islamischer Staat“)."""
        names = set()
        for index, pair in enumerate(self.pairs):
            words = self.text[pair.open + 1:pair.close].split()
            if len(words) >= 2 and all(w[:1].isupper() for w in words):
                names.add(index)
        return names

    # -- passes -----------------------------------------------------------------------------

    def quotes(self) -> list[Quote]:
        for k, unit in enumerate(self.units):
            self._cues(k, unit)
            self._context(k, unit)
        quotes = [self._quote(f) for unit in self.units for f in unit.found]
        return sorted((q for q in quotes if q is not None), key=lambda q: q.start)

    def _cues(self, k: int, unit: _Unit) -> None:
        after = 0  # cues inside content already found are part of it
        for i in [i for i, w in enumerate(unit.lower) if w in cues.TRIGGERS]:
            if i < after or unit.pair[i] >= 0:
                continue
            cue = self._cue_at(unit, i)
            found = self._attribute(k, unit, cue) if cue else []
            if cue and not found and cue.kind == "verb" and unit.voice is None:
                speaker = self._subject(unit, cue, self._segment_start(unit, cue.first))
                if speaker is not None and speaker.named:
                    unit.voice = _Found(0, 0, self._cue_text(unit, cue), speaker, k)
            for f in [part for each in found for part in self._split_at_colon(each)]:
                self._add(f)
                unit.said = f
                if f.speaker:
                    self.last_speaker = f.speaker
            if cue and found:
                # the cue's own clause ("..., betonte X seinem Redetext zufolge") is done too
                after = max([self._clause_end(unit, cue.last + 1)]
                            + [f.end for f in found if f.unit == k])

    def _context(self, k: int, unit: _Unit) -> None:
        """What the cues left: a sentence in Konjunktiv I continuing the reported speech of
        the sentence before, and sentences that are one quotation ("„...“, schrieb die NASA.
        „Kein Abonnement erforderlich.“"), attributed to the speaker of this sentence's or
        else the previous sentence's cue."""
        previous = self._previous_said(k)
        head = self._unclaimed_head(unit)
        if previous is None and head:
            previous = self._said_across(k, unit, head)
        # "X begrüßt die Regeln – auch wenn das zu spät komme": a speech act without content
        # of its own sentence is no continuation of the speech before
        if previous and head and unit.voice is None and self._continues(k, unit, previous, head):
            end = self._continuation_end(unit, head)
            # "Ein Thema sei die Schaffung von Plätzen: „...“" is two quotations, "heiße das:
            # „...“" one
            parts = self._split_at_colon(_Found(0, end, previous.cue, previous.speaker, k))
            if len(parts) == 1 or self._introduces(unit, parts[0].end):
                parts = [_Found(self._quotation_after_colon(unit, end), end, previous.cue,
                                previous.speaker, k)]
            for found in parts:
                self._add(found)
            unit.said = unit.said or parts[-1]
            if end == len(unit.tokens):
                return
        source = unit.said or unit.voice or previous
        for first, end in self._lone_quotes(unit):
            speaker = self._introducer(unit, first) or (source.speaker if source else None)
            if speaker is None and source is None:
                speaker = self._person_before(k, unit, first)
            found = _Found(first, end, None, speaker, k)
            self._add(found)
            unit.said = unit.said or found

    def _previous_said(self, k: int) -> _Found | None:
        """What the sentence before unit k said (or the voice of its speech act), looking
        past a heading or a short exclamation ("Durch Erneuerung!") between them."""
        for before in range(k - 1, max(k - 4, -1), -1):
            unit = self.units[before]
            if self._heading(unit):
                continue  # "Berger: „...“" or "„Ganz vorn dabei“" between two paragraphs
            said = unit.said or unit.voice
            if said:
                return said
            short = len(unit.tokens) <= 6 and sum(t.text not in _PUNCT for t in unit.tokens) <= 3
            if (unit.tokens[-1].text in _SENTENCE_END and not short) or unit.pair[-1] >= 0:
                return None
        return None

    def _heading(self, unit: _Unit) -> bool:
        """A line of its own of at most 15 words that does not end like a sentence (also
        where it is a quotation or holds one: "Berger: „Wir bleiben dabei“")."""
        tokens = unit.tokens
        if tokens[-1].text in _FINAL or len(tokens) > 30:
            return False
        last = len(tokens) - 1
        while last > 0 and tokens[last].text in _MARKS:
            last -= 1
        if tokens[last].text in _FINAL:
            return False
        before = self.text.rfind("\n", 0, tokens[0].start)
        after = self.text.find("\n", tokens[-1].end)
        return not self.text[before + 1:tokens[0].start].strip() and (
            after < 0 or not self.text[tokens[-1].end:after].strip()) and \
            sum(t.text not in _PUNCT for t in tokens) <= 15

    def _unclaimed_head(self, unit: _Unit) -> int:
        """End of the sentences that open the unit before the first one a cue claimed
        content in (a unit joins sentences where a quotation runs on): these may continue
        the reported speech before them."""
        if not unit.found:
            return 0 if unit.said else len(unit.tokens)
        first = min(f.first for f in unit.found)
        return next((j + 1 for j in range(first - 1, 0, -1)
                     if unit.tokens[j].text in _SENTENCE_END and unit.pair[j] < 0), 0)

    def _quotation_after_colon(self, unit: _Unit, end: int) -> int:
        """"..., heiße das: „Wir dürfen ...“": a continuing sentence whose colon introduces
        one quotation to its end says those words; else it says the whole sentence (0)."""
        colon = next((j for j in range(end) if unit.tokens[j].text == ":" and unit.pair[j] < 0), -1)
        last = end
        while last > colon + 1 and unit.tokens[last - 1].text in _FINAL and unit.pair[last - 1] < 0:
            last -= 1
        if colon < 0 or colon + 1 >= last:
            return 0
        pair = unit.pair[colon + 1]
        return colon + 1 if pair >= 0 and all(p == pair for p in unit.pair[colon + 1:last]) else 0

    def _said_across(self, k: int, unit: _Unit, head: int) -> _Found | None:
        """Reported speech goes on in Konjunktiv I past one sentence of the writer's between
        ("Darunter fielen etwa ... . Das sei ...") where that sentence names no one else."""
        if k < 2 or self.units[k - 1].found or self.units[k - 1].pair[-1] >= 0:
            return None
        between = self.units[k - 1]
        previous = self._previous_said(k - 1)  # the cheap tests first: most sentences stop here
        if previous is None or previous.speaker is None or not any(
                cues.konjunktiv_i(t.text) for t, p in zip(unit.tokens[:head], unit.pair) if p < 0):
            return None
        name = previous.speaker.text.split()[-1].lower()
        for m in {m for m, p in zip(self._mentions(between), between.pair) if m >= 0 and p < 0}:
            mention = self.mentions[m]
            if mention.label in ("PER", "ORG") and name not in mention.text.lower():
                return None
        return previous

    def _continues(self, k: int, unit: _Unit, previous: _Found, head: int) -> bool:
        """Does a sentence without a cue continue the reported speech before it? Konjunktiv
        I does ("Die Lage sei ernst."); Konjunktiv II where the sentence before is reported
        speech itself ("Vielleicht würden die Gespräche den Streit beenden.")."""
        end = self._continuation_end(unit, head)
        words = [t.text for t, p in zip(unit.tokens[:end], unit.pair[:end]) if p < 0]
        if len(words) > 1 and words[1] in _VERB_FIRST_SUBJECTS and cues.konjunktiv_i(words[0].lower()):
            return True  # "Wolle man helfen, müssten ...": the verb first
        for j, w in enumerate(words):
            # not "Ich hoffe, ...": a first person is direct speech without marks
            if cues.konjunktiv_i(w) and (j == 0 or words[j - 1].lower() != "ich") and (
                    j + 1 == len(words) or words[j + 1].lower() != "ich"):
                return True
        if previous.end <= previous.first:
            return False
        # a quoted fragment of three words or more: 'Die Firma ist „zu 100 Prozent
        # exportorientiert“' right after its speaker's words, in the same paragraph
        fragment = self._fragment(unit, end) and not self._names_other(unit, end, previous.speaker)
        if fragment and previous.unit == k - 1 and "\n" not in self.text[
                self.units[k - 1].tokens[-1].end:unit.tokens[0].start]:
            return True
        if previous.unit != k - 1 and not fragment:  # Konjunktiv II with one: past a heading
            return False
        # in its main clause, before any indicative ("..., die ... darstellen würden" is a
        # relative clause); "dürfte" is a guess of the writer's, no report
        clause = self._clause_end(unit, 0)
        for j, (t, p) in enumerate(zip(unit.tokens[:clause], unit.pair[:clause])):
            if p < 0 and t.text in cues.MAIN_CLAUSE_VERBS:
                return False
            if p < 0 and t.text in cues.KONJUNKTIV_II and t.text not in ("dürfte", "dürften"):
                # "Sie führen mit 2:1 und würden ... siegen": a second verb of the writer's
                return j == 0 or unit.lower[j - 1] not in ("und", "oder")
        return False

    def _names_other(self, unit: _Unit, end: int, speaker: _Speaker | None) -> bool:
        """Do tokens [0, end), outside quotation marks, name a person other than the speaker
        ("Für Name ist klar, dass „...“" is Name's)?"""
        name = speaker.text.split()[-1].lower() if speaker and speaker.text.split() else ""
        return any(m >= 0 and p < 0 and self.mentions[m].label == "PER"
                   and (not name or name not in self.mentions[m].text.lower())
                   for m, p in zip(self._mentions(unit)[:end], unit.pair[:end]))

    def _fragment(self, unit: _Unit, end: int) -> bool:
        """Do tokens [0, end) hold a quoted fragment of three words or more (no title, no
        name) besides words of the writer's?"""
        # not a quotation a colon introduces ("Sein Fazit: „...“"): one of its own
        pairs = {p for j, p in enumerate(unit.pair[:end])
                 if p >= 0 and (j == 0 or unit.pair[j - 1] != p)
                 and (j == 0 or unit.tokens[j - 1].text != ":")}
        if not pairs or all(p >= 0 or t.text in _PUNCT for t, p in zip(unit.tokens[:end], unit.pair)):
            return False
        return any(p not in self.title_pairs and p not in self.name_pairs and len(
            self.text[self.pairs[p].open + 1:self.pairs[p].close].split()) >= 3 for p in pairs)

    def _continuation_end(self, unit: _Unit, head: int) -> int:
        """A continuing sentence ends before a quotation that stands as a sentence of its own
        after it ("Aber das gehe nicht. „Ich lasse mich nicht ...“"), and before the
        sentences a cue claimed."""
        for j in range(1, head - 1):
            if _ends_sentence(unit.tokens[j].text) and unit.pair[j] < 0 and unit.pair[j + 1] >= 0 \
                    and unit.pair[j + 1] != unit.pair[j - 1]:
                return j + 1
        return head

    def _lone_quotes(self, unit: _Unit) -> list[tuple[int, int]]:
        """Token ranges of quotations that stand as sentences of their own and no cue claimed."""
        if unit.pair[-1] < 0 and max(unit.pair) < 0:
            return []
        claimed = [(f.first, f.end) for f in unit.found]
        lone, n, i = [], len(unit.tokens), 0
        while i < n:
            pair = unit.pair[i]
            if pair < 0:
                i += 1
                continue
            end = i
            while end < n and unit.pair[end] == pair:
                end += 1
            alone = (i == 0 or unit.tokens[i - 1].text in _FINAL
                     or _ends_sentence(unit.tokens[i - 1].text)) and (
                end == n or unit.tokens[end].text in _FINAL)
            if alone and pair not in self.title_pairs and self._sentence_like(pair, unit, i) and not any(
                    a < end and i < b for a, b in claimed):
                lone.append((i, end))
            i = end
        return lone

    def _person_before(self, k: int, unit: _Unit, first: int) -> _Speaker | None:
        """"Sportchef X ist Tag und Nacht auf Achse. „Es ist intensiver denn je.“": a quotation
        no cue attributes, after a sentence that names one person (outside quotation marks
        and reported speech), is that person's."""
        named: list[MentionLike] = []
        places = [(self.units[k - 1], len(self.units[k - 1].tokens))] if k else []
        for place, stop in [*places, (unit, first)]:
            for m, p in zip(self._mentions(place)[:stop], place.pair[:stop]):
                mention = self.mentions[m] if m >= 0 and p < 0 and m not in self.reported else None
                if mention is not None and mention.label == "PER" and (not named or named[-1] is not mention):
                    named.append(mention)
        if not named or len({m.text.split()[-1] for m in named}) > 1:
            return None
        mention = named[-1]
        return _Speaker(mention.text, _entity_id(mention), mention.start, True)

    def _introducer(self, unit: _Unit, first: int) -> _Speaker | None:
        """"Ministerin Schulze: „...“", "Brakenfeld beglückwünschte die Gewinner: „...“":
        the subject of the clause a colon ends introduces the quotation after it."""
        if first == 0 or unit.tokens[first - 1].text != ":":
            return None
        start = self._segment_start(unit, first - 1)
        dash = next((j for j in range(first - 2, max(start, first - 7), -1)
                     if unit.tokens[j].text in ("-", "–") and unit.pair[j] < 0), None)
        if dash is not None:
            start = dash + 1  # a heading's "... - Präsident: „...“"
        if unit.lower[start] in ("und", "aber", "doch") and start + 1 < first - 1:
            start += 1  # "Und Lindqvist legte noch nach: „...“"
        np = self._np(unit, start, first - 1)
        if np is None or unit.lower[start] in cues.FRONTED or unit.lower[np[1] - 1] in cues.LABEL_NOUNS:
            return None  # "Sein Fazit: „...“" names what is said, not who says it
        named = any(self._mention_label(unit, j) in ("PER", "ORG") for j in range(*np))
        if np[1] == first - 1 or named:
            speaker, _ = self._speaker_after(unit, start, allow_pp=False)
            return speaker
        return None

    def _sentence_like(self, pair: int, unit: _Unit, first: int) -> bool:
        """Long enough or ending like a sentence, unlike a quoted name standing alone; three
        words after a person's "Name:" ("Berger: „Wir bleiben dabei“")."""
        quoted = self.pairs[pair]
        words = self.text[quoted.open + 1:quoted.close].split()
        if len(words) == 3 and first and unit.tokens[first - 1].text == ":":
            speaker = self._introducer(unit, first)
            return speaker is not None and self._is_person(speaker)
        return len(words) >= 4 or (bool(words) and words[-1][-1] in ".!?…")

    def _introduces(self, unit: _Unit, colon: int) -> bool:
        """Does the clause before a colon only introduce what follows, its verb and a pronoun
        ("Für die Stadt heiße das:"), unlike "Ein Thema sei der Ausbau der Kitas:"?"""
        start = self._clause_start(unit, 0, colon)
        verb = next((j for j in range(colon - 1, start - 1, -1) if _finite_verb(unit.tokens[j].text)), start)
        return colon - verb <= 2

    def _split_at_colon(self, found: _Found) -> list[_Found]:
        """"Es stehe ihnen frei, ... auszusetzen: „Niemand soll ...“, so X": reported speech
        whose colon introduces one quotation to its end is two quotations."""
        unit = self.units[found.unit]
        end = found.end
        while end > found.first and unit.tokens[end - 1].text in _FINAL and unit.pair[end - 1] < 0:
            end -= 1
        colon = next((j for j in range(found.first, end)
                      if unit.tokens[j].text == ":" and unit.pair[j] < 0), -1)
        if colon < 0 or colon + 1 >= end or unit.pair[colon + 1] < 0 \
                or any(p != unit.pair[colon + 1] for p in unit.pair[colon + 1:end]):
            return [found]
        before = [t.text for t, p in zip(unit.tokens[found.first:colon], unit.pair[found.first:colon])
                  if p < 0 and t.text not in _PUNCT]
        if len(before) < 5 or not any(_finite_verb(w) for w in before):
            return [found]
        return [_Found(found.first, colon, found.cue, found.speaker, found.unit),
                _Found(colon + 1, found.end, found.cue, found.speaker, found.unit)]

    def _add(self, found: _Found) -> None:
        unit = self.units[found.unit]
        unit.found.append(found)
        # people named inside reported speech are not antecedents of a later "sagte er"
        self.reported.update(m for m in self._mentions(unit)[found.first:found.end] if m >= 0)

    # -- cues -------------------------------------------------------------------------------

    def _cue_at(self, unit: _Unit, i: int) -> _Cue | None:
        lower = unit.lower[i]
        if lower in cues.INVERTED_ONLY:
            if not self._after_quotation(unit, i):
                return None if lower not in cues.SICH_ZEIGEN else self._zeigen(unit, i)
            last = i + 1 if i + 1 < len(unit.tokens) and unit.lower[i + 1] == "sich" else i
            return _Cue("verb", "zeigen" if lower in cues.SICH_ZEIGEN else "wissen", i, last)
        if i and unit.tokens[i].text[:1].isupper() and unit.tokens[i - 1].text not in _OPENING_MARKS:
            return self._source_cue(unit, i, lower)  # a noun ("Fragen"), not a verb
        if lower in cues.SEPARABLE_STEMS:
            end = self._clause_end(unit, i + 1)
            particles = cues.SEPARABLE_STEMS[lower]
            if end - 1 > i and unit.lower[end - 1] in particles:
                return _Cue("verb", particles[unit.lower[end - 1]], i, end - 1)
            if i and unit.lower[i - 1] in particles:  # written apart at a clause end: "bekannt gaben"
                return _Cue("verb", particles[unit.lower[i - 1]], i - 1, i)
        if lower in cues.SPEECH_VERBS:
            end = self._clause_end(unit, i + 1)
            if end - 1 > i and unit.lower[end - 1] in _FOREIGN_PARTICLES:
                return None
            return _Cue("verb", cues.SPEECH_VERBS[lower], i, i)
        if lower in cues.SEPARABLE_WHOLE:
            return _Cue("verb", cues.SEPARABLE_WHOLE[lower], i, i)
        if lower in cues.OBJECT_VERBS:
            return _Cue("object", cues.OBJECT_VERBS[lower], i, i)
        return self._source_cue(unit, i, lower)

    @staticmethod
    def _zeigen(unit: _Unit, i: int) -> _Cue | None:
        """"zeigte sich „besorgt“": a cue only with a quoted word (see _object)."""
        if i + 1 < len(unit.tokens) and unit.lower[i + 1] == "sich":
            return _Cue("object", "zeigen", i, i + 1)
        return None

    @staticmethod
    def _after_quotation(unit: _Unit, i: int) -> bool:
        """The cue right after a quotation's closing mark, with or without a comma:
        "„...“, weiß X", "„...!“ weiß X"."""
        j = i - 1 if i and unit.tokens[i - 1].text == "," else i
        return j >= 1 and unit.pair[j - 1] >= 0 and unit.tokens[j - 1].text in _CLOSING_MARKS

    def _source_cue(self, unit: _Unit, i: int, lower: str) -> _Cue | None:
        if lower in cues.HEISSEN:
            if i + 1 < len(unit.tokens) and unit.lower[i + 1] == "es":
                return _Cue("heissen", "heißen", i, i + 1)
            if i and unit.lower[i - 1] == "es":
                return _Cue("heissen", "heißen", i - 1, i)
            return None
        if lower == "so" and i and unit.tokens[i - 1].text == ",":
            return _Cue("so", "so", i, i)
        if lower == cues.LAUT and (i == 0 or unit.lower[i - 1] not in cues.LAUT_ADJECTIVE_BEFORE):
            return _Cue("laut", "laut", i, i)
        if lower == cues.ZUFOLGE:
            return _Cue("zufolge", "zufolge", i, i)
        if lower in cues.RELATIVE_SOURCES and i >= 2 and unit.tokens[i - 1].text == ",":
            return _Cue("relative", lower, i, i)
        if lower == "nach" and i >= 2 and unit.lower[i - 1] in cues.ANGABEN_NOUNS \
                and unit.lower[i - 2] in cues.POSSESSIVES:  # "Seinen Angaben nach"
            return _Cue("angaben", "possessive", i - 2, i)
        if lower == "nach" and i + 2 < len(unit.tokens) and unit.lower[i + 1] in cues.POSSESSIVES \
                and unit.lower[i + 2] in cues.ANGABEN_NOUNS:  # "nach ihren Worten"
            return _Cue("angaben", "possessive", i, i + 2)
        if lower == "nach" and i + 2 < len(unit.tokens) and unit.lower[i + 1] in cues.OWN \
                and unit.lower[i + 2] in cues.ANGABEN_NOUNS:
            return _Cue("angaben", "eigenen", i, i + 2)
        if lower == "nach" and i + 1 < len(unit.tokens):
            after = unit.lower[i + 1]
            if after in cues.ANGABEN_NOUNS or (after.endswith(cues.ANGABEN_SUFFIX) and after != "angaben"
                                               and unit.tokens[i + 1].text[:1].isupper()):
                return _Cue("angaben", "angaben", i, i + 1)
        return None

    def _attribute(self, k: int, unit: _Unit, cue: _Cue) -> list[_Found]:
        handler = {"verb": self._verb, "object": self._object, "heissen": self._heissen,
                   "so": self._so, "laut": self._laut, "zufolge": self._zufolge,
                   "angaben": self._angaben, "relative": self._relative}[cue.kind]
        return handler(k, unit, cue)

    def _cue_text(self, unit: _Unit, cue: _Cue) -> str:
        first, last = unit.tokens[cue.first], unit.tokens[cue.last]
        if cue.kind != "verb" or cue.last - cue.first <= 1:  # only separable verbs have a gap
            return self.text[first.start:last.end]
        return f"{first.text} … {last.text}"

    # -- speech verbs -----------------------------------------------------------------------

    def _verb(self, k: int, unit: _Unit, cue: _Cue) -> list[_Found]:
        if cue.lemma in cues.VOICE_ONLY:
            return []
        if cue.first and unit.lower[cue.first - 1] == "zu":  # "Nein zu sagen, ...": no speech act
            return []
        if "nicht" in unit.lower[max(cue.first - 1, 0):cue.first + 2]:
            return []  # "sagte nicht, ob ...", "Das ist nicht gesagt": nothing was said
        start = self._segment_start(unit, cue.first)
        if unit.lower[cue.first] == cue.lemma and any(
                w in cues.MODALS for w in unit.lower[self._clause_start(unit, start, cue.first):cue.first]):
            return []  # "sollte der Arzt erklären, warum ...": an infinitive after a modal
        text = self._cue_text(unit, cue)
        clause = self._clause_start(unit, start, cue.first)
        if unit.lower[clause] == "wie" and clause < cue.first:
            return self._wie(k, unit, cue, clause, text)
        after = cue.last + 1
        if cue.first - 1 > start and unit.tokens[cue.first - 1].text in _LEFT_OF_INVERTED_CUE:
            left = self._left(k, unit, cue, start, text)
            if left:
                return left
        speaker = self._subject(unit, cue, start)
        if speaker is None and cue.first and unit.lower[cue.first - 1] in (",", "und") \
                and unit.said is not None and unit.said.unit == k and unit.said.speaker is not None:
            # "„...“, weiß X, warnt aber: „...“": a verb coordinated without a subject of
            # its own has the subject of the cue before it
            speaker = unit.said.speaker
        gap_end = self._clause_end(unit, after)
        # "X sagte am Mittwoch in einem Grußwort zur Tagung des ... laut Manuskript: „...“":
        # a colon before a quotation ends a long clause too
        colon_quote = gap_end + 1 < len(unit.tokens) and unit.tokens[gap_end].text == ":" \
            and unit.pair[gap_end + 1] >= 0 and gap_end - after <= 3 * _MAX_GAP
        if (gap_end - after <= _MAX_GAP or colon_quote) and gap_end < len(unit.tokens):
            mark = unit.tokens[gap_end].text
            if mark == ":":
                if gap_end + 1 < self._last_word(unit):
                    return [_Found(gap_end + 1, self._last_word(unit), text, speaker, k)]
                # "sagte:" ending a line: the quotation that opens the next one
                if k + 1 < len(self.units) and self.units[k + 1].pair[0] >= 0:
                    return [_Found(0, len(self.units[k + 1].tokens), text, speaker, k + 1)]
            if mark == "," and not self._coordinated_verb(unit, after, gap_end):
                inverted = speaker is not None and \
                    unit.tokens[after].start <= speaker.at < unit.tokens[gap_end].start
                content = self._content_after(unit, gap_end, inverted)
                if content is not None:
                    return [_Found(content, self._content_end(unit, content), text, speaker, k)]
        if unit.lower[0] in cues.ANAPHORS and k and (
                cue.first == 1 or unit.lower[1] in cues.AUXILIARIES) and \
                self._clause_end(unit, cue.last + 1) >= self._last_word(unit):
            previous = self.units[k - 1]
            # "„...“ Das sagte X.": the cue claims a sentence only context had attributed
            if all(f.cue is None for f in previous.found) and \
                    sum(t.text not in _PUNCT for t in previous.tokens) >= 3:
                previous.found.clear()
                previous.said = None
                return [_Found(0, len(previous.tokens), text, speaker, k - 1)]
        return self._object(k, unit, cue, speaker)

    @staticmethod
    def _coordinated_verb(unit: _Unit, after: int, comma: int) -> bool:
        """"... die Wahl gelassen und zugetraut werden, dass ...": a verb coordinated with
        the cue before the comma owns the clause after it."""
        return any(unit.lower[j] in ("und", "oder") and unit.tokens[j + 1].text[:1].islower()
                   and unit.lower[j + 1] not in cues.DETERMINERS and unit.lower[j + 1] not in cues.FRONTED
                   and unit.lower[j + 1] not in cues.PRONOUNS and unit.lower[j + 1] not in cues.IMPERSONAL
                   for j in range(after, comma - 1))

    def _left(self, k: int, unit: _Unit, cue: _Cue, start: int, text: str) -> list[_Found]:
        """"...“, sagte X" and "Die Lage sei ernst, sagte X": content before the cue."""
        comma = cue.first - 1 if unit.tokens[cue.first - 1].text == "," else cue.first
        # "Ob X das plant, bleibt offen, kritisierte der Regierungschef": X, named in the
        # content, is no antecedent of its speaker
        inside = {m for m in self._mentions(unit)[start:comma] if m >= 0} - self.reported
        self.reported |= inside
        after = cue.first + 1
        if after < len(unit.tokens) - 1 and unit.lower[after] == "sich":
            after += 1  # "„...“, zeigte sich X zuversichtlich"
        speaker, np_end = self._speaker_after(unit, after)
        self.reported -= inside
        np_end = max(np_end, cue.last + 1)
        if speaker is None or comma <= start:
            return []
        colon = self._clause_end(unit, np_end)  # "..., sagte X am Montag in Berlin: ..."
        if colon < self._last_word(unit) and unit.tokens[colon].text == ":" and colon - np_end <= 8:
            # "..., kritisierte X: ...": the content follows the colon, and precedes the cue
            # only where it reads as reported speech (not "Auf die Frage, ob ..., erklärte X:")
            right = _Found(colon + 1, self._last_word(unit), text, speaker, k)
            if unit.lower[start] in cues.PREPOSITIONS or unit.lower[start] in cues.ADVERBIAL_OPENERS \
                    or not (cue.lemma in cues.STRONG or self._is_content(unit, start)):
                return [right]
            return [_Found(start, comma, text, speaker, k), right]
        if (cue.lemma not in cues.STRONG or (unit.lower[start] in cues.SUBORDINATORS and not any(
                unit.tokens[j].text == "," and unit.pair[j] < 0 for j in range(start, comma)))) \
                and not self._is_content(unit, start):
            return []  # "Nachdem er ankam, erzählte er von ...": an adverbial clause
        if np_end + 1 < len(unit.tokens) and unit.tokens[np_end].text == ",":
            # "„...“, sagte X, „...“": the quotation goes on after the speaker
            if unit.pair[np_end + 1] >= 0:
                return [_Found(start, comma, text, speaker, k),
                        _Found(np_end + 1, self._last_word(unit), text, speaker, k)]
            # "Die Lage, sagte er, sei ernst": the cue stands inside its content (not
            # "..., meinte X, der seit 2015 im Amt ist": a relative clause on the speaker)
            relative = unit.lower[np_end + 1] in cues.RELATIVE_PRONOUNS and np_end + 2 < len(unit.tokens) \
                and not _capitalised(unit.tokens[np_end + 2].text)
            if unit.pair[start] < 0 and unit.lower[np_end + 1] not in cues.ADVERBIAL_OPENERS and not relative:
                return [_Found(start, self._content_end(unit, np_end + 1), text, speaker, k)]
        return [_Found(start, comma, text, speaker, k)]

    def _wie(self, k: int, unit: _Unit, cue: _Cue, start: int, text: str) -> list[_Found]:
        """"Wie die Polizei mitteilte, ..." and "..., wie der Konzern mitteilte." (a short
        clause that the cue ends, unlike "Wie das Fleisch aussieht und was Tester sagen")."""
        end = self._clause_end(unit, cue.last + 1)
        if cue.first - start > 14 or any(w not in cues.AUXILIARIES for w in unit.lower[cue.last + 1:end]):
            return []
        if cue.first - start > 8 and any(w == "und" or w in cues.MAIN_CLAUSE_VERBS
                                         for w in unit.lower[start + 1:cue.first]):
            return []  # a long "wie"-clause is one place and time, not a second clause
        speaker, _ = self._speaker_after(unit, start + 1)
        if start == 0 and end < len(unit.tokens) and unit.tokens[end].text == ",":
            return [_Found(end + 1, self._content_end(unit, end + 1), text, speaker, k)]
        if start > 0 and unit.tokens[start - 1].text == ",":
            first = self._segment_start(unit, start)
            if end < self._last_word(unit) and unit.tokens[end].text == ",":  # "X werde, wie sie
                return [_Found(first, self._content_end(unit, end + 1), text, speaker, k)]  # sagte, ..."
            return [_Found(first, start - 1, text, speaker, k)]
        return []

    def _subject(self, unit: _Unit, cue: _Cue, start: int) -> _Speaker | None:
        """The speaker of a cue in normal order: the clause's subject before the verb, after
        the finite verb when an adverbial comes first, or a passive's agent."""
        verb = unit.lower[cue.first]
        participle = verb.endswith("t") or "ge" in verb[:7]  # "gesagt", "erklärt", "vorgeworfen"
        # "X wird vorgeworfen" is passive, "X wird sagen" is not; "X wird zitiert" is X's words
        passive = participle and cue.lemma != "zitieren" and any(
            unit.lower[j] in cues.PASSIVE for j in range(start, min(cue.last + 3, len(unit.tokens)))
            if unit.pair[j] < 0)
        end = self._clause_end(unit, cue.last + 1)
        if passive:
            return self._agent(unit, start, end)
        if unit.lower[start] in cues.IMPERSONAL:  # "Wir fordern die Migranten auf, ...": the
            return None  # quoted voice itself, or no one
        clause = self._clause_start(unit, start, cue.first)
        if clause >= 2 and unit.lower[clause] in cues.RELATIVE_PRONOUNS and \
                self._mentions(unit)[clause - 2] >= 0:  # "..., Otto Fennrich, der 1952 sagte, dass"
            mention = self.mentions[self._mentions(unit)[clause - 2]]
            return _Speaker(mention.text, _entity_id(mention), mention.start, True)
        if unit.lower[start] in cues.ADVERBIAL_OPENERS and start + 1 < cue.first:
            start += 1  # "Als Florian Gschwandtner auf Facebook schrieb, dass ..."
        np = self._np(unit, start, cue.first)
        first = unit.lower[start]
        # "Den Vorschlag lehnte X ab": an accusative or dative phrase first, the subject after
        fronted = first in cues.FRONTED or first in cues.OBJECT_CASE_ARTICLES or (
            np is not None and unit.lower[np[0]] in cues.TIME_NOUNS)
        finite = self._finite(unit, start, cue.first)
        after = finite + 1 if finite < cue.first else cue.last + 1
        if finite == cue.first and cue.last > cue.first:  # separable: subject after the stem
            after = cue.first + 1
        if after < len(unit.tokens) - 1 and unit.lower[after] == "sich":
            after += 1  # "Ähnlich äußerte sich X"
        if np and not fronted:
            # "Freilich sagt er", "Stolz vermeldet das Management", "Vereinfachend sagen wir":
            # a lone capitalised word before the verb is an adverb when a subject follows it
            if np[1] - np[0] == 1 and self._mentions(unit)[np[0]] < 0 and after < cue.first + 3 \
                    and after < len(unit.tokens) and unit.lower[np[0]] not in cues.PRONOUNS \
                    and unit.lower[after] not in cues.OBJECT_CASE_ARTICLES:
                if unit.lower[after] in cues.IMPERSONAL:
                    return None
                later, _ = self._speaker_after(unit, after, allow_pp=False)
                if later:
                    return later
            appos = self._apposition(unit, np)  # "Der Trainer, Vincent Kompany, räumte ein"
            return appos[0] if appos and appos[1] < cue.first else self._speaker(unit, *np)
        before = self._mentions(unit)[cue.first - 1] if cue.first > start else -1
        if np is None and not fronted and before >= 0 and self.mentions[before].label == "PER" \
                and unit.pair[cue.first - 1] < 0:
            # "Die ebenfalls beim Treffen anwesende Landesrätin Eva Stein meinte": a noun phrase
            # with words this parser does not follow, ending in the person's name
            mention = self.mentions[before]
            return _Speaker(mention.text, _entity_id(mention), mention.start, True)
        speaker, _ = self._speaker_after(unit, after)
        return speaker

    def _finite(self, unit: _Unit, start: int, end: int) -> int:
        """The first auxiliary outside quotation marks in [start, end), else end."""
        return next((j for j in range(start, end)
                     if unit.lower[j] in cues.AUXILIARIES and unit.pair[j] < 0), end)

    def _agent(self, unit: _Unit, start: int, end: int) -> _Speaker | None:
        for j in range(start, end - 1):
            lower = unit.lower[j]
            place = lower in cues.PLACE_AGENT_PREPOSITIONS and self._mentions(unit)[j + 1] >= 0
            if unit.pair[j] < 0 and (lower in cues.AGENT_PREPOSITIONS or place):
                np = self._np(unit, j + 1, end)
                if np:
                    return self._speaker(unit, *np)
        return None

    # -- other cues -------------------------------------------------------------------------

    def _object(self, k: int, unit: _Unit, cue: _Cue,
                speaker: _Speaker | None = None) -> list[_Found]:
        """"bezeichnete die Reise als „einsame Bromance“": the object holds the words."""
        segment = self._segment_start(unit, cue.first)
        start = self._clause_start(unit, segment, cue.first)
        if speaker is None:
            # "Name, Sprecher der Grünen, nennt ...": the verb's clause opens after the
            # apposition, the subject stands before it
            speaker = self._subject(unit, cue, start)
            if start == cue.first and start > segment:
                before = self._subject(unit, cue, segment)
                speaker = before if before is not None and before.named else speaker
        first = cue.last + 1
        if (speaker is None or not speaker.named) and first < len(unit.tokens):
            # "Die Aktion bezeichnete Jonas Berg als Kunst": a fronted object, the named
            # subject after the verb
            later, _ = self._speaker_after(unit, first, allow_pp=False)
            if later is not None and later.named and later.at >= unit.tokens[first].start:
                speaker = later
        if speaker and first < len(unit.tokens) and unit.tokens[first].start <= speaker.at:
            np = self._np(unit, first, len(unit.tokens))
            first = np[1] if np else first
        end = self._clause_end(unit, first)
        if end > first and unit.lower[end - 1] in _FOREIGN_PARTICLES | {"zurück", "an", "aus"}:
            end -= 1
        end = self._quoted_clauses_after(unit, end)
        if cue.lemma in cues.ALS_PREDICATE and "als" not in unit.lower[first:end]:
            end = self._als_after_apposition(unit, first, end)
        # "bezeichnete sie als Kampf für Souveränität" is speech where someone named says it;
        # "diesen Vorgang bezeichnen Geologen als Verwitterung" is terminology
        judged = cue.lemma in cues.ALS_PREDICATE and "als" in unit.lower[first:end] and \
            speaker is not None and speaker.named
        if self._has_speech_pair(unit, first, end) or judged:
            text = self._cue_text(unit, cue)
            if judged and unit.lower[first] == "als" and speaker.at > unit.tokens[cue.first].start \
                    and segment < cue.first and unit.pair[segment] < 0:
                first = segment  # "Die Skulptur bezeichnete Varnholt als Scherz": fronted object
            found = [_Found(first, end, text, speaker, k)]
            if end + 1 < self._last_word(unit) and unit.tokens[end].text == ":":
                # "bezeichnete X als Y: ...": what the colon introduces is said too
                found.append(_Found(end + 1, self._last_word(unit), text, speaker, k))
            return found
        # verb last: "Dabei wurde von einer „...“ gesprochen"
        finite = self._finite(unit, start, cue.first)
        if finite < cue.first and self._has_speech_pair(unit, finite + 1, cue.first):
            first = finite + 1
            np = self._np(unit, first, cue.first)
            if np and speaker and unit.tokens[np[0]].start == speaker.at:
                first = np[1]
            return [_Found(first, cue.first, self._cue_text(unit, cue), speaker, k)]
        return []

    def _als_after_apposition(self, unit: _Unit, first: int, end: int) -> int:
        """"beschrieb die Monate, vor allem die ersten, als Martyrium": the "als" predicate
        after commas of an apposition (no verb between), else end unchanged."""
        last = self._last_word(unit)
        for j in range(end, min(last, end + 25)):
            word = unit.lower[j]
            if unit.pair[j] >= 0:
                continue
            if word == "als":
                return self._clause_end(unit, j)
            if word in cues.TRIGGERS or _finite_verb(word) or unit.tokens[j].text in _SENTENCE_END \
                    or unit.tokens[j].text == ":":
                return end
        return end

    def _quoted_clauses_after(self, unit: _Unit, end: int) -> int:
        """"nannte den Prozess „unverzichtbar“, um den „Reformstau“ zu lösen": clauses after
        the object that hold quoted words too belong to the same reported speech."""
        while end + 1 < len(unit.tokens) and unit.tokens[end].text == "," and unit.pair[end] < 0:
            following = self._clause_end(unit, end + 1)
            if not self._has_speech_pair(unit, end + 1, following) or any(
                    w in cues.TRIGGERS for w, p in zip(unit.lower[end + 1:following],
                                                      unit.pair[end + 1:following]) if p < 0):
                break
            end = following
        return end

    def _heissen(self, k: int, unit: _Unit, cue: _Cue) -> list[_Found]:
        """"„...“, heißt es in der Mitteilung", "In der Erklärung heißt es: „...“"."""
        start = self._segment_start(unit, cue.first)
        speaker, text = None, self._cue_text(unit, cue)
        after = self._past_time(unit, cue.last + 1)  # "hieß es am Montag in einem Rundschreiben"
        if after < len(unit.tokens) and unit.lower[after] in cues.PLACE_AGENT_PREPOSITIONS | \
                cues.AGENT_PREPOSITIONS | {"bei"}:
            np = self._np(unit, after + 1, len(unit.tokens))
            if np:
                speaker = self._speaker(unit, *np)
                text = f"{text} {unit.tokens[after].text}"
                after = np[1]
        elif unit.lower[start] in cues.PLACE_AGENT_PREPOSITIONS:
            np = self._np(unit, start + 1, cue.first)
            speaker = self._speaker(unit, *np) if np else None
        if cue.first - 1 > start and unit.tokens[cue.first - 1].text == ",":
            if after < self._last_word(unit) and unit.tokens[after].text == "," and unit.pair[start] < 0:
                return [_Found(start, self._content_end(unit, after + 1), text, speaker, k)]
            return [_Found(start, cue.first - 1, text, speaker, k)]
        if after < len(unit.tokens) and unit.tokens[after].text in (",", ":"):
            return [_Found(after + 1, self._content_end(unit, after + 1), text, speaker, k)]
        return []

    def _past_time(self, unit: _Unit, i: int) -> int:
        """Past adverbs and a day ("am Freitag", "gestern") after a cue."""
        n = len(unit.tokens)
        while i < n - 1:
            if unit.lower[i] in cues.ADVERBS and unit.pair[i] < 0:
                i += 1
            elif unit.lower[i] == "am" and unit.lower[i + 1] in cues.TIME_NOUNS:
                i += 2
            else:
                break
        return i

    def _so(self, k: int, unit: _Unit, cue: _Cue) -> list[_Found]:
        """"Die Reise werde ... beitragen, so Putin." """
        speaker, np_end = self._speaker_after(unit, cue.first + 1, allow_pp=False)
        start = self._segment_start(unit, cue.first)
        if speaker is None or cue.first - 1 <= start or \
                cues.non_speaker(self._head(unit, cue.first + 1, np_end)):  # "so die Hoffnung"
            return []
        np_end = self._after_parenthesis(unit, np_end)  # "so der Verband (DJV) in ..."
        rest = unit.tokens[np_end].text if np_end < len(unit.tokens) else "."
        after = unit.tokens[np_end + 1].text if np_end + 1 < len(unit.tokens) else "."
        # "so X.", "so X weiter", "so X in einer Mitteilung", "so X nach dem Spiel", and one
        # word of manner closing the sentence ("so Renkema geknickt.")
        if rest not in _FINAL and rest != "," and unit.lower[np_end] not in cues.SO_FOLLOWERS \
                and not (rest.islower() and rest.isalpha() and after in _FINAL):
            return []
        return [_Found(start, cue.first - 1, "so", speaker, k)]

    def _after_parenthesis(self, unit: _Unit, end: int) -> int:
        """Past a short parenthesis after a noun phrase ("der Landesverband der Imker (LVI)")."""
        if end < len(unit.tokens) and unit.tokens[end].text == "(":
            close = next((j for j in range(end + 1, min(end + 6, len(unit.tokens)))
                          if unit.tokens[j].text == ")"), None)
            return close + 1 if close is not None else end
        return end

    def _laut(self, k: int, unit: _Unit, cue: _Cue) -> list[_Found]:
        np = self._np(unit, cue.first + 1, len(unit.tokens))
        return self._source(k, unit, cue, np, cue.first, np[1] if np else cue.first)

    def _np_ending_at(self, unit: _Unit, start: int, end: int) -> tuple[int, int] | None:
        """The longest noun phrase that ends right before token end (no earlier than start)."""
        j = end
        while j > start and self._np_token(unit, j - 1):
            j -= 1
        starts = (s for s in range(j, end)
                  if _capitalised(unit.tokens[s].text) or unit.lower[s] in cues.DETERMINERS)
        return next((np for np in (self._np(unit, s, end) for s in starts)
                     if np and np[1] == end), None)

    def _zufolge(self, k: int, unit: _Unit, cue: _Cue) -> list[_Found]:
        start = self._segment_start(unit, cue.first)
        np = self._np_ending_at(unit, start, cue.first)
        if np is None:
            return []
        if unit.lower[np[0]] == "eigenen":  # "eigenen Angaben zufolge": the subject's words
            own = self._np(unit, start, np[0])
            speaker = self._speaker(unit, *own) if own else None
            return self._found_for_source(k, unit, cue, speaker, np[0], cue.first + 1)
        return self._source(k, unit, cue, np, np[0], cue.first + 1)

    def _angaben(self, k: int, unit: _Unit, cue: _Cue) -> list[_Found]:
        """"nach Angaben des Kreml", "nach Angaben aus dem Kreml", "nach Kreml-Angaben",
        "nach eigenen Angaben"."""
        noun = cue.last
        after = noun + 1
        if cue.lemma == "possessive":  # "seinen Angaben nach": the person named before
            word = unit.lower[cue.first if unit.lower[cue.first] in cues.POSSESSIVES else cue.first + 1]
            speaker = self._resolve_pronoun(unit.tokens[cue.first].start,
                                            "m" if word.startswith("sein") else None)
            return self._found_for_source(k, unit, cue, speaker, cue.first, after)
        if unit.lower[noun] not in cues.ANGABEN_NOUNS:  # a compound: "Kreml-Angaben"
            token = unit.tokens[noun]
            head = token.text[:len(token.text) - len(cues.ANGABEN_SUFFIX)].rstrip("-")
            m = self._mentions(unit)[noun]
            mention = self.mentions[m] if m >= 0 else None
            speaker = _Speaker(head, _entity_id(mention) if mention else None, token.start,
                               mention is not None)
            return self._found_for_source(k, unit, cue, speaker, cue.first, after)
        if cue.lemma == "eigenen":  # "nach eigenen Angaben": the subject's own words
            start = self._segment_start(unit, cue.first)
            if unit.lower[start] in cues.FRONTED or unit.lower[start] in cues.AGENT_PREPOSITIONS:
                # "Von den ... vertritt der Verband nach eigenen Angaben ...": the subject
                # after the verb, right before the phrase
                np = self._np_ending_at(unit, start + 1, cue.first)
            else:
                np = self._np(unit, start, cue.first)
            speaker = self._speaker(unit, *np) if np else None
            if np is None and after + 1 < len(unit.tokens):
                # "Nach eigenen Angaben plante er ...": the subject follows the verb
                speaker, _ = self._speaker_after(unit, after + 1, allow_pp=False)
            return self._found_for_source(k, unit, cue, speaker, cue.first, after)
        if after < len(unit.tokens) and unit.lower[after] in ("von", "aus", "vom"):
            after += 1
        np = self._np(unit, after, len(unit.tokens))
        if np is None:
            return self._found_for_source(k, unit, cue, None, cue.first, after)
        return self._source(k, unit, cue, np, cue.first, np[1])

    def _relative(self, k: int, unit: _Unit, cue: _Cue) -> list[_Found]:
        """"ein Börsenblatt-Bericht, demzufolge Fenwick ... entwickle": the source is the noun
        phrase before the comma."""
        start = self._segment_start(unit, cue.first)
        end = cue.first - 1
        # "hat auf Berichte reagiert, wonach ...": past the verb that closes the clause
        while end > start + 1 and end > cue.first - 3 and unit.tokens[end - 1].text.isalpha() \
                and unit.tokens[end - 1].text.islower() and unit.lower[end - 1] not in cues.DETERMINERS:
            end -= 1
        np = self._np_ending_at(unit, start, end)
        if np is None and end < cue.first - 1:
            np = self._np_ending_at(unit, start, cue.first - 1)
        if np is None or cues.non_speaker(self._head(unit, *np)):
            return []
        content = cue.first + 1
        return [_Found(content, self._content_end(unit, content), unit.tokens[cue.first].text,
                       self._speaker(unit, *np), k)]

    def _source(self, k: int, unit: _Unit, cue: _Cue, np: tuple[int, int] | None,
                phrase_start: int, phrase_end: int) -> list[_Found]:
        if np is None or cues.non_speaker(self._head(unit, *np)):
            return []
        return self._found_for_source(k, unit, cue, self._speaker(unit, *np), phrase_start,
                                      phrase_end)

    def _found_for_source(self, k: int, unit: _Unit, cue: _Cue, speaker: _Speaker | None,
                          phrase_start: int, phrase_end: int) -> list[_Found]:
        """A source phrase qualifies its sentence: the content is the rest of the sentence
        when the phrase opens or closes it, else the whole sentence."""
        start, last = self._segment_start(unit, phrase_start), self._last_word(unit)
        text = self._cue_text(unit, cue)
        if phrase_start == start:
            return [_Found(phrase_end, self._content_end(unit, phrase_end), text, speaker, k)]
        if phrase_end >= last:
            return [_Found(start, phrase_start, text, speaker, k)]
        dash = self._dash_before_introducer(unit, phrase_end, self._clause_end(unit, phrase_end))
        return [_Found(start, last if dash is None else dash, text, speaker, k)]

    # -- clauses ----------------------------------------------------------------------------

    def _segment_start(self, unit: _Unit, i: int) -> int:
        """First token of the sentence token i is in (a unit can hold several), and after
        the content already found before it."""
        start = max((f.end for f in unit.found if f.end <= i), default=0)
        while i > start and (unit.pair[i - 1] >= 0 or unit.tokens[i - 1].text not in _SENTENCE_END):
            i -= 1
        return i

    def _clause_start(self, unit: _Unit, start: int, i: int) -> int:
        """First token of the clause that token i is in (no earlier than start)."""
        while i > start and (unit.pair[i - 1] >= 0 or unit.tokens[i - 1].text not in _CLAUSE_BREAKS):
            i -= 1
        return i

    def _last_word(self, unit: _Unit) -> int:
        """End of the unit without its final punctuation."""
        end = len(unit.tokens)
        while end > 1 and unit.tokens[end - 1].text in _FINAL and unit.pair[end - 1] < 0:
            end -= 1
        return end

    def _clause_end(self, unit: _Unit, i: int) -> int:
        """Index of the next comma, semicolon or colon outside quotation marks (or of the
        final punctuation): where the clause that contains token i ends."""
        last = self._last_word(unit)
        while i < last and (unit.pair[i] >= 0 or (unit.tokens[i].text not in _CLAUSE_BREAKS
                                                  and unit.tokens[i].text not in _SENTENCE_END)):
            i += 1
        return min(i, last)

    def _content_end(self, unit: _Unit, i: int) -> int:
        """Reported content runs to the end of the sentence, except where a comma starts a new
        main clause ("..., im Vorfeld hat sich Putin bedankt")."""
        last = self._last_word(unit)
        while True:
            dash = self._dash_before_introducer(unit, i, self._clause_end(unit, i))
            if dash is not None:
                return dash
            i = self._clause_end(unit, i)
            if i >= last or unit.tokens[i].text != ",":
                return i
            nxt = self._clause_end(unit, i + 1)
            opener = unit.lower[i + 1] if i + 1 < last else ""
            if _PAST_VERB.fullmatch(unit.tokens[i + 1].text) and i + 2 < last \
                    and (unit.lower[i + 2] == "sich" or unit.lower[i + 2] in cues.ADVERBS):
                return i  # "..., hörte sich aber anders an": the subject's next verb
            if opener not in cues.CONTENT_OPENERS and opener not in cues.ADVERBIAL_OPENERS \
                    and opener not in cues.DETERMINERS and any(
                        w in cues.MAIN_CLAUSE_VERBS for w in unit.lower[i + 1:min(nxt, i + 6)]):
                return i
            i += 1

    def _dash_before_introducer(self, unit: _Unit, i: int, end: int) -> int | None:
        """A heading's dash before "Name: „...“" ("X laut Y am Leben - Präsident: „...“")."""
        if end >= len(unit.tokens) - 1 or unit.tokens[end].text != ":" or unit.pair[end + 1] < 0:
            return None
        return next((j for j in range(end - 1, max(i, end - 5), -1)
                     if unit.tokens[j].text in ("-", "–") and unit.pair[j] < 0), None)

    def _content_after(self, unit: _Unit, comma: int, inverted: bool) -> int | None:
        """Start of the content after "sagte X," or, where X came after the cue, after an
        apposition of X ("sagte etwa Helene Brankow, Professorin in Tübingen, die Zahlen
        seien ..."); None if what follows is no content."""
        following = self._clause_end(unit, comma + 1)
        verbs = cues.KONJUNKTIV_II | cues.AUXILIARIES
        apposition = inverted and self._np(unit, comma + 1, following) is not None and not any(
            t.text in verbs or cues.konjunktiv_i(t.text) for t in unit.tokens[comma + 1:following])
        if apposition and following < self._last_word(unit) and unit.tokens[following].text == ",":
            return following + 1 if self._is_content(unit, following + 1) else None
        return comma + 1 if self._is_content(unit, comma + 1) else None

    def _is_content(self, unit: _Unit, i: int) -> bool:
        """Is what follows "sagte," reported content (not "sagte nichts, als ...")?"""
        if i >= len(unit.tokens):
            return False
        first = unit.lower[i]
        if first in cues.ADVERBIAL_OPENERS or self._relative_clause(unit, i):
            return False
        if first in cues.COMPLEMENTISERS or unit.tokens[i].text in _OPENING_MARKS:
            return True
        end = self._content_end(unit, i)
        words = [t.text for t in unit.tokens[i:end]]  # verbs are lower-case: "Gewinne" is a noun
        return any(cues.konjunktiv_i(w) or w in cues.KONJUNKTIV_II or w in ("sollte", "sollten")
                   or _ZU_INFINITIVE.fullmatch(w)
                   for w in words) or any(a == "zu" and b[:1].islower() for a, b in pairwise(words))

    def _relative_clause(self, unit: _Unit, i: int) -> bool:
        """"haben die Vorwürfe zurückgewiesen, die einen Verstoß ... darstellen würden": a
        relative pronoun, not an article ("sagte, der Besuch zeige") nor a demonstrative
        subject ("sagte, das sei falsch")."""
        first = unit.lower[i]
        if first not in cues.RELATIVE_PRONOUNS:
            return False
        after = unit.tokens[i + 1].text if i + 1 < len(unit.tokens) else ""
        article = first in cues.DETERMINERS and (after[:1].isupper() or self._adjective(after))
        verb = cues.konjunktiv_i(after) or after in cues.KONJUNKTIV_II or after in cues.AUXILIARIES
        if article:  # "..., der Milliarden kosten würde": the finite verb closes the clause
            end = self._clause_end(unit, i + 1)
            finite = [j for j in range(i + 1, end) if _finite_verb(unit.tokens[j].text)]
            # ... after a verb form ("kosten"), unlike "sagte, der Besuch zeige, ..."
            return finite == [end - 1] and end - i >= 3 and unit.tokens[end - 2].text[:1].islower()
        return not verb

    def _has_speech_pair(self, unit: _Unit, first: int, end: int) -> bool:
        """Does a quoted fragment (not a title or a name) lie in tokens [first, end)?"""
        return any(p >= 0 and p not in self.title_pairs and p not in self.name_pairs
                   for p in unit.pair[first:end])

    # -- noun phrases and speakers ----------------------------------------------------------

    def _np_token(self, unit: _Unit, j: int) -> bool:
        text, lower = unit.tokens[j].text, unit.lower[j]
        return (_capitalised(text)
                or self._mentions(unit)[j] >= 0 or lower in cues.DETERMINERS
                or self._adjective(lower) or unit.pair[j] >= 0) and text != ","

    def _np(self, unit: _Unit, i: int, limit: int) -> tuple[int, int] | None:
        """The noun phrase starting at token i: determiners, adjectives, capitalised words
        and mentions, genitive attributes ("Pressedienst des Kremls"), "und" between nouns
        and a short quoted name ("der „Süddeutschen Zeitung“"). (first, end) or None."""
        tokens, lower = unit.tokens, unit.lower
        limit = min(limit, len(tokens))
        j, noun_end = i, -1
        while j < limit:
            text, low = tokens[j].text, lower[j]
            if unit.pair[j] >= 0:
                close = j
                while close + 1 < limit and unit.pair[close + 1] == unit.pair[j]:
                    close += 1
                # a short quoted name after an article: "der „Süddeutschen Zeitung“"
                if close - j > 6 or j == i or lower[j - 1] not in cues.DETERMINERS or not all(
                        t.text[:1].isupper() for t in tokens[j + 1:close]):
                    break
                j = noun_end = close + 1
                continue
            if low in cues.PARTITIVES and j + 1 < limit and lower[j + 1] in cues.PARTITIVE_LINKS:
                noun_end = j + 1  # "einer" in "einer von Info-Kompass' Informanten"
            elif low in cues.DETERMINERS:
                if noun_end >= 0 and low not in cues.GENITIVE_LINKS:
                    break
            elif (_capitalised(text) and low not in cues.NOT_NOUNS) or self._mentions(unit)[j] >= 0 \
                    or _NUMBER_NOUN.match(text):
                noun_end = j + 1
            elif not self._joins_np(unit, j, limit, noun_end):
                break
            j += 1
        if noun_end < 0:
            return None
        return i, noun_end

    def _joins_np(self, unit: _Unit, j: int, limit: int, noun_end: int) -> bool:
        """Does token j, no noun and no article, continue the noun phrase: "von" or "und"
        after a noun, a genitive apostrophe ("Info-Kompass‘ Informanten"), an adjective before its
        noun ("die staatliche Agentur", not "Berichten dürfte Apple")?"""
        text, low, lower = unit.tokens[j].text, unit.lower[j], unit.lower
        after = unit.tokens[j + 1].text if j + 1 < limit else ""
        if noun_end >= 0 and (low == "von" or (text in _APOSTROPHES and noun_end == j)):
            return True
        if low == "und":
            return noun_end >= 0 and (after[:1].isupper() or lower[j + 1] in cues.DETERMINERS)
        return self._adjective(low) and (after[:1].isupper() or self._adjective(after.lower())) and (
            noun_end < 0 or lower[j - 1] in cues.DETERMINERS or self._adjective(lower[j - 1]))

    @staticmethod
    def _adjective(lower: str) -> bool:
        return (lower.endswith(cues.ADJECTIVE_ENDINGS) and lower not in cues.NOT_ADJECTIVES
                and lower not in cues.AUXILIARIES and lower not in cues.PRONOUNS
                and lower not in cues.DETERMINERS and lower not in cues.KONJUNKTIV_II
                and lower not in cues.MODALS and lower not in cues.TRIGGERS)

    def _head(self, unit: _Unit, first: int, end: int) -> str:
        """The first noun of a noun phrase: "Bericht" in "Einem Bericht der Zeitung"."""
        return next((unit.lower[j] for j in range(first, end)
                     if _capitalised(unit.tokens[j].text) and unit.lower[j] not in cues.DETERMINERS),
                    "")

    def _speaker_after(self, unit: _Unit, i: int, allow_pp: bool = True) -> tuple[_Speaker | None, int]:
        """Speaker right after a cue ("sagte der Sprecher", "sagte er", "sagte am Montag die
        Sprecherin"); (speaker, end of its noun phrase)."""
        while i < len(unit.tokens) - 1 and unit.lower[i] in cues.ADVERBS:
            i += 1
        if i >= len(unit.tokens):
            return None, i
        if unit.lower[i] in cues.PRONOUNS:
            return self._resolve_pronoun(unit.tokens[i].start), i + 1
        np = self._np(unit, i, len(unit.tokens))
        if np is None and allow_pp and unit.lower[i] in cues.PREPOSITIONS:
            # "erklärt auf Nachfrage Jonas Erlwein": skip a preposition and its noun
            j = i + 1
            while j < len(unit.tokens) and (unit.lower[j] in cues.DETERMINERS
                                            or self._adjective(unit.lower[j])):
                j += 1
            if j < len(unit.tokens) and unit.tokens[j].text[:1].isupper():
                return self._speaker_after(unit, j + 1, allow_pp=False)
        if np is None:
            return None, i
        speaker = self._speaker(unit, *np)
        end = np[1]
        appos = self._apposition(unit, np)
        if appos:
            speaker, end = appos
        return speaker, end

    def _apposition(self, unit: _Unit, np: tuple[int, int]) -> tuple[_Speaker, int] | None:
        """"der Sprecher des Nationalen Sicherheitsrates, John Kirby": the name after a role."""
        first, end = np
        if any(self._mention_label(unit, j) == "PER" for j in range(first, end)):
            return None
        if end < len(unit.tokens) and unit.tokens[end].text == "(":  # "der Präsident des
            close = next((j for j in range(end + 1, min(end + 6, len(unit.tokens)))  # BDI (...),"
                          if unit.tokens[j].text == ")"), None)
            end = close + 1 if close is not None else end
        if end + 1 >= len(unit.tokens) or unit.tokens[end].text != ",":
            return None
        name = self._np(unit, end + 1, len(unit.tokens))
        if name is None:
            return None
        a, b = name
        is_person = any(self._mention_label(unit, j) == "PER" for j in range(a, b))
        bare_name = b - a <= 4 and all(unit.tokens[j].text[:1].isupper() for j in range(a, b))
        closes = b >= self._last_word(unit) or unit.tokens[b].text in _CLAUSE_BREAKS
        if (is_person or bare_name) and closes:
            return self._speaker(unit, a, b), b
        return None

    def _mention_label(self, unit: _Unit, j: int) -> str | None:
        m = self._mentions(unit)[j]
        return self.mentions[m].label if m >= 0 else None

    def _speaker(self, unit: _Unit, first: int, end: int) -> _Speaker | None:
        """The speaker a noun phrase names: its person mention if it has one ("NATO-
        Generalsekretär Jens Stoltenberg" -> "Jens Stoltenberg"), else the phrase without its
        leading article, linked to the first mention inside."""
        if unit.lower[first] in cues.PRONOUNS and end - first == 1:
            return self._resolve_pronoun(unit.tokens[first].start)
        mentions = [m for m in self._mentions(unit)[first:end] if m >= 0]
        persons = list(dict.fromkeys(m for m in mentions if self.mentions[m].label == "PER"))
        person = persons[0] if persons else None
        if len(persons) > 1 and self._genitive_of_role(unit, persons[0], end):
            person = persons[1]  # "Brenners Anwalt Lukas Offermann": the lawyer
        if person is not None:
            mention = self.mentions[person]
            return _Speaker(mention.text, _entity_id(mention), mention.start, True)
        while first < end - 1 and unit.lower[first] in cues.DETERMINERS and not (
                unit.lower[first] in cues.PARTITIVES and unit.lower[first + 1] in cues.PARTITIVE_LINKS):
            first += 1
        start = unit.tokens[first].start
        head = self._role_head(unit, first, end, bool(mentions))
        if head is not None:
            # "der Konzernchef (von Acme)", "die Verkehrs- und Bauministerin", "das
            # Staatsoberhaupt", "der 46-Jährige": the person named before
            role = _role_gender(unit.lower[head])
            article = unit.lower[first - 1]
            gender = "f" if article == "die" or role == "f" else "m" if article == "der" else "any"
            person = self._resolve_pronoun(start, gender, persons_only=True,
                                           role=_role_stem(unit.lower[head]))
            if person is not None:
                return person
        entity = _entity_id(self.mentions[mentions[0]]) if mentions else None
        return _Speaker(self.text[start:unit.tokens[end - 1].end], entity, start, bool(mentions))

    def _role_head(self, unit: _Unit, first: int, end: int, named: bool) -> int | None:
        """The role noun of a definite noun phrase that names a person by role ("der
        Konzernchef", "die Verkehrs- und Bauministerin", "das Staatsoberhaupt", "der Chef
        von Acme"), or None."""
        if first == 0 or unit.lower[first - 1] not in ("der", "die", "das"):
            return None
        lower = unit.lower
        # the noun and what may precede it: adjectives, "Familien- und"
        head = first
        while head < end - 1 and (self._adjective(lower[head]) or lower[head].endswith("-")
                                  or lower[head] in ("und", "oder")):
            head += 1
        if not _role_gender(lower[head]) or head - first > 3:
            return None
        if head == end - 1 and not named:
            return head
        # an attribute after it: "der Konzernchef von Acme", "die Chefin des Verbands"
        if head + 1 < end and lower[head + 1] in cues.GENITIVE_LINKS and \
                all(self._mention_label(unit, j) != "PER" for j in range(head + 1, end)):
            return head
        return None

    def _genitive_of_role(self, unit: _Unit, m: int, end: int) -> bool:
        """Is person mention m a genitive before a role noun ("Putins Sprecher X")?"""
        mention = self.mentions[m]
        if not mention.text.endswith(("s", "’", "'")):
            return False
        j = next((j for j in range(end) if unit.tokens[j].start >= mention.end), end)
        return j < end and self._mentions(unit)[j] < 0 and unit.tokens[j].text[:1].isupper()

    def _resolve_pronoun(self, at: int, gender: str | None = None, persons_only: bool = False,
                         role: str | None = None) -> _Speaker | None:
        """"er"/"sie" (gender "m"/"f"), "der Minister": the later of the last speaker and the
        last person (else organisation) mention outside quotation marks before the pronoun,
        passing over people of the other gender and, where there is a last speaker, people
        named inside a prepositional phrase ("In Anlehnung an den Philosophen X fragte er")."""
        if gender is None:
            word = self.text[at:at + 3].lower()
            gender = "m" if word.startswith("er") else "f" if word.startswith("sie") else None
        last = self.last_speaker
        if last is not None and (last.at >= at or not self._compatible(last, gender)
                                 or (persons_only and not self._is_person(last))):
            last = None
        k = bisect_right(self.antecedent_starts, at)
        before = [self.mentions[m] for m in self.antecedents[:k] if m not in self.reported]
        if role is not None:
            # "die Integrationsministerin": the person introduced as "Bundesministerin X"
            same = next((m for m in reversed(before) if m.label == "PER"
                         and self._gender(m) in (None, gender) and self._role(m) == role), None)
            if same is not None:
                return _Speaker(same.text, _entity_id(same), same.start, True)
        mention = next((m for m in reversed(before) if m.label == "PER"
                        and (gender == "any" or self._gender(m) in (None, gender))
                        and not (last and self._in_pp(m.start))),
                       None)
        if mention is None and not persons_only:
            mention = next((m for m in reversed(before) if m.label == "ORG"), None)
        candidate = _Speaker(mention.text, _entity_id(mention), mention.start, True) if mention else None
        unnamed = next((p for p, g in reversed(self.unnamed) if p.at < at and g == gender), None)
        if unnamed is not None and (candidate is None or unnamed.at > candidate.at):
            candidate = unnamed
        if last is not None and (candidate is None or last.at > candidate.at):
            return last
        return candidate

    def _in_pp(self, at: int) -> bool:
        """Is the name at `at` inside a prepositional phrase ("an den Philosophen X"), not the
        subject after a fronted one ("Mit vielem hatte X gerechnet")?"""
        pp = _IN_PP.search(self.text, max(0, at - 40), at)
        return pp is not None and not any(w.lower() in cues.AUXILIARIES or w.lower() in cues.MODALS
                                          for w in pp.group().split()[1:])

    def _gender(self, mention: MentionLike) -> str | None:
        """A person's gender where the article shows it: a first name, "Frau"/"Herr" or a
        role noun before the name ("Ministerin Raab"), for any mention of the same surname."""
        return self._of_surname(self.genders, mention, self._gender_here)

    def _role(self, mention: MentionLike) -> str | None:
        """The role a person is introduced with, in any mention of the same surname
        ("Bundesministerin Susanne Raab" -> "minister"), or None."""
        return self._of_surname(self.roles, mention, self._role_here)

    def _of_surname(self, known: dict[str, str | None], mention: MentionLike,
                    find: Callable[[MentionLike], str | None]) -> str | None:
        """What `find` says of the first person mention of the same surname where it says
        anything (remembered in `known`, by surname)."""
        key = _surname(mention)
        if key not in known:
            found = (find(m) for m in self.mentions
                     if m.label == "PER" and m.text.split() and _surname(m) == key)
            known[key] = next((f for f in found if f), None)
        return known[key]

    def _role_here(self, mention: MentionLike) -> str | None:
        before = _WORD_BEFORE.search(self.text, max(0, mention.start - 40), mention.start)
        return _role_stem(before.group(1).lower()) if before else None

    def _gender_here(self, mention: MentionLike) -> str | None:
        first = mention.text.split()[0].lower()
        if first in cues.FEMALE_NAMES:
            return "f"
        if first in cues.MALE_NAMES:
            return "m"
        before = _WORD_BEFORE.search(self.text, max(0, mention.start - 40), mention.start)
        return _role_gender(before.group(1).lower()) if before else None

    def _speaker_gender(self, speaker: _Speaker) -> str | None:
        m = bisect_right(self.mention_ends, speaker.at)
        if m < len(self.mentions) and self.mentions[m].start == speaker.at:
            return self._gender(self.mentions[m]) if self.mentions[m].label == "PER" else None
        words = speaker.text.split()
        return _role_gender(words[-1].lower()) if words else None

    def _compatible(self, speaker: _Speaker, gender: str | None) -> bool:
        return gender in (None, "any") or self._speaker_gender(speaker) in (None, gender)

    def _is_person(self, speaker: _Speaker) -> bool:
        m = bisect_right(self.mention_ends, speaker.at)
        return m < len(self.mentions) and self.mentions[m].start == speaker.at \
            and self.mentions[m].label == "PER"

    # -- output -----------------------------------------------------------------------------

    def _quote(self, found: _Found) -> Quote | None:
        unit = self.units[found.unit]
        first, end = found.first, found.end
        while first < end and (unit.lower[first] in cues.COMPLEMENTISERS
                               or (unit.tokens[first].text in _PUNCT and unit.pair[first] < 0)):
            first += 1
        while end > first and unit.tokens[end - 1].text in _PUNCT and unit.pair[end - 1] < 0:
            end -= 1
        if end <= first:
            return None
        pairs = {p for p in unit.pair[first:end] if p >= 0 and p not in self.title_pairs}
        outside = any(unit.pair[j] < 0 and unit.tokens[j].text not in _PUNCT
                      for j in range(first, end))
        if outside:  # quoted names in reported content do not make it mixed
            pairs -= self.name_pairs
        if len(pairs) == 1 and not outside:
            pair = self.pairs[pairs.pop()]
            kind, start, stop = "direct", pair.open + 1, pair.close
            while start < stop and self.text[start].isspace():
                start += 1
            while stop > start and (self.text[stop - 1].isspace() or self.text[stop - 1] == ","):
                stop -= 1
            if stop <= start:
                return None
        else:
            kind = "mixed" if pairs else "indirect"
            start, stop = unit.tokens[first].start, unit.tokens[end - 1].end
        text = self.text[start:stop]
        digest = hashlib.sha1(f"{kind}|{start}|{stop}|{text}".encode()).hexdigest()[:16]
        speaker = found.speaker
        return Quote(digest, kind, text, start, stop, speaker.text if speaker else None,
                     speaker.entity_id if speaker else None, found.cue,
                     bisect_right(self.sentence_starts, start) - 1)
