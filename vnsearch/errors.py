"""The library's error types: every failure a caller can expect is one of these."""


class VnsearchError(Exception):
    """Base of every error vnsearch raises on purpose; its message is meant for people."""


class CorpusError(VnsearchError):
    """The corpus cannot be read: the path does not exist or holds nothing readable."""


class IndexUnavailable(VnsearchError):
    """The index folder is missing, damaged, locked, or written by an incompatible version."""


class QueryError(VnsearchError):
    """A search option cannot be used: a date that is not a date, an unknown sort order."""


class CorpusMismatch(CorpusError):
    """The corpus given is not the one the index was built from, and updating the index from
    it would remove most of its articles."""
