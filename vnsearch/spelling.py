"""Typo tolerance from the index's own lexicon: "covit" → covid, "Samsumg" → samsung.

Candidates are the lexicon's terms within a small edit distance (Damerau: a swap of two
neighbouring letters is one edit) of the typed word, most frequent first. Found the cheap way
for each distance: one edit, by generating the few hundred strings one edit from the word and
keeping those the lexicon holds; two edits (long and foreign words), SymSpell's way, through a
table of the long terms under their one-letter deletions, built on the first such look-up.
Neither compares the word with every term.

Vietnamese syllables are short and dense: one edit turns "chó" into "chòe" or "chú", so
a word the lexicon holds is never corrected (``correct`` returns None for it), syllables of up
to 7 letters are corrected by one edit only, and words of 1 or 2 letters not at all. Two edits
are allowed for words of 8 letters or more and for foreign words (not a Vietnamese syllable)
of 6 or more ("smartphne", "vinamik"), where a second edit rarely lands on another real word.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .syllable import could_be_syllable
from .text import fold

MIN_LENGTH = 3  # shorter words are never corrected: every one-letter change is another word
LONG = 8  # words this long may be two edits away
FOREIGN_LONG = 6  # and foreign words (no Vietnamese syllable) this long
LONG_TERM = 5  # terms considered two edits away from a word are at least this long


@dataclass(frozen=True, slots=True)
class Candidate:
    term: str
    distance: int
    df: int


def max_distance(word: str) -> int:
    """How many edits a correction of ``word`` may make (see the module's doc)."""
    n = len(word)
    if n < MIN_LENGTH:
        return 0
    if n >= LONG or (n >= FOREIGN_LONG and not could_be_syllable(word)):
        return 2
    return 1


def distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal string alignment distance (insert, delete, substitute, swap neighbours), or
    ``limit + 1`` when it is larger than ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2 = None
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        best = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            best = min(best, v)
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def _edits1(word: str) -> set[str]:
    """Every string one edit from ``word``: a letter deleted, two neighbours swapped, a letter
    replaced or inserted (lowercase ASCII letters and digits: terms are folded)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in _ALPHABET}
    out |= {a + c + b for a, b in splits for c in _ALPHABET}
    return out


def _deletes(word: str, depth: int) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


class Corrector:
    """Corrections of typed words from a lexicon of (term, document frequency) pairs: the
    index's folded syllables and words. Terms are compared as given (lowercase, folded:
    corrections work on the letters, diacritics are the accent lanes' business)."""

    def __init__(self, terms: Iterable[str], df: Callable[[str], int], min_df: int = 2):
        """``terms``: the lexicon (read once, on the first look-up); ``df``: a term's document
        frequency, asked only of the few candidates found (reading it for every term of an
        index's lexicon costs ten times more than the terms alone)."""
        self._terms = terms
        self.df = df
        self.min_df = min_df
        self._known: set[str] | None = None
        self._table: dict[str, list[str]] | None = None

    @classmethod
    def from_counts(cls, lexicon: Iterable[tuple[str, int]], min_df: int = 2) -> "Corrector":
        """From (term, document frequency) pairs."""
        counts: dict[str, int] = {}
        for term, df in lexicon:
            counts[term] = counts.get(term, 0) + df
        return cls(counts, lambda t: counts.get(t, 0), min_df)

    def __contains__(self, term: str) -> bool:
        return term in self._lexicon()

    def _lexicon(self) -> set[str]:
        if self._known is None:
            self._known = set(self._terms)
        return self._known

    def _long_terms(self) -> dict[str, list[str]]:
        """Alphabetic terms of LONG_TERM letters or more under themselves and each string
        left by deleting one of their letters (for corrections two edits away)."""
        if self._table is None:
            table: dict[str, list[str]] = {}
            for term in self._lexicon():
                if len(term) >= LONG_TERM and term.isalpha():
                    for d in _deletes(term, 1):
                        table.setdefault(d, []).append(term)
            self._table = table
        return self._table

    def candidates(self, word: str, limit: int | None = None) -> list[Candidate]:
        """Terms within ``limit`` edits of ``word`` (default ``max_distance``), nearest first,
        then most frequent; the word itself and terms seen in fewer than ``min_df`` documents
        are left out. One edit: every string one edit away that the lexicon holds. Two: terms
        that one deletion makes equal to the word after up to two deletions, or one edit and
        one deletion (SymSpell's symmetric deletions, over the long terms only)."""
        word = fold(word.lower())
        limit = max_distance(word) if limit is None else limit
        if limit <= 0:
            return []
        known = self._lexicon()
        near = _edits1(word)
        found = {t: 1 for t in near if t in known and t != word}
        if limit >= 2:
            table = self._long_terms()
            probes = _deletes(word, 2) | {d for e in near for d in _deletes(e, 1)}
            for probe in probes:
                for term in table.get(probe, ()):
                    if term != word and term not in found and distance(word, term, 2) <= 2:
                        found[term] = distance(word, term, 2)
        out = []
        for term, dist in found.items():
            df = self.df(term)
            if df >= self.min_df:
                out.append(Candidate(term, dist, df))
        out.sort(key=lambda c: (c.distance, -c.df, c.term))
        return out

    def correct(self, word: str) -> str | None:
        """The best correction of ``word``, or None when the lexicon holds it as typed (a
        real word is never corrected: "chó" stays chó) or nothing is near enough."""
        folded = fold(word.lower())
        if folded in self:
            return None
        found = self.candidates(folded)
        return found[0].term if found else None
