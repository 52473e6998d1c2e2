"""PNG text chunks: written after the header, read back, invisible to the image."""

from __future__ import annotations

from news_pipeline.reports.data import fingerprint, top_entities
from news_pipeline.reports.png import text_of, with_text
from tests.reports.test_charts import SAMPLE, assert_sensible_png


def test_text_chunk_round_trip() -> None:
    from news_pipeline.reports import top_entities_chart

    png = top_entities_chart(SAMPLE, 5)
    tagged = with_text(png, "news_pipeline:inputs", "abc123")
    assert text_of(tagged)["news_pipeline:inputs"] == "abc123"
    assert assert_sensible_png(tagged) == assert_sensible_png(png)
    assert text_of(b"not a png") == {}


def test_fingerprint_follows_the_chart_data() -> None:
    same = fingerprint("v", top_entities(SAMPLE, 5))
    assert same == fingerprint("v", top_entities(SAMPLE.sample(frac=1, random_state=0), 5))
    changed = SAMPLE.assign(n_mentions=SAMPLE["n_mentions"] + (SAMPLE["name"] == "Kreml"))
    assert fingerprint("v", top_entities(changed, 5)) != same
    assert fingerprint("v2", top_entities(SAMPLE, 5)) != same
