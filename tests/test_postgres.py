"""The pipeline against a real PostgreSQL server, through deploy/dagster-postgres.yaml.

Server settings come from the DAGSTER_PG_* environment variables, else from the file that
.ci/install-postgres.sh writes (build/ci/postgres.env, or $NEWS_PIPELINE_PG_ENV_FILE). Without a
reachable server the test skips and says how to get one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from news_pipeline.runner import run_pipeline

pytestmark = pytest.mark.postgres

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "deploy" / "dagster-postgres.yaml"
ENV_FILE = Path(os.environ.get("NEWS_PIPELINE_PG_ENV_FILE") or REPO / "build" / "ci" / "postgres.env")
KEYS = ("DAGSTER_PG_USERNAME", "DAGSTER_PG_PASSWORD", "DAGSTER_PG_HOST", "DAGSTER_PG_DB", "DAGSTER_PG_PORT")
HOW = "run .ci/install-postgres.sh (as root) or set " + ", ".join(KEYS)


def connection_settings() -> dict[str, str] | None:
    """DAGSTER_PG_* from the environment if all are set, else from the installer's file."""
    if all(os.environ.get(key) for key in KEYS):
        return {key: os.environ[key] for key in KEYS}
    if not ENV_FILE.is_file():
        return None
    settings = {}
    for line in ENV_FILE.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() in KEYS:
            settings[key.strip()] = value.strip()
    return settings if all(settings.get(key) for key in KEYS) else None


def _connect(settings: dict[str, str]):  # -> psycopg2 connection
    psycopg2 = pytest.importorskip(
        "psycopg2", reason="dagster-postgres is not installed: pip install 'news_pipeline[postgres]'")
    pytest.importorskip("dagster_postgres",
                        reason="dagster-postgres is not installed: pip install 'news_pipeline[postgres]'")
    try:
        return psycopg2.connect(user=settings["DAGSTER_PG_USERNAME"],
                                password=settings["DAGSTER_PG_PASSWORD"],
                                host=settings["DAGSTER_PG_HOST"], port=int(settings["DAGSTER_PG_PORT"]),
                                dbname=settings["DAGSTER_PG_DB"], connect_timeout=3)
    except psycopg2.OperationalError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        pytest.skip(f"PostgreSQL at {settings['DAGSTER_PG_HOST']}:{settings['DAGSTER_PG_PORT']} "
                    f"not reachable ({first_line}); {HOW}")


@pytest.fixture
def pg_settings() -> Iterator[dict[str, str]]:
    settings = connection_settings()
    if settings is None:
        pytest.skip(f"no PostgreSQL server configured (no DAGSTER_PG_* variables, no {ENV_FILE}); {HOW}")
    _connect(settings).close()
    yield settings


@pytest.fixture
def pg_instance(pg_settings: dict[str, str], tmp_path: Path,
                monkeypatch: pytest.MonkeyPatch) -> Iterator[dg.DagsterInstance]:
    """A Dagster instance whose dagster.yaml is exactly the shipped deploy example."""
    for key, value in pg_settings.items():
        monkeypatch.setenv(key, value)
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(CONFIG, home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        yield instance


def test_pipeline_run_and_materialisations_are_stored_in_postgres(
        pg_instance: dg.DagsterInstance, pg_settings: dict[str, str], raw_dir: Path,
        warehouse_dir: Path, tiny_model: str) -> None:
    from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

    assert isinstance(pg_instance.run_storage, PostgresRunStorage)
    assert isinstance(pg_instance.event_log_storage, PostgresEventLogStorage)
    assert isinstance(pg_instance.schedule_storage, PostgresScheduleStorage)

    summary = run_pipeline(raw_dir=raw_dir, warehouse_dir=warehouse_dir, ner_model=tiny_model,
                           instance=pg_instance)
    assert summary.success, summary.error

    run = pg_instance.get_run_by_id(summary.run_id)
    assert run is not None and run.status == dg.DagsterRunStatus.SUCCESS
    stored = pg_instance.fetch_materializations(dg.AssetKey("articles"), limit=50).records
    assert summary.run_id in {record.run_id for record in stored}

    # The same facts straight from PostgreSQL, not through Dagster's storage classes.
    connection = _connect(pg_settings)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT status FROM runs WHERE run_id = %s", (summary.run_id,))
            assert cursor.fetchall() == [("SUCCESS",)]
            cursor.execute("SELECT DISTINCT asset_key FROM event_logs WHERE run_id = %s "
                           "AND dagster_event_type = 'ASSET_MATERIALIZATION'", (summary.run_id,))
            materialised = {row[0] for row in cursor.fetchall()}
    finally:
        connection.close()
    expected = {dg.AssetKey(name).to_string() for name in
                ("raw_articles", "articles", "rejected", "ner_spans", "mentions", "entities",
                 "cooccurrences")}
    assert expected <= materialised, expected - materialised
