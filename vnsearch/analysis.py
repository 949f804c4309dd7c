"""The one analysis chain, for documents and queries alike, in Whoosh's tokenizer | filter style.

    VietnameseTokenizer()                         NFC, canonical tones, pyvi segmentation: syllables
      | LowercaseFilter()                         → EXACT: "hộ", "tịch"  (accent-exact lane)
      | LowercaseFilter() | FoldFilter()          → FOLDED: "ho", "tich" (diacritic-free lane)
      | LowercaseFilter() | CompoundFilter()      → WORDS: "hộ_tịch"     (pyvi words of 2+ syllables)
        | ReadingFilter()                         → READINGS: "ho_tich|hộ_tịch" (as indexed: scored
                                                  as the word, looked up by prefix to restore accents)

Segmentation runs before lowercasing, as pyvi needs the capitals ("châu Âu"). Every token
carries its position among the text's words, punctuation not counted: a phrase matches across
a comma, a bracket or a quote ("Từ Sơn (Bắc Ninh)" holds "Từ Sơn Bắc Ninh"), as in Lucene,
Elasticsearch and FTS5.

For the search side this module also makes, alone:
- ``analyze``: the chain as plain records (``QueryToken``) for any query text;
- ``analyze_query``: a parsed query tree with every leaf analysed once (``Leaf``): its exact,
  folded and compound forms, and whether it is matched in its exact spelling;
- ``text_tokens``: the one tokenization of a stored paragraph or title (character spans and
  forms, positions as the index counts them) that phrase checks, proximity and highlighting
  share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from whoosh.analysis import Filter, LowercaseFilter, Token, Tokenizer

from . import text
from . import segment
from .variants import joins, variants_at


def _is_word(piece_text: str) -> bool:
    return piece_text[0].isalnum() or piece_text[0] == "_"


@lru_cache(maxsize=256)
def _pieces(value: str):
    """Normalized and segmented ``value``, remembered: the five text fields of a paragraph
    document (and a title shared by all paragraphs of an article) are analyzed from the same
    strings, and normalization and the CRF run once for all of them."""
    return segment.segment_cached(_normalized(value))


# ``text.normalize`` of the values being analyzed: segmentation and the runs of words read it
_normalized = lru_cache(maxsize=256)(text.normalize)


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
        pieces, runs = _analysed(value)
        pos = -1
        gap = False
        word = -1
        starts: dict[int, tuple[int, int]] = {}  # word index → (position, start char)
        for piece in pieces:
            if not _is_word(piece.text):
                gap = pos >= 0  # punctuation takes no position: phrases match across it
                continue
            pos += 1
            word += 1
            t.gap = gap  # punctuation before it (accent restoration does not look across)
            gap = False
            t.text = _word(piece.text)
            t.joined = piece.joined
            t.variant = False
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = t.text
            t.pos = start_pos + pos  # always: CompoundFilter needs it, even unrequested
            if chars:
                t.startchar = start_char + piece.start
                t.endchar = start_char + piece.start + len(t.text)
            starts[word] = (t.pos, piece.start)
            yield t
            if word in runs:  # the run of words ending here is one word: that word too
                first, form = runs[word]
                t.text = form
                t.variant = True
                t.width = word - first + 1
                t.joined = t.gap = False
                t.pos, first_char = starts[first]
                if keeporiginal:
                    t.original = form
                if chars:
                    t.startchar = start_char + first_char
                yield t


def _word(piece_text: str) -> str:
    """A word piece as a word: an abbreviation's dot left out ("TP." is TP, as in "TP HCM")."""
    return (piece_text.rstrip(".") or piece_text) if piece_text[-1] == "." else piece_text


@lru_cache(maxsize=256)
def _analysed(value: str):
    """(``_pieces(value)``, the runs of its words that are one word: index of the run's last
    word → (index of its first, the joined word)), see ``variants``."""
    pieces = _pieces(value)
    words = []
    for p in pieces:
        if _is_word(p.text):
            w = _word(p.text)
            words.append((w, p.start, p.start + len(w)))
    runs = {j: (i, form) for i, j, form in joins(words, _normalized(value))} if len(words) > 1 else {}
    return pieces, runs


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
            if t.variant:  # a run joined (covid19): no syllable of pyvi's words
                continue
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


