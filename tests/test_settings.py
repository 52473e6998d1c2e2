"""Where the charts go: a local folder, for a warehouse in a folder or at a URL."""

from __future__ import annotations

from pathlib import Path

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
