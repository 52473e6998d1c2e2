"""Each loading path of load_recogniser, with tiny models built by the tests."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from news_pipeline.ner import load_recogniser

TEXT = "Angela Merkel besuchte Paris. Dann flog sie nach Berlin."


def _ruler_pipeline(path: Path) -> Path:
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Angela Merkel"},
                        {"label": "GPE", "pattern": "Paris"},
                        {"label": "LOC", "pattern": "Berlin"},
                        {"label": "DATE", "pattern": "Dann"}])
    nlp.to_disk(path)
    return path


def test_spacy_by_path(tmp_path: Path) -> None:
    recogniser = load_recogniser(f"spacy:{_ruler_pipeline(tmp_path / 'ruler')}")
    [mentions] = recogniser.recognise([TEXT])
    assert [(m.text, m.label, m.sentence_index) for m in mentions] == [
        ("Angela Merkel", "PER", 0), ("Paris", "LOC", 0), ("Berlin", "LOC", 1)]
    for m in mentions:
        assert TEXT[m.start:m.end] == m.text


def test_spacy_statistical_pipeline(tmp_path: Path) -> None:
    """A (tiny, untrained) statistical NER loads and returns well-formed mentions."""
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    ner = nlp.add_pipe("ner")
    for label in ("PER", "LOC", "ORG", "MISC"):
        ner.add_label(label)
    nlp.initialize()
    nlp.to_disk(tmp_path / "tiny")
    [mentions] = load_recogniser(f"spacy:{tmp_path / 'tiny'}").recognise([TEXT])
    assert all(TEXT[m.start:m.end] == m.text for m in mentions)


@pytest.mark.transformers
def test_hf_directory(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    words = ["Angela", "Merkel", "besuchte", "Paris", ".", "Dann", "flog", "sie", "nach",
             "Berlin"]
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *sorted({w.lower() for w in words})]
    (tmp_path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = transformers.BertTokenizerFast(str(tmp_path / "vocab.txt"))
    labels = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]
    config = transformers.BertConfig(
        vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=64, num_labels=len(labels),
        id2label=dict(enumerate(labels)), label2id={x: i for i, x in enumerate(labels)})
    model = transformers.BertForTokenClassification(config)
    model.save_pretrained(tmp_path / "model")
    tokenizer.save_pretrained(tmp_path / "model")
    recogniser = load_recogniser(f"hf:{tmp_path / 'model'}")
    [mentions] = recogniser.recognise([TEXT])  # random weights: any output, well-formed
    for m in mentions:
        assert TEXT[m.start:m.end] == m.text
        assert m.label in ("PER", "LOC", "ORG", "MISC")
        assert m.sentence_index in (0, 1)
