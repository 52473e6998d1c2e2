"""`python -m news_pipeline ...` is the `news-pipeline` command."""

from news_pipeline.cli import main

raise SystemExit(main())
