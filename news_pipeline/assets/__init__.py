"""Thin Dagster layer: one module per stage, each calling news_pipeline.stages.

ASSETS and CHECKS list everything in pipeline order, for the one Definitions object.
"""

from news_pipeline.assets.boilerplate import source_boilerplate
from news_pipeline.assets.checks import CHECKS
from news_pipeline.assets.cleaning import cleaned_articles
from news_pipeline.assets.ingest import raw_articles
from news_pipeline.assets.publish import published_dataset
from news_pipeline.assets.quotes import quotes
from news_pipeline.assets.recognition import ner_spans
from news_pipeline.assets.reports import entity_report
from news_pipeline.assets.resolution import resolved_entities

ASSETS = [raw_articles, source_boilerplate, cleaned_articles, ner_spans, resolved_entities, quotes,
          published_dataset, entity_report]

__all__ = ["ASSETS", "CHECKS"]
