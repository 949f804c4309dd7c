"""Names of a package imported on first use (PEP 562), so that importing the package costs
nothing: `vnsearch query` loads the search pipeline and not the index writer, `vnsearch index`
the writer and not the search pipeline."""

from __future__ import annotations

import importlib
import sys
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
