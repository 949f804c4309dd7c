"""Reading articles from files into plain records. Knows nothing of Whoosh or analysis.

A corpus is a folder (read recursively, in name order, symbolic links followed once) or a
single file:
- ``.txt``: the first line that is not portal chrome is the title, every following non-empty
  line a paragraph; the date is read from the first lines ("(08:59 | 28/09/2020)", "ngày 25
  tháng 9 năm 2020", "Sáng 10/7 ... năm 2024"). The id is the file's stem.
- ``.html`` / ``.htm``: a saved web page; title, main text, date and site by ``webpage``.
- ``.jsonl`` / ``.jsonl.gz``: one article per line; ``.json``: one article or a list of them.
  Common field names are accepted (see ``FIELDS``).
Files are UTF-8 (BOM or not), UTF-16 with a BOM, or Windows-1258. Anything that cannot be read
is reported through ``note`` and skipped, and its file is listed in ``failed`` so that an update
keeps what the index already holds from it.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import json
import os
import re
import stat
import zlib
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Iterator

from .dates import date_in_lines, is_timestamp_line, iso_date
from .errors import CorpusError
from .text import fold, nfc, scrub

Note = Callable[[str], None]

# One article file larger than this is not an article (a dump, a log, a disk image).
MAX_ARTICLE_BYTES = 16 * 1024 * 1024
# A JSON Lines record longer than this is skipped with its line number.
MAX_RECORD_BYTES = 16 * 1024 * 1024

# Field names crawlers use, in order of preference.
FIELDS = {
    "id": ("id", "_id", "article_id", "doc_id", "guid"),
    "title": ("title", "headline", "name"),
    "body": ("body", "content", "text", "article", "paragraphs"),
    "date": ("date", "published", "publish_date", "published_time", "published_at", "pubdate", "time", "datetime"),
    "url": ("url", "link", "href", "canonical_url"),
    "source": ("source", "site", "sitename", "site_name", "publisher", "domain"),
    "topic": ("topic", "category", "section"),
}
SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl", ".jsonl.gz")


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    paragraphs: tuple[str, ...]
    date: str | None = None  # YYYY-MM-DD
    source: str | None = None
    url: str | None = None
    topic: str | None = None
    origin: str = field(default="", compare=False)  # where it was read from, for messages
    file: str = field(default="", compare=False)  # its file, relative to the corpus

    @property
    def content_hash(self) -> str:
        """Changes whenever anything that is indexed or shown changes."""
        payload = json.dumps(
            [self.id, self.title, list(self.paragraphs), self.date, self.source, self.url, self.topic],
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]

    @property
    def text_key(self) -> str:
        """The same for two copies of one article, whatever their ids, files or metadata: its
        title and text, normalized (NFC, one tone-mark style), lowercased, white space collapsed."""
        from .text import normalize  # (corpus reading needs no text chain otherwise)

        words = " ".join([self.title, *self.paragraphs])
        payload = " ".join(normalize(words).lower().split())
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]

    def to_record(self) -> dict:
        """The article as one JSON object in the corpus's own format (what ``add`` writes)."""
        record = {"id": self.id, "title": self.title, "body": "\n".join(self.paragraphs)}
        for key in ("date", "source", "url", "topic"):
            if getattr(self, key):
                record[key] = getattr(self, key)
        return record


# --------------------------------------------------------------------------- decoding