def lane_terms(analyzer, value: str) -> list[tuple[str, int, bool]] | None:
    """The (term, position, joined run) tokens ``analyzer`` (EXACT, FOLDED, WORDS or READINGS)
    makes of ``value``, computed from the segmentation directly instead of through Whoosh's
    token stream (issue 15: the stream of Token objects was a third of a build); None for any
    other analyzer. ``joined run`` marks the extra token of a run of words that is one word
    ("covid19" for "covid-19"), the token's ``variant``: it stands for words already counted,
    so it adds nothing to the field's length (``schema.LaneText``). ``tests/test_analysis.py``
    checks it against the analyzers themselves."""
    kind = _lane_kind(analyzer)
    if kind is None:
        return None
    syllables, exact = _lane_syllables(value)
    if kind == "exact":
        return list(exact)
    if kind == "folded":
        return [(_fold_token(term), pos, run) for term, pos, run in exact]
    words = group_words(syllables)
    if kind == "words":
        return [(word, pos, False) for word, pos in words]
    return [(_fold_token(word) + READING_SEPARATOR + word, pos, False) for word, pos in words]


@lru_cache(maxsize=64)
def _lane_syllables(value: str) -> tuple[list[tuple[str, int, bool]], list[tuple[str, int, bool]]]:
    """(the (lowercase syllable, position, joined) of each word of ``value``, the exact lane's
    tokens), remembered: a paragraph's three lanes (a title's two) start from them."""
    # positions count words only, as VietnameseTokenizer numbers them (punctuation takes none)
    pieces, runs = _analysed(value)
    syllables = [(_word(piece.text).lower(), pos, piece.joined)
                 for pos, piece in enumerate([piece for piece in pieces if _is_word(piece.text)])]
    if not runs:
        return syllables, [(syl, pos, False) for syl, pos, _ in syllables]
    exact = []
    for syl, pos, _ in syllables:
        exact.append((syl, pos, False))
        if pos in runs:  # the run ending here is one word (covid19): at its first word
            first, form = runs[pos]
            exact.append((form, first, True))
    return syllables, exact


_LANES = {id(EXACT): "exact", id(FOLDED): "folded", id(WORDS): "words", id(READINGS): "readings"}
_LANE_ANALYZERS = ((EXACT, "exact"), (FOLDED, "folded"), (WORDS, "words"), (READINGS, "readings"))
_KNOWN: dict[int, tuple[object, str | None]] = {}  # id → (analyzer, its lane), for copies


def _lane_kind(analyzer) -> str | None:
    """Which lane ``analyzer`` is: one of the four above, or an equal copy of one. A schema read
    from an index's table of contents holds unpickled copies (a writer opened on an existing
    index, every worker of the parallel writer): recognized by Whoosh's analyzer equality
    (same classes, same settings) and remembered by id (issue 15: the workers of every
    parallel build took Whoosh's token streams, the slow path, for not being the originals)."""
    kind = _LANES.get(id(analyzer))
    if kind is not None:
        return kind
    known = _KNOWN.get(id(analyzer))
    if known is not None and known[0] is analyzer:
        return known[1]
    kind = next((k for lane, k in _LANE_ANALYZERS if analyzer == lane), None)
    _KNOWN[id(analyzer)] = (analyzer, kind)  # the analyzer is kept: its id is not reused
    return kind


class QueryToken(NamedTuple):
    """A syllable of a query as the index sees it in each lane. (A named tuple, as the other
    records a query makes by the dozen: immutable, and defined at import for a tenth of what a
    frozen dataclass costs Python 3.11, which compiles each of its methods.)"""

    exact: str  # lowercase, NFC, canonical tone placement
    folded: str  # diacritics removed
    pos: int
    joined: bool  # pyvi joined it to the previous syllable
    gap: bool = False  # punctuation between it and the previous syllable
    # this word starts a run of words that is one word ("covid-19"): (the run joined, exact:
    # "covid19"; how many words it spans). Matched as that word; ranked by its words.
    variant: tuple[str, int] | None = None


