"""Entity resolution: mentions of the whole corpus -> one row per real-world entity."""

from news_pipeline.resolve.article import LOCAL_COLUMNS, resolve_article, resolve_articles
from news_pipeline.resolve.resolution import (
    ALIAS_COLUMNS,
    COOCCURRENCE_COLUMNS,
    ENTITY_COLUMNS,
    RESOLVE_VERSION,
    CorpusState,
    CorpusUpdate,
    Resolution,
    StateMismatch,
    acronym_candidates,
    assign_entities,
    resolve_corpus,
    resolve_entities,
    update_corpus,
)

__all__ = ["ALIAS_COLUMNS", "COOCCURRENCE_COLUMNS", "ENTITY_COLUMNS", "LOCAL_COLUMNS",
           "RESOLVE_VERSION", "CorpusState", "CorpusUpdate", "Resolution", "StateMismatch",
           "acronym_candidates",
           "assign_entities", "resolve_article", "resolve_articles", "resolve_corpus",
           "resolve_entities", "update_corpus"]
