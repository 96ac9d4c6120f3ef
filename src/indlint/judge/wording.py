"""Row-specific wording for messages: the target as shown, its normal notation, and proposed rewrites."""
from __future__ import annotations

import functools
import re
from decimal import Decimal

from indlint.core import resources
from indlint.core.bundle import packaged_json
from indlint.judge.analysis import RowFacts, year_of
from indlint.values.comparators import load_comparators
from indlint.values.notation import normalise_notation
from indlint.values.values import UnitKind

#: How a blank field reads inside 「」 in a message (never an empty slot).
BLANK = "（空白）"
GE, LE = "≥", "≤"
_HUNDRED = Decimal(100)
#: The usual unit of a counted kind whose unit the name does not need to spell out.
_KIND_UNIT = {UnitKind.PEOPLE: "人", UnitKind.PERSON_TIMES: "人次", UnitKind.EVENTS: "次",
              UnitKind.RATIO: "%"}


@functools.cache
def wording() -> dict:
    """rules/lexicons/wording.yaml: the units and rates a rewrite may propose."""
    file = resources.data_root("rules") / "lexicons" / "wording.yaml"

    def build() -> dict:
        import yaml     # only when the bundle is stale

        return yaml.safe_load(file.read_text(encoding="utf-8"))

    return packaged_json("wording", [file], build)


def shown(text: str | None) -> str:
    """A field as quoted in a message: BLANK when empty."""
    text = (text or "").strip()
    return text or BLANK


def shown_target(f: RowFacts) -> str:
    """The target as the form states it, with its 指标性质 comparator and 度量单位 column."""
    raw = f.row.get("target").strip()
    if not raw:
        return ""
    nature, unit = f.row.get("nature").strip(), f.row.get("unit").strip()
    forms = tuple(load_comparators().nature)
    if nature in forms and not raw.startswith(forms):
        raw = nature + raw
    if unit and f.target.has_number and f.target.unit_from_column and not raw.endswith(unit):
        raw += unit
    return raw


def written(f: RowFacts) -> str:
    """The target in normal notation (>=98% → ≥98%, 236.00(人) → 236人, 百分比 → %)."""
    return normalise_notation(shown_target(f)).strip()


def bound(f: RowFacts) -> str:
    """The normalised target without its comparator (=95.00(%) → 95%)."""
    return written(f).lstrip("".join(load_comparators().canonical) + " ")


def name_unit(f: RowFacts) -> str | None:
    """The unit the name says its count takes (开设课程数量 → 门), or None when it does not say."""
    info = f.name
    if info.unit:
        return info.unit
    if info.hint:
        hinted = info.hint.strip("".join(load_comparators().signs) + "*＊ ")
        if hinted and f.tools.lexicons.units.is_known(hinted):
            return f.tools.lexicons.units.normalise(hinted)
    best = ""
    for ending, unit in wording()["name_units"].items():
        if info.core.endswith(ending) and len(ending) > len(best):
            best, found = ending, str(unit)
    if best:
        return found
    return _KIND_UNIT.get(info.counts)


def unit_advice(f: RowFacts) -> str:
    """UN01: the rewrite of a number without a unit, or what the unit must decide."""
    value, unit = f.target, name_unit(f)
    number = plain_number(value.number) if value.number is not None else ""
    head = written(f)
    if value.per:
        return f"写明金额单位和计量基数，如“{number}元/{value.per}”（由填报单位核实是元还是万元）"
    if unit == "%" and value.number is not None and 0 < value.number <= 1:
        return (f"比率写成百分比：如“{number}”指全部完成，应写作“{plain_number(value.number * _HUNDRED)}%”"
                "（由填报单位核实）")
    if unit:
        return f"改为“{f.name.core} {head}{unit}”"
    choices = wording()["unit_choices"].get(f.name.counts.value if f.name.counts else "")
    if choices:
        listed = "还是".join(f"“{head}{c}”" for c in choices[:2])
        return f"由填报单位写明单位：是{listed}（或其他单位）"
    return "由填报单位写明计量单位（比率写“%”，人数写“人”，次数写“次”，个数写“个”）"


def value_shape(f: RowFacts) -> str:
    """VL01 / VL04 / VL06 / VL07: the kind of target the name asks for, without inventing it."""
    unit, kinds, traits = name_unit(f), f.name.counts, f.name.traits
    if unit == "%" or "rate" in traits or "satisfaction" in traits:
        return f"比较符加百分比，如“{GE}95%”"
    if kinds is UnitKind.TIME and f.name.core.endswith(("时长", "天数", "周期")):
        return "时长和单位（天、小时等，由填报单位确定）"
    if kinds is UnitKind.TIME or f.l2 == "时效指标":
        return f"完成时限，如“{year_of(f.form) or '本'}年12月31日前”"
    if kinds is UnitKind.MONEY or "cost" in traits:
        return f"金额上限，如“{LE}预算金额（万元）”"
    if unit:
        return f"全年计划数量，单位写“{unit}”（数量由填报单位按计划确定）"
    if "count" in traits or f.l2 == "数量指标":
        return "全年计划数量和计量单位（由填报单位按计划确定）"
    return "可核验的数量、比率或完成时限（由填报单位按指标实际确定）"


