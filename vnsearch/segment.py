"""Vietnamese word segmentation: pyvi's model and rules, without pyvi's import cost.

``pyvi.ViTokenizer`` imports scikit-learn (about a second) only to unpickle a
``sklearn_crfsuite.CRF`` that wraps a CRFsuite model. This module reads the CRFsuite model
bytes out of pyvi's shipped pickle with a restricted unpickler (no scikit-learn, no numpy)
and tags with ``pycrfsuite`` directly. The syllabization regex, the CRF features and the
joining rules are pyvi 0.1.1's (MIT licence), so the output is the same as
``ViTokenizer.tokenize``; ``tests/test_segment.py`` compares both on real text.

A build segments its documents in batches (``segment_many_raw``): the same features
and the same labels, the features summed from each distinct token's weights and Viterbi run
for all texts at once in numpy (``batchtag.py``, ``crf.py``) instead of a CRFsuite call a text.
"""

from __future__ import annotations

import codecs
import importlib.util
import os
import pickle
import re
import threading
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

from .errors import VnsearchError

# pyvi's sylabelize() pattern, in its order: abbreviations, specials, web, email, numbers,
# punctuation, words.
_ABBREVIATIONS = [r"[A-ZĐ]+\.", r"Tp\.", r"Mr\.", r"Mrs\.", r"Ms\.", r"Dr\.", r"ThS\."]
_SPECIALS = [r"==>", r"->", r"\.\.\.", r">>", "\n"]
_WEB = r"\w+://[^\s]+"
_EMAIL = r"([a-zA-Z0-9_.+-]+@([a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+)"
_DIGIT = r"\d+([\.,_]\d+)+"
_PATTERN = "(" + "|".join(_ABBREVIATIONS + _SPECIALS + [_WEB, _EMAIL, _DIGIT, r"[^\w\s]", r"\w+"]) + ")"
# The same alternatives with no group inside (``findall`` then returns the tokens themselves,
# without a match object per token): the groups of _EMAIL and _DIGIT only group, nothing
# refers back to them, so both patterns match the same text at the same places.
_FLAT_PATTERN = re.compile(
    "|".join(_ABBREVIATIONS + _SPECIALS + [_WEB, _EMAIL.replace("(", "(?:"), _DIGIT.replace("(", "(?:"),
                                             r"[^\w\s]", r"\w+"]),
    re.UNICODE,
)
_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")  # string.punctuation, as pyvi uses it
_TOKEN = itemgetter(0)  # of a (token, start, end) triple


class Piece(NamedTuple):
    """One pyvi token: its text, its span in the input, and whether it continues a word. A
    named tuple: a build makes one for every token (dantri: 2.2 M), and a frozen dataclass's
    ``__init__`` (one ``object.__setattr__`` a field) was a third of segmenting a batch."""

    text: str
    start: int
    end: int
    joined: bool  # True when this piece is joined to the previous one ("tịch" in "hộ_tịch")


