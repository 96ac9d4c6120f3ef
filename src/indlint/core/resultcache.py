"""The result cache: each file's findings kept by content hash, so an unchanged file is not read again.

As ruff's: an entry is reused only when the file's bytes (SHA-256), the run's fingerprint
(indlint's version and code, the rules and lexicons, user rule folders, profile, selection and
severities) and the file's path all match. Entries live in ``.indlint_cache/`` beside the
configuration file, else at the repository root, else in the user's cache folder
(``--cache-dir`` / ``INDLINT_CACHE_DIR`` move it, ``--no-cache`` / ``INDLINT_NO_CACHE`` turn it
off). The folder holds a ``.gitignore`` of ``*`` and is used only when it is the user's own and
nobody else can write it. Entries are JSON (never pickle), in a few shard files per
fingerprint, read through the safe reader (bounded, no links), checked by SHA-256, written
atomically through the safe writer, and pruned by age and size. Anything wrong with an entry
makes it a miss: the file is checked again and the entry rewritten.

A shard is three parts: a header line (JSON: magic, version, fingerprint, SHA-256 of the rest),
an index line (JSON: path → [content key, last used, payload length in bytes]), then the
entries' payloads (compact JSON, UTF-8) one after another in index order. A payload is parsed
once, when its file is checked (not first as a string inside the shard, then again).
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from indlint import __version__
from indlint.core import cache, safeio

FOLDER = ".indlint_cache"
SHARDS = 16                         # a one-file run reads one shard, not the whole project
#: A shard larger than this (JSON bytes) drops its oldest entries first (safeio caps reads at 16 MiB).
MAX_SHARD_BYTES = 12 * 1024 * 1024
#: An entry not used for this long is dropped when its shard is next written.
MAX_AGE = 30 * 24 * 3600
#: Shard files of other fingerprints (old versions, old rule sets) older than this are deleted.
STALE_AGE = 7 * 24 * 3600
#: Shard sets of other fingerprints kept (a switch back to another profile stays fast).
KEEP_OTHER = 3
_MAGIC = "indlint-results-2"


def results_folder(config_path: str | None, start: Path | None = None) -> Path | None:
    """Where the result cache lives (None when caching is off or the folder is not trusted)."""
    if cache.disabled():
        return None
    moved = cache.moved_to()
    if moved is not None:
        folder = moved
    elif config_path:
        folder = Path(config_path).resolve().parent / FOLDER
    else:
        root = repository_root(start or Path.cwd())
        folder = root / FOLDER if root else cache.user_folder()
    if not cache.trusted(folder):
        return None
    _mark(folder)
    return folder


def repository_root(start: Path) -> Path | None:
    """The nearest folder at or above start holding .git (a folder, or a worktree's file)."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if os.path.lexists(folder / ".git"):
            return folder
    return None


def _mark(folder: Path) -> None:
    """A .gitignore of ``*`` (git never lists the cache); written once."""
    ignore = folder / ".gitignore"
    if not os.path.lexists(ignore):
        cache.write_quietly(ignore, "# 由 indlint 自动创建\n*\n")


def digest(data: bytes) -> str:
    """The content key of a file."""
    return hashlib.sha256(data).hexdigest()


class ResultCache:
    """The entries of one fingerprint in one folder: read shard by shard, written on save()."""

    def __init__(self, folder: Path, fingerprint: str):
        self.folder, self.fingerprint = folder, fingerprint
        self._shards: dict[int, dict] = {}
        self._dirty: set[int] = set()
        self._now = int(time.time())

    def _shard_of(self, path: str) -> int:
        return int(hashlib.sha1(path.encode("utf-8", "surrogateescape")).hexdigest()[:4], 16) % SHARDS

    def _file(self, shard: int) -> Path:
        return self.folder / f"results-{self.fingerprint[:24]}-{shard:02d}.json"

    def _load(self, shard: int) -> dict:
        entries = self._shards.get(shard)
        if entries is None:
            entries = self._shards[shard] = self._read(self._file(shard))
        return entries

    def _read(self, file: Path) -> dict:
        try:
            data = safeio.read_bytes(file, "cache", follow_links=False)
            head, _, body = data.partition(b"\n")
            header = json.loads(head)
            if (header.get("magic") != _MAGIC or header.get("key") != self.fingerprint
                    or header.get("sha256") != hashlib.sha256(body).hexdigest()):
                return {}
            return _entries(body)
        except (safeio.InputError, ValueError, RecursionError, AttributeError, TypeError):
            return {}       # missing, refused, corrupt or foreign: every file is a miss

    def get(self, path: str, key: str) -> bytes | None:
        """The payload (JSON as UTF-8 bytes, parsed by the caller when it is used) kept for
        path with content key ``key``, or None."""
        shard = self._shard_of(path)
        entry = self._load(shard).get(path)
        if entry is None or entry[0] != key:
            return None
        if self._now - entry[1] > 3600:       # refresh the age (pruning) at most hourly
            entry[1] = self._now
            self._dirty.add(shard)
        return entry[2]

    def put(self, path: str, key: str, payload) -> None:
        """Keep a payload (JSON-able) for path with content key ``key``.

        Kept as JSON bytes until it is used: a few long strings, not millions of small objects
        the garbage collector would walk again and again over a big run.
        """
        shard = self._shard_of(path)
        self._load(shard)[path] = [key, self._now, _dumps(payload)]
        self._dirty.add(shard)

    def drop(self, path: str) -> None:
        """Forget an entry found wrong (it is rewritten when the file is checked again)."""
        shard = self._shard_of(path)
        if self._load(shard).pop(path, None) is not None:
            self._dirty.add(shard)

    def save(self) -> None:
        """Write the changed shards (pruned), then delete old shards of other fingerprints."""
        for shard in sorted(self._dirty):
            body = _pruned(self._shards[shard], self._now)
            header = json.dumps({"magic": _MAGIC, "indlint": __version__, "key": self.fingerprint,
                                 "sha256": hashlib.sha256(body).hexdigest()})
            cache.write_quietly(self._file(shard), header.encode() + b"\n" + body)
        self._dirty.clear()
        self._sweep()

    def _sweep(self) -> None:
        """Delete other fingerprints' shards: those older than STALE_AGE, and all but the
        KEEP_OTHER most recently written sets (each upgrade or rule edit starts a new set)."""
        mine = f"results-{self.fingerprint[:24]}-"
        groups: dict[str, list] = {}
        try:
            for name in os.listdir(self.folder):
                if name.startswith("results-") and not name.startswith(mine):
                    mtime = os.lstat(self.folder / name).st_mtime
                    groups.setdefault(name[:len(mine)], []).append((mtime, name))
        except OSError:
            return
        newest = sorted(groups, key=lambda g: max(groups[g]), reverse=True)
        for rank, group in enumerate(newest):
            for mtime, name in groups[group]:
                if rank >= KEEP_OTHER or self._now - mtime > STALE_AGE:
                    try:
                        os.unlink(self.folder / name)
                    except OSError:
                        pass


def _entries(body: bytes) -> dict:
    """path → [content key, last used, payload bytes] of a shard's index and payloads; raise
    ValueError when they do not fit each other exactly."""
    index, _, payloads = body.partition(b"\n")
    listed = json.loads(index)
    if not isinstance(listed, dict):
        raise ValueError("shard index is not an object")
    entries, start = {}, 0
    for path, entry in listed.items():
        if not (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], str)
                and all(type(n) is int and n >= 0 for n in entry[1:])):
            raise ValueError("wrong shard index entry")
        end = start + entry[2]
        entries[path] = [entry[0], entry[1], payloads[start:end]]
        start = end
    if start != len(payloads):
        raise ValueError("shard payloads do not match the index")
    return entries


def _pruned(entries: dict, now: int) -> bytes:
    """The shard's index and payloads: entries older than MAX_AGE dropped, then the oldest
    until it fits."""
    for path in [p for p, e in entries.items() if now - e[1] > MAX_AGE]:
        del entries[path]
    body = _body(entries)
    while len(body) > MAX_SHARD_BYTES and entries:
        oldest = sorted(entries, key=lambda p: entries[p][1])
        for path in oldest[:max(1, len(oldest) // 4)]:
            del entries[path]
        body = _body(entries)
    return body


def _body(entries: dict) -> bytes:
    index = {path: [key, used, len(payload)] for path, (key, used, payload) in entries.items()}
    return _dumps(index) + b"\n" + b"".join(payload for _, _, payload in entries.values())


def _dumps(value) -> bytes:
    """Compact UTF-8 JSON (never a raw line break); a file name that is not UTF-8 (lone
    surrogates) is kept as a \\u escape."""
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    except UnicodeEncodeError:
        return json.dumps(value, separators=(",", ":")).encode()
