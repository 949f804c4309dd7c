"""vnsearch's compact index format: Whoosh's W3 codec with binary postings blocks, stored
fields compressed with a trained dictionary and varint term infos (issue 15).

Whoosh keeps the storage, the table of contents, segments, merging and atomic commits; the
codec decides only how a segment's postings and stored fields are laid out. What differs from
W3 (``codec.TermAtATimeW3Codec``, whose term-at-a-time writer this one keeps):

Postings. W3 writes each block as a pickled (id deltas, weights, values) tuple, zlib'd, after a
pickled block-info tuple, and a phrase field's values are one pickle per posting (its position
deltas). Here a block is a small header and a few arrays of unsigned integers:

    uint8   flags: the term's last block?, zlib'd data?, how the weights, the values and
            the largest weight are written
    varint  bytes of data after the header
    varint  postings in the block
    varint  last document number of the block      (skipping reads the header only)
    varint or float32  largest weight of the block  (Whoosh's block quality)
    uint8   shortest and longest field length, as Whoosh's length bytes
    data    the arrays, each a width byte (1, 2 or 4) and its values stored by byte plane
            (all low bytes, then the next ones: zlib packs the mostly-zero high bytes)

The arrays: document-number gaps (the first number follows from the last one); the weights,
when not all 1, as integers when they are whole numbers (term frequencies) or as float32; and
the values by kind: none, fixed-size values concatenated, a frequency equal to the weight (not
written at all), positions (counts, when not equal to the weights, and the position gaps of
each posting, as Whoosh's ``Positions`` encodes them), or any other bytes (lengths and bytes).
The block is deflated (level 9, raw: no zlib header or checksum) when that makes it smaller.
An empty array is written as nothing, and a block of one posting leaves its whole weight to its
largest weight (schema 16). ``postings_arrays`` reads a term's blocks into numpy arrays for
``scoring.py`` with ``np.frombuffer``: no pickle, no Python step a posting.
Vectors (postings keyed by terms, which vnsearch does not use) stay W3's.

Stored fields. W3 pickles and zlib's each document's stored fields apart (``_stored`` column):
a paragraph of 400 bytes compresses poorly alone. Here each document is still compressed alone
(a query reads ~120 paragraphs scattered over the archive: blocks of several documents cost a
block's decompression a read, measured above ``DICTIONARY``), as a zstd frame with a dictionary
trained on the segment's own documents (``StoredColumn``): field names, article ids and common
words and phrases are cheap from a document's first byte on.

Term infos. W3 writes 35 bytes a term (struct of floats and 32/64-bit integers); here its
numbers are varints (``CompactTermInfo``). The term table is not W3's hash table but sorted
blocks of front-coded keys with a small index of their first keys (``termdict.py``).
"""

from __future__ import annotations

import pickle
import struct
import sys
import zlib
from array import array
from itertools import chain
from operator import sub
from pickle import dumps, loads

import numpy as np
from whoosh import columns, formats
from whoosh.codec.base import FieldCursor
from whoosh.codec.whoosh3 import (
    W3LeafMatcher,
    W3PerDocReader,
    W3PerDocWriter,
    W3PostingsWriter,
    W3TermInfo,
    W3TermsReader,
)
from whoosh.reading import TermNotFound
from whoosh.system import pack_uint, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from . import zdict
from .codec import TermAtATimeFieldWriter, TermAtATimeW3Codec, _in_place, _length_table
from .termdict import TermDictReader, TermDictWriter

_FLOAT = struct.Struct("<f")
_BYTES = [bytes((i,)) for i in range(256)]


def _varint(i: int) -> bytes:
    if 0 <= i < 0x80:
        return _BYTES[i]
    out = bytearray()
    while i > 0x7F:
        out.append((i & 0x7F) | 0x80)
        i >>= 7
    out.append(i)
    return bytes(out)


