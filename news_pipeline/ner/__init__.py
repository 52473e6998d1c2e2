"""German named-entity recognition: the shipped hybrid recogniser and pluggable backends.

    load_recogniser("default")            # shipped hybrid (news_pipeline/ner/model)
    load_recogniser("spacy:de_core_news_md")  # any installed spaCy pipeline, by name or path
    load_recogniser("hf:/path/to/model")   # Hugging Face token-classification model directory
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from news_pipeline.ner.mention import LABELS, Mention, Recogniser

MODEL_DIR = Path(__file__).with_name("model")

# Files whose change can change the default recogniser's output.
_VERSIONED_SOURCES = ("features.py", "hybrid.py", "lexicon.py", "repairs.py", "spans.py",
                      "text.py")


def _default_version() -> str:
    """Model version from meta.json plus a digest of the model and the code that runs it, so
    that retraining or a code change always yields a new NER_VERSION."""
    digest = hashlib.sha256()
    meta_path = MODEL_DIR / "meta.json"
    if not meta_path.exists():
        return "missing-model"
    version = json.loads(meta_path.read_text(encoding="utf-8")).get("version", "unknown")
    for path in sorted(p for p in MODEL_DIR.rglob("*") if p.is_file()):
        digest.update(path.relative_to(MODEL_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    here = Path(__file__).parent
    for name in _VERSIONED_SOURCES:
        digest.update((here / name).read_bytes())
    return f"{version}+{digest.hexdigest()[:12]}"


NER_VERSION = _default_version()


def _is_default(spec: str) -> bool:
    return spec in ("default", "", "hybrid")


def known_identity(spec: str) -> tuple[str, str] | None:
    """(name, version) of the recogniser `spec` names, when known without loading its model
    (the shipped one); None when only loading it tells (spaCy and HF backends)."""
    if _is_default(spec):
        from news_pipeline.ner.hybrid import HybridRecogniser  # no model files read

        return HybridRecogniser.name, NER_VERSION
    return None


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Loading the shipped model builds about a million small objects (lexicon, gazetteer
    index) that live as long as the recogniser. While they are built, each full collection
    their allocation triggers would traverse them and the rest of the heap again (0.4-0.5 s
    of a 1.1-1.3 s load); afterwards they are frozen, so that the collections text
    processing triggers skip them (GC time recognising 300 benchmark articles 0.31 -> 0.08 s
    of 3.2 s CPU)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def load_recogniser(spec: str = "default") -> Recogniser:
    """"default" | "spacy:<name-or-path>" | "hf:<directory>" -> a Recogniser."""
    with _collector_paused():
        return _load(spec)


def _load(spec: str) -> Recogniser:
    if _is_default(spec):
        from news_pipeline.ner.hybrid import HybridRecogniser

        recogniser = HybridRecogniser.load(MODEL_DIR)
        recogniser.version = NER_VERSION
        return recogniser
    kind, _, target = spec.partition(":")
    if kind == "spacy" and target:
        from news_pipeline.ner.spacy_backend import SpacyRecogniser

        return SpacyRecogniser.load(target)
    if kind == "hf" and target:
        from news_pipeline.ner.hf_backend import HFRecogniser

        return HFRecogniser.load(Path(target))
    raise ValueError(f"unknown recogniser spec {spec!r}: use default, spacy:<name>, hf:<dir>")


__all__ = ["LABELS", "NER_VERSION", "Mention", "Recogniser", "known_identity", "load_recogniser"]
