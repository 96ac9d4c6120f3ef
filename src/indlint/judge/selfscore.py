"""A 自评表's own score: its 总分 recomputed from the row scores and the budget-execution block.

The 申报 rubric does not apply to a self-evaluation. Its score is what the form itself claims,
recomputed: each indicator row's 得分 out of its 分值, plus the 预算执行率 得分 out of its 分值
(财预〔2020〕10号 自评: the total is the sum of these, guide/domain-rules.md SE-010). Each item
lists exactly the points its rows lost; the stated 总分 is set beside the recomputed one.
"""
from __future__ import annotations

from decimal import Decimal

from indlint.core.model import Form
from indlint.judge.scorecard import ReviewScore, ScoreItem
from indlint.judge.selfeval import format_number, plain_number

_ZERO = Decimal(0)


def self_evaluation_score(form: Form) -> ReviewScore:
    """The recomputed 总分 of a self-evaluation, item by item, against its stated total."""
    items = [_rows_item(form)]
    budget = _budget_item(form)
    if budget is not None:
        items.append(budget)
    stated = plain_number(form.meta.get("total_score"))
    return ReviewScore(form.index, form.project, form.kind, tuple(items), title="自评总分（复核）",
                       stated=stated)


def _rows_item(form: Form) -> ScoreItem:
    got = maximum = _ZERO
    lost: list[str] = []
    for row in form.rows:
        weight, score = plain_number(row.get("score_max")), plain_number(row.get("score"))
        if weight is None:
            continue
        score = min(score if score is not None else _ZERO, weight)   # over the weight: SE01
        maximum, got = maximum + weight, got + score
        if score < weight:
            name = row.get("name").strip() or f"第{row.index}行"
            lost.append(f"「{name}」得 {format_number(score)} / {format_number(weight)} 分："
                        f"扣 {format_number(weight - score)} 分")
    return ScoreItem("S1", "绩效指标得分", maximum, got, tuple(lost))


def _budget_item(form: Form) -> ScoreItem | None:
    weight = plain_number(form.budget.get("score_max"))
    score = plain_number(form.budget.get("score"))
    if weight is None:
        return None
    score = min(score if score is not None else _ZERO, weight)
    lost = () if score >= weight else (
        f"预算执行率得 {format_number(score)} / {format_number(weight)} 分：扣 {format_number(weight - score)} 分",)
    return ScoreItem("S2", "预算执行率得分", weight, score, lost)
