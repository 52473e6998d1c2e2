"""Materialise everything from the Dagster UI, as a user would, in headless Chromium.

Starts dagster-webserver and dagster-daemon on a free localhost port against a temporary
DAGSTER_HOME, raw folder and warehouse, clicks "Materialize all" on the asset graph, waits
for the run through Dagster's GraphQL API, checks the materialisations and their metadata,
and saves screenshots (copied to $NEWS_PIPELINE_SCREENSHOT_DIR when set).

Needs the Debian packages chromium and chromium-driver (.ci/install-chromium.sh) and the
Python package selenium; skips with a message otherwise.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE_DIR = REPO / "data" / "raw"

pytestmark = pytest.mark.ui

SCREENSHOT_DIR_ENV = "NEWS_PIPELINE_SCREENSHOT_DIR"
SERVER_START_S = 90
RUN_TIMEOUT_S = 150
TABLE_ASSETS = ("articles", "mentions", "entities")
ALL_ASSETS = ("raw_articles", "articles", "rejected", "ner_spans", "mentions", "entities", "cooccurrences",
              "quotes", "published_dataset", "entity_report")
DAGSTER_YAML = """\
telemetry:
  enabled: false
nux:
  enabled: false  # no "Join the Dagster community" dialog over the page
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
    dequeue_interval_seconds: 1
