"""Kind ``value``: a predicate on the parsed target or actual value."""
from __future__ import annotations

from indlint.judge.analysis import RowFacts
from indlint.judge.selectors import VALUE_TRAITS
from indlint.judge.kinds.base import Hit, ParamError, RowKind, take


class ValueCheck(RowKind):
    """Fire when the value has a trait in ``reject``, or lacks every trait in ``expect``."""

    def __init__(self, params: dict):
        p = take(params, [], ["field", "reject", "expect"])
        self.field = p.get("field", "target")
        if self.field not in ("target", "actual"):
            raise ParamError("field 只能是 target 或 actual")
        self.reject = frozenset(p.get("reject", ()))
        self.expect = frozenset(p.get("expect", ()))
        unknown = (self.reject | self.expect) - VALUE_TRAITS
        if unknown or not (self.reject or self.expect):
            raise ParamError(f"需要 reject 或 expect，且取值已知（未知：{sorted(unknown)}）")

    def check_row(self, facts: RowFacts) -> Hit | None:
        traits = facts.target_traits if self.field == "target" else facts.actual_traits
        if traits & self.reject or (self.expect and not traits & self.expect):
            return Hit(self.field)
        return None
