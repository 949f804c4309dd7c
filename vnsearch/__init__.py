"""vnsearch: full-text search for Vietnamese news, with or without diacritics.

    >>> import vnsearch
    >>> report = vnsearch.update_index("seeds", "index")     # build or update
    >>> results = vnsearch.search("ho tich", "index", limit=5)
    >>> results.hits[0].article_id, results.hits[0].snippet

The CLI (`vnsearch`) is a thin layer over these names.
"""

__version__ = "0.1.0"

from .add import AddReport, add_articles
from .catalog import ArticleView, IndexStats, get_article, index_stats
from .corpus import Article, read_corpus
from .errors import CorpusError, CorpusMismatch, IndexUnavailable, QueryError, VnsearchError
from .indexer import UpdateReport, check_index, index_exists, update_index
from .search import ArticleLanes, Filters, Hit, Searcher, SearchResults, Weights, search
from .synonyms import Synonyms

__all__ = [
    "AddReport",
    "Article",
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
    "ArticleLanes",
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
