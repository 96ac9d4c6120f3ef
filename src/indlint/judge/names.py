"""Read what an indicator name (三级指标) measures: its class, polarity, head and form."""
from __future__ import annotations

import re
from typing import NamedTuple
from indlint.core.lazy import lazy

from indlint.core.cache import remember
from indlint.normalise.names import read_name
from indlint.values.comparators import load_comparators
from indlint.values.lexicons import Lexicons
from indlint.values.values import UnitKind

_TRAILING_NOTE = re.compile(r"[(（][^()（）]*[)）]$")
_OWN_TARGET = re.compile(r"(?:\d+(?:\.\d+)?)\s*(%|[^\d\s、，,。]{1,3})$")
_NUMERIC = re.compile(r"^[\d.,%\s-]*$")
_CLAUSE = re.compile(r"[,;。，；]")
# A quantity that opens a name: ≥360天服务读者, 一个存储备份器 (digits, or a numeral and a classifier).
_LEADING = re.compile(r"^" + load_comparators().sign_class() + r"*(?:(\d+(?:\.\d+)?)|"
                      r"([一二两三四五六七八九十]))\s*([^\d\s]{1,3})")


class NameInfo(NamedTuple):
    """What a name says about the indicator. ``traits`` is the set rules select on."""

    text: str            # the cleaned name
    core: str            # without a trailing parenthetical note (个数(含续建) → 个数)
    traits: frozenset[str]
    counts: UnitKind | None
    first_word: str
    unit: str | None = None   # the unit the name states in parentheses (总面积(亩) → 亩)
    hint: str | None = None   # a template hint left in the name (成活率(≥**%))


