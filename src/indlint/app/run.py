"""The check pipeline over many files: read → lint → per-file ignores and suppressions, in one or more processes."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Iterable, Sequence

from indlint.core.config import Config
from indlint.judge.engine import Linter, internal_error, known_code, selected
from indlint.core.model import Finding
from indlint.read.files import read_path
from indlint.judge.suppress import (Suppression, apply, directive_suppressions, sidecar_suppressions,
                                   unknown_codes, unused)


@dataclass(frozen=True)
class FileResult:
    """What checking one file gave."""

    path: str
    forms: int
    rows: int
    findings: tuple[Finding, ...]
    notes: tuple[str, ...]
    used: frozenset[str]
    comments: tuple[Suppression, ...]
    hidden: int = 0                     # findings silenced by suppressions
    projects: tuple[str, ...] = ()      # the forms' project names (scope of sidecar entries)
    skipped: str | None = None          # why a file met in a folder walk was skipped (no table)


@dataclass(frozen=True)
class RunResult:
    """What checking all files gave: findings in input order, and notes for standard error."""

    files: tuple[FileResult, ...]
    notes: tuple[str, ...]
    hidden: int = 0                     # findings silenced by suppressions

    @property
    def findings(self) -> list[Finding]:
        """Every finding, file by file."""
        return [f for r in self.files for f in r.findings]

    @property
    def checked(self) -> tuple[FileResult, ...]:
        """The files that were checked (those skipped for holding no indicator table left out)."""
        return tuple(r for r in self.files if r.skipped is None)

    @property
    def skipped(self) -> int:
        """How many files a folder walk met that hold no indicator table (formats.md)."""
        return sum(1 for r in self.files if r.skipped is not None)

    @property
    def skipped_files(self) -> tuple[tuple[str, str], ...]:
        """(path, why) of the files skipped in a folder walk (listed in the HTML report)."""
        return tuple((r.path, r.skipped) for r in self.files if r.skipped is not None)


def check_file(linter: Linter, config: Config, path: str,
               sidecar: Sequence[Suppression] = (), walked: bool = False) -> FileResult:
    """Read and lint one file, then apply per-file ignores and suppressions.

    A failure inside indlint becomes one input.invalid finding for the file (内部错误), and
    the run goes on with the other files (formats.md). A file met in a folder walk that holds
    no indicator table is skipped without a finding; named on the command line, it is an
    input.invalid finding.
    """
    try:
        return _check_file(linter, config, path, sidecar, walked)
    except Exception as err:    # noqa: BLE001 - no crash ends a run
        return FileResult(path, 0, 0, (internal_error(path, err),), (), frozenset(), ())


def _check_file(linter: Linter, config: Config, path: str,
                sidecar: Sequence[Suppression], walked: bool) -> FileResult:
    doc = read_path(path)
    if walked and doc.no_table:
        return FileResult(path, 0, 0, (), (), frozenset(), (), skipped=doc.error or "没有指标表")
    ignored = config.ignored_for(path)
    findings = [f for f in linter.lint(doc)
                if not ignored or f.category == "input.invalid"
                or selected(linter.rule(f.rule), (), ignored)]
    comments = tuple(directive_suppressions(path, doc.comments))
    used: set[str] = set()
    outcome = apply(doc, findings, [*comments, *sidecar], used)
    notes = unknown_codes([*comments, *sidecar], lambda code: known_code(linter, code), used)
    return FileResult(path, len(doc.forms), sum(len(f.rows) for f in doc.forms),
                      outcome.findings, (*outcome.notes, *notes), frozenset(used), comments,
                      len(findings) - len(outcome.findings), tuple(f.project for f in doc.forms))


def check_paths(setups, paths, *rest, walked: frozenset[str] | set[str] = frozenset()) -> RunResult:
    """Check every file, in ``jobs`` processes when more than one (results keep input order).

    Called as ``check_paths(setups, paths, jobs=1, walked=…)``: ``setups`` gives each file's
    configuration and linter (app/configs.Setups). The one-configuration form
    ``check_paths(linter, config, paths, jobs=1)`` is kept for library callers.
    """
    if isinstance(paths, Config):
        setups, paths, rest = One(setups, paths), rest[0], rest[1:]
    jobs = rest[0] if rest else 1
    walked = rest[1] if len(rest) > 1 else walked
    tally = Tally()
    results = tuple(tally.see(r) for r in iter_results(setups, paths, jobs, tally, walked))
    return RunResult(results, tally.notes(), tally.hidden)


class One:
    """The same linter and configuration for every file (library use and tests)."""

    def __init__(self, linter: Linter, config: Config):
        self.linter, self.config = linter, config

    def setup_for(self, path: str):
        return None, self.linter, self.config


class Tally:
    """What must be known across files while results stream by: suppressions used and notes."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.every: dict[Suppression, None] = {}
        self._notes: dict[str, None] = {}
        self.hidden = 0
        self.paths: list[str] = []
        self.projects: set[str] = set()

    def see(self, result: FileResult) -> FileResult:
        """Record one file's suppressions and notes; return the result unchanged."""
        self.used |= result.used
        self.every.update(dict.fromkeys(result.comments))
        self._notes.update(dict.fromkeys(result.notes))
        self.hidden += result.hidden
        self.paths.append(result.path)
        self.projects.update(result.projects)
        return result

    def notes(self) -> tuple[str, ...]:
        """Every note, then the suppressions that silenced nothing among those this run checked.

        A sidecar entry for a file (or project) not checked this time is not called unused: a
        pre-commit run passes only the files that changed.
        """
        scoped = [s for s in self.every if self._in_scope(s)]
        return tuple(dict.fromkeys([*self._notes, *unused(scoped, self.used)]))

    def _in_scope(self, s: Suppression) -> bool:
        if s.line is not None:          # a comment stands in a file that was checked
            return True
        if s.file and not any(PurePath(p).match(s.file) for p in self.paths):
            return False
        return not s.project or s.project in self.projects


