"""Parallel training runs over config variants (corpora, feature groups, CRF
regularisation): the ablation table and tuning, all scored on the GermEval dev part.

    python -m news_pipeline.ner.sweep prepare DATA_DIR FOLDER   # corpora + lexicon -> FOLDER
    python -m news_pipeline.ner.sweep run FOLDER OUT.json [--jobs N]

`prepare` needs spaCy and the lexicon packages; `run` only needs python-crfsuite, so it can
run on a bare machine with many cores.
"""

from __future__ import annotations

import argparse
import json
import logging
import pickle
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from news_pipeline.ner.data import load_corpora
from news_pipeline.ner.lexicon import build_lexicon, load_lexicon, save_lexicon

log = logging.getLogger(__name__)

ALL_CORPORA = ["germeval_dev", "smartdata", "europeana", "legal"]
MAIN = ["germeval_dev", "smartdata", "europeana"]
GROUPS = ["ortho", "gaz", "keywords", "doc"]

VARIANTS: dict[str, dict] = {
    # corpora
    "germeval_only": {"corpora": ["germeval_dev"]},
    "germeval+smartdata": {"corpora": ["germeval_dev", "smartdata"]},
    "germeval+europeana": {"corpora": ["germeval_dev", "europeana"]},
    "main": {"corpora": MAIN},
    "main+legal": {"corpora": ALL_CORPORA},
    # ablation of feature groups (main corpora)
    "main-ortho": {"corpora": MAIN, "feature_groups": [g for g in GROUPS if g != "ortho"]},
    "main-gaz": {"corpora": MAIN, "feature_groups": [g for g in GROUPS if g != "gaz"]},
    "main-keywords": {"corpora": MAIN, "feature_groups": [g for g in GROUPS if g != "keywords"]},
    "main-doc": {"corpora": MAIN, "feature_groups": [g for g in GROUPS if g != "doc"]},
    "main-base_only": {"corpora": MAIN, "feature_groups": []},
    # regularisation
    "main_c1_0.2": {"corpora": MAIN, "crf": {"c1": 0.2, "c2": 0.01, "max_iterations": 150}},
    "main_c1_0.01_c2_0.1": {"corpora": MAIN,
                            "crf": {"c1": 0.01, "c2": 0.1, "max_iterations": 150}},
    "main_c1_0.1_c2_0.05_it300": {"corpora": MAIN,
                                  "crf": {"c1": 0.1, "c2": 0.05, "max_iterations": 300}},
    "germeval_only_c1_0.2": {"corpora": ["germeval_dev"],
                             "crf": {"c1": 0.2, "c2": 0.01, "max_iterations": 150}},
}

# Second round: the dev part is small (683 spans), so each ablation is repeated over three
# dev splits and averaged; regularisation fixed to the best of the first round.
BEST_CRF = {"c1": 0.01, "c2": 0.1, "max_iterations": 150}
SEEDS = (13, 21, 42)
ABLATION = {
    "all": GROUPS,
    "-ortho": [g for g in GROUPS if g != "ortho"],
    "-gaz": [g for g in GROUPS if g != "gaz"],
    "-keywords": [g for g in GROUPS if g != "keywords"],
    "-doc": [g for g in GROUPS if g != "doc"],
    "base_only": [],
}
SEEDED: dict[str, dict] = {
    f"main{name}@{seed}": {"corpora": MAIN, "feature_groups": groups, "crf": BEST_CRF,
                           "split_seed": seed}
    for name, groups in ABLATION.items() for seed in SEEDS
}
SEEDED.update({f"germeval_only@{seed}": {"corpora": ["germeval_dev"], "crf": BEST_CRF,
                                         "split_seed": seed} for seed in SEEDS})

# Third round: the shipped configuration (train_config.json: GermEval only, org back-off),
# ablated group by group over the same three dev splits.
FINAL: dict[str, dict] = {
    f"final{name}@{seed}": {"feature_groups": groups, "split_seed": seed}
    for name, groups in ABLATION.items() for seed in SEEDS
}


def prepare(data_dir: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    corpora = load_corpora(data_dir, ALL_CORPORA)
    with open(folder / "corpora.pkl", "wb") as handle:
        pickle.dump(corpora, handle)
    save_lexicon(build_lexicon(), folder / "lexicon")


def _one(args: tuple[str, dict, str]) -> tuple[str, dict]:
    from news_pipeline.ner.train import train_model

    name, overrides, folder = args
    with open(Path(folder) / "corpora.pkl", "rb") as handle:
        corpora = pickle.load(handle)
    lexicon = load_lexicon(Path(folder) / "lexicon")
    with tempfile.TemporaryDirectory() as tmp:
        summary = train_model(Path("unused"), Path(tmp) / "model",
                              overrides={**overrides, "retrain_on_all": False},
                              lexicon=lexicon, corpora=corpora)
    return name, summary


def run(folder: Path, out: Path, jobs: int, names: list[str] | None = None,
        variant_set: str = "first") -> None:
    variants = {"seeded": SEEDED, "final": FINAL}.get(variant_set, VARIANTS)
    todo = [(n, v, str(folder)) for n, v in variants.items() if not names or n in names]
    results = {}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for name, summary in pool.map(_one, todo):
            results[name] = summary
            log.info("%s: dev F1 %.4f", name, summary["dev"]["overall"]["f1"])
            out.write_text(json.dumps(results, indent=1))


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("data_dir", type=Path)
    p.add_argument("folder", type=Path)
    r = sub.add_parser("run")
    r.add_argument("folder", type=Path)
    r.add_argument("out", type=Path)
    r.add_argument("--jobs", type=int, default=4)
    r.add_argument("--only", nargs="*")
    r.add_argument("--set", default="first", choices=["first", "seeded", "final"])
    args = parser.parse_args(argv)
    if args.cmd == "prepare":
        prepare(args.data_dir, args.folder)
    else:
        run(args.folder, args.out, args.jobs, args.only, args.set)


if __name__ == "__main__":
    main()
