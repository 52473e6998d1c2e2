"""Charts of the dataset as PNG bytes (matplotlib, no GUI): who is mentioned most, and with whom.

The chart functions are imported on first use: selecting chart data (reports.data) does not
need matplotlib.
"""

from news_pipeline.reports.layout import spring_layout

_CHARTS = ("cooccurrence_network_chart", "top_entities_chart")


def __getattr__(name: str) -> object:
    if name in _CHARTS:
        from news_pipeline.reports import charts

        return getattr(charts, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["cooccurrence_network_chart", "spring_layout", "top_entities_chart"]
