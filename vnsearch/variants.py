"""Spelling variants that are one word: ``covid-19`` = ``covid19`` = ``covid 19``,
``TP.HCM`` = ``TPHCM`` = ``TP HCM``, ``SARS-CoV-2`` = ``sars cov 2``, ``vắc xin`` = ``vắcxin``.

The analysis chain gives documents and queries alike, for each run of words that are one word
written apart, an extra token: the run joined ("covid19", "tphcm", "vắcxin"), at the position
of the run's first word. A query matches the joined token in place of the run, so every way
of writing it finds the same paragraphs; a word written joined is that token already.

A run is joined (``joins``) where its words are
- written with a hyphen, a dot or nothing between them and at least one is not a Vietnamese
  syllable or is a number after letters (covid-19, TP.HCM, SARS-CoV-2, U.23); two numbers are
  never joined ("2-3 ngày" is not 23), nor are two syllables ("Bà Rịa-Vũng Tàu");
- written with a space: a foreign word and a number ("covid 19", "iPhone 12"), or two
  abbreviations, words of at most four letters and no vowel ("TP HCM", "tp hcm"; not "for mass");
- a loanword written in syllables, from the shipped list (``data/loanwords.txt``: "vắc xin",
  "ô tô", "in tơ nét"), with spaces or hyphens, diacritics or not.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache

from .syllable import could_be_syllable
from .text import fold, normalize

ABBREVIATION = 4  # letters: "tp", "hcm", "ubnd" join across a space; longer words do not
SEPARATORS = ("", "-", ".")
LOANWORDS_FILE = os.path.join(os.path.dirname(__file__), "data", "loanwords.txt")


@lru_cache(maxsize=1)
def loanwords() -> dict[str, tuple[tuple[str, ...], ...]]:
    """First folded syllable → the shipped loanwords (folded syllable tuples) starting with it,
    longest first."""
    table: dict[str, list[tuple[str, ...]]] = {}
    with open(LOANWORDS_FILE, encoding="utf-8") as fin:
        for line in fin:
            line = line.split("#", 1)[0].strip()
            if line:
                parts = tuple(fold(normalize(line).lower()).replace("-", " ").split())
                if len(parts) > 1:
                    table.setdefault(parts[0], []).append(parts)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in table.items()}


@lru_cache(maxsize=100_000)
def _fold(word: str) -> str:
    return fold(word)


@lru_cache(maxsize=100_000)  # (asked twice of every word of a text, for each of its neighbours)
def _kind(word: str) -> str:
    """"num" (digits), "syl" (a Vietnamese syllable, with or without its marks: the same
    decision for a document and an unaccented query), "foreign" (letters, no syllable) or
    "mixed" (letters and digits: "covid19", "h5n1")."""
    if word.isdigit():
        return "num"
    if any(c.isdigit() for c in word):
        return "mixed"
    return "syl" if could_be_syllable(word) else "foreign"


def _joinable(a: str, b: str, gap: str) -> bool:
    """Whether two neighbouring words (lowercase) written with ``gap`` between them are one."""
    if gap == " ":  # most neighbours: what the rules below decide for one space, kinds only if needed
        if b.isdigit():  # kb "num": covid 19, iphone 12; not "năm 2020", not "5 6"
            return _kind(a) in ("foreign", "mixed")
        return _abbreviation(a) and _abbreviation(b)
    return _joinable_by_kinds(a, b, gap)


def _joinable_by_kinds(a: str, b: str, gap: str) -> bool:
    """``_joinable``'s rules for any gap, from both words' kinds."""
    ka, kb = _kind(a), _kind(b)
    if ka == "num" and kb == "num":
        return False
    if gap in SEPARATORS:
        if ka == "syl" and kb == "syl":
            return False
        if kb == "num" and ka == "syl" and len(a) > 1:
            return False  # "Điều 5.", "năm-2020": a word and a number, not a code
        if kb == "num" and a[-1].isdigit():
            return False  # a range ("BN2802-2806", "14-17/4"), not a code
        if ka == "num" and kb == "syl":
            return False
        return True
    if gap.strip() not in ("", "."):
        return False  # a space, or an abbreviation's dot and a space ("TP. HCM")
    if kb == "num":
        return ka == "foreign" or (ka == "mixed")  # covid 19, iphone 12; not "năm 2020"
    return _abbreviation(a) and _abbreviation(b)


@lru_cache(maxsize=100_000)
def _abbreviation(word: str) -> bool:
    """A few letters and no vowel: "tp", "hcm", "ubnd" (not "for", "mass", "new")."""
    return len(word) <= ABBREVIATION and word.isalpha() and not any(c in "aeiouy" for c in _fold(word))


def joins(words: Sequence[tuple[str, int, int]], source: str) -> list[tuple[int, int, str]]:
    """The runs of ``words`` (their text, start and end in ``source``, in order; words only,
    no punctuation) that are one word: (index of the first, index of the last, the run joined,
    lowercase). Runs do not overlap; each is as long as it can be."""
    out: list[tuple[int, int, str]] = []
    lower = [w.lower() for w, _, _ in words]
    folded = [_fold(w) for w in lower]
    table = loanwords()
    i = 0
    n = len(words)
    while i < n:
        # a loanword written in syllables, longest first
        for parts in table.get(folded[i], ()):
            k = len(parts)
            if tuple(folded[i:i + k]) == parts and all(
                source[words[j][2]:words[j + 1][1]] in (" ", "-") for j in range(i, i + k - 1)
            ):
                out.append((i, i + k - 1, "".join(lower[i:i + k])))
                i += k
                break
        else:
            j = i
            while j + 1 < n and _joinable(lower[j], lower[j + 1], source[words[j][2]:words[j + 1][1]]):
                j += 1
            if j > i:
                out.append((i, j, "".join(lower[i:j + 1])))
            i = j + 1
    return out


def word_spans(pieces) -> list[tuple[str, int, int]]:
    """(text, start, end) of the word pieces of a segmentation (objects with ``text``,
    ``start``, ``end``), an abbreviation's dot left out ("TP." is the word TP)."""
    out = []
    for p in pieces:
        if p.text[0].isalnum():
            word = p.text.rstrip(".") or p.text
            out.append((word, p.start, p.start + len(word)))
    return out


