"""The bulk segment writer: a segment's text postings gathered in arrays, written a term at a time.

Whoosh's ``SegmentWriter.add_document`` sends every posting of every field through its
``PostingPool``: a tuple, a size estimate and an append a posting, each phrase lane's positions
pickled (``Positions.encode``), and at commit a sort of all of them (spilled to disk in runs
past ``limitmb``), after which the codec unpickles the positions again to write them as arrays
(issue 15 profile of 600 dantri articles, one process: the pool's ``add`` 1.8 s, the sort
0.7 s, encoding and decoding positions 1.1 s, grouping the sorted stream by term 1.3 s, of
23.7 s).

``BulkWriter`` keeps each text lane's tokens in arrays as documents arrive: a batch of
documents (``add_documents``: a job of a parallel worker, an article) has its lane values
analysed together into term numbers (``lanebatch.LaneAnalyser``), and each lane takes the
batch's term numbers, positions (phrase lanes) and tokens per document at once (``Lane``). At
commit numpy sorts each lane's tokens by term, stably (each term's documents stay in order, a
document's positions too), cuts them into postings where the term or the document changes, and
the codec writes each term's blocks from slices of the arrays
(``compact.CompactFieldWriter.add_gathered``). Past ``SPILL_ENTRIES`` held in memory, the lanes
are sorted and put aside in files (``SavedRun``, read back in order) and each term's postings
are put together from every run at commit, so memory stays bounded on an archive. The other
indexed fields (ids, dates: a posting or two a document) go through Whoosh's pool as before.
The segment's files are those Whoosh's own writer writes, byte for byte (``tests/test_bulk.py``).

What makes the segment be written Whoosh's way: postings of segments merged into this one
(``add_reader``) or spelling words (vnsearch's schema has none) in the pool; the gathered
postings then join the pool.
"""

from __future__ import annotations

import heapq
import os
from itertools import groupby
from operator import itemgetter

import numpy as np
from whoosh.util import random_name
from whoosh.util.text import utf8encode
from whoosh.formats import Positions
from whoosh.writing import SegmentWriter

from .analysis import _lane_kind
from .compact import ArrayValues
from .text import normalize
from .lanebatch import LaneAnalyser, Vocabulary
from .schema import LaneText

_FIRST = itemgetter(0)  # a posting's field, a merged entry's term
_TERM_AND_RUN = itemgetter(0, 1)
_TBYTES = itemgetter(1)
_EMPTY = np.zeros(0, dtype=np.int64)