"""


def _find(*names: str) -> str | None:
    return next((path for path in map(shutil.which, names) if path), None)


def _browser() -> tuple[str, str]:
    """Paths of Chromium and its WebDriver, or skip saying what is missing."""
    pytest.importorskip("selenium", reason="UI test skipped: the Python package selenium is not installed")
    chromium = _find("chromium", "chromium-browser", "google-chrome")
    driver = _find("chromedriver")
    if chromium is None or driver is None:
        missing = " and ".join(name for name, path in (("chromium", chromium), ("chromedriver", driver))
                               if path is None)
        pytest.skip(f"UI test skipped: {missing} not found; install the Debian packages chromium and "
                    "chromium-driver (.ci/install-chromium.sh)")
    return chromium, driver


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _tool(name: str) -> str:
    beside_python = Path(sys.executable).parent / name  # the venv's console script
    return str(beside_python) if beside_python.exists() else (shutil.which(name) or name)


@dataclass
class Dagster:
    url: str
    tmp: Path
    logs: list[Path]

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        request = urllib.request.Request(
            f"{self.url}/graphql", data=json.dumps({"query": query, "variables": variables or {}}).encode(),
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = json.load(response)
        assert "errors" not in body, body["errors"]
        return body["data"]

    def log_tail(self, chars: int = 3000) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-chars:]}" for log in self.logs)


def _stop(process: subprocess.Popen) -> None:
    """Terminate the whole process group: the webserver and daemon start children of their own."""
    if process.poll() is not None:
        return
    for sig, wait_s in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


def _wait_until_loaded(dagster: Dagster, processes: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + SERVER_START_S
    query = ("{ workspaceOrError { __typename ... on Workspace { locationEntries { name loadStatus "
             "locationOrLoadError { __typename ... on PythonError { message } } } } } }")
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            pytest.fail(f"a Dagster process exited early\n{dagster.log_tail()}")
        try:
            entries = dagster.graphql(query)["workspaceOrError"]["locationEntries"]
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
            continue
        if entries and all(e["loadStatus"] == "LOADED" for e in entries):
            errors = [e["locationOrLoadError"] for e in entries
                      if e["locationOrLoadError"]["__typename"] == "PythonError"]
            assert not errors, errors
            return
        time.sleep(0.5)
    pytest.fail(f"Dagster webserver not ready within {SERVER_START_S}s\n{dagster.log_tail()}")


@pytest.fixture
def dagster(tmp_path: Path, tiny_model_dir: Path) -> Iterator[Dagster]:
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(DAGSTER_YAML)
    # Create the instance's SQLite storage now: webserver, code server and daemon starting
    # together on an empty DAGSTER_HOME race to run its migrations ("more than one head").
    import dagster as dg

    dg.DagsterInstance.from_config(str(home)).dispose()
    shutil.copytree(SAMPLE_DIR, tmp_path / "data" / "raw")
    env = {**os.environ, "DAGSTER_HOME": str(home),
           "NEWS_PIPELINE_RAW_DIR": str(tmp_path / "data" / "raw"),
           "NEWS_PIPELINE_WAREHOUSE": str(tmp_path / "data" / "warehouse"),
           "NEWS_PIPELINE_NER_MODEL": f"spacy:{tiny_model_dir}"}  # fast and exact
    port = _free_port()
    code = ["-m", "news_pipeline.definitions", "-a", "defs", "-d", str(REPO)]
    commands = {
        "webserver": [_tool("dagster-webserver"), "-h", "127.0.0.1", "-p", str(port), *code],
        "daemon": [_tool("dagster-daemon"), "run", *code],
    }
    processes, logs = [], []
    try:
        for name, command in commands.items():
            log = tmp_path / f"{name}.log"
            logs.append(log)
            with open(log, "wb") as out:
                # Own session = own process group, so that teardown reaches every child.
                processes.append(subprocess.Popen(command, cwd=REPO, env=env, stdout=out,
                                                  stderr=subprocess.STDOUT, start_new_session=True))
        server = Dagster(f"http://127.0.0.1:{port}", tmp_path, logs)
        _wait_until_loaded(server, processes)
        yield server
    finally:
        for process in processes:
            _stop(process)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    """Headless Chromium; requested before `dagster` so that a skip starts no server."""
    chromium, chromedriver = _browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=2560,1300", "--lang=en-US"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options,
                              service=Service(executable_path=chromedriver, log_output=str(
                                  tmp_path / "chromedriver.log")))
    try:
        yield driver
    finally:
        driver.quit()


RUNS_QUERY = "{ runsOrError { __typename ... on Runs { results { runId status jobName } } } }"
ASSET_QUERY = """
query Asset($key: AssetKeyInput!) {
  assetOrError(assetKey: $key) {
    __typename
    ... on Asset {
      assetMaterializations(limit: 1) {
        runId
        metadataEntries {
          __typename label
          ... on IntMetadataEntry { intValue }
          ... on MarkdownMetadataEntry { mdStr }
          ... on PathMetadataEntry { path }
        }
      }
    }
  }
}"""
FINISHED = {"SUCCESS", "FAILURE", "CANCELED"}


def _click_materialize_all(driver) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    button = WebDriverWait(driver, 60).until(ec.element_to_be_clickable(
        (By.XPATH, "//button[starts-with(normalize-space(.), 'Materialize all')]")))
    button.click()
    # Dagster opens a dialog only when something needs confirming (config, partitions,
    # missing upstream data); launch from it if it appears.
    try:
        launch = WebDriverWait(driver, 4).until(ec.element_to_be_clickable(
            (By.XPATH, "//*[@role='dialog']//button[contains(., 'Launch') or contains(., 'Materialize')]")))
    except Exception:  # no dialog: the run was launched directly
        return
    launch.click()


def _expand_all_groups(driver) -> None:
    """With several groups the global graph starts collapsed to one box per group; show the assets
    (the graph's own shortcut, Alt+E = "Expand all groups")."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 60).until(ec.element_to_be_clickable(
        (By.XPATH, "//button[starts-with(normalize-space(.), 'Materialize all')]")))
    time.sleep(1)
    ActionChains(driver).key_down(Keys.ALT).send_keys("e").key_up(Keys.ALT).perform()


def _wait_for_run(dagster: Dagster) -> dict:
    deadline = time.monotonic() + RUN_TIMEOUT_S
    runs: list[dict] = []
    while time.monotonic() < deadline:
        runs = dagster.graphql(RUNS_QUERY)["runsOrError"]["results"]
        if runs and runs[0]["status"] in FINISHED:
            return runs[0]
        time.sleep(1)
    pytest.fail(f"no finished run within {RUN_TIMEOUT_S}s (runs: {runs})\n{dagster.log_tail()}")


