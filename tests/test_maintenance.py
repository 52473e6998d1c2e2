"""The weekly maintenance job: compaction and vacuum leave the same rows in fewer files."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pandas as pd

from news_pipeline.definitions import build_definitions
from news_pipeline.resources import NerModel, PipelinePaths, Processing
from news_pipeline.warehouse import Warehouse

NEW = "Neue Meldung\n\nWladimir Putin traf Kim Jong Un in Pjöngjang. Die NATO schwieg dazu.\n"


def _metadata(result: dg.ExecuteInProcessResult, step: str) -> dict[str, object]:
    [event] = [e for e in result.all_events
               if e.step_key == step and e.event_type == dg.DagsterEventType.STEP_OUTPUT]
    return {k: v.value for k, v in event.event_specific_data.metadata.items()}


def test_maintenance_compacts_and_vacuums_without_changing_rows(raw_dir: Path, warehouse_dir: Path,
                                                                tiny_model: str) -> None:
    definitions = build_definitions(PipelinePaths(raw_dir=str(raw_dir), warehouse_dir=str(warehouse_dir)),
                                    NerModel(model=tiny_model), Processing(n_process=1))
    instance = dg.DagsterInstance.ephemeral()
    for number in range(3):  # three runs, each appending files
        (raw_dir / f"new_{number}.txt").write_text(NEW.replace("Neue", f"Neue {number}."), encoding="utf-8")
        assert definitions.resolve_job_def("news_pipeline_job").execute_in_process(instance=instance).success
    warehouse = Warehouse(warehouse_dir)
    before = {table: warehouse.read(table) for table in ("articles", "mentions", "_spans")}
    result = definitions.resolve_job_def("warehouse_maintenance_job").execute_in_process(
        instance=instance, run_config={"ops": {"vacuum_tables": {"config": {"retention_hours": 0}}}})
    assert result.success
    compacted = _metadata(result, "compact_tables")
    assert compacted["files_after"] < compacted["files_before"]
    assert _metadata(result, "vacuum_tables")["files_deleted"] >= 1
    for table, rows in before.items():
        key = ["article_id", "start"] if table != "articles" else ["article_id"]
        after = warehouse.read(table).sort_values(key).reset_index(drop=True)
        pd.testing.assert_frame_equal(after, rows.sort_values(key).reset_index(drop=True))
        assert len(pd.read_parquet(warehouse_dir / table)) == len(rows)  # only live files remain
