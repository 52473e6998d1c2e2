"""Asset checks: the data-quality rules of news_pipeline.quality, on the committed tables.

Each check reads only the columns its rule needs, from one snapshot. Rules that need article
texts run one bucket of articles at a time, so their memory does not grow with the corpus.
"""

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pandas as pd

from news_pipeline import quality
from news_pipeline.assets.metadata import markdown_preview
from news_pipeline.resources import PipelinePaths
from news_pipeline.warehouse.warehouse import bucket_of, read_table


def _result(offending: pd.DataFrame, what: str) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=offending.empty,
        metadata={"offending_rows": len(offending), "rule": what,
                  "examples": dg.MetadataValue.md(markdown_preview(offending))},
    )


def _article_groups(snapshot: Path | None, table: str) -> Iterator[list[str]]:
    """The article ids of `table`, grouped so that each group lies in one bucket file."""
    ids = read_table(snapshot, table, ["article_id"])["article_id"].unique()
    groups: dict[int, list[str]] = defaultdict(list)
    for article_id in ids:
        groups[bucket_of(article_id)].append(article_id)
    for bucket in sorted(groups):
        yield groups[bucket]


def _concat(frames: list[pd.DataFrame], empty: pd.DataFrame) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if frames else empty


@dg.asset_check(asset="articles", description="Every article has non-empty cleaned text.")
def articles_have_text(paths: PipelinePaths) -> dg.AssetCheckResult:
    snapshot = paths.warehouse().snapshots.current()
    columns = ["article_id", "source_path", "text"]
    empty = [quality.empty_texts(read_table(snapshot, "articles", columns, keys=ids))
             for ids in _article_groups(snapshot, "articles")]
    return _result(_concat(empty, read_table(None, "articles", columns)), "text is not empty")


@dg.asset_check(asset="articles", description="article_id is unique.")
def article_ids_unique(paths: PipelinePaths) -> dg.AssetCheckResult:
    articles = paths.warehouse().read("articles", ["article_id", "source_path"])
    return _result(quality.duplicate_keys(articles, ["article_id"]), "article_id unique")


@dg.asset_check(asset="mentions",
                description="Every mention's offsets lie inside its article and spell the mention.")
def mention_offsets_match_text(paths: PipelinePaths) -> dg.AssetCheckResult:
    snapshot = paths.warehouse().snapshots.current()
    mentions = read_table(snapshot, "mentions", ["article_id", "start", "end", "text"])
    bucket = {a: bucket_of(a) for a in mentions["article_id"].unique()}
    bad = []
    for _, part in mentions.groupby(mentions["article_id"].map(bucket), sort=True):
        texts = read_table(snapshot, "articles", ["article_id", "text"],
                           keys=part["article_id"].unique())
        bad.append(quality.bad_mention_offsets(part, dict(zip(texts["article_id"], texts["text"]))))
    return _result(_concat(bad, mentions.iloc[:0]), "articles.text[start:end] == mentions.text")


@dg.asset_check(asset="mentions",
                description="Every mention belongs to an existing article and entity.")
def no_orphan_mentions(paths: PipelinePaths) -> dg.AssetCheckResult:
    snapshot = paths.warehouse().snapshots.current()
    orphans = quality.orphan_mentions(
        read_table(snapshot, "mentions", ["article_id", "entity_id", "text", "start", "end"]),
        read_table(snapshot, "articles", ["article_id"]),
        read_table(snapshot, "entities", ["entity_id"]))
    return _result(orphans, "article_id in articles and entity_id in entities")


@dg.asset_check(asset="mentions", description="No mention is stored twice.")
def mentions_unique(paths: PipelinePaths) -> dg.AssetCheckResult:
    mentions = paths.warehouse().read("mentions", ["article_id", "start", "end", "text"])
    return _result(quality.duplicate_keys(mentions, ["article_id", "start", "end"]),
                   "(article_id, start, end) unique")


@dg.asset_check(asset="entities", description="entity_id is unique.")
def entity_ids_unique(paths: PipelinePaths) -> dg.AssetCheckResult:
    entities = paths.warehouse().read("entities", ["entity_id", "name", "label"])
    return _result(quality.duplicate_keys(entities, ["entity_id"]), "entity_id unique")


@dg.asset_check(asset="rejected",
                description="No input was rejected because the cleaner itself failed (a bug to report).")
def no_cleaner_errors(paths: PipelinePaths) -> dg.AssetCheckResult:
    rejected = paths.warehouse().read("rejected", ["article_id", "source_path", "reason", "detail"])
    errors = rejected[rejected["reason"] == "cleaner_error"]
    result = _result(errors, "reason != cleaner_error")
    return dg.AssetCheckResult(passed=result.passed, metadata=result.metadata,
                               severity=dg.AssetCheckSeverity.WARN)


ALL_CHECKS = [no_cleaner_errors, articles_have_text, article_ids_unique, mention_offsets_match_text,
              no_orphan_mentions, mentions_unique, entity_ids_unique]
