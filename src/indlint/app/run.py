"""The check pipeline over many files: read → lint → per-file ignores and suppressions, in one or more processes."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Iterable, Sequence

from indlint.core.config import Config
from indlint.judge.engine import Linter, internal_error, selected
from indlint.core.model import Finding
from indlint.read.files import read_path
from indlint.judge.suppress import Suppression, apply, directive_suppressions, sidecar_suppressions, unused


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


def check_file(linter: Linter, config: Config, path: str,
               sidecar: Sequence[Suppression] = ()) -> FileResult:
    """Read and lint one file, then apply per-file ignores and suppressions.

    A failure inside indlint becomes one input.invalid finding for the file (内部错误), and
    the run goes on with the other files (formats.md).
    """
    try:
        return _check_file(linter, config, path, sidecar)
    except Exception as err:    # noqa: BLE001 - no crash ends a run
        return FileResult(path, 0, 0, (internal_error(path, err),), (), frozenset(), ())


def _check_file(linter: Linter, config: Config, path: str,
                sidecar: Sequence[Suppression]) -> FileResult:
    doc = read_path(path)
    ignored = config.ignored_for(path)
    findings = [f for f in linter.lint(doc)
                if not ignored or f.category == "input.invalid"
                or selected(linter.rule(f.rule), (), ignored)]
    comments = tuple(directive_suppressions(path, doc.comments))
    used: set[str] = set()
    outcome = apply(doc, findings, [*comments, *sidecar], used)
    return FileResult(path, len(doc.forms), sum(len(f.rows) for f in doc.forms),
                      outcome.findings, outcome.notes, frozenset(used), comments,
                      len(findings) - len(outcome.findings), tuple(f.project for f in doc.forms))


def check_paths(linter: Linter, config: Config, paths: Iterable[str], jobs: int = 1) -> RunResult:
    """Check every file, in ``jobs`` processes when more than one (results keep input order)."""
    tally = Tally()
    results = tuple(tally.see(r) for r in iter_results(linter, config, paths, jobs, tally))
    return RunResult(results, tally.notes(), tally.hidden)


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


def iter_results(linter: Linter, config: Config, paths: Iterable[str], jobs: int = 1,
                 tally: Tally | None = None):
    """Yield each file's result in input order (a stream: memory stays flat in the file count)."""
    paths = list(dict.fromkeys(paths))
    sidecars = {folder: tuple(sidecar_suppressions(Path(folder)))
                for folder in {os.path.dirname(p) or "." for p in paths}}
    if tally is not None:
        tally.every.update(dict.fromkeys(s for group in sidecars.values() for s in group))
    tasks = [(p, sidecars[os.path.dirname(p) or "."]) for p in paths]
    if jobs > 1 and len(tasks) > 1:
        yield from _parallel(linter, config, tasks, jobs)
    else:
        yield from (check_file(linter, config, p, s) for p, s in tasks)


# ---- several processes ------------------------------------------------------------------
# The linter (compiled selectors, lexicons, parsers) is built once in the parent and reaches
# the workers by fork, as the initializer's argument; each worker keeps it for its tasks.
_WORKER: tuple[Linter, Config] | None = None


def _init_worker(linter: Linter, config: Config) -> None:
    global _WORKER
    _WORKER = (linter, config)


def _work(task: tuple[str, tuple[Suppression, ...]]) -> FileResult:
    linter, config = _WORKER
    return check_file(linter, config, task[0], task[1])


def _parallel(linter, config, tasks, jobs: int):
    import multiprocessing      # only for --jobs: a one-file pre-commit run never pays for it
    from concurrent.futures import ProcessPoolExecutor

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:              # no fork on this platform: one process is always correct
        yield from (check_file(linter, config, p, s) for p, s in tasks)
        return
    chunk = max(1, min(64, len(tasks) // (jobs * 8)))
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker,
                             initargs=(linter, config)) as pool:
        yield from pool.map(_work, tasks, chunksize=chunk)