class Undecodable(ValueError):
    pass


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _guess(raw: bytes) -> tuple[str, str]:
    """(text, encoding) by the rules of ``decode``, before the check that it is text."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8"  # declared: a bad byte is one �
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise Undecodable("broken UTF-16")
    if b"\x00" in raw:
        sample = raw[:4096]
        for encoding, zeros in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
            if zeros.count(0) > 0.9 * len(zeros):  # ASCII-heavy UTF-16 without a BOM
                try:
                    return raw.decode(encoding), encoding
                except UnicodeDecodeError:
                    break
        raise Undecodable("binary file")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1258"), "cp1258"
    except UnicodeDecodeError:
        raise Undecodable("not UTF-8, UTF-16 or Windows-1258 text")


def decode(raw: bytes) -> str:
    """Bytes of a text file as text: UTF-8 (BOM or not), UTF-16 (BOM, or plainly UTF-16LE/BE),
    or Windows-1258. Raises Undecodable with the reason (also for text that is mostly control
    characters: a binary file that happens to decode)."""
    text, encoding = _guess(raw)
    if _CONTROL.search(text) and len(_CONTROL.findall(text)) > 0.01 * max(len(text), 1):
        raise Undecodable("binary file")
    return nfc(text) if encoding == "cp1258" else text  # cp1258 writes tone marks combining


# --------------------------------------------------------------------------- plain text

# Lines portals wrap an article in. Matched on the folded, lower-cased line; only short lines.
_CHROME = re.compile(
    r"""^(?:
        xem\ voi\ co\ chu.*
      | (?:tin\ tuc|tin\ moi)\s*[-–|]\s*su\ kien
      | (?:y\ kien|binh\ luan|phan\ hoi)\s*\(\s*\d*\s*\)
      | (?:chia\ se|in\ bai|gui\ bai|luu\ bai|ban\ in|quay\ lai|ve\ dau\ trang|trang\ chu)
        (?:\s*[|/,·-]?\s*(?:chia\ se|in\ bai|gui\ bai|luu\ bai|ban\ in|quay\ lai|facebook|zalo|twitter|email|in))*
      | (?:tin\ lien\ quan|tin\ cung\ chuyen\ muc|bai\ viet\ lien\ quan|xem\ them|tu\ khoa|tags?)\s*:?
      | (?:facebook|zalo|twitter|email|linkedin)(?:\s*[|/,·]?\s*(?:facebook|zalo|twitter|email|linkedin))*
      | \d+\s*(?:luot\ xem|binh\ luan|y\ kien)
    )$""",
    re.VERBOSE,
)
_PORTAL = re.compile(r"^cong thong tin dien tu\b", re.IGNORECASE)
CHROME_MAX_CHARS = 80


def clean_lines(lines: Iterable[str]) -> list[str]:
    """Stripped non-blank lines, NFC. ``str.strip`` treats U+00A0 as whitespace."""
    return [nfc(line.strip()) for line in lines if line.strip()]


# The first words chrome lines start with (folded): every other line without a digit is text,
# decided without folding it (half the time of reading a corpus went to folding short lines).
_CHROME_FIRST = frozenset(
    "xem tin y binh phan chia in gui luu ban quay ve trang tu tag tags facebook zalo twitter "
    "email linkedin cong".split()
)
_DIGIT = re.compile(r"\d")


def is_chrome(line: str) -> bool:
    """A line of the portal around the article ("Xem với cỡ chữAA", "Tin tức - Sự kiện",
    "Ý kiến ()", "Cổng thông tin điện tử ...", share buttons, a timestamp alone), not part of
    the article."""
    if len(line) > CHROME_MAX_CHARS:
        return False
    words = line.split(None, 1)
    if not words:
        return False
    first = words[0] if words[0].isascii() else fold(words[0])
    first = first.lower().strip(":.|-()")
    if first in _CHROME_FIRST or first.isdigit():  # only these can start a chrome line
        folded = " ".join(fold(line).lower().split())
        if _CHROME.match(folded) or _PORTAL.match(folded):
            return True
    return _DIGIT.search(line) is not None and is_timestamp_line(line)


def parse_txt(text: str, article_id: str, origin: str = "", file: str = "") -> Article | None:
    """A plain-text article: title line, then one paragraph per non-empty line. Portal chrome
    is dropped; a "Cổng thông tin điện tử X" line names the source; the date comes from the
    first lines (see ``dates.date_in_lines``)."""
    lines = clean_lines(text.lstrip("\ufeff").splitlines())
    head = lines[:8]
    portal = next((l for l in head if len(l) <= CHROME_MAX_CHARS and _PORTAL.match(fold(l).lower())), None)
    source = " ".join(portal.split()[5:]).strip(" -–:") if portal else None  # after the 5 words
    kept = [line for line in lines if not is_chrome(line)]
    if not kept:
        return None
    date = date_in_lines(head[:6] + kept[:4])
    return Article(article_id, kept[0], tuple(kept[1:]), date=date, source=source or None,
                   origin=origin, file=file)


# --------------------------------------------------------------------------- records


def _first(record: dict, key: str):
    for name in FIELDS[key]:
        value = record.get(name)
        if value not in (None, "", []):
            return value
    return None


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):  # {"name": "VnExpress"}, {"href": ...}
        value = next((v for v in value.values() if isinstance(v, str) and v.strip()), None)
        if value is None:
            return None
    text = nfc(scrub(str(value).strip()))
    return text or None


def _paragraphs(body) -> tuple[str, ...]:
    if body is None:
        return ()
    if isinstance(body, str):
        parts = scrub(body).split("\n")
    elif isinstance(body, list) and all(isinstance(p, str) for p in body):
        parts = [line for p in body for line in scrub(p).split("\n")]
    else:
        raise ValueError("the body is neither text nor a list of paragraphs")
    return tuple(p for p in clean_lines(parts) if not is_chrome(p))


def derived_id(url: str | None, title: str, paragraphs: tuple[str, ...]) -> str:
    """An id for a record that has none: from its URL's last path segment when it has one
    (stable across crawls), else from its text."""
    if url:
        tail = url.split("?")[0].split("#")[0].rstrip("/").rsplit("/", 1)[-1]
        stem = re.sub(r"\.(?:html?|php|aspx?)$", "", tail)
        if re.fullmatch(r"[\w.\-]{3,120}", stem):
            return stem
    digest = hashlib.blake2b("\n".join((title, *paragraphs)).encode("utf-8"), digest_size=6).hexdigest()
    return f"a{digest}"


def parse_record(record: dict, origin: str = "", file: str = "") -> Article:
    """One JSON article. Raises ValueError (with a reason) when it is not one."""
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    if not all(k.islower() for k in record):  # "Title", "Body": field names in any case
        record = {k.lower(): v for k, v in reversed(record.items())}
    title = _text(_first(record, "title")) or ""
    paragraphs = _paragraphs(_first(record, "body"))
    if not title and not paragraphs:
        raise ValueError("no title and no text")
    url = _text(_first(record, "url"))
    article_id = _text(_first(record, "id")) or derived_id(url, title, paragraphs)
    if not title:
        title, paragraphs = paragraphs[0], paragraphs[1:]
    return Article(
        id=article_id,
        title=title,
        paragraphs=paragraphs,
        date=iso_date(_first(record, "date")),
        source=_text(_first(record, "source")),
        url=url,
        topic=_text(_first(record, "topic")),
        origin=origin,
        file=file,
    )


# --------------------------------------------------------------------------- files


class _Skip(Exception):
    """This file (or the rest of it) cannot be read; the message says why."""


def _read_bytes(path: str) -> bytes:
    size = os.path.getsize(path)
    if size > MAX_ARTICLE_BYTES:
        raise _Skip(f"{size // (1024 * 1024)} MB is too large for one article")
    with open(path, "rb") as f:
        return f.read(MAX_ARTICLE_BYTES + 1)


def _stem(path: str) -> str:
    """The id of a one-article file: its name without the suffix (NFC; bytes of a name that are
    not UTF-8 become U+FFFD)."""
    name = os.path.basename(path)
    return nfc(scrub(name[: -len(".jsonl.gz")] if name.lower().endswith(".jsonl.gz") else os.path.splitext(name)[0]))


def _decoded(path: str) -> str:
    try:
        return decode(_read_bytes(path))
    except Undecodable as e:
        raise _Skip(str(e))


def _read_document(path: str, rel: str, note: Note, failed: set) -> Iterator[Article]:
    """A .txt article or a saved web page: one article per file, its id the file's stem."""
    if path.lower().endswith((".html", ".htm")):
        from .webpage import parse_html as parse  # imports trafilatura: only when there are pages

        empty = "no article text found in the page"
    else:
        parse, empty = parse_txt, "empty"
    article = parse(_decoded(path), _stem(path), origin=path, file=rel)
    if article is None:
        note(f"skipped {path}: {empty}")
    else:
        yield article


