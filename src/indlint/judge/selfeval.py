"""Self-evaluation arithmetic: does an actual meet its target, and what score does it earn.

Scoring follows 财预〔2020〕10号 as implemented in provincial systems (guide/domain-rules.md
§3, [R C1] [R C2] [R S12]): a quantitative row that meets its target earns its full weight;
below a ≥ target it earns weight × actual ÷ target; above a ≤ target T it earns
weight × (1 − (actual − T) ÷ T), and nothing from 2T on. 定性 rows earn 80–100 %, 60–80 %
or 0–60 % of the weight for the three tiers.
"""
from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation

from indlint.judge.analysis import RowFacts
from indlint.values.values import Kind, UnitKind, Value

#: How far a stated score may stray from the computed one: 5 % of the weight (labelling.md).
TOLERANCE = Decimal("0.05")
#: The three 定性 tiers and their score bands as fractions of the weight ([R C1] [R C2]).
TIERS = {"达成年度指标": (Decimal("0.8"), Decimal(1)),
         "部分达成年度指标并具有一定效果": (Decimal("0.6"), Decimal("0.8")),
         "未达成年度指标且效果较差": (Decimal(0), Decimal("0.6"))}
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_SCALES = {"亿": Decimal(100_000_000), "千万": Decimal(10_000_000), "百万": Decimal(1_000_000),
           "万": Decimal(10_000), "千": Decimal(1000)}


@functools.lru_cache(maxsize=4096, typed=True)     # scores and weights repeat on every row
def plain_number(text: str | None) -> Decimal | None:
    """Read a score, weight or amount: '20', '20%', '10.00', '1,401.77', '3359.62万' (in 万: ×10⁴)."""
    if text is None:
        return None
    s = str(text).strip().replace(",", "").replace("，", "").rstrip("%分元")
    scale = Decimal(1)
    for word, factor in _SCALES.items():
        if s.endswith(word):
            s, scale = s[: -len(word)], factor
            break
    if len(s) > 30 or not _NUMBER.match(s):
        return None             # no score or amount has thirty digits: not a number we read
    try:
        return Decimal(s) * scale
    except InvalidOperation:
        return None


def format_number(number: Decimal | None) -> str:
    """A score or amount for a message: at most two decimals, no trailing zeros."""
    if number is None:
        return ""
    try:
        text = f"{number.quantize(Decimal('0.01')):f}"
    except ArithmeticError:     # too many digits to round: show it as it is
        text = f"{number:f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) or "0"


def scores(f: RowFacts) -> tuple[Decimal | None, Decimal | None]:
    """The row's (score, score_max), read once per row (five rules ask)."""
    found = f.memo.get("scores")
    if found is None:
        found = f.memo["scores"] = (plain_number(f.row.get("score")),
                                    plain_number(f.row.get("score_max")))
    return found


def comparable(target: Value, actual: Value) -> tuple[Decimal, Decimal] | None:
    """(target, actual) as numbers in one scale, or None when they cannot be compared."""
    if not (target.has_number and actual.has_number):
        return None
    t, a = target.number, actual.number
    if target.unit and actual.unit and target.unit != actual.unit:
        if target.unit_kind != actual.unit_kind:
            return None
        t, a = t * _scale(target.unit), a * _scale(actual.unit)
    return t, a


def _scale(unit: str) -> Decimal:
    for word, factor in _SCALES.items():
        if unit.startswith(word):
            return factor
    return Decimal(1)


def meets(f: RowFacts) -> bool | None:
    """Whether the actual meets the target: True, False, or None when it cannot be told."""
    target, actual = f.target, f.actual
    if "over-100" in f.target_traits:
        return None          # an impossible target (290%) cannot be met or missed
    pair = comparable(target, actual)
    if pair is not None:
        t, a = pair
        if target.comparator in ("≤", "<") or "negative" in f.name.traits:
            return a <= t if target.comparator != "<" else a < t
        return a >= t if target.comparator != ">" else a > t
    if target.kind is Kind.WORD and actual.kind is Kind.WORD:
        return _word_meets(target.text or "", actual.text or "", f)
    if target.kind is Kind.DEADLINE and actual.kind is Kind.DEADLINE:
        return _deadline_meets(target, actual)
    return None


def _word_meets(target: str, actual: str, f: RowFacts) -> bool:
    completion = f.tools.lexicons.vocabulary["completion_words"]
    return actual == target or actual in completion or actual == "达成年度指标"


def _deadline_meets(target: Value, actual: Value) -> bool | None:
    t, a = target.deadline, actual.deadline
    if None in (t.year, a.year):
        return None
    return (a.year, a.month or 12, a.day or 31) <= (t.year, t.month or 12, t.day or 31)


def expected_score(f: RowFacts) -> Decimal | None:
    """The score the actual earns under the usual scoring, or None when it cannot be computed."""
    _, weight = scores(f)
    if weight is None:
        return None
    tier = TIERS.get((f.actual.text or "") if f.actual.kind is Kind.WORD else "")
    if tier is not None:
        return None          # a band, not a point: see in_band
    if meets(f):
        return weight
    pair = comparable(f.target, f.actual)
    if pair is None or pair[0] == 0:
        return None
    t, a = pair
    if f.target.comparator in ("≤", "<") or "negative" in f.name.traits:
        return weight * max(Decimal(0), 1 - (a - t) / t) if a < 2 * t else Decimal(0)
    return weight * min(Decimal(1), a / t)


def actual_problem(f: RowFacts) -> str | None:
    """Why an actual value is no value for its target (selfeval.actual-invalid), or None."""
    actual, target = f.actual, f.target
    if actual.is_missing:
        return "未填写实际完成值"
    if target.has_number and actual.kind in (Kind.WORD, Kind.NONE):
        return f"定量指标的实际完成值写成了文字「{actual.raw}」"
    if (target.has_number and actual.has_number and target.unit_kind and actual.unit_kind
            and UnitKind.OTHER not in (target.unit_kind, actual.unit_kind)
            and target.unit_kind != actual.unit_kind):
        return f"实际完成值的单位「{actual.unit}」与指标值的单位「{target.unit}」不同"
    return None


def has_deviation(f: RowFacts) -> bool:
    """Whether a deviation reason (偏差原因) is given; 无 / 0 / 一 / / do not count."""
    text = f.row.get("deviation").strip()
    return bool(text) and text not in f.tools.lexicons.vocabulary["empty_reasons"]
