"""Search: query text → the one query builder → ranked, highlighted paragraphs.

A query is read by ``query.parse`` into a tree. From it this module builds, in one place:

- the *ranking plan*: every positive run of words scored in several lanes over the same
  paragraph, whose BM25 scores add up (``scoring``):
    folded syllables (every hit, whatever diacritics were typed or written),
    accent-exact syllables, only when the query carries diacritics (exact matches first),
    pyvi's compound words of the query ("hộ_tịch"),
    the same in the article's title, weighted lower;
  then a coverage factor (the share of the query's words, by idf, that the paragraph holds),
  and, for the best candidates, a proximity bonus for the query's words adjacent and in order;
- the *filter*, for queries with syntax (phrases, exclusions, OR, title:): a mask of the
  paragraphs that may match at all, computed on the same postings arrays (phrases checked on
  the stored text, or by Whoosh's positions when there are many candidates).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import numpy as np
from whoosh import query as wq
from whoosh.reading import TermNotFound

from . import query as qs
from . import text
from .analysis import READING_SEPARATOR, QueryToken, analyze, compounds
from .indexer import open_index, reading
from .schema import (
    ARTICLE,
    PARAGRAPH,
    CONTENT_EXACT,
    CONTENT_FOLDED,
    CONTENT_WORDS,
    TITLE_EXACT,
    TITLE_FOLDED,
)
from .dates import date_bounds
from .errors import QueryError
from .restore import restorable, restore_tokens
from .scoring import PostingsCache, add_bm25, idf
from .segment import syllabize

# Lane weights, relative to the folded-syllable lane (1.0).
W_EXACT = 1.0  # accent-exact syllables, when the query has diacritics
W_WORDS = 1.0  # pyvi compound words of the query
W_TITLE = 0.6  # the title lanes, relative to the paragraph lanes
COVERAGE_POWER = 0.5  # score × (share of the query's idf the paragraph's article holds) ** this
W_ALL = 0.5  # extra share for a paragraph that holds every word of the query
ARTICLE_COVERAGE = True  # coverage over the paragraph's whole article (see _Plan)
W_ADJACENT = 1.0  # per adjacent query word pair found adjacent, × the pair's mean idf
W_ADJACENT_EXACT = 0.5  # the same, in the exact spelling, when typed with diacritics
W_TRIGRAM = 1.0  # per three adjacent query words found adjacent, × their mean idf
RERANK = 100  # how many of the best candidates get the proximity bonus
PHRASE_VERIFY_MAX = 5000  # phrase candidates checked on stored text; beyond, Whoosh's positions

# Question words: in a question they ask, they are not what the answer is about; in a law or
# an encyclopedia they are rare, so BM25 gives them a high idf. In queries at least
# QUESTION_MIN_SYLLABLES long they weigh W_QUESTION instead of 1. Short (news keyword) queries
# keep them: "làm thế nào" may be what someone searches for. Exact forms are matched when
# typed with diacritics; without, only forms that cannot be other words ("dau" is đâu, đầu,
# dầu...).
QUESTION_EXACT = (
    "bao nhiêu", "bao lâu", "như thế nào", "thế nào", "ra sao", "là gì", "gì", "nào",
    "tại sao", "vì sao", "ai", "đâu", "hay không", "không", "có phải",
)
QUESTION_FOLDED = ("bao nhieu", "bao lau", "nhu the nao", "the nao", "tai sao", "vi sao", "hay khong", "la gi")
QUESTION_MIN_SYLLABLES = 6
W_QUESTION = 0.2

SNIPPET_CHARS = 240
MARK_OPEN = "**"
MARK_CLOSE = "**"


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

    def to_dict(self) -> dict:
        d = asdict(self)
        for key in ("spans", "snippet_plain", "also"):
            d.pop(key)
        if self.also:
            d["also"] = [p.to_dict() for p in self.also]
        return d


SORTS = ("relevance", "date")


@dataclass(frozen=True)
class Filters:
    """Which articles a search may return: dated within ``since``..``until`` (YYYY-MM-DD,
    inclusive, either open) and from a source whose name contains ``source`` (case and
    diacritics ignored: "dantri" matches "dantri.com.vn"). An article without a date is
    outside every date range."""

    since: str | None = None
    until: str | None = None
    source: str | None = None

    @classmethod
    def parse(cls, since: str | None = None, until: str | None = None, source: str | None = None) -> "Filters":
        """From what people type: ``since``/``until`` as 2021, 2021-03, 2021-03-05 or 5/3/2021
        (``until 2021`` is the end of 2021). Raises QueryError for a value that is no date."""
        try:
            first = date_bounds(since)[0] if since else None
            last = date_bounds(until)[1] if until else None
        except ValueError as e:
            raise QueryError(str(e))
        return cls(first, last, source.strip() if source and source.strip() else None)

    @property
    def active(self) -> bool:
        return bool(self.since or self.until or self.source)


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


# --------------------------------------------------------------------------- query building


@dataclass(frozen=True)
class Chunk:
    """One positive run of words of the query: plain words or a quoted phrase."""

    tokens: tuple[QueryToken, ...]
    title_only: bool
    restored: bool = False  # diacritics put back by ``restore``, not typed

    @property
    def typed_exact(self) -> bool:
        return any(t.exact != t.folded for t in self.tokens)

    def exact_forms(self) -> list[str]:
        """Syllables for the accent-exact lane: all of them when the user typed diacritics,
        only the restored ones when ``restore`` supplied them."""
        return _unique(t.exact for t in self.tokens if not self.restored or t.exact != t.folded)


def _unique(items):
    return list(dict.fromkeys(items))


def _chunks(node: qs.Node, out: list[Chunk]) -> list[Chunk]:
    """The positive runs of words of a query tree, in order (exclusions left out)."""
    if isinstance(node, (qs.Words, qs.Phrase)):
        tokens = tuple(analyze(node.text))
        if tokens:
            out.append(Chunk(tokens, node.field == "title"))
    elif isinstance(node, (qs.AnyOf, qs.AllOf)):
        for n in node.nodes:
            _chunks(n, out)
    return out


def _fields(field_name: str | None) -> tuple[str, str]:
    if field_name == "title":
        return TITLE_EXACT, TITLE_FOLDED
    return CONTENT_EXACT, CONTENT_FOLDED


def _exclusion_terms(node) -> tuple[str, list[str], list[QueryToken]]:
    """What ``-x`` removes, as (field, terms all required, phrase tokens or []): paragraphs
    (or titles, with title:) with x as typed, exact when typed with diacritics."""
    tokens = analyze(node.text)
    typed_exact = any(t.exact != t.folded for t in tokens)
    exact_field, folded_field = _fields(node.field)
    phrase = tokens if isinstance(node, qs.Phrase) and len(tokens) > 1 else []
    if typed_exact:
        return exact_field, _unique(t.exact for t in tokens), phrase
    return folded_field, _unique(t.folded for t in tokens), phrase


def _needs_filter(node: qs.Node) -> bool:
    """Plain words need none: every paragraph with any of them is a candidate."""
    return not (isinstance(node, qs.Words) and node.field is None)


# --------------------------------------------------------------------------- ranking

_WORD = re.compile(r"\w+")


@lru_cache(maxsize=200_000)
def _forms(syllable: str) -> tuple[str, str]:
    exact = text.normalize(syllable).lower()
    return exact, text.fold(exact)


def _sequences(paragraph: str) -> tuple[list[str], list[str]]:
    """The paragraph's syllables, exact and folded, in order (for adjacency)."""
    pairs = [_forms(m) for m in _WORD.findall(paragraph)]
    return [e for e, _ in pairs], [f for _, f in pairs]


