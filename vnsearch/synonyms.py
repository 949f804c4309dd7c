"""Synonyms: TP.HCM = Thành phố Hồ Chí Minh = Sài Gòn, covid = SARS-CoV-2, vắc xin = vaccine.

Read from files in the format Solr and Elasticsearch use (``a, b, c`` is an equivalence,
``a, b => c`` a one-way mapping, ``#`` starts a comment): the list shipped with vnsearch
(``data/synonyms.txt``), then any file the user names. Entries are compared as keys: folded
lowercase words, with the runs that are one word joined as the analysis chain joins them
(``variants``), so "TP.HCM", "TPHCM" and "tp hcm" are one entry.

``Synonyms.expand`` finds, in a query's keys, the longest entries and names what else each
one finds; the search side adds those as alternatives that rank below the words typed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple
from functools import lru_cache

from .errors import QueryError
from .text import fold, normalize
from .variants import joins

SHIPPED = os.path.join(os.path.dirname(__file__), "data", "synonyms.txt")
ENV = "VNSEARCH_SYNONYMS"
_WORD = re.compile(r"\w+")


@lru_cache(maxsize=4096)
def key(phrase: str) -> tuple[str, ...]:
    """The words of ``phrase`` as synonyms compare them: lowercase, folded, one-word runs
    joined ("TP. HCM" → ("tphcm",), "Sài Gòn" → ("sai", "gon"))."""
    source = normalize(phrase)
    words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(source)]
    runs = {i: (j, form) for i, j, form in joins(words, source)}
    out = []
    i = 0
    while i < len(words):
        if i in runs:
            j, form = runs[i]
            out.append(fold(form))
            i = j + 1
        else:
            out.append(fold(words[i][0].lower()))
            i += 1
    return tuple(out)


class Expansion(NamedTuple):
    """Query keys ``start``..``end`` (exclusive) form an entry that also finds ``alternatives``
    (phrases as written in the synonyms file)."""

    start: int
    end: int
    alternatives: tuple[str, ...]


class Synonyms:
    """A synonym table: entry key → the phrases it also finds."""

    def __init__(self, rules: Iterable[tuple[Sequence[str], Sequence[str]]] = ()):
        self._table: dict[tuple[str, ...], list[str]] = {}
        self.longest = 0
        for sources, targets in rules:
            for s in sources:
                k = key(s)
                if not k:
                    continue
                found = self._table.setdefault(k, [])
                for t in targets:
                    if key(t) != k and key(t) and t not in found and all(key(t) != key(f) for f in found):
                        found.append(t)
                self.longest = max(self.longest, len(k))

    @classmethod
    def load(cls, *paths: str, shipped: bool = True) -> "Synonyms":
        """The shipped list and the files at ``paths`` (later files add to earlier ones).
        Raises QueryError naming a file that cannot be read."""
        rules: list[tuple[list[str], list[str]]] = []
        for path in ([SHIPPED] if shipped else []) + [p for p in paths if p]:
            try:
                with open(path, encoding="utf-8-sig") as fin:
                    rules.extend(parse(fin.read()))
            except (OSError, UnicodeDecodeError) as e:
                raise QueryError(f"cannot read the synonyms file {path} ({e.__class__.__name__}): give a UTF-8 text file")
        return cls(rules)

    def __len__(self) -> int:
        return len(self._table)

    def alternatives(self, phrase: str) -> list[str]:
        """What ``phrase`` also finds (empty when it is no entry)."""
        return list(self._table.get(key(phrase), ()))

    def expand(self, keys: Sequence[str]) -> list[Expansion]:
        """The entries among a query's keys (``key`` of its text), longest first at each
        place, not overlapping, in order."""
        out = []
        i = 0
        while i < len(keys):
            for n in range(min(self.longest, len(keys) - i), 0, -1):
                found = self._table.get(tuple(keys[i:i + n]))
                if found:
                    out.append(Expansion(i, i + n, tuple(found)))
                    i += n
                    break
            else:
                i += 1
        return out


def parse(content: str) -> list[tuple[list[str], list[str]]]:
    """Rules of a Solr synonyms file as (sources, targets): ``a, b, c`` → each of a, b, c finds
    all of them; ``a, b => c, d`` → a and b find c and d. Comments and blank lines skipped."""
    rules = []
    for line in content.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if "=>" in line:
            left, right = line.split("=>", 1)
            sources, targets = _terms(left), _terms(right)
            if sources and targets:
                rules.append((sources, targets))
        else:
            terms = _terms(line)
            if len(terms) > 1:
                rules.append((terms, terms))
    return rules


def _terms(part: str) -> list[str]:
    return [t.strip() for t in part.split(",") if t.strip()]
