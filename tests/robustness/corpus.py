"""A deterministic synthetic corpus for the robustness tests (no shared data needed)."""

from __future__ import annotations

import random
from pathlib import Path

PEOPLE = ["Wladimir Putin", "Kim Jong Un", "Putin", "Jens Stoltenberg"]
PLACES = ["Nordkorea", "Russland", "Ukraine", "Pjöngjang"]
ORGS = ["Kreml", "NATO"]
VERBS = ["traf", "besuchte", "kritisierte", "lobte", "warnte"]


def write_corpus(raw_dir: Path, n_articles: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    raw_dir.mkdir(parents=True, exist_ok=True)
    for index in range(n_articles):
        sentences = [
            f"{rng.choice(PEOPLE)} {rng.choice(VERBS)} am Tag {index}.{k} in {rng.choice(PLACES)} "
            f"Vertreter von {rng.choice(ORGS)} und {rng.choice(PLACES)}."
            for k in range(rng.randint(3, 8))
        ]
        body = "\n\n".join(" ".join(sentences[i:i + 2]) for i in range(0, len(sentences), 2))
        (raw_dir / f"article_{index:04d}.txt").write_text(f"Meldung Nummer {index}\n\n{body}\n",
                                                          encoding="utf-8")
