"""news_pipeline: German news articles -> clean text -> resolved entities -> Parquet."""

import os
import sys

# Arrow's buffers come from jemalloc, which hands freed pages back; pyarrow's Linux default,
# mimalloc, keeps them, and the main process's peak of a one-article rerun at 10k articles was
# ~570 MB with it, ~490 MB with jemalloc. Arrow reads the variable when pyarrow loads, so it
# is set here, before any module of the package imports pyarrow (Dagster does not import it);
# a value the user set wins. Worker processes inherit it.
if sys.platform == "linux":
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")