class Lane:
    """One text lane's tokens, gathered a batch of documents at a time as numbers
    (``add_tokens``) and sorted by term into postings at the end (``terms``)."""

    def __init__(self, positional: bool, boost: float, vocab: Vocabulary | None = None):
        self.positional = positional
        self.boost = boost
        self.vocab = vocab if vocab is not None else Vocabulary()  # the terms' numbers
        self.runs: list[SavedRun] = []  # what was gathered before, sorted by term and put aside
        self._clear()

    def _clear(self) -> None:
        self._docs: list[np.ndarray] = []  # document numbers...
        self._sizes: list[np.ndarray] = []  # ...and how many tokens each
        self._terms: list[np.ndarray] = []  # each token's term number, document after document
        self._positions: list[np.ndarray] = []  # phrase lanes: each token's position
        self._tokens = 0

    def add_tokens(self, docs: np.ndarray, sizes: np.ndarray, terms: np.ndarray, positions: np.ndarray) -> None:
        """Gather the tokens of documents ``docs`` (in order, after those gathered before):
        ``sizes[i]`` of them for ``docs[i]``, their term numbers (of ``vocab``) and positions,
        each document's in the order ``analysis.lane_terms`` gives them (positions ascending
        for each term)."""
        self._docs.append(docs)
        self._sizes.append(sizes)
        self._terms.append(terms.astype(np.int32))
        if self.positional:
            self._positions.append(positions.astype(np.uint32))
        self._tokens += len(terms)

    def __len__(self) -> int:
        """Entries held in memory: tokens, and their positions in a phrase lane."""
        return self._tokens * (2 if self.positional else 1)

    def _run(self) -> "Run":
        """What is gathered as postings sorted by term (stably: each term's documents in order,
        a document's positions in order)."""
        tokens = np.concatenate(self._terms or [np.zeros(0, dtype=np.int32)])
        docs = np.repeat(np.concatenate(self._docs or [_EMPTY]), np.concatenate(self._sizes or [_EMPTY]))
        present = np.zeros(len(self.vocab), dtype=bool)
        present[tokens] = True
        numbers = np.flatnonzero(present)
        strings = self.vocab.strings
        names = [strings[t] for t in numbers.tolist()]
        order = sorted(range(len(names)), key=names.__getitem__)
        terms = [names[i] for i in order]
        rank = np.zeros(len(self.vocab), dtype=_key_type(len(terms)))  # term number → its place in order
        rank[numbers[order]] = np.arange(len(terms))
        keys = rank[tokens]
        order = np.argsort(keys, kind="stable")
        keys, docs = keys[order], docs[order]
        first = np.ones(len(keys), dtype=bool)  # a posting's first token: a new term or document
        first[1:] = (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1])
        starts = np.flatnonzero(first)
        counts = np.diff(np.append(starts, len(keys)))
        bounds = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(np.bincount(keys[starts], minlength=len(terms)), out=bounds[1:])
        gaps = gap_bounds = None
        if self.positional:
            taken = np.concatenate(self._positions or [_EMPTY]).astype(np.int64)[order]
            gaps = taken.copy()  # Positions.encode's gaps: the first from 0
            gaps[1:] -= taken[:-1]
            gaps[starts] = taken[starts]
            gap_bounds = np.concatenate(([0], np.cumsum(counts)))[bounds]
        return Run(terms, bounds, docs[starts].astype(np.uint32), counts.astype(np.uint32), gaps, gap_bounds)

    def spill(self, folder: str) -> None:
        """Put what is gathered aside, sorted, in files of ``folder``: memory stays bounded
        whatever the segment's size (vntc: 84,132 articles)."""
        if self._tokens:
            self.runs.append(self._run().save(folder))
            self._clear()

    def terms(self):
        """(term bytes, (document numbers, weights, counts, position gaps or None)) for every
        term, in the order of their UTF-8 bytes (which is the order of the strings): each
        term's postings of every run put aside, then of what is in memory."""
        runs = list(self.runs)
        if self._tokens:
            runs.append(self._run())
            self._clear()  # the sorted copy is what is read now
        boost = self.boost
        if len(runs) == 1:
            for term, (docs, counts, gaps) in runs[0].read():
                yield utf8encode(term)[0], (docs, counts.astype(np.float64) * boost, counts, gaps)
            return
        streams = [((term, r, postings) for term, postings in run.read()) for r, run in enumerate(runs)]
        for term, group in groupby(heapq.merge(*streams, key=_TERM_AND_RUN), key=_FIRST):
            parts = [postings for _, _, postings in group]  # in run order: documents in order
            if len(parts) == 1:
                docs, counts, gaps = parts[0]
            else:
                docs, counts, gaps = (np.concatenate(x) if x[0] is not None else None for x in zip(*parts))
            yield utf8encode(term)[0], (docs, counts.astype(np.float64) * boost, counts, gaps)

    def discard(self) -> None:
        for run in self.runs:
            run.delete()
        self.runs = []

    def items(self, fieldname: str, format_):
        """The gathered postings as Whoosh's (field, term, document, weight, value) tuples, for
        its pool."""
        for btext, (docs, weights, counts, gaps) in self.terms():
            values = ArrayValues(counts, gaps).as_bytes(format_)  # what LaneText.index yields
            for doc, weight, value in zip(docs.tolist(), weights.tolist(), values):
                yield fieldname, btext, doc, weight, value


