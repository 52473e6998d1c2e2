"""What the worker processes of a run import: the forkserver preloads it once for all of them."""

from __future__ import annotations

import subprocess
import sys

from news_pipeline import parallel
from news_pipeline.stages import cleaning, per_file, recognition  # noqa: F401  (registrations)


def test_the_per_file_work_is_preloaded_for_every_worker() -> None:
    assert "news_pipeline.stages.per_file" in parallel._worker_modules
    assert "news_pipeline.ner.hybrid" in parallel._worker_modules
    assert "news_pipeline.stages.cleaning" not in parallel._worker_modules


def test_the_per_file_work_needs_neither_pandas_nor_dagster() -> None:
    """Each worker of the boilerplate, cleaning and NER pools carries what the forkserver
    imported: pandas and pyarrow there would cost ~80 MB of RSS per worker."""
    probe = ("import sys, news_pipeline.stages.per_file; "
             "print(sorted(m for m in ('pandas', 'pyarrow', 'dagster') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
