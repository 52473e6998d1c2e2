"""The entity_report asset in the end-to-end setting, and on an empty warehouse."""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path

import dagster as dg
import pytest

from news_pipeline.assets.reports import entity_report, reports_dir
from news_pipeline.definitions import build_definitions
from news_pipeline.resources import NerModel, PipelinePaths
from tests.reports.test_charts import assert_sensible_png

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "raw"
CHARTS = ("top_entities", "cooccurrence_network")
EMBEDDED = re.compile(r"^!\[[^\]]+\]\(data:image/png;base64,([A-Za-z0-9+/=]+)\)$")


def report_metadata(result: dg.ExecuteInProcessResult) -> dict[str, object]:
    [event] = [e for e in result.get_asset_materialization_events()
               if e.event_specific_data.materialization.asset_key == dg.AssetKey("entity_report")]
    return {k: v.value for k, v in event.event_specific_data.materialization.metadata.items()}


def assert_report(metadata: dict[str, object], directory: Path) -> None:
    for chart in CHARTS:
        path = directory / f"{chart}.png"
        assert metadata[f"{chart}_path"] == str(path)
        embedded = EMBEDDED.match(str(metadata[chart]))
        assert embedded, str(metadata[chart])[:100]
        assert base64.b64decode(embedded.group(1)) == path.read_bytes()
        assert_sensible_png(path.read_bytes())
    assert sorted(p.name for p in directory.iterdir()) == sorted(f"{c}.png" for c in CHARTS)  # no temp


@pytest.fixture
def paths(tmp_path: Path) -> PipelinePaths:
    shutil.copytree(SAMPLE_DIR, tmp_path / "data" / "raw")
    return PipelinePaths(raw_dir=str(tmp_path / "data" / "raw"),
                         warehouse_dir=str(tmp_path / "data" / "warehouse"))


def test_report_materialises_with_the_pipeline(paths: PipelinePaths, tiny_model: str) -> None:
    definitions = build_definitions(paths, NerModel(model=tiny_model))
    result = definitions.resolve_job_def("news_pipeline_job").execute_in_process(
        instance=dg.DagsterInstance.ephemeral())
    assert result.success
    metadata = report_metadata(result)
    directory = Path(paths.warehouse_dir).parent / "reports"
    assert reports_dir(paths) == directory
    assert_report(metadata, directory)
    assert metadata["n_entities"] > 0 and metadata["n_pairs"] > 0


def test_report_on_an_empty_warehouse(paths: PipelinePaths) -> None:
    result = dg.materialize([entity_report], resources={"paths": paths},
                            instance=dg.DagsterInstance.ephemeral())
    assert result.success
    metadata = report_metadata(result)
    assert metadata["n_entities"] == metadata["n_pairs"] == 0
    assert_report(metadata, reports_dir(paths))


def test_unchanged_charts_are_not_redrawn(paths: PipelinePaths, tiny_model: str) -> None:
    definitions = build_definitions(paths, NerModel(model=tiny_model))
    job = definitions.resolve_job_def("news_pipeline_job")
    first = report_metadata(job.execute_in_process(instance=dg.DagsterInstance.ephemeral()))
    assert first["redrawn"] == "top_entities, cooccurrence_network"
    drawn = {chart: (reports_dir(paths) / f"{chart}.png").stat().st_mtime_ns for chart in CHARTS}
    second = report_metadata(job.execute_in_process(instance=dg.DagsterInstance.ephemeral()))
    assert second["redrawn"] == "none (data unchanged)"
    assert {c: (reports_dir(paths) / f"{c}.png").stat().st_mtime_ns for c in CHARTS} == drawn
    assert_report(second, reports_dir(paths))  # still embedded, from the files
    # A chart file that is not ours (or damaged) is drawn again.
    (reports_dir(paths) / "top_entities.png").write_bytes(b"not a png")
    third = report_metadata(job.execute_in_process(instance=dg.DagsterInstance.ephemeral()))
    assert third["redrawn"] == "top_entities"
    assert_report(third, reports_dir(paths))
