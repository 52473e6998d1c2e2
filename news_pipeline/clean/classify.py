"""Line classification and main-content selection for plain text.

Each logical line gets a class from features that do not depend on any site:
word count, function-word density, a closing punctuation mark, UI-string shapes (widget
names, time codes, domains, ids), and generic web-furniture vocabulary (lexicon.py).
The article is then the best-scoring contiguous run of lines (a maximum-sum segment, as in
Body Text Extraction), plus further runs that are nearly as strong; inside a run, short
lines survive only as sub-headings or short sentences between prose.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from news_pipeline.clean.lexicon import (
    AD_MARKER,
    COMMENT_HEADING,
    CREDIT,
    DOMAIN,
    ENGLISH_STOPWORDS,
    GERMAN_STOPWORDS,
    NOTICE_CUES,
    RELATED_HEADING,
    SITE_SELF,
    UI_TOKEN,
)
from news_pipeline.clean.lines import (
    Line,
    ends_sentence,
    ends_statement,
    line_key,
    word_counts,
    words,
)
from news_pipeline.clean.settings import CleanSettings


class Kind(enum.Enum):
    GOOD = "good"  # prose
    NEAR = "near"  # shorter prose
    SHORT = "short"  # headings, captions, menu items: decided by context
    BAD = "bad"  # boilerplate by shape or vocabulary


@dataclass(frozen=True)
class LineInfo:
    kind: Kind
    n_words: int
    reason: str = ""
    sentence: bool = False  # ends with a sentence mark
    statement: bool = False  # ends with a full stop
    comment_heading: bool = False
    related_heading: bool = False
    # Shape statistics kept for the learned line classifier (linemodel.py), so that it does
    # not tokenise and match every line a second time.
    stop_density: float = 0.0
    capitalised: float = 0.0  # share of words starting upper case
    cues: frozenset[str] = frozenset()  # names of the NOTICE_CUES found


_PROSE = (Kind.GOOD, Kind.NEAR)
# Topic words are compared by their first letters, so that inflected forms ("Kuchen",
# "Kuchens") meet; shorter words are mostly function words or abbreviations.
_STEM_CHARS = 6
_TOPIC_MIN_CHARS = 4
_ID_LIKE = re.compile(r"^[\w.-]*\d[\w.-]*$")  # "source-121", "img_2024_03"
_LIST_SEPARATORS = re.compile(r"\s[|•·/]\s")
_ZERO_COUNT = re.compile(r"^0\s")


# Case-insensitive search is what makes these cues costly. On a lower-cased line the
# all-lower-case patterns match exactly as they do with IGNORECASE, except where IGNORECASE
# equates a character with an ASCII letter beyond lower(): dotless i, long s, and the dotted
# capital I (whose lower() is two characters). Lines with those take the slow path.
_EXOTIC_CASE = re.compile("[\u0130\u0131\u017f]")
_LITERAL_PREFIX = re.compile(r"[^\\()\[\]{}.*+?^$|]*")
# A lookbehind in front consumes nothing: the literal after it is still in every match.
_LEADING_LOOKBEHIND = re.compile(r"^\(\?<[=!][^()]*\)")


def literal_needles(pattern: str) -> tuple[str, ...]:
    """For a pattern that is an alternation of literals ("kommentar|beiträge?\\b|\\bforum"),
    the literal text each alternative starts with ("kommentar", "beiträg", "forum"): a line
    containing none of them cannot match, and `in` finds that far faster than the regex.
    Empty for any other shape (lookarounds but one in front, nested groups): then the
    pattern always runs."""
    body = _LEADING_LOOKBEHIND.sub("", pattern.replace(r"\b", ""))
    if body.startswith("(?:") and body.endswith(")"):
        body = body[3:-1]
    if "(" in body or ")" in body:
        return ()
    needles = []
    for alternative in body.split("|"):
        literal = _LITERAL_PREFIX.match(alternative).group(0)
        if alternative[len(literal):][:1] in ("?", "*", "{"):  # the quantifier takes its last char
            literal = literal[:-1]
        if not literal:
            return ()
        needles.append(literal)
    return tuple(needles)


@dataclass(frozen=True)
class Cue:
    """A pattern searched the cheap way (see _EXOTIC_CASE and literal_needles)."""

    name: str
    pattern: re.Pattern[str]
    on_lowered: bool  # searched case-sensitively in the lower-cased line
    needles: tuple[str, ...]  # one of them is in every match (empty: unknown)
    original: re.Pattern[str]  # as given: searched in lines with exotic case

    def search(self, text: str) -> bool:
        """bool(self.original.search(text))."""
        if _EXOTIC_CASE.search(text):
            return bool(self.original.search(text))
        return self.found_in(text, text.lower())

    def found_in(self, text: str, lowered: str) -> bool:
        haystack = lowered if self.on_lowered else text
        if self.needles and not any(needle in haystack for needle in self.needles):
            return False
        return bool(self.pattern.search(haystack))

    def within(self, document: str, lowered: str) -> Cue | None:
        """This cue for the lines of one document (`document` and `lowered` join them with
        newlines): it looks only for the needles the whole document has, and is None when
        it has none (no line can match)."""
        if not self.needles:
            return self
        haystack = lowered if self.on_lowered else document
        needles = tuple(needle for needle in self.needles if needle in haystack)
        return replace(self, needles=needles) if needles else None


def cue(name: str, pattern: re.Pattern[str], needles: tuple[str, ...] | None = None) -> Cue:
    """`needles`, where literal_needles cannot read them off the pattern: texts one of which
    every match contains (in lower case for an IGNORECASE pattern)."""
    if pattern.flags & re.IGNORECASE and pattern.pattern == pattern.pattern.lower():
        return Cue(name, re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE), True,
                   literal_needles(pattern.pattern) if needles is None else needles, pattern)
    if needles is None:
        needles = () if pattern.flags & re.IGNORECASE else literal_needles(pattern.pattern)
    return Cue(name, pattern, False, needles, pattern)


_CUES = tuple(cue(name, pattern) for name, pattern in NOTICE_CUES.items())


def document_cues(texts: Sequence[str]) -> tuple[Cue, ...]:
    """The cues narrowed to the needles that the lines `texts` contain: each needle is looked
    for once in the whole document, and per line only if the document has it."""
    document, lowered = "\n".join(texts), "\n".join(map(str.lower, texts))
    narrowed = (c.within(document, lowered) for c in _CUES)
    return tuple(c for c in narrowed if c is not None)


def notice_cues(text: str, cues: Sequence[Cue] = _CUES) -> frozenset[str]:
    """Names of the NOTICE_CUES in the line; `cues` may be narrowed by document_cues."""
    if _EXOTIC_CASE.search(text):
        return frozenset(name for name, pattern in NOTICE_CUES.items() if pattern.search(text))
    lowered = text.lower()
    return frozenset(c.name for c in cues if c.found_in(text, lowered))


_SITE_SELF = cue("site-self", SITE_SELF)


def names_site(text: str) -> bool:
    return _SITE_SELF.search(text)


def addresses_reader(cues: Collection[str]) -> bool:
    return "address" in cues or "informal" in cues


def classify_line(text: str, settings: CleanSettings, learnt: Collection[str] = (),
                  doc_cues: Sequence[Cue] = _CUES) -> LineInfo:
    counts = word_counts(text)
    n = counts.words
    stats = {"stop_density": max(counts.german, counts.english) / n if n else 0.0,
             "capitalised": counts.capitalised / n if n else 0.0}
    if learnt and line_key(text) in learnt:
        return LineInfo(Kind.BAD, n, "learnt", **stats)
    bad = _bad_shape(text, n)
    if bad:
        return LineInfo(Kind.BAD, n, bad, **stats)
    heading = text.strip(" :–-")
    if COMMENT_HEADING.match(heading):
        # "0 Comments" is a counter in the byline: no comment section follows it.
        return LineInfo(Kind.BAD, n, "comment-heading",
                        comment_heading=not _ZERO_COUNT.match(heading), **stats)
    if RELATED_HEADING.match(text) and n <= settings.heading_max_words:
        # "Weitere Nachrichten" alone heads a link list; "Siehe auch X" is itself a link.
        return LineInfo(Kind.BAD, n, "related", related_heading=n <= 4, **stats)
    cues = notice_cues(text, doc_cues)
    if len(cues) >= settings.notice_min_cues:
        return LineInfo(Kind.BAD, n, "notice", cues=cues, **stats)
    if len(cues) >= 2 and n <= settings.cta_max_words and addresses_reader(cues):
        return LineInfo(Kind.BAD, n, "call-to-action", cues=cues, **stats)
    if n <= settings.self_promo_max_words and addresses_reader(cues) and names_site(text):
        return LineInfo(Kind.BAD, n, "self-promo", cues=cues, **stats)
    density = stats["stop_density"]
    sentence = ends_sentence(text)
    statement = ends_statement(text)
    if (n >= settings.good_min_words and density >= settings.good_min_stop_density
            and (sentence or n >= settings.good_unpunctuated_min_words)):
        kind = Kind.GOOD
    elif (n >= settings.near_good_min_words and density >= settings.near_good_min_stop_density
            and (sentence or n >= settings.good_unpunctuated_min_words)):
        kind = Kind.NEAR
    else:
        kind = Kind.SHORT
    return LineInfo(kind, n, sentence=sentence, statement=statement, cues=cues, **stats)


def _bad_shape(text: str, n_words: int) -> str:
    if not n_words:
        return "no-words"
    if AD_MARKER.match(text):
        return "ad"
    if (":" in text or "©" in text) and CREDIT.search(text):  # every credit has one
        return "credit"
    parts = text.split()
    if all(UI_TOKEN.match(p) or DOMAIN.fullmatch(p.strip(".,:;")) for p in parts):
        return "ui"
    if len(parts) == 1 and _ID_LIKE.match(text) and not text.isdigit():
        return "id"
    if n_words <= 3 and text.isupper() and len(text) > 3:
        return "caps"
    if (_has_list_separator(text) and len(_LIST_SEPARATORS.findall(text)) >= 2
            and not ends_sentence(text)):
        return "link-list"
    return ""


def _has_list_separator(text: str) -> bool:
    return "|" in text or "/" in text or "•" in text or "·" in text


def classify_lines(
    lines: Sequence[Line], settings: CleanSettings, learnt: Collection[str] = ()
) -> list[LineInfo]:
    texts = [line.text for line in lines]
    cues = document_cues(texts)
    infos = [classify_line(text, settings, learnt, cues) for text in texts]
    _cut_comment_tail(infos, settings)
    _drop_link_lists(infos)
    return infos


def _cut_comment_tail(infos: list[LineInfo], settings: CleanSettings) -> None:
    """Everything after a comment-section heading that follows the article is comments/forms."""
    prose_words = 0
    for i, info in enumerate(infos):
        if info.comment_heading and prose_words >= settings.tail_cut_min_words_before:
            for j in range(i, len(infos)):
                infos[j] = LineInfo(Kind.BAD, infos[j].n_words, "comment-section")
            return
        if info.kind is Kind.GOOD:
            prose_words += info.n_words


def _drop_link_lists(infos: list[LineInfo]) -> None:
    """Lines right after a related-content heading, up to the next prose, are its links."""
    in_list = False
    for i, info in enumerate(infos):
        if info.related_heading:
            in_list = True
        elif in_list and info.kind in (Kind.SHORT, Kind.NEAR):
            infos[i] = LineInfo(Kind.BAD, info.n_words, "link-list")
        elif info.kind is Kind.GOOD:
            in_list = False


def _score(info: LineInfo, settings: CleanSettings) -> float:
    if info.kind is Kind.GOOD:
        return settings.score_good_per_word * info.n_words
    if info.kind is Kind.NEAR:
        return settings.score_near_good_per_word * info.n_words
    if info.kind is Kind.SHORT:
        if info.n_words > settings.menu_item_max_words:
            return settings.score_short_per_word * info.n_words
        return settings.score_short
    return settings.score_bad


def _scores(infos: Sequence[LineInfo], settings: CleanSettings) -> list[float]:
    scores: list[float] = []
    gap = 0
    for info in infos:
        score = _score(info, settings)
        if score < 0:
            score *= 1 + settings.gap_growth * gap
            gap += 1
        elif info.kind in (Kind.GOOD, Kind.NEAR):
            gap = 0
        scores.append(score)
    return scores


def _best_segment(scores: Sequence[float], lo: int, hi: int) -> tuple[float, int, int]:
    """Maximum-sum contiguous segment in scores[lo:hi] (Kadane); (score, start, end)."""
    best = (0.0, lo, lo)
    run, start = 0.0, lo
    for i in range(lo, hi):
        if run <= 0:
            run, start = 0.0, i
        run += scores[i]
        if run > best[0]:
            best = (run, start, i + 1)
    return best


def content_windows(infos: Sequence[LineInfo], settings: CleanSettings) -> list[tuple[int, int]]:
    """The main run of article lines plus other runs scoring a good share of it."""
    scores = _scores(infos, settings)
    top = _best_segment(scores, 0, len(scores))
    if top[0] <= 0:
        return []
    windows = [(top[1], top[2])]
    todo = [(0, top[1]), (top[2], len(scores))]
    while todo:
        lo, hi = todo.pop()
        score, start, end = _best_segment(scores, lo, hi)
        if score > 0 and score >= settings.extra_window_min_share * top[0]:
            windows.append((start, end))
            todo += [(lo, start), (end, hi)]
    return sorted(windows)


def body_windows(infos: Sequence[LineInfo], settings: CleanSettings) -> list[tuple[int, int]]:
    """The content windows, each ending at its last prose paragraph or full-stop line."""
    return [(start, _trim_tail(infos, start, end))
            for start, end in content_windows(infos, settings)]


def select_body(
    infos: Sequence[LineInfo], settings: CleanSettings, windows: Sequence[tuple[int, int]]
) -> list[int]:
    """Indices of lines kept as article body: the lines of `windows` (body_windows) that
    the rules keep."""
    keep: list[int] = []
    for start, end in windows:
        for i in range(start, end):
            if _keep_in_window(infos, i, start, end, settings):
                keep.append(i)
    return keep


@dataclass(frozen=True)
class RuleDecision:
    """What the rules decide about a text's lines; the learned line classifier reads all
    three, at cleaning time and at training time alike (train_lines.py)."""

    infos: list[LineInfo]
    windows: list[tuple[int, int]]
    keep: list[int]


def decide_by_rules(
    lines: Sequence[Line], settings: CleanSettings, learnt: Collection[str] = ()
) -> RuleDecision:
    infos = classify_lines(lines, settings, learnt)
    windows = body_windows(infos, settings)
    return RuleDecision(infos, windows, select_body(infos, settings, windows))


def main_window(infos: Sequence[LineInfo],
                windows: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """The window with the most words: the article (the others are further runs)."""
    return max(windows, key=lambda w: sum(infos[i].n_words for i in range(*w)), default=(0, 0))


def topic_stems(text: str) -> list[str]:
    """Stems of the line's content words (no function words, no short words)."""
    lowered = (w.lower() for w in words(text))
    return [w[:_STEM_CHARS] for w in lowered if len(w) >= _TOPIC_MIN_CHARS
            and w not in GERMAN_STOPWORDS and w not in ENGLISH_STOPWORDS]


