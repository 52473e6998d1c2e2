"""The project works with Dagster's `dg` CLI: `dg check defs` and `dg list defs` load it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from news_pipeline.definitions import defs

REPO = Path(__file__).resolve().parents[1]
DG = Path(sys.executable).with_name("dg")


def run_dg(*arguments: str, home: Path) -> subprocess.CompletedProcess[str]:
    # VIRTUAL_ENV: dg warns when the active environment is not the project's .venv.
    env = {**os.environ, "DAGSTER_HOME": str(home), "VIRTUAL_ENV": sys.prefix}
    return subprocess.run([str(DG), *arguments], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300)


def test_dg_check_defs(tmp_path: Path) -> None:
    done = run_dg("check", "defs", home=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All definitions loaded successfully" in done.stdout + done.stderr


def test_dg_list_defs_lists_the_pipeline(tmp_path: Path) -> None:
    done = run_dg("list", "defs", "--json", home=tmp_path)
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    assert {asset["asset_key"] for asset in listed["assets"]} == {
        key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert sorted(job["name"] for job in listed["jobs"]) == [
        "entity_report_job", "news_pipeline_job", "warehouse_maintenance_job"]
    assert sorted(schedule["name"] for schedule in listed["schedules"]) == [
        "daily_news_pipeline", "weekly_warehouse_maintenance"]
    # Dagster's own sensor evaluates the report's automation condition.
    assert sorted(sensor["name"] for sensor in listed["sensors"]) == [
        "default_automation_condition_sensor", "raw_folder_sensor"]
