"""Run the pipeline as a user would (a subprocess) and check what it leaves behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from news_pipeline.assets import quality
from news_pipeline.warehouse import published_snapshot, read_table

TABLES = ("articles", "rejected", "mentions", "entities", "cooccurrences", "quotes")
# Columns that legitimately differ between two runs over the same input.
VOLATILE = {"articles": ["processed_at"], "rejected": ["rejected_at"]}
SORT_KEYS = {"articles": ["article_id"], "rejected": ["article_id"],
             "mentions": ["article_id", "start", "end"], "entities": ["entity_id"],
             "cooccurrences": ["entity_a", "entity_b"], "quotes": ["article_id", "quote_id"]}


def pipeline_command(raw_dir: Path, warehouse: Path, home: Path, model: str,
                     **extra_env: str) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, "DAGSTER_HOME": str(home), "NEWS_PIPELINE_RAW_DIR": str(raw_dir),
           "NEWS_PIPELINE_WAREHOUSE": str(warehouse), "NEWS_PIPELINE_NER_MODEL": model,
           "NEWS_PIPELINE_PROCESSES": "1", **extra_env}
    return [sys.executable, "-m", "news_pipeline", "run", "--no-progress"], env


def start_pipeline(raw_dir: Path, warehouse: Path, home: Path, model: str,
                   **extra_env: str) -> subprocess.Popen:
    command, env = pipeline_command(raw_dir, warehouse, home, model, **extra_env)
    # Its own session, so a kill reaches every process it started.
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def read_tables(warehouse: Path) -> dict[str, pd.DataFrame]:
    """The tables as a consistent reader sees them: those of the last completed run (none
    before one completed)."""
    snapshot = published_snapshot(warehouse) if warehouse.exists() else None
    if snapshot is None:
        return {}
    return {table: read_table(snapshot, table) for table in TABLES}


def normalised(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.drop(columns=VOLATILE.get(table, []))
    return frame.sort_values(SORT_KEYS[table]).reset_index(drop=True)


def assert_same_dataset(actual: dict[str, pd.DataFrame], expected: dict[str, pd.DataFrame]) -> None:
    for table in TABLES:
        pd.testing.assert_frame_equal(normalised(table, actual[table]),
                                      normalised(table, expected[table]), obj=table)


def assert_consistent(tables: dict[str, pd.DataFrame],
                      reference: dict[str, pd.DataFrame] | None = None) -> None:
    """Readable, no duplicates, valid offsets, no orphans (mentions and quotations); with a
    reference, each article's mentions are all there or all absent."""
    if not tables:
        return
    articles, mentions = tables["articles"], tables["mentions"]
    assert quality.duplicate_keys(articles, ["article_id"]).empty
    assert quality.duplicate_keys(tables["rejected"], ["article_id"]).empty
    assert quality.duplicate_keys(mentions, ["article_id", "start", "end"]).empty
    assert quality.duplicate_keys(tables["entities"], ["entity_id"]).empty
    assert quality.bad_offsets(mentions, articles).empty
    assert quality.orphan_mentions(mentions, articles, tables["entities"]).empty
    quotes = tables["quotes"]
    assert quality.duplicate_keys(quotes, ["article_id", "quote_id"]).empty
    assert quality.bad_offsets(quotes, articles).empty
    assert quality.unknown_speakers(quotes, tables["entities"]).empty
    if reference is not None:
        expected = reference["mentions"].groupby("article_id")["start"].apply(sorted).to_dict()
        for article_id, starts in mentions.groupby("article_id")["start"].apply(sorted).items():
            assert starts == expected.get(article_id), f"partial mentions for {article_id}"
