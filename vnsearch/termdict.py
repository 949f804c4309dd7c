"""The compact codec's term dictionary (a segment's ``.trm`` file, issue 15): sorted terms in
blocks of ``BLOCK_TERMS``, front-coded, with a small index of each block's first key.

W3 writes the term dictionary as an on-disk hash table (``whoosh.filedb.filetables``'
``OrderedHashWriter``): each key and its term info behind two 32-bit lengths, a 16-byte hash
slot (two slots a key, half of them empty) and a 2- to 8-byte position in an array of every
key's position for ordered look-ups; about 36 bytes a term beside the key and the info, the
largest part of the dantri index after the postings and stored text. The term-at-a-time writer
hands the terms over in order, so the hash buys nothing that a sorted table cannot do with a
binary search over a small index and a block read.

Layout:

    b"VNT3"
    blocks    each of BLOCK_TERMS terms (the last may hold fewer), one after the other, each a
              zstd frame (``zdict``: dictionary trained on the segment's blocks) of:
                a width byte (1, 2 or 4: the bytes of each length that follows)
                for each key after the block's first: the bytes it shares with the key
                before it; then for each of them the length of the rest of the key; then
                the length of each term's info (the first's too); with extents, then the
                length of each term's extent
                the rests of the keys, one after the other (the first key is the index's)
                the infos, one after the other
    dictionary  zstd's, of the kind the tail names
    index     the offset of each block and of the end of the blocks (unsigned integers of
              ``width`` bytes); the offset of each block's first key in the keys that follow
              and of their end (uint32); with extents, where each block's first extent starts
              and where the last ends (unsigned integers of ``extent width`` bytes); the
              blocks' first keys, whole
    extras    a pickle (the field map, as W3's hash table keeps it)
    tail      index offset, extras offset, terms, terms a block, width, dictionary kind,
              extent width (0: no extents), b"VNT3"

Extents (schema 15): each term may own a range of another file (the compact codec's postings),
the ranges following each other in key order; the dictionary keeps their lengths and each
block's first offset, and a look-up gives (value, offset, length). A term info written with its
offset spent about 3 bytes a term on where the term before ended.

The lengths come before the bytes so that a block is decoded with slices and one loop over
its keys (``_decode``), not a varint at a time. Measured on the term dictionaries of the
dantri-titles index (43,000 terms a segment, 2.78 MB each as W3 wrote them; keys 0.59 MB and
infos 0.62 MB of that): 1.14 MB with 8 terms a block, 1.10 MB with 16, 1.08 MB with 32, 1.07
MB with 64; a look-up of a term whose block is not decoded yet 1.5, 2.2, 3.4 and 5.6 times W3's
(3.1 µs there). 16: the dictionary's bytes within 3% of the smallest, a look-up about twice
W3's until its block is kept decoded.

Opening reads the tail, the extras and the index (about 60 KB a segment of dantri: each
block's offset and first key, the keys sliced into a list for ``bisect``); no block is decoded
then. A look-up bisects the first keys and decodes one block, kept decoded in a small cache
(a query looks up the same terms several times); ordered iteration decodes block after block.
"""

from __future__ import annotations

import pickle
import struct
import sys
from array import array
from bisect import bisect_left, bisect_right
from itertools import accumulate

import numpy as np

from . import zdict

MAGIC = b"VNT3"
BLOCK_TERMS = 16
_TAIL = struct.Struct("<QQQIBBB4s")
# Each block a zstd frame with a dictionary trained on the segment's blocks (``zdict``), the
# first ``SAMPLE`` bytes of them: on dantri's two segments, 1.19 MB of blocks each became 0.84 MB
# with a 32 KB dictionary (0.99 MB zlib'd a block at a time, 0.86 MB with 16 KB, 0.83 MB with
# 64 KB), about 3 µs a block to decompress.
DICTIONARY = 32 * 1024
SAMPLE = 4 * 1024 * 1024
LEVEL = 19


def _shared(a: bytes, b: bytes) -> int:
    """The length of the longest common prefix of ``a`` and ``b``."""
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


