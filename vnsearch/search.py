"""Search: query text → the one Whoosh query builder → ranked, highlighted paragraphs.

Plain words become several lanes over the same paragraph, whose BM25F scores add up:

- folded syllables (every hit, whatever diacritics were typed or written),
- accent-exact syllables, when the query carries diacritics (exact matches rank first),
- the query's syllables adjacent and in order (folded, and exact when typed with diacritics),
- all the query's syllables present,
- pyvi's compound words of the query ("hộ_tịch"),
- the same words in the article's title, weighted lower.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from whoosh import query as wq
from whoosh.scoring import BM25F

from . import query as qs
from . import text
from .analysis import QueryToken, analyze, compounds
from .indexer import open_index
from .schema import (
    CONTENT_EXACT,
    CONTENT_FOLDED,
    CONTENT_WORDS,
    TITLE_EXACT,
    TITLE_FOLDED,
)

# Lane weights, relative to the folded-syllable lane (1.0).
W_EXACT = 1.0
W_PHRASE = 1.5
W_PHRASE_EXACT = 1.0
W_ALL = 1.0
W_WORDS = 1.0
W_TITLE = 0.3

SNIPPET_CHARS = 240


@dataclass
class Hit:
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

    def to_dict(self) -> dict:
        d = asdict(self)
        for key in ("spans", "snippet_plain", "url"):
            d.pop(key)
        return d


@dataclass
class SearchResults:
    query: str
    total: int
    hits: list[Hit]
    interpreted_as: str | None = None

    def to_dict(self) -> dict:
        d = {"query": self.query, "total": self.total, "results": [h.to_dict() for h in self.hits]}
        if self.interpreted_as:
            d["interpreted_as"] = self.interpreted_as
        return d


MARK_OPEN = "**"
MARK_CLOSE = "**"


# --------------------------------------------------------------------------- query building


def _unique(items):
    return list(dict.fromkeys(items))


def _or(queries):
    queries = [q for q in queries if q is not None]
    if not queries:
        return None
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _boost(q, weight):
    if q is not None:
        q.boost = weight
    return q


def _terms(fieldname, words):
    return _or([wq.Term(fieldname, w) for w in _unique(words)])


def _words_query(tokens: list[QueryToken], exact_field: str, folded_field: str, words: bool):
    """The lanes of one run of plain words (see the module docstring)."""
    if not tokens:
        return None
    typed_exact = any(t.exact != t.folded for t in tokens)
    folded = [t.folded for t in tokens]
    exact = [t.exact for t in tokens]
    lanes = [_terms(folded_field, folded)]
    if typed_exact:
        lanes.append(_boost(_terms(exact_field, exact), W_EXACT))
    if len(tokens) > 1:
        lanes.append(wq.Phrase(folded_field, folded, boost=W_PHRASE))
        if typed_exact:
            lanes.append(wq.Phrase(exact_field, exact, boost=W_PHRASE_EXACT))
        if len(set(folded)) > 1:
            lanes.append(wq.And([wq.Term(folded_field, f) for f in _unique(folded)], boost=W_ALL))
    if words and typed_exact:
        lanes.append(_boost(_terms(CONTENT_WORDS, compounds(tokens)), W_WORDS))
    return _or(lanes)


def _phrase_query(tokens: list[QueryToken], exact_field: str, folded_field: str):
    """A quoted phrase: the syllables adjacent and in order, diacritics or not; exact first."""
    if not tokens:
        return None
    folded = [t.folded for t in tokens]
    base = wq.Term(folded_field, folded[0]) if len(tokens) == 1 else wq.Phrase(folded_field, folded)
    if not any(t.exact != t.folded for t in tokens):
        return base
    exact = [t.exact for t in tokens]
    exact_q = wq.Term(exact_field, exact[0]) if len(tokens) == 1 else wq.Phrase(exact_field, exact)
    return wq.AndMaybe(base, _boost(exact_q, W_EXACT))


def _exclusion(node) -> wq.Query | None:
    """What ``-x`` removes: paragraphs with x as typed (exact when typed with diacritics)."""
    tokens = analyze(node.text)
    if not tokens:
        return None
    typed_exact = any(t.exact != t.folded for t in tokens)
    fields = _fields(node.field)
    fieldname = fields[0] if typed_exact else fields[1]
    forms = [t.exact if typed_exact else t.folded for t in tokens]
    if isinstance(node, qs.Phrase) and len(forms) > 1:
        return wq.Phrase(fieldname, forms)
    return wq.And([wq.Term(fieldname, f) for f in _unique(forms)])


def _fields(field_name: str | None) -> tuple[str, str]:
    if field_name == "title":
        return TITLE_EXACT, TITLE_FOLDED
    return CONTENT_EXACT, CONTENT_FOLDED


def _content_and_title(tokens, builder):
    content = builder(tokens, CONTENT_EXACT, CONTENT_FOLDED)
    title = builder(tokens, TITLE_EXACT, TITLE_FOLDED)
    if content is None:
        return None
    return wq.Or([content, _boost(title, W_TITLE)])


def build_query(node: qs.Node) -> wq.Query | None:
    """The one place where query trees become Whoosh queries. None: nothing to search for."""
    if isinstance(node, qs.Words):
        tokens = analyze(node.text)
        if node.field:
            ef, ff = _fields(node.field)
            return _words_query(tokens, ef, ff, words=False)
        return _content_and_title(tokens, lambda t, ef, ff: _words_query(t, ef, ff, ef == CONTENT_EXACT))
    if isinstance(node, qs.Phrase):
        tokens = analyze(node.text)
        if node.field:
            return _phrase_query(tokens, *_fields(node.field))
        return _content_and_title(tokens, _phrase_query)
    if isinstance(node, qs.AnyOf):
        return _or([build_query(n) for n in node.nodes])
    if isinstance(node, qs.AllOf):
        positive = [build_query(n) for n in node.nodes if not isinstance(n, qs.Not)]
        positive = [q for q in positive if q is not None]
        negative = [_exclusion(n.node) for n in node.nodes if isinstance(n, qs.Not)]
        negative = [q for q in negative if q is not None]
        if not positive:
            return None
        q = positive[0] if len(positive) == 1 else wq.And(positive)
        return wq.AndNot(q, _or(negative)) if negative else q
    if isinstance(node, qs.Not):  # a lone exclusion matches nothing to rank
        return None
    raise TypeError(f"unknown query node {node!r}")


# --------------------------------------------------------------------------- highlighting


def _highlight_forms(node: qs.Node, exact: set[str], folded: set[str]) -> None:
    """The syllables the user searched for (exclusions left out): exact forms of what was
    typed with diacritics, folded forms of everything."""
    if isinstance(node, (qs.Words, qs.Phrase)):
        tokens = analyze(node.text)
        folded.update(t.folded for t in tokens)
        if any(t.exact != t.folded for t in tokens):
            exact.update(t.exact for t in tokens)
    elif isinstance(node, (qs.AnyOf, qs.AllOf)):
        for n in node.nodes:
            _highlight_forms(n, exact, folded)


def _matched_spans(paragraph: str, exact: set[str], folded: set[str]) -> list[tuple[int, int]]:
    """Spans of the paragraph's syllables that match: exact forms when the query had
    diacritics and the paragraph has them, else folded forms. Adjacent matches merge
    ("hộ tịch" is one span)."""
    syllables = []
    for start, end in text.syllable_spans(paragraph):
        form = text.normalize(paragraph[start:end]).lower()
        syllables.append((start, end, form, text.fold(form)))
    hits = [(s, e) for s, e, form, _ in syllables if form in exact]
    if not hits:
        hits = [(s, e) for s, e, _, form in syllables if form in folded]
    merged: list[tuple[int, int]] = []
    for s, e in hits:
        if merged and paragraph[merged[-1][1]:s].isspace():
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _window(paragraph: str, spans, size: int = SNIPPET_CHARS) -> tuple[int, int]:
    """The stretch of at most ``size`` characters that holds the most matched words."""
    if len(paragraph) <= size:
        return 0, len(paragraph)
    best, best_start = -1, 0
    for i, (start, _) in enumerate(spans):
        count = sum(1 for s, e in spans[i:] if e <= start + size)
        if count > best:
            best, best_start = count, start
    lead = max(0, best_start - size // 4)
    # Start and end on word boundaries (any white space: news text is full of U+00A0).
    while 0 < lead < best_start and not paragraph[lead - 1].isspace():
        lead -= 1
    end = min(len(paragraph), lead + size)
    while lead < end < len(paragraph) and not paragraph[end].isspace():
        end -= 1
    return lead, end


def make_snippet(
    paragraph: str, exact: set[str], folded: set[str]
) -> tuple[str, str, list[tuple[int, int]]]:
    """(marked snippet, plain snippet, spans in the plain snippet) around the matched words."""
    spans = _matched_spans(paragraph, exact, folded)
    lo, hi = _window(paragraph, spans)
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(paragraph) else ""
    plain_text = prefix + paragraph[lo:hi] + suffix
    shift = len(prefix) - lo
    local = [(s + shift, e + shift) for s, e in spans if s >= lo and e <= hi]
    marked, last = [], 0
    for s, e in local:
        marked.append(plain_text[last:s] + MARK_OPEN + plain_text[s:e] + MARK_CLOSE)
        last = e
    marked.append(plain_text[last:])
    return "".join(marked), plain_text, local


# --------------------------------------------------------------------------- running


def search(query: str, index_dir: str, limit: int = 10) -> SearchResults:
    """Ranked paragraphs for ``query`` from the index at ``index_dir``.

    Raises IndexUnavailable when the index cannot be opened. Any query text is accepted.
    """
    ix = open_index(index_dir)
    node = qs.parse(text.nfc(query))
    q = build_query(node)
    if q is None:
        return SearchResults(query, 0, [])
    exact_forms: set[str] = set()
    folded_forms: set[str] = set()
    _highlight_forms(node, exact_forms, folded_forms)
    with ix.searcher(weighting=BM25F()) as searcher:
        results = searcher.search(q, limit=max(1, limit))
        total = len(results)
        hits = []
        for r in results[:limit]:
            snippet, snippet_plain, spans = make_snippet(r["text"], exact_forms, folded_forms)
            hits.append(
                Hit(
                    article_id=r["article_id"],
                    title=r.get("title", ""),
                    paragraph=r["para"],
                    text=r["text"],
                    score=round(float(r.score), 4),
                    snippet=snippet,
                    date=r.get("date"),
                    source=r.get("source"),
                    url=r.get("url"),
                    spans=spans,
                    snippet_plain=snippet_plain,
                )
            )
    return SearchResults(query, total, hits)

