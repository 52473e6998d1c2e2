"""End to end on object storage: NEWS_PIPELINE_WAREHOUSE=memory://… through the resources,
every asset and check materialised, the tables read back with the pandas helpers."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from news_pipeline import query
from news_pipeline.assets import ASSETS
from news_pipeline.definitions import build_definitions
from news_pipeline.resources import NerModel, PipelinePaths, Processing
from news_pipeline.warehouse import read_table, table_files

TABLES = ("articles", "mentions", "entities", "cooccurrences", "rejected")


@pytest.fixture
def memory_environment(raw_dir: Path, memory_url: str, tmp_path: Path,
                       monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("NEWS_PIPELINE_RAW_DIR", str(raw_dir))
    monkeypatch.setenv("NEWS_PIPELINE_WAREHOUSE", memory_url)
    monkeypatch.setenv("NEWS_PIPELINE_REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.chdir(tmp_path)  # anything written relative to the working directory lands here
    return memory_url


def test_materialize_on_memory_filesystem_from_the_environment(memory_environment: str,
                                                                tiny_model: str, tmp_path: Path) -> None:
    paths = PipelinePaths.from_environment()
    assert paths.warehouse_dir == memory_environment  # not folded into "memory:/…" by Path()
    result = dg.materialize(ASSETS, instance=dg.DagsterInstance.ephemeral(),
                            resources={"paths": paths, "ner": NerModel(model=tiny_model),
                                       "processing": Processing(n_process=1)})
    assert result.success
    tables = query.load_tables(memory_environment)
    assert len(tables.articles) == 5
    assert tables.rejected.empty
    assert {"PER", "LOC", "ORG"} <= set(tables.mentions["label"])
    text_of = dict(zip(tables.articles["article_id"], tables.articles["text"]))
    for row in tables.mentions.itertuples():
        assert text_of[row.article_id][row.start:row.end] == row.text
    for table in TABLES:
        fs, files = table_files(memory_environment, table)
        by_pandas, ours = pd.read_parquet(files, filesystem=fs), read_table(memory_environment, table)
        assert list(by_pandas.columns) == list(ours.columns)
        first = by_pandas.columns[0]
        assert sorted(by_pandas[first]) == sorted(ours[first])
    assert not (tmp_path / "warehouse").exists()


def test_rerun_with_checks_on_memory_filesystem_redoes_nothing(memory_environment: str,
                                                               tiny_model: str) -> None:
    definitions = build_definitions(PipelinePaths.from_environment(), NerModel(model=tiny_model),
                                    Processing(n_process=1))
    job = definitions.resolve_job_def("news_pipeline_job")
    for _ in range(2):
        result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral())
        assert result.success
        assert [e.check_name for e in result.get_asset_check_evaluations() if not e.passed] == []
    [articles] = [e.event_specific_data.materialization.metadata for e in
                  result.get_asset_materialization_events()
                  if e.event_specific_data.materialization.asset_key.to_user_string() == "articles"]
    assert (articles["new"].value, articles["changed"].value, articles["unchanged"].value) == (0, 0, 5)
