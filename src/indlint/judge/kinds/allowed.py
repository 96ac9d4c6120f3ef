"""Kind ``allowed``: a level cell must be a class the profile's frameworks allow (by its parent)."""
from __future__ import annotations

from indlint.judge.analysis import RowFacts
from indlint.judge.kinds.base import Hit, ParamError, RowKind, take

_STATUS = {"l1": lambda f: f.levels.l1_status, "l2": lambda f: f.levels.l2_status}


class Allowed(RowKind):
    """Fire when ``field``'s status (from levels.yaml under the profile) is in ``reject``."""

    def __init__(self, params: dict):
        p = take(params, ["field", "reject"])
        if p["field"] not in _STATUS:
            raise ParamError("field 只能是 l1 或 l2")
        self.field, self.reject = p["field"], frozenset(p["reject"])
        self.reads = frozenset({f"{self.field}-status"})

    def check_row(self, facts: RowFacts) -> Hit | None:
        if _STATUS[self.field](facts) in self.reject:
            return Hit(self.field)
        return None
