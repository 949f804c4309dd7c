"""Search: query text → one analysed query → matches (``matching``) ranked (``ranking``) and
highlighted (``highlight``) into results (``results``); ``searcher`` runs the pipeline over an
open index.

    from vnsearch.search import Searcher, Filters, Weights, SORTS

The names are imported on first use (PEP 562): ``import vnsearch.search`` costs nothing, so
commands that never search (``index``, ``add``) do not load numpy and the search pipeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_names

if TYPE_CHECKING:  # for type checkers and editors; at run time, ``__getattr__`` below
    from .highlight import MARK_CLOSE, MARK_OPEN, make_snippet
    from .matching import ARTICLES, PARAGRAPHS, Filters, name_key
    from .ranking import DEFAULT_WEIGHTS, ArticleLanes, Weights
    from .results import SORTS, Hit, Passage, SearchResults
    from .searcher import Searcher

_WHERE = {
    "MARK_CLOSE": "highlight", "MARK_OPEN": "highlight", "make_snippet": "highlight",
    "ARTICLES": "matching", "PARAGRAPHS": "matching", "Filters": "matching", "name_key": "matching",
    "DEFAULT_WEIGHTS": "ranking", "ArticleLanes": "ranking", "Weights": "ranking",
    "Hit": "results", "Passage": "results", "SearchResults": "results",
    "SORTS": "results", "Searcher": "searcher",
}

__all__ = [
    "ARTICLES", "ArticleLanes", "DEFAULT_WEIGHTS", "Filters", "Hit", "MARK_CLOSE", "MARK_OPEN", "PARAGRAPHS", "Passage",
    "SORTS", "SearchResults", "Searcher", "Weights", "make_snippet", "name_key", "search",
]


__getattr__, __dir__ = lazy_names(__name__, _WHERE, __all__)


def search(
    query: str,
    index_dir: str,
    limit: int = 10,
    one_per_article: bool = False,
    restore_accents: bool = True,
    syntax: bool = True,
    filters: "Filters | None" = None,
    sort: str = "relevance",
    passages: int = 1,
    weights: "Weights | None" = None,
    interpret: bool = True,
) -> "SearchResults":
    """Ranked paragraphs for ``query`` from the index at ``index_dir`` (see ``Searcher``);
    ``weights``: the ranking's parameters, ``DEFAULT_WEIGHTS`` when None.

    Raises IndexUnavailable when the index cannot be opened, QueryError for an unknown sort
    or a query with nothing to find.
    """
    from .searcher import Searcher

    with Searcher(index_dir, weights) as searcher:
        return searcher.search(query, limit, one_per_article, restore_accents, syntax, filters, sort, passages,
                               interpret)