def iter_results(setups, paths: Iterable[str], jobs: int = 1, tally: Tally | None = None,
                 walked: frozenset[str] | set[str] = frozenset()):
    """Yield each file's result in input order (a stream: memory stays flat in the file count)."""
    paths = list(dict.fromkeys(paths))
    sidecars = {folder: tuple(sidecar_suppressions(Path(folder)))
                for folder in {os.path.dirname(p) or "." for p in paths}}
    if tally is not None:
        tally.every.update(dict.fromkeys(s for group in sidecars.values() for s in group))
    # Every configuration's linter is built here, once, before any worker starts.
    table: dict = {}
    tasks = []
    for p in paths:
        key, linter, config = setups.setup_for(p)
        table[key] = (linter, config)
        tasks.append((p, sidecars[os.path.dirname(p) or "."], key, p in walked))
    if jobs > 1 and len(tasks) > 1:
        yield from _parallel(table, tasks, jobs)
    else:
        yield from (_check(table, task) for task in tasks)


def _check(table: dict, task) -> FileResult:
    path, sidecar, key, walked = task
    linter, config = table[key]
    return check_file(linter, config, path, sidecar, walked)


# ---- several processes ------------------------------------------------------------------
# The linters (compiled selectors, lexicons, parsers), one per configuration, are built once in
# the parent and reach the workers by fork, as the initializer's argument; each worker keeps
# them for its tasks.
_WORKER: dict | None = None


def _init_worker(table: dict) -> None:
    global _WORKER
    _WORKER = table


def _work(task) -> FileResult:
    return _check(_WORKER, task)


def _parallel(table: dict, tasks, jobs: int):
    import multiprocessing      # only for --jobs: a one-file pre-commit run never pays for it
    from concurrent.futures import ProcessPoolExecutor

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:              # no fork on this platform: one process is always correct
        yield from (_check(table, task) for task in tasks)
        return
    chunk = max(1, min(64, len(tasks) // (jobs * 8)))
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker,
                             initargs=(table,)) as pool:
        yield from pool.map(_work, tasks, chunksize=chunk)
