"""Building and incrementally updating an index from a corpus. The side effects live here.

An update compares each article's content hash with the one its article record holds: new
articles are added, changed ones deleted and re-added, vanished ones deleted, and unchanged
ones not touched (not even re-analysed). Everything happens in one Whoosh commit, so a reader
sees either the old index or the new one; ``rebuild`` commits with Whoosh's CLEAR merge, which
drops the old segments only when the new ones are written.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import os
import shutil
import time
import zlib
from dataclasses import dataclass, field
from typing import Callable, Iterable

from whoosh import index as whoosh_index
from whoosh.writing import CLEAR

from . import integrity
from .compact import CompactCodec
from .stamps import FILE as STAMPS_FILE
from .stamps import Stamps, Unchanged, now_ns
from .corpus import Article, Note, article_files, read_corpus
from .errors import CorpusError, CorpusMismatch, IndexUnavailable
from .bulk import BulkWriter
from .parallel import ParallelWriter
from .schema import ARTICLE, PARAGRAPH, build_schema
# the marker and opening live in ``store``, which a query imports alone
from .store import (
    MARKER,
    REBUILD_HINT,
    _describe,
    _is_foreign,
    _marker_path,
    _same_path,
    _write_marker,
    index_exists,
    open_index,
    recorded_corpus,
    resolve_corpus,
)

# Below this many paragraphs to write, one process: starting workers costs more than it saves.
PARALLEL_MIN_PARAGRAPHS = 2000
# An update from a corpus other than the one the index was built from may remove at most this
# share of the index's articles (a wrong --corpus would otherwise empty a large index).
MAX_REMOVED_SHARE = 0.5


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
            f"{self.unchanged} unchanged; {self.paragraphs} paragraph{'' if self.paragraphs == 1 else 's'} indexed in "
            f"{self.seconds:.1f}s"
            + (f"; {self.kept} kept from files that could not be read" if self.kept else "")
            + (f"; {len(self.skipped)} skipped" if self.skipped else "")
        )


def check_index(index_dir: str) -> "integrity.CheckReport":
    """Verify the whole index (``vnsearch check``): every file against the digest recorded at
    the last commit, or, without digests for that commit, a read of every document and
    posting. Problems are in the report; raises IndexUnavailable only when there is no
    vnsearch index at ``index_dir`` at all."""
    report = integrity.CheckReport(index_dir)
    if not os.path.isfile(_marker_path(index_dir)) or not index_exists(index_dir):
        open_index(index_dir)  # raises the right "no index" / "not a vnsearch index" message
    manifest = integrity.read_manifest(index_dir)
    generation = integrity.latest_generation(index_dir)
    if manifest is not None and manifest.get("generation") == generation:
        report.files, report.problems = integrity.digest_problems(index_dir, manifest)
        if report.problems:
            return report
    else:
        report.verified_by = "reading"
    try:
        ix = open_index(index_dir)
        if report.verified_by == "reading":
            report.documents = integrity.read_everything(ix)
        else:
            with ix.searcher():
                pass
    except IndexUnavailable as e:
        report.problems.append(str(e).split(f": {REBUILD_HINT}")[0])
    except Exception as e:
        report.problems.append(f"the index cannot be read ({_describe(e)})")
    return report


def _create_index(index_dir: str, corpus: str | None = None):
    if _is_foreign(index_dir):
        raise IndexUnavailable(
            f"{index_dir} is not a vnsearch index and is not empty: give another folder with --index"
        )
    os.makedirs(index_dir, exist_ok=True)
    # The marker first: a first build killed half-way leaves a folder vnsearch knows is its own.
    _write_marker(index_dir, corpus)
    return whoosh_index.create_in(index_dir, build_schema())


def _remove_unfinished(index_dir: str, made_folder: bool) -> None:
    """After a first build that failed: leave nothing behind (the folder, if this run made it,
    else the files vnsearch and Whoosh wrote into it)."""
    try:
        if made_folder:
            shutil.rmtree(index_dir, ignore_errors=True)
            return
        for name in os.listdir(index_dir):
            ours = (MARKER, integrity.MANIFEST, STAMPS_FILE)
            if name in ours or name.startswith(("_MAIN_", "MAIN_")) or name.endswith(".seg"):
                try:
                    os.remove(os.path.join(index_dir, name))
                except OSError:
                    pass
    except OSError:
        pass


def indexed_hashes(ix) -> dict[str, tuple[str, str]]:
    """article id → (content hash, corpus file), from the article records of an open index."""
    try:
        with ix.searcher() as s:
            return {doc["article_id"]: (doc["hash"], doc.get("file", "")) for doc in s.documents(kind=ARTICLE)}
    except Exception as e:  # damaged segment files
        raise IndexUnavailable(f"the index cannot be read ({e}): {REBUILD_HINT}")


def indexed_records(ix) -> dict[str, dict]:
    """article id → its stored record (hash, file, url, textkey…), from an open index."""
    try:
        with ix.searcher() as s:
            return {doc["article_id"]: doc for doc in s.documents(kind=ARTICLE)}
    except Exception as e:  # damaged segment files
        raise IndexUnavailable(f"the index cannot be read ({e}): {REBUILD_HINT}")


def article_key(article_id: str) -> int:
    """A stable 63-bit number for an article id: the column that ties paragraphs to their
    article record (the title is indexed once, on the record)."""
    return int.from_bytes(hashlib.blake2b(article_id.encode("utf-8"), digest_size=8).digest(), "big") >> 1


def _add_article(writer, article: Article) -> int:
    """One record for the article (title indexed, metadata stored) and one document per
    paragraph (text indexed and stored), added together where the writer can (the bulk
    writer segments them in one batch); a parallel writer hands them to its workers."""
    key = article_key(article.id)
    meta = {"date": article.date, "source": article.source, "url": article.url, "topic": article.topic,
            "file": article.file or None}
    record = dict(
        kind=ARTICLE,
        article_id=article.id,
        akey=key,
        title=article.title,
        title_exact=article.title,
        title_folded=article.title,
        hash=article.content_hash,
        textkey=article.text_key,
        paragraphs=len(article.paragraphs),
        **{k: v for k, v in meta.items() if v is not None},
    )
    # An article with a title and no body is still findable: its title stands as paragraph 0.
    numbered = list(enumerate(article.paragraphs, 1)) or [(0, article.title)]
    documents = [record] + [
        dict(kind=PARAGRAPH, article_id=article.id, akey=key, para=number,
             text=paragraph, exact=paragraph, folded=paragraph, words=paragraph)
        for number, paragraph in numbered
    ]
    if isinstance(writer, BulkWriter):
        writer.add_documents(documents)
    else:
        for fields in documents:
            writer.add_document(**fields)
    return len(numbered)


def update_index(
    corpus: str | None,
    index_dir: str,
    rebuild: bool = False,
    note: Note = lambda message: None,
    progress: Callable[[int, int], None] | None = None,
) -> UpdateReport:
    """Bring the index at ``index_dir`` up to date with the articles under ``corpus``.

    ``corpus`` None means the index's own corpus (recorded in it at each update), or ./seeds
    for a new index. Creates the index when there is none; a first build that fails leaves
    nothing behind. ``note`` receives one line per skipped file or record; what the index holds
    from a file that could not be read this time is kept as it was. When no article at all
    could be read the index is not touched (``report.read`` is 0). ``progress(done, total)`` is
    called as articles are read (given, it costs a quick count of the corpus first).

    Raises CorpusError when the corpus does not exist, CorpusMismatch when ``corpus`` is not
    the index's own and would remove more than half of its articles (``rebuild`` starts over
    from it instead), IndexUnavailable when the index cannot be opened or written.
    """
    start = time.perf_counter()
    recorded = recorded_corpus(index_dir)
    given = corpus
    corpus = resolve_corpus(corpus, index_dir)
    if not os.path.exists(corpus):
        raise CorpusError(f"corpus not found: {corpus} (give a folder or file with --corpus)")
    if given is not None and not rebuild and not _same_path(given, recorded) and index_exists(index_dir):
        _refuse_foreign_corpus(corpus, index_dir, recorded)
    skipped: list[str] = []

    def skip(message: str) -> None:
        skipped.append(message)
        note(message)

    failed: set[str] = set()
    # Files unchanged since the last update (same size, times and inode) are not read again.
    generation = -1 if rebuild or not index_exists(index_dir) else integrity.latest_generation(index_dir)
    stamps = Stamps(index_dir, corpus, generation)
    total = count_articles(corpus, stamps) if progress else None
    report = sync_articles(
        read_corpus(corpus, skip, failed, stamps=stamps), index_dir, rebuild=rebuild, progress=progress,
        total=total, keep_files=failed, corpus=corpus, stamps=stamps,
    )
    report.skipped = skipped
    report.seconds = time.perf_counter() - start
    return report


def _refuse_foreign_corpus(corpus: str, index_dir: str, recorded: str | None) -> None:
    """Raise CorpusMismatch when updating the index from ``corpus`` would remove more than
    MAX_REMOVED_SHARE of its articles (a quick read of the corpus's ids, no analysis)."""
    failed: set[str] = set()
    ids = {a.id for a in read_corpus(corpus, lambda m: None, failed)}
    known = indexed_hashes(open_index(index_dir))
    gone = [i for i, (_, file) in known.items() if i not in ids and not _in(file, failed)]
    if ids and known and len(gone) > MAX_REMOVED_SHARE * len(known):
        built_from = f"built from {recorded}" if recorded else "built from another corpus"
        raise CorpusMismatch(
            f"updating {index_dir} ({built_from}) from {corpus} would remove {len(gone)} of its "
            f"{len(known)} articles: leave out --corpus to update it from its own corpus, or run "
            f"`vnsearch index --rebuild --corpus {corpus}` to start over from this one"
        )


def count_articles(corpus: str, stamps: Stamps | None = None) -> int:
    """About how many articles ``corpus`` holds (for a progress bar): one per file, one per
    non-empty line of JSON Lines; for a file unchanged since the last update (``stamps``), as
    many as it held then."""
    total = 0
    single = os.path.isfile(corpus)
    for path in article_files(corpus):
        try:
            known = None
            if stamps is not None:
                rel = os.path.basename(path) if single else os.path.relpath(path, corpus)
                known = stamps.count(rel, os.stat(path))
            if known is not None:
                total += known
            elif path.lower().endswith((".jsonl", ".jsonl.gz")):
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
    corpus: str | None = None,
    stamps: Stamps | None = None,
) -> UpdateReport:
    """Make the index hold exactly ``articles``: the work behind ``update_index``, for callers
    that read articles from elsewhere (``evaluate`` reads BEIR collections). ``corpus``, when
    given, is recorded in the index as the one it was built from.

    Articles are streamed: each is compared with its indexed hash and written, and none is
    kept, so memory does not grow with the corpus. The first changed articles are held back
    until there are enough of them to be worth the multiprocess writer, whose workers are
    then forked from a small process.

    Indexed articles that are not among ``articles`` are deleted, except those whose corpus
    file is in ``keep_files`` (read after the articles are consumed: files that failed to read).
    When ``articles`` is empty the index is left untouched. Any failure (a full disk, a
    read-only folder, Ctrl-C, a kill) leaves the last committed index as it was.

    ``stamps``: the record of corpus files (see ``stamps``) that ``articles`` was read with;
    ``stamps.Unchanged`` items among ``articles`` are articles known to be unchanged. After a
    successful run the record of this run is saved for the next."""
    made_folder = not os.path.exists(index_dir)
    fresh = not index_exists(index_dir)
    try:
        return _sync(articles, index_dir, rebuild, progress, total, keep_files, corpus, fresh and not rebuild, stamps)
    except BaseException as e:
        if fresh:
            _remove_unfinished(index_dir, made_folder)
        if isinstance(e, OSError):
            raise IndexUnavailable(_write_failure(index_dir, e)) from e
        raise


