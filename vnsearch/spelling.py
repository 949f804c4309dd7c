"""Typo tolerance from the index's own lexicon: "covit" → covid, "Samsumg" → samsung.

Candidates are the lexicon's terms within a small edit distance (Damerau: a swap of two
neighbouring letters is one edit) of the typed word, most frequent first. Found the SymSpell
way: every term is stored under the strings left by deleting up to two of its letters, so a
look-up generates the typed word's deletions (a few dozen) instead of comparing it with every
term. The deletion table is built once per lexicon, on the first look-up.

Vietnamese syllables are short and dense: one edit turns "chó" into "chòe" or "chú", so
a word the lexicon holds is never corrected (``correct`` returns None for it), syllables of up
to 7 letters are corrected by one edit only, and words of 1 or 2 letters not at all. Two edits
are allowed for words of 8 letters or more and for foreign words (not a Vietnamese syllable)
of 6 or more ("smartphne", "vinamik"), where a second edit rarely lands on another real word.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .syllable import could_be_syllable
from .text import fold

MIN_LENGTH = 3  # shorter words are never corrected: every one-letter change is another word
LONG = 8  # words this long may be two edits away
FOREIGN_LONG = 6  # and foreign words (no Vietnamese syllable) this long


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

    def __init__(self, lexicon: Iterable[tuple[str, int]], min_df: int = 2):
        self.df: dict[str, int] = {}
        for term, df in lexicon:
            self.df[term] = self.df.get(term, 0) + df
        self.min_df = min_df
        self._table: dict[str, list[str]] | None = None

    def __contains__(self, term: str) -> bool:
        return term in self.df

    def _build(self) -> dict[str, list[str]]:
        table: dict[str, list[str]] = {}
        for term, df in self.df.items():
            if df < self.min_df or len(term) < MIN_LENGTH - 1 or not term.isalnum():
                continue
            depth = 2 if len(term) >= FOREIGN_LONG - 2 else 1
            for d in _deletes(term, depth):
                table.setdefault(d, []).append(term)
        return table

    def candidates(self, word: str, limit: int | None = None) -> list[Candidate]:
        """Terms within ``limit`` edits of ``word`` (default ``max_distance``), nearest first,
        then most frequent; the word itself is left out."""
        word = fold(word.lower())
        limit = max_distance(word) if limit is None else limit
        if limit <= 0:
            return []
        if self._table is None:
            self._table = self._build()
        seen: set[str] = set()
        out = []
        for d in _deletes(word, limit):
            for term in self._table.get(d, ()):
                if term in seen or term == word:
                    continue
                seen.add(term)
                dist = distance(word, term, limit)
                if dist <= limit:
                    out.append(Candidate(term, dist, self.df[term]))
        out.sort(key=lambda c: (c.distance, -c.df, c.term))
        return out

    def correct(self, word: str) -> str | None:
        """The best correction of ``word``, or None when the lexicon holds it as typed (a
        real word is never corrected: "chó" stays chó) or nothing is near enough."""
        folded = fold(word.lower())
        if folded in self.df:
            return None
        found = self.candidates(folded)
        return found[0].term if found else None
