"""Search: query text → one analysed query → matches (``matching``) ranked (``ranking``) and
highlighted (``highlight``) into results (``results``); ``searcher`` runs the pipeline over an
open index.

    from vnsearch.search import Searcher, Filters, Weights, SORTS
"""

from .highlight import MARK_CLOSE, MARK_OPEN, make_snippet
from .matching import ARTICLES, PARAGRAPHS, Filters, name_key
from .ranking import DEFAULT_WEIGHTS, ArticleLanes, Weights
from .results import Hit, Passage, SearchResults
from .searcher import SORTS, Searcher, search

__all__ = [
    "ARTICLES", "DEFAULT_WEIGHTS", "Filters", "Hit", "MARK_CLOSE", "MARK_OPEN", "PARAGRAPHS", "Passage",
    "ArticleLanes", "SORTS", "SearchResults", "Searcher", "Weights", "make_snippet", "name_key", "search",
]
