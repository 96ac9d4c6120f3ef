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
        shown = format_number(expected) if expected is not None else "低于满分"
        return Hit("score", {"expected": shown})
    return None


def actual_invalid(f: RowFacts) -> Hit | None:
    """No actual, a word for a numeric target, or another unit than the target."""
    if f.target.is_missing and f.actual.is_missing and _spare_slot(f):
        return None          # a pre-printed slot left empty (指标2:) is maybe at most
    problem = actual_problem(f)
    return Hit("actual", {"found": problem}) if problem else None


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
