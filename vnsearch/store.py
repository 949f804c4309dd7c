"""An index folder on disk: the marker that names it a vnsearch index (its schema version and
corpus), opening it for reading, and naming damage met while reading it.

What a query needs to open an index and nothing more: building and updating (``indexer``)
import the corpus reader, the codec and the parallel writer, which a query never uses.
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager

from whoosh import index as whoosh_index

from . import integrity
from .errors import IndexUnavailable, VnsearchError
from .schema import SCHEMA_VERSION

MARKER = "vnsearch-index.json"
REBUILD_HINT = "run `vnsearch index --rebuild`"
DEFAULT_CORPUS = "seeds"


def _marker_path(index_dir: str) -> str:
    return os.path.join(index_dir, MARKER)


def index_exists(index_dir: str) -> bool:
    """True when ``index_dir`` holds a vnsearch index (any version) that has been committed at
    least once. A folder where a first build was interrupted (the marker and Whoosh's empty
    generation 0 only) is no index yet: it is built again, never read as an empty one."""
    if not os.path.isfile(_marker_path(index_dir)):
        return False
    # A table of contents after the first commit (readable or not: open_index tells which).
    return integrity.latest_generation(index_dir) >= 1


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


def _write_marker(index_dir: str, corpus: str | None) -> None:
    """The marker names the folder a vnsearch index, with its schema version and the corpus it
    was built from (absolute path). Replaced atomically."""
    data = {"format": "vnsearch", "schema_version": SCHEMA_VERSION}
    if corpus:
        data["corpus"] = os.path.abspath(corpus)
    tmp = os.path.join(index_dir, f".{MARKER}.tmp{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
    os.replace(tmp, _marker_path(index_dir))


def recorded_corpus(index_dir: str) -> str | None:
    """The corpus the index at ``index_dir`` was last updated from (absolute), or None."""
    if not os.path.isfile(_marker_path(index_dir)):
        return None
    try:
        corpus = _read_marker(index_dir).get("corpus")
    except IndexUnavailable:
        return None
    return corpus if isinstance(corpus, str) and corpus else None


def resolve_corpus(corpus: str | None, index_dir: str) -> str:
    """The corpus a command works on: the one given, else the index's own, else ./seeds."""
    return corpus or recorded_corpus(index_dir) or DEFAULT_CORPUS


def _same_path(a: str | None, b: str | None) -> bool:
    return bool(a and b) and os.path.realpath(a) == os.path.realpath(b)


def open_index(index_dir: str):
    """Open an existing index for reading or writing; IndexUnavailable says what to do.

    The sizes of the files recorded at the last commit are checked on every open (a truncated,
    emptied or missing file is named here instead of failing later in Whoosh)."""
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
    if integrity.latest_generation(index_dir) < 1:
        raise IndexUnavailable(f"no index at {index_dir} yet (its first build did not finish): run `vnsearch index`")
    try:
        ix = whoosh_index.open_dir(index_dir)
    except Exception as e:  # Whoosh raises many kinds for damaged files
        raise IndexUnavailable(f"the index at {index_dir} cannot be read ({_describe(e)}): {REBUILD_HINT}")
    problems = integrity.size_problems(index_dir, ix.latest_generation())
    if problems:
        raise IndexUnavailable(f"the index at {index_dir} is damaged ({problems[0]}): {REBUILD_HINT}")
    return ix


def _describe(e: BaseException) -> str:
    if isinstance(e, OSError) and e.strerror:
        return e.strerror if not e.filename else f"{os.path.basename(str(e.filename))}: {e.strerror}"
    return f"{type(e).__name__}: {e}" if str(e) else type(e).__name__


@contextmanager
def reading(index_dir: str):
    """Around code that reads an open index: an exception that the index's files explain (a
    file whose digest no longer matches the one recorded at commit, or, without digests, any
    failure to decode) becomes IndexUnavailable naming the damage; any other is a bug and
    goes on as it is."""
    try:
        yield
    except VnsearchError:
        raise
    except Exception as e:
        manifest = integrity.read_manifest(index_dir)
        if manifest is not None and manifest.get("generation") == integrity.latest_generation(index_dir):
            problems = integrity.digest_problems(index_dir, manifest)[1]
            if not problems:
                raise
            problem = problems[0]
        else:
            problem = _describe(e)
        raise IndexUnavailable(f"the index at {index_dir} is damaged ({problem}): {REBUILD_HINT}") from e
