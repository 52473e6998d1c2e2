from collections import Counter

import dagster as dg
import pyarrow.compute as pc

from news_pipeline.assets.metadata import stored_table_metadata
from news_pipeline.ner import NER_VERSION
from news_pipeline.quotes.spans import QUOTES_VERSION
from news_pipeline.resources import WAREHOUSE_POOL, NerModel, PipelinePaths, Processing
from news_pipeline.stages.recognition import recognise_changed_articles
from news_pipeline.warehouse import Snapshot, count_rows, read_arrow
from news_pipeline.warehouse.delta import change_feed

PREVIEW_COLUMNS = ["article_id", "start", "end", "label", "text", "sentence_index"]


@dg.asset(deps=["articles"], group_name="ner", code_version=f"{NER_VERSION}+{QUOTES_VERSION}",
          kinds={"spacy"}, pool=WAREHOUSE_POOL)
def ner_spans(context: dg.AssetExecutionContext, paths: PipelinePaths, ner: NerModel,
              processing: Processing) -> dg.MaterializeResult:
    """Entity mentions found by the recogniser in each article, before resolution, and the
    article's quotations (extracted from the recogniser's sentences and spans)."""
    warehouse = paths.warehouse()
    # The stage loads the model only if there is work, and only in the processes doing it.
    report = recognise_changed_articles(warehouse, spec=ner.model, logger=context.log,
                                        n_process=processing.n_process, warm=ner.warm(),
                                        cluster=processing.cluster())
    ner.release_warm()
    metadata = stored_table_metadata(warehouse, "_spans", PREVIEW_COLUMNS, report)
    version = int(metadata["delta_version"])  # the snapshot the metadata describes
    snapshot = Snapshot(warehouse.root, {"_spans": version} if version >= 0 else {})
    return dg.MaterializeResult(metadata={
        **metadata,
        "mentions_by_label": dg.MetadataValue.json(_spans_by_label(context, snapshot)),
    })


def _spans_by_label(context: dg.AssetExecutionContext, snapshot: Snapshot) -> dict[str, int]:
    """Spans per label: the counts of the last materialisation plus the rows the change feed
    of `_spans` wrote and deleted since its version (a rerun reads its own changes, not the
    table); counted whole where the feed cannot say."""
    event = context.instance.get_latest_materialization_event(context.asset_key)
    before = event.asset_materialization.metadata if event and event.asset_materialization else {}
    counts, version, path = (before.get(key) for key in ("mentions_by_label", "delta_version", "path"))
    # Counted on this table (not one of another warehouse under the same Dagster home).
    same_table = isinstance(path, dg.PathMetadataValue) and path.value == snapshot.uri("_spans")
    if (same_table and isinstance(counts, dg.JsonMetadataValue) and isinstance(counts.value, dict)
            and isinstance(version, dg.IntMetadataValue) and version.value is not None):
        feed = change_feed(snapshot, "_spans", version.value, ["label"])
        if feed is not None:
            labels = Counter(counts.value)
            labels.update(feed.filter(feed.column("written")).column("label").to_pylist())
            labels.subtract(feed.filter(pc.invert(feed.column("written"))).column("label").to_pylist())
            if min(labels.values(), default=0) >= 0 and labels.total() == count_rows(snapshot, "_spans"):
                return _by_count(labels)
    counted = pc.value_counts(read_arrow(snapshot, "_spans", ["label"]).column("label"))
    return _by_count(Counter({str(row["values"]): int(row["counts"]) for row in counted.to_pylist()}))


def _by_count(labels: Counter[str]) -> dict[str, int]:
    return {label: n for label, n in labels.most_common() if n}
