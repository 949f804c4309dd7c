"""What an index holds: one article in full (``vnsearch show``) and the counts of the whole
(``vnsearch stats``). Read-only; built on the search side's cached arrays."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field

import numpy as np

from .store import reading, recorded_corpus
from .schema import ARTICLE, CONTENT_FOLDED, CONTENT_WORDS, PARAGRAPH
from .search import Searcher


@dataclass
class ArticleView:
    id: str
    title: str
    paragraphs: list[str]
    date: str | None = None
    source: str | None = None
    url: str | None = None
    topic: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class IndexStats:
    articles: int
    paragraphs: int
    syllables: int  # distinct syllables, diacritics folded
    words: int  # distinct pyvi words, as written
    first_date: str | None
    last_date: str | None
    undated: int  # articles without a date
    sources: list[tuple[str, int]] = field(default_factory=list)  # most articles first
    index_bytes: int = 0
    corpus: str | None = None  # the corpus the index was last updated from (absolute path)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["sources"] = [{"source": name, "articles": n} for name, n in self.sources]
        return d


def get_article(index_dir: str, article_id: str) -> ArticleView | None:
    """The article with this id as indexed, or None. Raises IndexUnavailable."""
    with Searcher(index_dir) as searcher:
        return article_view(searcher, article_id)


def article_view(searcher: Searcher, article_id: str) -> ArticleView | None:
    """``get_article`` on an index already open (a server keeps one open)."""
    record = searcher.article(article_id)
    if not record:
        return None
    return ArticleView(
        id=article_id,
        title=record.get("title", ""),
        paragraphs=searcher.paragraphs(article_id),
        date=record.get("date"),
        source=record.get("source"),
        url=record.get("url"),
        topic=record.get("topic"),
    )


def _distinct_terms(reader, fieldname: str) -> int:
    if fieldname not in reader.indexed_field_names():
        return 0
    return sum(1 for _ in reader.field_terms(fieldname))


def index_stats(index_dir: str) -> IndexStats:
    """Counts over the live index. Raises IndexUnavailable."""
    with Searcher(index_dir) as searcher, reading(index_dir):
        cache = searcher._cache
        records = cache.kind_mask(ARTICLE) & cache.live
        days, day_codes = cache.field_codes("date")
        names, source_codes = cache.field_codes("source")
        dated = day_codes[records]
        counts = np.bincount(source_codes[records][source_codes[records] >= 0], minlength=len(names))
        used = sorted(dated[dated >= 0].tolist())
        return IndexStats(
            articles=int(records.sum()),
            paragraphs=int((cache.kind_mask(PARAGRAPH) & cache.live).sum()),
            syllables=_distinct_terms(cache.reader, CONTENT_FOLDED),
            words=_distinct_terms(cache.reader, CONTENT_WORDS),
            first_date=days[used[0]] if used else None,
            last_date=days[used[-1]] if used else None,
            undated=int((dated < 0).sum()),
            sources=sorted(((names[i], int(n)) for i, n in enumerate(counts) if n), key=lambda s: (-s[1], s[0])),
            index_bytes=sum(
                os.path.getsize(os.path.join(index_dir, n)) for n in os.listdir(index_dir)
                if os.path.isfile(os.path.join(index_dir, n))
            ),
            corpus=recorded_corpus(index_dir),
        )