def _read_json(path: str, rel: str, note: Note, failed: set) -> Iterator[Article]:
    try:
        data = json.loads(_decoded(path))
    except ValueError as e:
        raise _Skip(f"not JSON ({e})")
    items = data if isinstance(data, list) else [data]
    for number, item in enumerate(items, 1):
        where = f"{path} item {number}" if isinstance(data, list) else path
        try:
            yield parse_record(item, origin=where, file=rel)
        except ValueError as e:
            note(f"skipped {where}: {e}")
            failed.add(rel)


def _read_jsonl(path: str, rel: str, note: Note, failed: set) -> Iterator[Article]:
    opener = gzip.open if path.lower().endswith(".gz") else open
    with opener(path, "rb") as f:
        lineno = 0
        while True:
            raw = f.readline(MAX_RECORD_BYTES + 1)
            if not raw:
                break
            lineno += 1
            if len(raw) > MAX_RECORD_BYTES and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):  # skip the rest of the line
                    raw = f.readline(MAX_RECORD_BYTES)
                note(f"skipped {path} line {lineno}: longer than {MAX_RECORD_BYTES // (1024 * 1024)} MB")
                failed.add(rel)
                continue
            if not raw.strip():
                continue
            try:
                raw = raw.lstrip(codecs.BOM_UTF8) if lineno == 1 else raw
                try:
                    line = raw.decode("utf-8")  # JSON itself refuses raw control characters
                except UnicodeDecodeError:
                    line = decode(raw)
                yield parse_record(json.loads(line), origin=f"{path}:{lineno}", file=rel)
            except ValueError as e:  # Undecodable and json.JSONDecodeError are ValueErrors
                note(f"skipped {path} line {lineno}: {e}")
                failed.add(rel)


