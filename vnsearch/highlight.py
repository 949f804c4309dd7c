"""Marking a query's words in whole texts (an article page), as search marks them in snippets.

Search marks the words of the paragraphs it returns; an article shown in full needs the same
marks in every paragraph and in the title. The query is analysed by the one analysis chain
(``analysis.analyze_query``) and the words found by ``search.highlight.matched_spans``, the
tokenization snippets, phrases and proximity use: the rules are search's. Excluded words
(``-x``) are not marked.
"""

from __future__ import annotations

from functools import lru_cache

from . import query as qs
from . import text
from .analysis import analyze_query
from .search.highlight import Forms, highlight_forms, matched_spans


@lru_cache(maxsize=256)
def query_forms(query: str) -> Forms:
    """(exact, folded, loose) forms of the query's positive words (``highlight_forms``)."""
    shown = text.nfc(text.scrub(query))
    aq = analyze_query(qs.parse(shown), shown)
    return highlight_forms([leaf for leaf in aq.leaves() if leaf.is_text])


def mark_spans(value: str, query: str) -> list[tuple[int, int]]:
    """(start, end) of the query's words in ``value`` (NFC text), adjacent ones merged."""
    exact, folded, loose = query_forms(query)
    if not (exact or loose):
        return []
    return matched_spans(value, exact, folded, loose)
