"""Kind ``select``: fire on every row the rule's ``when:`` selects (the selector is the check)."""
from __future__ import annotations

from indlint.judge.analysis import RowFacts
from indlint.judge.kinds.base import Hit, RowKind, take


class Select(RowKind):
    """Point at ``field`` (default: target) of each selected row."""

    reads = frozenset()                 # the selector is the whole check

    def __init__(self, params: dict):
        self.field = take(params, [], ["field"]).get("field", "target")

    def check_row(self, facts: RowFacts) -> Hit | None:
        return Hit(self.field)