class Run:
    """A lane's postings sorted by term: the terms, where each term's postings (and position
    gaps) start, and the postings' documents, counts and gaps."""

    def __init__(self, terms, bounds, docs, counts, gaps, gap_bounds):
        self.terms, self.bounds, self.gap_bounds = terms, bounds, gap_bounds
        self.docs, self.counts, self.gaps = docs, counts, gaps

    def read(self):
        """(term, (documents, counts, gaps or None)) in term order, as int64 arrays."""
        bounds, gap_bounds = self.bounds.tolist(), None if self.gaps is None else self.gap_bounds.tolist()
        for i, term in enumerate(self.terms):
            a, b = bounds[i], bounds[i + 1]
            gaps = None if gap_bounds is None else self.gaps[gap_bounds[i]:gap_bounds[i + 1]]
            yield term, (self.docs[a:b].astype(np.int64), self.counts[a:b].astype(np.int64), gaps)

    def save(self, folder: str) -> "SavedRun":
        """This run written to files of ``folder``: its terms (lines of UTF-8: no term holds a
        line break), each term's numbers of postings and of gaps, and the arrays."""
        paths = [os.path.join(folder, f"{random_name()}.run{k}") for k in range(5)]
        text = "\n".join(self.terms)
        if text.count("\n") != max(len(self.terms) - 1, 0):
            raise ValueError("a term with a line break cannot be put aside")  # pieces never hold one
        with open(paths[0], "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        np.diff(self.bounds).astype(np.uint32).tofile(paths[1])
        gap_counts = np.diff(self.gap_bounds) if self.gaps is not None else np.zeros(0)
        gap_counts.astype(np.uint32).tofile(paths[2])
        self.docs.tofile(paths[3])
        self.counts.tofile(paths[4])
        if self.gaps is not None:
            paths.append(paths[0][:-1] + "5")
            self.gaps.tofile(paths[5])
        return SavedRun(paths, len(self.terms))

    def delete(self) -> None:
        pass


class SavedRun:
    """A run put aside in files and read back once, in term order, a term at a time through
    buffered reads: the process keeps nothing of it in memory in between (not its terms, not
    memory maps), whatever the number of runs."""

    def __init__(self, paths: list[str], size: int):
        self.paths = paths
        self.size = size  # terms

    def read(self):
        with open(self.paths[0], encoding="utf-8", newline="\n") as terms, \
                open(self.paths[1], "rb") as sizes, open(self.paths[2], "rb") as gap_sizes, \
                open(self.paths[3], "rb", buffering=1 << 20) as docs, \
                open(self.paths[4], "rb", buffering=1 << 20) as counts:
            gaps = open(self.paths[5], "rb", buffering=1 << 20) if len(self.paths) > 5 else None
            try:
                postings = np.fromfile(sizes, dtype=np.uint32).tolist()
                positions = np.fromfile(gap_sizes, dtype=np.uint32).tolist() if gaps else None
                for i, line in enumerate(terms if self.size else ()):
                    term = line[:-1] if line.endswith("\n") else line
                    n = postings[i]
                    term_gaps = None
                    if gaps is not None:
                        term_gaps = np.frombuffer(gaps.read(8 * positions[i]), dtype=np.int64)
                    yield term, (np.frombuffer(docs.read(4 * n), dtype=np.uint32).astype(np.int64),
                                 np.frombuffer(counts.read(4 * n), dtype=np.uint32).astype(np.int64), term_gaps)
            finally:
                if gaps is not None:
                    gaps.close()

    def delete(self) -> None:
        for path in self.paths:
            try:
                os.remove(path)
            except OSError:
                pass


# Lanes of at most this many terms are sorted on 16-bit keys, which numpy's stable argsort
# sorts by radix (dantri, one process: 0.26 -> 0.05 s CPU, the same order; 64-bit keys are
# merge-sorted).
RADIX_TERMS = 0x10000


def _key_type(terms: int):
    """The integer type of the sort keys of a lane of ``terms`` terms (their ranks)."""
    return np.uint16 if terms <= RADIX_TERMS else np.int64


# Entries (tokens, and a phrase lane's positions) the lanes of a writer hold in memory before
# they are sorted and put aside in files (``Lane.spill``): 4 bytes each, and a few times that
# while they are sorted. A paragraph's syllable is about 3.4 entries (exact, folded and its
# position, a share of a compound); by the corpora's syllables, dantri's workers (0.9 million
# syllables each) never put them aside, vntc's (21 million) about nine times each.
SPILL_ENTRIES = 8_000_000


class BulkWriter(SegmentWriter):
    """Whoosh's segment writer, with the text lanes' postings gathered in ``Lane`` arrays
    instead of its posting pool (see the module's doc)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._lanes: dict[str, Lane] = {}
        self._analyser = LaneAnalyser()  # the lanes' terms as numbers of its vocabulary
        self._lane_kinds: dict[str, str | None] = {}  # field → its lane ("exact", ...) or None
        self._pooled = False  # the pool holds lane postings (merged segments) or spelling words
        self._spill_folder = getattr(self._tempstorage, "folder", None)  # None: in memory only

    def _lane_kind(self, fieldname: str) -> str | None:
        """The lane (``analysis._lane_kind``) of a field that is a text lane, else None."""
        try:
            return self._lane_kinds[fieldname]
        except KeyError:
            field = self.schema[fieldname] if fieldname in self.schema else None
            kind = _lane_kind(field.analyzer) if type(field) is LaneText and field.indexed else None
            self._lane_kinds[fieldname] = kind
            return kind

    def add_documents(self, documents: list[dict]) -> None:
        """``add_document`` of each document, the text of their lanes analysed together
        (``lanebatch.LaneAnalyser``: segmented in one batch, every token a number) and gathered
        once all of them are added."""
        self._check_state()
        schema = self.schema
        names = [sorted([name for name in fields if name[:1] != "_"]) for fields in documents]
        own = [len(n) < len(fields) for n, fields in zip(names, documents)]  # boosts, stored values
        plan = []  # (document, field, lane, value) of each lane value (a boosted one: the pool's)
        lane_kind = self._lane_kind
        for i, fields in enumerate(documents):
            self._check_fields(schema, names[i])
            for name in names[i]:
                value = fields[name]
                if isinstance(value, str):
                    kind = lane_kind(name)
                    boosted = own[i] and self._field_boost(fields, name, self._doc_boost(fields)) != 1.0
                    if kind is not None and not boosted:
                        plan.append((i, name, kind, value))
        numbers: dict[str, int] = {}  # each distinct value → its number in the batch
        for entry in plan:
            numbers.setdefault(entry[3], len(numbers))
        analysed = self._analyser.analyse([normalize(v) for v in numbers]) if plan else None
        given: list[dict[str, int]] = [{} for _ in documents]  # the lane fields' lengths
        for i, name, kind, value in plan:
            given[i][name] = int(analysed.lane(kind)[4][numbers[value]])
        first = self.docnum
        added = 0
        try:
            for fields, fieldnames, lengths, underscored in zip(documents, names, given, own):
                self._add(fields, fieldnames, lengths, underscored)
                added += 1
        finally:  # the tokens of the documents added, whatever stopped the others
            lanes: dict[str, tuple[str, list, list]] = {}
            for i, name, kind, value in plan:
                if i < added:
                    lanes.setdefault(name, (kind, [], []))
                    lanes[name][1].append(first + i)
                    lanes[name][2].append(numbers[value])
            for name, (kind, docs, values) in lanes.items():
                sizes, terms, positions = analysed.take(kind, np.array(values, dtype=np.int64))
                self._lane(name).add_tokens(np.array(docs, dtype=np.int64), sizes, terms, positions)
            self._spill()

    def add_document(self, **fields):
        """Whoosh's ``SegmentWriter.add_document``, but for where the postings go."""
        self.add_documents([fields])

    def _lane(self, fieldname: str) -> Lane:
        lane = self._lanes.get(fieldname)
        if lane is None:
            field = self.schema[fieldname]
            lane = self._lanes[fieldname] = Lane(isinstance(field.format, Positions), field.format.field_boost,
                                                 self._analyser.vocab)
        return lane

    def _add(self, fields: dict, fieldnames: list[str], lengths: dict[str, int], underscored: bool) -> None:
        """Whoosh's ``SegmentWriter.add_document`` for one document (``fieldnames``: its
        fields, sorted, without Whoosh's "_" keys, which ``underscored`` says it has) whose
        lane fields named in ``lengths`` are gathered by ``add_documents`` (given: their
        lengths)."""
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        docboost = self._doc_boost(fields) if underscored else 1.0

        perdocwriter.start_doc(docnum)
        for fieldname in fieldnames:
            value = fields.get(fieldname)
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if fieldname in lengths:
                length = lengths[fieldname] if field.scorable else 0
            elif field.indexed:
                fieldboost = self._field_boost(fields, fieldname, docboost) if underscored else 1.0
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
            customval = fields.get("_stored_%s" % fieldname, value) if underscored else value
            perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
            column = field.column_type
            if column and customval is not None:
                perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _spill(self) -> None:
        """Past ``SPILL_ENTRIES`` gathered, every lane's put aside in files, and the analyser
        starts again (what it remembers of terms goes with them)."""
        if self._spill_folder and sum(map(len, self._lanes.values())) > SPILL_ENTRIES:
            for lane in self._lanes.values():
                lane.spill(self._spill_folder)
            self._analyser = LaneAnalyser()
            for lane in self._lanes.values():
                lane.vocab = self._analyser.vocab

    def _gather(self, fieldname: str, field, value, docnum: int, fieldboost: float) -> int:
        """Gather one field's postings of a document into Whoosh's pool, as its writer would;
        returns the length Whoosh counts. The fields other than the lanes (ids, dates: a posting
        or two a document) come here, and a lane's value that is not text or has a boost of its
        own (``add_documents`` gathers the others)."""
        if fieldname in self._lanes:  # a lane's field given another value: the pool has it all
            self._pooled = True
        length = 0
        for tbytes, freq, weight, vbytes in field.index(value):
            if field.scorable:
                length += freq
            self.pool.add((fieldname, tbytes, docnum, weight * fieldboost, vbytes))
        return length

    def add_postings_to_pool(self, reader, startdoc, docmap):
        self._pooled = True
        super().add_postings_to_pool(reader, startdoc, docmap)

    def _fields(self):
        """(fieldname, terms) of the segment, in field-name order (``add_gathered``): the
        lanes' and, for the other fields, the pool's sorted postings grouped by term."""
        pooled = groupby(self.pool.iter_postings(), key=_FIRST)
        for fieldname in sorted(set(self._lanes) | set(self.pool.fieldnames)):
            lane = self._lanes.get(fieldname)
            if lane is not None:
                yield fieldname, lane.terms()
            else:
                name, items = next(pooled)
                assert name == fieldname, (name, fieldname)
                yield fieldname, ((btext, list(group)) for btext, group in groupby(items, key=_TBYTES))

    def _flush_segment(self):
        try:
            add_gathered = getattr(self.fieldwriter, "add_gathered", None)
            if self._pooled or add_gathered is None or set(self._lanes) & set(self.pool.fieldnames):
                for fieldname, lane in self._lanes.items():
                    for item in lane.items(fieldname, self.schema[fieldname].format):
                        self.pool.add(item)
                return super()._flush_segment()
            self.perdocwriter.close()
            lengths = self.per_document_reader() if self.codec.length_stats else None
            add_gathered(self.schema, lengths, self._fields())
            self.fieldwriter.close()
            if lengths:
                lengths.close()
        finally:
            self._discard()

    def _discard(self) -> None:
        for lane in self._lanes.values():
            lane.discard()
        self._lanes = {}

    def cancel(self):
        self._discard()
        super().cancel()
