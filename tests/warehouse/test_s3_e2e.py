"""End to end on object storage: the warehouse at s3://… on a real S3 API (moto's server,
started here on 127.0.0.1), configured by the standard AWS variables, every asset and check
materialised, the tables read back as a user would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from news_pipeline import query
from news_pipeline.definitions import build_definitions
from news_pipeline.resources import NerModel, PipelinePaths, Processing

BUCKET = "news"
START_TIMEOUT_S = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def s3_endpoint(tmp_path: Path) -> Iterator[str]:
    """A moto S3 server on 127.0.0.1 with an empty bucket; skipped if it cannot start."""
    boto3 = pytest.importorskip("boto3", reason="the S3 tests need the dev extra (moto[server])")
    pytest.importorskip("moto", reason="the S3 tests need the dev extra (moto[server])")
    port = _free_port()
    log = (tmp_path / "moto.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log_text = (tmp_path / "moto.log").read_text()[-500:]
                    pytest.skip(f"the moto S3 server did not start: {log_text}")
                time.sleep(0.2)
        boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="test",
                     aws_secret_access_key="test", region_name="us-east-1").create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.fixture
def s3_environment(s3_endpoint: str, raw_dir: Path, tmp_path: Path,
                   monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"s3://{BUCKET}/warehouse"
    for name, value in {"AWS_ENDPOINT_URL": s3_endpoint, "AWS_ACCESS_KEY_ID": "test",
                        "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1",
                        "AWS_ALLOW_HTTP": "true", "NEWS_PIPELINE_RAW_DIR": str(raw_dir),
                        "NEWS_PIPELINE_WAREHOUSE": url,
                        "NEWS_PIPELINE_REPORTS_DIR": str(tmp_path / "reports")}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)  # anything written relative to the working directory lands here
    return url


def _materialised(result: dg.ExecuteInProcessResult, asset: str) -> dict[str, object]:
    [metadata] = [e.event_specific_data.materialization.metadata
                  for e in result.get_asset_materialization_events()
                  if e.event_specific_data.materialization.asset_key.to_user_string() == asset]
    return {key: value.value for key, value in metadata.items()}


def test_pipeline_on_s3_reads_back_and_reruns_incrementally(s3_environment: str, tiny_model: str,
                                                           tmp_path: Path) -> None:
    from deltalake import DeltaTable

    paths = PipelinePaths.from_environment()
    assert paths.warehouse_dir == s3_environment  # not folded into "s3:/…" by Path()
    job = build_definitions(paths, NerModel(model=tiny_model),
                            Processing(n_process=1)).resolve_job_def("news_pipeline_job")
    instance = dg.DagsterInstance.ephemeral()
    first = job.execute_in_process(instance=instance)
    assert first.success
    assert [e.check_name for e in first.get_asset_check_evaluations() if not e.passed] == []
    tables = query.load_tables(s3_environment)
    assert len(tables.articles) == 5 and tables.rejected.empty
    text_of = dict(zip(tables.articles["article_id"], tables.articles["text"]))
    for row in tables.mentions.itertuples():
        assert text_of[row.article_id][row.start:row.end] == row.text
    # Other readers: delta-rs directly, at the version the run published.
    versions = _materialised(first, "published_dataset")["versions"]
    mentions = DeltaTable(f"{s3_environment}/mentions", version=versions["mentions"]).to_pandas()
    assert len(mentions) == len(tables.mentions)
    assert not any(p.name in ("s3:", "warehouse") for p in tmp_path.iterdir())  # nothing local

    again = job.execute_in_process(instance=instance)
    assert again.success
    articles = _materialised(again, "articles")
    assert (articles["new"], articles["changed"], articles["unchanged"]) == (0, 0, 5)
    assert _materialised(again, "mentions")["skipped"] is True
    assert os.environ["AWS_ALLOW_HTTP"] == "true"
