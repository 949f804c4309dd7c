"""An index kept open for a server, reopened when `vnsearch index` or `add` commits.

Whoosh commits by writing a new table of contents, ``_MAIN_<generation>.toc``. Before each
request the folder is listed (cheap) and, when the newest generation is not the one open, a
new ``Searcher`` is opened; the old one answers until the new one is open, and is closed when
the last request using it has finished. A request that fails on a searcher whose generation is
no longer the newest (its files removed by the commit's clean-up) is answered again on the new
one: during an update no request fails.
"""

from __future__ import annotations

import os
import re
import threading
import time
from contextlib import contextmanager

from ..errors import IndexUnavailable
from ..search import Searcher

_TOC = re.compile(r"^_MAIN_(\d+)\.toc$")
OPEN_ATTEMPTS = 5  # a commit's rename and clean-up can make one open fail: try again shortly
OPEN_RETRY_SECONDS = 0.05


def latest_generation(index_dir: str) -> int:
    """The newest table of contents in ``index_dir``, -1 when there is none."""
    try:
        names = os.listdir(index_dir)
    except OSError:
        return -1
    generations = [int(m.group(1)) for m in map(_TOC.match, names) if m]
    return max(generations, default=-1)


class _Open:
    def __init__(self, searcher: Searcher, generation: int):
        self.searcher = searcher
        self.generation = generation
        self.users = 0
        self.retired = False
        self.cache: dict = {}  # per-generation results (stats, facets) of the app


class LiveIndex:
    """``with live.searcher() as (searcher, cache): ...`` gives the newest open index.

    Searches on one searcher are serialized (its postings cache and Whoosh's readers are not
    meant for concurrent threads); a reopen happens beside them."""

    def __init__(self, index_dir: str):
        self.index_dir = index_dir
        self._current: _Open | None = None
        self._state = threading.Lock()  # guards _current and the users counts
        self._use = threading.Lock()  # one request on a searcher at a time
        self.reopened = 0  # how many times a newer generation was opened

    def _open_newest(self) -> _Open:
        error: Exception | None = None
        for attempt in range(OPEN_ATTEMPTS):
            generation = latest_generation(self.index_dir)
            try:
                return _Open(Searcher(self.index_dir), generation)
            except IndexUnavailable as e:
                error = e
            except Exception as e:  # a file removed between listing and reading
                error = IndexUnavailable(f"the index at {self.index_dir} cannot be read ({e})")
            time.sleep(OPEN_RETRY_SECONDS * (attempt + 1))
        assert error is not None
        raise error

    def _acquire(self, force_new: bool = False) -> _Open:
        generation = latest_generation(self.index_dir)
        with self._state:
            current = self._current
            if current is not None and current.generation == generation and not force_new:
                current.users += 1
                return current
        fresh = self._open_newest()  # outside the lock: the old one keeps answering meanwhile
        with self._state:
            old = self._current
            if old is not None and old.generation >= fresh.generation and not force_new:
                fresh.searcher.close()  # another request opened it first
                old.users += 1
                return old
            self._current = fresh
            self.reopened += old is not None
            if old is not None:
                old.retired = True
                if old.users == 0:
                    old.searcher.close()
            fresh.users += 1
            return fresh

    def _release(self, used: _Open) -> None:
        with self._state:
            used.users -= 1
            if used.retired and used.users == 0:
                used.searcher.close()

    @contextmanager
    def _using(self, force_new: bool = False):
        used = self._acquire(force_new)
        try:
            with self._use:
                yield used
        finally:
            self._release(used)

    def run(self, work):
        """``work(searcher, cache)`` on the newest index; run again on a newer one if it
        fails because an update removed the files of the one it had."""
        with self._using() as used:
            try:
                return work(used.searcher, used.cache)
            except (IndexUnavailable, OSError, EOFError, KeyError, ValueError, AttributeError):
                if latest_generation(self.index_dir) == used.generation:
                    raise
        with self._using(force_new=True) as used:
            return work(used.searcher, used.cache)

    def close(self) -> None:
        with self._state:
            if self._current is not None:
                self._current.retired = True
                if self._current.users == 0:
                    self._current.searcher.close()
                self._current = None
