"""Query syntax → a small tree of plain records. Pure: no Whoosh, no analysis.

    hộ tịch                 plain words (ranked: all words and adjacency first)
    "đấu giá tài sản"       exact phrase (diacritic-insensitive, exact diacritics ranked first)
    -bão   -"cơn bão"       exclude a word or a phrase
    hộ OR hoà               either
    title:hội  title:"hội nghị"   only in the article title
    ( ... )                 grouping

Implicit AND between clauses; OR binds tighter than it ("a b OR c" is a AND (b OR c)).
Anything malformed (unbalanced quotes or parentheses, a lone operator, a clause of only
exclusions) is read as plain words, never an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FIELDS = ("title",)


@dataclass(frozen=True)
class Words:
    text: str
    field: str | None = None


@dataclass(frozen=True)
class Phrase:
    text: str
    field: str | None = None


@dataclass(frozen=True)
class Not:
    node: "Node"


@dataclass(frozen=True)
class AnyOf:
    nodes: tuple["Node", ...]


@dataclass(frozen=True)
class AllOf:
    nodes: tuple["Node", ...]


Node = Words | Phrase | Not | AnyOf | AllOf

_LEX = re.compile(
    r"""(?P<space>\s+)
      | (?P<lparen>\()
      | (?P<rparen>\))
      | (?P<neg>-(?=[^\s()-]))
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
        if kind == "word" and value == "OR":
            kind = "or"
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
            node = self.disjunction()
            if isinstance(node, Words) and node.field is None:
                words.append(node.text)
            else:
                flush()
                clauses.append(node)
        flush()
        if not clauses:
            raise _Malformed
        if all(isinstance(c, Not) for c in clauses):
            raise _Malformed
        return clauses[0] if len(clauses) == 1 else AllOf(tuple(clauses))

    def disjunction(self) -> Node:
        nodes = [self.unary()]
        while self.peek() == "or":
            self.take()
            if self.peek() in (None, "rparen", "or"):
                raise _Malformed
            nodes.append(self.unary())
        return nodes[0] if len(nodes) == 1 else AnyOf(tuple(nodes))

    def unary(self) -> Node:
        if self.peek() == "neg":
            self.take()
            return Not(self.primary())
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


def plain(text: str) -> Node:
    """The query read as plain words, all syntax characters dropped."""
    return Words(" ".join(_SYNTAX_CHARS.sub(" ", text).split()))


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
