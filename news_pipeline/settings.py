"""Where things are: defaults, and the environment variables that override them."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal, get_args

RAW_DIR_ENV = "NEWS_PIPELINE_RAW_DIR"
WAREHOUSE_ENV = "NEWS_PIPELINE_WAREHOUSE"
NER_MODEL_ENV = "NEWS_PIPELINE_NER_MODEL"
PROCESSES_ENV = "NEWS_PIPELINE_PROCESSES"
CHUNK_ENV = "NEWS_PIPELINE_COMMIT_EVERY"
ARTICLE_TIMEOUT_ENV = "NEWS_PIPELINE_ARTICLE_TIMEOUT_S"
REPORTS_ENV = "NEWS_PIPELINE_REPORTS_DIR"
CACHE_ENV = "NEWS_PIPELINE_CACHE_DIR"
VACUUM_ENV = "NEWS_PIPELINE_VACUUM_RETENTION_HOURS"
DASK_SCHEDULER_ENV = "NEWS_PIPELINE_DASK_SCHEDULER"
RAW_SCAN_ENV = "NEWS_PIPELINE_RAW_SCAN"
RAW_RECHECK_ENV = "NEWS_PIPELINE_RAW_RECHECK_HOURS"
RAW_RECHECK_HOURS = 24
RawScan = Literal["auto", "files", "folders"]
RAW_SCANS: tuple[RawScan, ...] = get_args(RawScan)
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")  # two letters at least: not "C:\"


def is_url(location: object) -> bool:
    """A location with a scheme (s3://, gs://, file://): delta-rs reads it through object storage."""
    return isinstance(location, str) and bool(_URL.match(location))


def project_root() -> Path:
    """The checkout for an editable install (defaults live there), else the working directory."""
    checkout = Path(__file__).resolve().parents[1]
    return checkout if (checkout / "pyproject.toml").exists() else Path.cwd()


def raw_dir() -> Path:
    return Path(os.environ.get(RAW_DIR_ENV) or project_root() / "data" / "raw")


def warehouse_dir() -> Path | str:
    """A local folder, or a URL delta-rs understands (s3://bucket/news, file:///data/wh), kept as
    text: Path() would turn "s3://bucket" into "s3:/bucket"."""
    value = os.environ.get(WAREHOUSE_ENV)
    if value and is_url(value):
        return value
    return Path(value or project_root() / "data" / "warehouse")


def reports_dir(warehouse: str | Path) -> Path:
    """The local folder chart files go to: $NEWS_PIPELINE_REPORTS_DIR, else beside a local
    warehouse (data/warehouse -> data/reports), else data/reports in the checkout for a
    warehouse at a URL (never the URL's path: s3://bucket/news is no local folder)."""
    if os.environ.get(REPORTS_ENV):
        return Path(os.environ[REPORTS_ENV])
    if is_url(str(warehouse)):
        return project_root() / "data" / "reports"
    return Path(warehouse).parent / "reports"


def cache_dir() -> Path:
    """Where data derived from installed packages is kept between runs (the GeoNames city
    index): $NEWS_PIPELINE_CACHE_DIR, else $XDG_CACHE_HOME/news_pipeline, else
    ~/.cache/news_pipeline. Safe to delete: it is rebuilt when missing."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "news_pipeline"


def ner_model() -> str:
    return os.environ.get(NER_MODEL_ENV) or "default"


def dagster_home() -> Path:
    return Path(os.environ.get("DAGSTER_HOME") or project_root() / "dagster_home")


def _whole_number(variable: str, default: int, minimum: int) -> int:
    value = os.environ.get(variable) or str(default)
    if not value.isdigit() or int(value) < minimum:
        raise ValueError(f"{variable} must be a whole number >= {minimum}, not {value!r}")
    return int(value)


def n_process() -> int:
    """Worker processes for large batches; 0 (the default) means one per core."""
    return _whole_number(PROCESSES_ENV, 0, 0)


def dask_scheduler() -> str | None:
    """The Dask scheduler (tcp://host:port) that per-article work goes to; None: local
    worker processes."""
    return os.environ.get(DASK_SCHEDULER_ENV) or None


def commit_every() -> int:
    """Articles per commit in the cleaning and NER steps: the work a killed run can lose."""
    return _whole_number(CHUNK_ENV, 2000, 1)


def article_timeout_s() -> int:
    """Seconds one article may take to clean before it is rejected as `timeout`."""
    return _whole_number(ARTICLE_TIMEOUT_ENV, 30, 1)


def vacuum_retention_hours() -> int:
    """Hours a file no longer referenced by a table's newest version is kept before a
    successful run (locally) or the maintenance job deletes it; 0 (the default) deletes it
    at the end of the run, so that a table folder holds exactly its newest version."""
    return _whole_number(VACUUM_ENV, 0, 0)


def raw_scan() -> RawScan:
    """How a run reads the raw folder: "files" stats every file; "folders" lists only the
    folders whose entries changed, and the files of each other folder once per re-check
    period (docs/scaling.md); "auto" (the default) is "files" below 100,000 files, "folders"
    from there on."""
    value = os.environ.get(RAW_SCAN_ENV) or "auto"
    for scan in RAW_SCANS:
        if value == scan:
            return scan
    raise ValueError(f"{RAW_SCAN_ENV} must be one of {', '.join(RAW_SCANS)}, not {value!r}")


def raw_recheck_hours() -> int:
    """Hours after which a scan trusting folders stats the files of an unchanged folder again
    (a file rewritten in place leaves its folder as it was): each folder within this period,
    the folders spread over its second half."""
    return _whole_number(RAW_RECHECK_ENV, RAW_RECHECK_HOURS, 1)
