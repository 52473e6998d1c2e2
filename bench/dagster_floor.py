"""What Dagster alone costs per run: a job shaped like news_pipeline_job whose steps do nothing.

    python bench/dagster_floor.py [RUNS]

The same graph as the pipeline (6 asset steps with 10 assets, a check inside the resolution
step, 8 checks in 2 multi-asset check steps), each body returning at once, executed in
process against a persistent SQLite instance in a temporary DAGSTER_HOME, as `news-pipeline
run` does. Prints one JSON line: the seconds of RUNS runs (default 6) after the instance is
created, and the events each run writes. No rerun of the pipeline can cost less than this.
"""

import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg

RESOLVED = ("mentions", "entities", "cooccurrences", "entity_aliases")


def _noop(key: str) -> dg.MaterializeResult:
    return dg.MaterializeResult(asset_key=key, metadata={"rows": 1})


@dg.asset
def raw_articles() -> dg.MaterializeResult:
    return _noop("raw_articles")


@dg.asset(deps=[raw_articles])
def source_boilerplate() -> dg.MaterializeResult:
    return _noop("source_boilerplate")


@dg.multi_asset(specs=[dg.AssetSpec(key, deps=[source_boilerplate]) for key in ("articles", "rejected")])
def cleaned_articles() -> Iterator[dg.MaterializeResult]:
    yield _noop("articles")
    yield _noop("rejected")


@dg.asset(deps=["articles"])
def ner_spans() -> dg.MaterializeResult:
    return _noop("ner_spans")


@dg.multi_asset(specs=[dg.AssetSpec(key, deps=[ner_spans]) for key in RESOLVED],
                check_specs=[dg.AssetCheckSpec("aliases_consistent", asset="entity_aliases")])
def resolved_entities() -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    yield from map(_noop, RESOLVED)
    yield dg.AssetCheckResult(asset_key="entity_aliases", check_name="aliases_consistent", passed=True)


@dg.asset(deps=["entities"])
def entity_report() -> dg.MaterializeResult:
    return _noop("entity_report")


def _check_step(name: str, checks: list[tuple[str, str]]) -> dg.AssetChecksDefinition:
    @dg.multi_asset_check(name=name, can_subset=True,
                          specs=[dg.AssetCheckSpec(check, asset=asset) for asset, check in checks])
    def run_checks(context: dg.AssetCheckExecutionContext) -> Iterator[dg.AssetCheckResult]:
        for key in context.selected_asset_check_keys:
            yield dg.AssetCheckResult(asset_key=key.asset_key, check_name=key.name, passed=True)

    return run_checks


def main(argv: list[str]) -> int:
    runs = int(argv[0]) if argv else 6
    home = Path(tempfile.mkdtemp(prefix="dagster_floor_")) / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    os.environ["DAGSTER_HOME"] = str(home)
    checks = [_check_step("cleaning_checks", [("source_boilerplate", "share"), ("articles", "text"),
                                              ("articles", "ids"), ("rejected", "errors")]),
              _check_step("resolution_checks", [("mentions", "offsets"), ("mentions", "orphans"),
                                                ("mentions", "unique"), ("entities", "ids")])]
    definitions = dg.Definitions(
        assets=[raw_articles, source_boilerplate, cleaned_articles, ner_spans, resolved_entities,
                entity_report],
        asset_checks=checks, jobs=[dg.define_asset_job("job", selection=dg.AssetSelection.all())])
    job = definitions.resolve_job_def("job")
    with dg.DagsterInstance.get() as instance:
        job.execute_in_process(instance=instance)  # creates the instance's databases
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            result = job.execute_in_process(instance=instance)
            seconds.append(round(time.perf_counter() - started, 3))
        events = len(instance.all_logs(result.run_id))
    print(json.dumps({"runs_s": seconds, "min_s": min(seconds), "events_per_run": events,
                      "dagster": dg.__version__, "dagster_home": str(home)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
