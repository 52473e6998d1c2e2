"""Arrow's allocator in the pipeline's processes: jemalloc, which returns freed memory."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _backend(environment: dict[str, str]) -> str:
    code = "import news_pipeline.definitions, pyarrow; print(pyarrow.default_memory_pool().backend_name)"
    return subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True,
                          text=True, check=True).stdout.strip()


@pytest.mark.skipif(sys.platform != "linux", reason="the jemalloc default is set on Linux only")
def test_the_package_chooses_jemalloc_unless_the_user_chose() -> None:
    environment = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    assert _backend(environment) == "jemalloc"
    assert _backend({**environment, "ARROW_DEFAULT_MEMORY_POOL": "system"}) == "system"
