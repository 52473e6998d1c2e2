"""Who said what: direct, indirect and mixed quotations in German news text, attributed to
the entity mentions of their speakers (docs/quotes.md).

    from news_pipeline.quotes import extract_quotes
    quotes = extract_quotes(article_text, mentions)   # -> list[Quote]
"""

from news_pipeline.quotes.extract import KINDS, MentionLike, Quote, QuoteExtractor, extract_quotes

__all__ = ["KINDS", "MentionLike", "Quote", "QuoteExtractor", "extract_quotes"]
