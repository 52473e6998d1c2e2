"""Warehouse locations the same contract tests run against: a local folder (symlinked
snapshots), fsspec's in-memory filesystem (behaves like an object store) and a file:// URL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import fsspec
import pytest


@pytest.fixture
def memory_url() -> Iterator[str]:
    """A fresh root on the process-wide in-memory filesystem, removed afterwards."""
    url = f"memory://warehouse-{uuid.uuid4().hex[:12]}"
    yield url
    with suppress(FileNotFoundError):
        fsspec.filesystem("memory").rm(url, recursive=True)


@pytest.fixture(params=["local", "memory", "file"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "local":
        yield str(tmp_path / "wh")
    elif request.param == "file":
        yield (tmp_path / "wh").as_uri()
    else:
        yield request.getfixturevalue("memory_url")


@pytest.fixture(params=["memory", "file"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Only the locations that go through fsspec (pointer, manifests, lease)."""
    if request.param == "file":
        yield (tmp_path / "wh").as_uri()
    else:
        yield request.getfixturevalue("memory_url")
