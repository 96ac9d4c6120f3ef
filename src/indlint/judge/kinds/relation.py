"""Kind ``relation``: a named relation between two fields of a row must hold."""
from __future__ import annotations

from indlint.judge.analysis import RowFacts
from indlint.values.comparators import load_comparators
from indlint.values.values import Kind, UnitKind
from indlint.judge.kinds.base import Hit, ParamError, RowKind, take
from indlint.judge.kinds.scoring import SCORING_RELATIONS

# Unit kinds a name's counted kind accepts (labelling.md "Units and comparison").
_FITS = {
    UnitKind.PEOPLE: {UnitKind.PEOPLE},
    UnitKind.PERSON_TIMES: {UnitKind.PERSON_TIMES},
    UnitKind.EVENTS: {UnitKind.EVENTS},
    UnitKind.OBJECTS: {UnitKind.OBJECTS, UnitKind.ORGANISATIONS, UnitKind.PHYSICAL},
    UnitKind.ORGANISATIONS: {UnitKind.ORGANISATIONS, UnitKind.OBJECTS},
    UnitKind.TIME: {UnitKind.TIME},
    UnitKind.MONEY: {UnitKind.MONEY, UnitKind.UNIT_COST},
    UnitKind.RATIO: {UnitKind.RATIO},
    UnitKind.PHYSICAL: {UnitKind.PHYSICAL},
}
_UNIT_WORD = {UnitKind.PEOPLE: "人", UnitKind.PERSON_TIMES: "人次", UnitKind.EVENTS: "次",
              UnitKind.OBJECTS: "个", UnitKind.ORGANISATIONS: "家", UnitKind.TIME: "天",
              UnitKind.MONEY: "万元", UnitKind.RATIO: "%", UnitKind.PHYSICAL: "平方米"}
_UPPER, _LOWER = {"≤", "<"}, {"≥", ">"}


def expected_unit(kind: UnitKind | None) -> str:
    """The usual unit for a counted kind (人 for people), '' when unknown."""
    return _UNIT_WORD.get(kind, "") if kind else ""


def unit_vs_name(f: RowFacts) -> Hit | None:
    """The target's unit measures another kind of quantity than the name counts."""
    value, counts = f.target, f.name.counts
    if value.unit_conflict:
        return Hit("target", {"expected": value.unit_conflict, "found": value.unit})
    if not value.has_number or counts is None or value.unit_kind in (None, UnitKind.OTHER):
        return None
    if value.unit_kind in _FITS.get(counts, {counts}):
        return None
    return Hit("target", {"expected": expected_unit(counts), "found": value.unit})


def comparator_vs_polarity(f: RowFacts) -> Hit | None:
    """An upper bound on a positive indicator, or a lower bound on a negative one."""
    value, traits = f.target, f.name.traits
    if not value.has_number or value.comparator is None:
        return None
    negative = "negative" in traits
    if negative and value.comparator in _LOWER and value.number != 0:
        return Hit("target", {"expected": "≤", "flipped": _flip(value.raw, "≤")})
    positive = not negative and ("count" in traits or "rate" in traits) and f.name.counts not in (
        UnitKind.MONEY, UnitKind.TIME)
    if positive and value.comparator in _UPPER:
        return Hit("target", {"expected": "≥", "flipped": _flip(value.raw, "≥")})
    return None


def nature_vs_value(f: RowFacts) -> Hit | None:
    """指标性质 says 定量 (or a comparator) with no number, or 定性 with a number or unit."""
    nature, value = f.nature, f.target
    if nature in ("定量", "≥", "≤", "=", ">", "<") and value.kind in (Kind.WORD, Kind.UNPARSED):
        return Hit("target", {"expected": "数值"})
    if nature == "定性" and (value.has_number or f.row.get("unit").strip()):
        return Hit("target", {"expected": "定性表述（不带数值和单位）"})
    return None


def _flip(raw: str, comparator: str) -> str:
    text = raw.strip()
    for old in load_comparators().flip:
        if text.startswith(old):
            return comparator + text[len(old):]
    return comparator + text


RELATIONS = {"unit-vs-name": unit_vs_name, "comparator-vs-polarity": comparator_vs_polarity,
             "nature-vs-value": nature_vs_value, **SCORING_RELATIONS}


class Relation(RowKind):
    """Fire when the named relation (a closed set, RELATIONS) reports a hit."""

    fields = ("expected", "found", "flipped")

    def __init__(self, params: dict):
        name = take(params, ["relation"])["relation"]
        if name not in RELATIONS:
            raise ParamError(f"未知 relation {name}（可用：{', '.join(RELATIONS)}）")
        self.relation = RELATIONS[name]

    def check_row(self, facts: RowFacts) -> Hit | None:
        return self.relation(facts)
