"""Learning per-source boilerplate incrementally, and cleaning again only what it affects."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from news_pipeline.clean import candidate_lines, clean_article
from news_pipeline.clean.lines import line_key
from news_pipeline.stages import boilerplate as stage
from news_pipeline.stages import per_file
from news_pipeline.stages.boilerplate import learn_source_boilerplate, load_model
from news_pipeline.stages.cleaning import clean_changed_articles
from news_pipeline.stages.ingest import scan_raw_folder
from news_pipeline.stages.per_file import clean_file, to_utc
from news_pipeline.warehouse import Warehouse

# Prose-like, so the line classifier alone keeps it: only learning removes it.
TEASER = "Unsere Reporter berichten jeden Tag aus der ganzen Region für Sie und Ihre Familie."
TOPICS = ["Schwimmbad", "Radweg", "Bibliothek", "Kindergarten", "Marktplatz", "Feuerwehr",
          "Friedhof", "Sportplatz", "Theater", "Busbahnhof"]


def article(i: int, teaser: str = TEASER) -> str:
    topic = TOPICS[i % len(TOPICS)]
    return "\n".join([
        f"Neues vom {topic} in der Stadt", "",
        f"Der Gemeinderat hat am Montag über das Projekt {topic} beraten, das seit Wochen in "
        f"der Stadt diskutiert wird. Zum {topic} fiel die Entscheidung nach langer Debatte.",
        "", teaser])


def write(raw: Path, source: str, i: int, teaser: str = TEASER) -> Path:
    path = raw / source / f"{i:03d}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(article(i, teaser), encoding="utf-8")
    return path


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    for i in range(4):
        write(folder, "example.de", i)
    for i in range(3):
        write(folder, "other.at", i, teaser="Folgen Sie uns auch auf allen Kanälen für mehr Nachrichten.")
    return folder


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "warehouse")


def run(warehouse: Warehouse, raw: Path, n_process: int = 1):
    scan_raw_folder(warehouse, raw)
    learnt = learn_source_boilerplate(warehouse, raw, n_process=n_process)
    cleaned = clean_changed_articles(warehouse, raw, n_process=n_process)
    return learnt, cleaned


def texts(warehouse: Warehouse) -> dict[str, str]:
    articles = warehouse.read("articles", ["source_path", "text"])
    return dict(zip(articles["source_path"], articles["text"]))


def test_learns_the_model_the_rule_gives_all_articles_at_once(raw: Path, warehouse: Warehouse) -> None:
    learnt, cleaned = run(warehouse, raw)
    assert (learnt.new, learnt.unchanged, cleaned.new) == (7, 0, 7)
    at_once = pd.DataFrame([{"article_id": str(path.relative_to(raw)), "source": path.parent.name,
                             "lines": candidate_lines(path.read_text())} for path in raw.rglob("*.txt")])
    assert load_model(warehouse) == stage.model_from_table(stage.boilerplate_table(at_once))
    table = warehouse.read("source_boilerplate")
    teaser = table[table["line"] == line_key(TEASER)].iloc[0]
    assert (teaser["source"], teaser["n_articles"], teaser["n_source_articles"]) == ("example.de", 4, 4)
    assert table["model_sha256"].nunique() == 1
    assert all(TEASER not in text for text in texts(warehouse).values())


def test_learnt_line_is_kept_before_learning_and_dropped_after(raw: Path, warehouse: Warehouse) -> None:
    without = clean_article(article(0), path_hint="example.de/000.txt").text
    assert TEASER in without
    run(warehouse, raw)
    text = texts(warehouse)["example.de/000.txt"]
    assert TEASER not in text and "Projekt Schwimmbad" in text


def test_rerun_without_change_reads_and_writes_nothing(raw: Path, warehouse: Warehouse,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    run(warehouse, raw)
    scan_raw_folder(warehouse, raw)
    snapshot = warehouse.current()
    monkeypatch.setattr(per_file, "article_line_row", _fail)
    learnt = learn_source_boilerplate(warehouse, raw)
    cleaned = clean_changed_articles(warehouse, raw)
    assert (learnt.new, learnt.changed, learnt.unchanged) == (0, 0, 7)
    assert (cleaned.new, cleaned.changed, cleaned.unchanged) == (0, 0, 7)
    assert warehouse.current() == snapshot


def _fail(*args: object) -> dict:
    raise AssertionError("a file was read again")


def test_adding_an_article_reads_only_that_file(raw: Path, warehouse: Warehouse,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    run(warehouse, raw)
    model_before = warehouse.read("source_boilerplate", ["model_sha256"]).iloc[0, 0]
    read: list[str] = []
    original = per_file.article_line_row

    def counting(raw_dir: Path, source_path: str, *args: object) -> dict:
        read.append(source_path)
        return original(raw_dir, source_path, *args)

    monkeypatch.setattr(per_file, "article_line_row", counting)
    write(raw, "example.de", 9)
    learnt, cleaned = run(warehouse, raw)
    assert read == ["example.de/009.txt"]
    assert (learnt.new, learnt.unchanged) == (1, 7)
    # Same learnt lines, so only the new article is cleaned.
    assert warehouse.read("source_boilerplate", ["model_sha256"]).iloc[0, 0] == model_before
    assert (cleaned.new, cleaned.changed, cleaned.extra["boilerplate_changed"]) == (1, 0, 0)
    assert TEASER not in texts(warehouse)["example.de/009.txt"]


def test_model_change_recleans_only_its_source(tmp_path: Path, warehouse: Warehouse) -> None:
    raw = tmp_path / "raw"
    for i in range(2):
        write(raw, "example.de", i)
    for i in range(3):
        write(raw, "other.at", i)
    run(warehouse, raw)
    # Two articles are too few to learn from: the teaser is still in example.de's text.
    assert TEASER in texts(warehouse)["example.de/000.txt"]
    assert load_model(warehouse).for_source("example.de") == frozenset()

    write(raw, "example.de", 2)
    _, cleaned = run(warehouse, raw)
    assert line_key(TEASER) in load_model(warehouse).for_source("example.de")
    # The new one, and the two older ones of its source; other.at's articles are untouched.
    assert (cleaned.new, cleaned.changed, cleaned.unchanged) == (1, 2, 3)
    assert cleaned.extra["boilerplate_changed"] == 2
    assert all(TEASER not in t for p, t in texts(warehouse).items() if p.startswith("example.de"))
    digests = warehouse.read("articles", ["source_path", "boilerplate_sha256"])
    assert digests["boilerplate_sha256"].notna().all()
    by_source = digests.groupby(digests["source_path"].str.split("/").str[0])
    assert by_source["boilerplate_sha256"].nunique().to_dict() == {"example.de": 1, "other.at": 1}


def test_deleting_articles_forgets_their_lines(raw: Path, warehouse: Warehouse) -> None:
    run(warehouse, raw)
    (raw / "example.de" / "000.txt").unlink()
    (raw / "example.de" / "001.txt").unlink()
    learnt, cleaned = run(warehouse, raw)
    assert learnt.deleted == 2
    assert set(warehouse.read("_line_stats", ["article_id"])["article_id"]) == \
        set(warehouse.read("_inventory", ["article_id"])["article_id"])
    # Two articles left: below learn_min_docs, so the teaser is article text again.
    assert load_model(warehouse).for_source("example.de") == frozenset()
    assert (cleaned.deleted, cleaned.changed, cleaned.extra["boilerplate_changed"]) == (2, 2, 2)
    assert TEASER in texts(warehouse)["example.de/002.txt"]


def test_changed_clean_version_relearns(raw: Path, warehouse: Warehouse,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    run(warehouse, raw)
    monkeypatch.setattr(stage, "LEARN_VERSION", "boilerplate-test")
    learnt = learn_source_boilerplate(warehouse, raw)
    assert (learnt.changed, learnt.unchanged) == (7, 0)
    assert set(warehouse.read("source_boilerplate")["learn_version"]) == {"boilerplate-test"}


def test_worker_processes_get_the_model(raw: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("news_pipeline.parallel.MIN_PARALLEL_ITEMS", 2)
    one, two = Warehouse(tmp_path / "one"), Warehouse(tmp_path / "two")
    run(one, raw, n_process=1)
    _, cleaned = run(two, raw, n_process=2)
    assert cleaned.new == 7
    columns = ["article_id", "text", "boilerplate_sha256"]
    def articles(warehouse: Warehouse) -> pd.DataFrame:
        return warehouse.read("articles", columns).sort_values("article_id").reset_index(drop=True)

    pd.testing.assert_frame_equal(articles(one), articles(two))
    assert one.read("source_boilerplate").equals(two.read("source_boilerplate"))


def test_unreadable_and_sourceless_files_teach_nothing(tmp_path: Path, warehouse: Warehouse) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "plain.txt").write_text(article(0))  # no site in path or text
    (raw / "empty.txt").write_bytes(b"")
    learnt, _ = run(warehouse, raw)
    stats = warehouse.read("_line_stats")
    assert learnt.new == 2 and stats["source"].isna().all()
    assert all(len(lines) == 0 for lines in stats["lines"])
    assert warehouse.read("source_boilerplate").empty


def test_naive_datelines_are_berlin_time() -> None:
    assert to_utc(datetime(2024, 6, 18, 10, 25)) == datetime(2024, 6, 18, 8, 25, tzinfo=timezone.utc)
    assert to_utc(datetime(2024, 1, 5, 10, 25)) == datetime(2024, 1, 5, 9, 25, tzinfo=timezone.utc)
    aware = datetime(2024, 6, 18, 10, 25, tzinfo=timezone.utc)
    assert to_utc(aware) == aware
    assert to_utc(None) is None
    assert to_utc(datetime(1, 1, 1)) is None


def test_clean_file_stores_utc_kicker_and_section(tmp_path: Path, warehouse: Warehouse) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("\n".join([
        "Ausland", "Nach dem Gipfel", "Putin reist nach Pjöngjang", "18.06.2024, 10:25 Uhr", "",
        "Der russische Präsident ist am Dienstag zu einem Staatsbesuch in Nordkorea eingetroffen, "
        "wie die staatlichen Medien beider Länder am Abend übereinstimmend berichteten.",
    ]), encoding="utf-8")
    outcome = clean_file(raw, "a.txt", "id", None, None)
    assert outcome.article is not None
    assert outcome.article["published_at"] == datetime(2024, 6, 18, 8, 25, tzinfo=timezone.utc)
    run(warehouse, raw)
    stored = warehouse.read("articles").iloc[0]
    assert stored["published_at"] == pd.Timestamp("2024-06-18 08:25", tz="UTC")
    assert stored["kicker"] == outcome.article["kicker"] == "Nach dem Gipfel"
    assert pd.isna(stored["section"]) and outcome.article["section"] is None
    assert stored["title"] == "Putin reist nach Pjöngjang"