class _Model:
    """pyvi's dictionary and its CRF tagger, loaded once (by the first text of more than one
    syllable that could join: ``segment``)."""

    def __init__(self) -> None:
        spec = importlib.util.find_spec("pyvi")
        if spec is None or not spec.submodule_search_locations:
            raise VnsearchError("pyvi is not installed: run `pip install pyvi`")
        models = os.path.join(list(spec.submodule_search_locations)[0], "models")
        # pyvi keeps the 2- and 3-syllable entries in two sets; the lines of the file answer
        # the same: a key of two syllables ("a b") has one space, so it can only equal a line
        # of two, and of three only a line of three (syllables hold no space, and a key with
        # the "\n" token equals no line).
        with open(os.path.join(models, "words.txt"), "rb") as fin:
            data = fin.read()
        if b"\r" in data:  # as a text file is read: any line ending is "\n"
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        self._data = data  # searched as UTF-8 (``_Lines``): a query decodes none of it
        self._text: str | None = None
        self._search = _Lines(data)
        self._set: frozenset[str] | None = None
        import pycrfsuite  # a few ms, unlike sklearn_crfsuite

        # CRFsuite reads the model in place: the bytes must live as long as the tagger.
        self._model_bytes = _crfsuite_bytes(os.path.join(models, "pyvi3.pkl"))
        self.tagger = pycrfsuite.Tagger()
        self.tagger.open_inmemory(self._model_bytes)
        self._batch = None  # batchtag.BatchTagger, made by the first large batch
        self.alone = 0  # characters segment_many_raw segmented a text at a time (BATCH_MIN_CHARS)

    @property
    def _lines(self) -> str:
        """The dictionary's text, decoded on first use (a build's set of lines, its tagger)."""
        if self._text is None:
            self._text = self._data.decode("utf-8")
        return self._text

    def batch(self):
        """The tagger of ``segment_many_raw`` (``batchtag.BatchTagger``), made once."""
        if self._batch is None:
            from .batchtag import BatchTagger

            self._batch = BatchTagger(self._model_bytes, self._lines)
        return self._batch

    def words(self, tokens: int):
        """pyvi's dictionary, for the features of a text of ``tokens`` tokens: a few lookups
        (a query) search the file's text, about 0.1 ms each; more (a document), or a process
        that has searched it ``SEARCH_MAX_LOOKUPS`` times (one answering many queries), use
        the set of its lines, built once (5 to 10 ms). The answers are the same."""
        if self._set is None and (tokens > SEARCH_MAX_TOKENS or self._search.lookups >= SEARCH_MAX_LOOKUPS):
            self._set = frozenset(self._lines.split("\n"))
        return self._set if self._set is not None else self._search


# Up to this many tokens (about four dictionary lookups each), a text's features search the
# dictionary's text instead of building the set of its lines...
SEARCH_MAX_TOKENS = 8
# ...until the process has searched it this many times, about what building the set costs:
# a server or ``vnsearch eval`` answering short queries spent 1 ms a query searching (issue 12)
SEARCH_MAX_LOOKUPS = 64


class _Lines:
    """``key in _Lines(data)``: whether ``key`` is one of the lines of the UTF-8 text ``data``,
    found by searching its bytes (``data.decode().split("\n")`` holds ``key`` exactly when
    the bytes of "\n" + key + "\n" are in b"\n" + data + b"\n" and ``key`` holds no newline:
    UTF-8 is self-synchronizing). Neither decoding the text nor framing it with newlines, which
    copies it: 2 ms of a cold query."""

    __slots__ = ("_data", "lookups")

    def __init__(self, data: bytes):
        self._data = data
        self.lookups = 0  # how often it was searched

    def __contains__(self, key: str) -> bool:
        self.lookups += 1
        if "\n" in key:
            return False
        k = key.encode("utf-8", "surrogatepass")  # a lone surrogate is in no UTF-8 text
        data = self._data
        return (b"\n" + k + b"\n" in data or data.startswith(k + b"\n") or data.endswith(b"\n" + k)
                or data == k)


