"""Analyse each row once: levels, name traits and parsed values, with the named predicates rules use."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from indlint.core.lazy import lazy

from indlint.core.cache import remember
from indlint.judge.levels import LevelJudge, Levels
from indlint.values.lexicons import Lexicons
from indlint.core.model import Form, Row
from indlint.judge.names import NameAnalyser, NameInfo
from indlint.values.parse import ValueParser, normalise
from indlint.values.values import Kind, Note, Value

_HUNDRED = Decimal(100)
# Notation a reviewer would normalise (style.format; defects.yaml).
_ODD_NOTATION = {Note.ASCII_COMPARATOR, Note.ODD_COMPARATOR, Note.TRAILING_ZEROS, Note.PAREN_UNIT,
                 Note.PERCENT_WORD, Note.FULLWIDTH}


@dataclass(frozen=True)
class Analysers:
    """The shared, stateless-from-outside analysers of one run."""

    lexicons: Lexicons
    values: ValueParser
    names: NameAnalyser
    levels: LevelJudge
    traits_cache: dict = field(default_factory=dict, compare=False, repr=False)
    #: Room for what a check works out once per run and distinct input (a goal's promises).
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def traits(self, value: Value) -> frozenset[str]:
        """value_traits, once per distinct value."""
        return remember(self.traits_cache, value,
                        lambda: value_traits(value, self.lexicons.vocabulary))


@dataclass(frozen=True)
class RowFacts:
    """Everything rules may ask about one row, computed on first use."""

    row: Row
    form: Form
    tools: Analysers

    @lazy
    def memo(self) -> dict:
        """Room for derived facts that checks share (the row's scores, …), computed once."""
        return {}

    @lazy
    def levels(self) -> Levels:
        """The row's l1 / l2 reading."""
        return self.tools.levels.judge(self.row.fields.get("l1"), self.row.fields.get("l2"))

    @lazy
    def name(self) -> NameInfo:
        """What the name (三级指标) measures."""
        return self.tools.names.analyse(self.row.fields.get("name"))

    @lazy
    def target(self) -> Value:
        """The target (年度指标值), combined with the 指标性质 / 度量单位 columns."""
        f = self.row.fields
        value = self.tools.values.combine(f.get("nature"), f.get("target"), f.get("unit"))
        if self.name.unit and value.has_number and not value.unit:
            # 实施营造林总面积(亩) 80000: the unit in the name's parentheses is the row's unit.
            return self.tools.values.combine(f.get("nature"), f.get("target"), self.name.unit)
        return value

    @lazy
    def actual(self) -> Value:
        """The actual value (实际完成值) of a self-evaluation row."""
        f = self.row.fields
        return self.tools.values.combine(None, f.get("actual"), f.get("unit"))

    @lazy
    def nature(self) -> str:
        """The 指标性质 column: 定量, 定性, a comparator, or ''."""
        text = self.row.get("nature")
        return _nature_of(text) if text else ""

    @lazy
    def target_traits(self) -> frozenset[str]:
        """The value predicates that hold for the target (selectors' ``target-is``)."""
        return self.tools.traits(self.target)

    @lazy
    def actual_traits(self) -> frozenset[str]:
        """The value predicates that hold for the actual value."""
        return self.tools.traits(self.actual)

    @property
    def l2(self) -> str:
        """The canonical l2 class name."""
        return self.levels.l2


@functools.lru_cache(maxsize=1024)
def _nature_of(text: str) -> str:
    """A 指标性质 cell folded (a form repeats a handful of them on every row)."""
    return normalise(text)[0]


def value_traits(value: Value, vocab) -> frozenset[str]:
    """Name the predicates that hold for a value (the ``target-is`` vocabulary)."""
    traits = {value.kind.value}
    if value.is_missing:
        traits.add("missing")
    if value.has_number:
        traits |= _number_traits(value, vocab)
    if value.kind is Kind.DEADLINE and value.deadline.loose:
        traits.add("loose-deadline")
    if value.kind in (Kind.WORD, Kind.NONE):
        traits |= _word_traits(value.text or "", vocab)
    return frozenset(traits)


def _number_traits(value: Value, vocab) -> set[str]:
    traits = {"number"}
    number = value.upper if value.upper is not None else value.number
    if value.unit is None or value.unit.startswith(("/", "／")):
        traits.add("no-unit")        # ≤28.40/株: a denominator alone is no unit
    if value.is_percent:
        traits.add("percent")
        if number is not None and number > _HUNDRED:
            traits.add("over-100")
        if value.number == _HUNDRED:
            traits.add("hundred-percent")
            traits.add("hundred")
        elif value.number is not None and value.number < _HUNDRED:
            traits.add("below-100")
    if value.number is not None and value.number < 0:
        traits.add("negative")
    if value.number == 0:
        traits.add("zero")
    if value.unit is None and value.number == _HUNDRED:
        traits.add("hundred")
    if set(value.notes) & _ODD_NOTATION:
        traits.add("notation")
    if value.per is not None and value.per in vocab["time_bases"]:
        traits.add("frequency")
    if value.per is not None:
        traits.add("per")
    if value.unit is None and _looks_like_date_serial(value):
        traits.add("date-serial")
    return traits


def _looks_like_date_serial(value: Value) -> bool:
    # Excel stores dates as day counts since 1900: 44,561 is 2021-12-31.
    n = value.number
    return (value.kind is Kind.QUANTITY and n is not None and n == n.to_integral_value()
            and Decimal(36526) <= n <= Decimal(54788))     # 2000-01-01 … 2049-12-31


def _word_traits(text: str, vocab) -> set[str]:
    traits = set()
    checks = {"timeliness-word": "timeliness_words", "satisfaction-word": "satisfaction_words",
              "verifiable": "verifiable_states", "borderline": "borderline",
              "completion-word": "completion_words", "mechanism-state": "mechanism_states"}
    for trait, key in checks.items():
        if text in vocab[key]:
            traits.add(trait)
    if text.endswith(tuple(vocab["timeliness_endings"])) and not re.search(r"\d", text):
        traits.add("timeliness-word")
    if text.startswith(tuple(vocab["frequency_prefixes"])):
        traits.add("frequency")
    if _only_group_nouns(text, vocab["group_nouns"]):
        traits.add("group")
    return traits


def _only_group_nouns(text: str, nouns) -> bool:
    """党员群众: the text is nothing but nouns for people or bodies."""
    rest = text
    for noun in sorted(nouns, key=len, reverse=True):
        rest = rest.replace(noun, "")
    return bool(text) and not re.sub(r"[、,，和及与]", "", rest)


def year_of(form: Form) -> int | None:
    """Return the form's year (年度) as an int, or None."""
    digits = re.sub(r"\D", "", str(form.meta.get("year") or ""))
    return int(digits) if len(digits) == 4 else None