def _reader_for(path: str):
    name = path.lower()
    if name.endswith((".txt", ".html", ".htm")):
        return _read_document
    if name.endswith(".json"):
        return _read_json
    if name.endswith((".jsonl", ".jsonl.gz")):
        return _read_jsonl
    return None


def _files(root: str, note: Note, failed: set | None = None) -> Iterator[str]:
    """Files under ``root`` in name order, hidden ones left out; linked folders are followed
    once (a link back up the tree is reported, not looped on). A folder that cannot be listed
    is reported and added to ``failed`` as "its/path/"."""
    seen = {os.path.realpath(root)}

    def unlisted(error: OSError) -> None:
        note(f"skipped {error.filename}: {error.strerror}")
        if failed is not None:
            failed.add(os.path.relpath(error.filename, root) + "/")

    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=unlisted):
        keep = []
        for d in sorted(dirnames):
            if d.startswith("."):
                continue
            real = os.path.realpath(os.path.join(dirpath, d))
            if real in seen:
                note(f"skipped {os.path.join(dirpath, d)}: a link to a folder already read (a loop?)")
                continue
            seen.add(real)
            keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            if not name.startswith("."):
                yield os.path.join(dirpath, name)


def article_files(path: str) -> Iterator[str]:
    """The files ``read_corpus`` would open under ``path`` (regular article files only: never
    a named pipe, never round a link loop), for a quick count before reading."""
    candidates = [path] if os.path.isfile(path) else _files(path, lambda message: None)
    for file in candidates:
        if _reader_for(file) is not None and _unreadable(file) is None:
            yield file


def _unreadable(file: str) -> str | None:
    """Why ``file`` cannot be an article file right now, before opening it (a named pipe would
    block the reader forever), or None."""
    try:
        info = os.stat(file)
    except FileNotFoundError:
        return "a link to nothing" if os.path.lexists(file) else "it vanished while the corpus was read"
    except OSError as e:  # a loop of links, a name too long...
        return e.strerror or str(e)
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if info.st_size == 0:
        return "empty"
    return None


