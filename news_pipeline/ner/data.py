"""Readers for the labelled German NER corpora, all mapped to one tag set (BIO over
PER/LOC/ORG/MISC).

Label mapping (documented in MODEL_CARD.md):
- GermEval 2014 (outer level): PER, LOC, ORG -> same; OTH -> MISC; `*deriv` and `*part`
  (derivations such as "deutsche", names inside words such as "EU-Kommission"'s "EU") -> O,
  because they are not names for the main score.
- Europeana newspapers: PER, LOC, ORG -> same (odd spellings such as B-PEr, B_LOC repaired);
  anything else (one B-BER, three I-MISC) -> O.
- SmartData v1: person -> PER, location* -> LOC, organization* -> ORG, everything else -> O.
- Legal (LER): PER/RR/AN -> PER, LD/ST/STR/LDS -> LOC, ORG/UN/INN/GRT/MRK -> ORG,
  legal norms and references -> O.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass
class Sentence:
    """One tokenised sentence with BIO tags over PER/LOC/ORG/MISC."""

    words: list[str]
    tags: list[str]
    doc_id: str = ""
    source: str = ""
    spaces: list[bool] = field(default_factory=list)


_GERMEVAL_TYPES = {"PER": "PER", "LOC": "LOC", "ORG": "ORG", "OTH": "MISC"}


def map_germeval_tag(tag: str) -> str:
    """`B-OTH` -> `B-MISC`; `B-LOCderiv`, `I-ORGpart` -> `O`."""
    if tag == "O" or "-" not in tag:
        return "O"
    prefix, kind = tag.split("-", 1)
    mapped = _GERMEVAL_TYPES.get(kind)
    return f"{prefix}-{mapped}" if mapped else "O"


def read_germeval(path: Path) -> list[Sentence]:
    """GermEval 2014 TSV; sentences from the same source URL in a row share a doc_id."""
    sentences: list[Sentence] = []
    words: list[str] = []
    tags: list[str] = []
    doc_id = ""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if line.startswith("#\t"):
                doc_id = line.split("\t")[1] if "\t" in line else ""
                continue
            if not line.strip():
                if words:
                    sentences.append(Sentence(words, fix_bio(tags), doc_id, "germeval"))
                words, tags = [], []
                continue
            cols = line.split("\t")
            words.append(cols[1])
            tags.append(map_germeval_tag(cols[2]))
    if words:
        sentences.append(Sentence(words, fix_bio(tags), doc_id, "germeval"))
    return sentences


def fix_bio(tags: list[str]) -> list[str]:
    """Turn an I- that does not continue an entity of its type into a B-."""
    fixed = []
    previous = "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        fixed.append(tag)
        previous = tag
    return fixed


_EUROPEANA_TYPES = {"PER": "PER", "LOC": "LOC", "ORG": "ORG"}
_SENTENCE_END = {".", "!", "?"}


def read_europeana(path: Path, max_len: int = 60) -> list[Sentence]:
    """Europeana BIO file without sentence boundaries: split after sentence-final
    punctuation (and at `max_len` tokens outside entities) so that sentences look normal."""
    sentences: list[Sentence] = []
    words: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("# "):
                continue
            parts = line.split()
            if len(parts) != 2:
                continue
            word, tag = parts
            tag = tag.replace("_", "-")
            prefix, _, kind = tag.partition("-")
            kind = _EUROPEANA_TYPES.get(kind.upper(), "")
            tag = f"{prefix.upper()}-{kind}" if kind and prefix.upper() in ("B", "I") else "O"
            words.append(word)
            tags.append(tag)
            if word in _SENTENCE_END or (len(words) >= max_len and tag == "O"):
                # no document boundaries: 20 consecutive sentences stand in for an article
                doc_id = f"{path.name}:{len(sentences) // 20}"
                sentences.append(Sentence(words, fix_bio(tags), doc_id, "europeana"))
                words, tags = [], []
    if words:
        sentences.append(Sentence(words, fix_bio(tags), path.name, "europeana"))
    return sentences


_LEGAL_TYPES = {"PER": "PER", "RR": "PER", "AN": "PER", "LD": "LOC", "ST": "LOC", "STR": "LOC",
                "LDS": "LOC", "ORG": "ORG", "UN": "ORG", "INN": "ORG", "GRT": "ORG", "MRK": "ORG"}


def read_legal(path: Path) -> list[Sentence]:
    """LER CoNLL (gzipped, CRLF): fine-grained legal tags mapped to PER/LOC/ORG, norms -> O."""
    sentences: list[Sentence] = []
    words: list[str] = []
    tags: list[str] = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if not parts:
                if words:
                    sentences.append(Sentence(words, fix_bio(tags), path.name, "legal"))
                words, tags = [], []
                continue
            if len(parts) != 2:
                continue
            word, tag = parts
            prefix, _, kind = tag.partition("-")
            kind = _LEGAL_TYPES.get(kind, "")
            words.append(word)
            tags.append(f"{prefix}-{kind}" if kind else "O")
    if words:
        sentences.append(Sentence(words, fix_bio(tags), path.name, "legal"))
    return sentences


def _smartdata_type(kind: str) -> str:
    kind = kind.lower()
    if kind == "person":
        return "PER"
    if kind.startswith("location"):
        return "LOC"
    if kind.startswith("organization"):
        return "ORG"
    return ""


def _json_stream(path: Path) -> Iterator[dict]:
    """SmartData files are concatenated JSON objects, not an array."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        text = handle.read()
    decoder = json.JSONDecoder()
    index = 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            return
        obj, index = decoder.raw_decode(text, index)
        yield obj


