"""Throughput, memory and incremental-rerun benchmark of the whole pipeline.

    python -m news_pipeline.benchmark.run --articles 1000

The corpus is generated from 10kGNAD (CC BY-NC-SA 4.0, benchmarks only) at run time into a
work folder outside the repository; no article text is ever written into the checkout.
"""
