"""Dagster resources: where the data lives and which recogniser runs."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from news_pipeline import settings
from news_pipeline.ner.mention import Recogniser
from news_pipeline.warehouse import Warehouse


class PipelinePaths(dg.ConfigurableResource):
    """Raw input folder and Parquet warehouse (defaults: data/raw, data/warehouse).

    `warehouse_dir` is a local folder or a URL (s3://bucket/news, memory://wh; see
    docs/scaling.md): keep it a string, Path() would fold "s3://" into "s3:/".
    """

    raw_dir: str
    warehouse_dir: str

    @classmethod
    def from_environment(cls) -> PipelinePaths:
        return cls(raw_dir=str(settings.raw_dir()), warehouse_dir=str(settings.warehouse_dir()))

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir)

    def warehouse(self) -> Warehouse:
        return Warehouse(self.warehouse_dir)


class NerModel(dg.ConfigurableResource):
    """Which recogniser to run: "default" (shipped), "spacy:<name or path>", "hf:<directory>"."""

    model: str = "default"

    @classmethod
    def from_environment(cls) -> NerModel:
        return cls(model=settings.ner_model())

    def load(self) -> Recogniser:
        from news_pipeline.ner import load_recogniser  # loads model weights: only when running

        return load_recogniser(self.model)


class Processing(dg.ConfigurableResource):
    """Worker processes for cleaning and NER of large batches (0 = one per core)."""

    n_process: int = 0

    @classmethod
    def from_environment(cls) -> Processing:
        return cls(n_process=settings.n_process())
