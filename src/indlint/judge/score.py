"""The 项目绩效 part (20 points) of the 事前绩效评估 rubric, computed from a form and its findings.

The rubric is the one printed in seed 004 (附件2-3): C11 产出数量, C12 产出质量, C13 产出时效
(4 points each: 2 for at least one clear, quantified indicator of the class, 2 for reasonable
values with their basis listed); C2 效益 (4: 2 for at least two clear benefit indicators, 2 for
reasonable values with a basis); C31 影响力 (2: 1 for a clear sustainability indicator, 0.5 for
one about institutions, people or funding, 0.5 for a basis); C32 满意度 (2: 1 for a clear
satisfaction indicator, 1 for a reasonable value with a basis).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Sequence

from indlint.judge.analysis import Analysers, RowFacts
from indlint.core.model import Finding, Form
from indlint.judge.scorecard import ReviewScore, ScoreItem
from indlint.judge.selfscore import self_evaluation_score

__all__ = ["ReviewScore", "ScoreItem", "score_form", "UNCLEAR"]

#: Categories that make an indicator unclear (not 明确) or its value unreasonable.
UNCLEAR = ("value.", "name.not-measurable", "unit.", "comparator.", "level.", "duplicate")
_HALF, _ONE, _TWO = Decimal("0.5"), Decimal(1), Decimal(2)


@dataclass(frozen=True)
class _Class:
    code: str
    label: str
    select: Callable[[RowFacts], bool]
    need: int
    quantified: bool


_CLASSES = (
    _Class("C11", "产出数量", lambda r: r.l2 == "数量指标", 1, True),
    _Class("C12", "产出质量", lambda r: r.l2 == "质量指标", 1, True),
    _Class("C13", "产出时效", lambda r: r.l2 == "时效指标", 1, True),
    _Class("C2", "项目预期效益", lambda r: r.l2 in ("经济效益指标", "社会效益指标", "生态效益指标"),
           2, False),
)


def score_form(form: Form, findings: Sequence[Finding], tools: Analysers) -> ReviewScore:
    """Score one form: the 申报 rubric for a declaration, the recomputed 总分 for a 自评表."""
    if form.kind == "self-evaluation":
        return self_evaluation_score(form)
    rows = tuple(RowFacts(r, form, tools) for r in form.rows)
    flagged = _flagged_rows(findings)
    items = [_class_item(c, rows, flagged) for c in _CLASSES]
    items.append(_influence_item(rows, flagged))
    items.append(_satisfaction_item(rows, flagged))
    return ReviewScore(form.index, form.project, form.kind, tuple(items))


def _flagged_rows(findings: Sequence[Finding]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for f in findings:
        if f.row is not None and f.category.startswith(UNCLEAR) and f.severity.value != "info":
            out.setdefault(f.row, []).append(f.rule)
    return out


def _clear(rf: RowFacts, flagged, quantified: bool) -> bool:
    if rf.row.index in flagged:
        return False
    return rf.target.has_number or (not quantified or rf.target.kind.value == "deadline")


def _basis_part(rows, flagged, points: Decimal, what: str) -> tuple[Decimal, list[str]]:
    """The "reasonable values, basis listed" half of a rubric line."""
    if not rows:
        return Decimal(0), [f"没有{what}指标，指标值的合理性和依据无从评价：扣 {_pts(points)} 分"]
    bad = [r.row.get("name") for r in rows if r.row.index in flagged]
    if bad:
        return Decimal(0), [f"{what}指标值不合理或表述不清（{'、'.join(bad[:3])}）：扣 {_pts(points)} 分"]
    if not any(r.row.get("basis").strip() for r in rows):
        return Decimal(0), [f"{what}指标未列示指标值设定依据（行业、历史、文件或专家标准）："
                            f"扣 {_pts(points)} 分"]
    return points, []


def _pts(points: Decimal) -> str:
    return f"{points.normalize():f}"


def _class_item(c: _Class, rows, flagged) -> ScoreItem:
    members = [r for r in rows if c.select(r)]
    clear = [r for r in members if _clear(r, flagged, c.quantified)]
    notes: list[str] = []
    got = _TWO if len(clear) >= c.need else Decimal(0)
    if not got:
        kind = "量化明确的" if c.quantified else "明确的"
        notes.append(f"没有{c.need}个{kind}{c.label}指标（共 {len(members)} 个，明确的 {len(clear)} 个）："
                     f"扣 2 分")
    part, why = _basis_part(members, flagged, _TWO, c.label)
    return ScoreItem(c.code, c.label, Decimal(4), got + part, tuple(notes + why))


def _influence_item(rows, flagged) -> ScoreItem:
    members = [r for r in rows if r.l2 == "可持续影响指标"]
    clear = [r for r in members if _clear(r, flagged, False)]
    notes: list[str] = []
    got = _ONE if clear else Decimal(0)
    if not clear:
        notes.append("没有明确的影响力（可持续影响）指标：扣 1 分")
    marks = rows[0].tools.lexicons.vocabulary["influence_marks"] if rows else ()
    if any(m in r.name.text for r in clear for m in marks):
        got += _HALF
    else:
        notes.append("影响力指标未涉及制度保障、人力资源或经费的长期可持续性：扣 0.5 分")
    part, why = _basis_part(members, flagged, _HALF, "影响力")
    return ScoreItem("C31", "影响力", Decimal(2), got + part, tuple(notes + why))


def _satisfaction_item(rows, flagged) -> ScoreItem:
    members = [r for r in rows if r.levels.l1 == "满意度指标" or r.l2 == "服务对象满意度指标"]
    clear = [r for r in members if _clear(r, flagged, True)]
    notes = [] if clear else ["没有明确的满意度指标：扣 1 分"]
    part, why = _basis_part(members, flagged, _ONE, "满意度")
    return ScoreItem("C32", "社会公众或服务对象满意度", Decimal(2),
                     (_ONE if clear else Decimal(0)) + part, tuple(notes + why))