def _latest_materialisation(dagster: Dagster, asset: str) -> tuple[str, dict[str, dict]]:
    data = dagster.graphql(ASSET_QUERY, {"key": {"path": [asset]}})["assetOrError"]
    assert data["__typename"] == "Asset", (asset, data)
    [event] = data["assetMaterializations"]
    return event["runId"], {entry["label"]: entry for entry in event["metadataEntries"]}


def _screenshot(driver, dagster: Dagster, name: str, ready: str | tuple[str, int] | None = None) -> Path:
    """Save a screenshot once the page shows `ready` (a text, or (text, how many times))."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    text, times = (ready, 1) if isinstance(ready, str) else ready or ("", 0)
    try:
        WebDriverWait(driver, 30).until(
            lambda d: d.find_element(By.TAG_NAME, "body").text.count(text) >= times)
        shown = True
    except TimeoutException:
        shown = False  # save the picture anyway: it shows what the page showed instead
    time.sleep(1.5)  # let the graph finish its layout animation and images decode
    path = dagster.tmp / name
    assert driver.save_screenshot(str(path)), f"could not save {path}"
    if os.environ.get(SCREENSHOT_DIR_ENV):
        target = Path(os.environ[SCREENSHOT_DIR_ENV])
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target / name)
    assert shown, f"{text!r} not shown {times} times on {driver.current_url}; see {path}"
    return path


def test_materialize_all_from_the_ui(browser, dagster: Dagster) -> None:
    driver = browser
    driver.get(f"{dagster.url}/asset-groups")
    _click_materialize_all(driver)
    run = _wait_for_run(dagster)
    assert run["status"] == "SUCCESS", f"{run}\n{dagster.log_tail()}"

    for asset in ALL_ASSETS:
        run_id, metadata = _latest_materialisation(dagster, asset)
        assert run_id == run["runId"], asset
        if asset in TABLE_ASSETS:
            assert metadata["dagster/row_count"]["intValue"] > 0, asset
    run_id, report = _latest_materialisation(dagster, "entity_report")
    assert run_id == run["runId"]
    for chart in ("top_entities", "cooccurrence_network"):
        assert report[chart]["mdStr"].startswith("![") and "data:image/png;base64," in report[chart]["mdStr"]
        assert Path(report[f"{chart}_path"]["path"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert Path(report["top_entities_path"]["path"]).parent == dagster.tmp / "data" / "reports"

    driver.get(f"{dagster.url}/asset-groups")
    _expand_all_groups(driver)
    # The graph is drawn. Its nodes may be small ones without their "Materialized <time>"
    # line (they were, once the quotes asset was added), so the run's materialisation of
    # every asset is checked above, from the API.
    graph = _screenshot(driver, dagster, "asset_graph.png", ("published_dataset", 1))
    driver.get(f"{dagster.url}/assets/entity_report")
    page = _screenshot(driver, dagster, "entity_report.png", "top_entities_path")
    chart = _open_markdown(driver, "top_entities")
    shown = _screenshot(driver, dagster, "entity_report_chart.png")
    assert chart["width"] > 300, chart  # the embedded PNG decoded and drew in the dialog
    for picture in (graph, page, shown):
        assert picture.stat().st_size > 10_000, picture


def _open_markdown(driver, key: str) -> dict:
    """Click the metadata row's "[Show Markdown]" and wait for its image to render; its size."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(ec.element_to_be_clickable(
        (By.XPATH, f"//tr[td[normalize-space(.)='{key}']]//*[normalize-space(text())='[Show Markdown]']"))
    ).click()
    rendered = "return [...document.querySelectorAll('[role=dialog] img[src^=\"data:image/png\"]')]" \
               ".filter(i => i.complete && i.naturalWidth > 0).map(i => ({width: i.naturalWidth}))[0]"
    return WebDriverWait(driver, 20).until(lambda d: d.execute_script(rendered))
