"""Finding it anyway: query words the index lacks, read as what the user meant.

A query word is rewritten only when the index holds it in no reading (neither its paragraphs
nor its titles): a word that is there as typed is never touched ("for", "mass", "ho" are real
words). Then, in order:
- typed in Telex or VNI with the input method off (``keyboard``): "hooj" → hộ, "ho65" → hộ,
  when the index holds the decoded syllable;
- a typo (``spelling``): "covit" → covid, the nearest and most frequent term of the index's
  lexicon within the edit budget of its length.

``IndexLexicon`` answers the questions this needs from an open index's own term dictionary:
no external word list.
"""

from __future__ import annotations

from collections import Counter
import re
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

from .analysis import AllNode, AnalysedQuery, AnyNode, Leaf, QueryToken, analyze
from .schema import CONTENT_EXACT, CONTENT_FOLDED, TITLE_EXACT, TITLE_FOLDED
from .restore import MAX_SYLLABLES
from .scoring import intersect_sorted
from .syllable import could_be_syllable, is_syllable
from .text import fold, normalize

# ``keyboard``, ``spelling`` and ``context`` are imported where they are used: for a word the
# index lacks, for an unaccented pair. A query of words the index holds, typed with their
# marks, loads none of them.
if TYPE_CHECKING:
    from .spelling import Corrector

_WORD = re.compile(r"\w+")

# A word held by at most this many paragraphs "finds almost nothing": a correction that the
# index holds SUGGEST_RATIO times more often is suggested ("did you mean"), not applied.
ALMOST_NOTHING = 2
SUGGEST_RATIO = 100  # covit (1) → covid (4,000 on dantri); not mass (2) → tass


class WordFix(NamedTuple):
    """Token ``index`` of a run of words, typed ``typed``, read as ``reading``; ``how``:
    "keyboard" (Telex/VNI), "typo" (applied: the typed word finds nothing) or "suggestion"
    (the typed word finds almost nothing; only suggested)."""

    index: int
    typed: str
    reading: str
    how: str


class IndexLexicon:
    """What an open index holds, for rewriting queries: document frequencies in the folded and
    exact lanes (paragraphs and titles), a typo corrector over its folded terms (read on the
    first correction), and how its text spells a pair of words (``context``)."""

    _KEEP_DFS = 100_000

    def __init__(self, cache, reader):
        self.cache = cache
        self.reader = reader
        self._corrector: Corrector | None = None
        self._pairs: dict[tuple[str, str], Counter] = {}
        # document frequencies asked before: every query asks those of its words, and
        # queries share words (the index is read-only for its reader)
        self._dfs: dict[tuple[tuple[str, ...], str], int] = {}

    def df(self, fields: tuple[str, ...], term: str) -> int:
        key = (fields, term)
        found = self._dfs.get(key)
        if found is None:  # (each field in each segment: a term-dictionary look-up and a term info)
            if len(self._dfs) >= self._KEEP_DFS:
                self._dfs.clear()
            found = self._dfs[key] = sum(self.reader.doc_frequency(f, term) for f in fields)
        return found

    def folded_df(self, term: str) -> int:
        return self.df((CONTENT_FOLDED, TITLE_FOLDED), term)

    def exact_df(self, term: str) -> int:
        return self.df((CONTENT_EXACT, TITLE_EXACT), term)

    @property
    def corrector(self) -> Corrector:
        if self._corrector is None:
            from .spelling import Corrector

            def terms():
                for field in (CONTENT_FOLDED, TITLE_FOLDED):
                    for term in self.reader.lexicon(field):
                        yield term.decode("utf-8") if isinstance(term, bytes) else term

            self._corrector = Corrector(terms(), self.folded_df)
        return self._corrector

    def pair_counts(self, first: str, second: str) -> Counter:
        """How the paragraphs holding both unaccented words spell them side by side, from a
        sample of at most ``context.SAMPLE`` of them."""
        key = (first, second)
        if key not in self._pairs:
            from . import context

            a = self.cache.postings(CONTENT_FOLDED, first)[0]
            b = self.cache.postings(CONTENT_FOLDED, second)[0]
            docs = intersect_sorted(a, b).tolist()
            texts = (self.cache.stored_fields(d).get("text") or "" for d in context.sample(docs))
            self._pairs[key] = context.count_pairs(texts, first, second, context.ENOUGH)
        return self._pairs[key]


def fix_word(token: QueryToken, lexicon: IndexLexicon, keyboard: bool = True) -> tuple[str, str] | None:
    """(reading, how) for a query word the index lacks or almost lacks, or None. ``keyboard``
    False: Telex/VNI decodings are not tried."""
    held = lexicon.folded_df(token.folded)
    if held > ALMOST_NOTHING:
        return None
    if keyboard and held == 0 and token.exact == token.folded:
        from .keyboard import decode

        for syllable in decode(token.exact):
            if lexicon.exact_df(syllable):
                return syllable, "keyboard"
    if not token.folded.isalpha():
        return None  # numbers and codes ("2020", "u23") are never corrected
    if token.exact != token.folded and is_syllable(token.exact):
        return None  # a syllable typed with its marks is meant as typed ("phố"), whatever the index
    found = lexicon.corrector.candidates(token.folded)
    if not found:
        return None
    best = found[0]
    if held == 0:
        return best.term, "typo"
    if best.df >= SUGGEST_RATIO * held:
        return best.term, "suggestion"
    return None


