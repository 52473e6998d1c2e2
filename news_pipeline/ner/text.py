"""Tokenisation and sentence splitting for raw article text.

spaCy's German tokenizer (rules only, no model) handles abbreviations ("Dr.", "z. B.") and
keeps hyphenated compounds ("Kookmin-Universität") together, as GermEval does. Sentences end
after . ! ? … (plus closing quotes/brackets) and at line breaks, which in cleaned article
bodies separate paragraphs and headlines.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

_FINAL = {".", "!", "?", "…", "?!", "!?"}
_CLOSING = {'"', "“", "”", "«", "»", "'", ")", "]", "’", "‘"}


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


@dataclass
class TextSentence:
    tokens: list[Token]
    index: int


class Segmenter:
    """Raw text -> sentences of tokens with character offsets."""

    def __init__(self) -> None:
        import spacy  # here, so that training on pre-tokenised data does not need spaCy

        self._tokenizer = spacy.blank("de").tokenizer

    def sentences(self, text: str) -> Iterator[TextSentence]:
        doc = self._tokenizer(text)
        current: list[Token] = []
        index = 0
        ended = False
        for tok in doc:
            if tok.is_space:
                if "\n" in tok.text and current:
                    yield TextSentence(current, index)
                    current, index, ended = [], index + 1, False
                continue
            if ended and tok.text not in _CLOSING:
                yield TextSentence(current, index)
                current, index, ended = [], index + 1, False
            current.append(Token(tok.text, tok.idx, tok.idx + len(tok.text)))
            if tok.text in _FINAL:
                ended = True
            if "\n" in tok.whitespace_ and current:
                yield TextSentence(current, index)
                current, index, ended = [], index + 1, False
        if current:
            yield TextSentence(current, index)
