"""Jobs and their files in one private temporary folder, kept under unguessable ids for a limited time."""
from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

_ID = re.compile(r"^[A-Za-z0-9_-]{32}$")
MAX_NAME = 120
#: Jobs kept at once; beyond it a new batch is refused as busy (disk and memory stay bounded).
MAX_JOBS = 200


def client_name(raw: str | None) -> str:
    """The base name of a client's file name, for display and the JSON ``path`` only.

    Both slash kinds count as separators (a Windows browser may send a full path); control and
    format characters are dropped; the name is never used to build a path on the server.
    """
    base = re.split(r"[\\/]", raw or "")[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    if base in ("", ".", ".."):
        base = "未命名"
    if len(base) > MAX_NAME:
        stem, dot, suffix = base.rpartition(".")
        base = (stem[:MAX_NAME - len(suffix) - 1] + "." + suffix) if dot and len(suffix) < 10 \
            else base[:MAX_NAME]
    return base


def suffix_of(name: str, allowed: tuple[str, ...]) -> str:
    """The lowered suffix of a client's name if it is one indlint reads, else ''."""
    suffix = os.path.splitext(name)[1].lower()
    return suffix if suffix in allowed else ""


@dataclass(frozen=True)
class Download:
    """A file a job offers: a fixed key in the URL, a client-facing name, the server file."""

    key: str
    label: str
    filename: str
    path: str
    media_type: str


@dataclass
class Upload:
    """One uploaded file: the client's base name and where the server keeps it."""

    name: str
    path: str
    size: int = 0


@dataclass
class Job:
    """One batch: its folder, its files, how far the check has got and what it offers."""

    id: str
    folder: Path
    created: float
    profile: str = "default"
    uploads: list[Upload] = field(default_factory=list)
    state: str = "receiving"            # receiving → queued → running → done | failed
    done: int = 0
    message: str = ""
    summary: dict = field(default_factory=dict)
    files: list[dict] = field(default_factory=list)
    downloads: dict[str, Download] = field(default_factory=dict)

    def new_path(self, suffix: str) -> str:
        """A server-chosen path for the next upload (numbered; the client's name never appears)."""
        return str(self.folder / "in" / f"{len(self.uploads) + 1:03d}{suffix}")

    def out_path(self, name: str) -> str:
        """A server-chosen path for an output of this job."""
        return str(self.folder / "out" / name)

    def status(self) -> dict:
        """What the page polls: state, progress, and the results once done."""
        out = {"id": self.id, "state": self.state, "done": self.done, "total": len(self.uploads),
               "message": self.message}
        if self.state == "done":
            out |= {"summary": self.summary, "files": self.files,
                    "downloads": [{"key": d.key, "label": d.label, "filename": d.filename,
                                   "url": f"/jobs/{self.id}/download/{d.key}"}
                                  for d in self.downloads.values()]}
        return out


class JobStore:
    """Every job under one private folder (mode 700); expired jobs are deleted with their files."""

    def __init__(self, keep_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.root = Path(tempfile.mkdtemp(prefix="indlint-serve-"))     # mode 0700
        self.keep = keep_seconds
        self.clock = clock
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def create(self, profile: str = "default") -> Job | None:
        """A new job with its own folders, or None when too many are kept."""
        self.sweep()
        with self._lock:
            if len(self._jobs) >= MAX_JOBS:
                return None
            job_id = secrets.token_urlsafe(24)
            folder = self.root / job_id
            for sub in ("", "in", "out"):
                os.mkdir(folder / sub, 0o700)
            job = self._jobs[job_id] = Job(job_id, folder, self.clock(), profile)
        return job

    def get(self, job_id: str) -> Job | None:
        """The job under this id, unless it is unknown or has expired."""
        self.sweep()
        if not _ID.match(job_id or ""):
            return None
        with self._lock:
            return self._jobs.get(job_id)

    def discard(self, job: Job) -> None:
        """Delete a job and its files now."""
        with self._lock:
            self._jobs.pop(job.id, None)
        shutil.rmtree(job.folder, ignore_errors=True)

    def sweep(self) -> int:
        """Delete every job older than the lifetime; return how many went."""
        now = self.clock()
        with self._lock:
            old = [j for j in self._jobs.values()
                   if now - j.created > self.keep and j.state not in ("queued", "running")]
            for job in old:
                del self._jobs[job.id]
        for job in old:
            shutil.rmtree(job.folder, ignore_errors=True)
        return len(old)

    def close(self) -> None:
        """Delete everything (the server stops)."""
        with self._lock:
            self._jobs.clear()
        shutil.rmtree(self.root, ignore_errors=True)


def write_private(path: str, data: bytes = b"") -> int:
    """Create a new file readable by this user only (never follows or replaces an existing one)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return len(data)
