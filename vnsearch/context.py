"""Readings by context: "gia vang" is read "giá vàng" because the archive writes that two-word
sequence far more often than "gia vàng" (a tycoon's gold), whatever each syllable alone says.

pyvi's compound words (``restore``) know "hộ tịch" but not phrases of single words such as
"giá vàng". Here the archive itself is asked: for each pair of neighbouring unaccented query
words, how is that pair written where it occurs in the text? The counts come from a sample of
the paragraphs holding both words (``count_pairs`` over their stored text: no extra index
lane), and ``choose`` takes the reading of the whole query that the counts make most likely,
keeping a word's reading only where its pair is clearly dominant, as ``restore`` does for
compounds (single words are never guessed).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from .analysis import QueryToken, _fold_token
from .text import normalized_words

DOMINANCE = 0.6  # the chosen spelling of a pair holds at least this share of its occurrences
MIN_COUNT = 3  # and occurs at least this often in the sample
SAMPLE = 60  # paragraphs read per pair at the most
ENOUGH = 20  # occurrences of a pair after which reading stops


PairCounts = Callable[[str, str], "Counter[tuple[str, str]]"]


def count_pairs(texts: Iterable[str], first: str, second: str, enough: int | None = None) -> Counter:
    """How often each spelling (a, b) of the unaccented pair (``first``, ``second``) stands
    as two neighbouring words in ``texts`` (lowercase, the index's tone style); with
    ``enough``, the texts are read only until that many occurrences are counted."""
    counts: Counter = Counter()
    # the pair as it stands in the line of a passage's folded words (" gia vang "): no word
    # holds a space, so a passage without it is passed over unscanned (most of them)
    needle = " " + first + " " + second + " " if first and second and " " not in first + second else None
    for passage in texts:
        if enough is not None and sum(counts.values()) >= enough:
            break
        words = normalized_words(passage)
        folded = list(map(_folded_lower, words))  # lowercase forms: only where the pair is
        if needle is not None and needle not in " " + " ".join(folded) + " ":
            continue
        for i in range(len(words) - 1):
            if folded[i] == first and folded[i + 1] == second:
                counts[_lower_and_folded(words[i])[0], _lower_and_folded(words[i + 1])[0]] += 1
    return counts


@lru_cache(maxsize=100_000)
def _folded_lower(word: str) -> str:
    """``_lower_and_folded(word)[1]``, remembered on its own: what the pair's search in a
    passage asks of every word of it."""
    return _lower_and_folded(word)[1]


@lru_cache(maxsize=100_000)
def _lower_and_folded(word: str) -> tuple[str, str]:
    """A word lowercased, and folded (``text.fold``): words repeat from passage to passage."""
    low = word.lower()
    return low, _fold_token(low)


def choose(folded: Sequence[str], pair_counts: PairCounts, skip: frozenset[int] = frozenset()) -> list[str | None]:
    """The reading of each unaccented word of ``folded`` (a query's words in order, without
    punctuation between them) that the pair counts support, or None where they do not: the
    sequence that maximises the product of its pairs' counts (Viterbi over the spellings
    seen), each word kept only when one of its pairs in that sequence is dominant. Pairs
    whose index is in ``skip`` are not counted (their words are read already)."""
    n = len(folded)
    if n < 2:
        return [None] * n
    pairs = [Counter() if i in skip else pair_counts(folded[i], folded[i + 1]) for i in range(n - 1)]
    options: list[set[str]] = [set() for _ in range(n)]
    for i, counts in enumerate(pairs):
        for a, b in counts:
            options[i].add(a)
            options[i + 1].add(b)
    for i in range(n):
        options[i].add(folded[i])  # the word as typed is always a way through
    # Viterbi: best[i][form] = (score, previous form)
    best: list[dict[str, tuple[float, str | None]]] = [{f: (0.0, None) for f in options[0]}]
    for i in range(1, n):
        column = {}
        for b in options[i]:
            column[b] = max(
                ((score + math.log1p(pairs[i - 1].get((a, b), 0)), a) for a, (score, _) in best[-1].items()),
                key=lambda x: (x[0], x[1] != folded[i - 1]),
            )
        best.append(column)
    form = max(best[-1], key=lambda f: (best[-1][f][0], f != folded[-1]))
    path = [form]
    for i in range(n - 1, 0, -1):
        form = best[i][form][1]
        path.append(form)
    path.reverse()
    out: list[str | None] = [None] * n
    for i, counts in enumerate(pairs):
        total = sum(counts.values())
        got = counts.get((path[i], path[i + 1]), 0)
        if got >= MIN_COUNT and got >= DOMINANCE * total:
            out[i], out[i + 1] = path[i], path[i + 1]
    return out


def sample(docs: Sequence[int], size: int = SAMPLE) -> list[int]:
    """At most ``size`` of ``docs``, spread evenly over them (not only the oldest articles)."""
    if len(docs) <= size:
        return list(docs)
    step = len(docs) / size
    return [docs[int(i * step)] for i in range(size)]


def restore_by_context(tokens: Sequence[QueryToken], pair_counts: PairCounts) -> list[QueryToken] | None:
    """``tokens`` with their unaccented words read by context (``choose``, within runs not
    broken by punctuation), words read already (by ``restore``'s compounds) left alone; None
    when no word could be read."""
    out = list(tokens)
    changed = False
    start = 0
    for end in range(1, len(tokens) + 1):
        if end < len(tokens) and not getattr(tokens[end], "gap", False) and tokens[end].pos == tokens[end - 1].pos + 1:
            continue
        run = tokens[start:end]
        if len(run) > 1:
            bare = [t.exact == t.folded for t in run]
            skip = frozenset(i for i in range(len(run) - 1) if not bare[i] and not bare[i + 1])
            for k, reading in enumerate(choose([t.folded for t in run], pair_counts, skip)):
                if reading and bare[k] and reading != run[k].folded:
                    out[start + k] = run[k]._replace(exact=reading)
                    changed = True
        start = end
    return out if changed else None