def analyze(value: str) -> list[QueryToken]:
    """The analysis chain as plain records: what the lanes of the index hold for ``value``.
    The first word of a run that is one word ("covid-19", "TP HCM", see ``variants``) carries
    the run joined ("covid19", "tphcm"): a match holds that word, so every way of writing it
    is one query (``Leaf.match_forms``)."""
    out: list[QueryToken] = []
    for t in EXACT(value, positions=True):
        if t.variant:
            out[-t.width] = out[-t.width]._replace(variant=(t.text, t.width))
        else:
            out.append(QueryToken(t.text, text.fold(t.text), t.pos, t.joined, t.gap))
    return out


def compounds(tokens: list[QueryToken]) -> list[str]:
    """pyvi's multi-syllable words among analyzed tokens, as the WORDS lane spells them."""
    return [w for w, _ in group_words([(t.exact, t.pos, t.joined) for t in tokens])]


# --------------------------------------------------------------------------- the search side


class TextToken(NamedTuple):
    """A word of a stored paragraph or title: its character span and its forms. Its position
    is its index in ``text_tokens``, as the index counts positions. (A named tuple: made for
    every word of every paragraph shown, it costs half what a frozen dataclass does.)"""

    start: int
    end: int
    exact: str
    folded: str


@lru_cache(maxsize=4096)
def text_tokens(passage: str) -> tuple[TextToken, ...]:
    """The one tokenization of stored text for the search side: pyvi's syllables (as the
    index has them: "1.528" is one word), punctuation left out, each in the index's exact
    (normalized, lowercase) and folded forms. Spans refer to ``passage`` when it is NFC (stored
    text always is), else to its NFC form. No CRF: segmentation into words does not change
    syllables, and normalization (tone placement) stays within a syllable. Runs over the
    paragraphs shown (highlighting) and phrase candidates, a piece between spaces at a time
    (``_piece_words``: no token holds a space, so a text's tokens are its pieces' tokens)."""
    return tuple(map(TextToken, *text_columns(passage)))


def text_columns(passage: str) -> tuple[list[int], list[int], list[str], list[str]]:
    """``text_tokens(passage)`` as four lists (starts, ends, exact forms, folded forms), one
    item a word, without a ``TextToken`` a word: what highlighting reads of the ten hits shown
    (making the named tuples was a third of the tokenizing). Not cached: ``text_tokens`` is."""
    starts, ends, exacts, foldeds = [], [], [], []
    offset = 0
    pieces = text.nfc(passage).split(" ")
    for piece, (exact, folded) in zip(pieces, _piece_lines(pieces)):
        if piece.isalpha():  # one word: its lines are its forms
            starts.append(offset)
            ends.append(offset + len(piece))
            exacts.append(exact)
            foldeds.append(folded)
        else:
            for start, end, exact, folded in _piece_words(piece):
                starts.append(offset + start)
                ends.append(offset + end)
                exacts.append(exact)
                foldeds.append(folded)
        offset += len(piece) + 1
    return starts, ends, exacts, foldeds


@lru_cache(maxsize=4096)
def text_lines(passage: str) -> tuple[str, str]:
    """The exact and folded forms of ``text_tokens(passage)``, in order, each joined by single
    spaces with a space before the first and after the last (" hộ tịch " / " ho tich "): the
    query's words are adjacent in the passage exactly when " hộ tịch " is in the line, since no
    form holds a space (pyvi's tokens hold none: ``\\w``, ``[^\\w\\s]``, URLs of ``[^\\s]``;
    normalizing, lowercasing and folding add none). What proximity and phrases ask of every
    candidate paragraph: each piece's words already joined (``_piece_lines``), no spans, no
    ``TextToken`` a word (27 µs → 12 µs a dantri paragraph, 48 → 30 µs one of 400 characters
    or more)."""
    exacts, foldeds = zip(*_piece_lines(text.nfc(passage).split(" ")))
    return " " + " ".join(filter(None, exacts)) + " ", " " + " ".join(filter(None, foldeds)) + " "


