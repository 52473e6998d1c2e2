"""The data-quality rules that the asset checks apply."""

import pandas as pd
import pytest

from news_pipeline.assets import quality


@pytest.mark.parametrize("dtype", ["str", object])
def test_bad_offsets_flags_wrong_spelling_and_out_of_range_only(dtype: object) -> None:
    articles = pd.DataFrame({"article_id": ["a", "b"], "text": ["Merkel in Berlin", "Paris"]},
                            dtype=dtype)
    mentions = pd.DataFrame({
        "article_id": pd.Series(["a", "a", "a", "b", "b", "z"], dtype=dtype),
        "start": [0, 10, 10, 0, 3, 0],
        "end": [6, 16, 15, 5, 9, 1],
        "text": pd.Series(["Merkel", "Berlin", "Berlin", "Pari", "is", "x"], dtype=dtype),
    })
    bad = quality.bad_offsets(mentions, articles)
    # 10:15 and 0:4 do not spell "Berlin" and "Pari"; 3:9 runs past "Paris"; "z" is not judged.
    assert bad.index.tolist() == [2, 3, 4]
    assert quality.bad_offsets(mentions, dict(zip(articles["article_id"],
                                                          articles["text"]))).equals(bad)
    assert quality.bad_offsets(mentions.iloc[:0], articles).empty
