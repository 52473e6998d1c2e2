"""Where things are: defaults, and the environment variables that override them."""

from __future__ import annotations

import os
from pathlib import Path

RAW_DIR_ENV = "NEWS_PIPELINE_RAW_DIR"
WAREHOUSE_ENV = "NEWS_PIPELINE_WAREHOUSE"
NER_MODEL_ENV = "NEWS_PIPELINE_NER_MODEL"
PROCESSES_ENV = "NEWS_PIPELINE_PROCESSES"


def project_root() -> Path:
    """The checkout for an editable install (defaults live there), else the working directory."""
    checkout = Path(__file__).resolve().parents[1]
    return checkout if (checkout / "pyproject.toml").exists() else Path.cwd()


def raw_dir() -> Path:
    return Path(os.environ.get(RAW_DIR_ENV) or project_root() / "data" / "raw")


def warehouse_dir() -> Path:
    return Path(os.environ.get(WAREHOUSE_ENV) or project_root() / "data" / "warehouse")


def ner_model() -> str:
    return os.environ.get(NER_MODEL_ENV) or "default"


def dagster_home() -> Path:
    return Path(os.environ.get("DAGSTER_HOME") or project_root() / "dagster_home")


def n_process() -> int:
    """Worker processes for large batches; 0 (the default) means one per core."""
    value = os.environ.get(PROCESSES_ENV) or "0"
    if not value.isdigit():
        raise ValueError(f"{PROCESSES_ENV} must be a whole number >= 0, not {value!r}")
    return int(value)
