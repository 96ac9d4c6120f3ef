"""The report's view model: each form and each indicator row as the HTML templates show them."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Sequence

from indlint.core.model import Document, Finding, Form, Row, Severity
from indlint.judge.analysis import Analysers
from indlint.judge.score import ReviewScore, score_form
from indlint.values.comparators import load_comparators
from indlint.values.notation import normalise_notation

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
KIND_ZH = {"declaration": "申报表", "self-evaluation": "自评表"}
SEVERITIES = ("error", "warning", "info")
#: Style notes (notation a reviewer normalises) are listed apart from problems.
STYLE = "style.format"

Entry = tuple[str, Document, Sequence[Finding]]


@dataclass(frozen=True)
class Cell:
    """One cell of an indicator row: its class, its displayed text and how many rows it spans."""

    cls: str
    text: str
    rowspan: int = 1


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator as a table row, with the findings that name it."""

    index: int
    severity: str | None          # the worst problem's severity, which colours the row
    cells: tuple[Cell, ...]
    findings: tuple[Finding, ...]  # problems: every finding but the style notes
    written: str = ""             # the target in normal notation when a style note asks for it


@dataclass(frozen=True)
class StyleNote:
    """A notation note: the row, its indicator and the target as written and as normalised."""

    row: int
    indicator: str
    written: str
    normal: str
    rule: str
    location: str | None = None   # 表2 第6行 第4列 for Word and PDF (as every finding shows it)


@dataclass(frozen=True)
class FormView:
    """One form of the report with its own findings and score."""

    number: int                   # 1-based across the report; the anchor is form-<number>
    path: str
    form: Form
    findings: tuple[Finding, ...]
    score: ReviewScore

    @property
    def counts(self) -> dict[str, int]:
        return counts(self.findings)

    @property
    def kind(self) -> str:
        return KIND_ZH.get(self.form.kind, self.form.kind)

    @property
    def score_class(self) -> str:
        return score_class(self.score)

    def meta(self, key: str) -> str:
        return meta(self.form, key)

    @property
    def fields(self) -> list[tuple[str, str]]:
        """The form's particulars under its title; empty ones are left out."""
        pairs = [("文件", self.path), ("主管部门", self.meta("department")),
                 ("实施单位", self.meta("implementer")), ("年度", self.meta("year")),
                 ("指标数", str(len(self.form.rows)))]
        return [(k, v) for k, v in pairs if v]

    @property
    def form_findings(self) -> list[Finding]:
        """Findings about the form as a whole rather than one row."""
        return [f for f in self.findings if f.row is None]

    @property
    def flagged(self) -> int:
        """How many rows carry a problem (an error or a warning; notes and hints do not count)."""
        return len({f.row for f in self.findings if f.row is not None and is_problem(f)})

    @property
    def style_notes(self) -> list[StyleNote]:
        """The form's notation notes, listed apart from its problems."""
        return style_notes(self.form, self.findings)

    @property
    def columns(self) -> list[tuple[str, str]]:
        return columns(self.form)

    @property
    def rows(self) -> list[IndicatorRow]:
        return indicator_rows(self.form, self.findings)


@dataclass(frozen=True)
class FileProblem:
    """A file that gave no form: unreadable, or holding no table."""

    path: str
    message: str
    findings: tuple[Finding, ...]

    @property
    def counts(self) -> dict[str, int]:
        return counts(self.findings)


def views(entries, tools: Analysers) -> tuple[list[FormView], list[FileProblem]]:
    """Every form of every file, numbered across the report, and the files that gave none."""
    forms: list[FormView] = []
    problems: list[FileProblem] = []
    for path, doc, findings in entries:
        if not doc.forms:
            message = doc.error or "文件中没有申报表或自评表"
            problems.append(FileProblem(path, message, findings))
        for form in doc.forms:
            mine = tuple(f for f in findings if f.form == form.index)
            forms.append(FormView(len(forms) + 1, path, form, mine,
                                  score_form(form, mine, tools)))
    return forms, problems


def is_problem(f: Finding) -> bool:
    """An error or warning: what makes a row "有问题"."""
    return f.severity.value in ("error", "warning") and f.category != STYLE


