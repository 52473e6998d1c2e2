"""The shipped default recogniser: interface, offsets, sentence indices, version."""

from __future__ import annotations

import pytest

from news_pipeline.ner import NER_VERSION, Mention, load_recogniser

TEXT = (
    "Wladimir Putin reist nach Nordkorea. Dort trifft er Kim Jong Un in Pjöngjang.\n\n"
    "Die NATO und die Ukraine kritisieren den Besuch. Putin lobte die Freundschaft."
)


@pytest.fixture(scope="module")
def recogniser():
    return load_recogniser("default")


def test_interface_and_offsets(recogniser) -> None:
    [mentions] = recogniser.recognise([TEXT])
    assert mentions and all(isinstance(m, Mention) for m in mentions)
    for m in mentions:
        assert TEXT[m.start:m.end] == m.text
        assert m.label in ("PER", "LOC", "ORG", "MISC")
    found = {(m.text, m.label) for m in mentions}
    assert ("Wladimir Putin", "PER") in found
    assert ("Nordkorea", "LOC") in found
    assert ("Kim Jong Un", "PER") in found
    assert ("NATO", "ORG") in found
    assert ("Ukraine", "LOC") in found


def test_sentence_index(recogniser) -> None:
    [mentions] = recogniser.recognise([TEXT])
    by_text = {m.text: m.sentence_index for m in mentions}
    assert by_text["Wladimir Putin"] == 0
    assert by_text["Kim Jong Un"] == 1
    assert by_text["Putin"] == 3


def test_batch_and_empty(recogniser) -> None:
    results = recogniser.recognise(["", TEXT, "   "])
    assert len(results) == 3 and results[0] == [] and results[2] == []
    assert results[1] == recogniser.recognise([TEXT])[0]


def test_version() -> None:
    assert NER_VERSION.startswith("hybrid-crf-") and "+" in NER_VERSION
    assert load_recogniser().version == NER_VERSION


def test_unknown_spec() -> None:
    with pytest.raises(ValueError):
        load_recogniser("nonsense:x")