def _folded_positions(passage: str) -> dict[int, str]:
    """position → folded syllable, positions counted as the index counts them (pyvi's
    syllabization, punctuation included), without running the CRF."""
    forms = {}
    for pos, (token, _, _) in enumerate(syllabize(text.normalize(passage))):
        if token[0].isalnum() or token[0] == "_":
            forms[pos] = _forms(token)[1]
    return forms


def has_phrase(passage: str, tokens: list[QueryToken]) -> bool:
    """True when the passage holds the tokens' folded syllables at the same relative
    positions (what a phrase query matches in the index)."""
    forms = _folded_positions(passage)
    offsets = [(t.pos - tokens[0].pos, t.folded) for t in tokens]
    return any(
        all(forms.get(p + off) == f for off, f in offsets) for p, f0 in forms.items() if f0 == tokens[0].folded
    )


def _query_pairs(chunk: Chunk, exact: bool) -> list[tuple[str, str]]:
    """Adjacent word pairs of a chunk (not across punctuation)."""
    toks = chunk.tokens
    return [
        ((a.exact, b.exact) if exact else (a.folded, b.folded))
        for a, b in zip(toks, toks[1:])
        if b.pos == a.pos + 1
    ]


def _question_tokens(chunk: Chunk) -> set[int]:
    """Indexes of the chunk's tokens that are question words (see QUESTION_EXACT)."""
    toks = chunk.tokens
    if len(toks) < QUESTION_MIN_SYLLABLES:
        return set()
    phrases = QUESTION_EXACT if chunk.typed_exact and not chunk.restored else QUESTION_FOLDED
    forms = [t.exact for t in toks] if phrases is QUESTION_EXACT else [t.folded for t in toks]
    marked: set[int] = set()
    for phrase in sorted(phrases, key=lambda p: -len(p.split())):
        words = phrase.split()
        n = len(words)
        for i in range(len(forms) - n + 1):
            if forms[i:i + n] == words and not marked & set(range(i, i + n)):
                marked.update(range(i, i + n))
    return marked


