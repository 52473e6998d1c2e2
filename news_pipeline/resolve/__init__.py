"""Entity resolution: mentions of the whole corpus -> one row per real-world entity."""

from news_pipeline.resolve.resolution import RESOLVE_VERSION, Resolution, resolve_entities

__all__ = ["RESOLVE_VERSION", "Resolution", "resolve_entities"]
