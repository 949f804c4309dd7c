"""The text lanes' terms of a batch of documents, as numbers (issue 15).

``analysis.lane_terms`` makes the (term, position, joined run) tokens of one value, a Python
step or several for every token of every lane: the words of the segmentation, their lowercase
and folded forms, pyvi's compounds, the runs of words that are one word, each a list of tuples
(a build's lanes were half of its analysis time). The bulk writer instead analyses a batch of
values at once (``LaneAnalyser.analyse``): every token of the batch becomes a number (the
token's text looked up once in a dict), and everything after that is done on arrays, with
what is known of each distinct token and term kept in tables:

- a token's term (its word, lowercase: "TP." is "tp"), folded term, and the flags the rules of
  ``variants.joins`` read (a number, a foreign word, an abbreviation, a hyphen or a dot
  between words);
- the words lane's compounds: runs of joined words (``group_words``), two-syllable ones looked
  up by the pair of their terms' numbers, and their readings ("ho_tich|hộ_tịch");
- the runs of words that are one word: only the values where a pair of neighbouring words
  could join (by the gap between them and the words' flags) or are a loanword's first two
  syllables are given to ``variants.joins`` (dantri: a value in seven); a run's token goes in
  after the run's last word, as ``lane_terms`` puts it.

The tokens, positions and lengths are those ``lane_terms`` gives, value for value
(``tests/test_lanebatch.py`` compares them on the seeds, on made-up texts full of the cases
and, in a slow test, on every dantri paragraph and title).
"""

from __future__ import annotations

from itertools import chain, repeat
from operator import itemgetter
from typing import NamedTuple

import numpy as np

from . import segment, text
from .analysis import READING_SEPARATOR, _is_word, _word
from .variants import _abbreviation, _kind, joins, loanwords

# What a token is, for the joins' rules (``variants._joinable``), as bits.
DIGIT = 1  # a word of digits ("num")
FOREIGN = 2  # a word that is not a syllable: letters ("foreign") or letters and digits ("mixed")
ABBREVIATION = 4  # a few letters and no vowel ("tp", "hcm")
HYPHEN = 8  # the token "-"
DOT = 16  # the token "."
NEWLINE = 32  # the token "\n"

_TOKEN, _START, _END = itemgetter(0), itemgetter(1), itemgetter(2)  # of a piece


class Vocabulary:
    """Terms and their numbers, in order of first appearance."""

    def __init__(self):
        self.strings: list[str] = []
        self.ids: dict[str, int] = {}

    def id(self, term: str) -> int:
        number = self.ids.get(term)
        if number is None:
            number = self.ids[term] = len(self.strings)
            self.strings.append(term)
        return number

    def __len__(self) -> int:
        return len(self.strings)


class _Column:
    """An array that grows: a number for each token or term."""

    def __init__(self, dtype, fill: int):
        self.fill = fill
        self.a = np.full(4096, fill, dtype=dtype)

    def reserve(self, size: int) -> np.ndarray:
        if size > len(self.a):
            grown = np.full(max(size, 2 * len(self.a)), self.fill, dtype=self.a.dtype)
            grown[:len(self.a)] = self.a
            self.a = grown
        return self.a


class Analysed(NamedTuple):
    """A batch's lane tokens, value after value. The exact and folded lanes share positions
    and extents (a folded term for each exact one), as do the words and readings lanes."""

    exact: np.ndarray  # term numbers: each value's words, a run's joined word after its last
    folded: np.ndarray
    positions: np.ndarray  # of those tokens
    starts: np.ndarray  # each value's first token
    sizes: np.ndarray  # and how many (a run's word included)
    words: np.ndarray  # words lane (compounds) term numbers
    readings: np.ndarray  # readings lane term numbers
    word_positions: np.ndarray
    word_starts: np.ndarray
    word_sizes: np.ndarray
    lengths: np.ndarray  # each value's words: the exact and folded lanes' field length

    def lane(self, kind: str):
        """(terms, positions, starts, sizes, field lengths) of lane ``kind``."""
        if kind in ("exact", "folded"):
            terms = self.exact if kind == "exact" else self.folded
            return terms, self.positions, self.starts, self.sizes, self.lengths
        terms = self.words if kind == "words" else self.readings
        return terms, self.word_positions, self.word_starts, self.word_sizes, self.word_sizes

    def take(self, kind: str, values: np.ndarray):
        """(tokens of each, their terms, their positions) of the values numbered ``values``,
        one after the other."""
        terms, positions, starts, sizes, _ = self.lane(kind)
        taken = sizes[values]
        ends = np.cumsum(taken)
        index = np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64)
        index += np.repeat(starts[values] - (ends - taken), taken)
        return taken, terms[index], positions[index]


