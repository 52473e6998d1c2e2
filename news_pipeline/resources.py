"""Dagster resources: where the data lives and which recogniser runs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
from pydantic import PrivateAttr

from news_pipeline import settings
from news_pipeline.ner import known_identity
from news_pipeline.parallel import WarmRecogniser, start_warm_recogniser
from news_pipeline.warehouse import Warehouse

if TYPE_CHECKING:  # distributed is an optional extra, imported only with a scheduler configured
    from news_pipeline.cluster import Cluster

# The Dagster concurrency pool of every step that writes the warehouse. The instance's
# dagster.yaml limits pools to one step at a time (`concurrency: pools: default_limit: 1`, as
# news-pipeline writes it and deploy/ ships it), so that runs started at once take turns
# on the warehouse instead of committing the same work twice.
WAREHOUSE_POOL = "news_pipeline_warehouse"


class PipelinePaths(dg.ConfigurableResource):
    """Raw input folder, Delta Lake warehouse and charts folder (defaults: data/raw,
    data/warehouse, data/reports).

    `warehouse_dir` is a local folder or a URL (s3://bucket/news, file:///srv/wh; see
    docs/scaling.md): keep it a string, Path() would fold "s3://" into "s3:/".
    `reports_dir` is always a local folder; unset, settings.reports_dir chooses it.
    """

    raw_dir: str
    warehouse_dir: str
    reports_dir: str | None = None

    @classmethod
    def from_environment(cls) -> PipelinePaths:
        warehouse = settings.warehouse_dir()
        return cls(raw_dir=str(settings.raw_dir()), warehouse_dir=str(warehouse),
                   reports_dir=str(settings.reports_dir(warehouse)))

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir)

    @property
    def reports_path(self) -> Path:
        return Path(self.reports_dir) if self.reports_dir else settings.reports_dir(self.warehouse_dir)

    def warehouse(self) -> Warehouse:
        return Warehouse(self.warehouse_dir)


class NerModel(dg.ConfigurableResource):
    """Which recogniser to run: "default" (shipped), "spacy:<name or path>", "hf:<directory>".

    `warm_start`: when a run starts, one worker process begins loading the shipped model on
    another core, so that the NER step finds it ready (a small rerun then loads no model
    itself). Off where NEWS_PIPELINE_PROCESSES=1 asks for one process, and where a Dask
    cluster does the work.
    """

    model: str = "default"
    warm_start: bool = True
    _warm: WarmRecogniser | None = PrivateAttr(default=None)

    @classmethod
    def from_environment(cls, model: str | None = None) -> NerModel:
        return cls(model=model or settings.ner_model(),
                   warm_start=settings.n_process() != 1 and settings.dask_scheduler() is None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # Only the shipped model: other backends' versions are known after loading them.
        identity = known_identity(self.model)
        if self.warm_start and identity is not None:
            self._warm = start_warm_recogniser(self.model, identity[1])

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        self.release_warm()

    def warm(self) -> WarmRecogniser | None:
        return self._warm

    def release_warm(self) -> None:
        """Stop the warm worker: the steps after NER need its memory more."""
        if self._warm is not None:
            self._warm.close()
            self._warm = None


class Processing(dg.ConfigurableResource):
    """Where the per-article work (reading lines, cleaning, NER) runs: `n_process` local
    worker processes for large batches (0 = one per core), or, with `dask_scheduler`
    (tcp://host:port), every batch on that Dask cluster (docs/scaling.md).

    The client connects when a step first needs it and closes when the run ends, however it
    ends: its queued tasks go with it.
    """

    n_process: int = 0
    dask_scheduler: str | None = None
    _cluster: Cluster | None = PrivateAttr(default=None)

    @classmethod
    def from_environment(cls) -> Processing:
        return cls(n_process=settings.n_process(), dask_scheduler=settings.dask_scheduler())

    def cluster(self) -> Cluster | None:
        """The connected cluster, or None for local processes."""
        if self.dask_scheduler and self._cluster is None:
            try:
                from news_pipeline.cluster import connect
            except ModuleNotFoundError as missing:
                raise RuntimeError(f"a Dask scheduler is configured but {missing.name} is not "
                                   "installed: pip install 'news_pipeline[cluster]'") from None
            self._cluster = connect(self.dask_scheduler)
        return self._cluster

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
