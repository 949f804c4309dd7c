"""Whoosh's W3 codec, written a term at a time instead of a posting at a time.

Whoosh's field writer turns the sorted stream of postings into one ``add`` call per posting,
each looking up the document's field length in the length column and updating the block's
statistics in Python: the largest part of a commit (issue 15 profile: ``add_postings`` 33 of
134 s of a one-process build of 300 dantri articles, 11 s of it the length lookups). Here the
stream is grouped by term (``itertools.groupby``, in C), the field lengths of a field are read
once into a table, and each block of a term is handed to W3's own block writer with its
statistics computed over the block at once.

The files are those of Whoosh's W3 codec, byte for byte (``tests/test_codec.py`` compares
them): readers, ``scoring.py`` and the ranking see no difference.

Reading, the parts of a segment's compound file are read in place from its memory map.
Whoosh's ``CompoundStorage`` hands each part out as a ``BufferFile``, whose ``BytesIO`` copies
the whole part: every open of the dantri index copied its 54 MB of terms and postings (a third
of a cold query's work, and most of its memory). ``InPlaceFile`` reads the same bytes from the
map, copying only what is read.
"""

from __future__ import annotations

import io
from array import array
from itertools import groupby
from operator import itemgetter

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3FieldWriter, W3TermInfo, _lenfield
from whoosh.compat import memoryview_
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import OverlayStorage, StorageError
from whoosh.filedb.structfile import BufferFile
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length

_FIELD_AND_TERM = itemgetter(0, 1)
# doc_field_length's answer for each length byte: None for 0 (no such field in the document)
_LENGTH_OF_BYTE = [None] + [byte_to_length(b) for b in range(1, 256)]


class TermAtATimeW3Codec(W3Codec):
    """W3Codec whose field writer writes each term's postings at once, and whose readers read
    a compound segment's parts in place (``InPlaceParts``)."""

    def field_writer(self, storage, segment):
        return TermAtATimeFieldWriter(self, storage, segment)

    def terms_reader(self, storage, segment):
        return super().terms_reader(_in_place(storage), segment)

    def per_document_reader(self, storage, segment):
        return super().per_document_reader(_in_place(storage), segment)


