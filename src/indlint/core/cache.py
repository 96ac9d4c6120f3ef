"""A small on-disk cache of parsed rule and lexicon files, so a pre-commit run starts fast.

Parsing some fifty YAML rule and lexicon files costs about 50 ms, a third of a cold start;
reading the same data back as one JSON file costs a few. The cache is keyed by each source
file's name, size and modification time and by indlint's version, lives under the user's
cache folder (``$XDG_CACHE_HOME/indlint`` or ``~/.cache/indlint``; ``INDLINT_CACHE_DIR``
overrides, ``INDLINT_NO_CACHE=1`` turns it off), and is only ever an optimisation: any
problem reading or writing it falls back to parsing the sources.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Callable

from indlint import __version__


def cache_dir() -> Path | None:
    """The folder for cache files, or None when caching is off."""
    if os.environ.get("INDLINT_NO_CACHE"):
        return None
    base = os.environ.get("INDLINT_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg) / "indlint" if xdg else Path.home() / ".cache" / "indlint"


def source_key(name: str, files: list) -> str:
    """A key that changes whenever any source file (path, size, mtime) or the version does."""
    digest = hashlib.sha256(f"{name}\0{__version__}".encode())
    for file in files:
        try:
            st = os.stat(str(file))
            digest.update(f"\0{file}\0{st.st_size}\0{st.st_mtime_ns}".encode())
        except OSError:
            digest.update(f"\0{file}\0missing".encode())
    return digest.hexdigest()[:32]


def cached_json(name: str, files: list, build: Callable[[], dict], keys=None) -> dict:
    """Return build()'s mapping, read from the cache when the sources are unchanged.

    A cached file that is not a mapping with exactly ``keys`` (when given) is rebuilt.
    """
    folder = cache_dir()
    if folder is None or not all(isinstance(f, (str, os.PathLike)) for f in files):
        return build()
    path = folder / f"{name}-{source_key(name, files)}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and (keys is None or set(data) == set(keys)):
            return data
    except (OSError, ValueError):
        pass
    data = build()
    _write(path, json.dumps(data, ensure_ascii=False))
    return data


def _write(path: Path, text: str) -> None:
    import tempfile     # only on the first run after a change: reading the cache needs none

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError:
        pass            # a read-only home: run without the cache


#: Entries an in-memory cache keeps before it starts afresh (memory flat over a big run).
MAX_ENTRIES = 8_192


def remember(store: dict, key, make: Callable[[], object]):
    """Return store[key], making and keeping it first; a full store is emptied, not grown."""
    found = store.get(key)
    if found is None:
        if len(store) >= MAX_ENTRIES:
            store.clear()
        found = store[key] = make()
    return found


def lark_cache_path(grammar: str) -> str | bool:
    """Where Lark may keep its serialised parser (a file in the cache folder), or False."""
    folder = cache_dir()
    if folder is None:
        return False
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    digest = hashlib.sha256(f"{grammar}\0{__version__}".encode()).hexdigest()[:32]
    return str(folder / f"target-lark-{digest}.pickle")
