"""Kind ``custom``: a named Python function, for checks too odd for the data kinds."""
from __future__ import annotations

from typing import Callable, Iterable

from decimal import ROUND_HALF_UP, Decimal

from indlint.core.cache import remember
from indlint.judge.goals import measured, promises, repeated_paragraphs
from indlint.judge.selfeval import plain_number
from indlint.judge.kinds.base import FormFacts, FormKind, Hit, ParamError, take


def basis_partial(facts: FormFacts) -> Iterable[Hit]:
    """Rows without a 指标值设定依据 when some rows of the form carry one (labelling.md)."""
    blank = [not rf.row.get("basis").strip() for rf in facts.rows]
    count = blank.count(False)
    if not count:
        return
    args = {"count": count}
    for rf, lacks in zip(facts.rows, blank):
        if lacks and rf.row.get("name").strip():
            yield Hit("basis", args, row=rf.row.index)


def goal_unaligned(facts: FormFacts) -> Iterable[Hit]:
    """Quantities the goal text promises that no indicator measures (labelling.md goal.unaligned)."""
    outputs = [rf for rf in facts.rows
               if rf.levels.l1 == "产出指标" or rf.l2 in ("数量指标", "质量指标", "时效指标")]
    if not outputs:
        return               # no output indicators at all: coverage.missing-class says so
    tools, goal = outputs[0].tools, str(facts.form.meta.get("goal") or "")
    # A project's goal repeats on each of its forms: its promises are read once per run.
    found = remember(tools.memo, ("promises", goal), lambda: tuple(promises(
        goal, tools.lexicons.units, tuple(tools.lexicons.vocabulary["place_nouns"]))))
    missing = [p for p in found if not measured(p, facts.rows)]
    if missing:
        listed = "；".join(f"“{p.clause}”" for p in missing)
        yield Hit("goal", {"count": len(missing), "matched": listed})


def goal_repeated(facts: FormFacts) -> Iterable[Hit]:
    """A paragraph of the goal text that appears twice."""
    repeated = repeated_paragraphs(str(facts.form.meta.get("goal") or ""))
    if repeated:
        yield Hit("goal", {"count": len(repeated), "matched": repeated[0][:40]})


def execution_rate(facts: FormFacts) -> Iterable[Hit]:
    """A stated 执行率 that differs from 执行数 ÷ 全年预算数 at its written precision."""
    budget = facts.form.budget
    stated_text = str(budget.get("execution_rate") or "").strip()
    stated, executed = plain_number(stated_text), plain_number(budget.get("executed"))
    adjusted = plain_number(budget.get("adjusted"))
    if None in (stated, executed, adjusted):
        return
    if adjusted == 0:
        if executed > 0:
            yield Hit("budget", {"count": stated_text,
                                 "matched": "无法计算（全年预算数为 0，全年执行数却大于 0）"})
        return
    places = len(stated_text.rstrip("%").partition(".")[2])
    rate = executed / adjusted * 100
    if rate.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP) != stated:
        shown = rate.quantize(Decimal("0.01"), ROUND_HALF_UP).normalize()
        yield Hit("budget", {"count": stated_text, "matched": f"为 {shown:f}%"})


FUNCTIONS: dict[str, Callable[[FormFacts], Iterable[Hit]]] = {
    "basis-partial": basis_partial,
    "goal-unaligned": goal_unaligned,
    "goal-repeated": goal_repeated,
    "execution-rate": execution_rate,
}


class Custom(FormKind):
    """Call the registered function named by ``function``."""

    fields = ("count", "matched")

    def __init__(self, params: dict):
        name = take(params, ["function"])["function"]
        if name not in FUNCTIONS:
            raise ParamError(f"未知 function {name}（可用：{', '.join(sorted(FUNCTIONS))}）")
        self.function = FUNCTIONS[name]

    def check_form(self, facts: FormFacts) -> Iterable[Hit]:
        return self.function(facts)
