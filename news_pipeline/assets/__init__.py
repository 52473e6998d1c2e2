"""Thin Dagster layer: one module per stage, each calling news_pipeline.stages."""