class TermDictWriter:
    """Writes (key, value) pairs given in increasing key order (``add``), then the index,
    ``extras`` and the tail (``close``); with ``extents``, each key's (offset, length) in
    another file too, each range starting where the one before ended."""

    def __init__(self, dbfile, block_terms: int = BLOCK_TERMS, extents: bool = False):
        if block_terms < 1:
            raise ValueError("a block holds at least one term")
        self.dbfile = dbfile
        self.extras: dict = {}
        self._block_terms = block_terms
        self._extents = extents
        self._bases: list[int] = []  # each block's first offset
        self._extent_end: int | None = None  # where the last extent ended
        self._block: list[bytes] = []  # the current block's encoded entries
        self._lastkey: bytes | None = None
        self._firsts: list[bytes] = []
        self._offsets: list[int] = []
        self._held: list[bytes] = []  # blocks waiting for the dictionary
        self._sampled = 0
        self._packer = None
        self._count = 0
        dbfile.write(MAGIC)
        self._written = len(MAGIC)

    def add(self, key: bytes, value: bytes, extent: tuple[int, int] | None = None) -> None:
        """``extent``: (offset, length) when written with extents; None there is a length of
        0 where the last one ended."""
        last = self._lastkey
        if last is not None and key <= last:
            raise ValueError(f"Keys must increase: {last!r}..{key!r}")
        length = 0
        if self._extents:
            offset, length = extent if extent is not None else (self._extent_end or 0, 0)
            if self._extent_end is not None and offset != self._extent_end:
                raise ValueError(f"extent of {key!r} at {offset}, not where the one before ended ({self._extent_end})")
            if not 0 <= length <= 0xFFFFFFFF:
                raise ValueError(f"extent of {key!r} of length {length}: not from 0 to 4 GB")
            if not self._block:
                self._bases.append(offset)
            self._extent_end = offset + length
        elif extent is not None:
            raise ValueError("an extent given to a term dictionary without extents")
        if not self._block:
            self._firsts.append(key)
            self._block.append((0, b"", value, length))
        else:
            shared = _shared(last, key)
            self._block.append((shared, key[shared:], value, length))
        self._lastkey = key
        self._count += 1
        if len(self._block) == self._block_terms:
            self._flush()

    def _flush(self) -> None:
        shared, rests, values, extents = zip(*self._block)
        rest_lengths = [len(r) for r in rests[1:]]
        value_lengths = [len(v) for v in values]
        lengths = list(shared[1:]) + rest_lengths + value_lengths + (list(extents) if self._extents else [])
        top = max(lengths, default=0)
        width = 1 if top < 0x100 else 2 if top < 0x10000 else 4
        data = b"".join((bytes((width,)), np.asarray(lengths, dtype=f"<u{width}").tobytes(), *rests, *values))
        self._block = []
        if self._packer is not None:
            self._write(data)
            return
        self._held.append(data)
        self._sampled += len(data)
        if self._sampled >= SAMPLE:
            self._start()

    def _start(self) -> None:
        """Train the dictionary on the blocks held, then write them."""
        self._kind, self._dict = zdict.train(self._held, DICTIONARY)
        self._packer = zdict.compressor(self._kind, self._dict, LEVEL)
        held, self._held = self._held, []
        for data in held:
            self._write(data)

    def _write(self, data: bytes) -> None:
        frame = self._packer.compress(data)
        self._offsets.append(self._written)
        self.dbfile.write(frame)
        self._written += len(frame)

    def close(self) -> int:
        if self._block:
            self._flush()
        if self._packer is None:
            self._start()
        offsets = self._offsets + [self._written]
        self.dbfile.write(self._dict)  # between the blocks and the index
        index_pos = self._written + len(self._dict)
        width = 4 if index_pos <= 0xFFFFFFFF else 8
        key_ends = np.cumsum([0] + [len(k) for k in self._firsts], dtype=np.int64)
        if key_ends[-1] > 0xFFFFFFFF:
            raise ValueError("the blocks' first keys take more than 4 GB")
        bases, ewidth = b"", 0
        if self._extents:
            ends = self._bases + [self._extent_end or 0]
            ewidth = 4 if ends[-1] <= 0xFFFFFFFF else 8
            bases = np.asarray(ends, dtype=f"<u{ewidth}").tobytes()
        index = b"".join((np.asarray(offsets, dtype=f"<u{width}").tobytes(),
                          key_ends.astype("<u4").tobytes(), bases, b"".join(self._firsts)))
        extras = pickle.dumps(self.extras, 2)
        self.dbfile.write(index)
        self.dbfile.write(extras)
        extras_pos = index_pos + len(index)
        self.dbfile.write(_TAIL.pack(index_pos, extras_pos, self._count, self._block_terms, width, self._kind, ewidth,
                                      MAGIC))
        end = extras_pos + len(extras) + _TAIL.size
        self.dbfile.close()
        return end