_NONE = np.zeros(0, dtype=np.int64)


class _Plan:
    """The scores of one query over every paragraph, and what proximity needs later."""

    def __init__(self, chunks: list[Chunk], cache: PostingsCache):
        self.chunks = chunks
        self.cache = cache
        n = cache.doc_count
        self.scores = np.zeros(n, dtype=np.float32)
        coverage = np.zeros(n, dtype=np.float32)
        total_idf = 0.0
        self.idf: dict[str, float] = {}
        n_para = max(1, cache.live_count(CONTENT_FOLDED))
        n_title = max(1, cache.live_count(TITLE_FOLDED))
        title_scores = np.zeros(n, dtype=np.float32)  # on article records, spread below
        slots, n_slots = cache.article_slots()
        article_coverage = np.zeros(n_slots, dtype=np.float32)
        title_coverage = np.zeros(n_slots, dtype=np.float32)
        for chunk in chunks:
            content = not chunk.title_only
            question = _question_tokens(chunk)
            # a syllable's weight: W_QUESTION if every occurrence of it in the chunk is a question word
            folded_weight: dict[str, float] = {}
            exact_weight: dict[str, float] = {}
            for i, t in enumerate(chunk.tokens):
                w = W_QUESTION if i in question else 1.0
                folded_weight[t.folded] = max(folded_weight.get(t.folded, 0.0), w)
                exact_weight[t.exact] = max(exact_weight.get(t.exact, 0.0), w)
            for f, w in folded_weight.items():
                in_text = add_bm25(self.scores, cache, CONTENT_FOLDED, f, w, n_para) if content else _NONE
                in_title = add_bm25(title_scores, cache, TITLE_FOLDED, f, w * (W_TITLE if content else 1.0), n_title)
                df = len(cache.postings(CONTENT_FOLDED if content else TITLE_FOLDED, f)[0])
                weight = w * idf(n_para if content else n_title, df)
                self.idf[f] = weight
                total_idf += weight
                # Coverage: a paragraph holds the word in its text or its article's title (counted
                # once). Kept per paragraph for the text and per article for the title, so that
                # a word costs work in proportion to its postings, not to the index.
                coverage[in_text] += weight
                in_article = np.zeros(n_slots, dtype=bool)
                if len(in_title):
                    in_article[slots[in_title]] = True
                    title_coverage[in_article] += weight
                    coverage[in_text[in_article[slots[in_text]]]] -= weight
                if ARTICLE_COVERAGE:
                    if content:
                        in_article[cache.article_hits(CONTENT_FOLDED, f)] = True
                    article_coverage[in_article] += weight
            if chunk.typed_exact:
                for e in chunk.exact_forms():
                    w = W_EXACT * exact_weight.get(e, 1.0)
                    if content:
                        add_bm25(self.scores, cache, CONTENT_EXACT, e, w, n_para)
                    add_bm25(title_scores, cache, TITLE_EXACT, e, w * (W_TITLE if content else 1.0), n_title)
                if content:
                    for w in _unique(compounds(list(chunk.tokens))):
                        term = text.fold(w) + READING_SEPARATOR + w
                        add_bm25(self.scores, cache, CONTENT_WORDS, term, W_WORDS, n_para)
        if title_scores.any():
            self.scores += cache.spread_scores(title_scores)
        if total_idf > 0 and sum(len(c.tokens) for c in chunks) > 1:
            # Coverage is counted over the paragraph's article (its title, its other paragraphs:
            # a law article's clauses, a news story's lead), which holds the paragraph's own
            # words too; the bonus for every word stays with the paragraph itself.
            coverage += title_coverage[slots]
            every = coverage >= 0.999 * total_idf
            if ARTICLE_COVERAGE:  # the power on one value per article, then to the paragraphs
                factor = ((article_coverage / total_idf) ** COVERAGE_POWER)[slots]
            else:
                factor = (coverage / total_idf) ** COVERAGE_POWER
            self.scores *= factor + W_ALL * every

    def proximity(self, paragraph: str) -> float:
        """Bonus for the query's adjacent word pairs found adjacent in the paragraph."""
        exact_seq, folded_seq = _sequences(paragraph)
        folded_pairs = set(zip(folded_seq, folded_seq[1:]))
        exact_pairs = None
        bonus = 0.0
        folded_triples = None
        for chunk in self.chunks:
            for a, b in _query_pairs(chunk, exact=False):
                if (a, b) in folded_pairs:
                    bonus += W_ADJACENT * (self.idf.get(a, 0.0) + self.idf.get(b, 0.0)) / 2
            if W_TRIGRAM:
                if folded_triples is None:
                    folded_triples = set(zip(folded_seq, folded_seq[1:], folded_seq[2:]))
                toks = chunk.tokens
                for x, y, z in zip(toks, toks[1:], toks[2:]):
                    if z.pos == y.pos + 1 == x.pos + 2 and (x.folded, y.folded, z.folded) in folded_triples:
                        bonus += W_TRIGRAM * sum(self.idf.get(t.folded, 0.0) for t in (x, y, z)) / 3
            if chunk.typed_exact:
                if exact_pairs is None:
                    exact_pairs = set(zip(exact_seq, exact_seq[1:]))
                for (a, b), (fa, fb) in zip(_query_pairs(chunk, True), _query_pairs(chunk, False)):
                    if (a, b) in exact_pairs:
                        bonus += W_ADJACENT_EXACT * (self.idf.get(fa, 0.0) + self.idf.get(fb, 0.0)) / 2
        return bonus


