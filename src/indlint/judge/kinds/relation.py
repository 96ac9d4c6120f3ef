"""Kind ``relation``: a named relation between two fields of a row must hold."""
from __future__ import annotations

from indlint.judge.analysis import RowFacts
from indlint.values.comparators import load_comparators
from indlint.values.values import Kind, UnitKind
from indlint.judge.kinds.base import Hit, ParamError, RowKind, take
from indlint.judge.kinds.scoring import SCORING_RELATIONS
from indlint.judge.wording import LE, name_unit, plain_number, written

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
        advice = (f"指标值自带的单位「{value.unit}」与“度量单位”列「{value.unit_conflict}」不一致，"
                  "由填报单位确定其一，并删去另一处")
        return Hit("target", {"expected": value.unit_conflict, "found": value.unit,
                              "advice": advice})
    if not value.has_number or counts is None or value.unit_kind in (None, UnitKind.OTHER):
        return None
    if value.unit_kind in _FITS.get(counts, {counts}):
        return None
    expected = (name_unit(f) if counts is not UnitKind.PHYSICAL else None) or expected_unit(counts)
    return Hit("target", {"expected": expected, "found": value.unit,
                          "advice": _unit_advice(f, counts, expected)})


def _unit_advice(f: RowFacts, counts: UnitKind, expected: str) -> str:
    """UN02: rewrite the unit, or say what the unit must decide when the number means otherwise."""
    if counts is UnitKind.RATIO:
        return (f"比率写成百分比（分子 ÷ 分母）；如要考核的是数量，把名称改为计数指标"
                f"（如“{f.name.core.rstrip('率')}数 {written(f)}”）")
    if counts is UnitKind.TIME:
        return "时间类指标写完成时限（如“12月31日前”）或天数，由填报单位核实"
    value = f.target
    rewrite = f"{value.comparator or ''}{plain_number(value.number)}{expected}"
    if "own-target" in f.name.traits:
        return f"名称只写衡量对象，指标值写作“{rewrite}”，并核对数值是否按“{expected}”统计"
    return f"改为“{f.name.core} {rewrite}”，并核对数值是否按“{expected}”统计"


def comparator_vs_polarity(f: RowFacts) -> Hit | None:
    """An upper bound on a positive indicator, or a lower bound on a negative one."""
    value, traits = f.target, f.name.traits
    if not value.has_number or value.comparator is None:
        return None
    negative = "negative" in traits
    if negative and value.comparator in _LOWER and value.number != 0:
        flipped = _flip(written(f), "≤")
        advice = f"改为「{flipped}」"
        if value.is_percent and value.number >= 100:
            advice = (f"改为上限并重设数值（“{flipped}”恒能达到），如“{f.name.core} {LE}5%”，"
                      "数值由填报单位按可接受的最高水平确定")
        return Hit("target", {"expected": "≤", "flipped": flipped, "advice": advice})
    positive = not negative and ("count" in traits or "rate" in traits) and f.name.counts not in (
        UnitKind.MONEY, UnitKind.TIME)
    if positive and value.comparator in _UPPER:
        flipped = _flip(written(f), "≥")
        return Hit("target", {"expected": "≥", "flipped": flipped, "advice": f"改为「{flipped}」"})
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

    fields = ("expected", "found", "flipped", "advice", "shortfall")

    def __init__(self, params: dict):
        name = take(params, ["relation"])["relation"]
        if name not in RELATIONS:
            raise ParamError(f"未知 relation {name}（可用：{', '.join(RELATIONS)}）")
        self.relation = RELATIONS[name]

    def check_row(self, facts: RowFacts) -> Hit | None:
        return self.relation(facts)
