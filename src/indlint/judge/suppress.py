"""Suppressions with a reason: `# indlint: disable=ID 理由` on a row, or a sidecar file for spreadsheets.

A comment suppresses the findings of the row it stands in (or of the row right below it, when
it stands alone on the line above), or of its own line for form-level keys. A sidecar file
``indlint-ignore.yaml`` beside the checked files lists entries keyed by file, project,
indicator name and rule, for spreadsheets and read-only sources. Every suppression needs a
reason; one without is not applied. Suppressions that matched nothing are reported as unused.
"""
from __future__ import annotations

import bisect
import os
import re
from pathlib import Path, PurePath
from typing import Iterable, NamedTuple, Sequence

from indlint.core import safeio
from indlint.core.model import Document, Finding

SIDECAR = "indlint-ignore.yaml"
_COMMENT = re.compile(r"#\s*indlint:\s*disable\s*=\s*([A-Za-z0-9_.,\-]+)\s*(.*)$")


class Suppression(NamedTuple):
    """One suppression: where it was written, what it silences and why."""

    where: str                  # "path:line" of the comment, or of the sidecar entry
    ids: tuple[str, ...]        # rule ids, id prefixes or category prefixes
    reason: str
    line: int | None = None     # comments: the line they stand on
    alone: bool = False         # comments: on a line of their own (they then cover the row below)
    file: str | None = None     # sidecar: the file name (or glob) …
    project: str | None = None  # … the project …
    indicator: str | None = None  # … and the indicator name

    def names(self, finding: Finding) -> bool:
        """Whether the suppression's ids cover the finding's rule or category."""
        return any(finding.rule == i or finding.rule.startswith(i) or finding.category == i
                   or (i.endswith(".") and finding.category.startswith(i)) for i in self.ids)


class Outcome(NamedTuple):
    """Findings left after suppressions, and what to tell the user about suppressions."""

    findings: tuple[Finding, ...]
    notes: tuple[str, ...]


def comment_suppressions(path: str, text: str) -> list[Suppression]:
    """Read ``# indlint: disable=…`` comments from a YAML file's text."""
    return directive_suppressions(path, [(n, line) for n, line in
                                         enumerate(text.splitlines(), start=1)])


def directive_suppressions(path: str, lines) -> list[Suppression]:
    """Suppressions from (line number, line text) pairs (Document.comments)."""
    found = []
    for number, line in lines:
        if "indlint" not in line:
            continue
        match = _COMMENT.search(line)
        if match:
            ids = tuple(i for i in match.group(1).split(",") if i)
            found.append(Suppression(f"{path}:{number}", ids, match.group(2).strip(), line=number,
                                     alone=line.lstrip().startswith("#")))
    return found


def sidecar_suppressions(folder: Path) -> list[Suppression]:
    """Read ``indlint-ignore.yaml`` in a folder (none when absent or unreadable)."""
    path = folder / SIDECAR
    if not os.path.lexists(path):
        return []
    try:    # read as carefully as a form: a FIFO, a huge file or an alias bomb must not stop the run
        entries = safeio.read_yaml(path, "sidecar", max_nodes=200_000) or []
    except safeio.InputError:
        return []
    out = []
    for n, e in enumerate(entries if isinstance(entries, list) else [], start=1):
        if isinstance(e, dict) and _plain(e.get("rule")) and _pattern(e.get("file")):
            rule = e["rule"]
            ids = tuple(map(str, rule if isinstance(rule, list) else [rule]))
            out.append(Suppression(f"{path}#{n}", ids, str(e.get("reason") or "").strip(),
                                   file=_opt(e.get("file")), project=_opt(e.get("project")),
                                   indicator=_opt(e.get("indicator"))))
    return out


def _pattern(value) -> bool:
    """A usable file pattern (or none): PurePath.match refuses an empty one such as "."."""
    if value is None:
        return True
    try:
        PurePath("x").match(str(value))
        return _plain(value) and not isinstance(value, list)
    except ValueError:
        return False


def _opt(value) -> str | None:
    return None if value is None or not _plain(value) else str(value)


def _plain(value) -> bool:
    """A scalar, or a short list of scalars (an alias bomb is neither)."""
    if isinstance(value, list):
        return 0 < len(value) <= 50 and all(isinstance(v, (str, int)) for v in value)
    return isinstance(value, (str, int)) and not isinstance(value, bool)