# --------------------------------------------------------------------------- highlighting


def _highlight_forms(chunks: list[Chunk]) -> tuple[set[str], set[str], set[str]]:
    """What to mark, from the query's positive chunks (exclusions are not chunks):
    exact forms typed with diacritics or restored; their folded forms, marked only where the
    paragraph has none of the exact ones; and loose forms, folded syllables that were typed
    without diacritics and not restored, marked in any reading."""
    exact: set[str] = set()
    folded: set[str] = set()
    loose: set[str] = set()
    for chunk in chunks:
        for t in chunk.tokens:
            if chunk.restored and t.exact == t.folded or not chunk.typed_exact:
                loose.add(t.folded)
            else:
                exact.add(t.exact)
                folded.add(t.folded)
    return exact, folded, loose


def _matched_spans(paragraph: str, exact: set[str], folded: set[str], loose: set[str] = frozenset()):
    """Spans of the paragraph's syllables that match (see ``_highlight_forms``). Adjacent
    matches merge ("hộ tịch" is one span)."""
    syllables = []
    for start, end in text.syllable_spans(paragraph):
        syllables.append((start, end, *_forms(paragraph[start:end])))
    has_exact = any(form in exact for _, _, form, _ in syllables)
    hits = [
        (s, e)
        for s, e, form, plain_form in syllables
        if plain_form in loose or (form in exact if has_exact else plain_form in folded)
    ]
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
    paragraph: str, exact: set[str], folded: set[str], loose: set[str] = frozenset()
) -> tuple[str, str, list[tuple[int, int]]]:
    """(marked snippet, plain snippet, spans in the plain snippet) around the matched words."""
    spans = _matched_spans(paragraph, exact, folded, loose)
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