class MemoryFile(io.RawIOBase):
    """A read-only file over a buffer, as ``io.BytesIO(buffer)`` reads it (positions past the
    end read nothing), without copying the buffer first."""

    def __init__(self, buf: memoryview):
        self._buf = buf
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        start, total = self._pos, len(self._buf)
        end = total if size is None or size < 0 else min(total, start + size)
        if end <= start:
            return b""
        self._pos = end
        return self._buf[start:end].tobytes()

    def readinto(self, b) -> int:
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)

    def seek(self, pos: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            if pos < 0:
                raise ValueError(f"negative seek value {pos}")
            new = pos
        elif whence == io.SEEK_CUR:
            new = max(0, self._pos + pos)  # as BytesIO: before the start is the start
        elif whence == io.SEEK_END:
            new = max(0, len(self._buf) + pos)
        else:
            raise ValueError(f"invalid whence ({whence})")
        self._pos = new
        return new

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._buf = memoryview(b"")  # the map can close once no part holds a view of it
        super().close()


class InPlaceFile(BufferFile):
    """Whoosh's ``BufferFile`` (``get`` slices the buffer) whose sequential reads go through a
    ``MemoryFile`` instead of a copy of the buffer in a ``BytesIO``."""

    def __init__(self, buf, name=None, onclose=None):
        self._buf = buf
        self._name = name
        self.file = MemoryFile(buf)
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False


class InPlaceParts:
    """A ``CompoundStorage`` whose parts open as ``InPlaceFile``s over its memory map (the
    rest is the storage's own)."""

    def __init__(self, storage: CompoundStorage):
        self._storage = storage

    def __getattr__(self, name):
        return getattr(self._storage, name)

    def open_file(self, name, *args, **kwargs):
        storage = self._storage
        if storage.is_closed:
            raise StorageError("Storage was closed")
        if not storage._source:  # no memory map (none could be made): Whoosh's own sub-files
            return storage.open_file(name, *args, **kwargs)
        offset, length = storage.range(name)
        return InPlaceFile(memoryview_(storage._source, offset, length), name=name)


def _in_place(storage):
    """``storage`` (a segment's files, as ``SegmentReader`` gives them to the codec) with its
    compound parts read in place."""
    if isinstance(storage, OverlayStorage) and isinstance(storage.a, CompoundStorage):
        return OverlayStorage(InPlaceParts(storage.a), storage.b)
    if isinstance(storage, CompoundStorage):
        return InPlaceParts(storage)
    return storage


def _length_table(lengths, fieldname: str) -> list | None:
    """For every document of the segment being written, what ``lengths.doc_field_length``
    answers for ``fieldname`` (None: no lookup table could be read; ask per document)."""
    try:
        reader = lengths._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    except AttributeError:  # another per-document reader: ask it document by document
        return None
    if reader is None:
        return []  # no length column: doc_field_length answers its default, 0
    raw = reader._dbfile.get(reader._basepos, reader._count)
    return [_LENGTH_OF_BYTE[b] for b in raw]


class TermAtATimeFieldWriter(W3FieldWriter):
    def add_postings(self, schema, lengths, items):
        """What ``whoosh.codec.base.FieldWriter.add_postings`` does with the sorted
        (fieldname, btext, docnum, weight, value) stream, a term at a time."""
        lastfn = None
        table: list | None = None
        for (fieldname, btext), group in groupby(items, key=_FIELD_AND_TERM):
            if fieldname != lastfn:
                if lastfn is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                lastfn = fieldname
                table = _length_table(lengths, fieldname) if lengths else []
            postings = [p for p in group if p[2] != -1]  # docnum -1: spelling words, not postings
            if not postings:
                continue
            if table is None:
                lens = [lengths.doc_field_length(p[2], fieldname) for p in postings]
            elif table:
                lens = [table[p[2]] if p[2] < len(table) else lengths.doc_field_length(p[2], fieldname)
                        for p in postings]
            else:
                lens = [0] * len(postings)
            self._write_term(btext, postings, lens)
        if lastfn is not None:
            self.finish_field()

    def _new_terminfo(self):
        return W3TermInfo()

    def _write_term(self, btext: bytes, postings: list, lens: list) -> None:
        pw = self._postwriter
        pw.start_postings(self._fieldobj.format, self._new_terminfo())
        limit = pw._blocklimit
        keep_empty = getattr(pw, "keeps_empty_values", False)
        n = len(postings)
        for start in range(0, n, limit):
            block = postings[start:start + limit]
            pw._ids = array("I", [p[2] for p in block])
            pw._weights = array("f", [p[3] for p in block])
            # W3 keeps only non-empty values; a writer that keeps every posting's says so
            pw._values = [p[4] for p in block] if keep_empty else [p[4] for p in block if p[4]]
            # W3PostingsWriter.add_posting's statistics: the first largest weight (0 when
            # none is positive), the shortest and longest non-zero field length
            weights = [p[3] for p in block]
            top = max(weights)
            pw._maxweight = top if top > 0 else 0
            present = [x for x in lens[start:start + limit] if x]
            pw._minlength = min(present) if present else None
            pw._maxlength = max(present) if present else 0
            if start + limit < n:
                pw._write_block()
        terminfo = pw.finish_postings()  # writes the last block, marked as the last
        self._add_term(pack_ushort(self._fieldid) + btext, terminfo)

    def _add_term(self, key: bytes, terminfo) -> None:
        """The term's row in the term table (``W3FieldWriter.finish_term``'s)."""
        self._tindex.add(key, terminfo.to_bytes())