def fix_tokens(
    tokens: list[QueryToken], lexicon: IndexLexicon, correct: bool = True, keyboard: bool = True
) -> tuple[list[QueryToken], list[WordFix]]:
    """The tokens with every word the index lacks read as what was meant (Telex/VNI, or a typo
    corrected), and what was done; suggestions are listed but leave their token as typed.
    ``correct`` False: typos are only suggested; ``keyboard`` False: no Telex/VNI."""
    out = list(tokens)
    fixes = []
    for i, t in enumerate(tokens):
        fix = fix_word(t, lexicon, keyboard)
        if fix is None:
            continue
        reading, how = fix
        if how == "typo" and not correct:
            how = "suggestion"
        fixes.append(WordFix(i, t.exact, reading, how))
        if how != "suggestion":
            out[i] = t._replace(exact=reading, folded=fold(reading))
    return out, fixes


# Typo corrections change the results of short queries only (keywords, names); in a longer one
# (a question, a headline) a word the index lacks is one of many, and a guess would add noise:
# there they are only suggested. The same bound as accent restoration's.
MAX_CORRECTED_WORDS = MAX_SYLLABLES
KEYBOARD_SHARE = 0.3  # of a longer query's words that must decode for Telex/VNI to be read


def rewrite(aq: AnalysedQuery, lexicon: IndexLexicon) -> AnalysedQuery:
    """``aq`` with the words the index lacks read as meant in its positive text leaves
    (``fix_tokens``), and ``read_as`` (the query with its Telex/VNI words decoded) and
    ``suggestion`` (with every word read as meant, typos corrected) set when they differ
    from the query."""
    fixes: list[WordFix] = []
    words = [t for leaf in aq.leaves() if leaf.is_text for t in leaf.tokens]
    short = len(words) <= MAX_CORRECTED_WORDS
    # In a longer query one word that decodes is a name or a stray ("Arsi" is no "ái", "ra4" in
    # a question no "rã"): Telex/VNI is read only where a good part of the query is typed so.
    keyboard = short or sum(
        1 for t in words if fix_word(t, lexicon) and fix_word(t, lexicon)[1] == "keyboard"
    ) >= KEYBOARD_SHARE * len(words)

    def walk(node):
        if isinstance(node, Leaf):
            if not node.is_text:
                return node
            tokens, found = fix_tokens(list(node.tokens), lexicon, correct=short, keyboard=keyboard)
            fixes.extend(found)
            if not any(f.how != "suggestion" for f in found):
                return node
            # The text as read goes through the chain again, so that pyvi sees the words it
            # knows (bánh_mì, phố_cổ: the compound lane ranks as for the accented query).
            read = _replaced(node.text, {f.typed: f.reading for f in found if f.how != "suggestion"})
            again = analyze(read)
            if [t.folded for t in again] == [t.folded for t in tokens]:
                tokens = again
            # Decoded syllables are meant as typed; unaccented words beside them still match in
            # any reading (the leaf is then matched folded, ranked by the decoded spellings).
            loose = not node.exact and any(t.exact == t.folded and could_be_syllable(t.folded) for t in tokens)
            return Leaf(read, tuple(tokens), node.field, node.phrase,
                        restored=loose and any(f.how == "keyboard" for f in found))
        if isinstance(node, (AnyNode, AllNode)):
            return type(node)(tuple(walk(n) for n in node.nodes))
        return node  # exclusions are left as typed

    tree = walk(aq.tree)
    if not fixes:
        return aq
    read_as = _replaced(aq.text, {f.typed: f.reading for f in fixes if f.how == "keyboard"})
    suggestion = _replaced(aq.text, {f.typed: f.reading for f in fixes})
    added = ()
    if short and isinstance(tree, Leaf) and any(f.how == "suggestion" for f in fixes):
        # a word that finds almost nothing: what its correction finds follows, ranked below
        tokens = list(tree.tokens)
        for f in fixes:
            if f.how == "suggestion":
                tokens[f.index] = tokens[f.index]._replace(exact=f.reading, folded=fold(f.reading))
        alternative = replace(tree, text=" ".join(t.exact for t in tokens), tokens=tuple(tokens))
        tree, added = AnyNode((tree, alternative)), (alternative,)
    return replace(aq, tree=tree, read_as=read_as if read_as != aq.text else None,
                   suggestion=suggestion if any(f.how != "keyboard" for f in fixes) else None,
                   synonyms=aq.synonyms + added)


def _replaced(query: str, readings: dict[str, str]) -> str:
    """``query`` with each word whose analysed form is a key of ``readings`` replaced."""
    if not readings:
        return query
    return _WORD.sub(lambda m: readings.get(normalize(m.group()).lower(), m.group()), query)
