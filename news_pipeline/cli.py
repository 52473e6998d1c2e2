"""`news-pipeline`: run the pipeline and its tools without the UI.

Results go to stdout (JSON or a summary); logs go to stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from tqdm import tqdm

from news_pipeline import settings
from news_pipeline.warehouse import WarehouseError

log = logging.getLogger("news_pipeline")


def _print_json(payload: object) -> None:
    json.dump(payload, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def _read_article(path: Path) -> str:
    from news_pipeline.clean import decode_article

    return decode_article(path.read_bytes()).text


def command_clean(args: argparse.Namespace) -> int:
    from news_pipeline.clean import clean_article

    document = clean_article(_read_article(args.file), path_hint=args.file.name)
    _print_json({"title": document.title, "published_at": document.published_at,
                 "source": document.source, "language": document.language,
                 "text": document.text, "warnings": list(document.warnings)})
    return 0


def command_entities(args: argparse.Namespace) -> int:
    from news_pipeline.clean import clean_article
    from news_pipeline.ner import load_recogniser

    document = clean_article(_read_article(args.file), path_hint=args.file.name)
    recogniser = load_recogniser(args.model)
    [mentions] = recogniser.recognise([document.text])
    _print_json({"title": document.title, "recogniser": recogniser.version,
                 "mentions": [{"text": m.text, "label": m.label, "start": m.start, "end": m.end,
                               "sentence_index": m.sentence_index} for m in mentions]})
    return 0


class _ProgressBars:
    """One tqdm bar per stage on stderr, fed by news_pipeline.progress."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bars: dict[str, tqdm] = {}

    def __call__(self, what: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        bar = self.bars.get(what)
        if bar is None:
            bar = self.bars[what] = tqdm(total=total, desc=what, unit="article", file=sys.stderr,
                                         leave=True, dynamic_ncols=True)
        bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def command_run(args: argparse.Namespace) -> int:
    from news_pipeline.progress import listening
    from news_pipeline.runner import run_pipeline

    bars = _ProgressBars(enabled=not args.no_progress and sys.stderr.isatty())
    try:
        with listening(bars):
            summary = run_pipeline(raw_dir=args.raw_dir, warehouse_dir=args.warehouse,
                                   ner_model=args.model, report=not args.no_report)
    finally:
        bars.close()
    print(summary.render())
    return 0 if summary.success else 1


def command_eval_ner(args: argparse.Namespace) -> int:
    from news_pipeline.ner import load_recogniser
    from news_pipeline.ner.evaluate import evaluate_file

    _print_json(evaluate_file(args.file, load_recogniser(args.model)))
    return 0


def command_eval_quotes(args: argparse.Namespace) -> int:
    from news_pipeline.ner import load_recogniser
    from news_pipeline.quotes.evaluate import evaluate_file

    _print_json(evaluate_file(args.file, load_recogniser(args.model), details=args.details))
    return 0


def command_train_ner(args: argparse.Namespace) -> int:
    from news_pipeline.ner.train import train_model

    _print_json(train_model(args.data, args.output))
    return 0


def command_eval_clean(args: argparse.Namespace) -> int:
    from news_pipeline.clean.evaluate import evaluate_directory

    # trafilatura logs every page it finds no content in; the scores say that already.
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    _print_json(evaluate_directory(args.directory, split=args.split))
    return 0


def command_bench(args: argparse.Namespace) -> int:
    from news_pipeline.benchmark.run import run_from_args

    return run_from_args(args)


def command_bench_scale(args: argparse.Namespace) -> int:
    from news_pipeline.benchmark.scale import run_from_args

    return run_from_args(args)


AddArguments = Callable[[argparse.ArgumentParser], None]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose options may come from a function imported on first use
    (`load_arguments` returns it): a subcommand's module is imported when that subcommand
    is parsed or its help shown, not whenever the CLI starts."""

    def __init__(self, *args: object, load_arguments: Callable[[], AddArguments] | None = None,
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._load_arguments = load_arguments

    def _load(self) -> None:
        if self._load_arguments is not None:
            add_arguments, self._load_arguments = self._load_arguments(), None
            add_arguments(self)

    def parse_known_args(self, args: Sequence[str] | None = None,
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        self._load()
        return super().parse_known_args(args, namespace)

    def format_help(self) -> str:
        self._load()
        return super().format_help()


def _bench_arguments() -> AddArguments:
    from news_pipeline.benchmark.run import add_arguments

    return add_arguments


def _scale_arguments() -> AddArguments:
    from news_pipeline.benchmark.scale import add_arguments

    return add_arguments


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="news-pipeline", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="materialise all assets through Dagster and print a summary")
    run.add_argument("--raw-dir", type=Path, default=None,
                     help=f"raw articles (default: ${settings.RAW_DIR_ENV} or data/raw)")
    run.add_argument("--warehouse", default=None,
                     help=f"warehouse of Delta tables: a folder or a URL such as s3://bucket/news "
                          f"(default: ${settings.WAREHOUSE_ENV} or data/warehouse)")
    run.add_argument("--model", default=None, help="recogniser: default, spacy:NAME, hf:DIR")
    run.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
    run.add_argument("--no-report", action="store_true",
                     help="do not redraw the charts afterwards (entity_report_job)")
    run.set_defaults(handler=command_run)

    clean = sub.add_parser("clean", help="print the cleaned article FILE as JSON")
    clean.add_argument("file", type=Path)
    clean.set_defaults(handler=command_clean)

    entities = sub.add_parser("entities", help="print the entity mentions of FILE as JSON")
    entities.add_argument("file", type=Path)
    entities.add_argument("--model", default=settings.ner_model())
    entities.set_defaults(handler=command_entities)

    eval_ner = sub.add_parser("eval-ner", help="score the recogniser on a GermEval-format file")
    eval_ner.add_argument("file", type=Path)
    eval_ner.add_argument("--model", default=settings.ner_model())
    eval_ner.set_defaults(handler=command_eval_ner)

    eval_quotes = sub.add_parser("eval-quotes", help="score the quotation extractor on a gold "
                                                     "file (docs/quotes.md)")
    eval_quotes.add_argument("file", type=Path)
    eval_quotes.add_argument("--model", default=settings.ner_model())
    eval_quotes.add_argument("--details", action="store_true",
                             help="also list missed, spurious and misattributed quotations")
    eval_quotes.set_defaults(handler=command_eval_quotes)

    train = sub.add_parser("train-ner", help="train the shipped NER model from the corpora")
    train.add_argument("--data", type=Path, default=settings.project_root() / "../shared/data/ner")
    train.add_argument("--output", type=Path,
                       default=Path(__file__).resolve().parent / "ner" / "model")
    train.set_defaults(handler=command_train_ner)

    eval_clean = sub.add_parser("eval-clean", help="score the cleaner on a snippet test set")
    eval_clean.add_argument("directory", type=Path, nargs="?",
                            default=settings.project_root() / "../shared/data/cleaning/trafilatura-de")
    eval_clean.add_argument("--split", choices=("all", "tune", "held_out"), default="all",
                            help="score only the tuning pages (first 200 in URL order) or the "
                                 "held-out rest (default: all, with both splits reported)")
    eval_clean.set_defaults(handler=command_eval_clean)

    bench = sub.add_parser("bench", help="benchmark end to end vs. bare NER (bench/README.md)",
                           load_arguments=_bench_arguments)
    bench.set_defaults(handler=command_bench)

    scale = sub.add_parser("bench-scale", help="what one new article costs at N short articles "
                                               "(bench/README.md)", load_arguments=_scale_arguments)
    scale.set_defaults(handler=command_bench_scale)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home()))
    try:
        return args.handler(args)
    except (OSError, WarehouseError) as error:
        print(f"news-pipeline: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
