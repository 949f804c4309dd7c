"""What a vnsearch process imports, kept to what it uses: names of a package imported on
first use (PEP 562), so that importing the package costs nothing (`vnsearch query` loads the
search pipeline and not the index writer, `vnsearch index` the writer and not the search
pipeline); and Whoosh without the module of its own that it never uses (``lean_whoosh``)."""

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


class _WhooshCompatFinder:
    """Loads ``whoosh.compat`` without ``urllib.request``.

    Whoosh 2.7.4's ``compat`` (imported by every Whoosh module) imports ``urllib.request``
    for ``urlretrieve``, which no Whoosh code calls; with it come http.client, email, ssl and
    tempfile, about 18 ms of every query process. While ``whoosh.compat`` runs, a stand-in
    ``urllib.request`` gives it an ``urlretrieve`` that imports the real one when called;
    afterwards the stand-in is gone, and any ``import urllib.request`` loads the real module."""

    def find_spec(self, name, path=None, target=None):
        if name != "whoosh.compat":
            return None
        sys.meta_path.remove(self)  # once: whoosh.compat is loaded one time
        for finder in sys.meta_path:
            spec = finder.find_spec(name, path, target) if hasattr(finder, "find_spec") else None
            if spec is not None:
                spec.loader = _WithoutUrllib(spec.loader)
                return spec
        return None


class _WithoutUrllib:
    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, name):  # get_source, get_filename...: the real loader's
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        if "urllib.request" in sys.modules:
            self._loader.exec_module(module)
            return
        stand_in = types.ModuleType("urllib.request")
        stand_in.urlretrieve = _urlretrieve
        sys.modules["urllib.request"] = stand_in
        try:
            self._loader.exec_module(module)
        finally:
            if sys.modules.get("urllib.request") is stand_in:
                del sys.modules["urllib.request"]


def _urlretrieve(*args, **kwargs):
    from urllib.request import urlretrieve

    return urlretrieve(*args, **kwargs)


def lean_whoosh() -> None:
    """Have the first import of Whoosh skip ``urllib.request`` (``_WhooshCompatFinder``)."""
    if "whoosh.compat" not in sys.modules and not any(isinstance(f, _WhooshCompatFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _WhooshCompatFinder())
