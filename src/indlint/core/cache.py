"""A small on-disk cache of parsed rule and lexicon files, for when the shipped bundle is stale.

Parsing some fifty YAML rule and lexicon files costs about 40 ms of a cold start; reading the
same data back as one JSON file costs a few. The packaged files normally come parsed from the
bundle shipped in the package (core/bundle.py); this cache serves when they were edited after
the bundle was made (a source checkout, an installed copy changed). It is keyed by each source
file's name, size and modification time and by indlint's version, lives under the user's
cache folder (``$XDG_CACHE_HOME/indlint`` or ``~/.cache/indlint``; ``INDLINT_CACHE_DIR``
overrides, ``INDLINT_NO_CACHE=1`` turns it off), and is only ever an optimisation: any
problem reading or writing it falls back to parsing the sources. Entries are JSON (never
pickle), read through the safe reader, written without following links, and verified.
"""
from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from typing import Callable

from indlint import __version__
from indlint.core import safeio


#: Set by ``check --no-cache`` / ``--cache-dir`` for one run (configure); None: the environment decides.
_override: dict = {}


def configure(off: bool = False, folder: str | None = None) -> None:
    """Apply --no-cache and --cache-dir for this run (both override the environment)."""
    _override.clear()
    if off:
        _override["off"] = True
    if folder:
        _override["folder"] = Path(folder)


def disabled() -> bool:
    """Whether every cache is off (--no-cache or INDLINT_NO_CACHE)."""
    return bool(_override.get("off") or os.environ.get("INDLINT_NO_CACHE"))


def moved_to() -> Path | None:
    """The folder --cache-dir or INDLINT_CACHE_DIR names, if any."""
    folder = _override.get("folder") or os.environ.get("INDLINT_CACHE_DIR")
    return Path(folder) if folder else None


def user_folder() -> Path:
    """The user's cache folder for indlint ($XDG_CACHE_HOME/indlint or ~/.cache/indlint)."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg) / "indlint" if xdg else Path.home() / ".cache" / "indlint"


def cache_dir() -> Path | None:
    """The folder for cache files, or None when caching is off or the folder is not trusted."""
    if disabled():
        return None
    folder = moved_to() or user_folder()
    return folder if trusted(folder) else None


_warned: set[str] = set()


def trusted(folder: Path) -> bool:
    """Whether a cache folder may be used: owned by the user, not writable by group or others.

    A missing folder is created private (0700). A folder someone else can write is not used,
    with one notice on standard error: its files would be trusted input (README).
    """
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.stat(folder)
    except OSError:
        return False
    owner_ok = not hasattr(os, "geteuid") or info.st_uid == os.geteuid()
    if owner_ok and stat.S_ISDIR(info.st_mode) and not info.st_mode & 0o022:
        return True
    if str(folder) not in _warned:
        _warned.add(str(folder))
        sys.stderr.write(f"indlint: 缓存文件夹 {safeio.shown(folder)} 不属于当前用户或可被他人写入，"
                         f"本次不使用缓存\n")
    return False


def source_key(name: str, files: list) -> str:
    """A key that changes whenever any source file (path, size, mtime) or the version does."""
    import hashlib      # only when a cache folder is in use

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

    An entry is a JSON envelope holding indlint's version, the key, the payload's SHA-256 and
    the payload; one that is not exactly that (or whose payload is not a mapping with exactly
    ``keys``, when given) is ignored and rebuilt from the sources.
    """
    folder = cache_dir()
    if folder is None or not all(isinstance(f, (str, os.PathLike)) for f in files):
        return build()
    key = source_key(name, files)
    path = folder / f"{name}-{key}.json"
    data = _read_entry(path, key)
    if data is not None and (keys is None or isinstance(data, dict) and set(data) == set(keys)):
        return data
    data = build()
    import hashlib

    payload = json.dumps(data, ensure_ascii=False)
    envelope = {"indlint": __version__, "key": key,
                "sha256": hashlib.sha256(payload.encode()).hexdigest(), "payload": payload}
    _write(path, json.dumps(envelope, ensure_ascii=False))
    return data


def _read_entry(path: Path, key: str):
    import hashlib

    try:
        envelope = safeio.read_json(path, "cache", max_depth=2, follow_links=False)
        payload = envelope["payload"]
        if (envelope.get("indlint") != __version__ or envelope.get("key") != key
                or hashlib.sha256(payload.encode()).hexdigest() != envelope.get("sha256")):
            return None
        return safeio.load_json(payload, path)
    except (safeio.InputError, KeyError, TypeError, AttributeError, UnicodeEncodeError):
        return None


def _write(path: Path, text: str) -> None:
    write_quietly(path, text)


def write_quietly(path: Path, data: str | bytes) -> None:
    """Write a cache file atomically through the safe writer (no links); a failure is ignored."""
    from indlint.core.safewrite import write_file

    try:
        write_file(path, data, follow_links=False)
    except OSError:
        pass            # a read-only or full disk: run without the cache


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
