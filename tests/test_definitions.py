"""The code location loads, and the schedule and sensor behave."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from news_pipeline import settings
from news_pipeline.automation import daily_schedule, raw_folder_sensor
from news_pipeline.definitions import build_definitions, defs
from news_pipeline.resources import PipelinePaths
from news_pipeline.stages import ingest


def test_definitions_load_with_assets_checks_schedule_and_sensor() -> None:
    keys = {key.to_user_string() for key in defs.resolve_all_asset_keys()}
    assert {"raw_articles", "articles", "rejected", "ner_spans", "mentions", "entities",
            "cooccurrences"} <= keys
    assert defs.resolve_job_def("news_pipeline_job") is not None
    assert defs.resolve_schedule_def("daily_news_pipeline").cron_schedule == "0 6 * * *"
    assert defs.resolve_sensor_def("raw_folder_sensor") is not None
    checks = defs.resolve_asset_graph().asset_check_keys
    assert {"mention_offsets_match_text", "no_orphan_mentions", "articles_have_text",
            "entity_ids_unique", "article_ids_unique", "boilerplate_share_is_sane"} <= {
        c.name for c in checks}


def test_every_asset_declares_a_code_version() -> None:
    for spec in defs.resolve_all_asset_specs():
        assert spec.code_version, spec.key


def test_environment_variables_choose_the_folders(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEWS_PIPELINE_RAW_DIR", str(tmp_path / "in"))
    monkeypatch.setenv("NEWS_PIPELINE_WAREHOUSE", str(tmp_path / "out"))
    paths = PipelinePaths.from_environment()
    assert (paths.raw_dir, paths.warehouse_dir) == (str(tmp_path / "in"), str(tmp_path / "out"))


def test_schedule_requests_the_whole_job() -> None:
    context = dg.build_schedule_context()
    [request] = list(daily_schedule.evaluate_tick(context).run_requests or [])
    assert request is not None


def _evaluate_sensor(paths: PipelinePaths, cursor: str | None) -> dg.SensorResult | dg.SkipReason:
    context = dg.build_sensor_context(cursor=cursor, resources={"paths": paths},
                                      definitions=build_definitions(paths))
    return raw_folder_sensor(context)


def test_sensor_requests_a_run_for_new_or_changed_files_only(raw_dir: Path, tmp_path: Path) -> None:
    paths = PipelinePaths(raw_dir=str(raw_dir), warehouse_dir=str(tmp_path / "wh"))
    first = _evaluate_sensor(paths, None)
    assert isinstance(first, dg.SensorResult) and len(first.run_requests) == 1
    assert isinstance(_evaluate_sensor(paths, first.cursor), dg.SkipReason)
    (raw_dir / "another.txt").write_text("Titel\n\nEin neuer Artikel über Berlin und Hamburg.")
    again = _evaluate_sensor(paths, first.cursor)
    assert isinstance(again, dg.SensorResult) and again.cursor != first.cursor


def test_sensor_skips_with_reason_when_raw_folder_is_missing(tmp_path: Path) -> None:
    paths = PipelinePaths(raw_dir=str(tmp_path / "missing"), warehouse_dir=str(tmp_path / "wh"))
    result = _evaluate_sensor(paths, None)
    assert isinstance(result, dg.SkipReason) and "does not exist" in str(result.skip_message)


def test_sensor_trusting_folders_watches_folder_mtimes(raw_dir: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(settings.RAW_SCAN_ENV, "folders")
    paths = PipelinePaths(raw_dir=str(raw_dir), warehouse_dir=str(tmp_path / "wh"))
    (raw_dir / "2026" / "12").mkdir(parents=True)
    first = _evaluate_sensor(paths, None)
    assert isinstance(first, dg.SensorResult)
    assert isinstance(_evaluate_sensor(paths, first.cursor), dg.SkipReason)
    (raw_dir / "2026" / "12" / "neu.txt").write_text("Titel\n\nEin neuer Artikel über Berlin.")
    again = _evaluate_sensor(paths, first.cursor)
    assert isinstance(again, dg.SensorResult) and again.cursor != first.cursor


def test_sensor_with_auto_watches_folders_once_the_raw_folder_is_large(
        raw_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Then, as the scan, it sees a file rewritten in place only at its folder's re-check."""
    paths = PipelinePaths(raw_dir=str(raw_dir), warehouse_dir=str(tmp_path / "wh"))
    article = next(raw_dir.glob("*.txt"))
    small = _evaluate_sensor(paths, None)
    article.write_text(article.read_text(encoding="utf-8") + "\nNachtrag.", encoding="utf-8")
    assert isinstance(_evaluate_sensor(paths, small.cursor), dg.SensorResult)

    monkeypatch.setattr(ingest, "AUTO_FOLDERS_FROM", 1)
    ingest.scan_raw_folder(paths.warehouse(), raw_dir, "auto")
    large = _evaluate_sensor(paths, None)
    article.write_text(article.read_text(encoding="utf-8") + "\nNoch ein Nachtrag.", encoding="utf-8")
    assert isinstance(_evaluate_sensor(paths, large.cursor), dg.SkipReason)