def read_smartdata(paths: list[Path]) -> list[Sentence]:
    """SmartData v1 documents (deduplicated by id), tokenised and sentence-split with the same
    tokeniser the recogniser uses at run time; character spans become BIO tags."""
    from news_pipeline.ner.text import Segmenter

    segmenter = Segmenter()
    seen: set[str] = set()
    sentences: list[Sentence] = []
    for path in paths:
        for document in _json_stream(path):
            if document["id"] in seen:
                continue
            seen.add(document["id"])
            text = (document.get("text") or {}).get("string") or ""
            spans = []
            for mention in (document.get("conceptMentions") or {}).get("array", []):
                label = _smartdata_type(mention["type"])
                if label:
                    spans.append((mention["span"]["start"], mention["span"]["end"], label))
            sentences.extend(_char_spans_to_sentences(segmenter, text, spans, document["id"]))
    return sentences


def _char_spans_to_sentences(segmenter, text: str, spans: list[tuple[int, int, str]],
                             doc_id: str) -> list[Sentence]:
    result = []
    for sentence in segmenter.sentences(text):
        tags = ["O"] * len(sentence.tokens)
        for start, end, label in spans:
            inside = [i for i, tok in enumerate(sentence.tokens)
                      if tok.start >= start and tok.end <= end]
            for position, i in enumerate(inside):
                tags[i] = ("B-" if position == 0 else "I-") + label
        words = [tok.text for tok in sentence.tokens]
        if words:
            result.append(Sentence(words, fix_bio(tags), doc_id, "smartdata"))
    return result


_WS = re.compile(r"\s+")


def load_corpora(data_dir: Path, corpora: list[str]) -> dict[str, list[Sentence]]:
    """Read the named corpora (germeval_dev, europeana, smartdata, legal) from `data_dir`."""
    result: dict[str, list[Sentence]] = {}
    for name in corpora:
        if name == "germeval_dev":
            result[name] = read_germeval(data_dir / "germeval2014" / "NER-de-dev.tsv")
        elif name == "europeana":
            result[name] = [s for f in sorted((data_dir / "europeana").glob("enp_DE.*.bio"))
                            for s in read_europeana(f)]
        elif name == "smartdata":
            folder = data_dir / "smartdata" / "v1_20180119"
            result[name] = read_smartdata([folder / "train.json.gz", folder / "test.json.gz"])
        elif name == "legal":
            folder = data_dir / "legal"
            result[name] = read_legal(folder / "ler_dev.conll.gz") + read_legal(
                folder / "ler_test.conll.gz")
        else:
            raise ValueError(f"unknown corpus {name!r}")
        log.info("corpus %s: %d sentences, %d tokens", name, len(result[name]),
                 sum(len(s.words) for s in result[name]))
    return result
