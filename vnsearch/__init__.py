"""vnsearch: full-text search for Vietnamese news, with or without diacritics.

    >>> import vnsearch
    >>> report = vnsearch.update_index("seeds", "index")     # build or update
    >>> results = vnsearch.search("ho tich", "index", limit=5)
    >>> results.hits[0].article_id, results.hits[0].snippet

The CLI (`vnsearch`) is a thin layer over these names. Each is imported on first use (PEP
562): a command loads what it uses, so `vnsearch query` never imports the corpus readers, the
index writer or the web stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lazy import lazy_names, lean_imports

__version__ = "0.1.0"

lean_imports()  # before any vnsearch module imports Whoosh or pycrfsuite

from .search import search  # the function; imports nothing heavy (see ``search/__init__.py``)

if TYPE_CHECKING:  # for type checkers and editors; at run time, ``__getattr__`` below
    from .add import AddReport, add_articles
    from .catalog import ArticleView, IndexStats, get_article, index_stats
    from .corpus import Article, read_corpus
    from .errors import CorpusError, CorpusMismatch, IndexUnavailable, QueryError, VnsearchError
    from .indexer import UpdateReport, check_index, index_exists, update_index
    from .search import ArticleLanes, Filters, Hit, Searcher, SearchResults, Weights
    from .synonyms import Synonyms

_WHERE = {
    "AddReport": "add", "add_articles": "add",
    "ArticleView": "catalog", "IndexStats": "catalog", "get_article": "catalog", "index_stats": "catalog",
    "Article": "corpus", "read_corpus": "corpus",
    "CorpusError": "errors", "CorpusMismatch": "errors", "IndexUnavailable": "errors", "QueryError": "errors",
    "VnsearchError": "errors",
    "UpdateReport": "indexer", "check_index": "indexer", "update_index": "indexer",
    "index_exists": "store",
    "ArticleLanes": "search", "Filters": "search", "Hit": "search", "Searcher": "search", "SearchResults": "search", "Weights": "search",
    "Synonyms": "synonyms",
}

__all__ = [
    "AddReport",
    "Article",
    "ArticleLanes",
    "ArticleView",
    "CorpusError",
    "CorpusMismatch",
    "Filters",
    "Hit",
    "IndexStats",
    "IndexUnavailable",
    "QueryError",
    "SearchResults",
    "Searcher",
    "Synonyms",
    "UpdateReport",
    "VnsearchError",
    "Weights",
    "__version__",
    "add_articles",
    "check_index",
    "get_article",
    "index_stats",
    "index_exists",
    "read_corpus",
    "search",
    "update_index",
]


__getattr__, __dir__ = lazy_names(__name__, _WHERE, __all__)
