"""Report asset: PNG charts of the dataset, embedded in the materialisation and written to disk."""

import base64
import os
import uuid
from pathlib import Path

import dagster as dg
from PIL import Image

from news_pipeline.reports.data import (
    fingerprint,
    network,
    read_chart_tables,
    timeline,
    top_entities,
    top_speakers,
)
from news_pipeline.resources import PipelinePaths

REPORT_VERSION = "report-3.1"
TOP_N = 10
NETWORK_N = 25
TIMELINE_N = 6
SPEAKERS_N = 15
CHARTS = {"top_entities": "Most mentioned entities per label",
          "cooccurrence_network": "Entity co-occurrence network",
          "timeline": "Articles per day and the most mentioned entities over time",
          "top_speakers": "Most quoted speakers"}
# PNG text key holding the digest of what a chart was drawn from.
INPUTS_KEY = "news_pipeline:inputs"


def write_atomically(path: Path, data: bytes) -> None:
    """Readers (and a browser refreshing the file) see the old picture or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Not mkstemp: its files are private (0600); "x" mode gives the usual umask permissions.
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temp, "xb") as file:
            file.write(data)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def embedded_png(png: bytes, title: str) -> dg.MetadataValue:
    """Markdown image with the PNG inline: the Dagster UI shows it in the asset's metadata."""
    return dg.MetadataValue.md(f"![{title}](data:image/png;base64,{base64.b64encode(png).decode('ascii')})")


def drawn_from(path: Path) -> str | None:
    """The inputs digest recorded in the chart at `path` (None: no chart of ours there).

    Pillow reads the text chunks before the image data without decoding the picture."""
    try:
        with Image.open(path) as image:
            return image.info.get(INPUTS_KEY)
    except OSError:  # missing, or not an image (Pillow's UnidentifiedImageError)
        return None


@dg.asset(deps=["published_dataset"], group_name="report",
          automation_condition=dg.AutomationCondition.eager(),
          code_version=REPORT_VERSION, kinds={"matplotlib"})
def entity_report(context: dg.AssetExecutionContext, paths: PipelinePaths) -> dg.MaterializeResult:
    """Charts of the most mentioned entities per label, of who is mentioned with whom, of
    articles per day with the top entities over time, and of the most quoted speakers,
    written as PNG files to the reports folder (NEWS_PIPELINE_REPORTS_DIR, default
    data/reports) and shown in the metadata. A chart whose data did not change since it was
    drawn is kept as it is, and matplotlib is not even imported."""
    snapshot = paths.warehouse().published()  # the tables of the last completed run
    tables = read_chart_tables(snapshot, NETWORK_N, timeline_n=TIMELINE_N)
    inputs = {"top_entities": top_entities(tables.entities, TOP_N),
              "cooccurrence_network": network(tables.entities, tables.cooccurrences, NETWORK_N),
              "timeline": timeline(tables.articles, tables.mentions, tables.entities, TIMELINE_N),
              "top_speakers": top_speakers(tables.quotes, tables.entities, SPEAKERS_N)}
    target = paths.reports_path
    metadata: dict[str, object] = {"n_entities": len(tables.entities), "n_pairs": tables.n_pairs}
    redrawn = []
    for name, data in inputs.items():
        path = target / f"{name}.png"
        digest = fingerprint(REPORT_VERSION, name, data)
        if drawn_from(path) == digest:
            png = path.read_bytes()
        else:
            png = _draw(name, data, {INPUTS_KEY: digest})
            write_atomically(path, png)
            redrawn.append(name)
        metadata[name] = embedded_png(png, CHARTS[name])
        metadata[f"{name}_path"] = dg.MetadataValue.path(str(path))
    metadata["redrawn"] = ", ".join(redrawn) or "none (data unchanged)"
    context.log.info(f"entity report in {target}; redrawn: {metadata['redrawn']}")
    return dg.MaterializeResult(metadata=metadata)


def _draw(name: str, data: object, text: dict[str, str]) -> bytes:
    from news_pipeline.reports.charts import DRAW  # loads matplotlib: only when a chart changed

    return DRAW[name](data, text)