def _write_failure(index_dir: str, e: OSError) -> str:
    if e.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        advice = "make the folder writable or give another one with --index"
    elif e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        advice = "free some disk space and run the command again"
    else:
        advice = "fix the cause and run the command again"
    return f"cannot write the index at {index_dir} ({_describe(e)}); it was left as it was: {advice}"


def _sync(articles, index_dir, rebuild, progress, total, keep_files, corpus, created, stamps=None) -> UpdateReport:
    start = time.perf_counter()
    started_ns = now_ns()
    report = UpdateReport()
    lazy = False  # the index's hashes are read only when an article was read from a file
    if rebuild:
        if _is_foreign(index_dir):
            _create_index(index_dir)  # raises: never overwrite a folder that is not ours
        try:
            ix = open_index(index_dir)  # keeps the old index readable until the commit
        except IndexUnavailable:  # missing, damaged or another version: start afresh
            ix = _create_index(index_dir, corpus)
        known = {}
    elif not created:
        ix = open_index(index_dir)
        lazy = stamps is not None and bool(stamps.old)
        known = {} if lazy else indexed_hashes(ix)
    else:
        ix = _create_index(index_dir, corpus)
        report.created = True
        known = {}

    indexed = len(known)  # article records in the index before this run (when read)
    # While ``lazy``, ``known`` is not read whole (on vntc: 84,000 stored records): the articles
    # of files read are looked up by id, and what was removed follows from the record.
    seen_ids: set[str] = set()
    lookup = None

    def load_known() -> None:
        nonlocal lazy, known, indexed
        lazy = False
        known = indexed_hashes(ix)
        indexed = len(known)
        for article_id in seen_ids:
            known.pop(article_id, None)

    def indexed_hash(article_id: str) -> str | None:
        nonlocal lookup
        if lookup is None:
            lookup = ix.searcher()
        try:
            doc = lookup.document(article_id=article_id, kind=ARTICLE)
        except Exception as e:  # damaged segment files
            raise IndexUnavailable(f"the index cannot be read ({e}): {REBUILD_HINT}")
        return doc["hash"] if doc else None

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
            if isinstance(article, Unchanged):  # its file is as it was at the last update
                if lazy:
                    seen_ids.add(article.id)
                else:
                    known.pop(article.id, None)
                report.unchanged += 1
                continue
            if lazy:
                seen_ids.add(article.id)
                old = indexed_hash(article.id)
            else:
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
                # The multiprocess writer: analysis and posting sorting in one process per
                # core, each writing its own segment (no final merge). Measured on 600 dantri
                # articles: 21.5 s in one process, 7.8 s with two.
                writer = _open_writer(ix, index_dir, parallel=True)
                for item in pending:
                    write(*item)
                pending = []
        report.read = seen
        if lazy and not stamps.complete():
            load_known()  # the index holds articles the record does not name
        if lazy:  # the index holds exactly the recorded articles
            indexed = stamps.old_articles
            left = {i: file for i, file in stamps.old_ids().items() if i not in seen_ids}
        else:
            left = {i: file for i, (_, file) in known.items()}
        # indexed, no longer in the corpus (unless their file could not be read this time)
        gone = [i for i, file in left.items() if not _in(file, keep_files)]
        report.kept = len(left) - len(gone)
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
            _discard(writer, ix)
        raise
    finally:
        if lookup is not None:
            lookup.close()
            lookup = None  # Whoosh unmaps a compound segment only when its reader is freed
    if writer is not None:
        _check_complete(ix, seen + report.kept)
        integrity.record(index_dir, ix)
        indexed = seen + report.kept
    if stamps is not None and seen and (writer is not None or not stamps.reused_all):
        stamps.save(ix.latest_generation(), indexed, started_ns)
    if seen and corpus and not _same_path(corpus, recorded_corpus(index_dir)):
        _write_marker(index_dir, corpus)
    report.removed = len(gone)
    report.seconds = time.perf_counter() - start
    return report


