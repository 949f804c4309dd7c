"""Reading articles from files into plain records. Knows nothing of Whoosh or analysis.

A corpus is a folder (read recursively, in name order) or a single file:
- ``.txt``: the first non-empty line is the title, every following non-empty line a paragraph;
  lines of only whitespace (U+00A0 included) are blank. The id is the file's stem.
- ``.jsonl`` / ``.jsonl.gz``: one article per line with ``id``, ``title``, ``body`` (paragraphs
  separated by ``\\n``) and optional ``date``, ``url``, ``source``, ``topic``.
Other files are skipped with a note.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Callable, Iterator

from .errors import CorpusError
from .text import nfc

Note = Callable[[str], None]


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    paragraphs: tuple[str, ...]
    date: str | None = None
    source: str | None = None
    url: str | None = None
    topic: str | None = None
    origin: str = field(default="", compare=False)  # where it was read from, for messages

    @property
    def content_hash(self) -> str:
        """Changes whenever anything that is indexed or shown changes."""
        payload = json.dumps(
            [self.id, self.title, list(self.paragraphs), self.date, self.source, self.url, self.topic],
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def _clean_lines(lines) -> list[str]:
    """Stripped non-blank lines, NFC. ``str.strip`` treats U+00A0 as whitespace."""
    return [nfc(line.strip()) for line in lines if line.strip()]


def parse_txt(text: str, article_id: str, origin: str = "") -> Article | None:
    """A plain-text article: title line, then one paragraph per non-empty line."""
    lines = _clean_lines(text.lstrip("\ufeff").splitlines())
    if not lines:
        return None
    return Article(article_id, lines[0], tuple(lines[1:]), origin=origin)


def _opt(record: dict, key: str) -> str | None:
    value = record.get(key)
    if value is None or value == "":
        return None
    return nfc(str(value))


def parse_record(record: dict, origin: str = "") -> Article:
    """One JSON Lines record. Raises ValueError when it has no id or is not an object."""
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    article_id = record.get("id")
    if article_id is None or str(article_id).strip() == "":
        raise ValueError("no id")
    body = record.get("body") or ""
    if not isinstance(body, str):
        raise ValueError("body is not a string")
    return Article(
        id=str(article_id).strip(),
        title=nfc(str(record.get("title") or "").strip()),
        paragraphs=tuple(_clean_lines(body.split("\n"))),
        date=_opt(record, "date"),
        source=_opt(record, "source"),
        url=_opt(record, "url"),
        topic=_opt(record, "topic"),
        origin=origin,
    )


def _read_jsonl(path: str, note: Note) -> Iterator[Article]:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield parse_record(json.loads(line), origin=f"{path}:{lineno}")
            except ValueError as e:  # json.JSONDecodeError is a ValueError
                note(f"skipped {path} line {lineno}: {e}")


def _read_txt(path: str, note: Note) -> Iterator[Article]:
    with open(path, "rb") as f:
        raw = f.read()
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        note(f"skipped {path}: not UTF-8 text")
        return
    stem = os.path.splitext(os.path.basename(path))[0]
    article = parse_txt(content, stem, origin=path)
    if article is None:
        note(f"skipped {path}: empty")
    else:
        yield article


def _reader_for(path: str):
    name = path.lower()
    if name.endswith(".txt"):
        return _read_txt
    if name.endswith(".jsonl") or name.endswith(".jsonl.gz"):
        return _read_jsonl
    return None


def _files(root: str) -> Iterator[str]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield os.path.join(dirpath, name)


def read_corpus(path: str, note: Note = lambda message: None) -> Iterator[Article]:
    """Every article under ``path`` (a folder or one file). Unreadable or unknown files are
    reported through ``note`` and skipped; an article id seen twice keeps its first article.
    Raises CorpusError when ``path`` does not exist."""
    if not os.path.exists(path):
        raise CorpusError(f"corpus not found: {path} (give a folder or file with --corpus)")
    files = [path] if os.path.isfile(path) else _files(path)
    seen: set[str] = set()
    for file in files:
        reader = _reader_for(file)
        if reader is None:
            note(f"skipped {file}: not a .txt or .jsonl(.gz) article file")
            continue
        try:
            for article in reader(file, note):
                if article.id in seen:
                    note(f"skipped {article.origin}: article id {article.id!r} already read")
                    continue
                seen.add(article.id)
                yield article
        except (OSError, UnicodeDecodeError, EOFError) as e:
            note(f"skipped the rest of {file}: {e}")
