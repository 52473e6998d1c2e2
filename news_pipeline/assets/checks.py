"""Asset checks: the data-quality rules of news_pipeline.quality, on the committed tables.

Each check reads only the columns its rule needs, from one snapshot. Rules about single
articles (text, offsets, orphans, duplicates) run bucket by bucket and only on the buckets
written since the check last passed (see buckets.py): a rerun after adding one article
reads one bucket, and memory does not grow with the corpus.
"""

from collections.abc import Callable

import dagster as dg
import pandas as pd

from news_pipeline import quality
from news_pipeline.assets.buckets import (
    INCREMENTAL_NOTE,
    BucketRule,
    bucket_stamps,
    check_buckets,
    previously_verified,
)
from news_pipeline.assets.metadata import markdown_preview
from news_pipeline.resources import PipelinePaths
from news_pipeline.warehouse.warehouse import Snapshot, bucket_of, read_bucket, read_table

TEXT_RULE = BucketRule("text-1", ("articles",))
ARTICLE_IDS_RULE = BucketRule("article-ids-1", ("articles",))
OFFSETS_RULE = BucketRule("offsets-1", ("articles", "mentions"))
# Entities are one file, rewritten by every resolution: then every bucket is checked again.
ORPHANS_RULE = BucketRule("orphans-1", ("articles", "mentions"), shared=("entities",))
MENTION_KEYS_RULE = BucketRule("mention-keys-1", ("mentions",))


def _result(offending: pd.DataFrame, what: str,
            extra: dict[str, object] | None = None) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=offending.empty,
        metadata={"offending_rows": len(offending), "rule": what,
                  "examples": dg.MetadataValue.md(markdown_preview(offending)), **(extra or {})},
    )


def _bucket_check(context: dg.AssetCheckExecutionContext, paths: PipelinePaths, rule: BucketRule,
                  offending_in: Callable[[Snapshot | None, int], pd.DataFrame],
                  empty: pd.DataFrame, what: str) -> dg.AssetCheckResult:
    """Evaluate `offending_in(snapshot, bucket)` on the buckets not verified since written."""
    snapshot = paths.warehouse().snapshots.current()
    [key] = context.selected_asset_check_keys
    outcome = check_buckets(bucket_stamps(snapshot, rule),
                            previously_verified(context.instance, key),
                            lambda bucket: offending_in(snapshot, bucket), empty)
    return _result(outcome.offending, what, outcome.metadata())


def _misplaced_or_duplicate(frame: pd.DataFrame, keys: list[str], bucket: int) -> pd.DataFrame:
    """Rows whose key repeats within the bucket or belongs to another bucket. Together over
    all buckets: keys are unique table-wide (a key can only be in its own bucket)."""
    misplaced = frame["article_id"].map(bucket_of) != bucket
    return frame[frame.duplicated(keys, keep=False) | misplaced]


@dg.asset_check(asset="articles",
                description="Every article has non-empty cleaned text." + INCREMENTAL_NOTE)
def articles_have_text(context: dg.AssetCheckExecutionContext,
                       paths: PipelinePaths) -> dg.AssetCheckResult:
    columns = ["article_id", "source_path", "text"]

    def empty_texts(snapshot: Snapshot | None, bucket: int) -> pd.DataFrame:
        return quality.empty_texts(read_bucket(snapshot, "articles", bucket, columns))

    return _bucket_check(context, paths, TEXT_RULE, empty_texts,
                         read_table(None, "articles", columns), "text is not empty")


@dg.asset_check(asset="articles",
                description="article_id is unique (within each bucket file, and each row is in "
                            "the bucket of its id)." + INCREMENTAL_NOTE)
def article_ids_unique(context: dg.AssetCheckExecutionContext,
                       paths: PipelinePaths) -> dg.AssetCheckResult:
    columns = ["article_id", "source_path"]

    def duplicates(snapshot: Snapshot | None, bucket: int) -> pd.DataFrame:
        return _misplaced_or_duplicate(read_bucket(snapshot, "articles", bucket, columns),
                                       ["article_id"], bucket)

    return _bucket_check(context, paths, ARTICLE_IDS_RULE, duplicates,
                         read_table(None, "articles", columns), "article_id unique")


@dg.asset_check(asset="mentions",
                description="Every mention's offsets lie inside its article and spell the "
                            "mention." + INCREMENTAL_NOTE)
def mention_offsets_match_text(context: dg.AssetCheckExecutionContext,
                               paths: PipelinePaths) -> dg.AssetCheckResult:
    columns = ["article_id", "start", "end", "text"]

    def bad_offsets(snapshot: Snapshot | None, bucket: int) -> pd.DataFrame:
        mentions = read_bucket(snapshot, "mentions", bucket, columns)
        if mentions.empty:  # no need to read the bucket's article texts
            return mentions
        texts = read_bucket(snapshot, "articles", bucket, ["article_id", "text"])
        return quality.bad_mention_offsets(mentions, dict(zip(texts["article_id"], texts["text"])))

    return _bucket_check(context, paths, OFFSETS_RULE, bad_offsets,
                         read_table(None, "mentions", columns),
                         "articles.text[start:end] == mentions.text")


@dg.asset_check(asset="mentions",
                description="Every mention belongs to an existing article (in the same bucket) "
                            "and entity." + INCREMENTAL_NOTE)
def no_orphan_mentions(context: dg.AssetCheckExecutionContext,
                       paths: PipelinePaths) -> dg.AssetCheckResult:
    columns = ["article_id", "entity_id", "text", "start", "end"]
    entities: dict[str, pd.DataFrame] = {}  # read once, and only if some bucket needs checking

    def orphans(snapshot: Snapshot | None, bucket: int) -> pd.DataFrame:
        mentions = read_bucket(snapshot, "mentions", bucket, columns)
        if mentions.empty:
            return mentions
        if not entities:
            entities["table"] = read_table(snapshot, "entities", ["entity_id"])
        return quality.orphan_mentions(
            mentions, read_bucket(snapshot, "articles", bucket, ["article_id"]), entities["table"])

    return _bucket_check(context, paths, ORPHANS_RULE, orphans,
                         read_table(None, "mentions", columns),
                         "article_id in articles and entity_id in entities")


@dg.asset_check(asset="mentions",
                description="No mention is stored twice (within each bucket file, and each row "
                            "is in the bucket of its article)." + INCREMENTAL_NOTE)
def mentions_unique(context: dg.AssetCheckExecutionContext,
                    paths: PipelinePaths) -> dg.AssetCheckResult:
    columns = ["article_id", "start", "end", "text"]

    def duplicates(snapshot: Snapshot | None, bucket: int) -> pd.DataFrame:
        return _misplaced_or_duplicate(read_bucket(snapshot, "mentions", bucket, columns),
                                       ["article_id", "start", "end"], bucket)

    return _bucket_check(context, paths, MENTION_KEYS_RULE, duplicates,
                         read_table(None, "mentions", columns), "(article_id, start, end) unique")


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
