"""The check pipeline over many files: read → lint → per-file ignores and suppressions, in one or more processes."""
from __future__ import annotations

import os
from pathlib import Path, PurePath
from typing import Iterable, NamedTuple, Sequence

from indlint.core.config import Config
from indlint.judge.engine import Linter, internal_error, known_code, selected
from indlint.core.model import Document, Finding
from indlint.read.files import read_path
from indlint.judge.suppress import (Suppression, apply, directive_suppressions, sidecar_suppressions,
                                   unknown_codes, unused)


class FileResult(NamedTuple):
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
    shown: object = None                # a render hook's output; the findings are then left out


class RunResult(NamedTuple):
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
    return _checked({None: (linter, config)}, Task(path, tuple(sidecar), None, walked))[0]


def _checked(table: dict, task: Task, render=None) -> tuple[FileResult, object]:
    """Check one file; return its result (through ``render`` when given) and, when it may be
    cached, the payload to keep."""
    linter, config = table[task.setup]
    try:
        doc = read_path(task.path)
        findings = [] if doc.no_table and task.walked else linter.lint(doc)
        result = finish(linter, config, task, doc, findings)
    except Exception as err:    # noqa: BLE001 - no crash ends a run
        failed = FileResult(task.path, 0, 0, (internal_error(task.path, err),), (), frozenset(), ())
        return (render(failed) if render else failed), None
    if render is not None:
        result = render(result)
    if not _cacheable(task, doc):
        return result, None
    from indlint.app.cached import to_payload

    return result, to_payload(doc, findings)


def _cacheable(task: Task, doc: Document) -> bool:
    """Whether a fresh result may be kept: the file was read and holds a table, and it still
    holds the bytes its key was made from (not edited meanwhile). A file that could not be read
    is read again next time: the cause may lie outside it (a missing optional reader)."""
    if not task.content or doc.no_table or doc.error is not None:
        return False
    from indlint.app.cached import content_key

    return content_key(task.path)[0] == task.content


def finish(linter: Linter, config: Config, task: Task, doc: Document, findings: Sequence[Finding],
           counts: tuple | None = None) -> FileResult:
    """Apply per-file ignores and suppressions to a file's findings (fresh or cached).

    ``counts`` (forms, rows, projects) stand in for the document's when it is a cached outline.
    """
    path = task.path
    if task.walked and doc.no_table:
        return FileResult(path, 0, 0, (), (), frozenset(), (), skipped=doc.error or "没有指标表")
    ignored = config.ignored_for(path)
    if ignored:
        findings = [f for f in findings if f.category == "input.invalid"
                    or selected(linter.rule(f.rule), (), ignored)]
    comments = tuple(directive_suppressions(path, doc.comments))
    used: set[str] = set()
    outcome = apply(doc, findings, [*comments, *task.sidecar], used)
    notes = unknown_codes([*comments, *task.sidecar], lambda code: known_code(linter, code), used)
    forms, rows, projects = counts or (len(doc.forms), sum(len(f.rows) for f in doc.forms),
                                       tuple(f.project for f in doc.forms))
    return FileResult(path, forms, rows, outcome.findings, (*outcome.notes, *notes),
                      frozenset(used), comments, len(findings) - len(outcome.findings), projects)


def check_paths(setups, paths, *rest, walked: frozenset[str] | set[str] = frozenset(),
                caches=None) -> RunResult:
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
    results = tuple(tally.see(r) for r in iter_results(setups, paths, jobs, tally, walked, caches))
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
                 walked: frozenset[str] | set[str] = frozenset(), caches=None, render=None):
    """Yield each file's result in input order (a stream: memory stays flat in the file count).

    With result caches (app/cached.Caches), an unchanged file's findings come from its entry
    (no reading, no rules); per-file ignores and suppressions are applied afresh either way.
    ``render`` (FileResult → FileResult) is applied to every result where it is made: in a
    worker process, it turns the findings into the text to write, so that no Finding object
    is pickled to the parent and back (most of the parent's share of a parallel run).
    """
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
        tasks.append(Task(p, sidecars[os.path.dirname(p) or "."], key, p in walked))
    _settle(table)
    try:
        if caches is not None:
            tasks = [caches.look_up(t, *table[t.setup]) for t in tasks]
        misses = [t for t in tasks if t.payload is None]
        done = iter(())
        if misses:
            done = _parallel(table, misses, jobs, render) if _worth_processes(misses, jobs) \
                else (_checked(table, t, render) for t in misses)
        for task in tasks:
            if task.payload is not None:
                result = _from_cache(table, caches, task)
                if result is not None:
                    yield render(result) if render else result
                    continue
                result, payload = _checked(table, task, render)     # a wrong entry: check again
            else:
                result, payload = next(done)
            if caches is not None and payload is not None:
                caches.put(task, payload)
            yield result
    finally:
        if caches is not None:
            caches.save()


