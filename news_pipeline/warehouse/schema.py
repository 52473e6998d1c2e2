"""Arrow schemas of every table the pipeline writes.

Tables whose name starts with "_" are the pipeline's own state (file inventory, raw NER spans);
the others are the user-facing dataset documented in the README.

Per-article tables (ARTICLE_TABLES) carry `ingest_month`, the month ("2026-12") the article's
file was first seen, and are Delta tables partitioned by it: new articles land in the newest
partition, and a changed or deleted article rewrites only files of its own month.
"""

from __future__ import annotations

import pyarrow as pa

TIMESTAMP = pa.timestamp("us", tz="UTC")

SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema([
        ("article_id", pa.string()),
        ("source_path", pa.string()),
        ("content_sha256", pa.string()),
        ("title", pa.string()),
        ("published_at", TIMESTAMP),
        ("source", pa.string()),
        ("language", pa.string()),
        ("text", pa.string()),
        ("text_sha256", pa.string()),
        ("n_chars", pa.int64()),
        ("processed_at", TIMESTAMP),
        ("pipeline_version", pa.string()),
        ("warnings", pa.list_(pa.string())),
        ("kicker", pa.string()),
        ("section", pa.string()),
        # Digest of the learnt boilerplate lines of the article's source it was cleaned with.
        ("boilerplate_sha256", pa.string()),
    ]),
    "rejected": pa.schema([
        ("article_id", pa.string()),
        ("source_path", pa.string()),
        ("content_sha256", pa.string()),
        ("reason", pa.string()),
        ("detail", pa.string()),
        ("rejected_at", TIMESTAMP),
        ("pipeline_version", pa.string()),
    ]),
    "mentions": pa.schema([
        ("article_id", pa.string()),
        ("entity_id", pa.string()),
        ("text", pa.string()),
        ("label", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("sentence_index", pa.int64()),
    ]),
    "entities": pa.schema([
        ("entity_id", pa.string()),
        ("name", pa.string()),
        ("label", pa.string()),
        ("aliases", pa.list_(pa.string())),
        ("n_mentions", pa.int64()),
        ("n_articles", pa.int64()),
        ("country_code", pa.string()),
        ("geonames_id", pa.int64()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
        ("link", pa.string()),  # gazetteer id: "country:KP", "org:UN", "geonames:1871859"
        ("merge_rules", pa.list_(pa.string())),  # rules that merged its aliases (entity_aliases)
    ]),
    # One row per (entity, surface form, key, rule): how each spelling joined its entity.
    "entity_aliases": pa.schema([
        ("entity_id", pa.string()),
        ("alias", pa.string()),
        ("key", pa.string()),
        ("rule", pa.string()),
        ("n_mentions", pa.int64()),
    ]),
    "cooccurrences": pa.schema([
        ("entity_a", pa.string()),
        ("entity_b", pa.string()),
        ("n_articles", pa.int64()),
        ("n_sentences", pa.int64()),
    ]),
    "source_boilerplate": pa.schema([
        ("source", pa.string()),
        ("line", pa.string()),  # normalised line key (clean.lines.line_key)
        ("n_articles", pa.int64()),
        ("n_source_articles", pa.int64()),
        ("n_source_lines", pa.int64()),
        ("source_sha256", pa.string()),
        ("model_sha256", pa.string()),
        ("learn_version", pa.string()),
    ]),
    "_line_stats": pa.schema([
        ("article_id", pa.string()),
        ("content_sha256", pa.string()),
        ("source", pa.string()),
        ("lines", pa.list_(pa.string())),
        ("learn_version", pa.string()),
    ]),
    "_inventory": pa.schema([
        ("article_id", pa.string()),
        ("source_path", pa.string()),
        ("size", pa.int64()),
        ("mtime_ns", pa.int64()),
        ("content_sha256", pa.string()),
        ("error", pa.string()),
    ]),
    "_raw_folders": pa.schema([
        ("folder", pa.string()),
        ("ctime_ns", pa.int64()),
        ("files", pa.int64()),
        ("listed_ns", pa.int64()),
    ]),
    "_spans": pa.schema([
        ("article_id", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("label", pa.string()),
        ("text", pa.string()),
        ("sentence_index", pa.int64()),
    ]),
    # Per-article output of resolve.resolve_article (cache of the resolution stage).
    "_resolved_spans": pa.schema([
        ("article_id", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("label", pa.string()),
        ("text", pa.string()),
        ("sentence_index", pa.int64()),
        ("surface_key", pa.string()),
        ("local_key", pa.string()),
        ("local_rule", pa.string()),
        ("acronym", pa.bool_()),
    ]),
    # What _resolved_spans was computed from; a mismatch redoes the article.
    "_resolve_runs": pa.schema([
        ("article_id", pa.string()),
        ("text_sha256", pa.string()),
        ("recogniser_version", pa.string()),
        ("resolve_version", pa.string()),
        ("n_mentions", pa.int64()),
    ]),
    # State of the global resolution step (resolve.CorpusState): mentions per distinct form
    # of all cached articles, and per article the acronym/expansion key pairs it offers.
    "_resolve_forms": pa.schema([
        ("local_key", pa.string()),
        ("text", pa.string()),
        ("local_rule", pa.string()),
        ("label", pa.string()),
        ("acronym", pa.bool_()),
        ("n_mentions", pa.int64()),
    ]),
    "_acronym_candidates": pa.schema([
        ("article_id", pa.string()),
        ("acronym_key", pa.string()),
        ("expansion_key", pa.string()),
    ]),
    "_ner_runs": pa.schema([
        ("article_id", pa.string()),
        ("text_sha256", pa.string()),
        ("recogniser_version", pa.string()),
        ("n_mentions", pa.int64()),
    ]),
    "quotes": pa.schema([
        ("article_id", pa.string()),
        ("quote_id", pa.string()),
        ("kind", pa.string()),
        ("text", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("speaker", pa.string()),
        ("speaker_entity_id", pa.string()),
        ("cue", pa.string()),
        ("sentence_index", pa.int64()),
    ]),
    # Quotations found beside the NER spans (quotes.spans.quote_rows): the speaker is the
    # offsets of its recogniser span, which the quotes stage links to a resolved entity.
    "_quote_spans": pa.schema([
        ("article_id", pa.string()),
        ("quote_id", pa.string()),
        ("kind", pa.string()),
        ("text", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("speaker", pa.string()),
        ("speaker_start", pa.int64()),
        ("speaker_end", pa.int64()),
        ("cue", pa.string()),
        ("sentence_index", pa.int64()),
    ]),
    # What _quote_spans was computed from; a mismatch redoes the article's NER and quotations.
    "_quote_runs": pa.schema([
        ("article_id", pa.string()),
        ("text_sha256", pa.string()),
        ("recogniser_version", pa.string()),
        ("quotes_version", pa.string()),
        ("n_quotes", pa.int64()),
    ]),
    # The quote run of each article whose quotations the `quotes` table holds.
    "_quote_links": pa.schema([
        ("article_id", pa.string()),
        ("text_sha256", pa.string()),
        ("recogniser_version", pa.string()),
        ("quotes_version", pa.string()),
        ("n_quotes", pa.int64()),
    ]),
}

PARTITION = "ingest_month"
ARTICLE_KEY = "article_id"
# Tables with rows per article, keyed by ARTICLE_KEY and partitioned by PARTITION; the others
# are corpus-wide.
ARTICLE_TABLES = frozenset({
    "articles", "rejected", "mentions", "_inventory", "_line_stats", "_spans", "_ner_runs",
    "_resolved_spans", "_resolve_runs", "_acronym_candidates", "quotes", "_quote_spans",
    "_quote_runs", "_quote_links",
})

# Records a run can do without: those written by another version are ignored (the stage
# that reads them checks their commit's metadata) and written anew, not a reason to rebuild.
RECORD_TABLES = frozenset({"_raw_folders"})

for _table in sorted(ARTICLE_TABLES):
    SCHEMAS[_table] = SCHEMAS[_table].append(pa.field(PARTITION, pa.string()))
