"""Settings from the environment: where the charts go (a local folder, for a warehouse in a
folder or at a URL) and how the raw folder is scanned."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import dagster as dg
import pytest

from news_pipeline import settings
from news_pipeline.resources import PipelinePaths


@pytest.fixture(autouse=True)
def no_reports_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(settings.REPORTS_ENV, raising=False)


@pytest.mark.parametrize("warehouse", ["s3://bucket/news", "memory://wh", "gs://bucket/deep/news/"])
def test_a_url_warehouse_gets_the_local_default_folder(warehouse: str) -> None:
    """Not the URL's parent folded into a path ("s3:/bucket/reports")."""
    expected = settings.project_root() / "data" / "reports"
    assert settings.reports_dir(warehouse) == expected
    assert PipelinePaths(raw_dir="raw", warehouse_dir=warehouse).reports_path == expected


def test_a_local_warehouse_gets_the_folder_beside_it(tmp_path: Path) -> None:
    assert settings.reports_dir(tmp_path / "data" / "warehouse") == tmp_path / "data" / "reports"
    assert settings.reports_dir(str(tmp_path / "wh")) == tmp_path / "reports"


def test_the_variable_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(settings.REPORTS_ENV, str(tmp_path / "charts"))
    for warehouse in ("s3://bucket/news", str(tmp_path / "warehouse")):
        assert settings.reports_dir(warehouse) == tmp_path / "charts"
        assert PipelinePaths(raw_dir="raw", warehouse_dir=warehouse).reports_path == tmp_path / "charts"


def test_the_resource_from_the_environment_names_the_folder(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """So the launchpad shows, and can change, where the charts go."""
    monkeypatch.setenv(settings.WAREHOUSE_ENV, "s3://bucket/news")
    paths = PipelinePaths.from_environment()
    assert paths.warehouse_dir == "s3://bucket/news"
    assert paths.reports_dir == str(settings.project_root() / "data" / "reports")
    explicit = PipelinePaths(raw_dir="raw", warehouse_dir="s3://bucket/news", reports_dir=str(tmp_path))
    assert explicit.reports_path == tmp_path


@pytest.mark.parametrize(("variable", "read", "value", "expected"), [
    (settings.RAW_SCAN_ENV, settings.raw_scan, None, "auto"),
    (settings.RAW_SCAN_ENV, settings.raw_scan, "", "auto"),
    (settings.RAW_SCAN_ENV, settings.raw_scan, "files", "files"),
    (settings.RAW_SCAN_ENV, settings.raw_scan, "folders", "folders"),
    (settings.RAW_RECHECK_ENV, settings.raw_recheck_hours, None, 24),
    (settings.RAW_RECHECK_ENV, settings.raw_recheck_hours, "6", 6),
])
def test_how_the_raw_folder_is_read_comes_from_its_variables(
        variable: str, read: Callable[[], object], value: str | None, expected: object,
        monkeypatch: pytest.MonkeyPatch) -> None:
    if value is None:
        monkeypatch.delenv(variable, raising=False)
    else:
        monkeypatch.setenv(variable, value)
    assert read() == expected


def test_an_unknown_raw_scan_names_the_variable_and_the_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(settings.RAW_SCAN_ENV, "folder")
    with pytest.raises(ValueError, match="RAW_SCAN must be one of auto, files, folders, not 'folder'"):
        settings.raw_scan()


def test_a_recheck_period_under_an_hour_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(settings.RAW_RECHECK_ENV, "0")
    with pytest.raises(ValueError, match="RAW_RECHECK_HOURS must be a whole number >= 1, not '0'"):
        settings.raw_recheck_hours()


def test_the_launchpad_refuses_an_unknown_raw_scan(tmp_path: Path) -> None:
    from news_pipeline.assets.ingest import raw_articles

    with pytest.raises(dg.DagsterInvalidConfigError, match="not in enum"):
        dg.materialize([raw_articles], resources={"paths": PipelinePaths(
            raw_dir=str(tmp_path), warehouse_dir=str(tmp_path / "warehouse"))},
            run_config={"ops": {"raw_articles": {"config": {"scan": "folder"}}}})
