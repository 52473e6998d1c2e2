# Every target creates .venv and installs what it needs on first use: a fresh clone needs
# nothing done by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DAGSTER_HOME ?= $(CURDIR)/dagster_home
HOST ?= 127.0.0.1
PORT ?= 3000
NER_DATA ?= ../shared/data/ner
CLEAN_DATA ?= ../shared/data/cleaning/trafilatura-de
BENCH_ARTICLES ?= 1000

.PHONY: run test dev lint train-ner eval-ner eval-clean bench clean-data

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip uv

# Byte-compiled at install: the first run and each pool worker start faster.
UV_INSTALL := $(BIN)/uv pip install -q --compile-bytecode --python $(BIN)/python

$(VENV)/.installed-run: pyproject.toml | $(BIN)/uv
	$(UV_INSTALL) -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/uv
	$(UV_INSTALL) -e '.[dev,postgres,cluster]'
	touch $@ $(VENV)/.installed-run

$(VENV)/.installed-train: pyproject.toml | $(BIN)/uv
	$(UV_INSTALL) -e '.[train]'
	# german-nouns pins lxml<5 (for nothing it uses): installed without its dependencies.
	$(UV_INSTALL) --no-deps 'german-nouns>=1.2'
	touch $@ $(VENV)/.installed-run

## run: materialise every asset on data/raw into data/warehouse and print a summary
run: $(VENV)/.installed-run
	$(BIN)/news-pipeline run

## test: lint and run the whole test suite
test: $(VENV)/.installed-dev
	$(BIN)/ruff check news_pipeline tests
	$(BIN)/pytest -q --durations=15

## dev: serve the Dagster UI (and daemon for schedules/sensors) on http://127.0.0.1:3000
# `dg dev` (dagster-dg-cli, in the dev extra) is what Dagster recommends; `dagster dev` is superseded.
dev: $(VENV)/.installed-dev
	mkdir -p $(DAGSTER_HOME)
	$(BIN)/dg dev -w workspace.yaml -h $(HOST) -p $(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check news_pipeline tests

## train-ner: retrain the shipped NER model from $(NER_DATA)
train-ner: $(VENV)/.installed-train
	$(BIN)/news-pipeline train-ner --data $(NER_DATA)

## eval-ner: score the shipped recogniser on GermEval 2014 test
eval-ner: $(VENV)/.installed-run
	$(BIN)/news-pipeline eval-ner $(NER_DATA)/germeval2014/NER-de-test.tsv

## eval-clean: score the cleaner on the German trafilatura pages
eval-clean: $(VENV)/.installed-run
	$(BIN)/news-pipeline eval-clean $(CLEAN_DATA)

## bench: end-to-end benchmark on BENCH_ARTICLES generated articles (bench/README.md)
bench: $(VENV)/.installed-run
	$(BIN)/news-pipeline bench --articles $(BENCH_ARTICLES)

## clean-data: forget the warehouse and the Dagster history (the raw articles stay)
clean-data:
	rm -rf data/warehouse data/reports $(DAGSTER_HOME)
