"""The raw-folder listing: every non-hidden file under the folder, by relative posix path."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from news_pipeline.stages.ingest import _suffix, stat_raw_files

NAMES = st.text(st.sampled_from("abü ß.-_"), min_size=1, max_size=6).filter(
    lambda name: name not in (".", ".."))
TREES = st.lists(st.lists(NAMES, min_size=1, max_size=4), max_size=12)


def _expected(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts))


@settings(max_examples=60, deadline=None)
@given(TREES)
def test_listing_matches_a_walk_of_the_tree(paths: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "raw"
        root.mkdir()
        for parts in paths:
            target = root.joinpath(*parts)
            if target.exists() or any(p.is_file() for p in target.parents):
                continue  # already there, or a file where a folder would go
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("x", encoding="utf-8")
        listing = stat_raw_files(root)
        assert sorted(listing.column("source_path").to_pylist()) == _expected(root)
        assert listing.column("size").to_pylist() == [1] * listing.num_rows
        assert all(listing.column("plain").to_pylist())


@given(NAMES)
def test_suffix_is_the_one_pathlib_gives(name: str) -> None:
    path = f"/raw/folder.d/{name}"  # as listed: a folder joined with a file's name
    assert _suffix(path) == Path(path).suffix
