"""Asset checks: the data-quality rules of news_pipeline.quality, on the committed tables.

Rules about single articles (text, offsets, orphans, duplicates) read only the data files
added since the check last passed, and the rows of the same articles elsewhere (see
increments.py): a rerun after adding one article reads that article's rows. A rule with no
record (a new Dagster home, a new rule version) reads every row, a slice of the articles at
a time: memory does not grow with the corpus either way.

The checks run in two steps (multi-asset checks), one after cleaning and one after
resolution: each step costs Dagster several event-log writes, more than a one-article
rerun's checks cost to read. Each check keeps its own key, history and result in the UI,
and can be run alone.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import dagster as dg
import pandas as pd

from news_pipeline.assets import quality
from news_pipeline.assets.increments import (
    INCREMENTAL_NOTE,
    VERIFIED_KEY,
    ArticleSlice,
    Record,
    Rows,
    article_slices,
    new_files,
    previously_verified,
    rows_in_files,
)
from news_pipeline.assets.metadata import markdown_preview
from news_pipeline.quotes import KINDS
from news_pipeline.resources import PipelinePaths
from news_pipeline.warehouse import Snapshot, count_rows, read_table
from news_pipeline.warehouse.delta import data_files


@dataclass(frozen=True)
class CheckRun:
    """What one check needs: the instance (for its earlier evaluations), the paths, its key."""

    instance: dg.DagsterInstance
    paths: PipelinePaths
    key: dg.AssetCheckKey


Rule = Callable[[CheckRun], dg.AssetCheckResult]
NewFiles = dict[str, Rows]  # table -> files not verified yet, or a slice of every row
# The rows of the largest table a rule that reads every row reads at once, at most (each
# slice is a scan of the table: more slices cost time).
ROWS_PER_SLICE = 200_000


def _slices_for(rows: int) -> int:
    slices = 1
    while rows > slices * ROWS_PER_SLICE and slices < 64:
        slices *= 4
    return slices

# The tables the incremental rules read.
RULE_INPUTS = ("articles", "rejected", "mentions", "entities", "quotes")


def _result(run: CheckRun, offending: pd.DataFrame, what: str,
            extra: dict[str, object] | None = None,
            severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=run.key.asset_key, check_name=run.key.name, passed=offending.empty,
        severity=severity,
        metadata={"offending_rows": len(offending), "rule": what,
                  "examples": dg.MetadataValue.md(markdown_preview(offending)), **(extra or {})},
    )


@dataclass(frozen=True)
class IncrementalRule:
    """A rule evaluated on the rows of the data files of `tables` added since it last passed.

    `version`: bump it when the rule changes, so files verified under the old rule are
    checked again."""

    version: str
    tables: tuple[str, ...]


def _incremental_check(run: CheckRun, rule: IncrementalRule,
                       offending_in: Callable[[Snapshot, NewFiles], pd.DataFrame], what: str,
                       severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR
                       ) -> dg.AssetCheckResult:
    snapshot = run.paths.warehouse().current(*RULE_INPUTS)
    before = previously_verified(run.instance, run.key)
    new = {table: new_files(snapshot, table, rule.version, before) for table in rule.tables}
    if any(files is None for files in new.values()):
        # Every row (a first evaluation, a new rule): a slice of the articles at a time, so
        # that memory does not grow with the corpus.
        largest = max(count_rows(snapshot, table) for table in rule.tables)
        offending = pd.concat([offending_in(snapshot, dict.fromkeys(rule.tables, part))
                               for part in article_slices(_slices_for(largest))],
                              ignore_index=True)
    else:
        offending = offending_in(snapshot, new)
    if offending.empty:
        record = Record(rule.version, {t: snapshot.versions[t] for t in rule.tables
                                       if t in snapshot.versions})
    else:  # verified nothing new: the same files are read again next time
        record = before if before is not None and before.rule == rule.version else Record(rule.version, {})
    checked = sum(len(files) if files is not None else len(data_files(snapshot, table))
                  for table, files in new.items())
    return _result(run, offending, what, {"files_checked": checked,
                                          VERIFIED_KEY: record.as_metadata()}, severity)


def _rows_of(snapshot: Snapshot, table: str, new: NewFiles, columns: list[str],
             also: pd.Series | None = None) -> pd.DataFrame:
    """Rows of `table` in its new files, and (if given) all its rows of the articles `also`."""
    rows = rows_in_files(snapshot, table, new[table], columns)
    if isinstance(new[table], ArticleSlice) or also is None or also.empty:
        return rows
    others = read_table(snapshot, table, columns, keys=set(also.tolist()))
    return pd.concat([rows, others], ignore_index=True).drop_duplicates().reset_index(drop=True)


def _same_articles(snapshot: Snapshot, table: str, new: NewFiles, columns: list[str]) -> pd.DataFrame:
    """All rows of `table` of the articles that have rows in its new files: a duplicate of
    a new row can be in an old file."""
    rows = rows_in_files(snapshot, table, new[table], columns)
    if isinstance(new[table], ArticleSlice) or rows.empty:
        return rows
    return read_table(snapshot, table, columns, keys=set(rows["article_id"].tolist()))


def _of_articles(snapshot: Snapshot, table: str, scope: Rows, columns: list[str],
                 ids: pd.Series) -> pd.DataFrame:
    """The rows of `table` of the articles `ids` (in a slice: of the slice's articles)."""
    if isinstance(scope, ArticleSlice):
        return rows_in_files(snapshot, table, scope, columns)
    return read_table(snapshot, table, columns, keys=set(ids.tolist()))


TEXT_RULE = IncrementalRule("text-2", ("articles",))
ARTICLE_IDS_RULE = IncrementalRule("article-ids-2", ("articles",))
OFFSETS_RULE = IncrementalRule("offsets-2", ("mentions", "articles"))
ORPHANS_RULE = IncrementalRule("orphans-2", ("mentions",))
MENTION_KEYS_RULE = IncrementalRule("mention-keys-2", ("mentions",))
QUOTE_OFFSETS_RULE = IncrementalRule("quote-offsets-1", ("quotes", "articles"))
QUOTE_KEYS_RULE = IncrementalRule("quote-keys-1", ("quotes",))
QUOTE_SPEAKERS_RULE = IncrementalRule("quote-speakers-1", ("quotes",))
CLEANER_ERRORS_RULE = IncrementalRule("cleaner-errors-1", ("rejected",))


def boilerplate_share_is_sane(run: CheckRun) -> dg.AssetCheckResult:
    shares = quality.boilerplate_share(run.paths.warehouse().read("source_boilerplate"))
    return _result(run, shares[shares["share"] > quality.MAX_BOILERPLATE_SHARE],
                   f"learnt share of a source's lines <= {quality.MAX_BOILERPLATE_SHARE}",
                   {"max_share": float(shares["share"].max()) if len(shares) else 0.0},
                   severity=dg.AssetCheckSeverity.WARN)


def articles_have_text(run: CheckRun) -> dg.AssetCheckResult:
    def empty_texts(snapshot: Snapshot, new: NewFiles) -> pd.DataFrame:
        return quality.empty_texts(rows_in_files(snapshot, "articles", new["articles"],
                                                 ["article_id", "source_path", "text"]))

    return _incremental_check(run, TEXT_RULE, empty_texts, "text is not empty")


def article_ids_unique(run: CheckRun) -> dg.AssetCheckResult:
    def duplicates(snapshot: Snapshot, new: NewFiles) -> pd.DataFrame:
        rows = _same_articles(snapshot, "articles", new, ["article_id", "source_path"])
        return quality.duplicate_keys(rows, ["article_id"])

    return _incremental_check(run, ARTICLE_IDS_RULE, duplicates, "article_id unique")


def no_cleaner_errors(run: CheckRun) -> dg.AssetCheckResult:
    def cleaner_errors(snapshot: Snapshot, new: NewFiles) -> pd.DataFrame:
        rejected = rows_in_files(snapshot, "rejected", new["rejected"],
                                 ["article_id", "source_path", "reason", "detail"])
        return rejected[rejected["reason"] == "cleaner_error"]

    return _incremental_check(run, CLEANER_ERRORS_RULE, cleaner_errors, "reason != cleaner_error",
                              severity=dg.AssetCheckSeverity.WARN)


def _offsets_check(run: CheckRun, table: str, rule: IncrementalRule) -> dg.AssetCheckResult:
    columns = ["article_id", "start", "end", "text"]

    def bad_offsets(snapshot: Snapshot, new: NewFiles) -> pd.DataFrame:
        # New rows, and the rows of articles whose text was rewritten.
        changed = rows_in_files(snapshot, "articles", new["articles"], ["article_id"])["article_id"]
        spans = _rows_of(snapshot, table, new, columns, changed)
        if spans.empty:  # no need to read article texts
            return spans
        texts = _of_articles(snapshot, "articles", new[table], ["article_id", "text"],
                             spans["article_id"])
        return quality.bad_offsets(spans, texts)

    return _incremental_check(run, rule, bad_offsets, f"articles.text[start:end] == {table}.text")


def mention_offsets_match_text(run: CheckRun) -> dg.AssetCheckResult:
    return _offsets_check(run, "mentions", OFFSETS_RULE)


def quote_offsets_match_text(run: CheckRun) -> dg.AssetCheckResult:
    return _offsets_check(run, "quotes", QUOTE_OFFSETS_RULE)


def quotes_well_formed(run: CheckRun) -> dg.AssetCheckResult:
    def malformed(snapshot: Snapshot, new: NewFiles) -> pd.DataFrame:
        rows = _same_articles(snapshot, "quotes", new, ["article_id", "quote_id", "kind", "text"])
        return pd.concat([quality.invalid_kinds(rows),
                          quality.duplicate_keys(rows, ["article_id", "quote_id"])]).drop_duplicates()

    return _incremental_check(run, QUOTE_KEYS_RULE, malformed,
                              f"kind in {', '.join(KINDS)}; (article_id, quote_id) unique")


def quote_speakers_exist(run: CheckRun) -> dg.AssetCheckResult:
    def unknown(snapshot: Snapshot, new: NewFiles) -> pd.DataFrame:
        quotes = rows_in_files(snapshot, "quotes", new["quotes"],
                               ["article_id", "quote_id", "speaker", "speaker_entity_id"])
        entities = read_table(snapshot, "entities", ["entity_id"])
        return quality.unknown_speakers(quotes, entities)

    return _incremental_check(run, QUOTE_SPEAKERS_RULE, unknown,
                              "speaker_entity_id is null or in entities")


def no_orphan_mentions(run: CheckRun) -> dg.AssetCheckResult:
    columns = ["article_id", "entity_id", "text", "start", "end"]

    def orphans(snapshot: Snapshot, new: NewFiles) -> pd.DataFrame:
        mentions = rows_in_files(snapshot, "mentions", new["mentions"], columns)
        entities = read_table(snapshot, "entities", ["entity_id", "n_mentions"])
        articles = _of_articles(snapshot, "articles", new["mentions"], ["article_id"],
                                mentions["article_id"])
        found = quality.orphan_mentions(mentions, articles, entities)
        # Older mentions whose entity or article went away: the entities' counts, which
        # resolution derives from the mentions it keeps, no longer add up to the table
        # (asked once, in the last slice when every row is read).
        once = not isinstance(new["mentions"], ArticleSlice) or new["mentions"].high is None
        stored = count_rows(snapshot, "mentions") if found.empty and once else None
        if stored is not None and int(entities["n_mentions"].sum()) != stored:
            return pd.DataFrame([{"article_id": None, "entity_id": None,
                                  "text": f"{stored} mentions stored, "
                                          f"{int(entities['n_mentions'].sum())} counted by entities",
                                  "start": None, "end": None}])
        return found

    return _incremental_check(run, ORPHANS_RULE, orphans,
                              "article_id in articles and entity_id in entities")


def mentions_unique(run: CheckRun) -> dg.AssetCheckResult:
    def duplicates(snapshot: Snapshot, new: NewFiles) -> pd.DataFrame:
        rows = _same_articles(snapshot, "mentions", new, ["article_id", "start", "end", "text"])
        return quality.duplicate_keys(rows, ["article_id", "start", "end"])

    return _incremental_check(run, MENTION_KEYS_RULE, duplicates, "(article_id, start, end) unique")


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
          "article_id is unique." + INCREMENTAL_NOTE),
    Check(no_cleaner_errors, "rejected",
          "No input was rejected because the cleaner itself failed (a bug to report)."
          + INCREMENTAL_NOTE),
], "The checks of the tables the boilerplate and cleaning steps write (source_boilerplate, "
   "articles, rejected).")

resolution_checks = _check_group("resolution_checks", [
    Check(mention_offsets_match_text, "mentions",
          "Every mention's offsets lie inside its article and spell the mention."
          + INCREMENTAL_NOTE),
    Check(no_orphan_mentions, "mentions",
          "Every mention belongs to an existing article and entity, and the entities count "
          "every stored mention." + INCREMENTAL_NOTE),
    Check(mentions_unique, "mentions",
          "No mention is stored twice." + INCREMENTAL_NOTE),
    Check(entity_ids_unique, "entities", "entity_id is unique."),
    Check(quote_offsets_match_text, "quotes",
          "Every quotation's offsets lie inside its article and spell the quotation."
          + INCREMENTAL_NOTE),
    Check(quotes_well_formed, "quotes",
          "Every quotation's kind is direct, indirect or mixed, and no quote_id is stored twice "
          "in an article." + INCREMENTAL_NOTE),
    Check(quote_speakers_exist, "quotes",
          "Every linked speaker is an existing entity." + INCREMENTAL_NOTE),
], "The checks of the tables the resolution and quotes steps write (mentions, entities, "
   "quotes).")

CHECKS = [cleaning_checks, resolution_checks]