def line_needle(forms) -> str | None:
    """``forms`` in a row as they stand in a ``text_lines`` line (" hộ tịch "): found there
    exactly where the passage has them as consecutive words. None when one of them is empty or
    holds a space: no word of any text is, so the row is never found."""
    if not all(form and " " not in form for form in forms):
        return None
    return " " + " ".join(forms) + " "


@lru_cache(maxsize=100_000)
def _piece_words(piece: str) -> tuple[tuple[int, int, str, str], ...]:
    """The words of a piece of NFC text between spaces: (start, end, exact form, folded form)
    within it, as ``text_tokens`` gives them, the tokens pyvi's pattern finds there
    (``segment.syllabize``: a piece of letters alone is one word). Pieces repeat from text to
    text ("vàng.", "(TP.HCM)"), each read once. A token starts where it is first found after the
    previous one: pyvi's pattern matches every character but white space other than a newline,
    and no token starts with such white space, so nothing lies between two tokens where a token
    could be found."""
    if piece.isalpha():
        length, exact, folded = _token_forms(piece)
        return ((0, length, exact, folded),)
    out = []
    end = 0
    for token in segment.syllable_strings(piece):
        start = piece.find(token, end)
        end = start + len(token)
        forms = _token_forms(token)
        if forms is not None:
            out.append((start, start + forms[0], forms[1], forms[2]))
    return tuple(out)


# Piece → the exact and the folded forms of its words, each joined by spaces: every piece a
# text has shown, kept for the process (pieces repeat from text to text); emptied when full.
_LINES: dict[str, tuple[str, str]] = {}
_LINES_MAX = 100_000


def _piece_lines(pieces: list[str]) -> list[tuple[str, str]]:
    """The exact and the folded forms of each piece's words (``_piece_words``), joined by
    spaces. The pieces not kept yet that are letters alone (most of a new text's: one word
    each) are normalized, lowercased and folded together, as one text split back at its
    spaces: each step changes a word within itself (tone marks move within a syllable; NFC,
    lowercasing and folding act on a letter and the marks on it). For a paragraph of new words
    (a cold query's candidates) that is a quarter less than a word at a time; the forms are
    each word's own (``tests/test_analysis.py``)."""
    lines = list(map(_LINES.get, pieces))
    if None not in lines:
        return lines
    new = list(dict.fromkeys(p for p, found in zip(pieces, lines) if found is None))
    made = _words_together([p for p in new if p.isalpha()])
    for piece in new:
        if piece not in made:
            words = _piece_words(piece)
            made[piece] = " ".join([w[2] for w in words]), " ".join([w[3] for w in words])
    if len(_LINES) + len(made) > _LINES_MAX:
        _LINES.clear()
    _LINES.update(made)
    return [found if found is not None else made[p] for p, found in zip(pieces, lines)]


def _words_together(words: list[str]) -> dict[str, tuple[str, str]]:
    """Word → (exact form, folded form), ``_word_forms``' for each of ``words`` (letters
    alone), made for all of them at once."""
    if not words:
        return {}
    exact = text.normalize(" ".join(words)).lower()
    exacts, foldeds = exact.split(" "), text.fold(exact).split(" ")
    if len(exacts) == len(foldeds) == len(words):
        return dict(zip(words, zip(exacts, foldeds)))
    return {word: _word_forms(word) for word in words}  # a step that would not keep them apart


@lru_cache(maxsize=200_000)
def _token_forms(token: str) -> tuple[int, str, str] | None:
    """A syllabized token as a word: (its length without an abbreviation's dot, its exact and
    folded forms); None for punctuation."""
    if not _is_word(token):
        return None
    word = _word(token)
    return (len(word), *_word_forms(word))


