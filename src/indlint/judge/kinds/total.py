"""Kind ``total``: arithmetic over a form — row sums and form fields must add up."""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from indlint.judge.selfeval import format_number, plain_number
from indlint.judge.kinds.base import FormFacts, FormKind, Hit, ParamError, take

COMPARES = ("equal", "at-most")


def term_value(facts: FormFacts, term) -> Decimal | None:
    """A term: a number, ``rows.FIELD`` (sum over rows), ``budget.KEY`` or ``form.KEY``."""
    if isinstance(term, (int, float)):
        return Decimal(str(term))
    scope, _, key = str(term).partition(".")
    if scope == "rows":
        numbers = [plain_number(rf.row.get(key)) for rf in facts.rows if rf.row.get(key).strip()]
        known = [n for n in numbers if n is not None]
        return sum(known, Decimal(0)) if known else None
    table = facts.form.budget if scope == "budget" else facts.form.meta
    return plain_number(table.get(key))


class Total(FormKind):
    """Fire when the sum of ``terms`` is not ``compare`` to ``target`` (all terms present)."""

    fields = ("sum", "expected")

    def __init__(self, params: dict):
        p = take(params, ["terms", "target"], ["compare", "tolerance", "optional"])
        if p.get("compare", "equal") not in COMPARES:
            raise ParamError(f"compare 应为 {' 或 '.join(COMPARES)}")
        self.terms, self.target = tuple(p["terms"]), p["target"]
        self.optional = frozenset(p.get("optional", ()))
        self.compare = p.get("compare", "equal")
        self.tolerance = Decimal(str(p.get("tolerance", "0.005")))

    def check_form(self, facts: FormFacts) -> Iterable[Hit]:
        values = {t: term_value(facts, t) for t in self.terms}
        target = term_value(facts, self.target)
        if target is None or any(v is None for t, v in values.items() if t not in self.optional):
            return
        total = sum((v for v in values.values() if v is not None), Decimal(0))
        wrong = (total > target + self.tolerance if self.compare == "at-most"
                 else abs(total - target) > self.tolerance)
        if wrong:
            yield Hit(str(self.target).partition(".")[2] or "indicators",
                      {"sum": format_number(total), "expected": format_number(target)})

