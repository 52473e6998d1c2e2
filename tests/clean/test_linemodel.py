"""The learned line classifier: shipped weights, determinism, training, German examples."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from pathlib import Path

from news_pipeline.clean.classify import decide_by_rules
from news_pipeline.clean.cleaner import clean_article
from news_pipeline.clean.linemodel import LineModel, line_features, shipped_model
from news_pipeline.clean.lines import to_lines
from news_pipeline.clean.settings import DEFAULT_SETTINGS
from news_pipeline.clean.train_lines import main as train_main

ARTICLE = [
    "Der Gemeinderat hat am Montag lange über den Neubau des Schwimmbads beraten, der seit "
    "Jahren in der Stadt umstritten ist und viele Bürger bewegt.",
    "Die Verwaltung legte dazu ein Gutachten vor, nach dem die Sanierung des alten Bades "
    "mehr kosten würde als ein Neubau am Stadtrand.",
    "Mehrere Fraktionen kritisierten, dass die Bürger zu spät in die Planung einbezogen "
    "worden seien, und forderten eine öffentliche Versammlung.",
    "Eine Entscheidung soll nun im Herbst fallen, wenn auch die Zusagen des Landes für die "
    "Förderung des Projekts vorliegen.",
]
FURNITURE = ["Startseite", "Politik", "Sport", "Anmelden", "Teilen", "Impressum", "Kontakt"]


def _page() -> str:
    return "\n".join([*FURNITURE[:4], "Schwimmbad: Entscheidung im Herbst", *ARTICLE,
                      *FURNITURE[4:]])


def _features(text: str) -> list[dict[str, float]]:
    lines = to_lines(text)
    return line_features(lines, decide_by_rules(lines, DEFAULT_SETTINGS))


def test_shipped_model_loads_and_matches_the_features():
    model = shipped_model()
    assert 0.0 < model.threshold < 1.0
    assert len(model.names) == len(model.weights) == len(model.means) == len(model.scales)
    assert set(model.names) == set(_features(_page())[0])
    assert LineModel.from_json(model.to_json()) == model


def test_predictions_are_deterministic():
    features = _features(_page())
    model = shipped_model()
    first = [model.probability(f) for f in features]
    assert first == [model.probability(f) for f in features]
    assert all(0.0 <= p <= 1.0 for p in first)
    assert clean_article(_page(), path_hint="a.txt") == clean_article(_page(), path_hint="a.txt")


def test_german_article_prose_kept_and_furniture_dropped():
    text = clean_article(_page(), path_hint="a.txt").text
    for paragraph in ARTICLE:
        assert paragraph in text
    for item in FURNITURE:
        assert item not in text.split("\n\n")


def test_prose_scores_above_menu_items():
    lines = to_lines(_page())
    probabilities = [shipped_model().probability(f) for f in _features(_page())]
    by_text = dict(zip((line.text for line in lines), probabilities))
    assert min(by_text[p] for p in ARTICLE) > shipped_model().threshold
    assert by_text["Anmelden"] < shipped_model().threshold
    assert by_text["Teilen"] < shipped_model().threshold


def test_rules_alone_can_be_switched_back_on():
    rules = replace(DEFAULT_SETTINGS, learned_lines=False)
    assert ARTICLE[0] in clean_article(_page(), path_hint="a.txt", settings=rules).text


def _synthetic_dataset(root: Path) -> Path:
    """Four tiny pages laid out like the trafilatura evaluation data."""
    (root / "html").mkdir(parents=True)
    items = {}
    for n in range(4):
        body = "".join(f"<p>{p}</p>" for p in ARTICLE[n:] + ARTICLE[:n])
        menu = "".join(f"<li>{item}</li>" for item in FURNITURE)
        html = f"<html><body><ul>{menu}</ul><h1>Titel {n}</h1>{body}<p>Teilen</p></body></html>"
        name = f"page{n}.html"
        (root / "html" / f"{name}.gz").write_bytes(gzip.compress(html.encode(), mtime=0))
        items[f"https://example.de/{n}"] = {
            "file": name, "with": [ARTICLE[n][:40], ARTICLE[(n + 1) % 4][:30]],
            "without": ["Startseite", "Impressum"],
        }
    (root / "evaldata-de.json").write_text(json.dumps(items), encoding="utf-8")
    return root


def test_training_command_is_deterministic(tmp_path):
    data = _synthetic_dataset(tmp_path / "data")
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert train_main([str(data), "--out", str(first), "--folds", "2"]) == 0
    assert train_main([str(data), "--out", str(second), "--folds", "2"]) == 0
    assert first.read_bytes() == second.read_bytes()
    model = LineModel.from_json(first.read_text(encoding="utf-8"))
    assert set(model.names) == set(shipped_model().names)


def test_shipped_model_is_small():
    path = Path(__file__).resolve().parents[2] / "news_pipeline" / "clean" / "line_model.json"
    assert path.stat().st_size < 100_000


def test_short_text_is_left_to_the_rules():
    # An already extracted article of a few lines: no page context for the model.
    short = ("Überschrift\n\nDie Straße in München ist gesperrt, sagte ein Sprecher am Montag.\n\n"
             "Unsere Reporter berichten jeden Tag aus der ganzen Region für Sie.")
    rules = replace(DEFAULT_SETTINGS, learned_lines=False)
    assert (clean_article(short, path_hint="a.txt").text
            == clean_article(short, path_hint="a.txt", settings=rules).text)
    assert "Straße in München" in clean_article(short, path_hint="a.txt").text