@lru_cache(maxsize=4096)
def text_variants(passage: str) -> dict[int, tuple[str, int]]:
    """Index in ``text_tokens(passage)`` → (the run of words starting there that is one word,
    joined; how many words it spans), as the index holds them (``variants``)."""
    words = text_tokens(passage)
    if len(words) < 2:
        return {}
    source = text.nfc(passage)  # what the spans refer to
    return variants_at([(source[w.start:w.end], w.start, w.end) for w in words], source)


@lru_cache(maxsize=200_000)
def _word_forms(word: str) -> tuple[str, str]:
    exact = text.normalize(word).lower()
    return exact, text.fold(exact)


TEXT_FIELDS = (None, "title")  # leaves that are words to find; "source:"/"topic:" name metadata


@dataclass(frozen=True)
class Leaf:
    """One leaf of a query, analysed once: a run of plain words or a quoted phrase, in the
    paragraph text (``field`` None), the title, or a metadata name (source, topic).

    ``exact``: the leaf is matched in its typed spelling (it was typed with at least one
    diacritic: "giá xăng" needs giá and xăng, either tone-mark style, any case); otherwise in
    any reading ("gia xang"). Decided here and nowhere else."""

    text: str
    tokens: tuple[QueryToken, ...]
    field: str | None = None
    phrase: bool = False
    restored: bool = False  # diacritics put back by ``restore``: ranked so, matched in any reading

    @property
    def exact(self) -> bool:
        return not self.restored and any(t.exact != t.folded for t in self.tokens)

    @property
    def accented(self) -> bool:
        """Has accented forms to rank in the exact lanes (typed or restored)."""
        return any(t.exact != t.folded for t in self.tokens)

    @property
    def is_text(self) -> bool:
        return self.field in TEXT_FIELDS

    @property
    def is_phrase(self) -> bool:
        return self.phrase and len(self.tokens) > 1

    def match_forms(self) -> list[str]:
        """The terms a match must hold: exact syllables when typed with diacritics, else
        folded; in order, repeats kept (a phrase). A run of words that is one word is that
        word ("covid 19" holds covid19, written covid-19, covid19 or covid 19)."""
        out = []
        skip = 0
        for t in self.tokens:
            if skip:
                skip -= 1
            elif t.variant:
                form, width = t.variant
                out.append(form if self.exact else text.fold(form))
                skip = width - 1
            else:
                out.append(t.exact if self.exact else t.folded)
        return out


    def exact_forms(self) -> list[str]:
        """Syllables for the accent-exact ranking lanes: all when typed with diacritics, only
        the accented ones when restored."""
        return list(dict.fromkeys(t.exact for t in self.tokens if not self.restored or t.exact != t.folded))

    def compounds(self) -> list[str]:
        return list(dict.fromkeys(compounds(list(self.tokens))))


@dataclass(frozen=True)
class NotNode:
    """``query.Not`` analysed: what ``node`` matches is left out."""

    node: "QNode"


@dataclass(frozen=True)
class AnyNode:
    """Either of ``nodes``: ``query.AnyOf`` analysed, a leaf with its synonyms, a query with
    how it was read (``interpret``)."""

    nodes: tuple["QNode", ...]


@dataclass(frozen=True)
class AllNode:
    """``query.AllOf`` analysed: every one of ``nodes``."""

    nodes: tuple["QNode", ...]


QNode = Leaf | NotNode | AnyNode | AllNode


# A request for an answer, on folded lowercase text (typed with or without diacritics): a
# query that opens with a verb of telling ("Liệt kê…", "Mô tả…", "Điền vào chỗ trống…"), or
# "hãy" before one anywhere ("Theo Bộ luật dân sự 2015, hãy mô tả…"). Not bare "nêu" or "giải
# thích" at the start (news: "Nêu gương…", "Giải thích rằng…"), nor "cho biết" after a comma
# (news's "said": "Ông X, Chủ tịch HĐQT, cho biết…").
REQUEST = re.compile(
    r"^\W*(?:mo ta|liet ke|trinh bay|ke ten|cho biet|dien vao)(?!\w)"
    r"|(?<!\w)hay\s+(?:mo ta|liet ke|trinh bay|giai thich|ke ten|neu|cho biet|dien vao)(?!\w)"
)


