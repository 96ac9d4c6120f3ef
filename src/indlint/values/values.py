"""The typed value model: what a target (年度指标值) or actual (实际完成值) string means.

A string such as ``≥236.00(人)``, ``2026年6月30日前``, ``及时`` or ``XX`` parses
(see :mod:`indlint.parse` and ``grammar/target.lark``) into one frozen
:class:`Value`. The fields:

``kind``
    one of :class:`Kind` — what sort of value the string is:

    ========== ==========================================================
    quantity   a number, optionally with a comparator and a unit
               (``≥90%``, ``=28人``, ``不少于12 种``, ``0``, ``0起``)
    range      two numbers (``90%-95%``, ``3~5次``)
    deadline   a date or deadline (``2026年6月30日前``, ``12月底前``,
               ``年底前``, ``当年度完成``, ``2020年1月--2020年11月``)
    word       qualitative words or a phrase (``及时``, ``提升``, ``党员群众``)
    none       the word ``无`` (zero only on a negative count; rules decide)
    empty      blank
    dash       ``-``, ``—``, ``－``, ``/`` or a lone ``一``
    placeholder an unfilled template mark (``XX``, ``**``, ``×××``)
    unit-only  only a unit (``万人``, ``公里``)
    comparator-only only a comparator, possibly with a unit (``≧ %``)
    unparsed   none of the above; ``problem`` says why
    ========== ==========================================================

``comparator``
    ``≥ ≤ = > <`` (normalised from ``>=``, ``≧``, ``不少于``, ``以上``, …) or None.
``number`` / ``upper``
    the number (``Decimal``, exact as written: ``236.00`` keeps its scale) and,
    for a range, the upper bound.
``unit``
    the unit, normalised (``百分比`` → ``%``, ``(人)`` → ``人``); ``unit_kind`` is
    its :class:`UnitKind` from the units lexicon.
``deadline``
    a :class:`Deadline` for the deadline kind.
``text``
    the qualitative words (word kind), the unit (unit-only kind) or the
    unparsed remainder.
``notes``
    notation a reviewer would normalise without changing meaning
    (:class:`Note`), read by the ``style.format`` rules.
``problem``
    for ``unparsed``: the class of failure (:class:`Problem`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum


class Kind(str, Enum):
    """What sort of value a string is."""

    QUANTITY = "quantity"
    RANGE = "range"
    DEADLINE = "deadline"
    WORD = "word"
    NONE = "none"
    EMPTY = "empty"
    DASH = "dash"
    PLACEHOLDER = "placeholder"
    UNIT_ONLY = "unit-only"
    COMPARATOR_ONLY = "comparator-only"
    UNPARSED = "unparsed"


#: Kinds that mean "no target was filled in" (labelling.md, value.missing).
MISSING_KINDS = frozenset({Kind.EMPTY, Kind.DASH, Kind.PLACEHOLDER, Kind.UNIT_ONLY,
                           Kind.COMPARATOR_ONLY})


class UnitKind(str, Enum):
    """The kind of quantity a unit measures (rules/lexicons/units.yaml)."""

    PEOPLE = "people"
    PERSON_TIMES = "person-times"
    EVENTS = "events"
    OBJECTS = "objects"
    ORGANISATIONS = "organisations"
    TIME = "time"
    MONEY = "money"
    UNIT_COST = "unit-cost"
    RATIO = "ratio"
    PHYSICAL = "physical"
    SCORE = "score"
    OTHER = "other"     # a unit the lexicon does not know


class Note(str, Enum):
    """Notation that changes no meaning but that a reviewer would normalise."""

    ASCII_COMPARATOR = "ascii-comparator"    # >= for ≥
    ODD_COMPARATOR = "odd-comparator"        # ≧ ≦ ＝ ═ ﹦
    TRAILING_ZEROS = "trailing-zeros"        # 236.00
    PAREN_UNIT = "paren-unit"                # ≥236.00(人)
    NO_COMPARATOR = "no-comparator"          # 28人
    RANGE = "range"                          # 90%-95%
    PERCENT_WORD = "percent-word"            # 百分比 for %
    WORD_COMPARATOR = "word-comparator"      # 不少于, 以上
    CHINESE_NUMERAL = "chinese-numeral"      # 百分之九十
    FULLWIDTH = "fullwidth"                  # full-width digits or signs
    SPACES = "spaces"                        # 2 个
    APPROX = "approx"                        # 约500人, 500人左右: not a firm target


class Problem(str, Enum):
    """Why a string did not parse (classified by example, not by message text)."""

    LETTERS = "letters"                  # Latin letters mixed into a number: M.8万元
    TRAILING_TEXT = "trailing-text"      # a value followed by words: 2021年12月完成了
    SYMBOLS = "symbols"                  # stray symbols
    TOO_LONG = "too-long"                # longer than a value can reasonably be
    OTHER = "other"


@dataclass(frozen=True)
class Deadline:
    """A date or deadline; missing parts are None.

    ``relation`` is ``before`` (…前), ``by`` (a plain date: by then), ``end``
    (…底 / 年底), ``during`` (全年 / 当年度, a loose whole-year deadline) or
    ``period`` (a from–to span).
    """

    year: int | None = None
    month: int | None = None
    day: int | None = None
    relation: str = "by"
    until: Deadline | None = None   # end of a period

    @property
    def loose(self) -> bool:
        """Whether this only says "within the year" (当年度完成): labelling.md's maybe."""
        return self.relation == "during"


