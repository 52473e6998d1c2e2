"""Charts of the dataset as PNG bytes (Pillow, no GUI): who is mentioned most, and with whom."""

from news_pipeline.reports.charts import cooccurrence_network_chart, top_entities_chart
from news_pipeline.reports.layout import spring_layout

__all__ = ["cooccurrence_network_chart", "spring_layout", "top_entities_chart"]