def rate_name(f: RowFacts) -> str | None:
    """The rate a name turns into (补贴发放及时性 → 补贴发放及时率), or None when none fits."""
    core, words = f.name.core, wording()
    if core.endswith(("率", "满意度")):
        return core
    if f.l2 == "时效指标" or "timeliness" in f.name.traits:
        for lead in words["timeliness_leads"]:
            if core.startswith(lead) and len(core) > len(lead):
                return core[len(lead):] + "及时率"
        for ending in sorted(words["timeliness_endings"], key=len, reverse=True):
            if core.endswith(ending) and len(core) > len(ending):
                return core[: -len(ending)] + "及时率"
        return core + "及时率"
    for ending in ("情况", "水平", "程度", "性"):
        if core.endswith(ending) and len(core) > len(ending) + 1:
            return core[: -len(ending)] + "率"
    return None


def verdict_rate(f: RowFacts) -> str | None:
    """The rate that measures the state a name declares (工程质量合格 → 工程质量合格率)."""
    core = f.name.core.rstrip("。.;；,，")
    for ending, rate in sorted(wording()["verdict_rates"].items(), key=lambda kv: -len(kv[0])):
        if core.endswith(ending) and len(core) > len(ending) and "," not in core and "，" not in core:
            return core[: -len(ending)] + str(rate)
    return None


def rate_example(f: RowFacts, target: str = GE + "95%") -> str:
    """A rewrite into a rate, or what the unit must decide when no rate can be read off the name."""
    if f.name.traits & {"aim", "slogan", "task"} and not f.name.core.endswith("率"):
        rate = None          # 维护社会稳定率 is no rate: the unit must say what it counts
    else:
        rate = verdict_rate(f) if "verdict" in f.name.traits else rate_name(f)
    if rate:
        return f"如“{rate} {target}”"
    return "分子和分母由填报单位确定，如已完成的事项数 ÷ 计划事项数"


_OWN_TARGET = re.compile(r"(\d+(?:\.\d+)?)\s*([^\d\s,，、;；。.()（）]{1,4})$")
#: The measure word a name gains when its own number moves to the target (村组干部 → 村组干部人数).
_MEASURE = {UnitKind.PEOPLE: "人数", UnitKind.PERSON_TIMES: "人次", UnitKind.EVENTS: "次数",
            UnitKind.OBJECTS: "数量", UnitKind.ORGANISATIONS: "数量", UnitKind.MONEY: "金额",
            UnitKind.RATIO: ""}
_PHYSICAL = {"米": "长度", "公里": "长度", "平方米": "面积", "亩": "面积", "吨": "重量"}


def own_target_advice(f: RowFacts) -> str:
    """NM03: split a name that holds its target (村组干部230人 → 村组干部人数 / 230人)."""
    units = f.tools.lexicons.units
    match = _OWN_TARGET.search(f.name.core)
    if match and units.is_known(match.group(2)):
        unit, kind = units.normalise(match.group(2)), units.kind_of(match.group(2))
        head = f.name.core[: match.start()].rstrip("为达共计")
        measure = _PHYSICAL.get(unit, "") if kind is UnitKind.PHYSICAL else _MEASURE.get(kind)
        plain = head and not re.search(r"[(（*＊—]", head)
        if plain and measure is not None and (measure == "" or not head.endswith(("率", "度"))):
            return (f"名称只写衡量对象（如“{head}{measure}”），数值移到指标值"
                    f"（如“{match.group(1)}{unit}”）")
    return "名称只写衡量对象，数值和单位移到指标值（由填报单位按原意拆分）"


def plain_number(number: Decimal) -> str:
    """A number as a reviewer writes it: no exponent, no trailing zeros."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def row_value(f: RowFacts, key: str) -> str | None:
    """The wording placeholder ``key`` for a row, or None when ``key`` is not one of them."""
    maker = _MAKERS.get(key)
    return maker(f) if maker else None


_MAKERS = {"target": lambda f: shown(shown_target(f)), "written": lambda f: shown(written(f)),
           "bound": bound, "unit_advice": unit_advice, "value_shape": value_shape,
           "rate_example": rate_example, "verdict_example": lambda f: rate_example(f, "=100%"),
           "rate_name": lambda f: rate_name(f) or f.name.core,
           "own_target_advice": own_target_advice,
           "name": lambda f: shown(f.row.get("name")), "core_name": lambda f: shown(f.name.core)}


#: The placeholders row_value fills (rules.py lets messages use them).
ROW_WORDING = frozenset(_MAKERS)
