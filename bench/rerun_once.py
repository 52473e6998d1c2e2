"""Add one more benchmark article to an existing benchmark work dir and rerun the job once.

    PYTHONPATH=CODE python bench/rerun_once.py WORK_DIR INDEX [CORPUS_CSV]

WORK_DIR is the --work-dir of an earlier `news-pipeline bench` (its raw/, warehouse and
dagster_home are reused); INDEX is the article to add (N, N+1, ... for a bench of N). Prints
one JSON line: wall and main-process CPU seconds, per-step seconds, CPU and peak RSS of the
main process, and how many articles each stage redid. Running it with the code before and
after a change on two work dirs, back to back, compares reruns under the same load.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from news_pipeline.benchmark.corpus import DEFAULT_CORPUS, load_sources, write_corpus
from news_pipeline.benchmark.run import run_pipeline_process


def main(argv: list[str]) -> int:
    work, index = Path(argv[0]), int(argv[1])
    corpus = Path(argv[2]) if len(argv) > 2 else DEFAULT_CORPUS  # a frozen copy has no ../shared
    write_corpus(work / "raw", index + 1, load_sources(corpus), 0, first=index)
    load = os.getloadavg()
    run = run_pipeline_process(work / "raw", work / "warehouse", work / "dagster_home", "default")
    print(json.dumps({
        "work_dir": str(work), "added": index, "load_before": [round(x, 2) for x in load],
        "run_s": run["run_s"], "run_cpu_main_s": run["run_cpu_main_s"],
        "peak_rss_main_mb": run["peak_rss_self_mb"], "steps_s": run["steps_s"],
        "steps_cpu_main_s": run["steps_cpu_main_s"],
        "steps_peak_rss_main_mb": run["steps_peak_rss_main_mb"],
        "redone": {asset: int(meta.get("new", 0)) + int(meta.get("changed", 0))
                   for asset, meta in run["assets"].items() if "new" in meta}}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
