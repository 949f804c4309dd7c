"""Accent restoration for queries typed without diacritics, from the index's own vocabulary.

"ho tich" could be hộ tịch, hồ tích, họ tịch ... The corpus says which readings it actually
holds and how often: every pyvi compound word is also indexed as "ho_tich|hộ_tịch", so a
prefix lookup gives, for an unaccented word, its accented readings with their paragraph
frequencies. A query is restored word by word, longest compound first, and only where
one reading clearly dominates; syllables that stand alone are too ambiguous to restore ("ho"
is hộ, họ, hồ, hổ ...) and stay unaccented.
"""

from __future__ import annotations

from typing import Callable

from .analysis import QueryToken, analyze
from .text import fold

# folded compound ("ho_tich") → its accented readings with their frequencies, most frequent first
Lookup = Callable[[str], "list[tuple[str, int]] | None"]

# A reading is restored only when it holds at least this share of the corpus's occurrences of
# the unaccented word, and occurs in at least MIN_DF documents.
DOMINANCE = 0.6
MIN_DF = 2
LONGEST = 4  # syllables in the longest compound looked up
# Only short, keyword-style queries are restored: "ho tich", "dau gia tai san". In a long
# question every compound is another chance to guess wrong, and the folded lanes already rank
# well (measured: restoring questions lowered MRR@10 on alqac2022 from 0.912 to 0.898).
MAX_SYLLABLES = 5


def build_vocabulary(compound_terms) -> dict[str, list[tuple[str, int]]]:
    """folded compound ("ho_tich") → its accented forms, most frequent first, from
    (accented compound, frequency) pairs; ``.get`` of it is a Lookup."""
    vocab: dict[str, list[tuple[str, int]]] = {}
    for term, df in compound_terms:
        vocab.setdefault(fold(term), []).append((term, df))
    for readings in vocab.values():
        readings.sort(key=lambda r: (-r[1], r[0]))
    return vocab


def _dominant(readings: list[tuple[str, int]]) -> str | None:
    total = sum(df for _, df in readings)
    best, df = readings[0]
    if df >= MIN_DF and df >= DOMINANCE * total:
        return best
    return None


def restorable(tokens: list[QueryToken]) -> bool:
    """Short and typed without any diacritic: worth a look-up."""
    return 0 < len(tokens) <= MAX_SYLLABLES and all(t.exact == t.folded for t in tokens)


def restore_tokens(tokens: list[QueryToken], lookup: Lookup) -> list[QueryToken] | None:
    """The tokens with the dominant reading of each compound the corpus knows, or None when
    the query has diacritics already, is longer than MAX_SYLLABLES, or nothing could be
    restored."""
    if not restorable(tokens):
        return None
    out = list(tokens)
    restored = False
    i = 0
    while i < len(tokens):
        for n in range(min(LONGEST, len(tokens) - i), 1, -1):
            run = tokens[i:i + n]
            if any(b.gap for b in run[1:]):
                continue  # never across punctuation
            readings = lookup("_".join(t.folded for t in run))
            reading = _dominant(readings) if readings else None
            if reading:
                for j, syllable in enumerate(reading.split("_")):
                    t = tokens[i + j]
                    out[i + j] = QueryToken(syllable, t.folded, t.pos, j > 0, t.gap)
                restored = True
                i += n
                break
        else:
            i += 1
    return out if restored else None


def reading(query: str, lookup: Lookup) -> str | None:
    """The restored reading of a whole query as text ("ho tich" → "hộ tịch"), or None."""
    tokens = restore_tokens(analyze(query), lookup)
    return " ".join(t.exact for t in tokens) if tokens else None
