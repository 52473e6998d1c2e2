"""Asset checks: the data-quality rules of news_pipeline.quality, on the committed tables."""

import dagster as dg
import pandas as pd

from news_pipeline import quality
from news_pipeline.assets.metadata import markdown_preview
from news_pipeline.resources import PipelinePaths


def _result(offending: pd.DataFrame, what: str) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=offending.empty,
        metadata={"offending_rows": len(offending), "rule": what,
                  "examples": dg.MetadataValue.md(markdown_preview(offending))},
    )


@dg.asset_check(asset="articles", description="Every article has non-empty cleaned text.")
def articles_have_text(paths: PipelinePaths) -> dg.AssetCheckResult:
    articles = paths.warehouse().read("articles", ["article_id", "source_path", "text"])
    return _result(quality.empty_texts(articles), "text is not empty")


@dg.asset_check(asset="articles", description="article_id is unique.")
def article_ids_unique(paths: PipelinePaths) -> dg.AssetCheckResult:
    articles = paths.warehouse().read("articles", ["article_id", "source_path"])
    return _result(quality.duplicate_keys(articles, ["article_id"]), "article_id unique")


@dg.asset_check(asset="mentions",
                description="Every mention's offsets lie inside its article and spell the mention.")
def mention_offsets_match_text(paths: PipelinePaths) -> dg.AssetCheckResult:
    warehouse = paths.warehouse()
    bad = quality.bad_mention_offsets(warehouse.read("mentions"),
                                      warehouse.read("articles", ["article_id", "text"]))
    return _result(bad, "articles.text[start:end] == mentions.text")


@dg.asset_check(asset="mentions",
                description="Every mention belongs to an existing article and entity.")
def no_orphan_mentions(paths: PipelinePaths) -> dg.AssetCheckResult:
    warehouse = paths.warehouse()
    orphans = quality.orphan_mentions(warehouse.read("mentions"),
                                      warehouse.read("articles", ["article_id"]),
                                      warehouse.read("entities", ["entity_id"]))
    return _result(orphans, "article_id in articles and entity_id in entities")


@dg.asset_check(asset="mentions", description="No mention is stored twice.")
def mentions_unique(paths: PipelinePaths) -> dg.AssetCheckResult:
    mentions = paths.warehouse().read("mentions")
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
