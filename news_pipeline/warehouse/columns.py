"""One line per column of every table in SCHEMAS: shown in the Dagster UI (each asset's
column schema) and in docs/schema.md. A test keeps the three in step: a new column needs its
line here and, for a user-facing table, in docs/schema.md.
"""

from __future__ import annotations

from news_pipeline.warehouse.schema import ARTICLE_TABLES, PARTITION

COLUMN_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "articles": {
        "article_id": "Stable id of the article: a digest of its path under the raw folder.",
        "source_path": "Path of the raw file, relative to the raw folder.",
        "content_sha256": "SHA-256 of the raw file's bytes the article was cleaned from.",
        "title": "Headline (null when none was found).",
        "published_at": "Publication time in UTC (null when the article does not say).",
        "source": "Site the article comes from, e.g. krone.at (null when unknown).",
        "language": "Language code of the text, e.g. de.",
        "text": "Cleaned body text, without markup or site boilerplate.",
        "text_sha256": "SHA-256 of `text`: NER runs again only when it changes.",
        "n_chars": "Length of `text` in characters.",
        "processed_at": "When the article was cleaned (UTC).",
        "pipeline_version": "Version of the cleaner that produced the row.",
        "warnings": "What the cleaner noticed but could live with, e.g. no-title, decoded as cp1252.",
        "kicker": "Line above the title (Dachzeile), or null.",
        "section": "Site section the article was filed under, or null.",
        "boilerplate_sha256": "Digest of the learnt boilerplate lines of its source it was cleaned with.",
    },
    "rejected": {
        "article_id": "Stable id of the input: a digest of its path under the raw folder.",
        "source_path": "Path of the raw file, relative to the raw folder.",
        "content_sha256": "SHA-256 of the raw file's bytes (null when they could not be read).",
        "reason": "Why it was rejected: empty, binary, undecodable, oversized, no_body_text, ...",
        "detail": "More about the reason, e.g. the size or the error message.",
        "rejected_at": "When it was rejected (UTC).",
        "pipeline_version": "Version of the cleaner that rejected it.",
    },
    "mentions": {
        "article_id": "Article the mention is in (articles.article_id).",
        "entity_id": "Entity it refers to (entities.entity_id).",
        "text": "Surface form as written in the article.",
        "label": "Entity type: PER, LOC, ORG or MISC.",
        "start": "Character offset of the mention's start in articles.text.",
        "end": "Character offset just after its end: articles.text[start:end] == text.",
        "sentence_index": "Index of the sentence it is in, counted from 0 per article.",
    },
    "entities": {
        "entity_id": "Stable id, kept across reruns and corpus growth.",
        "name": "Canonical name: the most complete spelling.",
        "label": "Entity type: PER, LOC, ORG or MISC.",
        "aliases": "Every surface form it was mentioned as.",
        "n_mentions": "Mentions of it in the whole corpus.",
        "n_articles": "Articles that mention it.",
        "country_code": "ISO 3166 alpha-2 country code of a place or country, or null.",
        "geonames_id": "GeoNames id of a place, or null.",
        "latitude": "Latitude of a place (WGS 84), or null.",
        "longitude": "Longitude of a place (WGS 84), or null.",
        "link": "Gazetteer id: country:KP, org:UN, geonames:1871859, or null.",
        "merge_rules": "Rules that merged its spellings (see entity_aliases.rule).",
    },
    "entity_aliases": {
        "entity_id": "Entity the spelling belongs to (entities.entity_id).",
        "alias": "Surface form as written in the articles.",
        "key": "Normalised form it was resolved under.",
        "rule": "Why it joined the entity: exact, genitive, short_name, acronym, ...",
        "n_mentions": "Mentions with this spelling, key and rule.",
    },
    "cooccurrences": {
        "entity_a": "One entity of the pair (entities.entity_id); entity_a < entity_b.",
        "entity_b": "The other entity of the pair (entities.entity_id).",
        "n_articles": "Articles that mention both.",
        "n_sentences": "Sentences that mention both.",
    },
    "source_boilerplate": {
        "source": "Site the line was learnt for.",
        "line": "The recurring line, normalised (as the cleaner compares lines).",
        "n_articles": "Articles of that source containing the line.",
        "n_source_articles": "Articles of that source in the corpus.",
        "n_source_lines": "Boilerplate lines learnt for that source.",
        "source_sha256": "Digest of that source's learnt lines: its articles are re-cleaned when it changes.",
        "model_sha256": "Digest of all the learnt lines of all sources.",
        "learn_version": "Version of the learning rule.",
    },
    "_line_stats": {
        "article_id": "Article the lines come from.",
        "content_sha256": "SHA-256 of the raw file they were counted in.",
        "source": "Site of the article.",
        "lines": "The article's distinct normalised lines (counted once per article).",
        "learn_version": "Version of the learning rule they were counted for.",
    },
    "_inventory": {
        "article_id": "Stable id of the file: a digest of its path under the raw folder.",
        "source_path": "Path relative to the raw folder.",
        "size": "Size in bytes when scanned.",
        "mtime_ns": "Modification time when scanned (ns): with the size, decides whether to hash again.",
        "content_sha256": "SHA-256 of the file's bytes (null when it could not be read).",
        "error": "Why the file cannot be used (e.g. unsupported_file_type), or null.",
    },
    "_raw_folders": {
        "folder": ("Folder under the raw folder, as the prefix of its files' paths "
                   "(empty for the raw folder itself, else ending in /)."),
        "ctime_ns": ("The folder's status-change time when listed (ns), or -1: list it again "
                     "(changed too recently, holds a file written or unreadable lately, or a "
                     "folder whose name is not UTF-8)."),
        "files": "Files listed directly in the folder (not in its subfolders).",
        "listed_ns": ("When the folder's files were last stat-ed (ns, the start of that scan): "
                      "a scan trusting folders stats them again within NEWS_PIPELINE_RAW_RECHECK_HOURS."),
    },
    "_spans": {
        "article_id": "Article the span is in.",
        "start": "Character offset of the span's start in articles.text.",
        "end": "Character offset just after its end.",
        "label": "Entity type the recogniser gave: PER, LOC, ORG or MISC.",
        "text": "The span's text.",
        "sentence_index": "Index of its sentence in the article, from 0.",
    },
    "_resolved_spans": {
        "article_id": "Article the span is in.",
        "start": "Character offset of the span's start in articles.text.",
        "end": "Character offset just after its end.",
        "label": "Entity type: PER, LOC, ORG or MISC.",
        "text": "The span's text.",
        "sentence_index": "Index of its sentence in the article, from 0.",
        "surface_key": "The text normalised (Kim Jong-un -> kim jong un).",
        "local_key": "Key after the article's own rules (Putins -> wladimir putin when it names him).",
        "local_rule": "+-joined article-level rules applied (genitive, short_name, ...); empty when none.",
        "acronym": "Whether the text is an all-capital acronym (DVRK).",
    },
    "_resolve_runs": {
        "article_id": "Article whose spans were resolved.",
        "text_sha256": "articles.text_sha256 they were resolved for.",
        "recogniser_version": "Recogniser version of the spans.",
        "resolve_version": "Version of the per-article resolution rules.",
        "n_mentions": "Resolved spans the article has.",
    },
    "_resolve_forms": {
        "local_key": "Key after the article-level rules.",
        "text": "Surface form.",
        "local_rule": "Article-level rules applied; empty when none.",
        "label": "Entity type: PER, LOC, ORG or MISC.",
        "acronym": "Whether the form is an all-capital acronym.",
        "n_mentions": "Mentions of this form over all resolved articles.",
    },
    "_acronym_candidates": {
        "article_id": "Article offering the pair.",
        "acronym_key": "A one-word key of the article.",
        "expansion_key": "A multi-word key of the same article that the acronym may abbreviate.",
    },
    "_ner_runs": {
        "article_id": "Article the recogniser ran on.",
        "text_sha256": "articles.text_sha256 it ran on: a new text runs it again.",
        "recogniser_version": "Recogniser version that ran: a new version runs it again.",
        "n_mentions": "Spans it found.",
    },
    "quotes": {
        "article_id": "Article the quotation is in (articles.article_id).",
        "quote_id": "Stable id of the quotation within its article: a digest of kind, offsets and text.",
        "kind": "direct (in quotation marks), indirect (reported speech without marks) or mixed.",
        "text": "The quoted or reported words: articles.text[start:end] == text.",
        "start": "Character offset of the quotation's start in articles.text.",
        "end": "Character offset just after its end.",
        "speaker": "The speaker as the article writes it (for a pronoun, its antecedent), or null.",
        "speaker_entity_id": "Entity of the speaker (entities.entity_id), or null when it is no mention.",
        "cue": "Words that attribute it: sagte, teilte … mit, so, laut, heißt es in, ...; null: context.",
        "sentence_index": "Index of the sentence it starts in, counted as in mentions.sentence_index.",
    },
    "_quote_spans": {
        "article_id": "Article the quotation is in.",
        "quote_id": "Stable id of the quotation within its article.",
        "kind": "direct, indirect or mixed.",
        "text": "The quoted or reported words.",
        "start": "Character offset of its start in articles.text.",
        "end": "Character offset just after its end.",
        "speaker": "The speaker as written, or null.",
        "speaker_start": "Start of the recogniser span the speaker is, or null.",
        "speaker_end": "End of that span, or null.",
        "cue": "The words that attribute it, or null.",
        "sentence_index": "Index of the sentence it starts in.",
    },
    "_quote_runs": {
        "article_id": "Article whose quotations were extracted.",
        "text_sha256": "articles.text_sha256 they were extracted from.",
        "recogniser_version": "Recogniser version of the spans the speakers are.",
        "quotes_version": "Version of the quotation rules: a new version extracts them again.",
        "n_quotes": "Quotations found.",
    },
    "_quote_links": {
        "article_id": "Article whose quotations the quotes table holds.",
        "text_sha256": "Text they were extracted from (as in _quote_runs).",
        "recogniser_version": "Recogniser version (as in _quote_runs).",
        "quotes_version": "Quotation rules version (as in _quote_runs).",
        "n_quotes": "Quotations of the article in the quotes table.",
    },
}

# Every table with rows per article is partitioned by the month its article arrived.
for _table in ARTICLE_TABLES:
    COLUMN_DESCRIPTIONS[_table][PARTITION] = (
        "Month the article's raw file was first seen (YYYY-MM): the Delta table's partition.")
