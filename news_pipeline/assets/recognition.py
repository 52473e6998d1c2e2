import dagster as dg

from news_pipeline.assets.metadata import stored_table_metadata
from news_pipeline.ner import NER_VERSION
from news_pipeline.quotes.spans import QUOTES_VERSION
from news_pipeline.resources import WAREHOUSE_POOL, NerModel, PipelinePaths, Processing
from news_pipeline.stages.recognition import recognise_changed_articles

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
    labels = warehouse.read("_spans", ["label"])["label"]
    return dg.MaterializeResult(metadata={
        **stored_table_metadata(warehouse, "_spans", PREVIEW_COLUMNS, report),
        "mentions_by_label": dg.MetadataValue.json(labels.value_counts().to_dict()),
    })
