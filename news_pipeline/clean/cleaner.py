"""First cleaner: markup to text, drop obvious boilerplate lines and duplicate paragraphs."""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

from news_pipeline.clean.document import CleanedDocument

CLEAN_VERSION = "clean-0.1"

_BLOCK_TAGS = "p|div|h[1-6]|li|br|tr|section|article|header|footer"
_MIN_BODY_WORDS = 4
_BOILERPLATE = re.compile(
    r"^(werbung|anzeige|loading\.*|kommentare|weitere nachrichten|verwandte themen:?|"
    r"leave a reply|schreibe einen kommentar|siehe auch\b.*|\d\d:\d\d( / \d\d:\d\d)?)$",
    re.IGNORECASE,
)


def clean_article(raw: str) -> CleanedDocument:
    lines = _markup_to_lines(raw)
    title = lines[0] if lines else None
    body: list[str] = []
    seen: set[str] = set()
    for line in lines[1:]:
        key = re.sub(r"\W+", " ", line).casefold().strip()
        if key in seen or key == (title or "").casefold() or _is_boilerplate(line):
            continue
        seen.add(key)
        body.append(line)
    return CleanedDocument(text="\n\n".join(body), title=title, language="de")


def _markup_to_lines(raw: str) -> list[str]:
    # Broken tags such as "strong>" lose their "<" in scrapes; restore it before parsing.
    repaired = re.sub(r"(?<![<\w/])(/?(?:strong|em|b|i|p|span|a|div))>", r"<\1>", raw)
    repaired = re.sub(rf"</?({_BLOCK_TAGS})\b[^>]*>", "\n", repaired, flags=re.IGNORECASE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        text = BeautifulSoup(repaired, "html.parser").get_text()
    text = re.sub(r"<[^>\n]*$", "", text)  # a tag cut off at the end of the file
    return [re.sub(r"\s+", " ", line).strip() for line in text.splitlines() if line.strip()]


def _is_boilerplate(line: str) -> bool:
    if _BOILERPLATE.match(line):
        return True
    return len(line.split()) < _MIN_BODY_WORDS and not line.endswith((".", "!", "?", "“", '"'))
