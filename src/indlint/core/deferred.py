"""Import a dependency with modules it imports, but a check never uses, loaded only on first use.

Lark imports getpass, pickle, tempfile (with shutil, bz2, lzma, random), hashlib (with OpenSSL)
and pkgutil at the top of its modules, for a grammar cache and grammar imports indlint never
uses (values/larktable.py ships the tables as JSON), and random for drawing Earley forests
(indlint parses with LALR); its logging imports traceback (with textwrap) for formatting
errors it never logs. Together about 8 ms of a 100 ms cold start (issue 16).
jieba's HMM tables (jieba.finalseg, 7 ms) and its dictionary cache (tempfile, and hashlib's
md5 with OpenSSL, 2 ms) serve what indlint never asks of it (judge/segment.py); urllib.parse,
under pathlib, imports ipaddress for IPv6 hosts (app/entry.py). While such a dependency is imported, each of those modules not yet
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
    """Stands in for a module: imports the real one on first attribute use and reads through.

    Meant for modules a dependency binds with ``import name``. A function it binds with
    ``from name import f`` can be deferred too (``functions``): it is bound to a function that
    imports the real module when called. A star import of a stand-in would bind nothing, so
    none is deferred that a dependency star-imports.
    """

    def __init__(self, name: str, functions: tuple[str, ...] = ()):
        super().__init__(name)
        for function in functions:
            setattr(self, function, _called_later(self, function))

    def __getattr__(self, attr: str):
        if attr.startswith("__"):
            raise AttributeError(attr)      # the import system's probes: no load for them
        return getattr(_real(self), attr)


def _real(stand_in: Deferred) -> types.ModuleType:
    """The module a stand-in stands for, imported now if it is not yet. (A function, not a
    method: a method's name would hide the module's own attribute of that name.)"""
    real = stand_in.__dict__.get("_real_module")
    if real is None:
        _leave(stand_in.__name__, stand_in)     # used while still standing in: load the real one
        real = stand_in.__dict__["_real_module"] = importlib.import_module(stand_in.__name__)
    return real


def _called_later(stand_in: Deferred, function: str):
    def call(*args, **kwargs):
        return getattr(_real(stand_in), function)(*args, **kwargs)
    call.__name__ = call.__qualname__ = function
    return call


@contextlib.contextmanager
def deferring(*names: str, functions: dict[str, tuple[str, ...]] | None = None) -> Iterator[None]:
    """Let the modules ``names`` (those not yet imported) stand in deferred for the block;
    ``functions`` names, by module, the functions a dependency takes from it at import."""
    placed = {name: Deferred(name, (functions or {}).get(name, ()))
              for name in names if name not in sys.modules}
    sys.modules.update(placed)
    try:
        yield
    finally:
        for name, stand_in in placed.items():
            _leave(name, stand_in)


def _leave(name: str, stand_in: Deferred) -> None:
    """Take a stand-in out of ``sys.modules`` (only it: a real module there stays)."""
    if sys.modules.get(name) is stand_in:
        sys.modules.pop(name, None)
