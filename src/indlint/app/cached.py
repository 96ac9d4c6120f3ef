"""What the result cache keeps of a checked file, and the fingerprint of a run its entries belong to."""
from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from indlint import __version__
from indlint.core import resources, safeio
from indlint.core.model import FINDING_FIELDS, Document, Finding, Form, Pos, Row, Severity, findings_of
from indlint.core.resultcache import ResultCache, digest, results_folder

_SEVERITIES = {s.value: s for s in Severity}
_EMPTY: dict = {}


class Caches:
    """The result caches of a run: one per configuration (its folder, its rules' fingerprint)."""

    def __init__(self, profile: str | None = None):
        self.profile = profile          # --profile, which overrides each configuration's
        self._by_setup: dict = {}

    def _cache(self, setup, linter, config) -> ResultCache | None:
        if setup not in self._by_setup:
            folder = results_folder(config.path)
            self._by_setup[setup] = None if folder is None else ResultCache(
                folder, fingerprint(linter, self.profile or config.profile, config.rule_paths))
        return self._by_setup[setup]

    def look_up(self, task, linter, config):
        """The task with its content key and its cached entry (if any)."""
        cache = self._cache(task.setup, linter, config)
        if cache is None:
            return task
        key, size = content_key(task.path)
        return task._replace(content=key, size=size,
                             payload=cache.get(task.path, key) if key else None)

    def put(self, task, payload) -> None:
        """Keep a checked file's entry."""
        cache = self._by_setup.get(task.setup)
        if cache is not None and task.content:
            cache.put(task.path, task.content, payload)

    def drop(self, task) -> None:
        """Forget a wrong entry."""
        cache = self._by_setup.get(task.setup)
        if cache is not None:
            cache.drop(task.path)

    def save(self) -> None:
        """Write every cache's changed shards."""
        for cache in self._by_setup.values():
            if cache is not None:
                cache.save()


def fingerprint(linter, profile: str, rule_paths) -> str:
    """What findings depend on besides the file: indlint's version and code, the packaged
    rules, lexicons and grammar, user rule folders (by content), the profile, the active rules
    and their severities. Per-file ignores and suppressions are applied after the cache."""
    h = hashlib.sha256(f"{__version__}\0{sys.version_info[:2]}\0{profile}".encode())
    for root in (Path(__file__).resolve().parents[1], resources.data_root("rules"),
                 resources.data_root("grammar")):
        _tree_stats(h, Path(str(root)))
    for folder in rule_paths:
        for file in sorted(Path(folder).rglob("*.yaml")):
            try:
                h.update(f"\0{file}\0".encode() + safeio.read_bytes(file, "rule"))
            except safeio.InputError:
                h.update(f"\0{file}\0unreadable".encode())
    h.update("\0".join(r.id for r in linter.rules).encode())
    h.update(repr(sorted((k, v.value) for k, v in linter.severities.items())).encode())
    return h.hexdigest()


def _tree_stats(h, root: Path) -> None:
    """Names, sizes and times of the files under root (a reinstall or an edit changes them)."""
    for folder, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        for name in sorted(files):
            if name.endswith((".pyc", ".tmp")):
                continue
            try:
                info = os.stat(os.path.join(folder, name))
            except OSError:
                continue
            h.update(f"\0{folder}/{name}\0{info.st_size}\0{info.st_mtime_ns}".encode())


def content_key(path: str) -> tuple[str | None, int]:
    """(SHA-256 of the file's bytes, size); (None, 0) when it cannot be read (never cached)."""
    try:
        data = safeio.read_bytes(path, "form")
    except safeio.InputError:
        return None, 0
    return digest(data), len(data)


def to_payload(doc: Document, findings) -> list:
    """A file's entry: forms, rows, projects, directive comments, row lines, the findings by
    column (one list per field: fewer objects to parse and check than one list per finding)."""
    starts = [[f.index, r.index, r.pos.line] for f in doc.forms for r in f.rows] \
        if doc.comments else []
    columns = [[f.severity.value for f in findings] if n == "severity" else
               [getattr(f, n) for f in findings] for n in _FIELDS] if findings else []
    return [len(doc.forms), sum(len(f.rows) for f in doc.forms), [f.project for f in doc.forms],
            [list(c) for c in doc.comments], starts, columns, bool(doc.no_table)]


def from_payload(path: str, payload: str | bytes) -> tuple[Document, list[Finding], tuple]:
    """(document outline, findings, (forms, rows, projects)) of an entry's JSON; raise
    when it is malformed (the entry is then dropped and the file checked again).

    The outline holds the directive comments and, when there are any, each row's first line
    (what suppression comments are matched against); nothing else of the file is kept.
    """
    import json

    forms, rows, projects, comments, starts, columns, no_table = json.loads(payload)
    _check(isinstance(no_table, bool) and isinstance(forms, int) and isinstance(rows, int) and isinstance(projects, list)
           and len(projects) == forms and all(isinstance(p, str) for p in projects))
    _check(all(isinstance(n, int) and isinstance(t, str) for n, t in comments))
    doc = Document(path, _outline(starts), comments=tuple(map(tuple, comments)), no_table=no_table)
    return doc, _findings(path, columns), (forms, rows, tuple(projects))


def _outline(starts: list) -> tuple[Form, ...]:
    by_form: dict[int, list[Row]] = {}
    for form, row, line in starts:
        _check(isinstance(form, int) and isinstance(row, int) and isinstance(line, int))
        by_form.setdefault(form, []).append(Row(row, _EMPTY, Pos(line, 1)))
    return tuple(Form(i, _EMPTY, _EMPTY, tuple(body), Pos(1, 1)) for i, body in by_form.items())


#: The fields a finding is kept by (all but its path, which the entry's key holds), in order.
_FIELDS = FINDING_FIELDS[1:]
_NONE = type(None)
#: The types each kept field may hold (exact types: a JSON true is not an int); any other
#: field (project, indicator, cell, location …) is text or null. Severity is text checked apart.
_TYPES = {"form": {_NONE, int}, "row": {_NONE, int}, "line": {int}, "column": {int},
          "rule": {str}, "category": {str}, "message": {str}, "suggestion": {str},
          "severity": {str}}
_COLUMN_TYPES = tuple(_TYPES.get(name, {_NONE, str}) for name in _FIELDS)
_SEVERITY_AT = _FIELDS.index("severity")


def _findings(path: str, columns) -> list[Finding]:
    """The findings of an entry, checked column by column (each column's set of types at once,
    not each value through a helper); raise ValueError when any value is of the wrong kind."""
    _check(type(columns) is list)
    if not columns:
        return []
    _check(len(columns) == len(_FIELDS) and set(map(type, columns)) <= {list}
           and len(set(map(len, columns))) == 1)
    for column, allowed in zip(columns, _COLUMN_TYPES):
        _check(set(map(type, column)) <= allowed)
    severities = columns[_SEVERITY_AT]
    _check(set(severities) <= _SEVERITIES.keys())
    columns[_SEVERITY_AT] = map(_SEVERITIES.__getitem__, severities)
    return findings_of(zip([path] * len(severities), *columns))


def _check(ok: bool) -> None:
    if not ok:
        raise ValueError("malformed cache entry")
