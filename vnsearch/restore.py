"""Accent restoration for queries typed without diacritics, from the index's own vocabulary.

"ho tich" could be hộ tịch, hồ tích, họ tịch ... The corpus says which readings it actually
holds and how often: pyvi's compound words are indexed in their accented form ("hộ_tịch"), so
folding that vocabulary gives, for every unaccented word, its accented readings with their
document frequencies. A query is restored word by word, longest compound first, and only where
one reading clearly dominates; syllables that stand alone are too ambiguous to restore ("ho"
is hộ, họ, hồ, hổ ...) and stay unaccented.
"""

from __future__ import annotations

from .analysis import QueryToken, analyze
from .text import fold

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
    """folded compound ("ho_tich") → its accented forms in the corpus, most frequent first.

    ``compound_terms`` yields (accented compound, document frequency)."""
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


def restore_tokens(tokens: list[QueryToken], vocab) -> list[QueryToken] | None:
    """The tokens with the dominant reading of each compound the corpus knows, or None when
    the query has diacritics already, is longer than MAX_SYLLABLES, or nothing could be
    restored."""
    if not tokens or len(tokens) > MAX_SYLLABLES or any(t.exact != t.folded for t in tokens):
        return None
    out = list(tokens)
    restored = False
    i = 0
    while i < len(tokens):
        for n in range(min(LONGEST, len(tokens) - i), 1, -1):
            run = tokens[i:i + n]
            if any(b.pos != a.pos + 1 for a, b in zip(run, run[1:])):
                continue  # never across punctuation
            readings = vocab.get("_".join(t.folded for t in run))
            reading = _dominant(readings) if readings else None
            if reading:
                for j, syllable in enumerate(reading.split("_")):
                    t = tokens[i + j]
                    out[i + j] = QueryToken(syllable, t.folded, t.pos, j > 0)
                restored = True
                i += n
                break
        else:
            i += 1
    return out if restored else None


def reading(query: str, vocab) -> str | None:
    """The restored reading of a whole query as text ("ho tich" → "hộ tịch"), or None."""
    tokens = restore_tokens(analyze(query), vocab)
    return " ".join(t.exact for t in tokens) if tokens else None
