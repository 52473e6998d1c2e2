"""Report asset: PNG charts of the entities, embedded in the materialisation and written to disk."""

import base64
import os
import uuid
from pathlib import Path

import dagster as dg

from news_pipeline.resources import PipelinePaths
from news_pipeline.warehouse.warehouse import read_table

REPORT_VERSION = "report-1.0"
TOP_N = 10
NETWORK_N = 25
CHARTS = {"top_entities": "Most mentioned entities per label",
          "cooccurrence_network": "Entity co-occurrence network"}


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


@dg.asset(deps=["entities", "mentions", "cooccurrences"], group_name="report",
          code_version=REPORT_VERSION, kinds={"matplotlib"})
def entity_report(context: dg.AssetExecutionContext, paths: PipelinePaths) -> dg.MaterializeResult:
    """Charts of the most mentioned entities per label and of who is mentioned with whom,
    written as PNG files to data/reports/ (beside the warehouse) and shown in the metadata."""
    # Imported here: loading definitions (UI, CLI, sensors) need not import matplotlib.
    from news_pipeline.reports import cooccurrence_network_chart, top_entities_chart

    snapshot = paths.warehouse().snapshots.current()  # one snapshot for both tables
    entities = read_table(snapshot, "entities")
    cooccurrences = read_table(snapshot, "cooccurrences")
    pngs = {"top_entities": top_entities_chart(entities, TOP_N),
            "cooccurrence_network": cooccurrence_network_chart(entities, cooccurrences, NETWORK_N)}
    target = reports_dir(paths)
    metadata: dict[str, object] = {"n_entities": len(entities), "n_pairs": len(cooccurrences)}
    for name, png in pngs.items():
        path = target / f"{name}.png"
        write_atomically(path, png)
        metadata[name] = embedded_png(png, CHARTS[name])
        metadata[f"{name}_path"] = dg.MetadataValue.path(str(path))
    context.log.info(f"entity report written to {target}")
    return dg.MaterializeResult(metadata=metadata)