def variants_at(words: Sequence[tuple[str, int, int]], source: str) -> dict[int, tuple[str, int]]:
    """Word index → (the run starting there joined, how many words it spans): ``joins`` keyed
    for look-ups while walking a text's words."""
    return {i: (form, j - i + 1) for i, j, form in joins(words, source)}


def find_sequence(forms: Sequence[str], wanted: Sequence[str], joined: dict[int, tuple[str, int]] | None = None,
                  fold_joined: bool = False) -> bool:
    """True when ``wanted`` occurs in ``forms`` as a contiguous run (a phrase), where a run of
    words that is one word (``joined``: see ``variants_at``) may stand for that word: the
    phrase "ca covid19 mới" is in "ca covid-19 mới", and "ca covid" too. ``fold_joined``:
    compare the joined forms folded (the folded lane)."""
    n = len(wanted)
    if not n:
        return False
    if not joined:
        forms, wanted = list(forms), list(wanted)
        first = wanted[0]
        return any(forms[i:i + n] == wanted for i, f in enumerate(forms) if f == first)

    def at(i: int, k: int) -> bool:
        if k == n:
            return True
        if i >= len(forms):
            return False
        if forms[i] == wanted[k] and at(i + 1, k + 1):
            return True
        variant = joined.get(i)
        if variant:
            form = fold(variant[0]) if fold_joined else variant[0]
            return form == wanted[k] and at(i + variant[1], k + 1)
        return False

    first = wanted[0]
    starts = [i for i, f in enumerate(forms) if f == first]
    starts += [i for i, (form, _) in joined.items() if (fold(form) if fold_joined else form) == first]
    return any(at(i, 0) for i in starts)