def _damaged(what: str) -> ValueError:
    return ValueError(f"damaged term dictionary: {what}")


class TermDictReader:
    """A ``TermDictWriter``'s file: look-ups by key, ordered iteration from a key, and the
    terms by their rank (``entry``), for cursors. A value is the bytes written, or with extents
    (``has_extents``) a tuple (bytes, offset, length)."""

    # decoded blocks kept for look-ups (about 1.7 KB each on dantri: 3.5 MB a segment at most); 256
    # decoded 7,179 blocks over the 300 news-short queries, 2,048 (or more) 3,892: those not
    # read before
    _KEEP = 2048

    def __init__(self, dbfile, length: int):
        self.dbfile = dbfile
        self.is_closed = False
        if length < len(MAGIC) + _TAIL.size:
            raise _damaged("shorter than its header and tail")
        if dbfile.get(0, len(MAGIC)) != MAGIC or dbfile.get(length - 4, 4) != MAGIC:
            raise _damaged("not vnsearch's term dictionary (an index of another version?)")
        index_pos, extras_pos, count, block_terms, width, kind, ewidth, _ = _TAIL.unpack(
            dbfile.get(length - _TAIL.size, _TAIL.size))
        nblocks = -(-count // block_terms) if block_terms else -1
        index_len = extras_pos - index_pos
        fixed = (width + 4 + ewidth) * (nblocks + 1)
        if width not in (4, 8) or ewidth not in (0, 4, 8) or nblocks < 0 \
                or not len(MAGIC) <= index_pos <= extras_pos <= length - _TAIL.size \
                or index_len < fixed:
            raise _damaged("an index that does not fit")
        self.extras = pickle.loads(dbfile.get(extras_pos, length - _TAIL.size - extras_pos))
        index = dbfile.get(index_pos, index_len)
        self._starts = np.frombuffer(index, dtype=f"<u{width}", count=nblocks + 1).tolist()
        key_ends = np.frombuffer(index, dtype="<u4", count=nblocks + 1, offset=width * (nblocks + 1)).tolist()
        if self._starts[0] != len(MAGIC) or not self._starts[-1] <= index_pos or key_ends[0] != 0 \
                or key_ends[-1] != index_len - fixed:
            raise _damaged("block offsets that do not fit")
        self.has_extents = ewidth > 0
        self._bases = None
        if ewidth:  # each block's first extent's offset, and the end of the last
            self._bases = np.frombuffer(index, dtype=f"<u{ewidth}", count=nblocks + 1,
                                        offset=(width + 4) * (nblocks + 1)).tolist()
        try:
            self._unpack = zdict.Decompressor(kind, bytes(dbfile.get(self._starts[-1], index_pos - self._starts[-1])))
        except ValueError as e:
            raise _damaged(str(e)) from None
        keys = index[fixed:]  # the blocks' first keys, for bisect: a few thousand short slices
        self._first = [keys[a:z] for a, z in zip(key_ends, key_ends[1:])]
        self._count = count
        self._block_terms = block_terms
        self._cache: dict[int, tuple] = {}

    def __len__(self) -> int:
        return self._count

    # blocks

    def _decode(self, b: int) -> tuple:
        """(keys, the block's bytes, where each value starts and the last ends, where each
        extent starts and the last ends or None) of block ``b``: a look-up slices the one value
        it wants."""
        start, end = self._starts[b], self._starts[b + 1]
        try:
            buf = self._unpack(self.dbfile.get(start, end - start))
        except ValueError as e:
            raise _damaged(f"block {b} ({e})") from None
        n = min(self._block_terms, self._count - b * self._block_terms)
        m = 3 * n - 2  # lengths: shared and rest of the keys after the first, values (, extents)
        if self._bases is not None:
            m += n
        width = buf[0] if buf else 0
        if width == 1:
            lengths = buf[1:1 + m]
        elif width in (2, 4):
            lengths = array("H" if width == 2 else "I", buf[1:1 + width * m])
            if sys.byteorder == "big":
                lengths.byteswap()
        else:
            raise _damaged(f"block {b}: integer width {width}")
        if len(lengths) != m:
            raise _damaged(f"block {b} cut short")
        ends = list(accumulate(lengths[n - 1:3 * n - 2], initial=1 + width * m))  # rests, then values
        if ends[-1] != len(buf):
            raise _damaged(f"block {b} of the wrong length")
        key = self._first[b]
        keys = [key]
        for i, shared in enumerate(lengths[:n - 1]):
            key = key[:shared] + buf[ends[i]:ends[i + 1]]
            keys.append(key)
        extents = None
        if self._bases is not None:
            extents = list(accumulate(lengths[3 * n - 2:], initial=self._bases[b]))
            if extents[-1] != self._bases[b + 1]:
                raise _damaged(f"block {b}: extents that do not end where the next block's start")
        return keys, buf, ends[n - 1:], extents

    def _items(self, b: int, i: int = 0):
        """(key, value) of block ``b`` from its ``i``-th, decoded for the walk alone."""
        keys, buf, vends, extents = self._decode(b) if i == 0 else self._block(b)
        values = map(buf.__getitem__, map(slice, vends[i:], vends[i + 1:]))
        if extents is None:
            return zip(keys[i:], values)
        return zip(keys[i:], zip(values, extents[i:], map(int.__sub__, extents[i + 1:], extents[i:])))

    @staticmethod
    def _value(block: tuple, i: int):
        """The value of the ``i``-th term of a decoded block."""
        _, buf, vends, extents = block
        if extents is None:
            return buf[vends[i]:vends[i + 1]]
        return buf[vends[i]:vends[i + 1]], extents[i], extents[i + 1] - extents[i]

    def _block(self, b: int) -> tuple:
        """``_decode(b)``, kept for the next look-ups."""
        block = self._cache.get(b)
        if block is None:
            block = self._decode(b)
            if len(self._cache) >= self._KEEP:
                self._cache.clear()
            self._cache[b] = block
        return block

    # look-ups

    def get(self, key: bytes, default=None):
        if not isinstance(key, bytes):
            raise TypeError(f"Key {key!r} should be bytes")
        b = bisect_right(self._first, key) - 1
        if b < 0:
            return default
        block = self._block(b)
        keys = block[0]
        i = bisect_left(keys, key)
        if i < len(keys) and keys[i] == key:
            return self._value(block, i)
        return default

    def __getitem__(self, key: bytes):
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: bytes) -> bool:
        return self.get(key) is not None

    def closest(self, key: bytes) -> int | None:
        """The rank of the first key equal to or after ``key``, None when there is none."""
        if not isinstance(key, bytes):
            raise TypeError(f"Key {key!r} should be bytes")
        b = bisect_right(self._first, key) - 1
        if b < 0:
            return 0 if self._count else None
        keys = self._block(b)[0]
        rank = b * self._block_terms + bisect_left(keys, key)
        return rank if rank < self._count else None

    def entry(self, rank: int) -> tuple | None:
        """(key, value) of the term of rank ``rank``, None past the last."""
        if not 0 <= rank < self._count:
            return None
        b, i = divmod(rank, self._block_terms)
        block = self._block(b)
        return block[0][i], self._value(block, i)

    # ordered iteration

    def items_from(self, key: bytes = b""):
        """(key, value) of every key equal to or after ``key``, in order."""
        rank = self.closest(key)
        if rank is None:
            return
        b, i = divmod(rank, self._block_terms)
        yield from self._items(b, i)
        for b in range(b + 1, len(self._first)):
            yield from self._items(b)  # a walk through the dictionary keeps no block

    def keys_from(self, key: bytes = b""):
        return (k for k, _ in self.items_from(key))

    def items(self):
        return self.items_from(b"")

    def keys(self):
        return self.keys_from(b"")

    def close(self) -> None:
        if self.is_closed:
            raise Exception(f"Tried to close {self!r} twice")
        self.dbfile.close()
        self.is_closed = True