class NameAnalyser:
    """Analyse names with the lexicons, segmenting with jieba only when a name needs it."""

    def __init__(self, lexicons: Lexicons):
        self._lex = lexicons
        self._names = lexicons.names
        self._cache: dict[str, NameInfo] = {}
        n = lexicons.names
        # Hundreds of endings (each stem with each measure): one set lookup per ending length.
        self._negative_ends = _ending_test(s + m for s in (*n["negative_stems"], *n["negative_costs"])
                                           for m in ("", *n["negative_measures"]))
        self._verdict_ends = _ending_test((*n["verdict_endings"],
                                           *(m + v for m in n["verdict_manners"]
                                             for v in n["verdict_verbs"])))
        self._leads = tuple(sorted({*n["direction_verbs"], *n["change_verbs"], *n["activity_verbs"],
                                    *n["purpose_starters"]}))
        self._sets = {key: frozenset(n[key]) for key in (
            "change_verbs", "direction_verbs", "purpose_starters", "activity_verbs")}
        self._goal_verbs = (*n["direction_verbs"], *n["change_verbs"])
        # Every word list in the shape it is tested in, made once: a run meets thousands of
        # distinct names, and rebuilding a tuple or a set per test cost a third of the analysis.
        self._ends = {key: tuple(n[key]) for key in (
            "rate_suffixes", "count_suffixes", "timeliness_suffixes", "measure_suffixes",
            "money_endings", "outcome_endings", "object_heads", "manner_leads")}
        self._marks = {key: _any_of(n[key]) for key in (
            "satisfaction_marks", "quality_marks", "cost_marks", "management_marks",
            "mechanism_marks", "beneficiary_marks", "positive_overrides", "process_exempt")}
        self._patterns = tuple(tuple(p) for p in n["process_patterns"])
        self._pattern_starts = _any_of(p[0] if p else "" for p in self._patterns)
        self._endings = _by_length((e, UnitKind(kind)) for kind, ends in n["counts"].items()
                                   for e in ends)
        self._measures = _by_length((m, m) for m in n["negative_measures"])
        self._classes_of_levels = self._class_names()

    def analyse(self, name: str | None) -> NameInfo:
        """Return the NameInfo of one name (cached per distinct string)."""
        key = name or ""
        return remember(self._cache, key, lambda: self._analyse(key))

    def words(self, text: str) -> list[str]:
        """Segment free text (goal sentences) with the same compact dictionary."""
        return self._segmenter.words(text) if text else []

    @lazy
    def _segmenter(self):
        from indlint.judge.segment import Segmenter     # jieba: loaded on first use only
        return Segmenter(self._lex)

    def _analyse(self, name: str) -> NameInfo:
        cell = read_name(name, self._lex.units)
        text, core = cell.text, cell.core
        traits = set(self._classes(text, core))
        first = ""
        if core and not traits & {"blank", "numeric"}:
            # jieba only decides whether a leading verb is a word of its own (服务 in
            # 服务保障民生, not in 服务对象满意度); names that start with no verb never load it.
            if core.startswith(self._leads):
                first = self._segmenter.first_word(core)
            traits.update(self._form_traits(core, first))
        counts = self._counts(core) or self._own_target_counts(core, traits)
        return NameInfo(text, core, frozenset(traits), counts, first, cell.unit, cell.hint)

    def _classes(self, text: str, core: str):
        ends, marks = self._ends, self._marks
        if not text:
            yield "blank"
            return
        if _NUMERIC.match(text):
            yield "numeric"
        rate = core.endswith(ends["rate_suffixes"])
        if rate:
            yield "rate"
        if marks["satisfaction_marks"](text):
            yield "satisfaction"
        if core.endswith(ends["count_suffixes"]) and not rate:
            yield "count"
        if core.endswith(ends["timeliness_suffixes"]):
            yield "timeliness"
        if marks["quality_marks"](text):
            yield "quality"
        if marks["cost_marks"](text):
            yield "cost"
        if marks["management_marks"](text):
            yield "management"
        if self._negative(text):
            yield "negative"
        if self._process(text):
            yield "process"
        if self._money(core):
            yield "money"
        if core.endswith(ends["measure_suffixes"]):
            yield "measure"
        if marks["mechanism_marks"](text):
            yield "mechanism"
        if marks["beneficiary_marks"](text):
            yield "beneficiary"

    def _negative(self, text: str) -> bool:
        ends = self._negative_ends
        if self._marks["positive_overrides"](text):
            return False
        if ends(text):
            return True
        bare = _TRAILING_NOTE.sub("", text)
        return ends(bare) or self._incident_measure(bare or text)

    def _incident_measure(self, core: str) -> bool:
        """逾期发放率: an incident stem a few characters before a measure that ends the name."""
        measure = _longest(self._measures, core)
        if not measure:
            return False
        head, gap = core[:-len(measure)], int(self._names["negative_gap"])
        return any(s in head and len(head) - head.rfind(s) - len(s) <= gap
                   for s in self._names["negative_stems"])

    def _process(self, text: str) -> bool:
        if self._marks["process_exempt"](text) or not self._pattern_starts(text):
            return False
        return any(all(part in text for part in pattern) for pattern in self._patterns)

    def _money(self, core: str) -> bool:
        return core.endswith(self._ends["money_endings"]) and not self._marks["process_exempt"](core)

    def _form_traits(self, core: str, first: str):
        """Traits of the name's form: slogans, tasks, outcomes, objects, own targets."""
        n, ends = self._names, self._ends
        measure = core.endswith(ends["measure_suffixes"])
        if self._goal_sentence(core):
            yield "slogan"               # 打造…赛事,提升…美誉度: a goal in two clauses
        sets = self._sets
        if first in sets["change_verbs"] and not (measure and self._modifies_measure(core)):
            yield "slogan"               # 提高就业率: asks for a change, whatever follows
        elif not measure and (first in sets["direction_verbs"] or first in sets["purpose_starters"]):
            yield "aim"                  # 为…提供支撑, 打造…: measurable only with a number target
        elif first in sets["activity_verbs"] or core.startswith(ends["manner_leads"]):
            yield "task"
        if not measure and core.endswith(ends["outcome_endings"]):
            yield "outcome"
        if not measure and self._verdict_ends(core):
            yield "verdict"              # 工程质量合格: the name states the end state itself
        if not measure and core.endswith(ends["object_heads"]):
            yield "object"
        if (_OWN_TARGET.search(core) or self._leading_quantity(core)) and not measure:
            yield "own-target"
        if core in self._classes_of_levels:
            yield "class-name"

    def _leading_quantity(self, core: str) -> bool:
        """The name opens with its own quantity (≥360天服务读者, 一个存储备份器)."""
        match = _LEADING.match(core)
        if not match:
            return False
        units, word = self._lex.units, match.group(3)
        kind = next((units.kind_of(word[:n]) for n in range(len(word), 0, -1)
                     if units.kind_of(word[:n]) not in (None, UnitKind.OTHER)), None)
        # A Chinese numeral opens many fixed terms (七氟丙烷, 一村一品): only 一个, 两台 … count.
        return kind is not None and (match.group(1) is not None or kind is UnitKind.OBJECTS)

    def _goal_sentence(self, core: str) -> bool:
        """A later clause led by a verb of direction or change (…赛事,提升六安城市的知名度)."""
        if not _CLAUSE.search(core):
            return False                    # one clause (most names)
        clauses = [c for c in _CLAUSE.split(core) if c]
        verbs = self._goal_verbs
        return any(c.startswith(verbs) and self._segmenter.first_word(c) in verbs
                   for c in clauses[1:])

    def _modifies_measure(self, core: str) -> bool:
        """提高…积极性的影响程度: the verb phrase before 的 modifies the measure that ends the name."""
        head = core.rpartition("的")[2]
        return bool(head) and head != core and head.endswith(self._ends["measure_suffixes"])

    def _class_names(self) -> frozenset[str]:
        levels = self._lex.levels
        names = set(levels["l1"])
        for framework in levels["frameworks"].values():
            for l2s in framework.values():
                names.update(l2s)
        return frozenset(names)

    def _own_target_counts(self, core: str, traits: set) -> UnitKind | None:
        """村组干部230人 counts people: the unit of a target written into the name."""
        match = _OWN_TARGET.search(core) if "own-target" in traits else None
        if not match:
            return None
        kind = self._lex.units.kind_of(match.group(1))
        # Only heads that count people or events say what the row counts; 围墙300米 with a cost
        # per metre as its target names the object built, not the quantity measured.
        return kind if kind in (UnitKind.PEOPLE, UnitKind.PERSON_TIMES, UnitKind.EVENTS) else None

    def _counts(self, core: str) -> UnitKind | None:
        """What a count or measure name counts, from its longest matching ending."""
        return _longest(self._endings, core)


def _any_of(words):
    """A test for whether a text contains any of the words (one regex scan, not one per word)."""
    words = sorted(set(words), key=len, reverse=True)
    if "" in words:                     # the empty word is in every text
        return lambda text: True
    if not words:
        return lambda text: False
    return re.compile("|".join(map(re.escape, words))).search


def _by_length(pairs) -> tuple:
    """(length, {ending: value}) from the longest ending down, the first listed of an ending
    winning: a text's longest listed ending is then one dict lookup per length (_longest),
    not one comparison per word."""
    table: dict[int, dict] = {}
    for ending, value in pairs:
        if ending:
            table.setdefault(len(ending), {}).setdefault(ending, value)
    return tuple(sorted(table.items(), reverse=True))


def _longest(table: tuple, text: str):
    """The value of the longest ending of text in a _by_length table, or None."""
    for size, found in table:
        value = found.get(text[-size:])
        if value is not None:
            return value
    return None


def _ending_test(words):
    """A test for whether a text ends with any of the words (str.endswith of a tuple of
    hundreds of words tries each in turn)."""
    words = tuple(words)
    if "" in words:                     # the empty word ends every text
        return lambda text: True
    table = _by_length((word, True) for word in words)
    return lambda text: _longest(table, text) is not None
