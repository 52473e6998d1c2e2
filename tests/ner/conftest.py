from __future__ import annotations

from pathlib import Path

import pytest

SHARED_NER = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ner"

# A GermEval-format sample written for the tests (not taken from any corpus).
GERMEVAL_SAMPLE = """#\thttp://example.org/a\t[2024-06-18]
1\tWladimir\tB-PER\tO
2\tPutin\tI-PER\tO
3\treist\tO\tO
4\tnach\tO\tO
5\tNordkorea\tB-LOC\tO
6\t.\tO\tO

#\thttp://example.org/b\t[2024-06-18]
1\tDie\tO\tO
2\tNATO\tB-ORG\tO
3\tund\tO\tO
4\tdie\tO\tO
5\tdeutsche\tB-LOCderiv\tO
6\tRegierung\tO\tO
7\tlesen\tO\tO
8\tden\tO\tO
9\tSpiegel\tB-ORG\tO
10\t.\tO\tO
"""


@pytest.fixture
def germeval_sample(tmp_path: Path) -> Path:
    path = tmp_path / "sample.tsv"
    path.write_text(GERMEVAL_SAMPLE, encoding="utf-8")
    return path


@pytest.fixture
def shared_ner() -> Path:
    if not (SHARED_NER / "germeval2014" / "NER-de-dev.tsv").exists():
        pytest.skip(f"shared NER data not found at {SHARED_NER}")
    return SHARED_NER