def _passage(stored: dict, score: float, forms: tuple[set[str], set[str], set[str]]) -> Passage:
    snippet, snippet_plain, spans = make_snippet(stored["text"], *forms)
    return Passage(stored["para"], round(float(score), 4), snippet, spans, snippet_plain)


def _hit(stored: dict, record: dict, score: float, forms: tuple[set[str], set[str], set[str]]) -> Hit:
    snippet, snippet_plain, spans = make_snippet(stored["text"], *forms)
    return Hit(
        article_id=stored["article_id"],
        title=record.get("title", ""),
        paragraph=stored["para"],
        text=stored["text"],
        score=round(float(score), 4),
        snippet=snippet,
        date=record.get("date"),
        source=record.get("source"),
        url=record.get("url"),
        spans=spans,
        snippet_plain=snippet_plain,
    )


class Searcher:
    """An open index that answers many queries (the CLI opens one per run, ``evaluate`` one
    per collection). Use as a context manager, or call ``close``."""

    def __init__(self, index_dir: str):
        self.index_dir = index_dir
        self._ix = open_index(index_dir)
        with reading(index_dir):
            self._searcher = self._ix.searcher()
            self._cache = PostingsCache(self._searcher.reader())
        self._readings: dict[str, list[tuple[str, int]]] = {}

    def close(self) -> None:
        self._searcher.close()

    def __enter__(self) -> "Searcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _matching(self, fieldname: str, terms: list[str], phrase: list[QueryToken], every: bool) -> np.ndarray:
        """Docnums holding any (or every) of ``terms`` in a field, from the postings arrays;
        with ``phrase`` tokens, only those holding them adjacent and in order."""
        postings = [self._cache.postings(fieldname, t)[0] for t in terms]
        if not postings:
            return np.zeros(0, dtype=np.int64)
        if not every:
            return np.unique(np.concatenate(postings))
        docs = postings[0]
        for other in postings[1:]:
            docs = np.intersect1d(docs, other, assume_unique=True)
        if not phrase or not len(docs):
            return docs
        folded_field = TITLE_FOLDED if fieldname.startswith("title") else CONTENT_FOLDED
        if len(docs) > PHRASE_VERIFY_MAX:  # Whoosh checks positions without reading texts
            q = wq.Phrase(folded_field, [t.folded for t in phrase])
            return np.fromiter(self._searcher.docs_for_query(q), dtype=np.int64)
        key = "title" if folded_field == TITLE_FOLDED else "text"
        keep = [d for d in docs.tolist() if has_phrase(self._searcher.stored_fields(d).get(key, ""), phrase)]
        return np.array(keep, dtype=np.int64)

    def _leaf_mask(self, node) -> np.ndarray:
        """Paragraphs a run of words may match: any of its words (plain words) or all of them
        adjacent and in order (a phrase), diacritics or not, in the text or the title."""
        cache = self._cache
        tokens = analyze(node.text)
        mask = np.zeros(cache.doc_count, dtype=bool)
        if not tokens:
            return mask
        folded = _unique(t.folded for t in tokens)
        is_phrase = isinstance(node, qs.Phrase) and len(tokens) > 1
        phrase = tokens if is_phrase else []
        if node.field != "title":
            mask[self._matching(CONTENT_FOLDED, folded, phrase, is_phrase)] = True
        return mask | cache.spread(self._matching(TITLE_FOLDED, folded, phrase, is_phrase))

    def _mask(self, node: qs.Node) -> np.ndarray | None:
        """The paragraphs a query tree's boolean side allows; None: no constraint from it
        (a lone exclusion)."""
        cache = self._cache
        if isinstance(node, (qs.Words, qs.Phrase)):
            return self._leaf_mask(node)
        if isinstance(node, qs.AnyOf):
            masks = [m for m in (self._mask(n) for n in node.nodes) if m is not None]
            return np.logical_or.reduce(masks) if masks else None
        if isinstance(node, qs.AllOf):
            positive = [m for m in (self._mask(n) for n in node.nodes if not isinstance(n, qs.Not)) if m is not None]
            if not positive:
                return None
            mask = np.logical_and.reduce(positive)
            for n in node.nodes:
                if isinstance(n, qs.Not) and analyze(n.node.text):
                    fieldname, terms, phrase = _exclusion_terms(n.node)
                    docs = self._matching(fieldname, terms, phrase, every=True)
                    if fieldname.startswith("title"):
                        mask &= ~cache.spread(docs)
                    else:
                        mask[docs] = False
            return mask
        return None  # a lone exclusion: nothing to rank

    def _allowed(self, node: qs.Node) -> np.ndarray | None:
        """Mask of the paragraphs the query's syntax allows; None when it allows any match."""
        if not _needs_filter(node):
            return None
        mask = self._mask(node)
        return mask if mask is not None else np.zeros(self._cache.doc_count, dtype=bool)

    def _filter_mask(self, filters: Filters) -> np.ndarray:
        """The paragraphs of the articles ``filters`` allow."""
        cache = self._cache
        mask = np.ones(cache.doc_count, dtype=bool)
        if filters.since or filters.until:
            days, codes = cache.field_codes("date")
            lo = bisect.bisect_left(days, filters.since) if filters.since else 0
            hi = bisect.bisect_right(days, filters.until) if filters.until else len(days)
            mask &= (codes >= lo) & (codes < hi)
        if filters.source:
            names, codes = cache.field_codes("source")
            wanted = text.fold(filters.source).lower()
            allowed = [i for i, name in enumerate(names) if wanted in text.fold(name).lower()]
            mask &= np.isin(codes, allowed)
        return mask

    def _article(self, article_id: str) -> dict:
        """The stored record of an article: title, date, source, url, topic, paragraphs."""
        ids = self._cache.postings("article_id", article_id)[0]  # the record and its paragraphs
        records = ids[self._cache.kind_mask(ARTICLE)[ids]]
        return self._searcher.stored_fields(int(records[0])) if len(records) else {}

    def _paragraphs(self, article_id: str) -> list[str]:
        """The article's paragraphs, in order (empty for an unknown id)."""
        ids = self._cache.postings("article_id", article_id)[0]
        stored = [self._searcher.stored_fields(int(d)) for d in ids[self._cache.kind_mask(PARAGRAPH)[ids]]]
        return [f["text"] for f in sorted(stored, key=lambda f: f["para"]) if f["para"] > 0]

    def readings(self, folded_compound: str) -> list[tuple[str, int]]:
        """The accented readings of an unaccented compound in this index, with the number of
        paragraphs holding each, most frequent first ("ho_tich" → [("hộ_tịch", 12), ...])."""
        if folded_compound not in self._readings:
            prefix = folded_compound + READING_SEPARATOR
            counts: dict[str, int] = {}
            for seg, _ in self._cache.leaves:
                try:
                    terms = list(seg.expand_prefix(CONTENT_WORDS, prefix))
                except TermNotFound:
                    continue
                for term in terms:
                    reading = term.decode("utf-8")[len(prefix):]
                    counts[reading] = counts.get(reading, 0) + seg.doc_frequency(CONTENT_WORDS, term)
            self._readings[folded_compound] = sorted(counts.items(), key=lambda r: (-r[1], r[0]))
        return self._readings[folded_compound]

    def _search(
        self,
        query: str,
        limit: int = 10,
        one_per_article: bool = False,
        restore_accents: bool = True,
        syntax: bool = True,
        filters: Filters | None = None,
        sort: str = "relevance",
        passages: int = 1,
    ) -> SearchResults:
        """Ranked paragraphs for ``query``; with ``one_per_article``, each article's best
        paragraph only, and up to ``passages`` - 1 of its next best in ``Hit.also``. A plain
        query typed without diacritics is also read in its most likely accented form when the
        corpus makes one clear (``interpreted_as``), which ranks first; the other readings
        still match below. With ``syntax`` False the text is plain words (quotes, -, OR and
        title: have no meaning), as for natural-language questions. ``filters`` keeps the
        articles of a date range or source; ``sort`` "date" puts the newest matches first.
        Any query text is accepted; QueryError for an unknown ``sort``."""
        if sort not in SORTS:
            raise QueryError(f"unknown sort order {sort!r}: use one of {', '.join(SORTS)}")
        query = text.nfc(text.scrub(query))  # also what is shown back: no lone surrogates
        node = qs.parse(query) if syntax else qs.plain(query)
        chunks = _chunks(node, [])
        limit = max(1, limit)
        if not chunks:
            return SearchResults(query, 0, [])
        interpreted_as = None
        if restore_accents and not _needs_filter(node) and restorable(list(chunks[0].tokens)):
            restored = restore_tokens(list(chunks[0].tokens), self.readings)
            if restored:
                chunks = [Chunk(tuple(restored), False, restored=True)]
                interpreted_as = " ".join(t.exact for t in restored)
        plan = _Plan(chunks, self._cache)
        scores = plan.scores
        allowed = self._allowed(node)
        if filters is not None and filters.active:
            allowed = self._filter_mask(filters) & (allowed if allowed is not None else True)
        if allowed is not None:
            scores = np.where(allowed, scores, 0)
        candidates = np.flatnonzero(scores > 0)
        total = len(candidates)
        if not total:
            return SearchResults(query, 0, [])
        depth = max(RERANK, limit * (4 * max(1, passages) if one_per_article else 1))
        days = self._cache.field_codes("date")[1] if sort == "date" else None
        if total > depth:
            if days is None:
                top = np.argpartition(-scores[candidates], depth - 1)[:depth]
            else:  # the newest, best first within a day
                top = np.lexsort((-scores[candidates], -days[candidates]))[:depth]
            candidates = candidates[top]
        rescored = []
        for docnum in candidates.tolist():
            stored = self._searcher.stored_fields(docnum)
            rescored.append((float(scores[docnum]) + plan.proximity(stored["text"]), docnum, stored))
        if days is None:
            rescored.sort(key=lambda item: (-item[0], item[1]))
        else:
            rescored.sort(key=lambda item: (-days[item[1]], -item[0], item[1]))
        groups: dict[str, list] = {}
        if one_per_article:
            for item in rescored:  # best first: each article's first is its best
                groups.setdefault(item[2]["article_id"], []).append(item)
            rescored = [group[0] for group in groups.values()]
        forms = _highlight_forms(chunks)
        hits = []
        for score, _, stored in rescored[:limit]:
            hit = _hit(stored, self._article(stored["article_id"]), score, forms)
            others = groups.get(hit.article_id, [])[1:max(1, passages)]
            hit.also = [_passage(other, other_score, forms) for other_score, _, other in others]
            hits.append(hit)
        return SearchResults(query, total, hits, interpreted_as)

    def search(self, query: str, *args, **kwargs) -> SearchResults:
        with reading(self.index_dir):
            return self._search(query, *args, **kwargs)

    def article(self, article_id: str) -> dict:
        """The stored record of an article: title, date, source, url, topic, paragraphs."""
        with reading(self.index_dir):
            return self._article(article_id)

    def paragraphs(self, article_id: str) -> list[str]:
        """The article's paragraphs, in order (empty for an unknown id)."""
        with reading(self.index_dir):
            return self._paragraphs(article_id)


def search(
    query: str,
    index_dir: str,
    limit: int = 10,
    one_per_article: bool = False,
    restore_accents: bool = True,
    syntax: bool = True,
    filters: Filters | None = None,
    sort: str = "relevance",
    passages: int = 1,
) -> SearchResults:
    """Ranked paragraphs for ``query`` from the index at ``index_dir`` (see ``Searcher``).

    Raises IndexUnavailable when the index cannot be opened, QueryError for an unknown sort.
    Any query text is accepted.
    """
    with Searcher(index_dir) as searcher:
        return searcher.search(query, limit, one_per_article, restore_accents, syntax, filters, sort, passages)
