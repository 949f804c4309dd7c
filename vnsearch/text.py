"""Pure string functions for Vietnamese text: NFC, tone-mark placement, folding, syllables.

Nothing here knows about Whoosh, files or pyvi. Every function is total (any ``str`` in,
``str`` out) and idempotent, which the tests check.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# The five Vietnamese tone marks as combining characters (NFD). The vowel-quality marks
# (circumflex U+0302, breve U+0306, horn U+031B) are not tones and never move.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")

# A syllable for the tone-placement rule: a run of letters (and their combining marks).
_SYLLABLE = re.compile(r"\w+", re.UNICODE)

# Open syllables whose nucleus is one of these pairs are written in two styles:
# old "hòa / khỏe / thủy" (tone on the first vowel), new "hoà / khoẻ / thuỷ" (on the second).
_OPEN_PAIRS = ("oa", "oe", "uy")


_SURROGATE = "[\ud800-\udfff]"  # compiled by ``re`` when first met: rarely


def scrub(text: str) -> str:
    """Lone surrogates become U+FFFD: bytes that were not UTF-8, escaped by Python in command
    lines and file names, or "\\udc80" escapes in JSON. Nothing downstream can encode them.
    Applied where text comes in (queries, JSON records, file names), not to every line."""
    try:
        text.encode("utf-8")  # the quick test: fails only on surrogates
        return text
    except UnicodeEncodeError:
        return re.sub(_SURROGATE, "\ufffd", text)


def nfc(text: str) -> str:
    """Unicode NFC; real corpora mix NFC and NFD."""
    return unicodedata.normalize("NFC", text)


def _canonical_syllable(match: re.Match) -> str:
    return _canonical(match.group(0))


@lru_cache(maxsize=100_000)
def _canonical(syllable: str) -> str:
    """One syllable in canonical tone placement (a language has a few thousand syllables:
    remembered, they cost a dictionary lookup)."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tones = [c for c in decomposed if c in TONE_MARKS]
    if len(tones) != 1:
        return syllable
    bare = "".join(c for c in decomposed if c not in TONE_MARKS)
    if len(bare) < 2 or bare[-2:].lower() not in _OPEN_PAIRS:
        return syllable
    # Tone goes on the last letter: the new style, which pyvi's dictionary uses.
    return unicodedata.normalize("NFC", bare + tones[0])


# The words ``_canonical`` can change: those ending in o or u, bare or with a tone mark, then a, e
# or y without one (the tone of "hòa", "khỏe", "thủy", or of an earlier letter, moves to the last
# letter; a tone already on the last letter, or a pair with another mark, "ôa", "ơa", is left).
# Whole words only (nothing word-like before or after): the words ``\w+`` finds.
_MOVABLE = re.compile(r"(?<!\w)\w*(?:[oòóỏõọOÒÓỎÕỌ][aeAE]|[uùúủũụUÙÚỦŨỤ][yY])(?!\w)")


def canonical_tones(text: str) -> str:
    """Write every open oa/oe/uy syllable in one tone-mark style: hòa→hoà, thủy→thuỷ, Ủy→Uỷ.

    The new style (tone on the second vowel) is the canonical one because pyvi's word list is
    written in it, so segmentation sees the form it knows. Syllables with a final consonant
    ("hoàn", "thuyết") have one spelling only and are left alone; so is "quý", where the tone
    is on the y in both styles. Returns NFC.
    """
    return _MOVABLE.sub(_canonical_syllable, nfc(text))  # every other word: _canonical leaves it


def normalize(text: str) -> str:
    """The first stage of the analysis chain: NFC and canonical tone placement."""
    return canonical_tones(text)


def normalized_words(text: str) -> list[str]:
    """The words (``\\w+`` runs) of ``normalize(text)``: the words of the NFC text, each put
    in canonical tone placement on its own and remembered, instead of rewriting the whole text
    (a text of 70 words cost 70 calls through ``re.sub``; ``context`` reads up to 60 paragraphs
    a pair of query words). The same list: normalization rewrites each word into one word, never
    across them; a word it would not keep one word sends the text the old way."""
    words = list(map(_canonical_word, _SYLLABLE.findall(nfc(text))))
    if None in words:  # a word that normalization would not keep one word (none in Vietnamese)
        return _SYLLABLE.findall(normalize(text))
    return words


@lru_cache(maxsize=100_000)
def _canonical_word(word: str) -> str | None:
    """``_canonical(word)`` when it is again one word (only word characters), else None."""
    canonical = _canonical(word)
    return canonical if canonical == word or _SYLLABLE.fullmatch(canonical) else None


_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text: str) -> str:
    """Remove every diacritic, đ→d included: "Đấu giá" → "Dau gia".

    NFD plus dropping combining marks leaves đ/Đ alone (they are base letters), so they are
    mapped explicitly. ASCII text has nothing to fold and is returned as it is (what the
    general path gives it, ``_fold``; a third of a news text's words are ASCII).
    """
    return text if text.isascii() else _fold(text)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped)


def has_diacritics(text: str) -> bool:
    """True when folding would change the text: the user typed at least one diacritic."""
    return fold(text) != nfc(text)


def syllable_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the word-character runs (syllables, numbers) of NFC text."""
    return [m.span() for m in _SYLLABLE.finditer(text)]
