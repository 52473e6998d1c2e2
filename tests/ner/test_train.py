"""train_model end to end on a tiny corpus (lexicon given, so no lexicon packages needed),
and the real training data when it is present."""

from __future__ import annotations

import json
from pathlib import Path

from news_pipeline.ner.data import load_corpora
from news_pipeline.ner.hybrid import HybridRecogniser
from news_pipeline.ner.lexicon import Lexicon
from news_pipeline.ner.train import TrainConfig, split_germeval, train_model

SENTENCE = """#\thttp://example.org/{i}\t[2024]
1\t{first}\tB-PER\tO
2\t{last}\tI-PER\tO
3\tbesuchte\tO\tO
4\t{city}\tB-LOC\tO
5\t.\tO\tO
"""


def _tiny_corpus(folder: Path) -> Path:
    names = [("Anna", "Berg", "Köln"), ("Peter", "Wolf", "Bonn"), ("Maria", "Lang", "Ulm"),
             ("Jonas", "Kurz", "Jena"), ("Lena", "Roth", "Trier"), ("Paul", "Fink", "Kiel")]
    rows = [SENTENCE.format(i=i, first=f, last=s, city=c) for i, (f, s, c) in
            enumerate(names * 5)]
    path = folder / "germeval2014" / "NER-de-dev.tsv"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(rows), encoding="utf-8")
    return folder


def test_train_tiny(tmp_path: Path) -> None:
    data = _tiny_corpus(tmp_path / "data")
    lexicon = Lexicon(nouns={"Haus"}, zipf={"besuchte": 3},
                      gazetteers={"first": {("Anna",), ("Peter",)}, "place": {("Köln",)}})
    lexicon.finalise()
    summary = train_model(data, tmp_path / "model", lexicon=lexicon,
                          overrides={"corpora": ["germeval_dev"],
                                     "crf": {"c1": 0.0, "c2": 0.01, "max_iterations": 50}})
    assert summary["dev"]["overall"]["f1"] > 0.5
    meta = json.loads((tmp_path / "model" / "meta.json").read_text())
    assert meta["version"] == TrainConfig.load().version
    recogniser = HybridRecogniser.load(tmp_path / "model")
    [mentions] = recogniser.recognise(["Gestern besuchte Anna Berg die Stadt Köln."])
    assert ("Anna Berg", "PER") in {(m.text, m.label) for m in mentions}


def test_split_is_by_document_and_disjoint(shared_ner: Path) -> None:
    sentences = load_corpora(shared_ner, ["germeval_dev"])["germeval_dev"]
    train, dev = split_germeval(sentences, 0.3, 13)
    assert len(train) + len(dev) == len(sentences)
    assert not {s.doc_id for s in train} & {s.doc_id for s in dev}


def test_corpora_read(shared_ner: Path) -> None:
    corpora = load_corpora(shared_ner, ["europeana"])
    tags = {t for s in corpora["europeana"] for t in s.tags}
    assert tags <= {"O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"}