def _settle(table: dict) -> None:
    """Keep the garbage collector off the linters: they live for the whole run, and without
    this every full collection walks their lexicons and compiled rules again. No collection
    first: building them leaves a few dozen unreachable objects, not worth a full pass over
    every object of the process (several ms of a one-file run)."""
    import gc

    gc.freeze()


class Task(NamedTuple):
    """One file to check: its sidecar suppressions, configuration key, whether a folder walk met
    it, its content key (when the result cache is on) and any cached entry."""

    path: str
    sidecar: tuple[Suppression, ...]
    setup: str | None = None
    walked: bool = False
    content: str | None = None
    size: int = 0
    payload: object = None


def _from_cache(table: dict, caches, task: Task):
    """The file's result from its entry, or None (the entry is dropped) when it is wrong."""
    from indlint.app.cached import from_payload

    linter, config = table[task.setup]
    try:
        doc, findings, counts = from_payload(task.path, task.payload)
        return finish(linter, config, task, doc, findings, counts)
    except Exception:   # noqa: BLE001 - a wrong entry is a miss, never a crash
        caches.drop(task)
        return None


# ---- several processes ------------------------------------------------------------------
# The linter (compiled selectors, lexicons, parsers) is built once in the parent and reaches
# the workers by fork, as the initializer's argument; each worker keeps it for its batches.
_WORKER: dict | None = None
#: Below this many bytes of forms to check (about 5,000 rows, well under a second) one process
#: is faster than starting several.
SMALL_WORK = 1_000_000


def effective_jobs(jobs: int) -> int:
    """--jobs 0 means every core this process may use."""
    if jobs > 0:
        return jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _worth_processes(tasks: list[Task], jobs: int) -> bool:
    if effective_jobs(jobs) < 2 or len(tasks) < 2:
        return False
    return sum(t.size or _size(t.path) for t in tasks) >= SMALL_WORK


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _init_worker(table: dict, render) -> None:
    global _WORKER
    _WORKER = {"table": table, "render": render}


def _work(batch: list[Task]) -> list[tuple[FileResult, object]]:
    table, render = _WORKER["table"], _WORKER["render"]
    return [_checked(table, t, render) for t in batch]


def batches(tasks: list[Task], jobs: int) -> list[list[Task]]:
    """Consecutive tasks in batches of about equal bytes (rows), sixteen per process at least.

    Small enough that results stream steadily and no process holds many files' findings at
    once; large enough (64 KB, about 300 rows) that sending them costs little. The last
    ``jobs`` batches' worth of bytes goes in quarter-size batches, so that the processes
    finish together (the run waits for the last one).
    """
    sizes = [t.size or _size(t.path) for t in tasks]
    total = sum(sizes)
    target = max(64_000, total // (jobs * 16))
    tail = total - jobs * target            # from here on, quarter-size batches
    out: list[list[Task]] = [[]]
    weight = done = 0
    for task, size in zip(tasks, sizes):
        limit = target if done < tail else max(16_000, target // 4)
        if out[-1] and weight + size > limit:
            out.append([])
            weight = 0
        out[-1].append(task)
        weight += size
        done += size
    return out


def _parallel(table: dict, tasks: list[Task], jobs: int, render=None):
    import multiprocessing      # only for --jobs: a one-file pre-commit run never pays for it
    from concurrent.futures import ProcessPoolExecutor

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:              # no fork on this platform: one process is always correct
        yield from (_checked(table, t, render) for t in tasks)
        return
    jobs = effective_jobs(jobs)
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker,
                             initargs=(table, render)) as pool:
        futures = [pool.submit(_work, b) for b in batches(tasks, jobs)]
        for future in futures:          # in input order: results stream as batches finish
            yield from future.result()
