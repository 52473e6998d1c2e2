"""The entity_report asset in the end-to-end setting, and on an empty warehouse."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from news_pipeline.assets.reports import INPUTS_KEY, drawn_from, entity_report
from news_pipeline.definitions import build_definitions
from news_pipeline.resources import NerModel, PipelinePaths
from news_pipeline.settings import REPORTS_ENV
from tests.reports.test_charts import assert_sensible_png, decoded

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "raw"
CHARTS = ("top_entities", "cooccurrence_network", "timeline", "top_speakers")
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
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PipelinePaths:
    monkeypatch.delenv(REPORTS_ENV, raising=False)
    shutil.copytree(SAMPLE_DIR, tmp_path / "data" / "raw")
    return PipelinePaths(raw_dir=str(tmp_path / "data" / "raw"),
                         warehouse_dir=str(tmp_path / "data" / "warehouse"))


def pipeline_then_report(definitions: dg.Definitions) -> dg.ExecuteInProcessResult:
    """The pipeline's job, then the report's own job, in one instance (as `news-pipeline run`)."""
    instance = dg.DagsterInstance.ephemeral()
    assert definitions.resolve_job_def("news_pipeline_job").execute_in_process(instance=instance).success
    result = definitions.resolve_job_def("entity_report_job").execute_in_process(instance=instance)
    assert result.success
    return result


def test_report_is_drawn_after_the_pipeline(paths: PipelinePaths, tiny_model: str) -> None:
    definitions = build_definitions(paths, NerModel(model=tiny_model))
    metadata = report_metadata(pipeline_then_report(definitions))
    directory = Path(paths.warehouse_dir).parent / "reports"
    assert paths.reports_path == directory
    assert_report(metadata, directory)
    assert metadata["n_entities"] > 0 and metadata["n_pairs"] > 0
    # The sample articles are dated: the timeline is a chart, not the "no dates" placeholder.
    assert decoded((directory / "timeline.png").read_bytes()).size != (600, 250)


def test_report_on_an_empty_warehouse(paths: PipelinePaths) -> None:
    result = dg.materialize([entity_report], resources={"paths": paths},
                            instance=dg.DagsterInstance.ephemeral())
    assert result.success
    metadata = report_metadata(result)
    assert metadata["n_entities"] == metadata["n_pairs"] == 0
    assert_report(metadata, paths.reports_path)


def test_report_goes_to_the_reports_folder_set(paths: PipelinePaths, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The resource's reports_dir, else $NEWS_PIPELINE_REPORTS_DIR, else beside the warehouse."""
    chosen = PipelinePaths(raw_dir=paths.raw_dir, warehouse_dir=paths.warehouse_dir,
                           reports_dir=str(tmp_path / "charts"))
    metadata = report_metadata(dg.materialize([entity_report], resources={"paths": chosen},
                                              instance=dg.DagsterInstance.ephemeral()))
    assert_report(metadata, tmp_path / "charts")
    monkeypatch.setenv(REPORTS_ENV, str(tmp_path / "from_environment"))
    metadata = report_metadata(dg.materialize([entity_report], resources={"paths": paths},
                                              instance=dg.DagsterInstance.ephemeral()))
    assert_report(metadata, tmp_path / "from_environment")
    assert not (Path(paths.warehouse_dir).parent / "reports").exists()


def test_unchanged_charts_are_not_redrawn(paths: PipelinePaths, tiny_model: str) -> None:
    definitions = build_definitions(paths, NerModel(model=tiny_model))
    first = report_metadata(pipeline_then_report(definitions))
    assert first["redrawn"] == "top_entities, cooccurrence_network, timeline, top_speakers"
    drawn = {chart: (paths.reports_path / f"{chart}.png").stat().st_mtime_ns for chart in CHARTS}
    second = report_metadata(pipeline_then_report(definitions))
    assert second["redrawn"] == "none (data unchanged)"
    assert {c: (paths.reports_path / f"{c}.png").stat().st_mtime_ns for c in CHARTS} == drawn
    assert_report(second, paths.reports_path)  # still embedded, from the files
    # A chart file that is not ours (or damaged) is drawn again.
    (paths.reports_path / "top_entities.png").write_bytes(b"not a png")
    third = report_metadata(pipeline_then_report(definitions))
    assert third["redrawn"] == "top_entities"
    assert_report(third, paths.reports_path)


def test_drawn_from_reads_the_digest_a_chart_was_drawn_with(tmp_path: Path) -> None:
    from news_pipeline.reports.charts import draw_top_entities
    from news_pipeline.reports.data import top_entities
    from tests.reports.test_charts import SAMPLE

    path = tmp_path / "top_entities.png"
    assert drawn_from(path) is None  # no file
    path.write_bytes(draw_top_entities(top_entities(SAMPLE, 5), {INPUTS_KEY: "abc123"}))
    assert drawn_from(path) == "abc123"
    path.write_bytes(draw_top_entities(top_entities(SAMPLE, 5)))
    assert drawn_from(path) is None  # a PNG without our digest
    path.write_bytes(b"not a png")
    assert drawn_from(path) is None


# A fresh process materialises the report on the warehouse given, and says whether it loaded matplotlib.
MATERIALISE = """
import sys
import dagster as dg
from news_pipeline.assets.reports import entity_report
from news_pipeline.resources import PipelinePaths
paths = PipelinePaths(raw_dir=sys.argv[1], warehouse_dir=sys.argv[2])
result = dg.materialize([entity_report], resources={"paths": paths}, instance=dg.DagsterInstance.ephemeral())
assert result.success
print("matplotlib" in sys.modules)
"""


def test_an_unchanged_report_does_not_load_matplotlib(paths: PipelinePaths) -> None:
    """matplotlib takes a few tenths of a second to import: a rerun whose charts show the
    same data must not pay it."""
    def loads_matplotlib() -> bool:
        done = subprocess.run([sys.executable, "-c", MATERIALISE, paths.raw_dir, paths.warehouse_dir],
                              capture_output=True, text=True, check=True)
        return done.stdout.split()[-1] == "True"

    assert loads_matplotlib()  # first drawing
    assert not loads_matplotlib()
