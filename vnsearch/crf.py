"""CRFsuite's tagging, for many sequences at once: its model file read into arrays, Viterbi in numpy.

pyvi segments with a first-order CRF trained by CRFsuite (``segment.py``). ``pycrfsuite``
tags one sequence a call: every attribute name is turned into a C++ string and looked up in
the model's hash table, then CRFsuite runs Viterbi in C. In a build that is a quarter of the
CPU (issue 15: 600 dantri articles, 0.87 s making attribute lists and 0.70 s tagging, of about
6.6 s). A build tags a hundred thousand paragraphs: here their state scores are sums of
weights read from arrays, and Viterbi advances all of them a position at a time, so its cost
goes with the longest paragraph of a batch, not with the number of tokens.

The labels are CRFsuite's, bit for bit, because the arithmetic is CRFsuite's (crf1d_tag.c,
crf1d_context.c of CRFsuite 0.12), in the same order:
- a position's state score for label ``l`` is 0.0 plus the weight of each of its attributes
  that has a feature for ``l``, added in the order of the attributes (each of value 1.0: the
  weight times 1.0 is the weight);
- Viterbi: ``alpha[0] = state[0]``; ``alpha[t][j] = max_i(alpha[t-1][i] + trans[i][j]) +
  state[t][j]``, the first ``i`` winning a tie (CRFsuite keeps a later ``i`` only when its score
  is strictly greater: numpy's ``argmax`` also returns the first maximum); the last label is
  the first best of ``alpha[T-1]``, the others follow the back links.
An attribute without a feature for a label adds nothing to it; adding 0.0 instead gives the same
number (x + 0.0 == x), so scores can be gathered from dense ``(attributes, labels)`` arrays.
``tests/test_crf.py`` compares the labels with ``pycrfsuite``'s.
"""

from __future__ import annotations

import struct

import numpy as np

_HEADER = struct.Struct("<4sI4sIIIIIIIII")  # crf1dm header_t: magic, size, type, version, counts, offsets
_CQDB_HEADER = struct.Struct("<4sIIIII")  # chunk id, size, flag, byte order, backward size, backward offset
_FEATURE = np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("weight", "<f8")])
_STATE, _TRANSITION = 0, 1


class ModelError(ValueError):
    """The bytes are not a CRFsuite first-order CRF model this module can read."""


def _strings(data: bytes, offset: int) -> list[str]:
    """The strings of a CQDB database (CRFsuite's string ↔ id table) at ``offset``, by id:
    its backward array points at each id's record (id, size with the final NUL, the string)."""
    chunk, _size, _flag, _order, count, backward = _CQDB_HEADER.unpack_from(data, offset)
    if chunk != b"CQDB":
        raise ModelError("no string table where the model header says")
    out = []
    for expected in range(count):
        (record,) = struct.unpack_from("<I", data, offset + backward + 4 * expected)
        ident, size = struct.unpack_from("<II", data, offset + record)
        if ident != expected or size < 1:
            raise ModelError("damaged string table")
        out.append(data[offset + record + 8: offset + record + 7 + size].decode("utf-8"))
    return out


class Model:
    """A CRFsuite ``crf1d`` model: ``labels`` (names by id), ``attributes`` (name → id),
    ``state`` (attributes × labels weights, 0.0 where an attribute has no feature for a label)
    and ``transitions`` (labels × labels: from, to)."""

    def __init__(self, data: bytes):
        if len(data) < _HEADER.size:
            raise ModelError("too short for a CRFsuite model")
        (magic, _size, kind, _version, _nf, n_labels, n_attrs, off_features, off_labels, off_attrs,
         _off_labelrefs, _off_attrrefs) = _HEADER.unpack_from(data, 0)
        if magic != b"lCRF" or kind != b"FOMC":
            raise ModelError("not a CRFsuite first-order CRF model")
        self.labels = _strings(data, off_labels)
        names = _strings(data, off_attrs)
        if len(self.labels) != n_labels or len(names) != n_attrs:
            raise ModelError("the string tables disagree with the header")
        self.attributes = {name: i for i, name in enumerate(names)}
        chunk, _chunk_size, count = struct.unpack_from("<4sII", data, off_features)
        if chunk != b"FEAT":
            raise ModelError("no features where the model header says")
        features = np.frombuffer(data, dtype=_FEATURE, count=count, offset=off_features + 12)
        self.state = np.zeros((n_attrs, n_labels), dtype=np.float64)
        self.transitions = np.zeros((n_labels, n_labels), dtype=np.float64)
        for table, kind_ in ((self.state, _STATE), (self.transitions, _TRANSITION)):
            chosen = features[features["type"] == kind_]
            if len(chosen) and (chosen["src"].max() >= len(table) or chosen["dst"].max() >= n_labels):
                raise ModelError("a feature refers past the model's tables")
            table[chosen["src"], chosen["dst"]] = chosen["weight"]

    def weights(self, attributes: list[str]) -> np.ndarray:
        """The state weights of ``attributes`` (one row each; zeros for one the model lacks)."""
        rows = [self.attributes.get(a, -1) for a in attributes]
        out = self.state[[r if r >= 0 else 0 for r in rows]].copy()
        out[[i for i, r in enumerate(rows) if r < 0]] = 0.0
        return out


def viterbi(model: Model, scores: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The best label of every position of many sequences: ``scores`` (positions × labels) are
    the state scores of the sequences one after the other, ``lengths`` their lengths (each at
    least 1). Returns the label ids, one per position, as CRFsuite's Viterbi chooses them."""
    lengths = np.asarray(lengths, dtype=np.int64)
    if not len(lengths):
        return np.zeros(0, dtype=np.int64)
    starts = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    order = np.argsort(-lengths, kind="stable")  # longest first: the ones still going are a prefix
    starts, lengths = starts[order], lengths[order]
    # active[t]: how many sequences have a position t
    active = np.searchsorted(-lengths, -np.arange(int(lengths[0])), side="left")
    trans = model.transitions
    alpha = scores[starts].copy()
    back: list[np.ndarray] = [np.zeros(0, dtype=np.intp)]
    for t in range(1, int(lengths[0])):
        k = int(active[t])
        # (sequence, from, to): the score of reaching each label from each label
        reach = alpha[:k, :, None] + trans
        back.append(reach.argmax(axis=1))
        alpha[:k] = reach.max(axis=1) + scores[starts[:k] + t]
    labels = np.empty(len(scores), dtype=np.int64)
    current = alpha.argmax(axis=1)
    rows = np.arange(len(lengths))
    for t in range(int(lengths[0]) - 1, 0, -1):
        k = int(active[t])
        labels[starts[:k] + t] = current[:k]
        current[:k] = back[t][rows[:k], current[:k]]
    labels[starts] = current
    return labels
