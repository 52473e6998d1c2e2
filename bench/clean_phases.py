"""CPU per article of the cleaner's phases, over the raw files of a benchmark work dir.

    PYTHONPATH=CODE python bench/clean_phases.py WORK_DIR [N]

WORK_DIR is the --work-dir of an earlier `news-pipeline bench` (its warehouse holds the
inventory and the learnt boilerplate); N articles (default 3,000) are cleaned one after the
other in this process, as a cleaning worker does. Each phase is timed with process_time by
wrapping the function the cleaner calls; nested phases are not subtracted from each other.
Prints one line per phase: ms per article and share of the total.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import news_pipeline.clean.cleaner as cleaner
import news_pipeline.stages.per_file as per_file
from news_pipeline.stages.boilerplate import load_model
from news_pipeline.warehouse import Warehouse, records

CLEANER_PHASES = ("fix_text", "markup_to_text", "to_lines", "article_source", "decide_by_rules",
                  "line_features", "lead_paragraph", "read_header", "_dedup", "strip_title",
                  "find_source", "detect_language")
FILE_PHASES = ("read_capped", "decode_article")


def timed(module: ModuleType, name: str, spent: dict[str, float]) -> None:
    function: Callable = getattr(module, name)

    def wrapper(*args: object, **kwargs: object) -> object:
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] += time.process_time() - started

    setattr(module, name, wrapper)


def main(argv: list[str]) -> int:
    work, n = Path(argv[0]), int(argv[1]) if len(argv) > 1 else 3000
    warehouse = Warehouse(work / "warehouse")
    boilerplate = load_model(warehouse)
    rows = records(warehouse.read("_inventory").head(n))
    spent: dict[str, float] = defaultdict(float)
    for name in CLEANER_PHASES:
        timed(cleaner, name, spent)
    for name in FILE_PHASES:
        timed(per_file, name, spent)
    for row in rows[:50]:  # warm the per-line caches and the line model
        per_file.clean_row((work / "raw", row), boilerplate)
    spent.clear()
    started = time.process_time()
    for row in rows:
        per_file.clean_row((work / "raw", row), boilerplate)
    total = time.process_time() - started
    print(f"{len(rows)} articles: {1000 * total / len(rows):.3f} ms per article")
    for name, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"  {name:<16} {1000 * seconds / len(rows):.3f} ms  {seconds / total:4.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
