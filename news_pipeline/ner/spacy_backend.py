"""Any spaCy pipeline with an `ner` component as a Recogniser."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import spacy
from spacy.language import Language

from news_pipeline.ner.mention import LABELS, Mention

# Labels used by other German models (e.g. spaCy's de_core_news_*, WikiNER) mapped to ours.
_LABEL_MAP = {"PER": "PER", "PERSON": "PER", "LOC": "LOC", "GPE": "LOC", "ORG": "ORG",
              "MISC": "MISC", "OTH": "MISC", "NORP": "MISC", "EVENT": "MISC", "PRODUCT": "MISC"}


class SpacyRecogniser:
    """Runs `nlp.pipe` and converts entities to Mentions with sentence indices."""

    def __init__(self, nlp: Language, name: str, batch_size: int = 64) -> None:
        self.nlp = nlp
        self.name = name
        self.version = f"{nlp.meta.get('name', 'pipeline')}-{nlp.meta.get('version', '0')}"
        self.batch_size = batch_size

    @classmethod
    def load(cls, name_or_path: str | Path) -> SpacyRecogniser:
        nlp = spacy.load(name_or_path, exclude=["lemmatizer", "tagger", "morphologizer"])
        return cls(nlp, str(name_or_path))

    def recognise(self, texts: Sequence[str]) -> list[list[Mention]]:
        return [_mentions(doc) for doc in self.nlp.pipe(texts, batch_size=self.batch_size)]


def _mentions(doc: spacy.tokens.Doc) -> list[Mention]:
    has_sents = doc.has_annotation("SENT_START")
    sentence_starts = [sent.start for sent in doc.sents] if has_sents else [0]
    mentions = []
    sentence_index = 0
    for ent in doc.ents:
        label = _LABEL_MAP.get(ent.label_)
        if label not in LABELS:
            continue
        while (sentence_index + 1 < len(sentence_starts)
               and sentence_starts[sentence_index + 1] <= ent.start):
            sentence_index += 1
        mentions.append(Mention(ent.start_char, ent.end_char, label, ent.text, sentence_index))
    return mentions