def _read_varint(buf, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, pos
        shift += 7


def _number(x: float, flag: int) -> tuple[int, bytes]:
    """(flag if written as float32, else 0; the bytes) of a weight W3 writes as a float32:
    a whole number as a varint."""
    x32 = _FLOAT.unpack(_FLOAT.pack(x))[0]
    if x32.is_integer() and 0 <= x32 < 2**53:
        return 0, _varint(int(x32))
    return flag, _FLOAT.pack(x32)


def _read_number(buf, pos: int, is_float: int) -> tuple[float, int]:
    """What ``_number`` wrote at ``pos``, and the position after it."""
    if is_float:
        return _FLOAT.unpack_from(buf, pos)[0], pos + 4
    value, pos = _read_varint(buf, pos)
    return float(value), pos


MAX_BLOCK = 0xFFFF  # postings in a block
# A block's data deflated at level 9 without zlib's header and Adler-32 (6 bytes a block: the
# index's checksums cover damage): dantri's postings 5,831,381 -> 5,520,311 B over zlib's level
# 3 with its header (level 9 alone 5,650,762; zstd level 19 without a dictionary 5,577,831).
POSTINGS_LEVEL = 9

# flags
_ZLIB = 0x01  # the data is raw deflate
_LAST = 0x40  # the term's last block
_MAXWEIGHT_FLOAT = 0x80  # the block's largest weight as a float32 (else a varint)
_W_ONES, _W_INT, _W_FLOAT = 0x00, 0x02, 0x04  # weights
_W_MASK = 0x06
_V_NONE, _V_FIXED, _V_FREQ, _V_POS, _V_POS_COUNTED, _V_BYTES = (x << 3 for x in range(6))  # values
_V_MASK = 0x38
_WIDTHS = (1, 2, 4)
_U32 = "I" if array("I").itemsize == 4 else "L"  # an array code of 4-byte unsigned integers


def _float32(x: float) -> float:
    return _FLOAT.unpack(_FLOAT.pack(x))[0]


def _uint_bytes(values: np.ndarray) -> bytes:
    """An array of non-negative integers as a width byte and its byte planes; an empty one as
    nothing (a one-posting block's document gaps)."""
    if not len(values):
        return b""
    top = int(values.max()) if len(values) else 0
    if top < 0 or top > 0xFFFFFFFF:
        raise ValueError(f"cannot store {top} as an unsigned 32-bit integer")
    width = 1 if top < 0x100 else 2 if top < 0x10000 else 4
    planes = values.astype(f"<u{width}").view(np.uint8).reshape(-1, width).T
    return bytes((width,)) + planes.tobytes()


def _uint_list_bytes(values: list) -> bytes:
    """``_uint_bytes`` of a list of integers, each from 0 to 2**32 - 1, without numpy: the
    byte planes sliced from an ``array``'s bytes (``_small_block``)."""
    if not values:
        return b""
    top = max(values)
    if top < 0x100:
        return bytes((1,)) + bytes(values)
    width, code = (2, "H") if top < 0x10000 else (4, _U32)
    raw = array(code, values)
    if sys.byteorder == "big":
        raw.byteswap()
    raw = raw.tobytes()
    return bytes((width,)) + b"".join([raw[k::width] for k in range(width)])


def _read_uints(buf, offset: int, n: int) -> tuple[np.ndarray, int]:
    """(the ``n`` integers written by ``_uint_bytes`` at ``offset``, the offset after them)."""
    if n == 0:
        return np.zeros(0, dtype=np.int64), offset
    width = buf[offset]
    if width not in _WIDTHS:
        raise ValueError(f"damaged postings block: integer width {width}")
    start = offset + 1
    end = start + width * n
    if end > len(buf):
        raise ValueError("damaged postings block: shorter than its arrays")
    planes = np.frombuffer(buf, dtype=np.uint8, count=width * n, offset=start)
    if width == 1:
        return planes.astype(np.int64), end
    values = np.ascontiguousarray(planes.reshape(width, n).T).view(f"<u{width}").reshape(n)
    return values.astype(np.int64), end


def _positions_encoded(format_) -> bool:
    """Whether the format's values are ``Positions.encode``'s: a count and pickled gaps."""
    return isinstance(format_, formats.Positions) and type(format_).encode is formats.Positions.encode


def _positions_deltas(format_, values: list) -> list | None:
    """Each value's position gaps, as Whoosh's ``Positions.encode`` wrote them (its pickle
    after the count), or None when a value is not such an encoding."""
    if not _positions_encoded(format_):
        return None
    out = []
    try:
        for v in values:
            deltas = loads(v[4:])
            if type(deltas) is not list or v[:4] != pack_uint(len(deltas)):
                return None
            out.append(deltas)
    except Exception:
        return None
    return out


class CompactPostingsWriter(W3PostingsWriter):
    """W3's postings writer (blocks, statistics, term infos) writing ``compact`` blocks."""

    keeps_empty_values = True  # every posting's value is kept, empty or not (W3 drops b"")

    def __init__(self, postfile, blocklimit, compression=POSTINGS_LEVEL, inlinelimit=1):
        super().__init__(postfile, min(blocklimit, MAX_BLOCK), byteids=False, compression=compression,
                         inlinelimit=inlinelimit)

    def add_posting(self, id_, weight, vbytes, length=None):
        if len(self._ids) >= self._blocklimit:
            self._write_block()
        self._ids.append(id_)
        self._weights.append(weight)
        if weight > self._maxweight:
            self._maxweight = weight
        self._values.append(vbytes)
        if length:
            if self._minlength is None or length < self._minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length

    def _write_block(self, last=False):
        self._terminfo.add_block(self)
        ids = np.frombuffer(self._ids, dtype=np.uint32).astype(np.int64)
        weights = np.frombuffer(self._weights, dtype=np.float32)
        flags, parts = self._encode(ids, weights, self._values, _float32(float(self._maxweight)))
        data = b"".join(parts)
        if self._compression and len(data) > 2:
            packed = zlib.compress(data, self._compression, -15)
            if len(packed) < len(data):
                data, flags = packed, flags | _ZLIB
        if last and self._blockcount == 0:
            # the term's only block: what the rest of the header holds, the term info holds
            # (postings, last document, largest weight, lengths), and it ends with the term
            self._terminfo._sole = True
            head = bytes((flags | _LAST,))
        else:
            mflag, maxweight = _number(float(self._maxweight), _MAXWEIGHT_FLOAT)
            head = b"".join((bytes((flags | mflag | (_LAST if last else 0),)), _varint(len(data)),
                             _varint(len(ids)), _varint(int(ids[-1])), maxweight,
                             bytes((length_to_byte(self._minlength), length_to_byte(self._maxlength)))))
        self._postfile.write(head)
        self._postfile.write(data)
        self._blockcount += 1
        self._new_block()

    def _encode(self, ids: np.ndarray, weights: np.ndarray, values: list,
                maxweight: float) -> tuple[int, list[bytes]]:
        """(flags, the arrays' bytes) of a block; ``maxweight``: its largest weight as the
        header (or the term info) keeps it."""
        parts = [_uint_bytes(np.diff(ids))]
        whole = None
        if (weights == 1.0).all():
            flags = _W_ONES
            whole = np.ones(len(weights), dtype=np.int64)
        elif (weights >= 0).all() and (weights <= 0xFFFFFFFF).all() and (weights == np.floor(weights)).all() \
                and (len(weights) > 1 or weights[0] == maxweight):
            flags = _W_INT
            whole = weights.astype(np.int64)
            if len(whole) > 1:  # a block of one posting: its weight is the block's largest
                parts.append(_uint_bytes(whole))
        else:
            flags = _W_FLOAT
            parts.append(weights.astype("<f4").tobytes())

        fixed = self._format.fixed_value_size()
        if isinstance(values, ArrayValues):
            encoded = values.encode(self._format, fixed, whole)
            if encoded is not None:
                vflags, vparts = encoded
                return flags | vflags, parts + vparts
            values = values.as_bytes(self._format)  # what they stand for, written as below
        if not any(values):
            return flags | _V_NONE, parts
        if fixed == 4 and whole is not None and all(len(v) == 4 for v in values) \
                and (np.frombuffer(b"".join(values), dtype=">u4") == whole).all():
            return flags | _V_FREQ, parts  # Frequency's value: the weight as an unsigned int
        if fixed and fixed > 0 and all(len(v) == fixed for v in values):
            parts.append(b"".join(values))
            return flags | _V_FIXED, parts
        deltas = _positions_deltas(self._format, values)
        if deltas is not None and all(x >= 0 for d in deltas for x in d):
            counts = np.fromiter(map(len, deltas), dtype=np.int64, count=len(deltas))
            flat = np.fromiter(chain.from_iterable(deltas), dtype=np.int64, count=int(counts.sum()))
            if whole is not None and (counts == whole).all():
                flags |= _V_POS  # a position per unit of weight: the counts are the weights
            else:
                flags |= _V_POS_COUNTED
                parts.append(_uint_bytes(counts))
            parts.append(_uint_bytes(flat))
            return flags, parts
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
        parts.append(_uint_bytes(lengths))
        parts.append(b"".join(values))
        return flags | _V_BYTES, parts


class ArrayValues:
    """A block's values as arrays, for the bulk writer (``bulk.py``): each posting's count of
    occurrences and, in a phrase lane, its position gaps (the first from 0), as
    ``Positions.encode`` would have pickled them. ``encode`` writes what ``_encode`` writes for
    the values they stand for (``as_bytes``), without making them."""

    __slots__ = ("counts", "gaps")

    def __init__(self, counts: np.ndarray, gaps: np.ndarray | None):
        self.counts = counts
        self.gaps = gaps

    def encode(self, format_, fixed, whole) -> tuple[int, list[bytes]] | None:
        """(value flags, parts), as ``_encode`` decides for ``as_bytes()``; None where the
        arrays do not say it alone (then ``_encode`` is given the bytes)."""
        if self.gaps is None:  # Frequency's value, pack_uint(count): 4 bytes, never empty
            if fixed == 4 and whole is not None and (self.counts == whole).all():
                return _V_FREQ, []
            return None
        if not _positions_encoded(format_):
            return None
        if not (self.gaps >= 0).all():
            return None
        if whole is not None and (self.counts == whole).all():
            return _V_POS, [_uint_bytes(self.gaps)]
        return _V_POS_COUNTED, [_uint_bytes(self.counts), _uint_bytes(self.gaps)]

    def as_bytes(self, format_) -> list[bytes]:
        if self.gaps is None:
            return [pack_uint(int(c)) for c in self.counts]
        ends = np.cumsum(self.counts)
        return [format_.encode(np.cumsum(g).tolist())
                for g in np.split(self.gaps, ends[:-1])] if len(self.counts) else []

    def __len__(self) -> int:
        return len(self.counts)


# Terms of at most this many postings (one block) are written by ``_small_block`` over lists
# rather than by the postings writer over numpy arrays: a numpy call on an array of a few
# items costs a microsecond or more, and _write_arrays made a dozen a term (600 dantri
# articles: 29,939 terms at ~86 µs, half of them of one posting). Measured a term at a time
# (CPU, positions; without them the lists stay ahead a little longer): 1 posting 10 µs over
# lists against 32 µs, 16 postings 26 against 52, 64 53 against 66, 128 87 against 82, 256 160
# against 117.
SMALL_TERM = 128
# The lists path writes weights within ±2**31, leaving those near 2**32 (which numpy compares
# with 0xFFFFFFFF at float32 precision), infinities and NaNs to the arrays path.
_WEIGHT_RANGE = 2.0**31


def _small_block(ids: list, weights: list, counts: list, gaps: list | None, fixed, positions: bool,
                 level: int) -> tuple[bytes, list, float] | None:
    """(a term's only block: its flags byte and data; its weights as float32s; its largest
    weight) as ``CompactPostingsWriter._write_block`` writes it from ``_write_arrays``, with
    ``ArrayValues`` of ``counts`` and ``gaps``; None for what only that path writes (values
    other than frequencies or positions, weights beyond ±2**31 or not numbers). ``fixed``:
    the format's value size; ``positions``: whether its values are ``Positions.encode``'s."""
    top, total = max(weights), sum(weights)
    if not (-_WEIGHT_RANGE < min(weights) and top < _WEIGHT_RANGE and total == total):  # (NaN: a NaN weight)
        return None
    w32 = array("f", weights).tolist()  # the block's weights as W3's writer holds them
    maxweight = top if top > 0 else 0  # add_posting's: the first largest, 0 when none is positive
    flags, parts, whole = _small_weights(ids, w32, _float32(float(maxweight)))
    if gaps is None:
        if whole is not None and counts == whole and fixed == 4:
            flags |= _V_FREQ
        elif fixed == 4:  # Frequency's values, pack_uint(count), as they are
            flags |= _V_FIXED
            parts.append(struct.pack(f">{len(counts)}I", *counts))
        else:
            return None
    elif not positions or (gaps and min(gaps) < 0):
        return None
    elif whole is not None and counts == whole:
        flags |= _V_POS
        parts.append(_uint_list_bytes(gaps))
    else:
        flags |= _V_POS_COUNTED
        parts += [_uint_list_bytes(counts), _uint_list_bytes(gaps)]
    data = b"".join(parts)
    if level and len(data) > 2:
        packed = zlib.compress(data, level, -15)
        if len(packed) < len(data):
            data, flags = packed, flags | _ZLIB
    return bytes((flags | _LAST,)) + data, w32, maxweight


def _small_weights(ids: list, w32: list, maxweight: float) -> tuple[int, list[bytes], list | None]:
    """(weight flags, the document gaps' and weights' bytes, the weights as integers or None)
    of ``_encode``, for a block's document numbers and float32 weights; ``maxweight``: the
    block's largest weight as a float32."""
    parts = [_uint_list_bytes(list(map(sub, ids[1:], ids)))]
    if w32.count(1.0) == len(w32):
        return _W_ONES, parts, [1] * len(w32)
    whole = list(map(int, w32))  # (weights within ±2**31)
    if whole == w32 and min(whole) >= 0 and (len(w32) > 1 or w32[0] == maxweight):
        if len(whole) > 1:  # a block of one posting: its weight is the block's largest
            parts.append(_uint_list_bytes(whole))
        return _W_INT, parts, whole
    parts.append(struct.pack(f"<{len(w32)}f", *w32))
    return _W_FLOAT, parts, None


class Block:
    """One block's arrays, decoded."""

    __slots__ = ("ids", "weights", "counts", "positions", "starts", "values", "vmode")

    def __init__(self, buf, offset: int, end: int, n: int, maxid: int, flags: int, maxweight: float):
        self.ids, self.weights, whole, buf, offset, end = _ids_and_weights(buf, offset, end, n, maxid, flags,
                                                                            maxweight)
        vmode = flags & _V_MASK
        if whole is None and vmode in (_V_FREQ, _V_POS):  # weights all 1
            whole = np.ones(n, dtype=np.int64)
        self.vmode = vmode
        self.values = None
        self.counts = self.positions = self.starts = None
        if vmode == _V_FREQ:
            self.counts = whole
        elif vmode in (_V_POS, _V_POS_COUNTED):
            if vmode == _V_POS:
                counts = whole
            else:
                counts, offset = _read_uints(buf, offset, n)
            total = int(counts.sum())
            gaps, offset = _read_uints(buf, offset, total)
            self.counts = counts
            self.starts = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(counts, out=self.starts[1:])
            self.positions = gaps  # gaps within each posting, the first from 0
        elif vmode == _V_FIXED:
            self.values = bytes(buf[offset:end])
        elif vmode == _V_BYTES:
            lengths, offset = _read_uints(buf, offset, n)
            self.counts = lengths
            self.starts = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(lengths, out=self.starts[1:])
            self.values = bytes(buf[offset:end])
            if len(self.values) != self.starts[-1]:
                raise ValueError("damaged postings block: values of the wrong length")
        elif vmode != _V_NONE:
            raise ValueError(f"damaged postings block: flags {flags}")

    def position_gaps(self, i: int) -> list[int]:
        return self.positions[self.starts[i]:self.starts[i + 1]].tolist()

    def value(self, i: int, fixed):
        vmode = self.vmode
        if vmode == _V_NONE:
            return None if fixed == 0 else b""
        if vmode == _V_FREQ:
            return pack_uint(int(self.counts[i]))
        if vmode in (_V_POS, _V_POS_COUNTED):
            gaps = self.position_gaps(i)
            return pack_uint(len(gaps)) + dumps(gaps, 2)
        if vmode == _V_FIXED:
            return self.values[i * fixed:(i + 1) * fixed]
        return self.values[self.starts[i]:self.starts[i + 1]]


def _sole(terminfo) -> tuple | None:
    """What the header of a term's only block leaves to the term info (``_head``'s ``sole``):
    (postings, last document, largest weight, shortest and longest length bytes); None for a
    term of several blocks."""
    if not getattr(terminfo, "_sole", False):
        return None
    minlength = 0 if terminfo._minlength is None else length_to_byte(terminfo._minlength)
    maxweight = _FLOAT.unpack(_FLOAT.pack(terminfo._maxweight))[0]  # as written (a float32)
    return terminfo._df, terminfo._maxid, maxweight, minlength, length_to_byte(terminfo._maxlength)


def _head(buf, offset: int, sole: tuple | None = None) -> tuple:
    """(last block?, where its data starts, where it ends, postings, last document, largest
    weight, shortest and longest length bytes, flags) of the block at ``offset``; of the term's
    only block (a flags byte and its data, to the end of ``buf``) when ``sole`` is given."""
    if sole is not None:
        if offset != 0 or len(buf) < 1 or not buf[0] & _LAST:
            raise ValueError("damaged postings: a term's only block that is not its last")
        n, maxid, maxweight, minlen, maxlen = sole
        if n == 0 or n > MAX_BLOCK:
            raise ValueError("damaged postings: a block of the wrong length")
        return True, 1, len(buf), n, maxid, maxweight, minlen, maxlen, buf[0]
    try:
        flags = buf[offset]
        length, pos = _read_varint(buf, offset + 1)
        n, pos = _read_varint(buf, pos)
        maxid, pos = _read_varint(buf, pos)
        maxweight, pos = _read_number(buf, pos, flags & _MAXWEIGHT_FLOAT)
        minlen, maxlen = buf[pos], buf[pos + 1]
    except (IndexError, struct.error):
        raise ValueError("damaged postings: a block header past the end of the term's postings") from None
    start = pos + 2
    end = start + length
    if n == 0 or n > MAX_BLOCK or end > len(buf):
        raise ValueError("damaged postings: a block of the wrong length")
    return bool(flags & _LAST), start, end, n, maxid, maxweight, minlen, maxlen, flags


class _LazyValues:
    """A block's values as Whoosh's matcher reads them (``values[i]``), built on demand."""

    __slots__ = ("_block", "_fixed")

    def __init__(self, block: Block, fixed):
        self._block, self._fixed = block, fixed

    def __getitem__(self, i):
        return self._block.value(i, self._fixed)

    def __len__(self):
        return len(self._block.ids)


class CompactLeafMatcher(W3LeafMatcher):
    """W3's leaf matcher over ``compact`` blocks. The term's postings are read from the
    postings file once; blocks are decoded when a posting of theirs is asked for."""

    def __init__(self, postfile, terminfo, format_, term=None, scorer=None):
        startoffset, length = terminfo.extent()
        if isinstance(length, tuple):  # W3TermInfo.from_bytes reads the length as a 1-tuple
            length = length[0]
        self._buf = postfile.get(startoffset, length)
        self._sole = _sole(terminfo)
        super().__init__(postfile, startoffset, length, format_, term=term, byteids=False, scorer=scorer)

    def _read_header(self):
        self._baseoffset = 0

    def _goto(self, position):
        self._data = None
        self._ids = None
        self._weights = None
        self._values = None
        self._i = 0
        last, start, end, n, maxid, maxweight, minlen, maxlen, flags = _head(self._buf, position, self._sole)
        self._lastblock = last
        self._nextoffset = end
        self._dataoffset = start
        self._blocklength, self._maxid, self._maxweight, self._compression = n, maxid, maxweight, flags
        self._minlength = byte_to_length(minlen)
        self._maxlength = byte_to_length(maxlen)

    def _read_data(self):
        self._data = Block(self._buf, self._dataoffset, self._nextoffset, self._blocklength, self._maxid,
                           self._compression, self._maxweight)

    def _read_ids(self):
        if self._data is None:
            self._read_data()
        self._ids = self._data.ids.tolist()

    def _read_weights(self):
        if self._data is None:
            self._read_data()
        self._weights = self._data.weights.tolist()

    def _read_values(self):
        if self._data is None:
            self._read_data()
        self._values = _LazyValues(self._data, self._fixedsize)

    def value_as(self, astype):
        if astype == "positions" and type(self.format).decode_positions is formats.Positions.decode_positions:
            if self._data is None:
                self._read_data()
            if self._data.vmode in (_V_POS, _V_POS_COUNTED):
                return np.cumsum(self._data.position_gaps(self._i)).tolist()
        return super().value_as(astype)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, weights) of all the term's postings, whatever the matcher has
        read: for ``scoring._leaf_postings``."""
        return postings_arrays(self._buf, self._sole)


def postings_arrays(buf, sole: tuple | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, weights) of a term's ``compact`` blocks in ``buf`` (``sole``: see
    ``_head``)."""
    ids, weights = [], []
    offset, last = 0, False
    while not last:
        last, start, end, n, maxid, maxweight, _, _, flags = _head(buf, offset, sole)
        block_ids, block_weights = _ids_and_weights(buf, start, end, n, maxid, flags, maxweight)[:2]
        ids.append(block_ids)
        weights.append(block_weights)
        offset = end
    if len(ids) == 1:
        return ids[0], weights[0]
    return np.concatenate(ids), np.concatenate(weights)


