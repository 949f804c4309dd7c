"""The one analysis chain, for documents and queries alike, in Whoosh's tokenizer | filter style.

    VietnameseTokenizer()                         NFC, canonical tones, pyvi segmentation: syllables
      | LowercaseFilter()                         → EXACT: "hộ", "tịch"  (accent-exact lane)
      | LowercaseFilter() | FoldFilter()          → FOLDED: "ho", "tich" (diacritic-free lane)
      | LowercaseFilter() | CompoundFilter()      → WORDS: "hộ_tịch"     (pyvi words of 2+ syllables)
        | ReadingFilter()                         → READINGS: "ho_tich|hộ_tịch" (as indexed: scored
                                                  as the word, looked up by prefix to restore accents)

Segmentation runs before lowercasing, as pyvi needs the capitals ("châu Âu"). Every token
carries the position of its pyvi token, punctuation included, so that a phrase never matches
across a comma. ``analyze`` gives the same chain as plain records for the query builder.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from whoosh.analysis import Filter, LowercaseFilter, Token, Tokenizer

from . import text
from .segment import segment_cached


def _is_word(piece_text: str) -> bool:
    return piece_text[0].isalnum() or piece_text[0] == "_"


@lru_cache(maxsize=256)
def _pieces(value: str):
    """Normalized and segmented ``value``, remembered: the five text fields of a paragraph
    document (and a title shared by all paragraphs of an article) are analyzed from the same
    strings, and normalization and the CRF run once for all of them."""
    return segment_cached(text.normalize(value))


class VietnameseTokenizer(Tokenizer):
    """Yields one token per syllable (or number) of the text, in canonical NFC form.

    Each token has ``joined``: True when pyvi made it part of the same word as the previous
    syllable. Character offsets refer to the NFC text, which is what the index stores.
    """

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, piece in enumerate(_pieces(value)):
            if not _is_word(piece.text):
                continue
            t.text = piece.text
            t.joined = piece.joined
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = piece.text
            t.pos = start_pos + pos  # always: CompoundFilter needs it, even unrequested
            if chars:
                t.startchar = start_char + piece.start
                t.endchar = start_char + piece.end
            yield t


# ``text.fold`` of one token, remembered: a corpus has a few tens of thousands of distinct
# syllables and words, and folding each occurrence again was 9% of a build (issue 15 profile).
_fold_token = lru_cache(maxsize=200_000)(text.fold)


class FoldFilter(Filter):
    """Removes every diacritic, đ→d included (``text.fold``)."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = _fold_token(t.text)
            yield t


def group_words(syllables: list[tuple[str, int, bool]]) -> list[tuple[str, int]]:
    """Join (syllable, position, joined) runs into pyvi's words of two or more syllables:
    ("hộ_tịch", position of "hộ"). Single-syllable words are left out."""
    words: list[tuple[list[str], int]] = []
    last = None
    for syl, pos, joined in syllables:
        if joined and words and pos == last + 1:
            words[-1][0].append(syl)
        else:
            words.append(([syl], pos))
        last = pos
    return [("_".join(parts), pos) for parts, pos in words if len(parts) > 1]


class CompoundFilter(Filter):
    """Keeps only pyvi's words of two or more syllables, as one token "hộ_tịch" at the
    position of the word's first syllable."""

    def __call__(self, tokens):
        template = None
        syllables = []
        for t in tokens:
            if template is None:
                template = t.copy()
            syllables.append((t.text, t.pos, t.joined))
        for word, pos in group_words(syllables):
            template.text = word
            template.pos = pos
            template.startchar = template.endchar = 0
            yield template


class ReadingFilter(Filter):
    """Turns each compound word into "folded|accented" ("ho_tich|hộ_tịch"): the index then
    answers "which accented readings of ho_tich exist, in how many paragraphs" with a prefix
    lookup in its term dictionary (``restore``)."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = _fold_token(t.text) + READING_SEPARATOR + t.text
            yield t


READING_SEPARATOR = "|"

EXACT = VietnameseTokenizer() | LowercaseFilter()
FOLDED = VietnameseTokenizer() | LowercaseFilter() | FoldFilter()
WORDS = VietnameseTokenizer() | LowercaseFilter() | CompoundFilter()
READINGS = VietnameseTokenizer() | LowercaseFilter() | CompoundFilter() | ReadingFilter()


def lane_terms(analyzer, value: str) -> list[tuple[str, int]] | None:
    """The (term, position) tokens ``analyzer`` (EXACT, FOLDED, WORDS or READINGS) makes of
    ``value``, computed from the segmentation directly instead of through Whoosh's token
    stream (issue 15: the stream of Token objects was a third of a build); None for any other
    analyzer. ``tests/test_analysis.py`` checks it against the analyzers themselves."""
    kind = _LANES.get(id(analyzer))
    if kind is None:
        return None
    syllables = [(piece.text.lower(), pos, piece.joined) for pos, piece in enumerate(_pieces(value))
                 if _is_word(piece.text)]
    if kind == "exact":
        return [(syl, pos) for syl, pos, _ in syllables]
    if kind == "folded":
        return [(_fold_token(syl), pos) for syl, pos, _ in syllables]
    words = group_words(syllables)
    if kind == "words":
        return words
    return [(_fold_token(word) + READING_SEPARATOR + word, pos) for word, pos in words]


_LANES = {id(EXACT): "exact", id(FOLDED): "folded", id(WORDS): "words", id(READINGS): "readings"}


@dataclass(frozen=True, slots=True)
class QueryToken:
    """A syllable of a query as the index sees it in each lane."""

    exact: str  # lowercase, NFC, canonical tone placement
    folded: str  # diacritics removed
    pos: int
    joined: bool  # pyvi joined it to the previous syllable


def analyze(value: str) -> list[QueryToken]:
    """The analysis chain as plain records: what the lanes of the index hold for ``value``."""
    return [
        QueryToken(t.text, text.fold(t.text), t.pos, t.joined)
        for t in EXACT(value, positions=True)
    ]


def compounds(tokens: list[QueryToken]) -> list[str]:
    """pyvi's multi-syllable words among analyzed tokens, as the WORDS lane spells them."""
    return [w for w, _ in group_words([(t.exact, t.pos, t.joined) for t in tokens])]
