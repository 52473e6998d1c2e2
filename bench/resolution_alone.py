"""The resolution stage alone on a copy of a benchmark's warehouse, as a first run meets it.

    PYTHONPATH=CODE python bench/resolution_alone.py WORK_DIR [BATCH_ARTICLES]

Copies the current snapshot of WORK_DIR/warehouse (an earlier `news-pipeline bench` work
dir) into a temporary folder without the tables the resolution stage writes, so that every
article is resolved, then runs resolve_all with the given batch size (default: the
stage's BATCH_ARTICLES). Prints wall and CPU seconds and the process's RSS before and at its
peak (child.RssSampler's samples, every 50 ms).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import news_pipeline.resolve.gazetteer  # noqa: F401  (imported before the RSS baseline)
import news_pipeline.stages.resolution as resolution
from news_pipeline.benchmark.child import RssSampler
from news_pipeline.warehouse import Warehouse

WRITTEN = ("_resolve_runs", "_resolved_spans", "_resolve_forms", "_acronym_candidates",
           "mentions", "entities", "cooccurrences", "entity_aliases")


def main(argv: list[str]) -> int:
    source = (Path(argv[0]) / "warehouse").resolve()
    if len(argv) > 1:
        resolution.BATCH_ARTICLES = int(argv[1])
    with tempfile.TemporaryDirectory() as scratch:
        snapshot = Path(scratch) / ".warehouse.snapshots" / "000000001"
        shutil.copytree(source, snapshot, ignore=lambda folder, names:
                        [n for n in names if folder == str(source) and n in WRITTEN])
        (Path(scratch) / "warehouse").symlink_to(snapshot.relative_to(scratch))
        sampler = RssSampler()
        sampler.start()
        started, cpu = time.perf_counter(), time.process_time()
        report = resolution.resolve_all(Warehouse(Path(scratch) / "warehouse"))
        wall_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu
        samples = sampler.stop()
        print(f"BATCH_ARTICLES {resolution.BATCH_ARTICLES}: {report.new} articles, "
              f"wall {wall_s:.2f} s, CPU {cpu_s:.2f} s, RSS {samples[0][1] / 1024:.0f} MB "
              f"before, {max(kib for _, kib, _ in samples) / 1024:.0f} MB at the peak")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
