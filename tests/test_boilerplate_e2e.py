"""End to end: the learnt boilerplate asset runs between the scan and cleaning, and a line that
recurs in a source's articles leaves their text once there are enough articles to learn it."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pandas as pd

from news_pipeline.assets import ASSETS, CHECKS
from news_pipeline.clean.lines import line_key
from news_pipeline.resources import NerModel, PipelinePaths, Processing

TEASER = "Unsere Reporter berichten jeden Tag aus der ganzen Region für Sie und Ihre Familie."
TOPICS = ["Schwimmbad", "Radweg", "Bibliothek", "Kindergarten"]


def write_article(raw: Path, i: int) -> None:
    topic = TOPICS[i]
    path = raw / "example.de" / f"{i}.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        f"Streit um das {topic}\n\nDer Gemeinderat hat am Montag über das Projekt {topic} "
        f"beraten, das seit Wochen in der Stadt diskutiert wird. Wladimir Putin war nicht "
        f"dabei.\n\n{TEASER}\n", encoding="utf-8")


def materialise(raw: Path, warehouse: Path, model: str) -> dg.ExecuteInProcessResult:
    result = dg.materialize(
        [*ASSETS, *CHECKS], instance=dg.DagsterInstance.ephemeral(),
        resources={"paths": PipelinePaths(raw_dir=str(raw), warehouse_dir=str(warehouse)),
                   "ner": NerModel(model=model), "processing": Processing(n_process=1)})
    assert result.success
    assert [e.check_name for e in result.get_asset_check_evaluations() if not e.passed] == []
    return result


def metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict[str, object]:
    [event] = [e for e in result.get_asset_materialization_events()
               if e.event_specific_data.materialization.asset_key.to_user_string() == asset]
    return {k: v.value for k, v in event.event_specific_data.materialization.metadata.items()}


def example_texts(warehouse: Path) -> dict[str, str]:
    articles = pd.read_parquet(warehouse / "articles")
    mine = articles[articles["source_path"].str.startswith("example.de/")]
    return dict(zip(mine["source_path"], mine["text"]))


def test_boilerplate_is_learnt_then_removed(raw_dir: Path, warehouse_dir: Path,
                                            tiny_model: str) -> None:
    for i in range(2):
        write_article(raw_dir, i)
    first = materialise(raw_dir, warehouse_dir, tiny_model)
    # Two articles are too few to call the line boilerplate.
    assert all(TEASER in text for text in example_texts(warehouse_dir).values())
    assert metadata(first, "source_boilerplate")["dagster/row_count"] == 0

    write_article(raw_dir, 2)
    write_article(raw_dir, 3)
    second = materialise(raw_dir, warehouse_dir, tiny_model)
    learnt = metadata(second, "source_boilerplate")
    assert (learnt["new"], learnt["unchanged"]) == (2, 7)
    assert learnt["lines_per_source"]["example.de"] >= 1
    assert line_key(TEASER)[:40] in learnt["preview"]
    texts = example_texts(warehouse_dir)
    assert len(texts) == 4 and all(TEASER not in text for text in texts.values())
    assert all("Gemeinderat" in text for text in texts.values())
    # The two new articles, and the two older ones whose source's lines changed; the sample
    # articles of other sources are not cleaned again.
    articles = metadata(second, "articles")
    assert (articles["new"], articles["changed"], articles["unchanged"]) == (2, 2, 5)
    assert articles["boilerplate_changed"] == 2
    table = pd.read_parquet(warehouse_dir / "source_boilerplate")
    assert table.loc[table["line"] == line_key(TEASER), "n_source_articles"].tolist() == [4]
    assert learnt["model_sha256"] == table["model_sha256"].iloc[0]

    third = materialise(raw_dir, warehouse_dir, tiny_model)
    assert metadata(third, "source_boilerplate")["new"] == 0
    assert metadata(third, "articles")["changed"] == 0
