"""What a vnsearch process imports, kept to what it uses: names of a package imported on
first use (PEP 562), so that importing the package costs nothing (`vnsearch query` loads the
search pipeline and not the index writer, `vnsearch index` the writer and not the search
pipeline); and Whoosh, numpy and pyvi's CRF tagger without the modules they import for what a
query never runs (``lean_imports``)."""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable, Iterable


def lazy_names(package: str, where: dict[str, str], names: Iterable[str]) -> tuple[Callable, Callable]:
    """(``__getattr__``, ``__dir__``) for ``package``: a name of ``where`` is read from the
    submodule ``where`` gives for it, imported on the first access, and kept."""
    listed = set(names)

    def __getattr__(name: str):
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{module}", package), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | listed)

    return __getattr__, __dir__


# Modules (Whoosh's, numpy's, pycrfsuite's) whose imports of these modules are stand-ins while
# they run: each stand-in's names are the real module's, imported when first used (a name of
# the tuple is taken by ``from module import name`` and is a function that imports the module
# when called). No code a query runs uses any of them.
_DEFERRED: dict[str, dict[str, tuple[str, ...]]] = {
    # ``urlretrieve``, which no Whoosh code calls: http.client, email, ssl, tempfile;
    # ``htmlescape``, for Whoosh's highlighter (html.entities); ``queue``, for its
    # multiprocessing writer
    "whoosh.compat": {"urllib.request": ("urlretrieve",), "html": ("escape",), "queue": ()},
    # W3's hash tables hash with md5; vnsearch's term dictionary is not one (hashlib loads OpenSSL)
    "whoosh.filedb.filetables": {"hashlib": ("md5",)},
    # Whoosh's TempStorage (tempfile), copying a compound file out (shutil, which loads bz2 and
    # lzma), random names for new files and a random-eviction cache (random), date fields
    # (calendar): a writer's, not a query's
    "whoosh.filedb.filestore": {"tempfile": ()},
    "whoosh.filedb.compound": {"shutil": ("copyfileobj",)},
    "whoosh.util": {"random": ()},
    "whoosh.util.cache": {"random": ()},
    "whoosh.util.times": {"calendar": ()},
    "whoosh.fields": {"whoosh.util.times": ("datetime_to_long", "long_to_datetime")},  # DATETIME fields
    # Whoosh's own modules for double metaphone (DoubleMetaphoneFilter) and fuzzy terms
    # (Levenshtein automata and distance), which vnsearch's analysis and search never call. Not
    # its English stemmer: ``stem`` is StemFilter's default function, kept in the filter and
    # pickled with a schema by name, which a stand-in's is not (Whoosh's own tests found it).
    # A stand-in function must only ever be called.
    "whoosh.analysis.morph": {"whoosh.lang.dmetaphone": ("double_metaphone",)},
    "whoosh.codec.base": {"whoosh.automata.lev": ()},
    "whoosh.reading": {"whoosh.support.levenshtein": ("distance",)},
    # numpy imports numpy.linalg on first use (``numpy.__getattr__``) except for two of its own
    # modules, for matrix powers and polynomial fits; without them numpy.linalg, its LAPACK
    # module and numpy._typing (which only numpy.linalg imports) load when used
    "numpy.matrixlib.defmatrix": {"numpy.linalg": ("matrix_power",)},
    "numpy.lib._polynomial_impl": {"numpy.linalg": ("eigvals", "inv", "lstsq")},
    "numpy._core._internal": {"ctypes": ()},  # an array's ``.ctypes`` attribute
    # pyvi's CRF tagger: temporary files and the parser of their dump for ``Tagger.dump`` and
    # ``info`` (tempfile, _dumpparser), the training log's parser (_logparser); a query only tags
    "pycrfsuite._pycrfsuite": {"tempfile": (), "pycrfsuite._dumpparser": (), "pycrfsuite._logparser": ()},
}


class _LeanFinder:
    """Loads the modules of ``_DEFERRED`` with their stand-ins (``_WithStandIns``), once each;
    leaves ``sys.meta_path`` when all are loaded."""

    def __init__(self, names):
        self._pending = set(names)

    def find_spec(self, name, path=None, target=None):
        if name not in self._pending:
            return None
        self._pending.discard(name)
        if not self._pending:
            sys.meta_path.remove(self)
        for finder in sys.meta_path:
            if finder is self:
                continue
            spec = finder.find_spec(name, path, target) if hasattr(finder, "find_spec") else None
            if spec is not None:
                spec.loader = _WithStandIns(spec.loader, _DEFERRED[name])
                return spec
        return None


class _WithStandIns:
    def __init__(self, loader, deferred: dict[str, tuple[str, ...]]):
        self._loader = loader
        self._deferred = deferred

    def __getattr__(self, name):  # get_source, get_filename...: the real loader's
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        stand_ins = {name: _StandIn(name, functions) for name, functions in self._deferred.items()
                     if name not in sys.modules}
        sys.modules.update(stand_ins)
        try:
            self._loader.exec_module(module)
        finally:
            for name, stand_in in stand_ins.items():
                if sys.modules.get(name) is stand_in:
                    del sys.modules[name]


class _StandIn(types.ModuleType):
    """A module as a module of ``_DEFERRED`` imported it: the real module is
    imported when one of its names is first looked up, or one of ``functions`` called; while
    the importing module runs ``sys.modules`` holds the stand-in, afterwards any ``import`` gets
    the real module."""

    def __init__(self, name: str, functions: tuple[str, ...]):
        super().__init__(name)
        for function in functions:
            setattr(self, function, _deferred(name, function))

    def __getattr__(self, attr: str):
        if attr.startswith("__"):  # the import system's own questions (``__path__``...)
            raise AttributeError(attr)
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]  # looked up while the importing module runs: the real one from now on
        return getattr(importlib.import_module(name), attr)


def _deferred(module: str, function: str) -> Callable:
    def call(*args, **kwargs):
        return getattr(importlib.import_module(module), function)(*args, **kwargs)

    call.__name__ = call.__qualname__ = function
    return call


def lean_imports() -> None:
    """Have the first imports of Whoosh, numpy and pycrfsuite skip the modules they import for
    what a query never runs (``_DEFERRED``)."""
    names = [name for name in _DEFERRED if name not in sys.modules]
    if names and not any(isinstance(f, _LeanFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _LeanFinder(names))
