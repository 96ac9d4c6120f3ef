"""Frozen data passed between the stages: documents, forms, rows and findings."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import Enum
from indlint.core.lazy import lazy
from types import MappingProxyType
from typing import Iterable, Mapping, NamedTuple

_EMPTY: Mapping = MappingProxyType({})

#: Row fields, in the order of formats.md.
ROW_FIELDS = ("l1", "l2", "name", "nature", "target", "unit", "actual", "score_max", "score",
              "basis", "deviation", "explanation", "direction", "scoring")


class Severity(str, Enum):
    """How bad a finding is; ordered error > warning > info."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Return 3 for error, 2 for warning, 1 for info."""
        return _RANKS[self]


_RANKS = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1}


class Pos(NamedTuple):
    """Where a scalar stands in the file (1-based line and column; 0-based offsets).

    A NamedTuple rather than a frozen dataclass: a form of 100,000 rows has half a million
    positions, and a tuple is several times cheaper to make.
    """

    line: int
    column: int
    start: int = -1
    end: int = -1
    cell: str | None = None          # Sheet!D14 for spreadsheets
    location: str | None = None      # 表2 第5行 第3列 / 第2页 表1 第5行 for Word and PDF


@dataclass(frozen=True)
class Row:
    """One indicator row (三级指标) with its fields as written."""

    index: int                                  # 1-based within the form
    fields: Mapping[str, str | None]
    pos: Pos
    field_pos: Mapping[str, Pos] = field(default_factory=lambda: _EMPTY)
    notes: tuple[str, ...] = ()                 # what the reader inferred (input.inferred)

    def get(self, key: str) -> str:
        """Return a field as a string ('' when absent or null)."""
        value = self.fields.get(key)
        return "" if value is None else str(value)

    def where(self, key: str) -> Pos:
        """Return the position of a field, or of the row when the field is absent."""
        return self.field_pos.get(key, self.pos)


@dataclass(frozen=True)
class Form:
    """One table: a declaration (申报表) or a self-evaluation (自评表)."""

    index: int                                  # 0-based within the file
    meta: Mapping[str, str | None]              # kind, project, year, goal …
    budget: Mapping[str, str | None]
    rows: tuple[Row, ...]
    pos: Pos
    field_pos: Mapping[str, Pos] = field(default_factory=lambda: _EMPTY)

    @lazy
    def kind(self) -> str:
        """Return ``declaration`` or ``self-evaluation``."""
        return str(self.meta.get("kind") or "declaration")

    @property
    def project(self) -> str:
        """Return the project name (项目名称), '' when absent."""
        return str(self.meta.get("project") or "")

    def where(self, key: str) -> Pos:
        """Return the position of a form field, or of the form."""
        return self.field_pos.get(key, self.pos)


@dataclass(frozen=True)
class Document:
    """One input file: its forms, or the reason it could not be read."""

    path: str
    forms: tuple[Form, ...] = ()
    error: str | None = None
    encoding: str = "utf-8"
    comments: tuple[tuple[int, str], ...] = ()    # (line, text) of ``indlint:`` directives
    inferred: str | None = None     # a reader's guess the user should know of (input.inferred)
    no_table: bool = False      # read, but holds no indicator table (a walk skips it, formats.md)


@dataclass(frozen=True)
class Finding:
    """One problem found; its fields are those of formats.md's findings JSON."""

    path: str
    form: int | None
    project: str | None
    row: int | None
    indicator: str | None
    line: int
    column: int
    rule: str
    category: str
    severity: Severity
    message: str
    suggestion: str = ""
    cell: str | None = None
    location: str | None = None                 # 表2 第5行 第3列 (Word, PDF)

    def sort_key(self) -> tuple:
        """Order by path, form, row, line, column, rule (deterministic output)."""
        return (self.path, -1 if self.form is None else self.form,
                -1 if self.row is None else self.row, self.line, self.column, self.rule)

    def to_json(self) -> dict:
        """Return the formats.md JSON object for this finding."""
        out = {"path": self.path, "form": self.form, "project": self.project, "row": self.row,
               "indicator": self.indicator, "line": self.line, "column": self.column,
               "rule": self.rule, "category": self.category, "severity": self.severity.value,
               "message": self.message, "suggestion": self.suggestion}
        if self.cell:
            out["cell"] = self.cell
        if self.location:
            out["location"] = self.location
        return out


#: Finding's fields in order (the positional arguments of its constructor).
FINDING_FIELDS = tuple(f.name for f in fields(Finding))


def findings_of(rows: Iterable[tuple]) -> list[Finding]:
    """Findings from rows of FINDING_FIELDS' values, already checked (the result cache): equal to
    Finding(*row), made without the frozen __init__'s cost per field (a cached re-run makes
    hundreds of thousands)."""
    new, names, out = object.__new__, FINDING_FIELDS, []
    for row in rows:
        finding = new(Finding)
        finding.__dict__.update(zip(names, row))
        out.append(finding)
    return out