class LaneAnalyser:
    """Analyses batches of lane values into term numbers of one ``Vocabulary``; remembers what
    it learnt of each token and term for the next batches."""

    def __init__(self):
        self.vocab = Vocabulary()
        self._tokens: dict[str, int] = {}  # a token's text → its number
        self._term = _Column(np.int32, -1)  # token → its word's term; -1: not a word
        self._flags = _Column(np.uint8, 0)  # token → DIGIT | FOREIGN | ...
        self._fold = _Column(np.int32, -1)  # term → its folded term, once asked
        self._reading = _Column(np.int32, -1)  # compound term → its reading, once asked
        self._pairs: dict[int, int] = {}  # two terms' numbers (a << 32 | b) → their compound
        self._longer: dict[tuple, int] = {}  # three or more terms' numbers → their compound
        # the first two syllables of each shipped loanword, folded ("vac" and "xin"), as pairs
        # of term numbers
        self._loan_pairs = np.array(sorted({self.vocab.id(parts[0]) << 32 | self.vocab.id(parts[1])
                                            for entries in loanwords().values() for parts in entries}),
                                    dtype=np.int64)

    def _learn(self, token: str) -> int:
        number = self._tokens[token] = len(self._tokens)
        term, flags = self._term.reserve(number + 1), self._flags.reserve(number + 1)
        if _is_word(token):
            word = _word(token)
            low = word.lower()
            term[number] = self.vocab.id(low)
            kind = _kind(low)
            flags[number] = (DIGIT * low.isdigit() | FOREIGN * (kind in ("foreign", "mixed"))
                             | ABBREVIATION * _abbreviation(low))
        else:
            flags[number] = {"-": HYPHEN, ".": DOT, "\n": NEWLINE}.get(token, 0)
        return number

    def _terms_of(self, column: _Column, terms: np.ndarray, make) -> np.ndarray:
        """``column`` (folded terms, readings) of ``terms``, made with ``make(term text)``
        for the terms not seen before."""
        table = column.reserve(len(self.vocab))
        out = table[terms]
        missing = out < 0
        if missing.any():
            strings, vocab = self.vocab.strings, self.vocab
            for t in np.unique(terms[missing]).tolist():
                table[t] = vocab.id(make(strings[t]))
            out = column.a[terms]
        return out

    def analyse(self, values: list[str]) -> Analysed:
        """The lane tokens of each of ``values`` (normalized text, as ``analysis`` gives the
        segmentation)."""
        raw = segment.segment_many_raw(values)
        count = len(values)
        pieces = list(chain.from_iterable(triples for triples, _ in raw))
        sizes = np.fromiter(map(len, (triples for triples, _ in raw)), dtype=np.int64, count=count)
        tokens = list(map(_TOKEN, pieces))
        starts = np.fromiter(map(_START, pieces), dtype=np.int64, count=len(pieces))
        ends = np.fromiter(map(_END, pieces), dtype=np.int64, count=len(pieces))
        joined = np.array(list(chain.from_iterable(flags for _, flags in raw)), dtype=bool)
        get = self._tokens.get
        ids = np.fromiter(map(get, tokens, repeat(-1)), dtype=np.int64, count=len(tokens))
        for i in np.flatnonzero(ids < 0).tolist():
            number = get(tokens[i])
            ids[i] = number if number is not None else self._learn(tokens[i])
        term = self._term.a[ids]
        flags = self._flags.a[ids]
        words = np.flatnonzero(term >= 0)  # the pieces that are words
        value = np.repeat(np.arange(count, dtype=np.int64), sizes)[words]
        lengths = np.bincount(value, minlength=count).astype(np.int64)
        first = np.cumsum(lengths) - lengths  # each value's first word
        positions = np.arange(len(words), dtype=np.int64) - np.repeat(first, lengths)
        word_terms = term[words].astype(np.int64)

        exact, exact_positions, exact_sizes = word_terms, positions, lengths
        word_folded = self._terms_of(self._fold, word_terms, text.fold)
        runs = self._runs(values, raw, ids, words, value, flags, word_folded, starts, ends)
        if runs:
            at = np.array([first[v] + last + 1 for v, _, last, _ in runs], dtype=np.int64)
            exact = np.insert(word_terms, at, [self.vocab.id(form) for _, _, _, form in runs])
            exact_positions = np.insert(positions, at, [f for _, f, _, _ in runs])
            exact_sizes = lengths + np.bincount([v for v, _, _, _ in runs], minlength=count)
        folded = self._terms_of(self._fold, exact, text.fold) if runs else word_folded

        # pyvi's compounds (group_words): a word joined to the one before continues its word
        group = ~joined[words] | (positions == 0)
        heads = np.flatnonzero(group)
        spans = np.diff(np.append(heads, len(words)))
        compound = spans > 1
        heads, spans = heads[compound], spans[compound]
        compounds = np.empty(len(heads), dtype=np.int64)
        two = spans == 2
        if two.any():
            pairs = word_terms[heads[two]] << 32 | word_terms[heads[two] + 1]
            keys, inverse = np.unique(pairs, return_inverse=True)
            known, strings, vocab = self._pairs, self.vocab.strings, self.vocab
            numbers = []
            for k in keys.tolist():
                number = known.get(k)
                if number is None:
                    number = known[k] = vocab.id(strings[k >> 32] + "_" + strings[k & 0xFFFFFFFF])
                numbers.append(number)
            compounds[two] = np.array(numbers, dtype=np.int64)[inverse]
        if not two.all():
            longer, strings, vocab = self._longer, self.vocab.strings, self.vocab
            numbers = []
            for head, span in zip(heads[~two].tolist(), spans[~two].tolist()):
                key = tuple(word_terms[head:head + span].tolist())
                number = longer.get(key)
                if number is None:
                    number = longer[key] = vocab.id("_".join(strings[t] for t in key))
                numbers.append(number)
            compounds[~two] = numbers
        word_sizes = np.bincount(value[heads], minlength=count).astype(np.int64)
        readings = self._terms_of(self._reading, compounds, lambda w: text.fold(w) + READING_SEPARATOR + w)
        return Analysed(exact, folded, exact_positions, np.cumsum(exact_sizes) - exact_sizes, exact_sizes,
                        compounds, readings, positions[heads], np.cumsum(word_sizes) - word_sizes, word_sizes,
                        lengths)

    def _runs(self, values, raw, ids, words, value, flags, folded, starts, ends) -> list[tuple[int, int, int, str]]:
        """(value, first word, last word, the run joined) of each run of words that is one word
        (``variants.joins``), in order. ``joins`` is asked only about the values where a pair
        of neighbouring words could join by its rules or are a loanword's first two syllables
        (``folded``: the words' folded terms); the others have none."""
        if len(words) < 2:
            return []
        a, b = words[:-1], words[1:]
        fa, fb = flags[a], flags[b]
        # What is between two words is an abbreviation's dot ("TP." is the word TP), spaces
        # and the pieces between them. They join (``_joinable``) only with nothing, "-" or "."
        # between (then by their kinds: asked whenever the pieces touch or one "-" or "." is
        # all there is), or with spaces and at most one dot: then only a number after a
        # foreign word (covid 19) or two abbreviations (TP HCM), ``rule``.
        gap = starts[b] - ends[a]  # characters between the two pieces
        between = b - a - 1  # pieces between them
        middle = flags[np.minimum(a + 1, len(ids) - 1)]  # the piece after the first word
        rule = ((fb & DIGIT) != 0) & ((fa & FOREIGN) != 0) | ((fa & fb & ABBREVIATION) != 0)
        could = (between == 0) & ((gap == 0) | rule)
        could |= (between == 1) & (((middle & HYPHEN) != 0) & (gap == 1) | ((middle & DOT) != 0) & ((gap == 1) | rule))
        folded = folded.astype(np.int64)
        could |= np.isin(folded[:-1] << 32 | folded[1:], self._loan_pairs)
        could &= value[:-1] == value[1:]
        asked = set(value[:-1][could].tolist())
        newline = np.flatnonzero(flags & NEWLINE)  # "\n" among spaces: asked whatever is around it
        if len(newline):
            edges = np.cumsum([len(triples) for triples, _ in raw])
            asked.update(np.searchsorted(edges, newline, side="right").tolist())
        out = []
        for v in sorted(asked):
            spans = []
            for piece, start, _ in raw[v][0]:
                if _is_word(piece):
                    word = _word(piece)
                    spans.append((word, start, start + len(word)))
            if len(spans) > 1:
                out += [(v, i, j, form) for i, j, form in joins(spans, values[v])]
        return out