def read_corpus(path: str, note: Note = lambda message: None, failed: set | None = None, stamps=None) -> Iterator[Article]:
    """Every article under ``path`` (a folder or one file). Files that cannot be read, and
    broken records, are reported through ``note`` and skipped; the files they are in are added
    to ``failed`` (paths relative to ``path``; a folder that cannot be listed as "its/path/"). An article id seen twice keeps its first
    article. Raises CorpusError when ``path`` does not exist.

    ``stamps`` (a ``stamps.Stamps``, for updates): a file it knows as unchanged is not read, its
    articles come out as ``stamps.Unchanged`` (id and file only); every file read is reported
    to it with the articles that came out of it."""
    if not os.path.exists(path):
        raise CorpusError(f"corpus not found: {path} (give a folder or file with --corpus)")
    failed = set() if failed is None else failed
    single = os.path.isfile(path)
    files = [path] if single else _files(path, note, failed)
    seen: set[str] = set()
    for file in files:
        rel = os.path.basename(file) if single else os.path.relpath(file, path)
        reader = _reader_for(file)
        if reader is None:
            note(f"skipped {file}: not an article file ({', '.join(SUFFIXES)})")
            continue
        problem = _unreadable(file)
        if problem:
            note(f"skipped {file}: {problem}")
            failed.add(rel)
            continue
        if stamps is not None:
            yield from _stamped(file, rel, reader, note, failed, seen, stamps)
        else:
            yield from _file_articles(file, rel, reader, note, failed, seen)


def _file_articles(file: str, rel: str, reader, note: Note, failed: set, seen: set) -> Iterator[Article]:
    """The articles of one file whose id is not in ``seen`` (which they join); a file that
    fails is noted and added to ``failed``."""
    try:
        for article in reader(file, rel, note, failed):
            if article.id in seen:
                note(f"skipped {article.origin}: article id {article.id!r} already read")
                continue
            seen.add(article.id)
            yield article
    except FileNotFoundError:
        note(f"skipped {file}: it vanished while the corpus was read")
        failed.add(rel)
    except _Skip as e:
        note(f"skipped {file}: {e}")
        failed.add(rel)
    except (OSError, EOFError, zlib.error) as e:
        note(f"skipped {file}: {e.strerror if isinstance(e, OSError) and e.strerror else e}")
        failed.add(rel)


def _stamped(file: str, rel: str, reader, note: Note, failed: set, seen: set, stamps) -> Iterator:
    """One file of ``read_corpus`` with ``stamps``: its unchanged articles by id, or the file read
    (with the same notes and skips as without stamps) and reported to ``stamps``."""
    from .stamps import Unchanged

    try:
        st = os.stat(file)
    except OSError:
        st = None
    ids = stamps.unchanged(rel, st, seen) if st is not None else None
    if ids is not None:
        for article_id in ids:
            seen.add(article_id)
            yield Unchanged(article_id, rel)
        return
    notes = []

    def noted(message: str) -> None:
        notes.append(message)
        note(message)

    out: list[tuple[str, str]] = []
    for article in _file_articles(file, rel, reader, noted, failed, seen):
        out.append((article.id, article.content_hash))
        yield article
    if st is not None:
        stamps.read_file(rel, st, out, clean=not notes and rel not in failed)


def read_text_article(raw: bytes, origin: str = "stdin") -> list[Article]:
    """One article given as bytes (``vnsearch add -``): a web page, JSON, or plain text, told
    apart by the first character. Its id comes from its URL or its title."""
    try:
        text = decode(raw).lstrip("\ufeff")
    except Undecodable as e:
        raise CorpusError(f"cannot read {origin}: {e}")
    start = text.lstrip()[:1]
    if start == "<":
        from .webpage import parse_html

        article = parse_html(text, "", origin=origin)
        articles = [article] if article else []
    elif start in "[{" and start:
        try:
            data = json.loads(text)
        except ValueError as e:
            raise CorpusError(f"cannot read {origin}: not JSON ({e})")
        try:
            articles = [parse_record(item, origin=origin) for item in (data if isinstance(data, list) else [data])]
        except ValueError as e:
            raise CorpusError(f"cannot read {origin}: {e}")
    else:
        article = parse_txt(text, "", origin=origin)
        articles = [article] if article else []
    if not articles:
        raise CorpusError(f"no article in {origin}: give a title line, then paragraphs")
    return [a if a.id else replace(a, id=slug_id(a)) for a in articles]


def slug_id(article: Article) -> str:
    """A readable, stable id from the URL or the title: "hoi-nghi-truc-tuyen-toan-quoc"."""
    if article.url:
        return derived_id(article.url, article.title, article.paragraphs)
    words = re.findall(r"\w+", fold(article.title).lower())
    slug = "-".join(words)[:60].rstrip("-")
    return slug or derived_id(None, article.title, article.paragraphs)

