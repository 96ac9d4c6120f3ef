"""Read the annual goal text (年度总体目标): the quantities it promises, and repeated paragraphs."""
from __future__ import annotations

import re
from typing import NamedTuple

from indlint.judge.selfeval import plain_number
from indlint.values.units import Units
from indlint.values.values import UnitKind

# A number starts where a digit run starts and has at most 20 digits a side: linear time on a
# 20,000-digit run (an unbounded ``\d+`` retried from every digit was quadratic).
_QUANTITY = re.compile(r"(?<!\d)(\d{1,20}(?:[.,]\d{1,20})?)\s*([^\d\s，,。；;、:：()（）]{1,4})")
#: Bounds on the work one goal text can cause (a goal is a paragraph or two).
MAX_GOAL_CHARS = 20_000
MAX_PROMISES = 100
_SENTENCE = re.compile(r"[^。；;\n]+")
# Words between a counted thing and its number that say nothing of what is counted.
_LEAD = re.compile(r"(?:不少于|不低于|不超过|超过|达到|至少|共计|总计|合计|累计|约|达|共|计|逾)$")
_WINDOW = 6
_CLAUSE = re.compile(r"[，,、:：!！?？]|目标\d+")
# Kinds a goal may promise that an indicator should measure. Money is the budget's, dates
# are deadlines, and lengths and areas (长4.5米, 占地300平方米) describe how a thing is
# built rather than how many outputs there are (labelling.md: "a quantity of an output").
_OUTPUT_KINDS = {UnitKind.PEOPLE, UnitKind.PERSON_TIMES, UnitKind.EVENTS, UnitKind.OBJECTS,
                 UnitKind.ORGANISATIONS}
# Counted kinds that may stand for one another (70个行政村 ≈ 70村).
_ALIKE = {UnitKind.OBJECTS: {UnitKind.OBJECTS, UnitKind.ORGANISATIONS},
          UnitKind.ORGANISATIONS: {UnitKind.OBJECTS, UnitKind.ORGANISATIONS}}


class Promise(NamedTuple):
    """A quantity the goal text promises: 800 人 in 开展全民体质监测800人."""

    number: str
    unit: str
    kind: UnitKind
    sentence: str
    clause: str
    context: str


def promises(goal: str, units: Units, places: tuple[str, ...] = ()) -> list[Promise]:
    """The output quantities a goal text names, each with its sentence."""
    found: list[Promise] = []
    for sentence in _SENTENCE.findall((goal or "")[:MAX_GOAL_CHARS]):
        for clause in _CLAUSE.split(re.sub(r"\s+", "", sentence)):
            for match in _QUANTITY.finditer(clause):
                unit, kind = _longest_unit(match.group(2), units)
                if kind in _OUTPUT_KINDS and not _is_date(clause, match) \
                        and not _scope(sentence, clause, match, places):
                    end = match.start(2) + len(unit)
                    context = _counted(clause, match.start(), end)
                    found.append(Promise(match.group(1), unit, kind, sentence[:200].strip(),
                                         clause[:120], context))
                    if len(found) >= MAX_PROMISES:
                        return found
    return found


def _counted(clause: str, start: int, end: int) -> str:
    """The words that say what a quantity counts: just before it and just after its unit.

    开展全民体质监测800人: 体质监测; 完成5个标准档案库房消防设备的升级改造: 标准档案库房 (cut at
    的 and at WINDOW characters, so that 设备 further on is not taken for the counted thing).
    """
    before = _LEAD.sub("", clause[:start])[-_WINDOW:]
    after = clause[end:end + _WINDOW].split("的")[0]
    return f"{before} {after}"


def _scope(sentence: str, clause: str, match: re.Match, places) -> bool:
    """…水沟林场 7 个林场, …三营镇 11 个乡镇: a count closing a list of places states the scope."""
    noun = clause[match.start(2):].removeprefix("个")      # 11个乡镇: the unit may be 个乡镇 itself
    if not places or not noun.startswith(tuple(places)):
        return False
    at = sentence.replace(" ", "").find(clause)
    return at > 0 and "、" in sentence.replace(" ", "")[max(0, at - _WINDOW * 2):at]


def _longest_unit(text: str, units: Units) -> tuple[str, UnitKind | None]:
    for size in range(len(text), 0, -1):
        kind = units.kind_of(text[:size])
        if kind not in (None, UnitKind.OTHER):
            return text[:size], kind
    return "", None


def _is_date(sentence: str, match: re.Match) -> bool:
    following = sentence[match.end():match.end() + 1]
    return match.group(2)[0] in "年月日号" or (following != "" and following in "年月")


def measured(promise: Promise, rows) -> bool:
    """Whether some row measures the promised quantity: same number and kind, or a shared term."""
    kinds = _ALIKE.get(promise.kind, {promise.kind})
    if not rows:
        return False
    generic = frozenset(rows[0].tools.lexicons.vocabulary["generic_terms"])
    units = rows[0].tools.lexicons.units
    terms = _bigrams(promise.context) - generic
    for rf in rows:
        value = rf.target
        if not (value.unit_kind in kinds or rf.name.counts in kinds):
            continue
        promised = plain_number(promise.number)
        if value.number is not None and promised is not None and units.plain(
                value.number, value.unit) == units.plain(promised, promise.unit):
            return True
        if terms & (_bigrams(rf.name.core) - generic):
            return True
    return False


def _bigrams(text: str) -> set[str]:
    """Two-character pieces of the Chinese text: 饮水 in 改善9200人饮水条件 and 饮水工程人口数."""
    han = re.sub(r"[^\u4e00-\u9fff]", " ", text)
    return {w[i:i + 2] for w in han.split() for i in range(len(w) - 1)}



def repeated_paragraphs(goal: str) -> list[str]:
    """Paragraphs (or sentences, for one-paragraph text) that appear more than once."""
    # Lines, not a split on \s*\n\s* (quadratic on a long run of spaces).
    parts = [p for p in (goal or "").split("\n") if p.strip()]
    if len(parts) < 2:
        parts = [s for s in _SENTENCE.findall(goal or "") if s.strip()]
    seen, repeated = set(), []
    for part in parts:
        key = re.sub(r"\s+", "", part)
        if len(key) >= 10 and key in seen and key not in repeated:
            repeated.append(key)
        seen.add(key)
    return repeated
