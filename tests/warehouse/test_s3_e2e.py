"""End to end on object storage: the warehouse at s3://… on a real S3 API (moto's server,
started here on 127.0.0.1), configured by the standard AWS variables, every asset and check
materialised, the tables read back as a user would."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from news_pipeline import query
from news_pipeline.definitions import build_definitions
from news_pipeline.resources import NerModel, PipelinePaths, Processing
from tests.servers import materialised


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
    versions = materialised(first, "published_dataset")["versions"]
    mentions = DeltaTable(f"{s3_environment}/mentions", version=versions["mentions"]).to_pandas()
    assert len(mentions) == len(tables.mentions)
    assert not any(p.name in ("s3:", "warehouse") for p in tmp_path.iterdir())  # nothing local

    again = job.execute_in_process(instance=instance)
    assert again.success
    articles = materialised(again, "articles")
    assert (articles["new"], articles["changed"], articles["unchanged"]) == (0, 0, 5)
    assert materialised(again, "mentions")["skipped"] is True
    assert os.environ["AWS_ALLOW_HTTP"] == "true"
