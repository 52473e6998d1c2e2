"""Warehouse locations the same contract tests run against: a local folder and a file:// URL
(the URL goes through delta-rs' object store, as s3:// does; see test_s3_e2e.py for S3)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(params=["local", "file"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return str(tmp_path / "wh") if request.param == "local" else (tmp_path / "wh").as_uri()
