"""pyvi's CRF over a batch of texts (a build's documents): its features summed a distinct token at
a time, CRFsuite's Viterbi for all of them at once (``crf.py``). ``segment.segment_many_raw`` uses it;
the labels are those ``segment.segment`` gets from CRFsuite, bit for bit (``tests/test_crf.py``
compares the state scores byte for byte, ``tests/test_segment.py`` the pieces).
"""

from __future__ import annotations

from itertools import chain, repeat

import numpy as np

from . import crf
from .segment import _PUNCTUATION, _TOKEN_FEATURES, _token_features

# the numbers of lowercase forms of a pair or triple of tokens as one number:
# a * _KEY**2 + b * _KEY + c (below 2**63 while numbers stay below _KEY)
_KEY = 1 << 21
# tokens (about 220 bytes each) and lowercase forms numbered before they are all forgotten
# (and numbered again) at the next batch: dantri has 24,875 distinct tokens
ROWS_MAX = 150_000
LOWS_MAX = 1 << 20
# a token's kind, for pyvi's joining rules: one character of punctuation, a digit first, a
# capital first
PUNCTUATION, DIGIT, TITLE = 1, 2, 4


class BatchTagger:
    """pyvi's CRF features and CRFsuite's tagging for many token sequences at once.

    Each distinct token gets a row (``_add_rows``): its share of a state score, its own attributes
    after "bias" summed in order, and the weights of its attributes as a previous and as a next
    word, which ``tag`` adds to its neighbours' sums in ``_features``' order; and the number of
    its lowercase form, so that whether two or three tokens are a word of pyvi's dictionary is
    a search among the dictionary's words written as numbers (``_words``)."""

    SLOTS = 3  # at most three attributes as a previous or next word (lower, istitle, isupper)

    def __init__(self, model_bytes: bytes, lines: str):
        self._crf = crf.Model(model_bytes)
        self._inside = self._crf.labels.index("I_W")
        self._pair_before, self._triple_before, self._pair_after, self._triple_after = self._crf.weights(
            ["-1:word.bi_gram()", "-2:word.tri_gram()", "+1:word.bi_gram()", "+2:word.tri_gram()"])
        self._bias = self._crf.weights(["bias"])[0]
        # the state weights and a row of zeros: the weights of an attribute the model lacks
        self._weights = np.concatenate([self._crf.state, np.zeros((1, len(self._crf.labels)))])
        self._lines = lines
        labels = len(self._crf.labels)
        self._rows: dict[str, int] = {}  # token → row
        self._lows: dict[str, int] = {}  # lowercase form → its number
        self._low = np.zeros(1024, dtype=np.int64)  # by row: the number of its lowercase form
        self._own = np.zeros((1024, labels))
        self._before = np.zeros((1024, self.SLOTS, labels))
        self._after = np.zeros((1024, self.SLOTS, labels))
        self._kind = np.zeros(1024, dtype=np.uint8)  # by row: PUNCTUATION | DIGIT | TITLE
        self._words: tuple | None = None

    def _forget(self) -> None:
        self._rows.clear()
        self._lows.clear()
        self._words = None

    def _low_number(self, low: str) -> int:
        number = self._lows.get(low)
        if number is None:
            number = self._lows[low] = len(self._lows)
        return number

    def _dictionary(self):
        """pyvi's words of two and of three syllables, as sorted arrays of their syllables'
        numbers (``_KEY`` apart): the keys ``tag`` makes of its tokens' lowercase forms. A
        line with another number of syllables, or with an empty one (two spaces), equals no
        key of two or three tokens, as it equals no such text in pyvi's set."""
        if self._words is None:
            pairs, triples = [], []
            for line in self._lines.split("\n"):
                parts = line.split(" ")
                if len(parts) in (2, 3) and all(parts):
                    key = 0
                    for part in parts:
                        key = key * _KEY + self._low_number(part)
                    (pairs if len(parts) == 2 else triples).append(key)
            self._words = (np.unique(np.array(pairs, dtype=np.int64)), np.unique(np.array(triples, dtype=np.int64)))
        return self._words

    @staticmethod
    def _among(keys, words):
        if not len(words):
            return np.zeros(len(keys), dtype=bool)
        at = np.minimum(np.searchsorted(words, keys), len(words) - 1)
        return words[at] == keys

    def _add_rows(self, tokens: list[str]) -> None:
        """Rows for ``tokens`` (distinct, none with a row yet)."""
        start, count = len(self._rows), len(tokens)
        while start + count > len(self._own):
            self._low, self._own, self._before, self._after, self._kind = (
                np.concatenate([a, np.zeros_like(a)])
                for a in (self._low, self._own, self._before, self._after, self._kind))
        ids = self._crf.attributes
        none = len(self._crf.state)  # the row of zeros after the model's weights
        own, before, after = [], [], []
        for n, token in enumerate(tokens, start):
            self._rows[token] = n
            low, mine, as_before, as_after = _TOKEN_FEATURES.get(token) or _token_features(token)
            self._low[n] = self._low_number(low)
            self._kind[n] = (PUNCTUATION * (token in _PUNCTUATION) | DIGIT * token[0].isdigit()
                             | TITLE * token[0].istitle())
            # at most four own attributes (lower, isupper, istitle, isdigit), three as a neighbour
            own.append(([ids.get(a, none) for a in mine] + [none] * 4)[:4])
            before.append(([ids.get(a, none) for a in as_before] + [none] * 3)[:self.SLOTS])
            after.append(([ids.get(a, none) for a in as_after] + [none] * 3)[:self.SLOTS])
        weights = self._weights
        end = start + count
        total = np.repeat(self._bias[None, :], count, axis=0)
        for slot in np.array(own, dtype=np.int64).T:  # in order, as CRFsuite adds them
            total += weights[slot]
        self._own[start:end] = total
        self._before[start:end] = weights[np.array(before, dtype=np.int64)]
        self._after[start:end] = weights[np.array(after, dtype=np.int64)]

    def tag(self, sequences: list[list[str]]) -> list[list[bool]]:
        """For each token of each sequence (none empty), whether CRFsuite tags it I_W."""
        scores, lengths = self.scores(sequences)
        inside = crf.viterbi(self._crf, scores, lengths) == self._inside
        ends = np.cumsum(lengths)
        return [part.tolist() for part in np.split(inside, ends[:-1])]

    def joined(self, sequences: list[list[str]]) -> np.ndarray:
        """For each token of the sequences (none empty), one after the other, whether it
        continues the word of the one before: tagged I_W and allowed by pyvi's rules
        (``segment._could_join``, here on each row's kind)."""
        rows, lengths = self._row_numbers(sequences)
        if not len(rows):
            return np.zeros(0, dtype=bool)
        kind = self._kind[rows]
        punctuation, digit, title = ((kind & bit) != 0 for bit in (PUNCTUATION, DIGIT, TITLE))
        could = np.zeros(len(rows), dtype=bool)
        could[1:] = ~(punctuation[1:] | punctuation[:-1] | digit[1:] | digit[:-1] | (title[1:] & ~title[:-1]))
        could[_firsts(lengths)] = False
        if not could.any():
            return could
        return could & (crf.viterbi(self._crf, self._scores(rows, lengths), lengths) == self._inside)

    def scores(self, sequences: list[list[str]]):
        """(the state scores of every position of the sequences, one after the other, as
        CRFsuite computes them from ``_features``; the sequences' lengths)."""
        rows, lengths = self._row_numbers(sequences)
        return self._scores(rows, lengths), lengths

    def _row_numbers(self, sequences: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
        """(the row of every token of the sequences, rows made for new tokens; the lengths)."""
        rows_of = self._rows
        if len(rows_of) > ROWS_MAX or len(self._lows) > LOWS_MAX:
            self._forget()
        tokens = list(chain.from_iterable(sequences))
        rows = np.fromiter(map(rows_of.get, tokens, repeat(-1)), dtype=np.int64, count=len(tokens))
        missing = np.flatnonzero(rows < 0).tolist()
        if missing:
            self._add_rows(list(dict.fromkeys([tokens[i] for i in missing])))
            rows[missing] = [rows_of[tokens[i]] for i in missing]
        return rows, np.fromiter(map(len, sequences), dtype=np.int64, count=len(sequences))

    def _scores(self, rows: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """The state scores of the positions of ``rows`` (sequences of ``lengths``)."""
        pair_words, triple_words = self._dictionary()
        first = np.zeros(len(rows), dtype=bool)  # a sequence's first position
        first[_firsts(lengths)] = True
        # per position: tokens i-1, i (i-2, i-1, i) are a dictionary word, within a sequence
        pair = np.zeros((len(rows), 1))
        triple = np.zeros((len(rows), 1))
        if len(rows) > 1:
            lows = self._low[rows]
            keys = lows[:-1] * _KEY + lows[1:]
            pair[1:, 0] = self._among(keys, pair_words) & ~first[1:]
            if len(rows) > 2:
                triple[2:, 0] = self._among(keys[:-1] * _KEY + lows[2:], triple_words) & ~first[2:] & ~first[1:-1]
        has_before = (~first)[:, None].astype(np.float64)  # 0.0 adds nothing: see crf.py
        has_after = np.roll(has_before, -1, axis=0)
        has_after[-1] = 0.0
        scores = self._own[rows]
        # the attributes of _features in its order: a weight times 0.0 where pyvi has none
        for slot in range(self.SLOTS):
            scores[1:] += self._before[rows[:-1], slot] * has_before[1:]
        scores += pair * self._pair_before
        scores += triple * self._triple_before
        for slot in range(self.SLOTS):
            scores[:-1] += self._after[rows[1:], slot] * has_after[:-1]
        scores[:-1] += pair[1:] * self._pair_after
        scores[:-2] += triple[2:] * self._triple_after
        return scores


def _firsts(lengths: np.ndarray) -> np.ndarray:
    """Where each sequence of ``lengths`` (none empty) starts, one after the other."""
    return np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
