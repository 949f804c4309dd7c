"""Which corpus files are unchanged since the last update, told without reading them.

An update compares every article's content hash with the index's; for that it used to read
and hash the whole corpus (vntc: 250 MB, 7 s) even when nothing had changed. After each
successful update vnsearch records, for every corpus file it read cleanly, the file's stamp
(size, modification and status-change times in nanoseconds, inode) and the (id, content hash)
of each article it yielded, in ``vnsearch-corpus-files.json``, with the index generation the
record describes. The next update reads only the files whose stamp differs, as git does with
its index:

- the record is used only when it describes the index's current generation (an update killed
  between its commit and its record, or another writer since, makes it stale: everything is
  read);
- a file whose modification or status-change time is within ``RACY_NS`` of the moment the
  record was taken is read again (it may have changed in the same clock tick, after it was
  read: git's "racily clean" entries); the status-change time cannot be set back by ``touch``
  or ``cp -p``, and changes on every write;
- a file that produced any note (a broken line, an id already read, a failure) is never
  recorded: it is read every time, so the notes are given every time;
- an unchanged file whose articles' ids were already read from another file this run is read
  again (the first file keeps the id, as when reading everything).
"""

from __future__ import annotations

import json
import os
import time

FILE = "vnsearch-corpus-files.json"
RACY_NS = 2_000_000_000


def stamp(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


class Unchanged:
    """An article of a file whose stamp is unchanged: known by id, not read."""

    __slots__ = ("id", "file")

    def __init__(self, article_id: str, file: str):
        self.id = article_id
        self.file = file


class Stamps:
    """The record of the last update (when usable) and the one this update is building."""

    def __init__(self, index_dir: str, corpus: str, generation: int):
        self.index_dir = index_dir
        self.corpus = os.path.abspath(corpus)
        self.generation = generation
        self.old: dict[str, list] = {}
        self.old_articles = -1  # articles the index held when the record was taken
        self.taken_ns = 0
        self.new: dict[str, list] = {}
        self.reused_all = True  # every file of this run was taken from the record
        data = read(index_dir)
        if data and data.get("corpus") == self.corpus and data.get("generation") == generation >= 1:
            self.old = data.get("files") or {}
            self.old_articles = data.get("articles", -1)
            self.taken_ns = data.get("taken_ns", 0)

    def _entry(self, rel: str, st: os.stat_result) -> list | None:
        entry = self.old.get(rel)
        if entry is None or entry[:4] != stamp(st):
            return None
        if max(st.st_mtime_ns, st.st_ctime_ns) >= self.taken_ns - RACY_NS:
            return None
        return entry

    def count(self, rel: str, st: os.stat_result) -> int | None:
        """How many articles ``rel`` holds, when it is unchanged since the record."""
        entry = self._entry(rel, st)
        return None if entry is None else len(entry[4])

    def unchanged(self, rel: str, st: os.stat_result, seen: set[str]) -> list[str] | None:
        """The ids of ``rel``'s articles when the file is unchanged since the record, else None."""
        entry = self._entry(rel, st)
        if entry is None:
            return None
        ids = [a for a, _ in entry[4]]
        if any(a in seen for a in ids):
            return None
        self.new[rel] = entry
        return ids

    def read_file(self, rel: str, st: os.stat_result, articles: list[tuple[str, str]], clean: bool) -> None:
        """``rel`` was read (its stamp taken before reading): ``articles`` (id, hash) came out;
        ``clean`` is False when reading it gave any note."""
        self.reused_all = False
        if clean:
            self.new[rel] = stamp(st) + [articles]
        else:
            self.new.pop(rel, None)

    def old_ids(self) -> dict[str, str]:
        """id → file of every article in the record."""
        return {article_id: rel for rel, entry in self.old.items() for article_id, _ in entry[4]}

    def complete(self) -> bool:
        """Whether the index holds exactly the recorded articles: it is at the recorded
        generation (or the record would not have been read) and held as many articles as the
        record names (none from a file that gave notes, which is never recorded)."""
        return bool(self.old) and self.old_articles == sum(len(entry[4]) for entry in self.old.values())

    def save(self, generation: int, articles: int, started_ns: int) -> None:
        """Record this run's files for the index's ``generation`` holding ``articles``
        article records; ``started_ns`` is when the first file was stamped."""
        data = {"corpus": self.corpus, "generation": generation, "articles": articles,
                "taken_ns": started_ns, "files": self.new}
        tmp = os.path.join(self.index_dir, f".{FILE}.tmp{os.getpid()}")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, separators=(",", ":"))  # ASCII: names may hold surrogates
        os.replace(tmp, os.path.join(self.index_dir, FILE))


def read(index_dir: str) -> dict | None:
    try:
        with open(os.path.join(index_dir, FILE), encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def now_ns() -> int:
    return time.time_ns()