def lead_paragraph(
    texts: Sequence[str], infos: Sequence[LineInfo], windows: Sequence[tuple[int, int]],
    settings: CleanSettings,
) -> int | None:
    """The index of the article's lead when share buttons, a photo credit or a dateline
    split it off the main window, else None.

    The lead is one prose paragraph, so it scores too little to bridge that gap, and in
    isolation it looks like a teaser; what sets it apart is that only buttons and
    boilerplate stand between it and the article, and that it is about the article's
    topic (most of its content words recur in the main window), which a teaser is not.
    """
    start, end = main_window(infos, windows)
    j = start - 1
    while j >= 0 and infos[j].kind not in _PROSE:
        if infos[j].kind is not Kind.BAD and infos[j].n_words > settings.menu_item_max_words:
            return None  # a headline or teaser text between: not a split-off lead
        j -= 1
    if start == end or j < 0 or infos[j].kind is not Kind.GOOD:
        return None
    if start - j - 1 > settings.lead_max_gap:
        return None
    topic = {stem for i in range(start, end) for stem in topic_stems(texts[i])}
    stems = topic_stems(texts[j])
    if not stems or sum(stem in topic for stem in stems) < settings.lead_min_topic_share * len(stems):
        return None
    return j


def _trim_tail(infos: Sequence[LineInfo], start: int, end: int) -> int:
    """New end of a window without the non-sentences after its last prose paragraph.

    Short lines score positively, so a window runs on into the teaser headlines, "Weiter"
    buttons and share prompts that follow an article; an article ends with prose, or with
    a short closing sentence (kept: it ends with a full stop).
    """
    while end > start and infos[end - 1].kind is not Kind.GOOD and not infos[end - 1].statement:
        end -= 1
    return end


def _keep_in_window(
    infos: Sequence[LineInfo], i: int, start: int, end: int, settings: CleanSettings
) -> bool:
    info = infos[i]
    if info.kind in (Kind.GOOD, Kind.NEAR):
        return True
    if info.kind is Kind.BAD:
        return False
    if settings.keep_all_in_window and info.n_words > settings.menu_item_max_words:
        return True
    nxt = infos[i + 1] if i + 1 < end else None
    prev = infos[i - 1] if i > start else None
    prose = (Kind.GOOD, Kind.NEAR)
    # A sub-heading: a short line directly followed by prose.
    if nxt is not None and nxt.kind in prose and 0 < info.n_words <= settings.heading_max_words:
        return True
    # A short sentence between prose paragraphs (not a "Teilen" button between them).
    return (info.sentence and prev is not None and nxt is not None
            and prev.kind in prose and nxt.kind in prose)
