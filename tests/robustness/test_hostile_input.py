"""Untrusted bytes and file names: every input ends as an article or as a rejection with its
reason; no exception escapes and no article runs unbounded."""

from __future__ import annotations

import builtins
import errno
import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from news_pipeline.clean import MAX_ARTICLE_BYTES, RejectedInput, decode_article
from news_pipeline.stages import cleaning, per_file
from news_pipeline.stages.ingest import scan_raw_folder
from news_pipeline.stages.per_file import CleaningOutcome, clean_file
from news_pipeline.warehouse import Warehouse

KNOWN_REASONS = {"empty", "binary", "oversized", "undecodable", "no_body_text", "timeout",
                 "unreadable", "not_a_regular_file", "symlink_outside_raw_folder",
                 "unsupported_file_type", "file_name_not_utf8"}
TAGS = ["<p>", "</p>", "<div class='x'>", "</div>", "<script>", "</script>", "<!--", "-->",
        "<br/>", "strong>", "<a href=\"", "&amp;", "&#x41;", "&nbsp;", "<![CDATA[", "]]>", "<", ">"]
WORDS = ["Berlin", "Die", "Kanzlerin", "sagte", ".", "\n", "\n\n", " ", "WERBUNG", "Ä", "ß",
         "\u200b", "\u200f", "\u202e", "שלום", "مرحبا", "\ufeff", "\x0c", "€"]
SOUP = st.lists(st.sampled_from(TAGS + WORDS) | st.text(max_size=8), max_size=300).map("".join)


def clean_bytes(tmp_path: Path, data: bytes, name: str = "article.txt") -> CleaningOutcome:
    path = tmp_path / name
    path.write_bytes(data)
    return clean_file(tmp_path, name, "id", None, None)


def assert_article_or_reason(outcome: CleaningOutcome) -> None:
    assert (outcome.article is None) != (outcome.rejection is None)
    if outcome.rejection is not None:
        assert outcome.rejection["reason"] in KNOWN_REASONS, outcome.rejection
        assert outcome.rejection["detail"]
    else:
        assert outcome.article["text"].strip()
        assert "\x00" not in outcome.article["text"]


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(st.binary(max_size=4000))
def test_random_bytes_end_as_article_or_reason(tmp_path: Path, data: bytes) -> None:
    assert_article_or_reason(clean_bytes(tmp_path, data))


@FUZZ
@given(SOUP, st.sampled_from(["utf-8", "cp1252", "utf-16", "latin-1"]))
def test_tag_soup_in_any_encoding_ends_as_article_or_reason(tmp_path: Path, soup: str,
                                                              encoding: str) -> None:
    data = soup.encode(encoding, errors="replace")
    assert_article_or_reason(clean_bytes(tmp_path, data, "page.html"))
    assert_article_or_reason(clean_bytes(tmp_path, data, "dump.txt"))


@FUZZ
@given(st.text(max_size=500), st.text(max_size=500))
def test_mixed_utf8_and_cp1252_halves(tmp_path: Path, first: str, second: str) -> None:
    data = first.encode("utf-8") + second.encode("cp1252", errors="replace")
    assert_article_or_reason(clean_bytes(tmp_path, data))


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty"),
    (b" \n\t\r\n", "empty"),
    (b"Ein Satz.\x00\x00\x00 Noch einer.", "binary"),
    (bytes(range(1, 32)) * 50, "binary"),
    (b"\x81\x8d\x8f\x90\x9d" * 20, "undecodable"),  # undefined in cp1252, invalid UTF-8
    (b"<div><script>var x = 1;</script></div>", "no_body_text"),
])
def test_bad_bytes_rejected_with_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    outcome = clean_bytes(tmp_path, data)
    assert outcome.rejection is not None and outcome.rejection["reason"] == reason


def test_invalid_utf8_falls_back_to_cp1252_with_a_warning(tmp_path: Path) -> None:
    data = "Die Straße in Köln wurde gesperrt, sagte die Polizei am Montag.".encode("cp1252")
    outcome = clean_bytes(tmp_path, data)
    assert outcome.article is not None
    assert "Straße in Köln" in outcome.article["text"]
    assert any("cp1252" in warning for warning in outcome.article["warnings"])


def test_right_to_left_and_zero_width_characters_survive(tmp_path: Path) -> None:
    body = ("Der Sprecher\u200b sagte in Tel Aviv: \u202bשלום\u202c und verließ den Saal. "
            "Die Delegation aus Kairo (مرحبا) reiste am Abend wieder ab.")
    outcome = clean_bytes(tmp_path, f"Titel der Meldung\n\n{body}\n".encode())
    assert_article_or_reason(outcome)
    assert outcome.article is not None and "Kairo" in outcome.article["text"]


def test_ten_thousand_nested_tags_finish_quickly(tmp_path: Path) -> None:
    data = ("<div>" * 10_000 + "Der Bundestag beschloss am Freitag das Gesetz mit großer Mehrheit."
            + "</div>" * 10_000).encode()
    for name in ("nested.html", "nested.txt"):
        started = time.monotonic()
        assert_article_or_reason(clean_bytes(tmp_path, data, name))
        assert time.monotonic() - started < 20


def test_fifty_megabyte_file_is_rejected_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB of NUL bytes
        handle.seek(0)
        handle.write(b"Ein Satz. " * 1000)
    outcome = clean_file(tmp_path, "huge.txt", "id", "sha-from-scan", None)
    assert outcome.rejection is not None and outcome.rejection["reason"] == "oversized"
    assert outcome.rejection["content_sha256"] == "sha-from-scan"


