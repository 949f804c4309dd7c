"""Knowing when an index is damaged: a checksum of every index file, recorded at each commit.

Whoosh never rewrites a file: a commit writes new segment files and a new table of contents
(TOC), then deletes what the new TOC no longer names. After each commit vnsearch records the
size and BLAKE2b digest of every file the current TOC uses, in ``vnsearch-files.json`` (only
new files are hashed: the others' digests are carried over). Then:

- every open compares the sizes (a ``stat`` per file: truncated, emptied or missing files are
  found before Whoosh reads them);
- ``vnsearch check`` compares the digests too (a block overwritten in the middle of a segment),
  the way ``git fsck`` or SQLite's ``PRAGMA integrity_check`` do, and reads the whole index when
  no digests were recorded for the current commit (an older index, or an update killed between
  its commit and the recording).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from whoosh.index import TOC

MANIFEST = "vnsearch-files.json"
INDEX_NAME = "MAIN"


def _toc_generation(name: str) -> int | None:
    match = TOC._pattern(INDEX_NAME).match(name)
    return int(match.group(1)) if match else None


def latest_generation(index_dir: str) -> int:
    """The generation of the newest table of contents in ``index_dir`` (-1: none)."""
    try:
        names = os.listdir(index_dir)
    except OSError:
        return -1
    gens = [g for g in (_toc_generation(n) for n in names) if g is not None]
    return max(gens, default=-1)


def current_files(index_dir: str, ix) -> list[str]:
    """The files the index's current TOC uses: the TOC itself and its segments' files."""
    segments = {s.segment_id() for s in ix._segments()}
    pattern = TOC._segment_pattern(INDEX_NAME)
    names = [TOC._filename(INDEX_NAME, ix.latest_generation())]
    for name in sorted(os.listdir(index_dir)):
        match = pattern.match(name)
        if match and match.group(1) in segments:
            names.append(name)
    return names


def digest(path: str) -> str:
    import hashlib  # here: it loads OpenSSL (about 3 ms), and only ``check`` and commits hash

    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_manifest(index_dir: str) -> dict | None:
    """The recorded ``{"generation": n, "files": {name: [size, digest]}}``, or None when there
    is none or it cannot be read."""
    try:
        with open(os.path.join(index_dir, MANIFEST), encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        return None
    return data


def record(index_dir: str, ix) -> None:
    """Record the sizes and digests of the current commit's files (after a commit)."""
    old = (read_manifest(index_dir) or {}).get("files", {})
    files = {}
    for name in current_files(index_dir, ix):
        path = os.path.join(index_dir, name)
        size = os.path.getsize(path)
        known = old.get(name)  # segment names are random, never reused; a TOC's name is its generation
        reuse = known and known[0] == size and _toc_generation(name) is None
        files[name] = known if reuse else [size, digest(path)]
    tmp = os.path.join(index_dir, f".{MANIFEST}.tmp{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"generation": ix.latest_generation(), "files": files}, f)
    os.replace(tmp, os.path.join(index_dir, MANIFEST))


def size_problems(index_dir: str, generation: int) -> list[str]:
    """What the cheap check finds: files of the recorded commit that are missing or whose size
    changed. Nothing is checked when the recording is of another commit than ``generation``."""
    manifest = read_manifest(index_dir)
    if manifest is None or manifest.get("generation") != generation:
        return []
    problems = []
    for name, (size, _) in sorted(manifest["files"].items()):
        try:
            actual = os.path.getsize(os.path.join(index_dir, name))
        except FileNotFoundError:
            problems.append(f"{name} is missing")
            continue
        except OSError as e:
            problems.append(f"{name} cannot be read ({e.strerror})")
            continue
        if actual != size:
            problems.append(f"{name} has {actual} bytes, {size} when written")
    return problems


@dataclass
class CheckReport:
    """What ``vnsearch check`` found: ``problems`` is empty when the index is intact."""

    index_dir: str
    files: int = 0  # files verified by digest
    documents: int = 0  # documents read in full (when there were no digests to verify)
    problems: list[str] = field(default_factory=list)
    verified_by: str = "digests"  # or "reading" when no digests were recorded for this commit

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {"index": self.index_dir, "ok": self.ok, "verified_by": self.verified_by, "files": self.files,
                "documents": self.documents, "problems": self.problems}


def digest_problems(index_dir: str, manifest: dict) -> tuple[int, list[str]]:
    problems = size_problems(index_dir, manifest["generation"])
    if problems:
        return len(manifest["files"]), problems
    for name, (_, recorded) in sorted(manifest["files"].items()):
        try:
            if digest(os.path.join(index_dir, name)) != recorded:
                problems.append(f"{name} does not hold what was written (its checksum differs)")
        except OSError as e:
            problems.append(f"{name} cannot be read ({e.strerror})")
    return len(manifest["files"]), problems


def read_everything(ix) -> int:
    """Read every stored document and every term's postings; returns the documents read.
    Raises whatever Whoosh raises on damaged files."""
    documents = 0
    with ix.searcher() as searcher:
        reader = searcher.reader()
        for _ in reader.all_stored_fields():
            documents += 1
        for fieldname in reader.indexed_field_names():
            for term in reader.lexicon(fieldname):
                for _ in reader.postings(fieldname, term).all_ids():
                    pass
    return documents
