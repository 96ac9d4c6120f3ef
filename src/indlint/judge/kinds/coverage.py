"""Kind ``coverage``: the form has enough rows of each required class."""
from __future__ import annotations

from typing import Iterable

from indlint.judge.selectors import compile_selector
from indlint.judge.kinds.base import FormFacts, FormKind, Hit, ParamError, take


class Coverage(FormKind):
    """Fire once per requirement (``when``, ``min``, ``label``) that too few rows meet."""

    fields = ("label", "count", "min", "example")

    def __init__(self, params: dict):
        require = take(params, ["require"])["require"]
        if not isinstance(require, list) or not require:
            raise ParamError("require 应为非空列表")
        self.require = tuple((compile_selector(r["when"]), int(r.get("min", 1)), str(r["label"]),
                              str(r.get("example", ""))) for r in require)

    def check_form(self, facts: FormFacts) -> Iterable[Hit]:
        if not facts.rows:
            return
        for selector, minimum, label, example in self.require:
            count = 0
            for _ in facts.selected(selector):
                count += 1
                if count >= minimum:        # enough: the exact count is never shown then
                    break
            if count < minimum:
                yield Hit("indicators", {"label": label, "count": count, "min": minimum,
                                         "example": example})
