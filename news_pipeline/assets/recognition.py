import dagster as dg

from news_pipeline.assets.metadata import table_metadata
from news_pipeline.ner import NER_VERSION
from news_pipeline.resources import NerModel, PipelinePaths, Processing
from news_pipeline.stages.recognition import recognise_changed_articles


@dg.asset(deps=["articles"], group_name="ner", code_version=NER_VERSION, kinds={"spacy"})
def ner_spans(context: dg.AssetExecutionContext, paths: PipelinePaths, ner: NerModel,
              processing: Processing) -> dg.MaterializeResult:
    """Entity mentions found by the recogniser in each article, before resolution."""
    warehouse = paths.warehouse()
    recogniser = ner.load()
    report = recognise_changed_articles(warehouse, recogniser, context.log, spec=ner.model,
                                        n_process=processing.n_process)
    spans = warehouse.read("_spans")
    return dg.MaterializeResult(metadata={
        **table_metadata("_spans", spans, f"{paths.warehouse_dir}/_spans", report),
        "mentions_by_label": dg.MetadataValue.json(spans["label"].value_counts().to_dict()),
    })