class _Stub:
    """Stands in for every class in pyvi's pickle; keeps the object's state as attributes."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def __setstate__(self, state) -> None:
        if isinstance(state, dict):
            self.__dict__.update(state)


def _ignore(*args, **kwargs) -> None:
    return None


class _ModelUnpickler(pickle.Unpickler):
    """Resolves nothing but ``_codecs.encode`` (how the pickle stores bytes); every class
    becomes a stub and numpy scalars (the training hyper-parameters) become None."""

    def find_class(self, module: str, name: str):
        if (module, name) == ("_codecs", "encode"):
            return codecs.encode
        if module.startswith("numpy") and name == "scalar":
            return _ignore
        return _Stub


def _crfsuite_bytes(path: str) -> bytes:
    with open(path, "rb") as f:
        crf = _ModelUnpickler(f).load()
    data = getattr(getattr(crf, "modelfile", None), "__dict__", {}).get("__FILE_RESOURCE_DATA__")
    if not isinstance(data, bytes):
        raise VnsearchError(f"unexpected pyvi model format in {path}: reinstall pyvi 0.1.1")
    return data


_model: _Model | None = None
_model_lock = threading.Lock()


def _get_model() -> _Model:
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:
                _model = _Model()
    return _model


def syllabize(text: str) -> list[tuple[str, int, int]]:
    """pyvi's syllabization of NFC text: (token, start, end) for words, numbers, punctuation.

    No token holds a space, so the text is cut at its spaces first; a piece of letters alone
    is one token (every alternative the pattern tries before ``\\w+`` needs a dot, a colon, an
    @, a digit or a symbol), and only the other pieces are searched with the pattern (a quarter
    less time than searching the whole text; ``tests/test_segment.py`` compares both)."""
    out = []
    start = 0
    for piece in text.split(" "):
        if piece.isalpha():
            out.append((piece, start, start + len(piece)))
        elif piece:
            out += [(m.group(), start + m.start(), start + m.end()) for m in _FLAT_PATTERN.finditer(piece)]
        start += len(piece) + 1
    return out


def _pyvi_syllabize(text: str) -> list[tuple[str, int, int]]:
    """``syllabize`` as pyvi does it: the pattern searched over the whole text."""
    return [(m.group(1), m.start(1), m.end(1)) for m in re.finditer(_PATTERN, text)]


def syllable_strings(text: str) -> list[str]:
    """The tokens of ``syllabize``, without their spans, found as it finds them (a piece
    between spaces that is letters alone taken whole: 27 → 16 µs a dantri paragraph)."""
    out = []
    findall = _FLAT_PATTERN.findall
    for piece in text.split(" "):
        if piece.isalpha():
            out.append(piece)
        elif piece:
            out += findall(piece)
    return out


def _features(tokens: list[str], words) -> list[list[str]]:
    """pyvi's word2features for a whole sentence, as CRFsuite attribute names.

    pyvi passes dicts whose string values become ``name:value`` attributes and whose boolean
    values become weights 1.0 or 0.0. A weight of 0.0 adds nothing to any score, so only the
    true ones are listed: the tags are the same, computed with less work. ``words``: pyvi's
    dictionary (``_Model.words``), where its bi_gram and tri_gram features look. The
    attributes come in pyvi's order; each token's own, previous-word and next-word attributes
    are made once per distinct token (``_token_features``), and each pair and triple of words
    is looked up once for the two tokens that ask.
    """
    info = [_TOKEN_FEATURES.get(t) or _token_features(t) for t in tokens]
    lows = [x[0] for x in info]
    n = len(tokens)
    # pair[i]: tokens i-1, i are a dictionary word; triple[i]: tokens i-2, i-1, i
    pair = [False] + [a + " " + b in words for a, b in zip(lows, lows[1:])]
    triple = [False, False] + [a + " " + b + " " + c in words for a, b, c in zip(lows, lows[1:], lows[2:])]
    out = []
    for i in range(n):
        f = ["bias"]
        f += info[i][1]
        if i > 0:
            f += info[i - 1][2]
            if pair[i]:
                f.append("-1:word.bi_gram()")
            if triple[i]:
                f.append("-2:word.tri_gram()")
        if i < n - 1:
            f += info[i + 1][3]
            if pair[i + 1]:
                f.append("+1:word.bi_gram()")
            if i < n - 2 and triple[i + 2]:
                f.append("+2:word.tri_gram()")
        out.append(f)
    return out


# token → (lowercase, its own attributes, as the previous word's, as the next word's)
_TOKEN_FEATURES: dict[str, tuple[str, list[str], list[str], list[str]]] = {}
TOKEN_FEATURES_MAX = 100_000  # distinct tokens remembered (about 350 bytes each; dantri has 24,875)


def _token_features(token: str) -> tuple[str, list[str], list[str], list[str]]:
    low = token.lower()
    upper, title = token.isupper(), token.istitle()
    own = ["word.lower():" + low]
    if upper:
        own.append("word.isupper()")
    if title:
        own.append("word.istitle()")
    if token.isdigit():
        own.append("word.isdigit()")
    before = ["-1:word.lower():" + low]
    after = ["+1:word.lower():" + low]
    if title:
        before.append("-1:word.istitle()")
        after.append("+1:word.istitle()")
    if upper:
        before.append("-1:word.isupper()")
        after.append("+1:word.isupper()")
    if len(_TOKEN_FEATURES) >= TOKEN_FEATURES_MAX:
        _TOKEN_FEATURES.clear()
    info = _TOKEN_FEATURES[token] = (low, own, before, after)
    return info


def _could_join(tokens: list[str]) -> list[bool]:
    """Whether each token may continue the word of the one before, by pyvi's rules: not when
    either is punctuation or starts with a digit, nor a Titlecase token after a lowercase one."""
    return [False] + [
        cur not in _PUNCTUATION
        and prev not in _PUNCTUATION
        and not cur[0].isdigit()
        and not prev[0].isdigit()
        and not (cur[0].istitle() and not prev[0].istitle())
        for prev, cur in zip(tokens, tokens[1:])
    ]


def segment(text: str) -> list[Piece]:
    """Segment NFC text into pyvi tokens, each marked as starting or continuing a word.

    Words are built exactly as ``ViTokenizer.tokenize`` joins them with ``_``: a token tagged
    I_W continues the previous one unless either is punctuation, either starts with a digit, or
    the token is Titlecase after a lowercase one. When those rules leave no token that could
    continue its previous one (one syllable: most one-word queries), the tags cannot change
    anything and the CRF is neither loaded nor run.
    """
    return _pieces(*_segment_raw(text))


def _segment_raw(text: str) -> tuple[list[tuple[str, int, int]], list[bool]]:
    """``segment`` as (the (token, start, end) of ``syllabize``, each token's joined flag)."""
    triples = syllabize(text)
    if not triples:
        return [], []
    tokens = [t for t, _, _ in triples]
    could_join = _could_join(tokens)
    if any(could_join):
        model = _get_model()
        labels = model.tagger.tag(_features(tokens, model.words(len(tokens))))
        joined = [could and label == "I_W" for could, label in zip(could_join, labels)]
    else:
        joined = could_join
    return triples, joined


def _pieces(triples: list[tuple[str, int, int]], joined: list[bool]) -> list[Piece]:
    return [Piece(t, start, end, j) for (t, start, end), j in zip(triples, joined)]


# Until a process has asked ``segment_many_raw`` for this many characters, its batches (an article
# added alone) are segmented a text at a time: making the batch tagger (numpy, the model's
# arrays, pyvi's dictionary as numbers) takes about 110 ms, CRFsuite about 1 ms a paragraph.
# A build passes it within its first batches, and its later batches are tagged together.
BATCH_MIN_CHARS = 100_000


def segment_many(texts: list[str]) -> list[list[Piece]]:
    """``segment`` of each text, the CRF run for all of them at once (``crf.py``): the same
    pieces, for a fraction of the CPU when there are hundreds of texts (a build's batch of
    documents); for a few, ``segment`` is quicker."""
    return [_pieces(triples, joined) for triples, joined in segment_many_raw(texts)]


def segment_many_raw(texts: list[str]) -> list[tuple[list[tuple[str, int, int]], list[bool]]]:
    """``segment_many`` as (triples, joined flags) a text (``_segment_raw``), without making
    the pieces: the bulk writer reads the tokens as numbers (``lanebatch.py``)."""
    model = _get_model()
    if model._batch is None:
        chars = sum(map(len, texts))
        if model.alone + chars < BATCH_MIN_CHARS:
            model.alone += chars
            return [_segment_raw(text) for text in texts]
    triples = [syllabize(text) for text in texts]
    present = [i for i, tr in enumerate(triples) if tr]
    flags = model.batch().joined([list(map(_TOKEN, triples[i])) for i in present])
    joined: list[list[bool]] = [[] for _ in texts]
    start = 0
    for i in present:
        end = start + len(triples[i])
        joined[i] = flags[start:end].tolist()
        start = end
    return list(zip(triples, joined))


@lru_cache(maxsize=256)
def segment_cached(text: str) -> tuple[Piece, ...]:
    """``segment`` remembered for recent inputs: the analyzers of several fields (exact,
    folded, words) all analyze the same paragraph, and the CRF runs once for all of them."""
    return tuple(segment(text))


def forget() -> None:
    """Forget every text segmented before."""
    segment_cached.cache_clear()


def tokenize(text: str) -> str:
    """The ``ViTokenizer.tokenize`` string form: syllables of a word joined by ``_``."""
    out: list[str] = []
    for piece in segment(text):
        if piece.joined and out:
            out[-1] += "_" + piece.text
        else:
            out.append(piece.text)
    return " ".join(out)
