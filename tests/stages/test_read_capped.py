"""read_capped reads what read(MAX_ARTICLE_BYTES + 1) reads, without a buffer of the cap."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from news_pipeline.stages import per_file
from news_pipeline.stages.per_file import read_capped

_CAP = 10


def _uncapped_read(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(_CAP + 1)


@pytest.mark.parametrize("size", [0, 1, _CAP - 1, _CAP, _CAP + 1, _CAP + 2, 5 * _CAP])
def test_reads_the_file_up_to_one_byte_past_the_cap(tmp_path: Path, size: int,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(per_file, "MAX_ARTICLE_BYTES", _CAP)
    path = tmp_path / "a.txt"
    path.write_bytes(bytes(range(size)) if size < 256 else b"x" * size)
    assert read_capped(path) == _uncapped_read(path)


def test_a_file_longer_than_its_size_said_is_read_on_to_the_cap(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(per_file, "MAX_ARTICLE_BYTES", _CAP)
    path = tmp_path / "growing.txt"
    path.write_bytes(b"y" * 3 * _CAP)
    real_fstat = os.fstat

    class _Stale:
        st_size = 2

    monkeypatch.setattr(per_file.os, "fstat", lambda fd: _Stale() if fd > 2 else real_fstat(fd))
    assert read_capped(path) == b"y" * (_CAP + 1)


def test_an_unreadable_path_raises_os_error(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        read_capped(tmp_path / "missing.txt")
    with pytest.raises(OSError):
        read_capped(tmp_path)
