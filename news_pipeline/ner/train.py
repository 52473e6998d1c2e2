"""Reproducible training of the shipped hybrid recogniser.

    news-pipeline train-ner [--data ../shared/data/ner] [--output news_pipeline/ner/model]

reads `train_config.json` (next to this file), builds the lexicons, trains the CRF on the
training part (GermEval 2014 dev minus a held-out dev part, plus the other corpora),
scores the dev part, then (retrain_on_all) retrains on everything and writes the model folder.
GermEval 2014 test is never read here.
"""

from __future__ import annotations

import json
import logging
import random
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pycrfsuite

from news_pipeline.ner.data import Sentence, load_corpora
from news_pipeline.ner.features import FeatureConfig, FeatureExtractor
from news_pipeline.ner.hybrid import (
    LEXICON_DIR,
    META_FILE,
    MODEL_FILE,
    HybridSettings,
    HybridTagger,
)
from news_pipeline.ner.lexicon import Lexicon, build_lexicon, save_lexicon
from news_pipeline.ner.mention import LABELS
from news_pipeline.ner.repairs import SpanRepairs
from news_pipeline.ner.spans import bio_to_spans, strict_scores

log = logging.getLogger(__name__)

CONFIG_PATH = Path(__file__).with_name("train_config.json")
DEFAULT_DATA_DIR = Path("../shared/data/ner")
DEFAULT_OUTPUT_DIR = Path(__file__).with_name("model")


@dataclass
class TrainConfig:
    version: str
    corpora: list[str]
    dev_fraction: float
    split_seed: int
    feature_groups: list[str]
    propagate: bool
    crf: dict
    retrain_on_all: bool
    org_chunks: bool = False
    repairs: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path = CONFIG_PATH, overrides: dict | None = None) -> TrainConfig:
        values = json.loads(path.read_text(encoding="utf-8"))
        values.update(overrides or {})
        return cls(**values)


def split_germeval(sentences: list[Sentence], fraction: float, seed: int
                   ) -> tuple[list[Sentence], list[Sentence]]:
    """Split by source (the comment line's URL or "site vom date"), so that no source is on
    both sides; the same source recurs at several places in the file."""
    by_source: dict[str, list[Sentence]] = {}
    for sentence in sentences:
        by_source.setdefault(sentence.doc_id, []).append(sentence)
    docs = list(by_source.values())
    order = list(range(len(docs)))
    random.Random(seed).shuffle(order)
    n_dev = int(len(docs) * fraction)
    dev_ids = set(order[:n_dev])
    train = [s for i, d in enumerate(docs) if i not in dev_ids for s in d]
    dev = [s for i, d in enumerate(docs) if i in dev_ids for s in d]
    return train, dev


def group_documents(sentences: Iterable[Sentence]) -> list[list[Sentence]]:
    docs: list[list[Sentence]] = []
    for sentence in sentences:
        if docs and docs[-1][-1].doc_id == sentence.doc_id:
            docs[-1].append(sentence)
        else:
            docs.append([sentence])
    return docs


def train_crf(sentences: list[Sentence], extractor: FeatureExtractor, crf: dict,
              model_path: Path) -> float:
    started = time.perf_counter()
    trainer = pycrfsuite.Trainer(verbose=False)
    for doc in group_documents(sentences):
        for sentence, feats in zip(doc, extractor.document([s.words for s in doc]), strict=True):
            trainer.append(feats, sentence.tags)
    trainer.set_params({"c1": crf["c1"], "c2": crf["c2"],
                        "max_iterations": crf["max_iterations"],
                        "feature.possible_transitions": True})
    log.info("training CRF on %d sentences", len(sentences))
    trainer.train(str(model_path))
    return time.perf_counter() - started