def positions_arrays(buf, sole: tuple | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(document numbers, each posting's number of positions, the positions one posting after
    the other, each ascending) of a term's ``compact`` blocks in ``buf``; None when its blocks
    do not hold positions. For phrases checked with numpy (``matching.phrase_documents``)
    instead of Whoosh's span matchers, a Python step a posting."""
    ids, counts, positions = [], [], []
    offset, last = 0, False
    while not last:
        last, start, end, n, maxid, maxweight, _, _, flags = _head(buf, offset, sole)
        block = Block(buf, start, end, n, maxid, flags, maxweight)
        if block.positions is None or block.vmode not in (_V_POS, _V_POS_COUNTED):
            return None
        ids.append(block.ids)
        counts.append(block.counts)
        # gaps restart at each posting: a running sum, less the sum before the posting
        running = np.cumsum(block.positions)
        before = np.concatenate(([0], running))[block.starts[:-1]]
        positions.append(running - np.repeat(before, block.counts))
        offset = end
    if len(ids) == 1:
        return ids[0], counts[0], positions[0]
    return np.concatenate(ids), np.concatenate(counts), np.concatenate(positions)


def _ids_and_weights(buf, offset, end, n, maxid, flags, maxweight):
    """(document numbers, weights, the weights as integers when written so, and the block's
    data, the offset after the weights in it and its end); ``maxweight``: the block's largest
    weight, a one-posting block's weight when written as an integer."""
    if flags & _ZLIB:
        try:
            buf, offset = zlib.decompress(bytes(buf[offset:end]), -15), 0
        except zlib.error as e:
            raise ValueError(f"damaged postings block: {e}") from None
        end = len(buf)
    gaps, offset = _read_uints(buf, offset, n - 1)
    ids = np.empty(n, dtype=np.int64)
    ids[0] = 0
    np.cumsum(gaps, out=ids[1:])
    ids += maxid - ids[-1]
    if ids[0] < 0:
        raise ValueError("damaged postings block: document numbers below 0")
    wmode = flags & _W_MASK
    if wmode == _W_ONES:
        return ids, np.ones(n, dtype=np.float32), None, buf, offset, end
    if wmode == _W_INT:
        if n == 1:
            whole = np.array([maxweight], dtype=np.int64)
        else:
            whole, offset = _read_uints(buf, offset, n)
        return ids, whole.astype(np.float32), whole, buf, offset, end
    if wmode == _W_FLOAT and offset + 4 * n <= end:
        weights = np.frombuffer(buf, dtype="<f4", count=n, offset=offset).astype(np.float32)
        return ids, weights, None, buf, offset + 4 * n, end
    raise ValueError(f"damaged postings block: flags {flags}")


# ------------------------------------------------------------------ stored fields

# Measured on dantri's stored fields (15.3 MB pickled, two segments of 22,300 documents; issue
# 15): each document deflated alone with the segment's first 8 KB as zlib's preset dictionary,
# 7.7 MB at about 5 µs a read; each document a zstd frame alone with a 64 KB dictionary trained
# on the segment's own documents, 5.3 MB at about 1 µs a read. 112 KB instead (issue 15's 1.2 ×):
# 5,374,643 -> 5,221,134 B, 48 KB more read on opening a segment; cold `vnsearch query` p50 / p95
# 166 / 174 ms with 64 KB, 165 / 174 ms with 112 KB (bench/cold.py, 80 processes each). Blocks
# of 16 documents with zlib and a 32 KB dictionary gave 5.0 MB but 47 µs a block read, most of
# a query's ~120 reads missing the blocks read before (3 to 4 ms a query, against a 5 ms
# target): documents stay apart.
# Level 19 with 112 KB cost 3.0 s of CPU for dantri's two segments (a tenth of a build) for
# 5,131,906 B; level 17 with 176 KB: 1.9 s for 5,108,740 B (level 17 with 112 KB: 1.8 s, 5,154,670
# B; level 16 with 176 KB: 1.7 s, 5,152,874 B; 18 with 112 KB: 2.9 s). Issue 15, measured on the
# pickles of dantri's stored documents, a dictionary trained on each segment's first 16 MB.
DICTIONARY = 176 * 1024  # bytes of the trained dictionary
SAMPLE = 16 * 1024 * 1024  # pickled bytes a writer holds to train it on (then it writes as it goes)
LEVEL = 17
_STORED_MAGIC = b"vnZ1"
_STORED_TAIL = struct.Struct("<IBBI4s")  # documents, width of a length, dictionary kind, its bytes, magic


class StoredColumn(columns.Column):
    """Stored fields (any picklable value a document), each document's pickle a zstd frame of
    its own, compressed with a dictionary trained on the segment's own documents (the first
    ``SAMPLE`` bytes of them): field names, article ids and Vietnamese words and phrases are
    cheap from a document's first byte on, and a read decompresses one document.

    Layout: the dictionary; each document's frame (zstd without its magic number, checksum and
    dictionary id: the index's checksums cover damage; empty for a document without stored
    fields); each frame's length as a uint16 or uint32; the tail: documents, the width of a
    length, the dictionary's kind and length, ``vnZ1``."""

    def __init__(self, level: int = LEVEL):
        self._level = level

    def writer(self, dbfile):
        return StoredWriter(dbfile, self._level)

    def reader(self, dbfile, basepos, length, doccount):
        return StoredReader(dbfile, basepos, length, doccount)


class StoredWriter(columns.ColumnWriter):
    def __init__(self, dbfile, level: int):
        super().__init__(dbfile)
        self._level = level
        self._count = 0  # documents written or held
        self._held: list[tuple[int, bytes]] = []  # (document, pickle) waiting for the dictionary
        self._sampled = 0
        self._packer = None
        self._lengths: list[int] = []

    def _start(self) -> None:
        """Train the dictionary on the documents held, write it, then them."""
        kind, data = zdict.train([p for _, p in self._held], DICTIONARY)
        self._kind, self._dict_len = kind, len(data)
        self._dbfile.write(data)
        self._packer = zdict.compressor(kind, data, self._level)
        held, self._held = self._held, []
        for docnum, data in held:
            self._write(docnum, data)

    def _write(self, docnum: int, data: bytes) -> None:
        self._lengths.extend([0] * (docnum - len(self._lengths)))  # documents without stored fields
        frame = self._packer.compress(data)
        self._dbfile.write(frame)
        self._lengths.append(len(frame))

    def add(self, docnum, value):
        if docnum < self._count:
            raise ValueError(f"stored fields added out of order (document {docnum})")
        self._count = docnum + 1
        # pickled now: Whoosh's per-document writer clears the dict it hands over once added
        data = dumps(value, pickle.HIGHEST_PROTOCOL)
        if self._packer is not None:
            self._write(docnum, data)
            return
        self._held.append((docnum, data))
        self._sampled += len(data)
        if self._sampled >= SAMPLE:
            self._start()

    def finish(self, doccount):
        if self._packer is None:
            self._start()
        if doccount < len(self._lengths):
            raise ValueError(f"stored fields of document {len(self._lengths) - 1} in a segment of {doccount}")
        self._lengths.extend([0] * (doccount - len(self._lengths)))
        lengths = np.asarray(self._lengths, dtype=np.int64)
        width = 2 if not len(lengths) or lengths.max() <= 0xFFFF else 4
        self._dbfile.write(lengths.astype(f"<u{width}").tobytes())
        self._dbfile.write(_STORED_TAIL.pack(doccount, width, self._kind, self._dict_len, _STORED_MAGIC))


class StoredReader(columns.ColumnReader):
    def __init__(self, dbfile, basepos, length, doccount):
        super().__init__(dbfile, basepos, length, doccount)
        if length < _STORED_TAIL.size:
            raise ValueError("not vnsearch's stored fields (schema 13): shorter than their tail")
        count, width, kind, dict_len, magic = _STORED_TAIL.unpack(
            dbfile.get(basepos + length - _STORED_TAIL.size, _STORED_TAIL.size))
        if magic != _STORED_MAGIC:
            raise ValueError("not vnsearch's stored fields (schema 13): rebuild the index")
        table = length - _STORED_TAIL.size - width * count
        if width not in (2, 4) or kind not in (zdict.NONE, zdict.RAW, zdict.TRAINED) or count != doccount \
                or table < dict_len:
            raise ValueError("damaged stored fields: a tail that does not fit")
        lengths = np.frombuffer(dbfile.get(basepos + table, width * count), dtype=f"<u{width}")
        ends = np.cumsum(lengths, dtype=np.int64) + dict_len
        if count and ends[-1] != table:
            raise ValueError("damaged stored fields: frames that do not fill the column")
        # (views of the arrays, not lists: a query reads a few dozen of the segment's ~20,000
        # offsets, and making lists of them all was 1 ms of every cold query a segment)
        self._ends = memoryview(ends)
        self._starts = memoryview(np.concatenate((np.array([dict_len], dtype=np.int64), ends[:-1])))
        self._unpack = zdict.Decompressor(kind, bytes(dbfile.get(basepos, dict_len)))

    def __getitem__(self, docnum):
        if not 0 <= docnum < self._doccount:
            raise IndexError(f"no document {docnum} of {self._doccount}")
        start, end = self._starts[docnum], self._ends[docnum]
        if start == end:
            return None
        try:
            data = self._unpack(self._dbfile.get(self._basepos + start, end - start))
        except ValueError as e:
            raise ValueError(f"damaged stored fields: document {docnum} ({e})") from None
        return loads(data)  # a fresh object: a caller's change stays its own

    def __iter__(self):
        for docnum in range(self._doccount):
            yield self[docnum]


STORED = StoredColumn()


class CompactPerDocWriter(W3PerDocWriter):
    def _create_column(self, fieldname, column):
        super()._create_column(fieldname, STORED if fieldname == "_stored" else column)


class CompactPerDocReader(W3PerDocReader):
    def stored_fields(self, docnum):
        reader = self._cached_reader("_stored", STORED)
        if reader is None:
            return {}
        v = reader[docnum]
        return {} if v is None else v


# ------------------------------------------------------------------ term infos

_TI_INLINED, _TI_WEIGHT_FLOAT, _TI_MAXWEIGHT_FLOAT, _TI_NO_IDS, _TI_SOLE = 0x01, 0x02, 0x04, 0x08, 0x10
# one posting: its document is the first and the last, its weight the largest, its field length
# the shortest and the longest; written once each (47,258 of dantri's 101,670 terms)
_TI_ONE = 0x20


class CompactTermInfo(W3TermInfo):
    """W3's term info (total weight, document frequency, shortest and longest field length,
    largest weight, first and last document, where the postings are), its numbers as varints:
    12 bytes for a term of a few postings where W3 writes 35. Postings inlined in the term
    info (an ``inlinelimit`` above 1; vnsearch's is 1) are written as W3 writes them. A term
    of one postings block says so (``_sole``): that block's header is its flags byte alone.
    In the term dictionary (schema 15) the postings' offset and length are the dictionary's
    extent of the term (``extent=False``), not the term info's."""

    _sole = False

    def to_bytes(self, extent: bool = True):
        if self.is_inlined():
            return bytes((_TI_INLINED,)) + W3TermInfo.to_bytes(self)
        flags = _TI_SOLE if self._sole else 0
        wflag, weight = _number(self._weight, _TI_WEIGHT_FLOAT)
        mflag, maxweight = _number(self._maxweight, _TI_MAXWEIGHT_FLOAT)
        minlength = 0 if self._minlength is None else length_to_byte(self._minlength)
        maxlength = length_to_byte(self._maxlength)
        if self._df == 1 and self._minid is not None and self._minid == self._maxid and minlength == maxlength \
                and (wflag != 0) == (mflag != 0) and weight == maxweight:
            parts = [weight, bytes((minlength,)), _varint(self._minid)]
            if extent:
                parts += [_varint(self._offset), _varint(self._length)]
            return bytes((flags | _TI_ONE | wflag,)) + b"".join(parts)
        parts = [weight, _varint(self._df), bytes((minlength, maxlength)), maxweight]
        if self._minid is None or self._maxid is None:
            flags |= _TI_NO_IDS
        else:
            parts += [_varint(self._minid), _varint(self._maxid - self._minid)]
        if extent:
            parts += [_varint(self._offset), _varint(self._length)]
        return bytes((flags | wflag | mflag,)) + b"".join(parts)

    @classmethod
    def from_entry(cls, entry: tuple):
        """The term info of a term dictionary's value with its extent: (bytes, offset, length)."""
        return cls.from_bytes(entry[0], entry[1:])

    @classmethod
    def from_bytes(cls, s, extent: tuple | None = None):
        """The term info of ``to_bytes(extent=extent is None)``; ``extent``: (postings offset,
        length) when they are not in ``s``."""
        flags = s[0]
        if flags & _TI_INLINED:
            w3 = W3TermInfo.from_bytes(s[1:])
            terminfo = cls()
            terminfo.__dict__.update(w3.__dict__)
            return terminfo
        terminfo = cls()
        terminfo._sole = bool(flags & _TI_SOLE)
        terminfo._weight, pos = _read_number(s, 1, flags & _TI_WEIGHT_FLOAT)
        if flags & _TI_ONE:
            terminfo._df = 1
            terminfo._minlength = terminfo._maxlength = byte_to_length(s[pos])
            terminfo._maxweight = terminfo._weight
            terminfo._minid, pos = _read_varint(s, pos + 1)
            terminfo._maxid = terminfo._minid
        else:
            pos = terminfo._read_rest(s, pos, flags)
        if extent is None:
            terminfo._offset, pos = _read_varint(s, pos)
            terminfo._length, pos = _read_varint(s, pos)
        else:
            terminfo._offset, terminfo._length = extent
        return terminfo

    def _read_rest(self, s, pos: int, flags: int) -> int:
        """What ``from_bytes`` reads after the weight of a term of several postings."""
        self._df, pos = _read_varint(s, pos)
        self._minlength = byte_to_length(s[pos])
        self._maxlength = byte_to_length(s[pos + 1])
        self._maxweight, pos = _read_number(s, pos + 2, flags & _TI_MAXWEIGHT_FLOAT)
        if flags & _TI_NO_IDS:
            self._minid = self._maxid = None
        else:
            self._minid, pos = _read_varint(s, pos)
            span, pos = _read_varint(s, pos)
            self._maxid = self._minid + span
        return pos


class CompactFieldCursor(FieldCursor):
    """A field's terms in order, as ``W3FieldCursor`` walks them (Whoosh's ``terms_within``
    and automata), by their rank in the ``TermDictReader``."""

    def __init__(self, tindex: TermDictReader, fieldname, keycoder, fieldobj):
        self._tindex = tindex
        self._fieldname = fieldname
        self._keycoder = keycoder
        self._fieldobj = fieldobj
        self._prefix = keycoder(fieldname, b"")  # the field's number: every key of the field
        self._startpos = tindex.closest(self._prefix)
        self._pos = self._startpos
        self._text = self._value = None
        self.next()

    def first(self):
        self._pos = self._startpos
        return self.next()

    def find(self, term):
        if not isinstance(term, bytes):
            term = self._fieldobj.to_bytes(term)
        self._pos = self._tindex.closest(self._keycoder(self._fieldname, term))
        return self.next()

    def next(self):
        if self._pos is not None:
            entry = self._tindex.entry(self._pos)
            if entry is not None and entry[0].startswith(self._prefix):
                self._pos += 1
                self._text = self._fieldobj.from_bytes(entry[0][len(self._prefix):])
                self._value = entry[1]
                return self._text
        self._text = self._pos = self._value = None
        return None

    def text(self):
        return self._text

    def term_info(self):
        if self._pos is None:
            return None
        return CompactTermInfo.from_entry(self._value)

    def is_valid(self):
        return self._pos is not None


class CompactTermsReader(W3TermsReader):
    """W3's terms reader over a ``TermDictReader`` of ``CompactTermInfo``s."""

    def __init__(self, codec, dbfile, length, postfile):
        self._codec = codec
        self._dbfile = dbfile
        self._tindex = TermDictReader(dbfile, length)
        if not self._tindex.has_extents:
            raise ValueError("damaged term dictionary: no postings extents (an index of another version?)")
        self._fieldmap = self._tindex.extras["fieldmap"]
        self._postfile = postfile
        self._fieldunmap = [None] * len(self._fieldmap)
        for fieldname, num in self._fieldmap.items():
            self._fieldunmap[num] = fieldname

    def cursor(self, fieldname, fieldobj):
        return CompactFieldCursor(self._tindex, fieldname, self._keycoder, fieldobj)

    def items(self):
        decode = self._keydecoder
        return ((decode(k), CompactTermInfo.from_entry(v)) for k, v in self._tindex.items())

    def items_from(self, fieldname, prefix):
        decode = self._keydecoder
        return ((decode(k), CompactTermInfo.from_entry(v))
                for k, v in self._tindex.items_from(self._keycoder(fieldname, prefix)))

    def term_info(self, fieldname, tbytes):
        try:
            return CompactTermInfo.from_entry(self._tindex[self._keycoder(fieldname, tbytes)])
        except KeyError:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}")

    def postings_arrays(self, fieldname, tbytes):
        """(document numbers, weights) of the term's postings, deleted documents included; None
        for postings inlined in the term info (read them through ``matcher``). What
        ``matcher(...).arrays()`` gives, without making W3's matcher around the term's blocks
        (``scoring._leaf_postings``: a term first asked for in a warm query cost about 60 µs a
        segment, a third of it the matcher). TermNotFound for a term the segment lacks."""
        found = self._blocks(fieldname, tbytes)
        return None if found is None else postings_arrays(*found)

    def positions_arrays(self, fieldname, tbytes):
        """``postings_arrays`` with each posting's positions (``positions_arrays``); None for
        postings inlined in the term info or written without positions. TermNotFound for a
        term the segment lacks."""
        found = self._blocks(fieldname, tbytes)
        return None if found is None else positions_arrays(*found)

    def _blocks(self, fieldname, tbytes) -> tuple | None:
        """(the term's postings bytes, its ``sole``: see ``_head``); None when inlined."""
        terminfo = self.term_info(fieldname, tbytes)
        if terminfo.is_inlined():
            return None
        offset, length = terminfo.extent()
        if isinstance(length, tuple):  # (as ``CompactLeafMatcher``)
            length = length[0]
        return self._postfile.get(offset, length), _sole(terminfo)

    # a missing term: KeyError, as W3's (readers answer 0 for it)
    def frequency(self, fieldname, tbytes):
        return CompactTermInfo.from_entry(self._tindex[self._keycoder(fieldname, tbytes)]).weight()

    def doc_frequency(self, fieldname, tbytes):
        return CompactTermInfo.from_entry(self._tindex[self._keycoder(fieldname, tbytes)]).doc_frequency()