def _discard(writer, ix) -> None:
    """Undo a writer that failed (a full disk, Ctrl-C…): end its workers, close its segment,
    remove the files it wrote while its lock still keeps other writers out, then release the
    lock (what Whoosh's ``cancel`` does, in an order that leaves no stray file). The last
    committed index is untouched: its table of contents never named those files."""
    stop = getattr(writer, "stop_workers", None)
    if stop is not None:
        stop()
    for step in (
        writer._close_segment,  # may fail as the write did
        lambda: whoosh_index.clean_files(ix.storage, ix.indexname, ix.latest_generation(), ix._segments()),
        writer.temp_storage().destroy,
    ):
        try:
            step()
        except Exception:
            pass
    writer.is_closed = True
    if getattr(writer, "writelock", None) is not None:
        try:
            writer.writelock.release()
        except Exception:
            pass


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
    codec = CompactCodec(blocklimit=CODEC_BLOCK)
    try:
        if parallel:
            # each worker's Whoosh pool holds only the id and date fields' postings now (the
            # text lanes are gathered by bulk.BulkWriter): 64 MB of them before it spills
            return ParallelWriter(ix, procs=_cpus(), multisegment=True, limitmb=64, codec=codec)
        return BulkWriter(ix, limitmb=256, codec=codec)
    except whoosh_index.LockError:
        raise IndexUnavailable(f"another vnsearch process is updating {index_dir}: wait for it to finish")


def ensure_unlocked(index_dir: str) -> None:
    """Raise IndexUnavailable now if another process is updating the index (``add`` checks
    before it writes into the corpus, so that a refused add changes nothing)."""
    if not index_exists(index_dir):
        return
    ix = open_index(index_dir)
    lock = ix.storage.lock(f"{ix.indexname}_WRITELOCK")
    try:
        acquired = lock.acquire(False)
    except OSError as e:
        raise IndexUnavailable(_write_failure(index_dir, e)) from e
    if not acquired:
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
