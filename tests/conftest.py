"""Shared fixtures: a temporary copy of the sample articles and a tiny spaCy NER model."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import spacy

from news_pipeline.settings import CACHE_ENV

REPO = Path(__file__).resolve().parents[1]
SAMPLE_DIR = REPO / "data" / "raw"
SHARED_DATA = REPO.parent / "shared" / "data"

# Rule patterns, not a trained model: these tests check the pipeline's mechanics, and a
# ruler makes its output exact and fast. The shipped model has its own tests in tests/ner.
TINY_PATTERNS = [
    ("PER", "Wladimir Putin"), ("PER", "Putin"), ("PER", "Putins"), ("PER", "Kim Jong Un"),
    ("PER", "Kim Jong-un"), ("LOC", "Nordkorea"), ("LOC", "Russland"), ("LOC", "Ukraine"),
    ("LOC", "Pjöngjang"), ("ORG", "Kreml"), ("ORG", "NATO"),
]


@pytest.fixture(scope="session", autouse=True)
def package_data_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Tests (and the pipelines they start) build and use their own cache folder, not the
    user's."""
    previous = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(tmp_path_factory.mktemp("cache"))
    yield Path(os.environ[CACHE_ENV])
    if previous is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = previous


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([
        {"label": label, "pattern": [{"ORTH": token} for token in text.replace("-", " - ").split()]}
        for label, text in TINY_PATTERNS
    ])
    nlp.meta["name"] = "tiny_test_ner"
    path = tmp_path_factory.mktemp("tiny_model")
    nlp.to_disk(path)
    return path


@pytest.fixture
def tiny_model(tiny_model_dir: Path) -> str:
    return f"spacy:{tiny_model_dir}"


@pytest.fixture
def raw_dir(tmp_path: Path) -> Path:
    target = tmp_path / "raw"
    shutil.copytree(SAMPLE_DIR, target)
    return target


@pytest.fixture
def warehouse_dir(tmp_path: Path) -> Path:
    return tmp_path / "warehouse"
