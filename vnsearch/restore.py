"""Accent restoration for queries typed without diacritics, from the index's own vocabulary:
short queries by the corpus's compounds (below), long ones by the articles they find first
(``read_by_feedback``).

"ho tich" could be hộ tịch, hồ tích, họ tịch ... The corpus says which readings it actually
holds and how often: every pyvi compound word is also indexed as "ho_tich|hộ_tịch", so a
prefix lookup gives, for an unaccented word, its accented readings with their paragraph
frequencies. A query is restored word by word, longest compound first, and only where
one reading clearly dominates; syllables that stand alone are too ambiguous to restore ("ho"
is hộ, họ, hồ, hổ ...) and stay unaccented.
"""

from __future__ import annotations

import math
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
# Only short, keyword-style queries are restored by the corpus's dominant readings: "ho tich",
# "dau gia tai san". In a long question every compound is another chance to guess wrong
# (measured: restoring questions so lowered MRR@10 on alqac2022 from 0.912 to 0.898); longer
# queries are read from the articles they find first (``read_by_feedback``).
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


# --------------------------------------------------------------------------- from the top articles

# A long query typed without diacritics (a lead or a paragraph pasted from a page that lost its
# accents) is read as the articles it finds first write it: most of its syllables are in them,
# in the same pairs. Dominant readings of the whole corpus guess wrong where a reading depends
# on the topic ("ban" is bán in a market story, bạn in a letter); the first articles found are
# about the query's topic, when the query says enough to find them: from FEEDBACK_MIN_SYLLABLES
# on. Fitted on the even ids of the four shared collections and a vntc headline collection
# (22,000 articles), without diacritics; the shorter the query, the less its first articles are
# about it (900 vntc headlines lost 0.007 of MRR@10 read this way from six syllables on).
FEEDBACK_MIN_SYLLABLES = 15
FEEDBACK_ARTICLES = 10  # top articles (by article) whose paragraphs teach the reading
FEEDBACK_PRIOR = 5.0  # weight of the corpus's frequencies beside the articles' counts
FEEDBACK_SMOOTHING = 1.0  # weight of a reading's own probability beside a pair's count


def wants_feedback(tokens: list[QueryToken]) -> bool:
    """Long (``FEEDBACK_MIN_SYLLABLES``) and typed without any diacritic."""
    return len(tokens) >= FEEDBACK_MIN_SYLLABLES and all(t.exact == t.folded for t in tokens)


def read_by_feedback(folded: list[str], texts, df: Callable[[str], int]) -> list[str]:
    """The most likely accented reading of the syllables ``folded``, as the tokenized texts
    ``texts`` (``analysis.text_tokens`` of the top articles' paragraphs) write them: a bigram
    model over those texts (Viterbi), each syllable's readings weighed also by ``df`` (the
    corpus's paragraph frequency of an accented syllable). A syllable the texts do not hold
    stays as typed. Pure: same input, same reading."""
    wanted = set(folded)  # only the query's syllables and their pairs are ever asked for
    one: dict[str, int] = {}
    two: dict[tuple[str, str], int] = {}
    readings_of: dict[str, set[str]] = {}
    for tokens in texts:
        previous = None
        for t in tokens:
            if t.folded not in wanted:
                previous = None
                continue
            exact = t.exact
            if exact in one:
                one[exact] += 1
            else:
                one[exact] = 1
                readings_of.setdefault(t.folded, set()).add(exact)
            if previous is not None:
                two[(previous, exact)] = two.get((previous, exact), 0) + 1
            previous = exact
    lattice = []  # per syllable: reading → P(reading | syllable), the texts' counts with the corpus as prior
    for f in folded:
        readings = sorted(readings_of.get(f, ()))
        if not readings:
            lattice.append({f: 1.0})
            continue
        dfs = [df(r) for r in readings]
        total_df = sum(dfs)
        prior = [d / total_df if total_df else 1 / len(readings) for d in dfs]
        seen = sum(one[r] for r in readings)
        lattice.append({r: (one[r] + FEEDBACK_PRIOR * p) / (seen + FEEDBACK_PRIOR) for r, p in zip(readings, prior)})
    score = {r: math.log(p) for r, p in lattice[0].items()}
    back = []
    for column in lattice[1:]:
        new, pointers = {}, {}
        for r, p in column.items():
            best, arg = -math.inf, None
            for r0, s0 in score.items():
                s = s0 + math.log((two.get((r0, r), 0) + FEEDBACK_SMOOTHING * p) / (one.get(r0, 0) + FEEDBACK_SMOOTHING))
                if s > best or arg is None:
                    best, arg = s, r0
            new[r], pointers[r] = best, arg
        back.append(pointers)
        score = new
    r = max(sorted(score), key=score.get)
    out = [r]
    for pointers in reversed(back):
        r = pointers[r]
        out.append(r)
    out.reverse()
    return out
