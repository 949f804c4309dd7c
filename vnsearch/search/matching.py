"""Matching: which paragraphs (or articles) a query and its filters select. Decides what
matches, never the order (``ranking`` does).

A match holds every word of every positive leaf: typed with diacritics, in that spelling
(either tone-mark style, any case: the exact lane); typed without, in any reading (the folded
lane). A paragraph holds them in its own text; an article (``by_article``) in its title and
paragraphs together. A phrase occurs in one paragraph (or, with ``title:``, the title), its
words adjacent and in order, punctuation between them ignored. ``title:`` leaves look at the
title only, ``source:`` and ``topic:`` at the article's names (see ``name_key``). ``NOT``/``-``
removes what its leaf matches, ``OR`` is either. Masks are numpy arrays over the index's
documents (unit "paragraphs") or its articles (unit "articles").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import numpy as np

from .. import text
from ..analysis import AllNode, Leaf, NotNode, QNode, line_needle, text_lines, text_tokens, text_variants
from ..syllable import could_be_syllable
from ..variants import find_sequence
from ..errors import QueryError
from ..schema import CONTENT_EXACT, CONTENT_FOLDED, PARAGRAPH, TITLE_EXACT, TITLE_FOLDED
from ..scoring import intersect_sorted

PARAGRAPHS = "paragraphs"
ARTICLES = "articles"
PHRASE_VERIFY_MAX = 5000  # exact phrase candidates checked on stored text; beyond, on positions
# Past this many candidates a phrase is first found on the folded positions (``phrase_documents``):
# reading and tokenizing a candidate's text costs about 30 µs, the positions of a common
# syllable a few milliseconds (vntc, the 24 phrases of news-short.txt: see the README)
PHRASE_POSITIONS_MIN = 300

_NOT_NAME = re.compile(r"[\W_]+")


def name_key(name: str) -> str:
    """A source or topic name as compared: case, diacritics, spaces and punctuation ignored
    ("Dân trí", "dan tri", "DANTRI" and "dantri.com.vn" all hold "dantri")."""
    return _NOT_NAME.sub("", text.fold(text.nfc(name)).lower())


def phrase_documents(cache, fieldname: str, terms: list[str]) -> np.ndarray:
    """Docnums where ``terms`` stand at consecutive positions of ``fieldname`` (Whoosh's
    ``Phrase`` with its default slop of 1), from the terms' positions as arrays: each term's
    (document, position - its place in the phrase) pairs, intersected. Whoosh's span matchers
    took a Python step a posting (on vntc, "liên quan đến" 0.4 s a query)."""
    keys = None
    for place, term in sorted(enumerate(terms), key=lambda item: len(cache.postings(fieldname, item[1])[0])):
        docs, positions = cache.positions(fieldname, term)
        start = positions - place  # where the phrase would begin
        inside = start >= 0
        mine = (docs[inside] << 32) | start[inside]
        keys = mine if keys is None else np.intersect1d(keys, mine, assume_unique=True)
        if not len(keys):
            break
    if keys is None:
        return np.zeros(0, dtype=np.int64)
    return np.unique(keys >> 32)


@dataclass(frozen=True)
class Filters:
    """Which articles a search may return: dated within ``since``..``until`` (YYYY-MM-DD,
    inclusive, either open), from a source and of a topic whose names contain ``source`` and
    ``topic`` (see ``name_key``). An article without a date is outside every date range."""

    since: str | None = None
    until: str | None = None
    source: str | None = None
    topic: str | None = None

    @classmethod
    def parse(
        cls, since: str | None = None, until: str | None = None, source: str | None = None, topic: str | None = None
    ) -> "Filters":
        """From what people type: ``since``/``until`` as 2021, 2021-03, 2021-03-05 or 5/3/2021
        (``until 2021`` is the end of 2021). Raises QueryError for a value that is no date, a
        range that ends before it starts, or a name with no letter or digit."""
        if since or until:
            from ..dates import date_bounds  # (its date patterns: only for a date range)
        try:
            first = date_bounds(since)[0] if since else None
            last = date_bounds(until)[1] if until else None
        except ValueError as e:
            raise QueryError(str(e))
        if first and last and first > last:
            raise QueryError(f"--since {since} is after --until {until}: give the earlier date to --since")
        names = []
        for option, value in (("source", source), ("topic", topic)):
            if value is not None and value.strip() and not name_key(value):
                raise QueryError(f"--{option} {value!r} has no letter or digit: give a name, e.g. --{option} dantri")
            names.append(value.strip() if value and value.strip() else None)
        return cls(first, last, *names)

    @property
    def active(self) -> bool:
        return bool(self.since or self.until or self.source or self.topic)


class Matcher:
    """Match masks over one open index: its ``PostingsCache`` and its Whoosh reader."""

    def __init__(self, cache, reader):
        self.cache = cache
        self.reader = reader
        self._memo: dict = {}

    # ----------------------------------------------------------------- units

    def paragraphs(self) -> np.ndarray:
        return self.cache.kind_mask(PARAGRAPH)

    def articles(self) -> np.ndarray:
        """Articles (slots) that have paragraphs."""
        slots, n_slots = self.cache.article_slots()
        mask = np.zeros(n_slots, dtype=bool)
        mask[slots[self.paragraphs()]] = True
        return mask

    def universe(self, unit: str) -> np.ndarray:
        return self.paragraphs() if unit == PARAGRAPHS else self.articles()

    def to_articles(self, docs) -> np.ndarray:
        """The article slots of documents (an array of docnums or a mask)."""
        slots, n_slots = self.cache.article_slots()
        mask = np.zeros(n_slots, dtype=bool)
        mask[slots[docs]] = True
        return mask

    def to_paragraphs(self, article_mask: np.ndarray) -> np.ndarray:
        slots, _ = self.cache.article_slots()
        return article_mask[slots] & self.paragraphs()

    # ----------------------------------------------------------------- leaves

    def _holding(self, fieldname: str, terms: list[str]) -> np.ndarray:
        """Docnums holding every term in a field (rarest first)."""
        postings = sorted((self.cache.postings(fieldname, t)[0] for t in dict.fromkeys(terms)), key=len)
        if not postings:
            return np.zeros(0, dtype=np.int64)
        docs = postings[0]
        for other in postings[1:]:
            if not len(docs):
                break
            docs = intersect_sorted(docs, other)
        return docs

    def _phrase_docs(self, leaf: Leaf, title: bool) -> np.ndarray:
        """Docnums whose text (or title) holds the leaf as a phrase."""
        exact_field, folded_field = (TITLE_EXACT, TITLE_FOLDED) if title else (CONTENT_EXACT, CONTENT_FOLDED)
        wanted = leaf.match_forms()
        docs = self._holding(exact_field if leaf.exact else folded_field, wanted)
        if not len(docs) or not leaf.is_phrase or len(wanted) == 1:  # "covid 19": the word covid19
            return docs
        # a word that may be written apart in the text (covid19, tphcm, vắcxin): positions skip
        # its parts, and the stored text is read with its joined runs
        joined = any(t.variant or not could_be_syllable(t.folded) for t in leaf.tokens)
        if len(docs) > PHRASE_POSITIONS_MIN and not joined:
            # the folded phrase on positions, without reading texts: the answer for a phrase typed
            # without diacritics; an exact one is then checked on the text of what is left, or,
            # past PHRASE_VERIFY_MAX, only required to hold each exact syllable (``docs``)
            docs = intersect_sorted(docs, phrase_documents(self.cache, folded_field, [t.folded for t in leaf.tokens]))
            if not leaf.exact or len(docs) > PHRASE_VERIFY_MAX:
                return docs
        key = "title" if title else "text"
        if not joined:
            # the phrase's forms in a row in the passage's line of them, as proximity reads it
            needle, side = line_needle(wanted), 0 if leaf.exact else 1
            if needle is None:
                return np.zeros(0, dtype=np.int64)
            return np.array([d for d in docs.tolist()
                             if needle in text_lines(self.cache.stored_fields(d).get(key, ""))[side]], dtype=np.int64)
        keep = []
        for d in docs.tolist():
            passage = self.cache.stored_fields(d).get(key, "")
            words = text_tokens(passage)
            forms = [t.exact for t in words] if leaf.exact else [t.folded for t in words]
            if find_sequence(forms, wanted, text_variants(passage) if joined else None, fold_joined=not leaf.exact):
                keep.append(d)
        return np.array(keep, dtype=np.int64)

    def _names(self, fieldname: str, value: str) -> np.ndarray:
        """Documents whose article's ``fieldname`` (source, topic) contains ``value``."""
        names, codes = self.cache.field_codes(fieldname)
        wanted = name_key(value)
        allowed = [i for i, name in enumerate(names) if wanted and wanted in name_key(name)]
        return np.isin(codes, allowed)

    def leaf(self, leaf: Leaf, unit: str) -> np.ndarray:
        key = (leaf, unit)
        if key not in self._memo:
            self._memo[key] = self._leaf(leaf, unit)
        return self._memo[key]

    def _leaf(self, leaf: Leaf, unit: str) -> np.ndarray:
        cache = self.cache
        if leaf.field in ("source", "topic"):
            docs = self._names(leaf.field, leaf.text)
            return docs & self.paragraphs() if unit == PARAGRAPHS else self.to_articles(docs)
        records = self._phrase_docs(leaf, title=True)  # title: the article records
        if leaf.field == "title":
            return cache.spread(records) if unit == PARAGRAPHS else self.to_articles(records)
        if unit == PARAGRAPHS:
            mask = np.zeros(cache.doc_count, dtype=bool)
            mask[self._phrase_docs(leaf, title=False)] = True
            return mask
        # articles: the title and the paragraphs together
        if leaf.is_phrase:  # one phrase in one place
            return self.to_articles(self._phrase_docs(leaf, title=False)) | self.to_articles(records)
        content_field, title_field = (CONTENT_EXACT, TITLE_EXACT) if leaf.exact else (CONTENT_FOLDED, TITLE_FOLDED)
        mask = self.articles().copy()
        for term in dict.fromkeys(leaf.match_forms()):
            holds = self.to_articles(cache.postings(content_field, term)[0])
            holds |= self.to_articles(cache.postings(title_field, term)[0])
            mask &= holds
        return mask

    # ----------------------------------------------------------------- trees

    def match(self, node: QNode | None, unit: str, relaxed: bool = False) -> np.ndarray:
        """The mask of what the query tree matches. ``relaxed``: every positive word leaf is
        taken as held (the partial matches ranking may show below the full ones); exclusions
        and names still apply."""
        if node is None:
            return np.zeros_like(self.universe(unit))
        if isinstance(node, Leaf):
            if relaxed and node.is_text:
                return self.universe(unit)
            return self.leaf(node, unit)
        if isinstance(node, NotNode):
            return self.universe(unit) & ~self.match(node.node, unit, relaxed=False)
        masks = [self.match(n, unit, relaxed) for n in node.nodes]
        return np.logical_and.reduce(masks) if isinstance(node, AllNode) else np.logical_or.reduce(masks)

    def filter_mask(self, filters: Filters) -> np.ndarray:
        """The documents of the articles ``filters`` allow."""
        cache = self.cache
        mask = np.ones(cache.doc_count, dtype=bool)
        if filters.since or filters.until:
            days, codes = cache.field_codes("date")
            lo = bisect.bisect_left(days, filters.since) if filters.since else 0
            hi = bisect.bisect_right(days, filters.until) if filters.until else len(days)
            mask &= (codes >= lo) & (codes < hi)
        if filters.source:
            mask &= self._names("source", filters.source)
        if filters.topic:
            mask &= self._names("topic", filters.topic)
        return mask
