"""BM25 over the index's postings, in numpy: the ranking engine behind ``search``.

Whoosh stores the index (segments, atomic commits, postings, stored fields). Its own matcher
tree costs hundreds of milliseconds for the many-term, many-lane queries vnsearch asks
(measured: about 1 s a question on alqac2022 with Whoosh's default OR, 0.3 s with its array
OR). Here each term's postings are read a block at a time into arrays, and the scores of all
lanes are summed into one array over the documents, which costs a few milliseconds.

Docnums are the searcher's global ones (segment offset + segment docnum), so stored fields
are read with the same numbers. Deleted documents are masked out.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_right
from collections import OrderedDict

import numpy as np
from whoosh.reading import EmptyReader, ReaderClosed, SegmentReader, TermNotFound
from whoosh.util.numeric import byte_to_length

from .schema import ARTICLE, PARAGRAPH

# BM25 parameters: the usual ones, as in Whoosh's BM25F and Lucene.
K1 = 1.2
B = 0.75

_BYTE_TO_LENGTH = np.array([byte_to_length(i) for i in range(256)], dtype=np.float32)
_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))


def held_by(ids: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """For each of ``docs``, whether ``ids`` (ascending, distinct: a term's docnums) holds it:
    ``np.isin(docs, ids)``, each looked up in ``ids`` (``searchsorted``) without sorting."""
    if not len(ids):
        return np.zeros(len(docs), dtype=bool)
    at = np.searchsorted(ids, docs)
    np.minimum(at, len(ids) - 1, out=at)
    return ids[at] == docs


def intersect_sorted(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The values in both ``a`` and ``b``, two ascending arrays of distinct values (a term's
    docnums): ``np.intersect1d(a, b, assume_unique=True)``, found by looking the shorter's
    values up in the longer (``held_by``) instead of sorting the two together, which was most
    of a query's intersections (a rare word's few documents against a common one's many)."""
    if len(a) > len(b):
        a, b = b, a
    return a[held_by(b, a)]


def key_ranks(keys: np.ndarray) -> np.ndarray:
    """For each of ``keys``, its place among their distinct values in sorted order (int64):
    ``np.unique(keys, return_inverse=True)[1]``, sorting only one key a run of equal ones. An
    article's paragraphs are consecutive documents, so on dantri it sorts 2,653 keys instead of
    42,000 (1.5 to 2 ms of every cold query, which reads the article slots for coverage)."""
    if not len(keys):
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    ranks = np.unique(keys[starts], return_inverse=True)[1].reshape(-1).astype(np.int64)
    return np.repeat(ranks, np.diff(np.append(starts, len(keys))))


def _leaf_postings(segreader, fieldname: str, term: str) -> tuple[np.ndarray, np.ndarray]:
    """(docnums, term frequencies) of one term in one segment, deleted documents included."""
    direct = getattr(getattr(segreader, "_terms", None), "postings_arrays", None)
    if direct is not None and not segreader.is_closed:  # vnsearch's compact codec, read in place
        try:
            found = direct(fieldname, segreader._text_to_bytes(fieldname, term))
        except TermNotFound:  # (also a field the schema lacks, as Whoosh's ``postings``)
            return _EMPTY
        if found is not None:
            return found
    try:
        matcher = segreader.postings(fieldname, term)
    except TermNotFound:
        return _EMPTY
    leaf = getattr(matcher, "child", matcher)  # unwrap Whoosh's deletion filter: we mask ourselves
    arrays = getattr(leaf, "arrays", None)
    if arrays is not None:  # vnsearch's compact blocks (compact.py): read with np.frombuffer
        ids, tfs = arrays()
        return ids, tfs
    if all(hasattr(leaf, a) for a in ("_read_data", "_next_block", "_byteids", "_atend")) and not leaf._byteids:
        # Whoosh 2.7.4's W3 codec: each block is a pickled (id deltas, weights, values) tuple.
        # Delta-decoding in numpy instead of Whoosh's generator saves a Python step a posting.
        id_parts, tf_parts = [], []
        while not leaf._atend:
            if leaf._data is None:
                leaf._read_data()
            deltas, weights = leaf._data[0], leaf._data[1]
            n = len(deltas)
            id_parts.append(np.cumsum(np.asarray(deltas, dtype=np.int64)))  # deltas restart each block
            if weights is None or isinstance(weights, float):
                tf_parts.append(np.full(n, 1.0 if weights is None else weights, dtype=np.float32))
            else:
                tf_parts.append(np.asarray(weights, dtype=np.float32))
            leaf._next_block()
        if not id_parts:
            return _EMPTY
        return np.concatenate(id_parts), np.concatenate(tf_parts)
    ids, tfs = array("q"), array("f")  # any other codec: one posting at a time
    while leaf.is_active():
        ids.append(leaf.id())
        tfs.append(leaf.weight())
        leaf.next()
    return np.frombuffer(ids, dtype=np.int64), np.frombuffer(tfs, dtype=np.float32)


def _leaf_positions(segreader, fieldname: str, term: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(docnums, positions a posting, the positions one posting after the other) of one term in
    one segment, deleted documents included. ValueError for a field without positions."""
    direct = getattr(getattr(segreader, "_terms", None), "positions_arrays", None)
    if direct is not None and not segreader.is_closed:  # vnsearch's compact codec, read in place
        try:
            found = direct(fieldname, segreader._text_to_bytes(fieldname, term))
        except TermNotFound:
            return _NO_POSITIONS
        if found is not None:
            return found
    try:  # inlined postings (a term of one posting), another codec: Whoosh's matcher
        matcher = segreader.postings(fieldname, term)
    except TermNotFound:
        return _NO_POSITIONS
    leaf = getattr(matcher, "child", matcher)
    if not leaf.supports("positions"):
        raise ValueError(f"the field {fieldname} keeps no positions")
    ids, counts, positions = array("q"), array("q"), array("q")
    while leaf.is_active():
        found = leaf.value_as("positions")
        ids.append(leaf.id())
        counts.append(len(found))
        positions.extend(found)
        leaf.next()
    return tuple(np.frombuffer(a, dtype=np.int64) for a in (ids, counts, positions))


_NO_POSITIONS = (np.zeros(0, dtype=np.int64),) * 3


class _Kept:
    """Arrays kept by key, the least recently used dropped first once the lengths they hold
    pass ``bound`` (the last one kept whatever its length)."""

    def __init__(self, bound: int):
        self.bound = bound
        self.held = 0
        self._items: OrderedDict = OrderedDict()

    def get(self, key):
        hit = self._items.get(key)
        if hit is None:
            return None
        self._items.move_to_end(key)
        return hit[0]

    def put(self, key, value, length: int):
        self._items[key] = (value, length)
        self.held += length
        while self.held > self.bound and len(self._items) > 1:
            _, (_, old) = self._items.popitem(last=False)
            self.held -= old
        return value


class PostingsCache:
    """Postings, field lengths and the deleted-document mask of one open Whoosh reader."""

    def __init__(self, reader, max_postings: int = 40_000_000):
        self.reader = reader
        # An index with no segment yet reads as Whoosh's EmptyReader, which has no per-document
        # data: it holds no leaves here.
        self.leaves = [(seg, offset) for seg, offset in reader.leaf_readers() if not isinstance(seg, EmptyReader)]
        self.doc_count = reader.doc_count_all()
        self.live = np.ones(self.doc_count, dtype=bool)
        for seg, offset in self.leaves:
            if seg.has_deletions():
                for d in seg._perdoc.deleted_docs():
                    self.live[offset + d] = False
        self._lengths: dict[str, tuple[np.ndarray, float]] = {}
        self._live_counts: dict[str, int] = {}
        # Bounded by postings held, not terms: on vntc one common syllable holds 500k postings.
        # 40M postings is about 480 MB. The 300 news-short queries on vntc ask for 34M postings
        # of distinct terms; with 20M held, 717 terms were read again (24.7M postings, 3.5 ms a
        # query on average, 5 ms of the p50: issue 15).
        self._postings = _Kept(max_postings)
        self._slots: tuple[np.ndarray, int] | None = None
        self._kinds: dict[str, np.ndarray] = {}
        self._codes: dict[str, tuple[list[str], np.ndarray]] = {}
        self._bm25 = _Kept(max_postings // 4)
        self._posting_slots = _Kept(max_postings // 8)
        self._titled = _Kept(max_postings // 8)
        self._articles = _Kept(max_postings // 8)
        self._paragraph_slots: np.ndarray | None = None
        self._stored = None  # (``stored_fields``)

    def lengths(self, fieldname: str) -> tuple[np.ndarray, float]:
        """(length of the field in every document, average over documents that have it)."""
        if fieldname not in self._lengths:
            out = np.zeros(self.doc_count, dtype=np.float32)
            for seg, offset in self.leaves:
                n = seg.doc_count_all()
                column = seg._perdoc._cached_reader("_%s_len" % fieldname, _lengths_column())
                if column is None:
                    continue
                count = min(column._count, n)
                raw = column._dbfile.get(column._basepos, count)
                out[offset:offset + count] = _BYTE_TO_LENGTH[np.frombuffer(raw, dtype=np.uint8)]
            present = (out > 0) & self.live
            avg = float(out[present].mean()) if present.any() else 1.0
            self._lengths[fieldname] = (out, avg)
        return self._lengths[fieldname]

    def postings(self, fieldname: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(global docnums, term frequencies) of the live documents holding ``term``."""
        key = (fieldname, term)
        hit = self._postings.get(key)
        if hit is not None:
            return hit
        parts_ids, parts_tfs = [], []
        for seg, offset in self.leaves:
            ids, tfs = _leaf_postings(seg, fieldname, term)
            if len(ids):
                parts_ids.append(ids + offset)
                parts_tfs.append(tfs)
        if parts_ids:
            ids = np.concatenate(parts_ids)
            tfs = np.concatenate(parts_tfs)
            keep = self.live[ids]
            result = (ids[keep], tfs[keep]) if not keep.all() else (ids, tfs)
        else:
            result = _EMPTY
        return self._postings.put(key, result, len(result[0]))

    def positions(self, fieldname: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(the global docnum of each position, the position) of ``term`` in the live documents,
        ordered by document and position. Not kept: phrases ask for them once a query."""
        parts_docs, parts_positions = [], []
        for seg, offset in self.leaves:
            ids, counts, positions = _leaf_positions(seg, fieldname, term)
            if len(ids):
                parts_docs.append(np.repeat(ids + offset, counts))
                parts_positions.append(positions)
        if not parts_docs:
            return _NO_POSITIONS[:2]
        docs = np.concatenate(parts_docs)
        positions = np.concatenate(parts_positions)
        keep = self.live[docs]
        return (docs, positions) if keep.all() else (docs[keep], positions[keep])

    def bm25(self, fieldname: str, term: str, scale: float, k1: float, b: float) -> np.ndarray:
        """``scale × tf × (k1 + 1) / (tf + k1 × (1 - b + b × length / average length))`` of
        each of the term's postings, what ``add_bm25`` adds (``scale``: the lane's weight ×
        the term's idf), kept: on vntc a common syllable's 500,000 postings cost ten array
        operations a lane each time a query held it. Keyed by the scale, ``k1`` and ``b``
        too (the float32 values are those computed for them: ``scale × tf`` is rounded
        before the rest). A lane asks for a term with one weight, so the values take the
        place of the denominators kept before them, in as many bytes."""
        key = (fieldname, term, k1, b, scale)
        hit = self._bm25.get(key)
        if hit is not None:
            return hit
        ids, tfs = self.postings(fieldname, term)
        lengths, avg = self.lengths(fieldname)
        denominator = tfs + k1 * (1 - b + b * lengths[ids] / avg)
        return self._bm25.put(key, scale * tfs * (k1 + 1) / denominator, len(ids))

    def stored_fields(self, docnum: int) -> dict:
        """``reader.stored_fields(docnum)``: the same fresh dict, read from its segment's
        per-document reader without Whoosh's two wrappers, whose test of each field's name
        against the schema (``Schema.__getitem__``, a try and a except) cost a third of a read;
        a query reads 30 to 100 documents. Whoosh's own way for a reader or schema of
        another kind (dynamic fields)."""
        if self._stored is None:
            self._stored = _stored_reader(self.reader)
        return self._stored(docnum)

    def article_slots(self) -> tuple[np.ndarray, int]:
        """(for every document, the number of its article among 0..n-1; n): read from the
        ``akey`` column of all segments at once."""
        if self._slots is None:
            keys = np.zeros(self.doc_count, dtype=np.int64)
            for seg, offset in self.leaves:
                column = seg._perdoc._cached_reader("akey", _akey_column())
                if column is None:
                    continue
                count = min(column._count, seg.doc_count_all())
                raw = column._dbfile.get(column._basepos, count * 8)
                keys[offset:offset + count] = np.frombuffer(raw, dtype=">i8")
            slots = key_ranks(keys)
            self._slots = (slots, int(slots.max()) + 1 if len(slots) else 0)
        return self._slots

    def posting_slots(self, fieldname: str, term: str) -> np.ndarray:
        """The article slot of each of the term's postings, in their order (for a title
        lane, whose postings are article records: one an article)."""
        key = (fieldname, term)
        hit = self._posting_slots.get(key)
        if hit is not None:
            return hit
        ids = self.postings(fieldname, term)[0]
        return self._posting_slots.put(key, self.article_slots()[0][ids], len(ids))

    def titled(self, fieldname: str, titlefield: str, term: str) -> np.ndarray:
        """The documents holding ``term`` in ``fieldname`` whose article holds it in
        ``titlefield`` too, in order."""
        key = (fieldname, titlefield, term)
        hit = self._titled.get(key)
        if hit is not None:
            return hit
        slots, n_slots = self.article_slots()
        ids = self.postings(fieldname, term)[0]
        in_title = np.zeros(n_slots, dtype=bool)
        in_title[self.articles(None, titlefield, term)[0]] = True
        hit = ids[in_title[slots[ids]]]
        return self._titled.put(key, hit, len(hit))

    def articles(self, fieldname: str | None, titlefield: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(the articles whose title holds ``term`` in ``titlefield``, those whose title or
        paragraphs hold it, ``fieldname`` the paragraphs' field: None, the title alone), each
        their slots in order, once, kept: a query's coverage adds a word's weight there with
        ``np.add.at`` (a boolean mask over every article took 5 to 20 times as long)."""
        key = (fieldname, titlefield, term)
        hit = self._articles.get(key)
        if hit is not None:
            return hit
        slots, n_slots = self.article_slots()
        mask = np.zeros(n_slots, dtype=bool)
        mask[self.posting_slots(titlefield, term)] = True
        in_title = np.flatnonzero(mask)
        in_article = in_title
        if fieldname is not None:
            mask[slots[self.postings(fieldname, term)[0]]] = True
            in_article = np.flatnonzero(mask)
        return self._articles.put(key, (in_title, in_article), len(in_title) + len(in_article))

    def paragraph_slots(self) -> np.ndarray:
        """For every document, its article slot if it is a paragraph, else the number of
        slots (one past the last: an array of one value a slot, one more at its end, gives
        every document its paragraph's value or that last one)."""
        if self._paragraph_slots is None:
            slots, n_slots = self.article_slots()
            self._paragraph_slots = np.where(self.kind_mask("p"), slots, n_slots)
        return self._paragraph_slots

    def kind_mask(self, kind: str) -> np.ndarray:
        """Live documents of a kind ("p" paragraphs, "a" article records). Every document is
        one or the other (``schema``): when the two kinds' postings count every document, the
        paragraphs are the live documents that are not records, read from the records' few
        postings (vntc: 84,132 instead of 790,087, 22 → 7 ms of a cold query)."""
        if kind not in self._kinds:
            if kind == PARAGRAPH and self._two_kinds():
                self._kinds[kind] = self.live & ~self.kind_mask(ARTICLE)
            else:
                mask = np.zeros(self.doc_count, dtype=bool)
                mask[self.postings("kind", kind)[0]] = True
                self._kinds[kind] = mask
        return self._kinds[kind]

    def _two_kinds(self) -> bool:
        """Whether the paragraphs' and the records' postings, deleted documents included, are
        as many as the documents: each document is one kind, so they are all of them."""
        held = sum(seg.doc_frequency("kind", kind) for seg, _ in self.leaves for kind in (PARAGRAPH, ARTICLE))
        return held == self.doc_count

    def spread(self, record_docs: np.ndarray) -> np.ndarray:
        """The paragraphs of the articles whose records are ``record_docs``, as a mask."""
        slots, n_slots = self.article_slots()
        hit = np.zeros(n_slots, dtype=bool)
        hit[slots[record_docs]] = True
        return hit[slots] & self.kind_mask("p")

    def field_codes(self, fieldname: str) -> tuple[list[str], np.ndarray]:
        """For an ID field of article records (date, source): its distinct values, sorted, and
        for every document the number of its article's value among them (-1: none). Read once
        per reader; filters and date order are then array comparisons."""
        if fieldname not in self._codes:
            slots, n_slots = self.article_slots()
            terms = sorted(set(self.reader.field_terms(fieldname))) if fieldname in self.reader.indexed_field_names() else []
            by_slot = np.full(n_slots, -1, dtype=np.int32)
            for number, term in enumerate(terms):
                records = self.postings(fieldname, term)[0]
                by_slot[slots[records]] = number
            codes = by_slot[slots] if n_slots else np.full(self.doc_count, -1, dtype=np.int32)
            self._codes[fieldname] = (terms, codes)
        return self._codes[fieldname]

    def live_count(self, fieldname: str) -> int:
        """Documents that have the field (paragraphs, not article records)."""
        if fieldname not in self._live_counts:  # (two passes over every document, once a reader)
            lengths, _ = self.lengths(fieldname)
            self._live_counts[fieldname] = int(((lengths > 0) & self.live).sum())
        return self._live_counts[fieldname]


def _stored_reader(reader):
    """A function docnum → ``reader.stored_fields(docnum)`` (see ``PostingsCache.stored_fields``)."""
    leaves = list(reader.leaf_readers())
    schema = reader.schema
    if getattr(schema, "_dyn_fields", True) or not all(type(seg) is SegmentReader for seg, _ in leaves):
        return reader.stored_fields
    names = frozenset(schema.names())  # (the schema of an open reader does not change)
    segments = [seg for seg, _ in leaves]
    offsets = [offset for _, offset in leaves]

    def stored_fields(docnum: int) -> dict:
        i = max(0, bisect_right(offsets, docnum) - 1)  # as MultiReader, then SegmentReader
        segment = segments[i]
        if segment.is_closed:
            raise ReaderClosed
        docnum -= offsets[i]
        assert docnum >= 0
        return {name: value for name, value in segment._perdoc.stored_fields(docnum).items() if name in names}

    return stored_fields


def _akey_column():
    from whoosh.columns import NumericColumn

    return NumericColumn("q")


def _lengths_column():
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN

    return LENGTHS_COLUMN


def idf(n_docs: int, df: int) -> float:
    """BM25's idf, floored at 0 so that a term in most documents adds nothing."""
    return max(0.0, math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5)))


def add_bm25(
    scores: np.ndarray,
    cache: PostingsCache,
    fieldname: str,
    term: str,
    weight: float,
    n_docs: int,
    k1: float = K1,
    b: float = B,
    by_article: bool = False,
) -> np.ndarray:
    """Add ``weight`` × BM25(term) of ``fieldname`` to ``scores``; return the docnums hit.
    ``k1`` and ``b`` come from the caller's ``ranking.Weights``. ``np.add.at`` adds what
    ``scores[ids] += values`` adds (a term's docnums are distinct), without its gather and
    scatter through a temporary: about half the time. ``by_article``: a field of article
    records (a title lane), ``scores`` one an article slot (``article_slots``), and the slots
    hit returned."""
    ids = cache.postings(fieldname, term)[0]
    if not len(ids):
        return ids
    at = cache.posting_slots(fieldname, term) if by_article else ids
    if weight != 0:
        np.add.at(scores, at, cache.bm25(fieldname, term, weight * idf(n_docs, len(ids)), k1, b))
    return at