def score_tagger(tagger: HybridTagger, sentences: list[Sentence],
                 use_propagation: bool | None = None) -> dict:
    """Strict scores on pre-tokenised sentences (gold tokenisation)."""
    gold, predicted = [], []
    for doc in group_documents(sentences):
        spans = tagger.tag_document([s.words for s in doc], use_propagation)
        per_sentence: list[set[tuple]] = [set() for _ in doc]
        for span in spans:
            per_sentence[span.sentence].add((span.start, span.end, span.label))
        predicted.extend(per_sentence)
        gold.extend({(s.start, s.end, s.label) for s in bio_to_spans(x.tags)} for x in doc)
    return strict_scores(gold, predicted, LABELS)


def _fit(config: TrainConfig, lexicon: Lexicon, train: list[Sentence], folder: Path,
         settings: HybridSettings) -> tuple[HybridTagger, float]:
    folder.mkdir(parents=True, exist_ok=True)
    extractor = FeatureExtractor(lexicon, FeatureConfig(groups=tuple(config.feature_groups)))
    seconds = train_crf(train, extractor, config.crf, folder / MODEL_FILE)
    return HybridTagger(folder / MODEL_FILE, lexicon, settings), seconds


def train_model(data_dir: Path = DEFAULT_DATA_DIR, output_dir: Path = DEFAULT_OUTPUT_DIR,
                overrides: dict | None = None, lexicon: Lexicon | None = None,
                corpora: dict[str, list[Sentence]] | None = None) -> dict:
    """Train with the versioned config (plus `overrides`, used by the ablation) and write the
    model folder to `output_dir`. Returns the dev scores and a summary."""
    config = TrainConfig.load(overrides=overrides)
    if corpora is None:
        corpora = load_corpora(Path(data_dir), config.corpora)
    else:
        corpora = {name: corpora[name] for name in config.corpora}
    germeval_train, dev = split_germeval(corpora.get("germeval_dev", []), config.dev_fraction,
                                         config.split_seed)
    extra = [s for name, sents in corpora.items() if name != "germeval_dev" for s in sents]
    lexicon = lexicon or build_lexicon()
    settings = HybridSettings(tuple(config.feature_groups), config.propagate, config.version,
                              config.org_chunks, tuple(config.repairs))

    output_dir = Path(output_dir)
    work = output_dir.with_name(output_dir.name + ".tmp")
    shutil.rmtree(work, ignore_errors=True)
    tagger, seconds = _fit(config, lexicon, germeval_train + extra, work, settings)
    dev_scores = score_tagger(tagger, dev)
    dev_no_propagation = score_tagger(tagger, dev, use_propagation=False)
    tagger.settings.org_chunks = not config.org_chunks
    dev_org_chunks_flipped = score_tagger(tagger, dev)
    tagger.settings.org_chunks = config.org_chunks
    repairs = tagger.repairs
    tagger.repairs = SpanRepairs(lexicon, ())
    dev_without_repairs = score_tagger(tagger, dev)
    tagger.repairs = repairs
    log.info("dev F1 %.4f (without propagation %.4f)", dev_scores["overall"]["f1"],
             dev_no_propagation["overall"]["f1"])
    if config.retrain_on_all:
        tagger, seconds = _fit(config, lexicon, germeval_train + dev + extra, work, settings)

    summary = {
        "version": config.version,
        "config": config.__dict__,
        "dev": dev_scores,
        "dev_without_propagation": dev_no_propagation,
        f"dev_org_chunks_{not config.org_chunks}": dev_org_chunks_flipped,
        "dev_without_repairs": dev_without_repairs,
        "train_sentences": len(germeval_train) + len(extra) + (len(dev) if
                                                               config.retrain_on_all else 0),
        "dev_sentences": len(dev),
        "train_seconds": round(seconds, 1),
    }
    save_lexicon(lexicon, work / LEXICON_DIR)
    meta = {"version": config.version, "feature_groups": config.feature_groups,
            "propagate": config.propagate, "org_chunks": config.org_chunks,
            "repairs": config.repairs,
            "training": summary}
    (work / META_FILE).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n",
                                  encoding="utf-8")
    shutil.rmtree(output_dir, ignore_errors=True)
    work.rename(output_dir)
    log.info("model written to %s", output_dir)
    return summary
