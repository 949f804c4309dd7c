"""Query syntax → a small tree of plain records. Pure: no Whoosh, no analysis.

    hộ tịch   hộ AND tịch   +hộ tịch    every word (AND is the default; + marks a word required)
    "đấu giá tài sản"       a phrase: the words adjacent and in order (punctuation between ignored)
    -bão   NOT bão  -"cơn bão"   exclude a word or a phrase
    hộ OR hoà               either
    title:hội  title:"hội nghị"   in the article title
    source:dantri  topic:"thể thao"   the article's source or topic name
    ( ... )                 grouping

AND (written or implicit) between clauses; OR binds tighter than it ("a b OR c" is a AND (b OR
c)). Operators are upper case (and, or, not are words). Anything malformed (unbalanced quotes
or parentheses, a lone operator) is read as plain words with the operators left out, never an
error. A query of only exclusions parses (``Not`` nodes); the search side says it has nothing
to find.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FIELDS = ("title", "source", "topic")
OPERATORS = ("OR", "AND", "NOT")


@dataclass(frozen=True)
class Words:
    """Plain words, each required (in ``field`` when given: title, source, topic)."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class Phrase:
    """Quoted words, adjacent and in order (in ``field`` when given)."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class Not:
    """An exclusion: what ``node`` matches is left out."""

    node: "Node"


@dataclass(frozen=True)
class AnyOf:
    """Either of ``nodes`` (OR)."""

    nodes: tuple["Node", ...]


@dataclass(frozen=True)
class AllOf:
    """Every one of ``nodes`` (AND, written or implicit)."""

    nodes: tuple["Node", ...]


Node = Words | Phrase | Not | AnyOf | AllOf

_LEX = re.compile(
    r"""(?P<space>\s+)
      | (?P<lparen>\()
      | (?P<rparen>\))
      | (?P<neg>-(?=[^\s()-]))
      | (?P<plus>\+(?=[^\s()+]))
      | (?P<field>(?:%s):(?=[^\s()]))
      | (?P<phrase>"[^"]*")
      | (?P<quote>")
      | (?P<word>[^\s()"]+)
    """ % "|".join(FIELDS),
    re.VERBOSE,
)


class _Malformed(Exception):
    pass


def _lex(text: str) -> list[tuple[str, str]]:
    tokens = []
    for m in _LEX.finditer(text):
        kind = m.lastgroup
        if kind == "space":
            continue
        if kind == "quote":
            raise _Malformed
        value = m.group(kind)
        if kind == "word" and value in _DROPPED - set(OPERATORS):  # "title:" with nothing after
            raise _Malformed
        if kind == "word" and value in OPERATORS:
            kind = value.lower()
        tokens.append((kind, value))
    return tokens


class _Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.i = 0

    def peek(self):
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def take(self):
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def sequence(self, closing: str | None) -> Node:
        clauses: list[Node] = []
        words: list[str] = []  # consecutive plain words form one Words clause

        def flush():
            if words:
                clauses.append(Words(" ".join(words)))
                words.clear()

        while self.peek() not in (None, closing):
            if self.peek() == "and":  # the implicit AND, written out: between two clauses only
                self.take()
                if not clauses and not words or self.peek() in (None, closing, "and", "or"):
                    raise _Malformed
                continue
            node = self.disjunction()
            if isinstance(node, Words) and node.field is None:
                words.append(node.text)
            else:
                flush()
                clauses.append(node)
        flush()
        if not clauses:
            raise _Malformed
        return clauses[0] if len(clauses) == 1 else AllOf(tuple(clauses))

    def disjunction(self) -> Node:
        nodes = [self.unary()]
        while self.peek() == "or":
            self.take()
            if self.peek() in (None, "rparen", "or", "and"):
                raise _Malformed
            nodes.append(self.unary())
        return nodes[0] if len(nodes) == 1 else AnyOf(tuple(nodes))

    def unary(self) -> Node:
        if self.peek() in ("neg", "not"):
            self.take()
            return Not(self.primary())
        if self.peek() == "plus":  # required: every word already is
            self.take()
        return self.primary()

    def primary(self) -> Node:
        kind, value = self.take() if self.peek() else (None, None)
        if kind == "lparen":
            node = self.sequence("rparen")
            if self.peek() != "rparen":
                raise _Malformed
            self.take()
            return node
        field = None
        if kind == "field":
            field = value[:-1]
            kind, value = self.take() if self.peek() else (None, None)
        if kind == "phrase":
            inner = value[1:-1].strip()
            if not inner:
                raise _Malformed
            return Phrase(inner, field)
        if kind == "word":
            return Words(value, field)
        raise _Malformed


_SYNTAX_CHARS = re.compile(r'["()]')
_DROPPED = set(OPERATORS) | {f + ":" for f in FIELDS}


def plain(text: str) -> Node:
    """The query read as plain words: syntax characters and lone operators dropped."""
    return Words(" ".join(w for w in _SYNTAX_CHARS.sub(" ", text).split() if w not in _DROPPED))


def parse(text: str) -> Node:
    """Parse query syntax; malformed input falls back to ``plain``."""
    try:
        tokens = _lex(text)
        if not tokens:
            return Words("")
        parser = _Parser(tokens)
        node = parser.sequence(None)
        if parser.i != len(tokens):
            raise _Malformed
        return node
    except _Malformed:
        return plain(text)
