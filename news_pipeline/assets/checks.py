"""Asset checks: the data-quality rules of news_pipeline.quality, on the committed tables.

Each check reads only the columns its rule needs, from one snapshot. Rules about single
articles (text, offsets, orphans, duplicates) run bucket by bucket and only on the buckets
written since the check last passed (see buckets.py): a rerun after adding one article
reads one bucket, and memory does not grow with the corpus.

The checks run in two steps (multi-asset checks), one after cleaning and one after
resolution: each step costs Dagster several event-log writes, more than a one-article
rerun's checks cost to read. Each check keeps its own key, history and result in the UI,
and can be run alone.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

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
from news_pipeline.warehouse.warehouse import Snapshot, bucket_numbers, read_bucket, read_table

TEXT_RULE = BucketRule("text-1", ("articles",))
ARTICLE_IDS_RULE = BucketRule("article-ids-1", ("articles",))
OFFSETS_RULE = BucketRule("offsets-1", ("articles", "mentions"))
# Entities are one file, rewritten by every resolution: then every bucket is checked again.
ORPHANS_RULE = BucketRule("orphans-1", ("articles", "mentions"), shared=("entities",))
MENTION_KEYS_RULE = BucketRule("mention-keys-1", ("mentions",))


@dataclass(frozen=True)
class CheckRun:
    """What one check needs: the instance (for its earlier evaluations), the paths, its key."""

    instance: dg.DagsterInstance
    paths: PipelinePaths
    key: dg.AssetCheckKey


Rule = Callable[[CheckRun], dg.AssetCheckResult]


def _result(run: CheckRun, offending: pd.DataFrame, what: str,
            extra: dict[str, object] | None = None,
            severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=run.key.asset_key, check_name=run.key.name, passed=offending.empty,
        severity=severity,
        metadata={"offending_rows": len(offending), "rule": what,
                  "examples": dg.MetadataValue.md(markdown_preview(offending)), **(extra or {})},
    )


def _bucket_check(run: CheckRun, rule: BucketRule,
                  offending_in: Callable[[Snapshot | None, int], pd.DataFrame],
                  empty: pd.DataFrame, what: str) -> dg.AssetCheckResult:
    """Evaluate `offending_in(snapshot, bucket)` on the buckets not verified since written."""
    snapshot = run.paths.warehouse().snapshots.current()
    outcome = check_buckets(bucket_stamps(snapshot, rule), previously_verified(run.instance, run.key),
                            lambda bucket: offending_in(snapshot, bucket), empty)
    return _result(run, outcome.offending, what, outcome.metadata())


def _misplaced_or_duplicate(frame: pd.DataFrame, keys: list[str], bucket: int) -> pd.DataFrame:
    """Rows whose key repeats within the bucket or belongs to another bucket. Together over
    all buckets: keys are unique table-wide (a key can only be in its own bucket)."""
    misplaced = bucket_numbers(frame["article_id"]) != bucket
    return frame[frame.duplicated(keys, keep=False) | misplaced]


def boilerplate_share_is_sane(run: CheckRun) -> dg.AssetCheckResult:
    shares = quality.boilerplate_share(run.paths.warehouse().read("source_boilerplate"))
    return _result(run, shares[shares["share"] > quality.MAX_BOILERPLATE_SHARE],
                   f"learnt share of a source's lines <= {quality.MAX_BOILERPLATE_SHARE}",
                   {"max_share": float(shares["share"].max()) if len(shares) else 0.0},
                   severity=dg.AssetCheckSeverity.WARN)


def articles_have_text(run: CheckRun) -> dg.AssetCheckResult:
    columns = ["article_id", "source_path", "text"]

    def empty_texts(snapshot: Snapshot | None, bucket: int) -> pd.DataFrame:
        return quality.empty_texts(read_bucket(snapshot, "articles", bucket, columns))

    return _bucket_check(run, TEXT_RULE, empty_texts, read_table(None, "articles", columns),
                         "text is not empty")


def article_ids_unique(run: CheckRun) -> dg.AssetCheckResult:
    columns = ["article_id", "source_path"]

    def duplicates(snapshot: Snapshot | None, bucket: int) -> pd.DataFrame:
        return _misplaced_or_duplicate(read_bucket(snapshot, "articles", bucket, columns),
                                       ["article_id"], bucket)

    return _bucket_check(run, ARTICLE_IDS_RULE, duplicates, read_table(None, "articles", columns),
                         "article_id unique")


def no_cleaner_errors(run: CheckRun) -> dg.AssetCheckResult:
    rejected = run.paths.warehouse().read("rejected",
                                          ["article_id", "source_path", "reason", "detail"])
    return _result(run, rejected[rejected["reason"] == "cleaner_error"], "reason != cleaner_error",
                   severity=dg.AssetCheckSeverity.WARN)


def mention_offsets_match_text(run: CheckRun) -> dg.AssetCheckResult:
    columns = ["article_id", "start", "end", "text"]

    def bad_offsets(snapshot: Snapshot | None, bucket: int) -> pd.DataFrame:
        mentions = read_bucket(snapshot, "mentions", bucket, columns)
        if mentions.empty:  # no need to read the bucket's article texts
            return mentions
        texts = read_bucket(snapshot, "articles", bucket, ["article_id", "text"])
        return quality.bad_mention_offsets(mentions, texts)

    return _bucket_check(run, OFFSETS_RULE, bad_offsets, read_table(None, "mentions", columns),
                         "articles.text[start:end] == mentions.text")


def no_orphan_mentions(run: CheckRun) -> dg.AssetCheckResult:
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

    return _bucket_check(run, ORPHANS_RULE, orphans, read_table(None, "mentions", columns),
                         "article_id in articles and entity_id in entities")


def mentions_unique(run: CheckRun) -> dg.AssetCheckResult:
    columns = ["article_id", "start", "end", "text"]

    def duplicates(snapshot: Snapshot | None, bucket: int) -> pd.DataFrame:
        return _misplaced_or_duplicate(read_bucket(snapshot, "mentions", bucket, columns),
                                       ["article_id", "start", "end"], bucket)

    return _bucket_check(run, MENTION_KEYS_RULE, duplicates, read_table(None, "mentions", columns),
                         "(article_id, start, end) unique")


def entity_ids_unique(run: CheckRun) -> dg.AssetCheckResult:
    entities = run.paths.warehouse().read("entities", ["entity_id", "name", "label"])
    return _result(run, quality.duplicate_keys(entities, ["entity_id"]), "entity_id unique")


@dataclass(frozen=True)
class Check:
    rule: Rule
    asset: str
    description: str


def _check_group(name: str, checks: list[Check], description: str) -> dg.AssetChecksDefinition:
    """One step that runs the selected ones of `checks`, each reported under its own key."""
    rules = {dg.AssetCheckKey(dg.AssetKey(check.asset), check.rule.__name__): check.rule
             for check in checks}

    @dg.multi_asset_check(
        name=name, description=description, can_subset=True,
        specs=[dg.AssetCheckSpec(check.rule.__name__, asset=check.asset,
                                 description=check.description) for check in checks])
    def run_checks(context: dg.AssetCheckExecutionContext,
                   paths: PipelinePaths) -> Iterator[dg.AssetCheckResult]:
        for key in sorted(context.selected_asset_check_keys, key=lambda k: k.to_user_string()):
            yield rules[key](CheckRun(context.instance, paths, key))

    return run_checks


cleaning_checks = _check_group("cleaning_checks", [
    Check(boilerplate_share_is_sane, "source_boilerplate",
          f"No source loses more than {quality.MAX_BOILERPLATE_SHARE:.0%} of its lines to learnt "
          "boilerplate."),
    Check(articles_have_text, "articles",
          "Every article has non-empty cleaned text." + INCREMENTAL_NOTE),
    Check(article_ids_unique, "articles",
          "article_id is unique (within each bucket file, and each row is in the bucket of its "
          "id)." + INCREMENTAL_NOTE),
    Check(no_cleaner_errors, "rejected",
          "No input was rejected because the cleaner itself failed (a bug to report)."),
], "The checks of the tables the boilerplate and cleaning steps write (source_boilerplate, "
   "articles, rejected).")

resolution_checks = _check_group("resolution_checks", [
    Check(mention_offsets_match_text, "mentions",
          "Every mention's offsets lie inside its article and spell the mention."
          + INCREMENTAL_NOTE),
    Check(no_orphan_mentions, "mentions",
          "Every mention belongs to an existing article (in the same bucket) and entity."
          + INCREMENTAL_NOTE),
    Check(mentions_unique, "mentions",
          "No mention is stored twice (within each bucket file, and each row is in the bucket "
          "of its article)." + INCREMENTAL_NOTE),
    Check(entity_ids_unique, "entities", "entity_id is unique."),
], "The checks of the tables the resolution step writes (mentions, entities).")

CHECKS = [cleaning_checks, resolution_checks]
