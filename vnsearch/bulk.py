"""The bulk segment writer: a segment's text postings gathered in arrays, written a term at a time.

Whoosh's ``SegmentWriter.add_document`` sends every posting of every field through its
``PostingPool``: a tuple, a size estimate and an append a posting, each phrase lane's positions
pickled (``Positions.encode``), and at commit a sort of all of them (spilled to disk in runs
past ``limitmb``), after which the codec unpickles the positions again to write them as arrays
(issue 15 profile of 600 dantri articles, one process: the pool's ``add`` 1.8 s, the sort
0.7 s, encoding and decoding positions 1.1 s, grouping the sorted stream by term 1.3 s, of
23.7 s).

``BulkWriter`` keeps each text lane's postings in flat arrays as documents arrive: for each
document, the numbers of its distinct terms, their counts and, in a phrase lane, their
positions (``Lane``). At commit numpy sorts them by term, stably (each term's documents stay in
order), and the codec writes each term's blocks from slices of the arrays
(``compact.CompactFieldWriter.add_gathered``). The other indexed fields (ids, dates: a posting
or two a document) keep Whoosh's (field, term, document, weight, value) tuples. The segment's
files are those Whoosh's own path writes, byte for byte (``tests/test_bulk.py``).

What still goes through Whoosh's pool: the postings of segments merged into this one
(``add_reader``), and spelling words (vnsearch's schema has none). When the pool holds anything
at commit, the gathered postings join it and the segment is written Whoosh's way.
"""

from __future__ import annotations

from array import array
from collections import Counter
from itertools import chain, groupby
from operator import itemgetter

import numpy as np
from whoosh.util.text import utf8encode
from whoosh.formats import Positions
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter

from .analysis import lane_terms
from .schema import LaneText

_TERM = itemgetter(0)
_RUN = itemgetter(2)
_TBYTES = itemgetter(1)


class Lane:
    """One text lane's postings, gathered a document at a time (``add``) and sorted by term
    at the end (``terms``)."""

    def __init__(self, positional: bool, boost: float):
        self.positional = positional
        self.boost = boost
        self.numbers: dict[str, int] = {}  # term → its number, in order of first appearance
        self.term_numbers = array("I")  # each posting's term
        self.counts = array("I")  # each posting's occurrences
        self.positions = array("I")  # phrase lanes: each posting's positions, one after the other
        self.docs = array("I")  # each document with postings...
        self.postings = array("I")  # ...and how many

    def add(self, docnum: int, terms: list[tuple[str, int, bool]]) -> int:
        """Gather one document's (term, position, joined run) tokens (``analysis.lane_terms``);
        returns the field's length: the tokens, a run's joined word not counted
        (``schema.LaneText``)."""
        numbers = self.numbers
        if self.positional:
            positions: dict[str, list[int]] = {}
            for term, pos, _ in terms:
                seen = positions.get(term)
                if seen is None:
                    positions[term] = [pos]
                else:
                    seen.append(pos)
            self.counts.extend(map(len, positions.values()))
            self.positions.extend(chain.from_iterable(positions.values()))
            distinct = positions
        else:
            distinct = Counter(map(_TERM, terms))
            self.counts.extend(distinct.values())
        self.term_numbers.extend([numbers.setdefault(term, len(numbers)) for term in distinct])
        if distinct:
            self.docs.append(docnum)
            self.postings.append(len(distinct))
        return len(terms) - sum(map(_RUN, terms))

    def __len__(self) -> int:
        return len(self.counts)

    def terms(self):
        """(term bytes, (document numbers, weights, counts, position gaps or None)) for every
        term, in the order of their UTF-8 bytes (which is the order of the strings)."""
        numbers = np.frombuffer(self.term_numbers, dtype=np.uint32)
        order = np.argsort(numbers, kind="stable")
        bounds = np.zeros(len(self.numbers) + 1, dtype=np.int64)
        np.cumsum(np.bincount(numbers, minlength=len(self.numbers)), out=bounds[1:])
        docs = np.repeat(np.frombuffer(self.docs, dtype=np.uint32).astype(np.int64),
                         np.frombuffer(self.postings, dtype=np.uint32))[order]
        counts = np.frombuffer(self.counts, dtype=np.uint32).astype(np.int64)
        gaps = ends = None
        if self.positional:
            gaps, ends = _sorted_gaps(np.frombuffer(self.positions, dtype=np.uint32).astype(np.int64), counts, order)
        counts = counts[order]
        weights = counts.astype(np.float64) * self.boost
        for term in sorted(self.numbers):
            n = self.numbers[term]
            a, b = int(bounds[n]), int(bounds[n + 1])
            term_gaps = None if gaps is None else gaps[(int(ends[a - 1]) if a else 0):int(ends[b - 1])]
            yield utf8encode(term)[0], (docs[a:b], weights[a:b], counts[a:b], term_gaps)

    def items(self, fieldname: str, format_):
        """The gathered postings as Whoosh's (field, term, document, weight, value) tuples, for
        its pool."""
        for btext, (docs, weights, counts, gaps) in self.terms():
            if gaps is None:
                values = [pack_uint(int(c)) for c in counts]  # LaneText's frequency value
            else:
                values = [format_.encode(np.cumsum(g).tolist())
                          for g in np.split(gaps, np.cumsum(counts)[:-1])]
            for doc, weight, value in zip(docs.tolist(), weights.tolist(), values):
                yield fieldname, btext, doc, weight, value


