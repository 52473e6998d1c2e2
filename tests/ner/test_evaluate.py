"""Strict span evaluation and the label mapping."""

from __future__ import annotations

from collections.abc import Sequence

from news_pipeline.ner.data import fix_bio, map_germeval_tag, read_germeval
from news_pipeline.ner.evaluate import evaluate_file
from news_pipeline.ner.mention import Mention
from news_pipeline.ner.spans import bio_to_spans


class FixedRecogniser:
    """Finds fixed strings with fixed labels: makes the expected scores computable by hand."""

    name = "fixed"
    version = "1"

    def __init__(self, entries: dict[str, str]) -> None:
        self.entries = entries

    def recognise(self, texts: Sequence[str]) -> list[list[Mention]]:
        result = []
        for text in texts:
            mentions = []
            for needle, label in self.entries.items():
                start = text.find(needle)
                if start >= 0:
                    mentions.append(Mention(start, start + len(needle), label, needle, 0))
            result.append(mentions)
        return result


def test_label_mapping() -> None:
    assert map_germeval_tag("B-OTH") == "B-MISC"
    assert map_germeval_tag("I-PER") == "I-PER"
    assert map_germeval_tag("B-LOCderiv") == "O"
    assert map_germeval_tag("I-ORGpart") == "O"
    assert fix_bio(["O", "I-PER", "I-PER", "I-LOC"]) == ["O", "B-PER", "I-PER", "B-LOC"]


def test_bio_to_spans() -> None:
    spans = bio_to_spans(["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-ORG"])
    assert [(s.start, s.end, s.label) for s in spans] == [
        (0, 2, "PER"), (3, 4, "LOC"), (4, 5, "LOC"), (5, 6, "ORG")]


def test_read_germeval(germeval_sample) -> None:
    sentences = read_germeval(germeval_sample)
    assert len(sentences) == 2
    assert sentences[1].tags[4] == "O"  # deutsche: LOCderiv is not a name
    assert sentences[0].doc_id != sentences[1].doc_id


def test_strict_scores(germeval_sample) -> None:
    # gold: Wladimir Putin PER, Nordkorea LOC, NATO ORG, Spiegel ORG
    recogniser = FixedRecogniser({"Putin": "PER",  # boundary error: counts as wrong
                                  "Nordkorea": "LOC", "NATO": "ORG",
                                  "Spiegel": "LOC",  # type error
                                  "Regierung": "ORG"})  # false positive
    scores = evaluate_file(germeval_sample, recogniser)
    assert scores["overall"]["precision"] == 0.4  # 2 of 5
    assert scores["overall"]["recall"] == 0.5  # 2 of 4
    assert abs(scores["overall"]["f1"] - 0.4444) < 1e-3
    assert scores["per_label"]["LOC"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667,
                                          "support": 1}
    assert scores["per_label"]["PER"]["recall"] == 0.0
    assert scores["per_label"]["MISC"]["support"] == 0
    assert scores["tokens_per_s"] > 0


def test_default_on_sample(germeval_sample) -> None:
    from news_pipeline.ner import load_recogniser

    scores = evaluate_file(germeval_sample, load_recogniser())
    assert set(scores) >= {"overall", "per_label", "tokens_per_s"}
    assert scores["per_label"]["PER"]["recall"] == 1.0
    assert scores["per_label"]["LOC"]["recall"] == 1.0