def style_notes(form: Form, findings: Iterable[Finding]) -> list[StyleNote]:
    """Each style.format finding on a row, with the target as written and normalised."""
    out = []
    for f in findings:
        if f.category == STYLE and f.row is not None:
            row = form.rows[f.row - 1]
            text = value_text(row)
            out.append(StyleNote(f.row, row.get("name").strip(), text,
                                 normalise_notation(text).strip(), f.rule, f.location))
    return out


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Findings per severity value."""
    out = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        out[f.severity.value] += 1
    return out


def worst(findings: Iterable[Finding]) -> Severity | None:
    """The most severe of some findings, or None."""
    return max((f.severity for f in findings), key=lambda s: s.rank, default=None)


def number(value: Decimal) -> str:
    """A score without trailing zeros: 14, 5.5."""
    return f"{value.normalize():f}"


def score_class(s: ReviewScore) -> str:
    """The colour of a score: high from 80 %, middle from 50 %, else low."""
    ratio = s.total / s.maximum if s.maximum else Decimal(0)
    return "score-high" if ratio >= Decimal("0.8") else "score-mid" if ratio >= Decimal("0.5") \
        else "score-low"


def meta(form: Form, key: str) -> str:
    """A form field such as department or year, as stripped text ('' when absent)."""
    return str(form.meta.get(key) or "").strip()


def level_spans(rows: Sequence[Row]) -> list[tuple[int, int]]:
    """Rowspans of the l1 and l2 cells per row; 0 when the row above's cell covers it."""
    keys = [(r.get("l1").strip(), r.get("l2").strip()) for r in rows]
    spans = []
    for i, (l1, l2) in enumerate(keys):
        s1 = 0 if i and keys[i - 1][0] == l1 else _run(keys, i, lambda k: k[0] == l1)
        s2 = 0 if i and keys[i - 1] == (l1, l2) else _run(keys, i, lambda k: k == (l1, l2))
        spans.append((s1, s2))
    return spans


def _run(keys, start: int, same) -> int:
    end = start
    while end < len(keys) and same(keys[end]):
        end += 1
    return end - start


def columns(form: Form) -> list[tuple[str, str]]:
    """The indicator table's data columns (key, heading); self-evaluations add three."""
    cols = [("l1", "一级指标"), ("l2", "二级指标"), ("name", "三级指标"), ("target", "指标值")]
    if form.kind == "self-evaluation":
        cols += [("actual", "实际完成值"), ("score_max", "分值"), ("score", "得分")]
    return cols


def indicator_rows(form: Form, findings: Iterable[Finding]) -> list[IndicatorRow]:
    """The form's rows with merged level cells and each row's findings."""
    by_row: dict[int, list[Finding]] = {}
    for f in findings:
        if f.row is not None:
            by_row.setdefault(f.row, []).append(f)
    cols = columns(form)
    out = []
    for row, spans in zip(form.rows, level_spans(form.rows)):
        mine = tuple(f for f in by_row.get(row.index, ()) if f.category != STYLE)
        sev = worst(f for f in mine if is_problem(f))
        cells = tuple(c for key, _ in cols if (c := _cell(row, key, spans)) is not None)
        styled = any(f.category == STYLE for f in by_row.get(row.index, ()))
        normal = normalise_notation(value_text(row)).strip() if styled else ""
        out.append(IndicatorRow(row.index, sev.value if sev else None, cells, mine, normal))
    return out


def _cell(row: Row, key: str, spans: tuple[int, int]) -> Cell | None:
    if key in ("l1", "l2"):
        span = spans[0] if key == "l1" else spans[1]
        return Cell("level", row.get(key).strip(), span) if span else None
    if key == "target":
        return Cell("value target", value_text(row))
    cls = "name" if key == "name" else "num" if key in ("score_max", "score") else "value"
    return Cell(cls, row.get(key).strip())


def value_text(row: Row) -> str:
    """The target as the form shows it, with a separate 指标性质 comparator and 度量单位 joined in."""
    target = row.get("target").strip()
    nature, unit = row.get("nature").strip(), row.get("unit").strip()
    forms = tuple(load_comparators().nature)
    if nature.startswith(forms) and target and not target.startswith(forms):
        target = nature + target
    if unit and target and not target.endswith(unit):
        target += unit
    return target
