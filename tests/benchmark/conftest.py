"""A small made-up corpus in 10kGNAD's CSV format, so the benchmark tests run without shared/."""

from __future__ import annotations

from pathlib import Path

import pytest

# Invented sentences (not from 10kGNAD), mentioning entities the tiny test model knows.
_TOPICS = [
    ("Inland", ["Putin", "Russland", "Kreml"]), ("International", ["Nordkorea", "Pjöngjang", "NATO"]),
    ("Wirtschaft", ["Ukraine", "Russland", "NATO"]), ("Sport", ["Wladimir Putin", "Kreml", "Ukraine"]),
]


def _article(number: int, label: str, names: list[str]) -> str:
    sentences = [
        f"Die Meldung Nummer {number} betrifft {names[0]} und sorgt für Diskussionen.",
        f"Nach Angaben aus {names[1]} wurde am Montag über die Lage beraten.",
        f"Beobachter in {names[2]} sprachen von einem wichtigen Schritt für die Region.",
        f"Die Rubrik {label} berichtet seit Wochen über die Entwicklung Nummer {number}.",
        f"Weitere Gespräche sollen im kommenden Monat folgen, hieß es in Bericht {number}.",
        f"Kritiker halten die Pläne für verfrüht und fordern mehr Transparenz im Fall {number}.",
    ]
    return " ".join(sentences)


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    path = tmp_path / "tiny-10kgnad.csv"
    rows = [f"{label};'{_article(i, label, names)}'"
            for i in range(12) for label, names in [_TOPICS[i % len(_TOPICS)]]]
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    return path