# ------------------------------------------------------------------ the codec


class CompactFieldWriter(TermAtATimeFieldWriter):
    """The term-at-a-time writer with ``CompactTermInfo``s in a ``TermDictWriter``."""

    def __init__(self, codec, storage, segment):  # W3FieldWriter's, with another term table
        self._codec = codec
        self._storage = storage
        self._segment = segment
        self._fieldname = self._fieldid = self._btext = self._fieldobj = self._format = None
        self._tindex = TermDictWriter(self._create_file(codec.TERMS_EXT), extents=True)
        self._fieldmap = self._tindex.extras["fieldmap"] = {}
        self._postfile = self._create_file(codec.POSTS_EXT)
        self._postwriter = None
        self._infield = False
        self.is_closed = False

    def _new_terminfo(self):
        return CompactTermInfo()

    def add_gathered(self, schema, lengths, fields) -> None:
        """What ``add_postings`` writes, from a bulk writer's gathered postings (``bulk.py``):
        ``fields`` yields (fieldname, terms) in field-name order, and each field's ``terms``
        (btext, postings) in term order, with postings either Whoosh's (fieldname, btext,
        docnum, weight, value) tuples in document order or the arrays (ids, weights, counts,
        gaps) of ``ArrayValues``'s lanes."""
        for fieldname, terms in fields:
            self.start_field(fieldname, schema[fieldname])
            table = _length_table(lengths, fieldname) if lengths else []
            lens_list = None if table is None else [x or 0 for x in table]
            lens_table = None if table is None else np.array(lens_list, dtype=np.int64)
            small = self._small_limit()
            for btext, postings in terms:
                if isinstance(postings, list):
                    ids = [p[2] for p in postings]
                    lens = self._lens(lengths, fieldname, lens_table, np.array(ids, dtype=np.int64)).tolist()
                    self._write_term(btext, postings, lens)
                    continue
                ids, weights, counts, gaps = postings
                if 0 < len(ids) <= small:
                    id_list = ids.tolist()
                    lens = [lens_list[i] for i in id_list] if lens_list and id_list[-1] < len(lens_list) else \
                        self._lens(lengths, fieldname, lens_table, ids).tolist()
                    if self._write_small(btext, id_list, weights.tolist(), counts.tolist(),
                                         None if gaps is None else gaps.tolist(), lens):
                        continue
                self._write_arrays(btext, ids, weights, counts, gaps, self._lens(lengths, fieldname, lens_table, ids))
            self.finish_field()

    def start_field(self, fieldname, fieldobj):
        super().start_field(fieldname, fieldobj)
        format_ = fieldobj.format
        # what _small_block asks of the field's values: their size, whether Positions' encoding
        self._values_kind = (format_.fixed_value_size(), _positions_encoded(format_))

    def _small_limit(self) -> int:
        """The most postings of a term ``_write_small`` writes in the current field: a single
        block's, none when a term of few postings would be inlined in its term info."""
        pw = self._postwriter
        return 0 if pw._inlinelimit > 1 else min(SMALL_TERM, pw._blocklimit)

    def _write_small(self, btext: bytes, ids: list, weights: list, counts: list, gaps: list | None,
                     lens: list) -> bool:
        """``_write_arrays`` for a term of one block, its arrays as lists (``_small_block``);
        False, having written nothing, for what only ``_write_arrays`` writes."""
        fixed, positions = self._values_kind
        found = _small_block(ids, weights, counts, gaps, fixed, positions, self._postwriter._compression)
        if found is None:
            return False
        block, w32, maxweight = found
        # the term info of W3's writer for this one block (W3TermInfo.add_block's statistics)
        terminfo = self._new_terminfo()
        terminfo._sole = True
        terminfo._weight = sum(w32)
        terminfo._df = len(ids)
        present = [x for x in lens if x > 0]
        terminfo._minlength = min(present) if present else None
        terminfo._maxlength = max(present) if present else 0
        terminfo._maxweight = maxweight
        terminfo._minid, terminfo._maxid = ids[0], ids[-1]
        terminfo.set_extent(self._postfile.tell(), len(block))
        self._postfile.write(block)
        self._add_term(pack_ushort(self._fieldid) + btext, terminfo)
        return True

    @staticmethod
    def _lens(lengths, fieldname, table: np.ndarray | None, ids: np.ndarray) -> np.ndarray:
        """The field lengths of documents ``ids`` (0: none), as ``add_postings`` reads them."""
        if table is not None and (len(ids) == 0 or int(ids[-1]) < len(table)):
            return table[ids]
        if table is not None and len(table) == 0:
            return np.zeros(len(ids), dtype=np.int64)
        return np.array([(table[i] if table is not None and i < len(table) else
                          lengths.doc_field_length(int(i), fieldname)) or 0 for i in ids], dtype=np.int64)

    def _write_arrays(self, btext: bytes, ids: np.ndarray, weights: np.ndarray, counts: np.ndarray,
                      gaps: np.ndarray | None, lens: np.ndarray) -> None:
        """``_write_term`` for a term's postings as arrays: document numbers (increasing),
        weights (float64, as Whoosh's pool held them), occurrence counts and, in a phrase lane,
        every posting's position gaps one after the other."""
        pw = self._postwriter
        pw.start_postings(self._fieldobj.format, self._new_terminfo())
        limit = pw._blocklimit
        n = len(ids)
        if gaps is not None:
            ends = np.cumsum(counts)
        for start in range(0, n, limit):
            end = min(n, start + limit)
            pw._ids = array("I", ids[start:end].astype("<u4").tobytes())
            block_weights = weights[start:end]
            pw._weights = array("f", block_weights.astype("<f4").tobytes())
            block_gaps = None
            if gaps is not None:
                block_gaps = gaps[(int(ends[start - 1]) if start else 0):int(ends[end - 1])]
            pw._values = ArrayValues(counts[start:end], block_gaps)
            # the statistics of _write_term: the largest weight (0 when none is positive), the
            # shortest and longest non-zero field length
            top = float(block_weights.max())
            pw._maxweight = top if top > 0 else 0
            present = lens[start:end]
            present = present[present > 0]
            pw._minlength = int(present.min()) if len(present) else None
            pw._maxlength = int(present.max()) if len(present) else 0
            if end < n:
                pw._write_block()
        terminfo = pw.finish_postings()  # writes the last block, marked as the last
        self._add_term(pack_ushort(self._fieldid) + btext, terminfo)

    def _add_term(self, key: bytes, terminfo) -> None:
        """The term info without its postings' offset and length: the term dictionary's
        extent of the term (where the term before ended, and its length)."""
        extent = (self._postfile.tell(), 0) if terminfo.is_inlined() else terminfo.extent()
        self._tindex.add(key, terminfo.to_bytes(extent=False), extent)

    def finish_term(self):  # W3FieldWriter's, through _add_term
        self._add_term(pack_ushort(self._fieldid) + self._btext, self._postwriter.finish_postings())

    def start_term(self, btext):
        if self._postwriter is None:
            raise Exception("Called start_term before start_field")
        self._btext = btext
        self._postwriter.start_postings(self._fieldobj.format, CompactTermInfo())


