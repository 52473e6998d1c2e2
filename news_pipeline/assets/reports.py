"""Report asset: PNG charts of the entities, embedded in the materialisation and written to disk."""

import base64
import os
import uuid
from pathlib import Path

import dagster as dg

from news_pipeline.reports.charts import draw_network, draw_top_entities
from news_pipeline.reports.data import fingerprint, network, read_chart_tables, top_entities
from news_pipeline.reports.png import text_of, with_text
from news_pipeline.resources import PipelinePaths

REPORT_VERSION = "report-2.1"
TOP_N = 10
NETWORK_N = 25
CHARTS = {"top_entities": "Most mentioned entities per label",
          "cooccurrence_network": "Entity co-occurrence network"}
# PNG text key holding the digest of what a chart was drawn from.
INPUTS_KEY = "news_pipeline:inputs"


def reports_dir(paths: PipelinePaths) -> Path:
    """Next to the warehouse: data/warehouse -> data/reports."""
    return Path(paths.warehouse_dir).parent / "reports"


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
    """The inputs digest recorded in the chart at `path` (None: no such chart)."""
    try:
        return text_of(path.read_bytes()).get(INPUTS_KEY)
    except OSError:
        return None


@dg.asset(deps=["published_dataset"], group_name="report",
          code_version=REPORT_VERSION, kinds={"pillow"})
def entity_report(context: dg.AssetExecutionContext, paths: PipelinePaths) -> dg.MaterializeResult:
    """Charts of the most mentioned entities per label and of who is mentioned with whom,
    written as PNG files to data/reports/ (beside the warehouse) and shown in the metadata.
    A chart whose data did not change since it was drawn is kept as it is."""
    snapshot = paths.warehouse().published()  # the tables of the last completed run
    tables = read_chart_tables(snapshot, NETWORK_N)
    inputs = {"top_entities": top_entities(tables.entities, TOP_N),
              "cooccurrence_network": network(tables.entities, tables.cooccurrences, NETWORK_N)}
    target = reports_dir(paths)
    metadata: dict[str, object] = {"n_entities": len(tables.entities), "n_pairs": tables.n_pairs}
    redrawn = []
    for name, data in inputs.items():
        path = target / f"{name}.png"
        digest = fingerprint(REPORT_VERSION, name, data)
        if drawn_from(path) == digest:
            png = path.read_bytes()
        else:
            png = with_text(_draw(name, data), INPUTS_KEY, digest)
            write_atomically(path, png)
            redrawn.append(name)
        metadata[name] = embedded_png(png, CHARTS[name])
        metadata[f"{name}_path"] = dg.MetadataValue.path(str(path))
    metadata["redrawn"] = ", ".join(redrawn) or "none (data unchanged)"
    context.log.info(f"entity report in {target}; redrawn: {metadata['redrawn']}")
    return dg.MaterializeResult(metadata=metadata)


def _draw(name: str, data: object) -> bytes:
    return draw_top_entities(data) if name == "top_entities" else draw_network(data)
