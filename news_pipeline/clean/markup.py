"""Markup and encoding repair: scraped text (possibly with HTML fragments) -> plain lines.

Scrapers leave tags, entities, comments, tags that lost their "<" ("strong>"), unclosed
tags and a tag cut off at the end of the file. We repair the obvious breakage with small
regular expressions, let BeautifulSoup parse the rest, and turn block elements into line
breaks while inline elements stay inside their line.
"""

from __future__ import annotations

import html
import re
import warnings
from collections.abc import Iterator

import ftfy
from bs4 import BeautifulSoup, Comment, MarkupResemblesLocatorWarning, NavigableString, Tag
from ftfy.badness import BADNESS_RE
from ftfy.chardata import HTML_ENTITY_RE


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Elements that start a new line. Everything else is inline and keeps text on one line.
BLOCK_TAGS = _wordset(
    """
    address article aside blockquote body br dd details dialog div dl dt fieldset
    figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre
    section summary table tbody td tfoot th thead tr ul
    """
)
# Elements whose content is never article text.
DROP_TAGS = _wordset(
    """
    script style noscript template svg iframe object embed head
    """
)
# Known element names: only these are repaired when they lost their "<" (so "a>b" in prose
# is not mistaken for a tag unless it really looks like one).
_KNOWN_TAGS = sorted(
    BLOCK_TAGS | DROP_TAGS | {"a", "b", "i", "em", "strong", "span", "u", "small", "sub", "sup",
                              "img", "mark", "abbr", "cite", "q", "time", "font", "center"},
    key=len,
    reverse=True,
)
_TAG_NAMES = "|".join(_KNOWN_TAGS)
# A tag that lost its "<": at line start, after whitespace or after another tag's ">".
_BROKEN_TAG = re.compile(rf"(?:(?<=^)|(?<=[\s>]))(/?(?:{_TAG_NAMES}))>", re.IGNORECASE | re.M)
# Anything that looks like markup; plain text without it skips the parser.
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>|<!--|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")
# A tag or comment cut off at the end of the input ("<div class=").
_CUT_OFF_TAG = re.compile(r"<(?:!--|/?[a-zA-Z])[^>]*\Z")
_HTML_PAGE = re.compile(r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!doctype\s+html|<html[\s>])", re.I)
_FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, explain=False)
# Text made only of these characters gives ftfy nothing to do unless its mojibake detector
# fires or an "&" starts an entity (HTML_ENTITY_RE): no controls but tab and newline, no
# soft hyphen, combining mark, ligature (Ĳ, ĳ, ŉ), wide form or line separator. Latin
# Extended-A is in (names: "Erdoğan", "Đoković"), but not Œ/œ, which the detector flags
# alone. Ã and Â are left out because ftfy anchors a mojibake pattern on them at the start
# of each line, which a search of the whole text would miss.
_FTFY_INERT = re.compile(r"[\t\n\x20-\x7e\u00a0-\u00ac\u00ae-\u00c1\u00c4-\u0131\u0134-\u0148"
                         r"\u014a-\u0151\u0154-\u017f„“”‚‘’–—…€•]*")
# Over those characters every match of ftfy's detector holds two adjacent non-ASCII ones,
# and no match is longer than _BADNESS_WIDTH characters (both checked in
# test_unicode_repair.py): it can only match around a run of non-ASCII characters, so only
# those stretches are searched, not the whole text (German "öß", "äß" make most texts run it).
# (A single character class first, not "{2,}": the regex engine then skips to its next
# occurrence quickly, where a leading repeat makes it try the pattern at every position.)
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f][^\x00-\x7f]+")
_BADNESS_WIDTH = 7


def looks_like_html_page(raw: str, path_hint: str | None = None) -> bool:
    """A whole HTML document (by file name or by its first bytes), not a text with fragments."""
    if path_hint and path_hint.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    return bool(_HTML_PAGE.match(raw[:2000]))


def has_markup(text: str) -> bool:
    # Every markup shape has one of these characters; most texts have none.
    if "<" not in text and ">" not in text and "&" not in text:
        return False
    return bool(_MARKUP.search(text)) or bool(_BROKEN_TAG.search(text))


def repair_markup(raw: str) -> str:
    """Fix tags that scrapers break, so that the parser sees well-formed-enough HTML."""
    text = _CUT_OFF_TAG.sub("", raw)
    return _BROKEN_TAG.sub(r"<\1>", text)


def markup_to_text(raw: str) -> str:
    """Text with HTML fragments -> plain text; block elements become line breaks."""
    if not has_markup(raw):
        return raw
    repaired = repair_markup(raw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(repaired, "html.parser")
    return "".join(_iter_text(soup))


def html_page_to_text(raw: str) -> str:
    """A whole HTML page -> text with all its boilerplate, one block element per line."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        soup = BeautifulSoup(raw, "lxml")
    return fix_text("".join(_iter_text(soup)))


def _iter_text(root: Tag) -> Iterator[str]:
    """Iterative walk (no recursion: deeply nested tag soup must not blow the stack)."""
    stack: list[object] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, str) and not isinstance(node, NavigableString):
            yield node  # a line-break marker pushed below
        elif isinstance(node, Comment):
            continue
        elif isinstance(node, NavigableString):
            # Text outside tags keeps its own line breaks; only drop doctype/CDATA noise.
            if type(node) is NavigableString:
                yield str(node)
        elif isinstance(node, Tag):
            name = (node.name or "").lower()
            if name in DROP_TAGS:
                continue
            block = name in BLOCK_TAGS
            if block:
                yield "\n"
                stack.append("\n")
            stack.extend(reversed(node.contents))


def fix_text(text: str) -> str:
    """Unescape entities (also double-escaped ones) and repair mojibake, keeping „…“ quotes."""
    for _ in range(2):  # "&amp;quot;" needs two rounds; more would unescape literal text
        if "&" not in text:
            break
        text = html.unescape(text)
    text = repair_unicode(text)
    # Non-breaking and other exotic spaces behave like spaces in every later step.
    return re.sub(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]", " ", text).replace("\u200b", "")


def repair_unicode(text: str) -> str:
    """ftfy.fix_text with our configuration. Most articles need no repair: those are
    recognised by a character whitelist and ftfy's own mojibake detector around their
    non-ASCII runs (the same answer, without ftfy's passes over every line)."""
    if (_FTFY_INERT.fullmatch(text) and not ("&" in text and HTML_ENTITY_RE.search(text))
            and not _inert_text_is_bad(text)):
        return text
    return ftfy.fix_text(text, _FTFY_CONFIG)


def _inert_text_is_bad(text: str) -> bool:
    """ftfy.badness.is_bad(text) for a text that _FTFY_INERT matches."""
    for run in _NON_ASCII_RUN.finditer(text):
        start, end = run.span()
        if BADNESS_RE.search(text, max(0, start - _BADNESS_WIDTH), end + _BADNESS_WIDTH):
            return True
    return False
