"""Building and incrementally updating an index from a corpus. The side effects live here.

An update compares each article's content hash with the one its article record holds: new
articles are added, changed ones deleted and re-added, vanished ones deleted, and unchanged
ones not touched (not even re-analysed). Everything happens in one Whoosh commit, so a reader
sees either the old index or the new one; ``rebuild`` commits with Whoosh's CLEAR merge, which
drops the old segments only when the new ones are written.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import time
import zlib
from dataclasses import dataclass, field
from typing import Callable, Iterable

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import CLEAR

from .corpus import Article, Note, article_files, read_corpus
from .errors import IndexUnavailable
from .schema import ARTICLE, PARAGRAPH, SCHEMA_VERSION, build_schema

MARKER = "vnsearch-index.json"
# Below this many paragraphs to write, one process: starting workers costs more than it saves.
PARALLEL_MIN_PARAGRAPHS = 2000
REBUILD_HINT = "run `vnsearch index --rebuild`"


@dataclass
class UpdateReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    paragraphs: int = 0  # paragraphs analysed and written by this run
    seconds: float = 0.0
    created: bool = False  # the index did not exist before
    read: int = 0  # articles read from the corpus
    kept: int = 0  # indexed articles kept because their file could not be read this time
    skipped: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.removed} removed, "
            f"{self.unchanged} unchanged; {self.paragraphs} paragraphs indexed in {self.seconds:.1f}s"
            + (f"; {self.kept} kept from files that could not be read" if self.kept else "")
            + (f"; {len(self.skipped)} skipped" if self.skipped else "")
        )


def _marker_path(index_dir: str) -> str:
    return os.path.join(index_dir, MARKER)


def index_exists(index_dir: str) -> bool:
    """True when ``index_dir`` holds a vnsearch index (any version)."""
    if not os.path.isfile(_marker_path(index_dir)):
        return False
    # A table of contents is there (readable or not: open_index tells which).
    return any(n.startswith("_MAIN_") and n.endswith(".toc") for n in os.listdir(index_dir))


def _is_foreign(index_dir: str) -> bool:
    """A folder with files of its own that vnsearch did not write: never ours to overwrite."""
    if not os.path.isdir(index_dir):
        return os.path.exists(index_dir)
    if os.path.isfile(_marker_path(index_dir)):
        return False
    return any(not name.startswith(".") for name in os.listdir(index_dir))


def _read_marker(index_dir: str) -> dict:
    try:
        with open(_marker_path(index_dir), encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise IndexUnavailable(f"{index_dir} has a damaged vnsearch marker ({e}): {REBUILD_HINT}")
    if not isinstance(data, dict):
        raise IndexUnavailable(f"{index_dir} has a damaged vnsearch marker: {REBUILD_HINT}")
    return data


def open_index(index_dir: str):
    """Open an existing index for reading or writing; IndexUnavailable says what to do."""
    if not os.path.isdir(index_dir):
        raise IndexUnavailable(f"no index at {index_dir}: run `vnsearch index` to build it")
    if not os.path.isfile(_marker_path(index_dir)):
        if _is_foreign(index_dir):
            raise IndexUnavailable(
                f"{index_dir} is not a vnsearch index: give another folder with --index"
            )
        raise IndexUnavailable(f"no index at {index_dir}: run `vnsearch index` to build it")
    version = _read_marker(index_dir).get("schema_version")
    if version != SCHEMA_VERSION:
        raise IndexUnavailable(
            f"the index at {index_dir} was written by another vnsearch version "
            f"(schema {version}, this one reads {SCHEMA_VERSION}): {REBUILD_HINT}"
        )
    try:
        return whoosh_index.open_dir(index_dir)
    except Exception as e:  # Whoosh raises many kinds for damaged files
        raise IndexUnavailable(f"the index at {index_dir} cannot be read ({e}): {REBUILD_HINT}")


def _create_index(index_dir: str):
    if _is_foreign(index_dir):
        raise IndexUnavailable(
            f"{index_dir} is not a vnsearch index and is not empty: give another folder with --index"
        )
    os.makedirs(index_dir, exist_ok=True)
    # The marker first: a first build killed half-way leaves a folder vnsearch knows is its own.
    with open(_marker_path(index_dir), "w", encoding="utf-8") as f:
        json.dump({"format": "vnsearch", "schema_version": SCHEMA_VERSION}, f)
    return whoosh_index.create_in(index_dir, build_schema())


def indexed_hashes(ix) -> dict[str, tuple[str, str]]:
    """article id → (content hash, corpus file), from the article records of an open index."""
    try:
        with ix.searcher() as s:
            return {doc["article_id"]: (doc["hash"], doc.get("file", "")) for doc in s.documents(kind=ARTICLE)}
    except Exception as e:  # damaged segment files
        raise IndexUnavailable(f"the index cannot be read ({e}): {REBUILD_HINT}")


def article_key(article_id: str) -> int:
    """A stable 63-bit number for an article id: the column that ties paragraphs to their
    article record (the title is indexed once, on the record)."""
    return int.from_bytes(hashlib.blake2b(article_id.encode("utf-8"), digest_size=8).digest(), "big") >> 1


def _add_article(writer, article: Article) -> int:
    """One record for the article (title indexed, metadata stored) and one document per
    paragraph (text indexed and stored)."""
    key = article_key(article.id)
    meta = {"date": article.date, "source": article.source, "url": article.url, "topic": article.topic,
            "file": article.file or None}
    writer.add_document(
        kind=ARTICLE,
        article_id=article.id,
        akey=key,
        title=article.title,
        title_exact=article.title,
        title_folded=article.title,
        hash=article.content_hash,
        paragraphs=len(article.paragraphs),
        **{k: v for k, v in meta.items() if v is not None},
    )
    # An article with a title and no body is still findable: its title stands as paragraph 0.
    numbered = list(enumerate(article.paragraphs, 1)) or [(0, article.title)]
    for number, paragraph in numbered:
        writer.add_document(
            kind=PARAGRAPH,
            article_id=article.id,
            akey=key,
            para=number,
            text=paragraph,
            exact=paragraph,
            folded=paragraph,
            words=paragraph,
        )
    return len(numbered)


def update_index(
    corpus: str,
    index_dir: str,
    rebuild: bool = False,
    note: Note = lambda message: None,
    progress: Callable[[int, int], None] | None = None,
) -> UpdateReport:
    """Bring the index at ``index_dir`` up to date with the articles under ``corpus``.

    Creates the index when there is none. ``note`` receives one line per skipped file or
    record; what the index holds from a file that could not be read this time is kept as it
    was. When no article at all could be read the index is not touched (``report.read`` is 0).
    ``progress(done, total)`` is called as articles are read (given, it costs a quick count of
    the corpus first). Raises CorpusError when the corpus does not exist, IndexUnavailable when
    the index cannot be opened or written.
    """
    start = time.perf_counter()
    skipped: list[str] = []

    def skip(message: str) -> None:
        skipped.append(message)
        note(message)

    failed: set[str] = set()
    total = count_articles(corpus) if progress else None
    report = sync_articles(
        read_corpus(corpus, skip, failed), index_dir, rebuild=rebuild, progress=progress, total=total, keep_files=failed
    )
    report.skipped = skipped
    report.seconds = time.perf_counter() - start
    return report


def count_articles(corpus: str) -> int:
    """About how many articles ``corpus`` holds (for a progress bar): one per file, one per
    non-empty line of JSON Lines."""
    total = 0
    for path in article_files(corpus):
        try:
            if path.lower().endswith((".jsonl", ".jsonl.gz")):
                opener = gzip.open if path.lower().endswith(".gz") else open
                with opener(path, "rb") as f:
                    total += sum(1 for line in f if line.strip())
            else:
                total += 1
        except (OSError, EOFError, zlib.error):
            pass
    return total


def sync_articles(
    articles: Iterable[Article],
    index_dir: str,
    rebuild: bool = False,
    progress: Callable[[int, int], None] | None = None,
    total: int | None = None,
    keep_files: set[str] | frozenset = frozenset(),
) -> UpdateReport:
    """Make the index hold exactly ``articles``: the work behind ``update_index``, for callers
    that read articles from elsewhere (``evaluate`` reads BEIR collections).

    Articles are streamed: each is compared with its indexed hash and written, and none is
    kept, so memory does not grow with the corpus. The first changed articles are held back
    until there are enough of them to be worth Whoosh's multiprocess writer, whose workers are
    then forked from a small process.

    Indexed articles that are not among ``articles`` are deleted, except those whose corpus
    file is in ``keep_files`` (read after the articles are consumed: files that failed to read).
    When ``articles`` is empty the index is left untouched."""
    start = time.perf_counter()
    report = UpdateReport()
    if rebuild:
        if _is_foreign(index_dir):
            _create_index(index_dir)  # raises: never overwrite a folder that is not ours
        try:
            ix = open_index(index_dir)  # keeps the old index readable until the commit
        except IndexUnavailable:  # missing, damaged or another version: start afresh
            ix = _create_index(index_dir)
        known = {}
    elif index_exists(index_dir):
        ix = open_index(index_dir)
        known = indexed_hashes(ix)
    else:
        ix = _create_index(index_dir)
        report.created = True
        known = {}

    writer = None
    pending: list[tuple[Article, bool]] = []  # (article, replaces an indexed one)
    pending_paragraphs = 0
    seen = 0

    def write(article: Article, replaces: bool) -> None:
        if replaces:
            writer.delete_by_term("article_id", article.id)
            report.updated += 1
        else:
            report.added += 1
        # (no writer.group() here: Whoosh's MpWriter never hands a batch to its workers
        # while a group is open, so one group per article kept it serial)
        report.paragraphs += _add_article(writer, article)

    try:
        for article in articles:
            seen += 1
            if progress:
                progress(seen, max(total or 0, seen))
            old, _ = known.pop(article.id, (None, None))
            if old == article.content_hash:
                report.unchanged += 1
                continue
            if writer is not None:
                write(article, old is not None)
                continue
            pending.append((article, old is not None))
            pending_paragraphs += len(article.paragraphs)
            if pending_paragraphs >= PARALLEL_MIN_PARAGRAPHS and _cpus() > 1:
                # Whoosh's multiprocess writer: analysis and posting sorting in one process per
                # core, each writing its own segment (no final merge). Measured on 600 dantri
                # articles: 21.5 s in one process, 7.8 s with two.
                writer = _open_writer(ix, index_dir, parallel=True)
                for item in pending:
                    write(*item)
                pending = []
        report.read = seen
        # indexed, no longer in the corpus (unless their file could not be read this time)
        gone = [i for i, (_, file) in known.items() if not _in(file, keep_files)]
        report.kept = len(known) - len(gone)
        if not seen:
            gone = []  # nothing read at all: never empty an index because of that
        if writer is None and (pending or gone or (seen and (rebuild or report.created))):
            writer = _open_writer(ix, index_dir, parallel=False)
            for item in pending:
                write(*item)
        if writer is not None:
            for article_id in gone:
                writer.delete_by_term("article_id", article_id)
            writer.commit(mergetype=CLEAR) if rebuild else writer.commit()
    except BaseException:
        if writer is not None:
            writer.cancel()
        raise
    if writer is not None:
        _check_complete(ix, seen + report.kept)
    report.removed = len(gone)
    report.seconds = time.perf_counter() - start
    return report


def _in(file: str, keep_files) -> bool:
    """Whether a corpus file is among ``keep_files``, itself or under a folder listed there
    as "its/path/"."""
    if not file:
        return False
    if file in keep_files:
        return True
    parts = file.split("/")
    return any("/".join(parts[:n]) + "/" in keep_files for n in range(1, len(parts)))


# Postings blocks of 1,024 instead of Whoosh's 128: each block costs an unpickle and a zlib call
# when search reads it. dantri: build 27.4 -> 25.2 s, 56.7 -> 53.4 MB, first-touch query p95
# 17.4 -> 15.0 ms. Readers need nothing: the block size is in each block.
CODEC_BLOCK = 1024


def _open_writer(ix, index_dir: str, parallel: bool):
    codec = W3Codec(blocklimit=CODEC_BLOCK)
    try:
        if parallel:
            return ix.writer(procs=_cpus(), multisegment=True, limitmb=128, codec=codec)
        return ix.writer(limitmb=256, codec=codec)
    except whoosh_index.LockError:
        raise IndexUnavailable(f"another vnsearch process is updating {index_dir}: wait for it to finish")


def ensure_unlocked(index_dir: str) -> None:
    """Raise IndexUnavailable now if another process is updating the index (``add`` checks
    before it writes into the corpus, so that a refused add changes nothing)."""
    if not index_exists(index_dir):
        return
    ix = open_index(index_dir)
    lock = ix.storage.lock(f"{ix.indexname}_WRITELOCK")
    if not lock.acquire(False):
        raise IndexUnavailable(f"another vnsearch process is updating {index_dir}: wait for it to finish")
    lock.release()


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _check_complete(ix, articles: int) -> None:
    """After a commit the index must hold one record per article of the corpus. Whoosh's
    multiprocess writer waits only one second for each worker's result and drops a late one
    silently; this turns such a loss into an error instead of a quietly incomplete index."""
    with ix.searcher() as s:
        held = sum(1 for _ in s.document_numbers(kind=ARTICLE))
    if held != articles:
        raise IndexUnavailable(
            f"the index holds {held} articles after the update, not {articles}: {REBUILD_HINT}"
        )
