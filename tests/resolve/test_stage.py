"""The resolution stage on a warehouse: new tables and columns, stable ids, the per-article
cache (only changed articles are resolved again, with the same result as a full resolve)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from news_pipeline.resolve import resolve_entities
from news_pipeline.stages import resolution as stage
from news_pipeline.warehouse import PARTITION, SCHEMAS, Warehouse

MONTH = "2026-01"

ARTICLES = {
    "a": ("Wladimir Putin besuchte Nordkorea. Putin traf Kim Jong Un in Pjöngjang.",
          [("Wladimir Putin", "PER"), ("Putin", "PER"), ("Nordkorea", "LOC"),
           ("Kim Jong Un", "PER"), ("Pjöngjang", "LOC")]),
    "b": ("Die DVRK und Russlands Führung. Putins Reise nach Pjöngjang. Der Kreml schwieg.",
          [("DVRK", "LOC"), ("Russlands", "LOC"), ("Putins", "PER"), ("Pjöngjang", "LOC"),
           ("Kreml", "ORG")]),
    "c": ("Schoigu sprach in Moskau. Die UNO tagte in New York.",
          [("Schoigu", "PER"), ("Moskau", "LOC"), ("UNO", "ORG"), ("New York", "LOC")]),
    "d": ("Ein Text ohne einen einzigen Namen.", []),
}
GROWN = ("Sergej Schoigu kam nach Moskau. Schoigu lachte.",
         [("Sergej Schoigu", "PER"), ("Schoigu", "PER"), ("Moskau", "LOC")])


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "warehouse")


@pytest.fixture
def put(warehouse, spans):
    """Write articles with the spans a recogniser (version `recogniser`) found in them."""
    return _writer(warehouse, spans)


def _frame(table: str, rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows).reindex(columns=SCHEMAS[table].names)
    return frame.assign(**({PARTITION: MONTH} if PARTITION in frame else {}))


def _delete(warehouse: Warehouse, article_id: str) -> None:
    with warehouse.transaction() as tx:
        for table in ("articles", "_spans", "_ner_runs"):
            tx.upsert(table, _frame(table, []), delete_keys=[article_id])


@pytest.fixture
def locally_resolved(monkeypatch) -> list[set[str]]:
    """The article ids handed to the per-article step, one set per stage run."""
    calls: list[set[str]] = []
    original = stage.resolve_articles

    def spy(spans: pd.DataFrame) -> pd.DataFrame:
        calls.append(set(spans["article_id"]))
        return original(spans)

    monkeypatch.setattr(stage, "resolve_articles", spy)
    return calls


def _full_resolve(warehouse: Warehouse, previous: pd.DataFrame | None = None):
    """What resolve_entities gives on all current spans, without any cache."""
    return resolve_entities(warehouse.read("_spans"), previous=previous)


def _table(warehouse: Warehouse, table: str, key: list[str]) -> pd.DataFrame:
    return warehouse.read(table).sort_values(key).reset_index(drop=True)


def _same_as(warehouse: Warehouse, expected) -> None:
    """The warehouse tables equal a Resolution, up to row order."""
    pairs = {"mentions": (expected.mentions, ["article_id", "start", "end"]),
             "entities": (expected.entities, ["entity_id"]),
             "cooccurrences": (expected.cooccurrences, ["entity_a", "entity_b"]),
             "entity_aliases": (expected.aliases, ["entity_id", "alias", "key", "rule"])}
    for table, (frame, key) in pairs.items():
        # Through Arrow, as the warehouse stores it (string and nullable dtypes).
        want = (pa.Table.from_pandas(frame, schema=SCHEMAS[table], preserve_index=False)
                .replace_schema_metadata(None).to_pandas().sort_values(key).reset_index(drop=True))
        pd.testing.assert_frame_equal(_table(warehouse, table, key), want, obj=table)


def test_first_run_writes_links_merge_rules_and_aliases(warehouse, put):
    put(ARTICLES)
    report = stage.resolve_all(warehouse)
    assert (report.new, report.changed, report.unchanged, report.deleted) == (4, 0, 0, 0)
    assert report.extra["skipped"] is False
    _same_as(warehouse, _full_resolve(warehouse))
    entities = warehouse.read("entities").set_index("name")
    assert entities.loc["Nordkorea", "link"] == "country:KP"
    assert entities.loc["Pjöngjang", "link"].startswith("geonames:")
    assert pd.isna(entities.loc["Schoigu", "link"])
    putin = entities.loc["Wladimir Putin"]
    assert putin["merge_rules"].tolist() == ["short_name"]
    assert "DVRK" in entities.loc["Nordkorea", "aliases"]
    aliases = warehouse.read("entity_aliases")
    dvrk = aliases[aliases["alias"] == "DVRK"].iloc[0]
    assert dvrk["rule"] == "acronym+country" and dvrk["key"] == "dvrk"
    assert set(aliases["entity_id"]) == set(entities["entity_id"])
    assert aliases["n_mentions"].sum() == len(warehouse.read("mentions"))
    runs = warehouse.read("_resolve_runs").set_index("article_id")
    assert runs.loc["d", "n_mentions"] == 0  # recorded, so it is not redone
    assert set(runs["resolve_version"]) == {stage.cache_version()}


def test_rerun_without_change_is_skipped_and_writes_nothing(warehouse, put, locally_resolved):
    put(ARTICLES)
    stage.resolve_all(warehouse)
    snapshot = warehouse.current()
    report = stage.resolve_all(warehouse)
    assert report.extra["skipped"] is True
    assert (report.new, report.changed, report.unchanged) == (0, 0, 4)
    assert warehouse.current() == snapshot
    assert locally_resolved == [set("abc")]  # "d" has no spans


def test_only_new_and_changed_articles_are_resolved_again(warehouse, put, locally_resolved):
    put(ARTICLES)
    stage.resolve_all(warehouse)
    previous = warehouse.read("entity_aliases")
    put({"e": GROWN, "b": (ARTICLES["b"][0] + " Putin schwieg.",
                           ARTICLES["b"][1] + [("Putin", "PER")])})
    _delete(warehouse, "d")
    report = stage.resolve_all(warehouse)
    assert locally_resolved[-1] == {"b", "e"}
    assert (report.new, report.changed, report.unchanged, report.deleted) == (1, 1, 2, 1)
    # Same tables as resolving everything from scratch with the same history.
    _same_as(warehouse, _full_resolve(warehouse, previous))
    assert set(warehouse.read("_resolve_runs")["article_id"]) == set("abce")
    assert set(warehouse.read("_resolved_spans")["article_id"]) == set("abce")


def test_entity_keeps_its_id_when_a_longer_name_appears(warehouse, put):
    put(ARTICLES)
    stage.resolve_all(warehouse)
    before = warehouse.read("entities").set_index("name")["entity_id"]
    put({"e": GROWN})
    report = stage.resolve_all(warehouse)
    after = warehouse.read("entities").set_index("entity_id")
    # "Schoigu" is now named after its longer form but keeps its id; nothing else moved.
    assert after.loc[before["Schoigu"], "name"] == "Sergej Schoigu"
    assert set(before) <= set(after.index)
    assert report.extra["entities_new_id"] == 0
    # Without the history, the anchor "sergej schoigu" would have given a new id.
    fresh = _full_resolve(warehouse)
    assert before["Schoigu"] not in set(fresh.entities["entity_id"])
    aliases = warehouse.read("entity_aliases")
    short = aliases[(aliases["alias"] == "Schoigu") & (aliases["rule"] == "corpus_short_name")]
    assert short["entity_id"].tolist() == [before["Schoigu"]]


def test_only_articles_whose_mentions_changed_are_rewritten(warehouse, put):
    put(ARTICLES)
    stage.resolve_all(warehouse)
    put({"e": ("Der Kreml schwieg.", [("Kreml", "ORG")])})
    report = stage.resolve_all(warehouse)
    assert report.extra["articles_mentions_rewritten"] == 1


def test_new_recogniser_or_resolver_version_redoes_every_article(warehouse, put,
                                                                 locally_resolved, monkeypatch):
    put(ARTICLES)
    stage.resolve_all(warehouse)
    put(ARTICLES, recogniser="ner-2")
    assert stage.resolve_all(warehouse).changed == 4
    monkeypatch.setattr(stage, "cache_version", lambda: "resolve-test-bump")
    assert stage.resolve_all(warehouse).changed == 4
    assert locally_resolved == [set("abc")] * 3


def test_stale_spans_of_an_older_text_are_ignored(warehouse, put):
    put(ARTICLES)
    with warehouse.transaction() as tx:  # cleaned text changed, NER not run on it yet
        tx.upsert("articles", _frame("articles", [
            {"article_id": "c", "text": "Neu.", "text_sha256": "other"}]))
    stage.resolve_all(warehouse)
    assert "c" not in set(warehouse.read("mentions")["article_id"])
    assert "c" not in set(warehouse.read("_resolve_runs")["article_id"])


def test_empty_warehouse(warehouse):
    report = stage.resolve_all(warehouse)
    assert report.extra["skipped"] is True
    assert warehouse.read("entities").empty


def test_alias_problems():
    entities = pd.DataFrame({"entity_id": ["x", "y"]})
    aliases = pd.DataFrame({"entity_id": ["x", "z"]})
    problems = stage.alias_problems(entities, aliases)
    assert problems.to_dict("records") == [
        {"entity_id": "y", "problem": "entity without alias"},
        {"entity_id": "z", "problem": "alias of unknown entity"}]


# Articles whose arrival or departure moves keys of *other* articles to another entity:
# a second expansion makes an acronym ambiguous, a second full name a short name, a full
# name absorbs a short one, a genitive finds its base.
VARIANTS = {
    "putin": ("Putin sprach lange.", [("Putin", "PER")]),
    "wladimir": ("Wladimir Putin kam an.", [("Wladimir Putin", "PER")]),
    "kim_un": ("Kim Jong Un lachte. Kim ging.", [("Kim Jong Un", "PER"), ("Kim", "PER")]),
    "kim_il": ("Kim Jong Il starb.", [("Kim Jong Il", "PER")]),
    "kim": ("Kim sprach.", [("Kim", "PER")]),
    "kzn": ("Die Koreanische Zentrale Nachrichtenagentur KZN meldete es.",
            [("Koreanische Zentrale Nachrichtenagentur", "ORG"), ("KZN", "ORG")]),
    "kzn_other": ("Die Kasachische Zentrale Nachrichtenagentur KZN widersprach.",
                  [("Kasachische Zentrale Nachrichtenagentur", "ORG"), ("KZN", "ORG")]),
    "kzn_alone": ("KZN schwieg. Nordkorea auch.", [("KZN", "ORG"), ("Nordkorea", "LOC")]),
    "schoigus": ("Schoigus Rede in Moskau.", [("Schoigus", "PER"), ("Moskau", "LOC")]),
    "washington": ("Washington war kalt.", [("Washington", "PER")]),
    "dvrk": ("Die DVRK und Putin.", [("DVRK", "LOC"), ("Putin", "PER")]),
}


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(sorted(VARIANTS) + sorted(ARTICLES)),
                                st.sampled_from(["put", "change", "delete"])),
                      min_size=1, max_size=6),
       batch=st.sampled_from([1, 2, 20_000]))
def test_incremental_global_step_equals_resolving_everything(tmp_path_factory, spans, steps,
                                                             batch):
    """After any sequence of new, changed and deleted articles, resolved in batches of any
    size, the stored tables are what resolving all
    current articles from scratch gives (with the id history from before the run), and the
    stored state matches them."""
    warehouse = Warehouse(tmp_path_factory.mktemp("incremental") / "warehouse")
    write = _writer(warehouse, spans)
    write(dict(list(ARTICLES.items())[:2]))
    stage.resolve_all(warehouse)
    for name, action in steps:
        text, names = {**VARIANTS, **ARTICLES}[name]
        current = set(warehouse.read("articles")["article_id"])
        if action == "delete":
            if name in current:
                _delete(warehouse, name)
        else:
            write({name: (text + (" Noch ein Satz." if action == "change" else ""), names)})
        previous = warehouse.read("entity_aliases")
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(stage, "BATCH_ARTICLES", batch)
            stage.resolve_all(warehouse)
        _same_as(warehouse, _full_resolve(warehouse, previous))
        forms = warehouse.read("_resolve_forms")
        assert forms["n_mentions"].sum() == len(warehouse.read("mentions"))


def _writer(warehouse: Warehouse, spans):
    def write(articles: dict, recogniser: str = "ner-1") -> None:
        rows, found, runs = [], [], []
        for article_id, (text, names) in articles.items():
            sha = hashlib.sha256(text.encode()).hexdigest()
            rows.append({"article_id": article_id, "text": text, "text_sha256": sha})
            article_spans = spans(article_id, text, names)
            found.append(article_spans)
            runs.append({"article_id": article_id, "text_sha256": sha,
                         "recogniser_version": recogniser, "n_mentions": len(article_spans)})
        with warehouse.transaction() as tx:
            tx.upsert("articles", _frame("articles", rows))
            tx.upsert("_spans", _frame("_spans", pd.concat(found, ignore_index=True)),
                      delete_keys=list(articles))
            tx.upsert("_ner_runs", _frame("_ner_runs", runs))
    return write


def test_keys_that_move_rewrite_the_mentions_of_unchanged_articles(warehouse, put):
    put({"kzn": VARIANTS["kzn"], "kzn_alone": VARIANTS["kzn_alone"], "a": ARTICLES["a"]})
    stage.resolve_all(warehouse)
    entity = warehouse.read("mentions").set_index(["article_id", "text"])["entity_id"]
    assert entity["kzn_alone", "KZN"] == entity["kzn", "Koreanische Zentrale Nachrichtenagentur"]
    put({"kzn_other": VARIANTS["kzn_other"]})  # KZN now abbreviates two names: on its own
    report = stage.resolve_all(warehouse)
    assert report.extra["keys_reassigned"] >= 1
    # The two articles with KZN are rewritten, "a" is not read or written.
    assert report.extra["articles_mentions_rewritten"] == 3
    entity = warehouse.read("mentions").set_index(["article_id", "text"])["entity_id"]
    assert entity["kzn_alone", "KZN"] != entity["kzn", "Koreanische Zentrale Nachrichtenagentur"]


def test_state_of_an_older_warehouse_is_rebuilt(warehouse, put):
    put({**ARTICLES, "kzn": VARIANTS["kzn"]})
    stage.resolve_all(warehouse)
    previous = warehouse.read("entity_aliases")
    with warehouse.transaction() as tx:  # as written before the state tables existed
        tx.replace("_resolve_forms", _frame("_resolve_forms", []))
        tx.replace("_acronym_candidates", _frame("_acronym_candidates", []))
    put({"e": GROWN})
    report = stage.resolve_all(warehouse)
    assert report.extra["global_step"] == "rebuilt"
    _same_as(warehouse, _full_resolve(warehouse, previous))
    assert not warehouse.read("_acronym_candidates").empty
    put({"f": ("Der Kreml schwieg.", [("Kreml", "ORG")])})
    assert stage.resolve_all(warehouse).extra["global_step"] == "incremental"


def test_large_changes_are_resolved_and_committed_in_batches(warehouse, put, monkeypatch):
    monkeypatch.setattr(stage, "BATCH_ARTICLES", 2)
    put({**ARTICLES, "kzn": VARIANTS["kzn"], "kzn_alone": VARIANTS["kzn_alone"]})
    calls = []
    original = stage.update_corpus

    def fail_in_third_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("killed")
        return original(*args, **kwargs)

    monkeypatch.setattr(stage, "update_corpus", fail_in_third_batch)
    with pytest.raises(RuntimeError, match="killed"):
        stage.resolve_all(warehouse)
    assert len(warehouse.read("_resolve_runs")) == 4  # the two finished batches are kept
    history = warehouse.read("entity_aliases")
    report = stage.resolve_all(warehouse)
    assert (report.new, report.unchanged, report.extra["batches"]) == (2, 4, 1)
    _same_as(warehouse, _full_resolve(warehouse, history))
    assert report.extra["mentions"] == len(warehouse.read("mentions"))


def test_ids_do_not_depend_on_the_batches(warehouse, put, monkeypatch):
    put({"putin": VARIANTS["putin"], "wladimir": VARIANTS["wladimir"]})
    monkeypatch.setattr(stage, "BATCH_ARTICLES", 1)
    assert stage.resolve_all(warehouse).extra["batches"] == 2
    _same_as(warehouse, _full_resolve(warehouse))  # "putin" first does not anchor the id


def test_a_new_version_rebuilds_from_the_articles_that_stay(warehouse, put, monkeypatch):
    put(ARTICLES)
    stage.resolve_all(warehouse)
    previous = warehouse.read("entity_aliases")
    put({k: ARTICLES[k] for k in "abc"}, recogniser="ner-2")  # most cached rows are stale
    report = stage.resolve_all(warehouse)
    assert report.extra["global_step"] == "rebuilt" and report.changed == 3
    _same_as(warehouse, _full_resolve(warehouse, previous))


def test_a_state_that_drifted_is_rebuilt(warehouse, put, caplog):
    put(ARTICLES)
    stage.resolve_all(warehouse)
    previous = warehouse.read("entity_aliases")
    with warehouse.transaction() as tx:  # co-occurrences lost, e.g. written by other code
        tx.replace("cooccurrences", _frame("cooccurrences", []))
    _delete(warehouse, "a")
    with caplog.at_level("WARNING"):
        report = stage.resolve_all(warehouse)
    assert report.extra["global_step"] == "rebuilt"
    assert "rebuilding it from the cached spans" in caplog.text
    _same_as(warehouse, _full_resolve(warehouse, previous))


@pytest.mark.parametrize("killed_at", ["entities", "entity_aliases", "_resolve_forms"])
def test_a_run_killed_before_the_state_commit_is_repaired_by_the_next(warehouse, put, monkeypatch,
                                                                       killed_at):
    """Some tables of the new article were committed (mentions; then entities and
    co-occurrences; then the cache), the state was not: the next run sees that the state does
    not name the tables' versions and rebuilds it, instead of counting the article twice."""
    put(ARTICLES)
    stage.resolve_all(warehouse)
    history = warehouse.read("entity_aliases")
    put({"e": GROWN})
    replace = Warehouse.replace

    def killed(self, table, rows, metadata=None):
        if table == killed_at:
            raise RuntimeError("killed")
        replace(self, table, rows, metadata)

    with monkeypatch.context() as patch:
        patch.setattr(Warehouse, "replace", killed)
        with pytest.raises(RuntimeError, match="killed"):
            stage.resolve_all(warehouse)
    assert not stage.state_in_sync(warehouse)
    report = stage.resolve_all(warehouse)
    assert (report.extra["skipped"], report.extra["global_step"]) == (False, "rebuilt")
    _same_as(warehouse, _full_resolve(warehouse, history))
    assert stage.state_in_sync(warehouse)

