"""Import a dependency with modules it imports, but a check never uses, loaded only on first use.

Lark imports getpass, pickle, tempfile (with shutil, bz2, lzma, random), hashlib (with OpenSSL)
and pkgutil at the top of its modules, for a grammar cache and grammar imports indlint never
uses (values/larktable.py ships the tables as JSON), and its logging imports traceback
(with textwrap) for formatting errors it never logs: about 7 ms of a 100 ms cold start
(issue 16). jieba's HMM tables (jieba.finalseg, 7 ms) and its dictionary cache (tempfile)
serve what indlint never asks of it (judge/segment.py). While such a dependency is imported, each of those modules not yet
imported stands in ``sys.modules`` as a ``Deferred``: the dependency binds it, and its first
attribute use imports the real module and reads through. Afterwards the stand-ins leave
``sys.modules``, so every other importer gets the real module as usual.

(``importlib.util.LazyLoader`` does not serve here: on Python 3.11 the import statement itself
reads the lazy module's ``__spec__``, which loads it.)
"""
from __future__ import annotations

import contextlib
import importlib
import sys
import types
from typing import Iterator


class Deferred(types.ModuleType):
    """Stands in for a module: imports the real one on first attribute use and reads through."""

    def __getattr__(self, attr: str):
        if attr.startswith("__"):
            raise AttributeError(attr)      # the import system's probes: no load for them
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]  # used while still standing in: load the real one
        return getattr(importlib.import_module(self.__name__), attr)


@contextlib.contextmanager
def deferring(*names: str) -> Iterator[None]:
    """Let the modules ``names`` (those not yet imported) stand in deferred for the block."""
    placed = [name for name in names if name not in sys.modules]
    for name in placed:
        sys.modules[name] = Deferred(name)
    try:
        yield
    finally:
        for name in placed:
            if isinstance(sys.modules.get(name), Deferred):
                del sys.modules[name]
