"""The closed set of check kinds that rule files choose from (the only hand-kept table)."""
from __future__ import annotations

from indlint.judge.kinds.allowed import Allowed
from indlint.judge.kinds.base import FormFacts, FormKind, Hit, ParamError, RowKind
from indlint.judge.kinds.coverage import Coverage
from indlint.judge.kinds.custom import Custom
from indlint.judge.kinds.duplicate import Duplicate
from indlint.judge.kinds.lexical import Lexical
from indlint.judge.kinds.relation import Relation
from indlint.judge.kinds.required import Required
from indlint.judge.kinds.select import Select
from indlint.judge.kinds.total import Total
from indlint.judge.kinds.value import ValueCheck

#: kind name → (class, whether its constructor takes the lexicons)
KINDS = {
    "select": (Select, False),
    "allowed": (Allowed, False),
    "required": (Required, False),
    "lexical": (Lexical, True),
    "value": (ValueCheck, False),
    "relation": (Relation, False),
    "duplicate": (Duplicate, False),
    "coverage": (Coverage, False),
    "total": (Total, False),
    "custom": (Custom, False),
}


def build_kind(spec: dict, lexicons):
    """Build a check from a rule's ``check:`` mapping; raise ParamError."""
    if not isinstance(spec, dict) or "kind" not in spec:
        raise ParamError("check 应为含 kind 的映射")
    params = {k: v for k, v in spec.items() if k != "kind"}
    entry = KINDS.get(spec["kind"])
    if entry is None:
        raise ParamError(f"未知 kind {spec['kind']}（可用：{', '.join(KINDS)}）")
    cls, wants_lexicons = entry
    return cls(params, lexicons) if wants_lexicons else cls(params)


__all__ = ["KINDS", "build_kind", "FormFacts", "FormKind", "Hit", "ParamError", "RowKind"]
