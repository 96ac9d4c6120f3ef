"""Kind ``custom``: a named Python function, for checks too odd for the data kinds."""
from __future__ import annotations

from typing import Callable, Iterable

from .base import FormFacts, FormKind, Hit, ParamError, take


def basis_partial(facts: FormFacts) -> Iterable[Hit]:
    """Rows without a 指标值设定依据 when some rows of the form carry one (labelling.md)."""
    filled = [rf for rf in facts.rows if rf.row.get("basis").strip()]
    if not filled:
        return
    for rf in facts.rows:
        if not rf.row.get("basis").strip() and rf.row.get("name").strip():
            yield Hit("basis", {"count": len(filled)}, row=rf.row.index)


FUNCTIONS: dict[str, Callable[[FormFacts], Iterable[Hit]]] = {
    "basis-partial": basis_partial,
}


class Custom(FormKind):
    """Call the registered function named by ``function``."""

    fields = ("count",)

    def __init__(self, params: dict):
        name = take(params, ["function"])["function"]
        if name not in FUNCTIONS:
            raise ParamError(f"未知 function {name}（可用：{', '.join(sorted(FUNCTIONS))}）")
        self.function = FUNCTIONS[name]

    def check_form(self, facts: FormFacts) -> Iterable[Hit]:
        return self.function(facts)
