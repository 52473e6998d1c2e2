"""news_pipeline.query on a warehouse built from the sample articles with the tiny NER model."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from news_pipeline import query
from news_pipeline.definitions import build_definitions
from news_pipeline.resources import NerModel, PipelinePaths

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "data" / "raw"

@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, tiny_model_dir: Path) -> Path:
    root = tmp_path_factory.mktemp("query")
    shutil.copytree(SAMPLE_DIR, root / "raw")
    definitions = build_definitions(PipelinePaths(raw_dir=str(root / "raw"),
                                                  warehouse_dir=str(root / "warehouse")),
                                    NerModel(model=f"spacy:{tiny_model_dir}"))
    job = definitions.resolve_job_def("news_pipeline_job")
    # The report is not needed here: leaving it out keeps this module fast.
    tables = [key for key in job.asset_layer.executable_asset_keys
              if key != dg.AssetKey("entity_report")]
    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(),
                                    asset_selection=tables)
    assert result.success
    return root / "warehouse"


@pytest.fixture(scope="module")
def tables(warehouse: Path) -> query.Tables:
    return query.load_tables(warehouse)


def test_load_tables_reads_every_table(tables: query.Tables, warehouse: Path) -> None:
    assert len(tables.articles) == 5
    assert tables.rejected.empty
    for name in query.TABLES:
        expected = pd.read_parquet(warehouse / name)
        assert len(getattr(tables, name)) == len(expected), name


def test_load_tables_defaults_to_configured_warehouse(warehouse: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_PIPELINE_WAREHOUSE", str(warehouse))
    assert len(query.load_tables().articles) == 5


def test_load_tables_without_warehouse_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="run the pipeline first"):
        query.load_tables(tmp_path / "nothing")


def test_find_entities_by_name_or_alias_ignoring_case(tables: query.Tables) -> None:
    found = query.find_entities(tables, "putin")
    assert list(found["name"]) == ["Wladimir Putin"]
    assert list(query.find_entities(tables, "PUTINS", exact=True)["name"]) == ["Wladimir Putin"]
    assert query.find_entities(tables, "Putin Wladimir").empty
    assert query.find_entities(tables, "utin", exact=True).empty


def test_find_entities_most_mentioned_first(tables: query.Tables) -> None:
    found = query.find_entities(tables, "")  # matches everything
    assert len(found) == len(tables.entities)
    assert list(found["n_mentions"]) == sorted(found["n_mentions"], reverse=True)


def test_mentions_with_sentence(tables: query.Tables) -> None:
    rows = query.mentions_with_sentence(tables, "putin")
    putin = tables.entities.set_index("name").loc["Wladimir Putin"]
    assert len(rows) == putin["n_mentions"]
    assert set(rows["entity_id"]) == {putin["entity_id"]}
    assert set(rows["text"]) <= set(putin["aliases"])
    text_of = dict(zip(tables.articles["article_id"], tables.articles["text"]))
    for row in rows.itertuples():
        article = text_of[row.article_id]
        assert article[row.start:row.end] == row.text
        assert row.text in row.sentence and row.sentence in article
        assert "\n" not in row.sentence  # paragraphs are separate sentences
        assert len(row.sentence) < len(article) / 2
    # Ordered by date (articles without one last), then article and position.
    dated = rows["published_at"].notna()
    assert dated.iloc[:dated.sum()].all()
    assert rows.columns[-1] == "sentence" and "sentence_index" in rows.columns


def test_mentions_by_entity_id_and_exact_name_first(tables: query.Tables) -> None:
    russland = tables.entities.set_index("name").loc["Russland", "entity_id"]
    assert set(query.mentions_with_sentence(tables, russland)["entity_id"]) == {russland}
    assert query.resolve_entity_ids(tables, "russland") == [russland]
    assert query.mentions_with_sentence(tables, "Atlantis").empty


def test_sentences_are_numbered_like_the_shipped_recogniser() -> None:
    from news_pipeline.ner import load_recogniser

    text = next(SAMPLE_DIR.glob("*.txt")).read_text(encoding="utf-8")[:3000]
    [mentions] = load_recogniser("default").recognise([text])
    assert mentions
    spans = query.sentence_spans(text)
    for mention in mentions:
        [index] = [i for i, (start, end) in enumerate(spans) if start <= mention.start < end]
        assert index == mention.sentence_index, mention


def test_sentence_around_covers_a_mention_across_a_boundary() -> None:
    text = "Er kam nach Berlin. Dort blieb er.\nDann ging er."
    spans = query.sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["Er kam nach Berlin.", "Dort blieb er.", "Dann ging er."]
    assert query.sentence_around(spans, text, 12, 18) == "Er kam nach Berlin."
    assert query.sentence_around(spans, text, 12, 24) == "Er kam nach Berlin. Dort blieb er."


def _expected_counts(tables: query.Tables, label: str | None) -> pd.Series:
    mentions = tables.mentions if label is None else tables.mentions[tables.mentions["label"] == label]
    return mentions.merge(tables.articles[["article_id", "source"]]).groupby(
        ["source", "entity_id"]).size()


def test_top_entities_per_source(tables: query.Tables) -> None:
    top = query.top_entities(tables, by="source", label="LOC", n=2)
    assert set(top["label"]) == {"LOC"}
    assert top.groupby("source", dropna=False).size().max() == 2
    krone = top[top["source"] == "krone.at"]
    assert list(krone["rank"]) == [1, 2]
    expected = _expected_counts(tables, "LOC").loc["krone.at"].sort_values(ascending=False)
    assert list(krone["n_mentions"]) == list(expected.iloc[:2])
    assert top["source"].isna().any()  # articles without a source are a group of their own


def test_top_entities_per_day_and_overall(tables: query.Tables) -> None:
    by_day = query.top_entities(tables, by="day", n=3)
    days = set(by_day["day"].dropna())
    assert days == {pd.Timestamp("2024-06-18").date()}
    overall = query.top_entities(tables, by=None, n=3)
    assert list(overall["rank"]) == [1, 2, 3]
    most = tables.mentions.groupby("entity_id").size().max()
    assert overall["n_mentions"].iloc[0] == most
    with pytest.raises(ValueError, match="by must be"):
        query.top_entities(tables, by="week")  # type: ignore[arg-type]


def test_quotes_by_an_entity_in_any_spelling_with_their_articles(tables: query.Tables) -> None:
    rows = query.quotes_by(tables, "Putins")
    putin = tables.entities.set_index("name").loc["Wladimir Putin", "entity_id"]
    assert len(rows) > 0 and set(rows["speaker_entity_id"]) == {putin}
    assert set(rows["name"]) == {"Wladimir Putin"}
    assert len(rows) == (tables.quotes["speaker_entity_id"] == putin).sum()
    text_of = dict(zip(tables.articles["article_id"], tables.articles["text"]))
    for row in rows.itertuples():
        assert text_of[row.article_id][row.start:row.end] == row.text
    assert {"title", "source", "published_at", "kind", "cue"} <= set(rows.columns)


def test_who_quotes_whom_counts_quotations_per_source_and_speaker(tables: query.Tables) -> None:
    counts = query.who_quotes_whom(tables)
    assert counts["n_quotes"].sum() == tables.quotes["speaker_entity_id"].notna().sum()
    assert counts.groupby("source", dropna=False)["n_quotes"].apply(
        lambda n: list(n) == sorted(n, reverse=True)).all()
    matrix = counts.pivot_table(index="name", columns="source", values="n_quotes", fill_value=0)
    assert matrix.to_numpy().sum() == counts.dropna(subset=["source"])["n_quotes"].sum()


def test_empty_tables_give_empty_answers() -> None:
    from news_pipeline.warehouse import read_table

    empty = query.Tables(**{name: read_table(None, name) for name in query.TABLES})
    assert query.find_entities(empty, "Putin").empty
    assert list(query.mentions_with_sentence(empty, "Putin").columns)[-1] == "sentence"
    for by in ("source", "day", None):
        assert query.top_entities(empty, by=by).empty
    assert query.quotes_by(empty, "Putin").empty and query.who_quotes_whom(empty).empty


README = Path(__file__).resolve().parents[1] / "README.md"


def readme_python_blocks() -> list[str]:
    blocks = README.read_text(encoding="utf-8").split("```python\n")[1:]
    return [block.split("```", 1)[0] for block in blocks]


def skip_unless_readers_of(code: str) -> None:
    """Skip an example whose reader (an optional package, DuckDB's delta extension) is not here."""
    for module in re.findall(r"^import (\w+)", code, re.M):
        pytest.importorskip(module, reason=f"example skipped: {module} is not installed")
    if "delta_scan" in code:
        import duckdb

        try:
            duckdb.sql("LOAD delta")
        except duckdb.Error:
            pytest.skip("example skipped: DuckDB's delta extension is not installed")


@pytest.mark.parametrize("index", range(len(readme_python_blocks())))
def test_readme_python_examples_run(index: int, warehouse: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    code = readme_python_blocks()[index]
    skip_unless_readers_of(code)
    monkeypatch.setenv("NEWS_PIPELINE_WAREHOUSE", str(warehouse))
    exec(compile(code.replace("data/warehouse", str(warehouse)), f"README block {index}", "exec"), {})