def apply(doc: Document, findings: Sequence[Finding], suppressions: Sequence[Suppression],
          used: set[str]) -> Outcome:
    """Drop the findings that reasoned suppressions cover; record which suppressions were used."""
    notes = [f"{s.where}: 忽略注释缺少理由，未生效（格式：# indlint: disable=规则 理由）"
             for s in suppressions if not s.reason]
    paths = {f.path for f in findings}
    # A sidecar entry for other files cannot cover these findings: most files then have
    # nothing to match, and each finding is not tried against every entry of the folder.
    active = [s for s in suppressions if s.reason and (
        not s.file or any(PurePath(p).match(s.file) for p in paths))]
    if not active:
        return Outcome(tuple(findings), tuple(notes))
    index = _Index(active)
    spans = _row_spans(doc)
    kept = []
    for finding in findings:
        span = spans.get((finding.form, finding.row))
        hit = next((s for s in index.candidates(finding, span)
                    if s.names(finding) and _covers(s, finding, span)), None)
        if hit is None:
            kept.append(finding)
        else:
            used.add(hit.where)
    return Outcome(tuple(kept), tuple(notes))


def unknown_codes(suppressions: Iterable[Suppression], known, used: set[str]) -> list[str]:
    """Messages for codes that name no rule or category (a typo, or a code from another tool).

    A suppression all of whose codes are unknown gets this message instead of "unused": it is
    marked used so that it is said once, as what it is.
    """
    out = []
    for s in suppressions:
        bad = [i for i in s.ids if not known(i)]
        if bad:
            out.append(f"{s.where}: 忽略中的规则编号 {'、'.join(bad)} 不存在，未生效"
                       f"（用 indlint rules 查看全部规则）")
            if len(bad) == len(s.ids):
                used.add(s.where)
    return out


class _Index:
    """Suppressions by the line they stand on (comments) and by indicator (sidecar entries), so
    that each finding is tried against the few that can cover it: linear, not findings × comments.
    Candidates come in the order the suppressions were given (the first that covers is used)."""

    def __init__(self, active: list[Suppression]):
        self.lines = sorted((s.line, n, s) for n, s in enumerate(active) if s.line is not None)
        self.keys = [line for line, _, _ in self.lines]
        self.by_name: dict[str | None, list[tuple[int, Suppression]]] = {}
        for n, s in enumerate(active):
            if s.line is None:
                self.by_name.setdefault(s.indicator, []).append((n, s))

    def candidates(self, finding: Finding, span) -> list[Suppression]:
        first, last = span if span is not None else (finding.line, finding.line)
        if first is None:
            found = []
        else:
            lo, hi = bisect.bisect_left(self.keys, first - 1), bisect.bisect_right(self.keys, last)
            found = [(n, s) for _, n, s in self.lines[lo:hi]]
        found += self.by_name.get(None, []) + self.by_name.get(finding.indicator or "", [])
        return [s for _, s in sorted(found, key=lambda pair: pair[0])]


def unused(suppressions: Iterable[Suppression], used: set[str]) -> list[str]:
    """Messages for reasoned suppressions that silenced nothing."""
    return [f"{s.where}: 未使用的忽略（{','.join(s.ids)}）：没有匹配的问题，可以删除"
            for s in suppressions if s.reason and s.where not in used]


def _covers(s: Suppression, finding: Finding, span) -> bool:
    if s.line is not None:
        if span is None:
            return s.line == finding.line
        first, last = span
        return (s.alone and s.line == first - 1) or (
            first <= s.line <= last and not (s.alone and s.line == last))
    if s.file and not PurePath(finding.path).match(s.file):
        return False
    if s.project and s.project != (finding.project or ""):
        return False
    return s.indicator is None or s.indicator == (finding.indicator or "")


def _row_spans(doc: Document) -> dict:
    """(form, row) → (first line, last line) of each row in the file."""
    spans = {}
    starts = [(f.index, r.index, r.pos.line) for f in doc.forms for r in f.rows]
    for n, (form, row, line) in enumerate(starts):
        nxt = starts[n + 1][2] - 1 if n + 1 < len(starts) else line + 50
        spans[(form, row)] = (line, max(line, nxt))
    return spans
