"""The shipped German recogniser: orthography + lexicons + document consistency, combined by
a linear-chain CRF (python-crfsuite) trained on the labelled corpora."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pycrfsuite

from news_pipeline.ner.features import FeatureConfig, FeatureExtractor
from news_pipeline.ner.lexicon import Lexicon, load_lexicon
from news_pipeline.ner.mention import Mention
from news_pipeline.ner.repairs import SpanRepairs
from news_pipeline.ner.spans import Span, bio_to_spans, org_chunks, propagate
from news_pipeline.ner.text import Segmenter, TextSentence

log = logging.getLogger(__name__)

MODEL_FILE = "crf.crfsuite"
META_FILE = "meta.json"
LEXICON_DIR = "lexicon"


@dataclass
class HybridSettings:
    """What a trained model folder says about how it must be run."""

    groups: tuple[str, ...]
    propagate: bool
    version: str
    org_chunks: bool = False
    repairs: tuple[str, ...] = ()

    @classmethod
    def from_meta(cls, meta: dict) -> HybridSettings:
        return cls(tuple(meta["feature_groups"]), bool(meta["propagate"]), meta["version"],
                   bool(meta.get("org_chunks", False)), tuple(meta.get("repairs", ())))


class HybridTagger:
    """Token-level core: documents as lists of token lists -> spans. Used both by the
    recogniser (after tokenisation) and by training/evaluation on pre-tokenised corpora."""

    def __init__(self, model_path: Path, lexicon: Lexicon, settings: HybridSettings) -> None:
        self.settings = settings
        self.features = FeatureExtractor(lexicon, FeatureConfig(groups=settings.groups))
        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(str(model_path))
        self.repairs = SpanRepairs(lexicon, settings.repairs)

    def tag_document(self, sentences: Sequence[Sequence[str]],
                     use_propagation: bool | None = None) -> list[Span]:
        spans: list[Span] = []
        for index, feats in enumerate(self.features.document(sentences)):
            if feats:
                spans.extend(bio_to_spans(self.tagger.tag(feats), index))
        spans = self.repairs.apply(sentences, spans)
        if self.settings.org_chunks:
            spans = org_chunks(sentences, spans)
        if self.settings.propagate if use_propagation is None else use_propagation:
            spans = propagate(sentences, spans)
        return spans


class HybridRecogniser:
    """Recogniser protocol implementation around HybridTagger."""

    name = "hybrid-crf"

    def __init__(self, tagger: HybridTagger, version: str) -> None:
        self.tagger = tagger
        self.version = version
        self.segmenter = Segmenter()

    @classmethod
    def load(cls, folder: Path) -> HybridRecogniser:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        settings = HybridSettings.from_meta(meta)
        lexicon = load_lexicon(folder / LEXICON_DIR)
        tagger = HybridTagger(folder / MODEL_FILE, lexicon, settings)
        log.info("loaded hybrid NER %s from %s", settings.version, folder)
        return cls(tagger, settings.version)

    def recognise(self, texts: Sequence[str]) -> list[list[Mention]]:
        return [self.analyse(text)[0] for text in texts]

    def analyse(self, text: str) -> tuple[list[Mention], list[TextSentence]]:
        """The mentions of `text` and the sentences they were found in: the quotation
        extractor works on the same sentences instead of segmenting the text again."""
        sentences = list(self.segmenter.sentences(text))
        words = [[tok.text for tok in s.tokens] for s in sentences]
        mentions = []
        for span in self.tagger.tag_document(words):
            tokens = sentences[span.sentence].tokens
            start, end = tokens[span.start].start, tokens[span.end - 1].end
            mentions.append(Mention(start, end, span.label, text[start:end],
                                    sentences[span.sentence].index))
        return mentions, sentences
