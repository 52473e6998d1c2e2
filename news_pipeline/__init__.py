"""news_pipeline: German news articles -> clean text -> resolved entities -> Parquet."""