@dataclass(frozen=True)
class Value:
    """One parsed target or actual value."""

    raw: str
    kind: Kind
    comparator: str | None = None
    number: Decimal | None = None
    upper: Decimal | None = None
    unit: str | None = None
    unit_kind: UnitKind | None = None
    deadline: Deadline | None = None
    text: str | None = None
    notes: tuple[Note, ...] = field(default=())
    problem: Problem | None = None
    per: str | None = None             # 每亩300: the base the number is per (亩)
    unit_from_column: bool = False     # the unit came from a 度量单位 column
    unit_conflict: str | None = None   # a 度量单位 column that disagrees with the value's unit

    @property
    def is_missing(self) -> bool:
        """Whether the value is empty, a dash, a placeholder, or only a unit or a comparator."""
        return self.kind in MISSING_KINDS

    @property
    def has_number(self) -> bool:
        """Whether the value carries a number (a quantity or a range)."""
        return self.kind in (Kind.QUANTITY, Kind.RANGE)

    @property
    def is_percent(self) -> bool:
        """Whether the value is a ratio (%, ‰, 个百分点 …)."""
        return self.has_number and self.unit_kind is UnitKind.RATIO

    def describe(self) -> dict:
        """Return a plain, JSON-ready dict of the fields that are set (for parse-value and tests)."""
        out: dict = {"kind": self.kind.value}
        for key in ("comparator", "unit", "text", "per"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        for key in ("number", "upper"):
            if getattr(self, key) is not None:
                out[key] = _plain_number(getattr(self, key))
        if self.unit_kind is not None:
            out["unit_kind"] = self.unit_kind.value
        if self.deadline is not None:
            out["deadline"] = _describe_deadline(self.deadline)
        if self.notes:
            out["notes"] = [n.value for n in self.notes]
        if self.problem is not None:
            out["problem"] = self.problem.value
        if self.unit_conflict is not None:
            out["unit_conflict"] = self.unit_conflict
        return out


def _plain_number(number: Decimal) -> int | float:
    """Return an int when the number is whole, else a float (for display only)."""
    return int(number) if number == number.to_integral_value() else float(number)


def _describe_deadline(d: Deadline) -> dict:
    out = {k: getattr(d, k) for k in ("year", "month", "day") if getattr(d, k) is not None}
    out["relation"] = d.relation
    if d.until is not None:
        out["until"] = _describe_deadline(d.until)
    return out
