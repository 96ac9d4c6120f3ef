"""What every check kind shares: the hit it returns, parameter checking, the form view."""
from __future__ import annotations

from types import MappingProxyType
from typing import Iterable, Iterator, Mapping, NamedTuple

from indlint.judge.analysis import RowFacts
from indlint.core.model import Form


class ParamError(ValueError):
    """A check's parameters are wrong (unknown, missing or of the wrong type)."""


class Hit(NamedTuple):
    """One place a check fired: the field it points at and values for the message.

    A NamedTuple, not a frozen dataclass: a form-level check can fire on most rows of a form,
    and a tuple is several times cheaper to make.
    """

    field: str
    args: Mapping[str, object] = MappingProxyType({})
    row: int | None = None          # set by form-level kinds that report a row


class FormFacts(NamedTuple):
    """A form with the facts of each of its rows."""

    form: Form
    rows: tuple[RowFacts, ...]

    def selected(self, selector) -> Iterator[RowFacts]:
        """Yield the rows a selector accepts."""
        return (r for r in self.rows if selector(r))


def take(params: dict, required: Iterable[str] = (), optional: Iterable[str] = ()) -> dict:
    """Check a kind's parameters: every required key present, no unknown key."""
    required, optional = tuple(required), tuple(optional)
    missing = [k for k in required if k not in params]
    unknown = [k for k in params if k not in required + optional]
    if missing:
        raise ParamError(f"缺少参数 {', '.join(missing)}")
    if unknown:
        raise ParamError(f"未知参数 {', '.join(map(str, unknown))}")
    for key in ("field", "function", "relation", "mode"):
        if key in params and not isinstance(params[key], str):
            raise ParamError(f"参数 {key} 应为文字")
    for key in ("reject", "expect", "fields", "require", "terms"):
        if key in params and not isinstance(params[key], list):
            raise ParamError(f"参数 {key} 应为列表")
    return params


class RowKind:
    """A check that looks at one row at a time."""

    level = "row"
    fields: tuple[str, ...] = ()        # extra message placeholders this kind supplies
    #: The selector facts (selectors.FACTS names) check_row's outcome depends on, when it
    #: depends on nothing else; None: it reads the row itself. A plan whose selectors key on
    #: all of them judges the check once per combination of facts, not once per row.
    reads: frozenset[str] | None = None

    def check_row(self, facts: RowFacts) -> Hit | None:   # pragma: no cover - interface
        raise NotImplementedError


class FormKind:
    """A check that looks at a whole form."""

    level = "form"
    fields: tuple[str, ...] = ()

    def check_form(self, facts: FormFacts) -> Iterable[Hit]:   # pragma: no cover - interface
        raise NotImplementedError
