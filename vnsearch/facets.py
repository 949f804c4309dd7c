"""Facets: how the articles of a result set spread over years, months, sources and topics.

Counted from the article records of an open ``Searcher`` for a given set of article ids, so it
works for any way of choosing the set: today the articles of a search's hits (``search`` with
``one_per_article``), later the full match set of a query. Also the topic test that the search
filters do not have yet (topics are stored, not indexed).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from . import text


@dataclass
class Facets:
    """Counts of articles per value, most articles first (years and months newest first)."""

    articles: int = 0  # how many articles were counted
    years: list[tuple[str, int]] = field(default_factory=list)
    months: list[tuple[str, int]] = field(default_factory=list)  # YYYY-MM
    sources: list[tuple[str, int]] = field(default_factory=list)
    topics: list[tuple[str, int]] = field(default_factory=list)
    undated: int = 0

    def to_dict(self) -> dict:
        def rows(key: str, counts: list[tuple[str, int]]) -> list[dict]:
            return [{key: value, "articles": n} for value, n in counts]

        return {
            "articles": self.articles,
            "years": rows("year", self.years),
            "months": rows("month", self.months),
            "sources": rows("source", self.sources),
            "topics": rows("topic", self.topics),
            "undated": self.undated,
        }


def _by_count(counter: Counter) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def _newest_first(counter: Counter) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: item[0], reverse=True)


def facet_counts(searcher, article_ids: Iterable[str]) -> Facets:
    """Facets of the articles ``article_ids`` (each counted once; unknown ids ignored) in the
    index open in ``searcher`` (a ``vnsearch.Searcher``)."""
    years: Counter = Counter()
    months: Counter = Counter()
    sources: Counter = Counter()
    topics: Counter = Counter()
    counted = undated = 0
    for article_id in dict.fromkeys(article_ids):
        record = searcher.article(article_id)
        if not record:
            continue
        counted += 1
        date = record.get("date")
        if date:
            years[date[:4]] += 1
            months[date[:7]] += 1
        else:
            undated += 1
        if record.get("source"):
            sources[record["source"]] += 1
        if record.get("topic"):
            topics[record["topic"]] += 1
    return Facets(counted, _newest_first(years), _newest_first(months), _by_count(sources), _by_count(topics), undated)


def _key(value: str) -> str:
    return text.fold(text.nfc(value)).lower().strip()


def topic_matches(topic: str | None, wanted: str | None) -> bool:
    """True when an article's ``topic`` contains ``wanted``, case and diacritics ignored (as
    the source filter reads sources: "the thao" matches "Thể thao"); any topic when
    ``wanted`` is empty."""
    if not wanted or not wanted.strip():
        return True
    return bool(topic) and _key(wanted) in _key(topic)
