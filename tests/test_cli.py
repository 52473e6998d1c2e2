"""The news-pipeline command: JSON tools, a recorded run, and one-line errors."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from news_pipeline.cli import build_parser, main
from news_pipeline.definitions import defs

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "raw" / "002_bedeccd0ddf3dfac.txt"


def test_clean_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(SAMPLE)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document) >= {"title", "published_at", "source", "language", "text"}
    assert "Kreml-Chef Wladimir Putin" in document["text"]


def test_entities_prints_mentions(capsys: pytest.CaptureFixture[str], tiny_model: str) -> None:
    assert main(["entities", str(SAMPLE), "--model", tiny_model]) == 0
    mentions = json.loads(capsys.readouterr().out)["mentions"]
    assert any(m["text"] == "Nordkorea" and m["label"] == "LOC" for m in mentions)
    assert all({"start", "end", "sentence_index"} <= set(m) for m in mentions)


def test_eval_clean_passes_the_split_and_prints_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from news_pipeline.clean import evaluate

    calls: list[tuple[Path, str]] = []

    def fake_evaluate(directory: Path, split: str = "all") -> dict[str, object]:
        calls.append((directory, split))
        return {"text": {"f1": 0.5}, "pages": 1}

    monkeypatch.setattr(evaluate, "evaluate_directory", fake_evaluate)
    assert main(["eval-clean", str(tmp_path), "--split", "held_out"]) == 0
    assert calls == [(tmp_path, "held_out")]
    assert json.loads(capsys.readouterr().out)["pages"] == 1



def test_bench_takes_its_options_after_the_subcommand(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """`news-pipeline bench --articles N ...` is the documented form (an argparse REMAINDER
    positional rejected options there)."""
    from news_pipeline.benchmark import run

    calls: list[tuple] = []

    def fake_benchmark(*args: object) -> dict[str, object]:
        calls.append(args)
        raise run.CorpusMissing("no corpus here")

    monkeypatch.setattr(run, "run_benchmark", fake_benchmark)
    assert main(["bench", "--articles", "7", "--work-dir", str(tmp_path), "--seed", "3"]) == 2
    assert calls[0][0] == 7 and calls[0][1] == tmp_path and calls[0][4] == 3
    assert "no corpus here" in capsys.readouterr().err

def test_the_benchmark_is_imported_only_for_bench() -> None:
    """The other commands do not pay for importing it; `bench` gets the benchmark's own options."""
    probe = ("import sys; from news_pipeline.cli import build_parser; "
             "build_parser().parse_args(['clean', 'x.txt']); "
             "print(any(m.startswith('news_pipeline.benchmark') for m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
    from news_pipeline.benchmark.run import add_arguments

    own = argparse.ArgumentParser()
    add_arguments(own)
    bench = build_parser().parse_args(["bench", "--articles", "5", "--profile"])
    assert {k: v for k, v in vars(bench).items() if k not in ("verbose", "command", "handler")} == vars(
        own.parse_args(["--articles", "5", "--profile"]))


def test_run_records_in_dagster_home_and_reruns_incrementally(
        raw_dir: Path, warehouse_dir: Path, tmp_path: Path, tiny_model: str,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.setenv("NEWS_PIPELINE_RAW_DIR", str(raw_dir))
    monkeypatch.setenv("NEWS_PIPELINE_WAREHOUSE", str(warehouse_dir))
    assert main(["run", "--model", tiny_model]) == 0
    first = capsys.readouterr().out
    assert "SUCCESS" in first and "new 5" in first
    assert main(["run", "--model", tiny_model]) == 0
    second = capsys.readouterr().out
    assert "new 0, changed 0, unchanged 5" in second
    with dg.DagsterInstance.get() as instance:  # each run: the pipeline's job, then the report's
        assert sorted(run.job_name for run in instance.get_runs()) == [
            "entity_report_job", "entity_report_job", "news_pipeline_job", "news_pipeline_job"]


def test_missing_raw_folder_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    code = main(["run", "--raw-dir", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "wh")])
    error = capsys.readouterr().err.strip()
    assert code == 2
    assert len(error.splitlines()) == 1 and "NEWS_PIPELINE_RAW_DIR" in error


def test_foreign_warehouse_folder_is_a_one_line_error(raw_dir: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    (tmp_path / "wh").mkdir()
    (tmp_path / "wh" / "thesis.docx").write_bytes(b"someone's work")
    code = main(["run", "--raw-dir", str(raw_dir), "--warehouse", str(tmp_path / "wh")])
    assert code == 2
    assert "not a news_pipeline warehouse" in capsys.readouterr().err
    assert (tmp_path / "wh" / "thesis.docx").exists()


def test_unwritable_warehouse_path_is_a_one_line_error(raw_dir: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    (tmp_path / "a_file").write_text("not a folder")
    code = main(["run", "--raw-dir", str(raw_dir), "--warehouse", str(tmp_path / "a_file" / "wh")])
    error = capsys.readouterr().err.strip()
    assert code == 2
    assert len(error.splitlines()) == 1
    assert "cannot create warehouse folder" in error and "NEWS_PIPELINE_WAREHOUSE" in error


@pytest.fixture
def built_warehouse(raw_dir: Path, warehouse_dir: Path, tmp_path: Path, tiny_model: str,
                    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NEWS_PIPELINE_RAW_DIR", str(raw_dir))
    monkeypatch.setenv("NEWS_PIPELINE_WAREHOUSE", str(warehouse_dir))
    assert main(["run", "--model", tiny_model]) == 0
    capsys.readouterr()
    return warehouse_dir


def _data_file(table: Path) -> Path:
    return sorted(table.rglob("*.parquet"))[0]


def test_foreign_parquet_file_in_a_table_is_ignored_and_vacuumed(
        built_warehouse: Path, tiny_model: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Not in the Delta log, so not part of the table; the vacuum after a run removes it, so
    that pandas reading the folder reads the table alone."""
    foreign = built_warehouse / "mentions" / "part-999.parquet"
    pd.DataFrame({"price": [1.5], "ticker": ["ACME"]}).to_parquet(foreign)
    assert main(["run", "--model", tiny_model]) == 0
    n_checks = len(defs.resolve_asset_graph().asset_check_keys)
    assert f"checks: {n_checks}/{n_checks} passed" in capsys.readouterr().out
    assert not foreign.exists()
    assert list(pd.read_parquet(built_warehouse / "mentions").columns)[:2] == ["article_id", "entity_id"]


def test_failure_inside_a_step_is_summarised_by_its_root_cause(
        built_warehouse: Path, tiny_model: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # A damaged data file: the step reading it fails; the summary shows why and the fix.
    victim = _data_file(built_warehouse / "articles")
    victim.write_bytes(b"garbage")
    assert main(["run", "--model", tiny_model]) == 1
    summary = capsys.readouterr().out
    error_line = next(line for line in summary.splitlines() if line.strip().startswith("error:"))
    assert "cannot read table 'articles'" in error_line
    assert "delete" in error_line and "rerun" in error_line