def test_decoder_rejects_oversized_directly() -> None:
    with pytest.raises(RejectedInput) as error:
        decode_article(b"a" * (MAX_ARTICLE_BYTES + 1))
    assert error.value.reason == "oversized"


def test_a_hanging_cleaner_costs_one_article_not_the_run(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def hang(text: str, path_hint: str | None = None, **options: object) -> None:
        time.sleep(30)

    monkeypatch.setattr(per_file, "clean_article", hang)
    monkeypatch.setenv("NEWS_PIPELINE_ARTICLE_TIMEOUT_S", "1")
    started = time.monotonic()
    outcome = clean_bytes(tmp_path, b"Ein ganz normaler Satz.")
    assert time.monotonic() - started < 5
    assert outcome.rejection is not None and outcome.rejection["reason"] == "timeout"


def test_a_crashing_cleaner_is_recorded_as_cleaner_error(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(text: str, path_hint: str | None = None, **options: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(per_file, "clean_article", crash)
    outcome = clean_bytes(tmp_path, b"Ein ganz normaler Satz.")
    assert outcome.rejection is not None
    assert outcome.rejection["reason"] == "cleaner_error"
    assert "RecursionError" in outcome.rejection["detail"]


ARTICLE = "Titel\n\nDie Regierung in Berlin hat am Montag neue Pläne für den Haushalt vorgestellt.\n"
STRANGE_NAMES = ["mit Leerzeichen.txt", "Überraschung äöüß.txt", "zeilen\numbruch.txt",
                 "-führender-strich.txt", "--help.txt", " .txt", "tab\there.txt", "emoji 📰.txt",
                 "sub dir/tief/innen.txt"]


def test_strange_file_names_and_special_files_are_all_accounted_for(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    for name in STRANGE_NAMES:
        (raw / name).parent.mkdir(parents=True, exist_ok=True)
        (raw / name).write_text(ARTICLE, encoding="utf-8")
    outside = tmp_path / "secret.txt"
    outside.write_text("geheim", encoding="utf-8")
    (raw / "nach draußen.txt").symlink_to(outside)
    (raw / "ins leere.txt").symlink_to(tmp_path / "gibt es nicht.txt")
    (raw / "innen-link.txt").symlink_to(raw / "mit Leerzeichen.txt")
    os.mkfifo(raw / "rohr.txt")
    (raw / "ordner.txt").mkdir()

    warehouse = Warehouse(tmp_path / "warehouse")
    scan_raw_folder(warehouse, raw)
    cleaning.clean_changed_articles(warehouse, raw)

    articles = warehouse.read("articles").set_index("source_path")
    rejected = warehouse.read("rejected").set_index("source_path")
    assert set(STRANGE_NAMES) | {"innen-link.txt"} == set(articles.index)
    assert articles["article_id"].is_unique
    assert rejected.loc["nach draußen.txt", "reason"] == "symlink_outside_raw_folder"
    assert rejected.loc["rohr.txt", "reason"] == "not_a_regular_file"
    assert rejected.loc["ins leere.txt", "reason"] in {"unreadable", "symlink_outside_raw_folder"}
    assert "geheim" not in " ".join(articles["text"])


def test_names_that_are_not_utf8_are_rejected_with_their_reason(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "gut").mkdir(parents=True)
    (raw / "gut" / "lesbar.txt").write_text(ARTICLE, encoding="utf-8")
    latin1 = os.fsencode(raw) + b"/M\xfcnchen.txt"  # "München" in Latin-1
    with open(latin1, "wb") as handle:
        handle.write(ARTICLE.encode())
    os.mkdir(os.fsencode(raw) + b"/Stra\xdfe")
    with open(os.fsencode(raw) + b"/Stra\xdfe/innen.txt", "wb") as handle:
        handle.write(ARTICLE.encode())

    warehouse = Warehouse(tmp_path / "warehouse")
    scan_raw_folder(warehouse, raw)
    cleaning.clean_changed_articles(warehouse, raw)

    assert list(warehouse.read("articles")["source_path"]) == ["gut/lesbar.txt"]
    rejected = warehouse.read("rejected").set_index("source_path")
    assert set(rejected.index) == {"M\\xfcnchen.txt", "Stra\\xdfe/innen.txt"}
    assert set(rejected["reason"]) == {"file_name_not_utf8"}
    # Unchanged, they are rejected again without being looked at twice.
    assert scan_raw_folder(warehouse, raw).as_metadata()["changed"] == 0


def test_unreadable_file_is_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    locked = raw / "gesperrt.txt"
    locked.write_text(ARTICLE, encoding="utf-8")
    (raw / "lesbar.txt").write_text(ARTICLE, encoding="utf-8")
    locked.chmod(0)
    if os.geteuid() == 0:
        # Root reads files whatever their permissions (as in CI): refuse the open instead.
        real_open = builtins.open

        def refusing_open(file: object, *args: object, **kwargs: object) -> object:
            if isinstance(file, (str, os.PathLike)) and Path(file).name == locked.name:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(file))
            return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

        monkeypatch.setattr(builtins, "open", refusing_open)
    warehouse = Warehouse(tmp_path / "warehouse")
    scan_raw_folder(warehouse, raw)
    cleaning.clean_changed_articles(warehouse, raw)
    rejected = warehouse.read("rejected").set_index("source_path")
    assert rejected.loc["gesperrt.txt", "reason"] == "unreadable"
    assert "Permission denied" in rejected.loc["gesperrt.txt", "detail"]
    assert list(warehouse.read("articles")["source_path"]) == ["lesbar.txt"]
