"""What a search returns: hits (paragraphs, or articles with their best paragraphs) and the
totals, as plain records with ``to_dict`` for JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

SORTS = ("relevance", "date")  # the orders a search can return its hits in


@dataclass
class Passage:
    """Another matching paragraph of a hit's article (``by_article`` searches)."""

    paragraph: int
    score: float
    snippet: str
    spans: list[tuple[int, int]] = field(default_factory=list)
    snippet_plain: str = ""

    def to_dict(self) -> dict:
        return {"paragraph": self.paragraph, "score": self.score, "snippet": self.snippet}


@dataclass
class Hit:
    """A matching paragraph (with ``by_article``: its article, by its best paragraph) and how
    to show it: ``snippet`` with the matched words marked, ``partial`` when it holds only some
    of the query."""

    article_id: str
    title: str
    paragraph: int
    text: str
    score: float
    snippet: str  # with matched words between MARK_OPEN and MARK_CLOSE
    date: str | None = None
    source: str | None = None
    url: str | None = None
    # (start, end) of each matched word in ``snippet_plain``, for callers that colour them
    spans: list[tuple[int, int]] = field(default_factory=list)
    snippet_plain: str = ""
    also: list[Passage] = field(default_factory=list)  # the article's next best paragraphs
    partial: bool = False  # holds only some of the query (ranked below every full match)

    def to_dict(self) -> dict:
        d = asdict(self)
        for key in ("spans", "snippet_plain", "also"):
            d.pop(key)
        if self.also:
            d["also"] = [p.to_dict() for p in self.also]
        return d


@dataclass
class SearchResults:
    """``total``: how many matches (every query word, phrase and filter held) there are, in
    ``total_unit`` ("paragraphs", or "articles" for by-article searches). ``partial``: nothing
    matched fully, and ``hits`` are the best partial matches (relevance order only)."""

    query: str
    total: int
    hits: list[Hit]
    interpreted_as: str | None = None
    total_unit: str = "paragraphs"
    partial: bool = False
    suggestion: str | None = None  # the query with its typos corrected: "did you mean"

    def to_dict(self) -> dict:
        d = {
            "query": self.query,
            "total": self.total,
            "total_unit": self.total_unit,
            "partial": self.partial,
            "results": [h.to_dict() for h in self.hits],
        }
        if self.interpreted_as:
            d["interpreted_as"] = self.interpreted_as
        if self.suggestion:
            d["suggestion"] = self.suggestion
        return d
