"""Shared fixtures: a temporary copy of the sample articles, a tiny spaCy NER model, and an S3
server (moto's) with the standard AWS variables pointing at it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import spacy

from news_pipeline.settings import CACHE_ENV
from tests.servers import free_port, wait_for_port

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


BUCKET = "news"


@pytest.fixture
def s3_endpoint(tmp_path: Path) -> Iterator[str]:
    """A moto S3 server on 127.0.0.1 with an empty bucket; skipped if it cannot start."""
    boto3 = pytest.importorskip("boto3", reason="the S3 tests need the dev extra (moto[server])")
    pytest.importorskip("moto", reason="the S3 tests need the dev extra (moto[server])")
    port = free_port()
    log_path = tmp_path / "moto.log"
    with log_path.open("w") as log:
        server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                                   "-p", str(port)], stdout=log, stderr=subprocess.STDOUT)
        endpoint = f"http://127.0.0.1:{port}"
        try:
            wait_for_port(port, server, log_path, "the moto S3 server")
            boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="test",
                         aws_secret_access_key="test",
                         region_name="us-east-1").create_bucket(Bucket=BUCKET)
            yield endpoint
        finally:
            server.terminate()
            server.wait(timeout=10)


@pytest.fixture
def s3_environment(s3_endpoint: str, raw_dir: Path, tmp_path: Path,
                   monkeypatch: pytest.MonkeyPatch) -> str:
    """The pipeline's variables for the sample articles and a warehouse at s3://news/warehouse."""
    url = f"s3://{BUCKET}/warehouse"
    for name, value in {"AWS_ENDPOINT_URL": s3_endpoint, "AWS_ACCESS_KEY_ID": "test",
                        "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1",
                        "AWS_ALLOW_HTTP": "true", "NEWS_PIPELINE_RAW_DIR": str(raw_dir),
                        "NEWS_PIPELINE_WAREHOUSE": url,
                        "NEWS_PIPELINE_REPORTS_DIR": str(tmp_path / "reports")}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)  # anything written relative to the working directory lands here
    return url
