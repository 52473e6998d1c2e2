"""A Hugging Face token-classification model directory as a Recogniser (optional extra
`transformers`; runs on the GPU when one is present)."""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections.abc import Sequence
from pathlib import Path

from news_pipeline.ner.mention import LABELS, Mention
from news_pipeline.ner.spacy_backend import _LABEL_MAP
from news_pipeline.ner.text import Segmenter

log = logging.getLogger(__name__)


def _label(entity_group: str) -> str | None:
    """"B-PER", "I-LOC", "PER", "person" -> our label (None if not a name type)."""
    kind = entity_group.split("-", 1)[1] if entity_group[:2] in ("B-", "I-") else entity_group
    label = _LABEL_MAP.get(kind.upper())
    return label if label in LABELS else None


class HFRecogniser:
    """Wraps `transformers.pipeline("token-classification", aggregation_strategy="simple")`.
    Each sentence is classified separately (keeps inputs under the model's length limit);
    sentence indices come from the same segmenter the default recogniser uses."""

    def __init__(self, pipe, name: str, batch_size: int = 32) -> None:
        self.pipe = pipe
        self.name = name
        self.version = f"hf:{Path(name).name}"
        self.batch_size = batch_size
        self.segmenter = Segmenter()

    @classmethod
    def load(cls, directory: Path) -> HFRecogniser:
        import torch
        from transformers import AutoModelForTokenClassification, AutoTokenizer, pipeline

        device = 0 if torch.cuda.is_available() else -1
        tokenizer = AutoTokenizer.from_pretrained(str(directory))
        model = AutoModelForTokenClassification.from_pretrained(str(directory))
        pipe = pipeline("token-classification", model=model, tokenizer=tokenizer,
                        aggregation_strategy="simple", device=device)
        log.info("loaded HF model %s on %s", directory, "cuda" if device == 0 else "cpu")
        return cls(pipe, str(directory))

    def recognise(self, texts: Sequence[str]) -> list[list[Mention]]:
        return [self._one(text) for text in texts]

    def _one(self, text: str) -> list[Mention]:
        sentences = [s for s in self.segmenter.sentences(text) if s.tokens]
        if not sentences:
            return []
        bounds = [(s.tokens[0].start, s.tokens[-1].end) for s in sentences]
        chunks = [text[a:b] for a, b in bounds]
        outputs = self.pipe(chunks, batch_size=self.batch_size)
        starts = [a for a, _ in bounds]
        mentions = []
        for (offset, _), entities in zip(bounds, outputs, strict=True):
            for entity in entities:
                label = _label(entity["entity_group"])
                if label is None:
                    continue
                start, end = offset + int(entity["start"]), offset + int(entity["end"])
                # strip spaces the sub-word aggregation may leave at the edges
                while start < end and text[start].isspace():
                    start += 1
                while end > start and text[end - 1].isspace():
                    end -= 1
                if start < end:
                    sentence = sentences[bisect_right(starts, start) - 1].index
                    mentions.append(Mention(start, end, label, text[start:end], sentence))
        return mentions
