"""Marking a query's words in whole texts (an article page), as search marks them in snippets.

Search marks the words of the paragraphs it returns; an article shown in full needs the same
marks in every paragraph and in the title. The rules are search's: words typed with diacritics
are marked where the text has that spelling (in a text without it, in any spelling); words
typed without diacritics are marked in any spelling. Excluded words (``-x``) are not marked.
"""

from __future__ import annotations

from functools import lru_cache

from . import query as qs
from . import text
from .analysis import analyze


def _positive_texts(node, out: list[str]) -> list[str]:
    if isinstance(node, (qs.Words, qs.Phrase)):
        out.append(node.text)
    elif isinstance(node, (qs.AnyOf, qs.AllOf)):
        for n in node.nodes:
            _positive_texts(n, out)
    return out  # qs.Not: excluded words are not marked


@lru_cache(maxsize=256)
def query_forms(query: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(exact, folded, loose) syllable forms of the query's positive words: exact forms typed
    with diacritics, their folded forms (marked only in texts without the exact ones), and
    folded forms of words typed without diacritics (marked in any spelling)."""
    exact: set[str] = set()
    folded: set[str] = set()
    loose: set[str] = set()
    for value in _positive_texts(qs.parse(text.nfc(text.scrub(query))), []):
        tokens = analyze(value)
        if any(t.exact != t.folded for t in tokens):
            exact.update(t.exact for t in tokens)
            folded.update(t.folded for t in tokens)
        else:
            loose.update(t.folded for t in tokens)
    return frozenset(exact), frozenset(folded), frozenset(loose)


def _forms(syllable: str) -> tuple[str, str]:
    exact = text.normalize(syllable).lower()
    return exact, text.fold(exact)


def mark_spans(value: str, query: str) -> list[tuple[int, int]]:
    """(start, end) of the query's words in ``value`` (NFC text), adjacent ones merged."""
    exact, folded, loose = query_forms(query)
    if not (exact or loose):
        return []
    syllables = [(s, e, *_forms(value[s:e])) for s, e in text.syllable_spans(value)]
    has_exact = any(form in exact for _, _, form, _ in syllables)
    hits = [
        (s, e)
        for s, e, form, plain in syllables
        if plain in loose or (form in exact if has_exact else plain in folded)
    ]
    merged: list[tuple[int, int]] = []
    for s, e in hits:
        if merged and value[merged[-1][1]:s].isspace():
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged
