"""The quotes stage: quotations found beside the NER spans, linked to resolved entities,
incrementally (changed articles replaced, deleted ones removed, nothing redone without a
change), and consistent after a run killed between its commits."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from news_pipeline.ner.mention import Mention
from news_pipeline.quotes.spans import QUOTE_FIELDS, quote_rows
from news_pipeline.stages import quotes as stage
from news_pipeline.stages.quotes import link_changed_quotes, link_speakers, plan
from news_pipeline.stages.recognition import recognise_changed_articles
from news_pipeline.stages.resolution import resolve_all
from news_pipeline.warehouse import SCHEMAS, Warehouse

KIRBY = ("Der Sprecher John Kirby äußerte sich am Dienstag. „Wir wissen, dass die Raketen "
         "eingesetzt werden“, sagte Kirby in Washington.\n")
PUTIN = ("Wladimir Putin reiste nach Pjöngjang. Die Reise werde die Zusammenarbeit stärken, "
         "sagte Putin am Montag.\n")
NONE = "Das Wetter in Berlin war am Montag sonnig und warm.\n"


# ----------------------------------------------------------------------------- linking

def test_quote_rows_name_the_span_of_their_speaker() -> None:
    text = "Olaf Scholz sagte, die Lage sei ernst."
    [row] = quote_rows(text, [Mention(0, 11, "PER", "Olaf Scholz", 0)])
    quote = dict(zip(QUOTE_FIELDS, row))
    assert (quote["kind"], quote["text"], quote["speaker"]) == ("indirect", "die Lage sei ernst",
                                                                "Olaf Scholz")
    assert (quote["speaker_start"], quote["speaker_end"]) == (0, 11)
    assert text[quote["start"]:quote["end"]] == quote["text"]


def _spans(*speakers: tuple[str, int | None, int | None]) -> pd.DataFrame:
    return pd.DataFrame([{"article_id": article, "quote_id": f"q{i}", "kind": "direct",
                          "text": "…", "start": 0, "end": 1, "speaker": "X",
                          "speaker_start": start, "speaker_end": end, "cue": "sagte",
                          "sentence_index": 0, "ingest_month": "2026-12"}
                         for i, (article, start, end) in enumerate(speakers)])


def test_a_speaker_links_to_the_entity_of_the_mention_at_its_span_in_its_article() -> None:
    mentions = pd.DataFrame({"article_id": ["a", "a", "b"], "start": [0, 20, 0], "end": [5, 25, 5],
                             "entity_id": ["kirby", "putin", "other"]})
    linked = link_speakers(_spans(("a", 0, 5), ("a", 20, 25), ("a", None, None), ("a", 7, 9),
                                  ("c", 0, 5)), mentions)
    assert linked["speaker_entity_id"].tolist() == ["kirby", "putin", None, None, None]
    assert list(linked.columns) == SCHEMAS["quotes"].names


def _runs(*rows: tuple[str, str, int]) -> pa.Table:
    return pa.Table.from_pylist([{"article_id": a, "text_sha256": sha, "recogniser_version": "r",
                                  "quotes_version": "q", "n_quotes": n, "ingest_month": "2026-12"}
                                 for a, sha, n in rows])


def test_plan_redoes_new_and_changed_articles_relinks_those_with_new_mentions_drops_deleted() -> None:
    runs = _runs(("new", "1", 2), ("changed", "2", 1), ("same", "3", 1), ("remention", "4", 1),
                 ("quiet", "5", 0))
    links = _runs(("changed", "old", 1), ("same", "3", 1), ("remention", "4", 1), ("quiet", "5", 0),
                  ("gone", "6", 1))
    work = plan(runs, links, {"remention", "quiet"})
    assert work.todo == ["changed", "new", "remention"]
    assert (work.deleted, work.new, work.relinked) == (["gone"], {"new"}, 1)
    # Mentions changes unknown: every article with quotations is linked again.
    assert plan(runs, links, None).todo == ["changed", "new", "remention", "same"]


# ----------------------------------------------------------------------------- the stage

def _articles(texts: dict[str, str]) -> pd.DataFrame:
    rows = [{"article_id": article_id, "source_path": f"{article_id}.txt", "text": text,
             "text_sha256": hashlib.sha256(text.encode()).hexdigest(), "n_chars": len(text),
             "ingest_month": "2026-12"} for article_id, text in texts.items()]
    return pd.DataFrame(rows).reindex(columns=SCHEMAS["articles"].names)


def _run(warehouse: Warehouse, texts: dict[str, str]) -> dict[str, object]:
    """Write `texts` as the articles (others deleted), then NER, resolution and quotes."""
    old = warehouse.read("articles", ["article_id"])["article_id"].tolist()
    warehouse.upsert("articles", _articles(texts), delete_keys=old)
    recognise_changed_articles(warehouse, spec="default")
    resolve_all(warehouse)
    return link_changed_quotes(warehouse).as_metadata()


def _quotes(warehouse: Warehouse) -> pd.DataFrame:
    entities = warehouse.read("entities", ["entity_id", "name"])
    names = dict(zip(entities["entity_id"], entities["name"]))
    found = warehouse.read("quotes").sort_values(["article_id", "start"]).reset_index(drop=True)
    return found.assign(entity=found["speaker_entity_id"].map(names))


def test_quotations_are_linked_replaced_removed_and_not_redone_without_change(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "w")
    first = _run(warehouse, {"k": KIRBY, "p": PUTIN, "n": NONE})
    assert (first["new"], first["skipped"]) == (3, False)
    found = _quotes(warehouse)
    assert found[["article_id", "kind", "speaker", "entity", "cue"]].values.tolist() == [
        ["k", "direct", "Kirby", "John Kirby", "sagte"],
        ["p", "indirect", "Putin", "Wladimir Putin", "sagte"]]
    assert found.loc[0, "text"] == "Wir wissen, dass die Raketen eingesetzt werden"

    version = warehouse.data_version("quotes")
    again = _run(warehouse, {"k": KIRBY, "p": PUTIN, "n": NONE})
    assert (again["skipped"], again["unchanged"]) == (True, 3)
    assert warehouse.data_version("quotes") == version

    changed = _run(warehouse, {"k": KIRBY.replace("Washington", "Brüssel"), "p": PUTIN, "n": NONE})
    # "p" may be linked again too: its mentions share a rewritten data file with "k"'s.
    assert (changed["new"], changed["deleted"], changed["changed"] - changed["relinked"]) == (0, 0, 1)
    assert _quotes(warehouse)["article_id"].tolist() == ["k", "p"]  # replaced, not doubled

    removed = _run(warehouse, {"p": PUTIN})
    assert removed["deleted"] == 2  # "k" and "n"
    assert _quotes(warehouse)["article_id"].tolist() == ["p"]
    assert warehouse.read("_quote_links")["article_id"].tolist() == ["p"]


def test_a_run_killed_between_the_quotes_commits_is_rebuilt_by_the_next(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse = Warehouse(tmp_path / "w")
    _run(warehouse, {"k": KIRBY})
    upsert = Warehouse.upsert

    def killed_before_the_links(self: Warehouse, table: str, *args: object, **kwargs: object) -> None:
        if table == "_quote_links":
            raise KeyboardInterrupt
        upsert(self, table, *args, **kwargs)

    monkeypatch.setattr(Warehouse, "upsert", killed_before_the_links)
    with pytest.raises(KeyboardInterrupt):
        _run(warehouse, {"k": KIRBY, "p": PUTIN})
    monkeypatch.setattr(Warehouse, "upsert", upsert)
    report = link_changed_quotes(warehouse)
    assert report.extra["rebuilt"] is True
    assert _quotes(warehouse)["article_id"].tolist() == ["k", "p"]
    assert link_changed_quotes(warehouse).extra["skipped"] is True


def test_a_run_killed_between_the_ner_commits_redoes_the_chunk(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse = Warehouse(tmp_path / "w")
    upsert = Warehouse.upsert

    def killed_before_the_run_records(self: Warehouse, table: str, *args: object,
                                      **kwargs: object) -> None:
        if table == "_ner_runs":
            raise KeyboardInterrupt
        upsert(self, table, *args, **kwargs)

    monkeypatch.setattr(Warehouse, "upsert", killed_before_the_run_records)
    with pytest.raises(KeyboardInterrupt):
        _run(warehouse, {"k": KIRBY})
    monkeypatch.setattr(Warehouse, "upsert", upsert)
    _run(warehouse, {"k": KIRBY, "p": PUTIN})
    spans = warehouse.read("_quote_spans")
    assert sorted(spans["article_id"]) == ["k", "p"]  # the chunk redone, not doubled
    assert sorted(warehouse.read("_quote_runs")["article_id"]) == ["k", "p"]
    assert _quotes(warehouse)["entity"].tolist() == ["John Kirby", "Wladimir Putin"]


def test_new_quotation_rules_extract_every_article_again(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse = Warehouse(tmp_path / "w")
    _run(warehouse, {"k": KIRBY, "n": NONE})
    monkeypatch.setattr("news_pipeline.stages.recognition.QUOTES_VERSION", "quotes-next")
    report = recognise_changed_articles(warehouse, spec="default")
    assert report.changed == 2
    assert set(warehouse.read("_quote_runs")["quotes_version"]) == {"quotes-next"}
    assert link_changed_quotes(warehouse).changed == 2
    assert stage.LINK_VERSION in str(warehouse.commit_metadata("_quote_links"))
