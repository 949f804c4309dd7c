"""zstd with a dictionary trained on the data it compresses: the compact codec's stored fields
(``compact.StoredColumn``) and term dictionary blocks (``termdict``), each record (a document,
a block of terms) a frame of its own, read alone.

A frame is written without zstd's magic number, checksum and dictionary id (the index's
checksums cover damage; the dictionary is the segment's own), with its content size.
``zstandard`` is imported on first use: an index opened by another codec never loads it.
"""

from __future__ import annotations

import threading

NONE, RAW, TRAINED = 0, 1, 2  # kinds of dictionary
# zstd's COVER training with fixed parameters: no search over k and d (0.1 s for a dantri
# segment's stored fields instead of 0.5 s, 0.6% larger).
_TRAIN = {"k": 256, "d": 6}


def zstd():
    import zstandard

    return zstandard


def train(samples: list[bytes], size: int) -> tuple[int, bytes]:
    """(kind, bytes) of a dictionary of at most ``size`` bytes for records like ``samples``:
    zstd's trained dictionary when it can train one (it needs a few times ``size`` of samples),
    else the samples' last ``size`` bytes as raw content (a small segment), else none."""
    z = zstd()
    if sum(map(len, samples)) >= 4 * size and len(samples) >= 16:
        try:
            return TRAINED, z.train_dictionary(size, samples, **_TRAIN).as_bytes()
        except z.ZstdError:
            pass  # too few distinct samples: as a small segment
    raw = b"".join(samples)[-size:]
    return (RAW, raw) if len(raw) >= 8 else (NONE, b"")


def _dictionary(kind: int, data: bytes):
    if kind == NONE:
        return None
    z = zstd()
    dict_type = z.DICT_TYPE_FULLDICT if kind == TRAINED else z.DICT_TYPE_RAWCONTENT
    return z.ZstdCompressionDict(data, dict_type=dict_type)


def compressor(kind: int, data: bytes, level: int):
    """A compressor of frames with the dictionary (``kind``, ``data``) at ``level``."""
    z = zstd()
    params = z.ZstdCompressionParameters.from_level(level, format=z.FORMAT_ZSTD1_MAGICLESS, write_content_size=True,
                                                    write_checksum=False, write_dict_id=False)
    return z.ZstdCompressor(dict_data=_dictionary(kind, data), compression_params=params)


class Decompressor:
    """Reads the frames of ``compressor(kind, data, ...)``, from any thread (a zstd
    decompression context is for one thread at a time: one a thread)."""

    def __init__(self, kind: int, data: bytes):
        if kind not in (NONE, RAW, TRAINED):
            raise ValueError(f"unknown kind of dictionary {kind}")
        self._dict = _dictionary(kind, data)
        self._local = threading.local()

    def __call__(self, frame) -> bytes:
        """The record of ``frame``; ValueError for a damaged one."""
        unpack = getattr(self._local, "unpack", None)
        if unpack is None:
            z = zstd()
            unpack = self._local.unpack = z.ZstdDecompressor(dict_data=self._dict,
                                                             format=z.FORMAT_ZSTD1_MAGICLESS).decompress
        try:
            return unpack(frame)
        except zstd().ZstdError as e:
            raise ValueError(str(e)) from None
