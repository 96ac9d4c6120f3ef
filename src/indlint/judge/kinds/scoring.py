"""Relations of self-evaluation rows (自评表): scores, actual values and deviation reasons."""
from __future__ import annotations

from indlint.judge.analysis import RowFacts
from indlint.judge.selfeval import (TIERS, TOLERANCE, actual_problem, expected_score, format_number,
                        has_deviation, meets, scores)
from indlint.values.values import Kind
from indlint.judge.kinds.base import Hit


def score_exceeds(f: RowFacts) -> Hit | None:
    """得分 greater than 分值 ([R C1] 「得分必须小于等于权重！」)."""
    score, weight = scores(f)
    if score is not None and weight is not None and score > weight:
        return Hit("score", {"expected": format_number(weight)})
    return None


def unmet_full_score(f: RowFacts) -> Hit | None:
    """Full marks although the actual misses the target."""
    score, weight = scores(f)
    if score is None or weight is None or weight == 0 or score < weight:
        return None
    if meets(f) is False:
        expected = expected_score(f)
        shortfall, advice = _shortfall(f, weight, expected)
        return Hit("score", {"expected": format_number(expected) if expected is not None else "",
                             "shortfall": shortfall, "advice": advice})
    return None


def _shortfall(f: RowFacts, weight, expected) -> tuple[str, str]:
    """How the actual misses its target, and how to score it, in words that fit the row."""
    target = f.row.get("target").strip()
    if expected is not None:
        upper = f.target.comparator in ("≤", "<") or "negative" in f.name.traits
        miss = "超出了" if upper else "未达到"
        if f.target.kind is Kind.DEADLINE:
            miss = "晚于"
        return (f"{miss}指标值「{target}」",
                f"按完成比例计分，约 {format_number(expected)} 分，并填写偏差原因")
    low, high = TIERS["部分达成年度指标并具有一定效果"]
    bands = (f"部分达成得 {format_number(low * weight)}–{format_number(high * weight)} 分，"
             f"未达成得 {format_number(low * weight)} 分以下")
    if f.actual.kind is Kind.WORD and "timeliness-word" not in f.actual_traits \
            and not f.actual_traits & {"verifiable", "completion-word"}:
        return (f"没有说明是否达到指标值「{target}」",
                f"写明实际完成情况（是否达到「{target}」）；未达到的按定性档次计分（{bands}），并填写偏差原因")
    return (f"与指标值「{target}」不符",
            f"按定性档次计分（{bands}），并填写偏差原因")


def actual_invalid(f: RowFacts) -> Hit | None:
    """No actual, a word for a numeric target, or another unit than the target."""
    if f.target.is_missing and f.actual.is_missing and _spare_slot(f):
        return None          # a pre-printed slot left empty (指标2:) is maybe at most
    problem = actual_problem(f)
    return Hit("actual", {"found": problem, "advice": _actual_advice(f)}) if problem else None


def _actual_advice(f: RowFacts) -> str:
    """SE03: what the actual value should say, given the target."""
    target = f.target
    if target.has_number:
        unit = target.unit or ""
        return f"填写实际完成的数值{f'，单位与指标值一致（“{unit}”）' if unit else '和单位'}"
    if target.kind is Kind.DEADLINE:
        return "填写实际完成的日期，如“11月30日完成”"
    return ("填写实际完成情况；定性指标写“达成年度指标”“部分达成年度指标并具有一定效果”"
            "或“未达成年度指标且效果较差”")


def _spare_slot(f: RowFacts) -> bool:
    """A row with no name of its own: blank, or only a dash once 指标N: is removed."""
    return not f.name.text.strip("/-—－一 ")


def score_inconsistent(f: RowFacts) -> Hit | None:
    """A score that the stated actual does not earn, with no deviation reason given."""
    score, weight = scores(f)
    if score is None or weight is None or score >= weight or has_deviation(f):
        return None          # a full score on a missed target is unmet-full-score (SE02)
    tier = TIERS.get(f.actual.text or "") if f.actual.kind is Kind.WORD else None
    if tier is not None:
        low, high = tier
        if not low * weight <= score <= high * weight:
            band = f"{format_number(low * weight)}–{format_number(high * weight)}"
            return Hit("score", {"expected": band})
        return None
    if meets(f):             # the target was met: anything short of full marks needs a reason
        return Hit("score", {"expected": format_number(weight)})
    expected = expected_score(f)
    if expected is not None and abs(expected - score) > TOLERANCE * weight:
        return Hit("score", {"expected": format_number(expected)})
    return None


def deviation_missing(f: RowFacts) -> Hit | None:
    """Score below the weight, or the target missed, and no deviation reason."""
    if has_deviation(f):
        return None
    score, weight = scores(f)
    if (score is not None and weight is not None and score < weight) or meets(f) is False:
        return Hit("deviation")
    return None


SCORING_RELATIONS = {"score-exceeds": score_exceeds, "unmet-full-score": unmet_full_score,
                     "actual-invalid": actual_invalid, "score-inconsistent": score_inconsistent,
                     "deviation-missing": deviation_missing}