def _sorted_gaps(positions: np.ndarray, counts: np.ndarray, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions of the postings taken in ``order``, as gaps within each posting (the first
    from 0, as ``Positions.encode`` writes them), and where each posting's gaps end."""
    starts = np.cumsum(counts) - counts  # where each posting's positions start, as gathered
    sorted_counts = counts[order]
    ends = np.cumsum(sorted_counts)
    new_starts = ends - sorted_counts
    index = np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64) + np.repeat(starts[order] - new_starts,
                                                                                     sorted_counts)
    taken = positions[index]
    gaps = taken.copy()
    gaps[1:] -= taken[:-1]
    gaps[new_starts] = taken[new_starts]
    return gaps, ends


class BulkWriter(SegmentWriter):
    """Whoosh's segment writer, with the text lanes' postings gathered in ``Lane`` arrays
    instead of its posting pool (see the module's doc)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._lanes: dict[str, Lane] = {}
        self._tuples: dict[str, list] = {}  # other fields: Whoosh's posting tuples
        self._pooled = False  # the pool holds postings (of merged segments, spelling words)

    def add_document(self, **fields):
        """Whoosh's ``SegmentWriter.add_document``, but for where the postings go."""
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted([name for name in fields.keys() if not name.startswith("_")])
        self._check_fields(schema, fieldnames)

        perdocwriter.start_doc(docnum)
        for fieldname in fieldnames:
            value = fields.get(fieldname)
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if field.indexed:
                fieldboost = self._field_boost(fields, fieldname, docboost)
                length = self._gather(fieldname, field, value, docnum, fieldboost)
            if field.separate_spelling():
                self._pooled = True
                spellfield = field.spelling_fieldname(fieldname)
                for word in field.spellable_words(value):
                    self.pool.add((spellfield, utf8encode(word)[0], 0, 1, b""))
            vformat = field.vector
            if vformat:
                vitems = vformat.word_values(value, field.analyzer, mode="index")
                vitems = sorted((text, weight, vbytes) for text, _, weight, vbytes in vitems)
                perdocwriter.add_vector_items(fieldname, field, vitems)
            customval = fields.get("_stored_%s" % fieldname, value)
            perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
            column = field.column_type
            if column and customval is not None:
                perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _gather(self, fieldname: str, field, value, docnum: int, fieldboost: float) -> int:
        """Gather one field's postings of a document; returns the length Whoosh would count."""
        terms = None
        if type(field) is LaneText and isinstance(value, str) and fieldboost == 1.0:
            terms = lane_terms(field.analyzer, value)
        if terms is not None:
            lane = self._lanes.get(fieldname)
            if lane is None:
                lane = self._lanes[fieldname] = Lane(isinstance(field.format, Positions),
                                                     field.format.field_boost)
            length = lane.add(docnum, terms)
            return length if field.scorable else 0
        length = 0
        gathered = self._tuples.setdefault(fieldname, [])
        for tbytes, freq, weight, vbytes in field.index(value):
            if field.scorable:
                length += freq
            gathered.append((fieldname, tbytes, docnum, weight * fieldboost, vbytes))
        return length

    def add_postings_to_pool(self, reader, startdoc, docmap):
        self._pooled = True
        super().add_postings_to_pool(reader, startdoc, docmap)

    def _fields(self):
        """(fieldname, terms) of the gathered postings, in field-name order (``add_gathered``)."""
        for fieldname in sorted(set(self._lanes) | {f for f, items in self._tuples.items() if items}):
            lane = self._lanes.get(fieldname)
            items = self._tuples.get(fieldname)
            if lane is not None and items:  # a field with both kinds (not vnsearch's): as tuples
                items = sorted(chain(items, lane.items(fieldname, self.schema[fieldname].format)),
                               key=itemgetter(1, 2))
                lane = None
            if lane is not None:
                yield fieldname, lane.terms()
            else:
                items.sort(key=_TBYTES)  # stable: each term's documents stay in order
                yield fieldname, ((btext, list(group)) for btext, group in groupby(items, key=_TBYTES))

    def _flush_segment(self):
        add_gathered = getattr(self.fieldwriter, "add_gathered", None)
        if self._pooled or add_gathered is None:
            for fieldname, lane in self._lanes.items():
                for item in lane.items(fieldname, self.schema[fieldname].format):
                    self.pool.add(item)
            for items in self._tuples.values():
                for item in items:
                    self.pool.add(item)
            self._lanes, self._tuples = {}, {}
            return super()._flush_segment()
        self.perdocwriter.close()
        lengths = self.per_document_reader() if self.codec.length_stats else None
        add_gathered(self.schema, lengths, self._fields())
        self.fieldwriter.close()
        if lengths:
            lengths.close()
