"""Snippets: the stretch of a paragraph with the most matched words, the words marked.

Words are found with ``analysis.text_tokens`` (read as ``text_columns``), the tokenization
that phrase checks and proximity use too, so what counts as a word ("1.528") is the same in
all three.
"""

from __future__ import annotations

from ..analysis import Leaf, text_columns, text_variants
from ..syllable import could_be_syllable
from .. import text

SNIPPET_CHARS = 240
MARK_OPEN = "**"
MARK_CLOSE = "**"

Forms = tuple[set[str], set[str], set[str]]


def highlight_forms(leaves: list[Leaf]) -> Forms:
    """What to mark, from the query's positive leaves (exclusions are not marked):
    exact forms typed with diacritics or restored; their folded forms, marked only where the
    paragraph has none of the exact ones; and loose forms, folded syllables that were typed
    without diacritics and not restored, marked in any reading."""
    exact: set[str] = set()
    folded: set[str] = set()
    loose: set[str] = set()
    for leaf in leaves:
        for t in leaf.tokens:
            if leaf.restored and t.exact == t.folded or not leaf.accented:
                loose.add(t.folded)
            else:
                exact.add(t.exact)
                folded.add(t.folded)
    return exact, folded, loose


def matched_spans(paragraph: str, exact: set[str], folded: set[str], loose: set[str] = frozenset()):
    """Spans of the paragraph's words that match (see ``highlight_forms``). Adjacent
    matches merge ("hộ tịch" is one span)."""
    starts, ends, exacts, foldeds = text_columns(paragraph)  # ``text_tokens``, as columns
    has_exact = not exact.isdisjoint(exacts)
    if has_exact:
        marked = [f in loose or e in exact for e, f in zip(exacts, foldeds)]
    else:
        marked = [f in loose or f in folded for f in foldeds]
    # "covid-19" marked when covid19 was asked: only a word that is no syllable can be a run
    if any(not could_be_syllable(f) for f in (*loose, *folded)):
        for i, (form, width) in text_variants(paragraph).items():
            folded_form = text.fold(form)
            if folded_form in loose or (form in exact if has_exact else folded_form in folded):
                marked[i:i + width] = [True] * width
    hits = [(s, e) for s, e, m in zip(starts, ends, marked) if m]
    merged: list[tuple[int, int]] = []
    for s, e in hits:
        if merged and paragraph[merged[-1][1]:s].isspace():
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _window(paragraph: str, spans, size: int = SNIPPET_CHARS) -> tuple[int, int]:
    """The stretch of at most ``size`` characters that holds the most matched words."""
    if len(paragraph) <= size:
        return 0, len(paragraph)
    best, best_start = -1, 0
    for i, (start, _) in enumerate(spans):
        count = sum(1 for s, e in spans[i:] if e <= start + size)
        if count > best:
            best, best_start = count, start
    lead = max(0, best_start - size // 4)
    # Start and end on word boundaries (any white space: news text is full of U+00A0).
    while 0 < lead < best_start and not paragraph[lead - 1].isspace():
        lead -= 1
    end = min(len(paragraph), lead + size)
    while lead < end < len(paragraph) and not paragraph[end].isspace():
        end -= 1
    return lead, end


def make_snippet(
    paragraph: str, exact: set[str], folded: set[str], loose: set[str] = frozenset()
) -> tuple[str, str, list[tuple[int, int]]]:
    """(marked snippet, plain snippet, spans in the plain snippet) around the matched words."""
    paragraph = text.nfc(paragraph)  # spans are on the NFC text (stored text is NFC already)
    spans = matched_spans(paragraph, exact, folded, loose)
    lo, hi = _window(paragraph, spans)
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(paragraph) else ""
    plain_text = prefix + paragraph[lo:hi] + suffix
    shift = len(prefix) - lo
    local = [(s + shift, e + shift) for s, e in spans if s >= lo and e <= hi]
    marked, last = [], 0
    for s, e in local:
        marked.append(plain_text[last:s] + MARK_OPEN + plain_text[s:e] + MARK_CLOSE)
        last = e
    marked.append(plain_text[last:])
    return "".join(marked), plain_text, local