class CompactCodec(TermAtATimeW3Codec):
    """vnsearch's index format (see the module's doc): W3 with compact postings blocks and
    stored fields compressed a document at a time with a trained dictionary. ``compression``
    is the postings blocks' deflate level (``POSTINGS_LEVEL``; 0: not compressed)."""

    def __init__(self, blocklimit=128, compression=POSTINGS_LEVEL, inlinelimit=1):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def per_document_writer(self, storage, segment):
        return CompactPerDocWriter(self, storage, segment)

    def per_document_reader(self, storage, segment):
        return CompactPerDocReader(_in_place(storage), segment)

    def field_writer(self, storage, segment):
        return CompactFieldWriter(self, storage, segment)

    def terms_reader(self, storage, segment):
        return self._terms_reader(_in_place(storage), segment)

    def _terms_reader(self, storage, segment):
        tiname = segment.make_filename(self.TERMS_EXT)
        tilen = storage.file_length(tiname)
        tifile = storage.open_file(tiname)
        postfile = segment.open_file(storage, self.POSTS_EXT)
        return CompactTermsReader(self, tifile, tilen, postfile)

    def postings_writer(self, dbfile, byteids=False):
        if byteids:  # term vectors: W3's own blocks
            return super().postings_writer(dbfile, byteids=True)
        return CompactPostingsWriter(dbfile, blocklimit=self._blocklimit, compression=self._compression,
                                     inlinelimit=self._inlinelimit)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        return CompactLeafMatcher(dbfile, terminfo, format_, term=term, scorer=scorer)
