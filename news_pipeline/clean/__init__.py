"""Cleaning: raw article bytes -> body text and metadata (no Dagster here)."""

from news_pipeline.clean.boilerplate import (
    BoilerplateModel,
    article_source,
    candidate_lines,
    lines_sha256,
    min_articles,
)
from news_pipeline.clean.cleaner import CLEAN_VERSION, clean_article
from news_pipeline.clean.decode import MAX_ARTICLE_BYTES, DecodedText, RejectedInput, decode_article
from news_pipeline.clean.document import CleanedDocument

__all__ = ["CLEAN_VERSION", "MAX_ARTICLE_BYTES", "BoilerplateModel", "CleanedDocument",
           "DecodedText", "RejectedInput", "article_source", "candidate_lines", "clean_article",
           "decode_article", "lines_sha256", "min_articles"]