@dataclass(frozen=True)
class AnalysedQuery:
    """A query as the search side uses it: the text shown back, the tree with analysed
    leaves (None: nothing left after analysis), and the reading restored from an unaccented
    query, if any (``restored`` leaves rank; the typed ones still decide what matches)."""

    text: str
    tree: QNode | None
    restored: tuple[Leaf, ...] = ()
    # the reading came from the top articles (``restore.read_by_feedback``): whole articles rank by it too
    whole_reading: bool = False
    read_as: str | None = None  # the query with words typed in Telex/VNI decoded ("hộ tịch")
    suggestion: str | None = None  # the query with its typos corrected ("covid")
    # what synonyms or a suggested correction add: alternatives in the tree, ranked apart and
    # after the words typed
    synonyms: tuple["QNode", ...] = ()

    @property
    def is_question(self) -> bool:
        """The query asks for an answer: it ends with a question mark (closing quotes or
        brackets aside), or it is a request for one (``REQUEST``: "Liệt kê…", "…, hãy mô tả…").
        By article, a question is ranked for the passage that answers it, anything else for
        the article about it (``ranking.ArticleLanes``)."""
        if self.text.rstrip(" \t\n\"'”’»)]}").endswith(("?", "？")):
            return True
        return REQUEST.search(text.fold(text.nfc(self.text)).lower()) is not None

    def leaves(self, positive: bool = True) -> list[Leaf]:
        """The leaves outside (positive) or inside (not positive) an exclusion, in order."""
        out: list[Leaf] = []

        def walk(node, negated):
            if isinstance(node, Leaf):
                if negated != positive:
                    out.append(node)
            elif isinstance(node, NotNode):
                walk(node.node, not negated)
            elif node is not None:
                for n in node.nodes:
                    walk(n, negated)

        walk(self.tree, False)
        return out

    def ranked_leaves(self) -> list[Leaf]:
        """The runs of words that score: the restored reading, or the positive text leaves
        (a synonym's leaves rank apart: ``synonym_leaves``)."""
        added = set(self.synonym_leaves())
        return list(self.restored) or [leaf for leaf in self.leaves() if leaf.is_text and leaf not in added]

    def synonym_leaves(self) -> list[Leaf]:
        return [leaf for leaf in AnalysedQuery("", AnyNode(self.synonyms)).leaves() if leaf.is_text] if self.synonyms else []

    @property
    def findable(self) -> bool:
        """Has something to find: a positive leaf (words, a phrase, or a source/topic name)."""
        return bool(self.leaves())

    @property
    def plain(self) -> bool:
        """Plain words only: no operators, phrases or fields (accent restoration applies)."""
        return isinstance(self.tree, Leaf) and self.tree.field is None and not self.tree.phrase


def analyze_query(node, shown: str = "") -> AnalysedQuery:
    """Analyse every leaf of a parsed query tree (``query.parse``) once. Leaves whose text
    holds no word (a lone comma) drop out; so do operators left with nothing."""
    from . import query as qs

    def build(n):
        if isinstance(n, (qs.Words, qs.Phrase)):
            field = n.field
            if field not in TEXT_FIELDS:  # a name, matched as a whole: no analysis
                return Leaf(n.text, (), field, isinstance(n, qs.Phrase)) if n.text.strip() else None
            tokens = tuple(analyze(n.text))
            return Leaf(n.text, tokens, field, isinstance(n, qs.Phrase)) if tokens else None
        if isinstance(n, qs.Not):
            inner = build(n.node)
            return NotNode(inner) if inner is not None else None
        if isinstance(n, (qs.AnyOf, qs.AllOf)):
            nodes = tuple(b for b in (build(c) for c in n.nodes) if b is not None)
            if not nodes:
                return None
            if len(nodes) == 1:
                return nodes[0]
            return AnyNode(nodes) if isinstance(n, qs.AnyOf) else AllNode(nodes)
        return None

    return AnalysedQuery(shown, build(node))
