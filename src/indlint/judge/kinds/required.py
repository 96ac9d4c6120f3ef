"""Kind ``required``: the listed fields must be filled in."""
from __future__ import annotations

from indlint.judge.analysis import RowFacts
from indlint.judge.kinds.base import Hit, RowKind, take


class Required(RowKind):
    """Fire when any of ``fields`` is blank; the hit points at the first blank one."""

    fields = ("missing",)

    def __init__(self, params: dict):
        self.required = tuple(take(params, ["fields"])["fields"])

    def check_row(self, facts: RowFacts) -> Hit | None:
        blank = [f for f in self.required if not facts.row.get(f).strip()]
        if blank:
            return Hit(blank[0], {"missing": "、".join(blank)})
        return None
