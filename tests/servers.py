"""Helpers of the tests that start real servers (S3, Dask) on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import dagster as dg
import pytest

START_TIMEOUT_S = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, server: subprocess.Popen, log: Path, what: str) -> None:
    """Return once `server` listens on `port`; skip the test (with its log) if it exits or
    does not listen within START_TIMEOUT_S."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.skip(f"{what} did not start: {log.read_text()[-500:]}")
            time.sleep(0.2)


def materialised(result: dg.ExecuteInProcessResult, asset: str) -> dict[str, object]:
    """The metadata of `asset`'s materialisation in `result`, as plain values."""
    [metadata] = [e.event_specific_data.materialization.metadata
                  for e in result.get_asset_materialization_events()
                  if e.event_specific_data.materialization.asset_key.to_user_string() == asset]
    return {key: value.value for key, value in metadata.items()}
