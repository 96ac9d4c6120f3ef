"""Which rules each row meets, and each distinct row judged once per run (facts, hits, wording)."""
from __future__ import annotations

import string
from dataclasses import dataclass

from indlint.core.cache import MAX_ENTRIES
from indlint.judge.analysis import RowFacts
from indlint.judge.kinds import Hit
from indlint.judge.rules import Rule
from indlint.judge.selectors import facts_key

#: Placeholders whose text depends on the form, not only on the row's fields. A message that
#: uses one of FORM_WORDS is worded afresh for every row; one that uses one of YEAR_WORDS is
#: kept per year (value_shape proposes “{year}年12月31日前”).
FORM_WORDS = frozenset({"project", "row"})
YEAR_WORDS = frozenset({"year", "value_shape"})
#: Distinct rows whose verdicts a plan keeps in each of its two generations (memory stays flat).
MAX_VERDICTS = MAX_ENTRIES // 4
_NO_YEAR = object()
_new = object.__new__


@dataclass(slots=True)
class Verdict:
    """What one distinct row content gets from the row-level rules, shared by its repeats."""

    facts: dict                 # the facts the first row's RowFacts had computed when judged
    hits: tuple                 # (rule index, Hit) of the row-level rules, exclusivity applied
    form_rules: tuple           # indices of the form-level rules whose when: admits the row
    texts: dict                 # (rule index, year or None) → (message, suggestion)


class Plan:
    """The rules one kind of form meets, and which rows each rule's ``when:`` selects.

    A selector's outcome depends only on a few row facts (selectors.facts_key), so rows are
    grouped by those facts and each distinct combination is judged once. Row-level checks read
    nothing but the row's fields (and the form's kind, fixed per plan), so a row whose fields
    repeat an earlier row's (服务对象满意度 ≥90% in every form) takes that row's verdict: its
    facts, its hits and, unless a message names the project or row, its wording.
    """

    def __init__(self, rules: tuple[Rule, ...], facts: list[str], trivial: tuple[int, ...]):
        self.rules = rules
        self.keyed = frozenset(facts)    # the row facts the selectors read: a route's key
        self.key_of = facts_key(facts)
        self.trivial = trivial           # rules whose when: selects every row
        self.masks: dict = {}
        # Two generations, so that a full memory forgets the rows met once, not the rows every
        # form repeats: a new verdict waits in ``verdicts``; met again, it moves to ``kept``.
        self.verdicts: dict = {}
        self.kept: dict = {}
        self.row_rules = frozenset(i for i, r in enumerate(rules) if r.check.level == "row")
        self.form_rules = tuple(i for i, r in enumerate(rules) if r.check.level != "row")
        words = [_placeholders(r) for r in rules]
        self.fresh = frozenset(i for i, w in enumerate(words) if w & FORM_WORDS)
        self.by_year = frozenset(i for i, w in enumerate(words) if w & YEAR_WORDS)
        # Exclusivity is settled per row inside a verdict only if no form-level rule shares a
        # group with a row-level one; otherwise every form goes the rule-by-rule way.
        row_groups = {rules[i].exclusive for i in self.row_rules} - {None}
        self.shareable = not any(rules[i].exclusive in row_groups for i in self.form_rules)

    @classmethod
    def of(cls, rules: tuple[Rule, ...]) -> Plan:
        """The plan of these rules (in their order)."""
        facts = sorted(set().union(*(r.when.facts for r in rules))) if rules else []
        trivial = tuple(i for i, r in enumerate(rules) if not r.when.tests)
        return cls(rules, facts, trivial)

    def dispatch(self, rows: list[RowFacts]) -> list[list[RowFacts]]:
        """For each rule (in order), the rows its selector admits (in row order)."""
        chosen: list[list[RowFacts]] = [[] for _ in self.rules]
        for i in self.trivial:
            chosen[i] = rows
        for rf in rows:
            for i in self.route(rf)[0]:
                chosen[i].append(rf)
        return chosen

    def route(self, rf: RowFacts) -> tuple:
        """Where a row goes: (the non-trivial rules whose selector admits it, the row-level
        rules to run on it (Plan._call), the non-trivial form-level rules that admit it).
        Worked out once per combination of selector facts."""
        key = self.key_of(rf)
        found = self.masks.get(key)
        if found is None:
            if len(self.masks) >= MAX_ENTRIES:
                self.masks.clear()
            rules = self.rules
            admitted = tuple(i for i, r in enumerate(rules) if r.when.tests and r.when(rf))
            row = tuple(self._call(i, rf) for i in sorted({*self.trivial, *admitted})
                        if i in self.row_rules)
            form = tuple(i for i in admitted if i not in self.row_rules)
            found = self.masks[key] = (admitted, row, form)
        return found

    def _call(self, i: int, rf: RowFacts) -> tuple:
        """(index, check_row or None, its hit when it is the same for every row of this route,
        exclusive group, order) of row-level rule i on a route first met with row ``rf``."""
        rule = self.rules[i]
        reads = getattr(rule.check, "reads", None)
        if reads is not None and reads <= self.keyed:
            return (i, None, rule.check.check_row(rf), rule.exclusive, rule.order)
        return (i, rule.check.check_row, None, rule.exclusive, rule.order)

    def verdict(self, key: tuple | None, rf: RowFacts) -> Verdict:
        """The verdict of a row whose fields are ``key``, judged on ``rf`` and kept for its
        repeats (not kept when ``key`` is None). Raises whatever a check raises; nothing is
        kept then."""
        _, row, form = self.route(rf)
        hits, best = [], {}
        for i, check, hit, group, order in row:
            if check is not None:
                hit = check(rf)
            if hit is None:
                continue
            if group is None:
                hits.append((i, hit))
            elif group not in best or order < best[group][2]:
                best[group] = (i, hit, order)        # the lowest order wins (labelling.md)
        hits += [(i, hit) for i, hit, _ in best.values()]
        # The facts without the row and form they were computed on: a kept verdict must not
        # keep a whole document alive.
        facts = dict(rf.__dict__)
        del facts["row"], facts["form"], facts["tools"]
        made = Verdict(facts, tuple(hits), form, {})
        if key is None:
            return made
        if len(self.verdicts) >= MAX_VERDICTS:
            self.verdicts.clear()
        self.verdicts[key] = made
        return made

    def recall(self, key: tuple) -> Verdict | None:
        """The verdict kept for a row whose fields are ``key``, if any."""
        found = self.kept.get(key)
        if found is None:
            found = self.verdicts.pop(key, None)
            if found is not None:
                if len(self.kept) >= MAX_VERDICTS:
                    self.kept.clear()
                self.kept[key] = found
        return found

    def text_key(self, i: int, year) -> tuple | None:
        """Where rule i's wording for a row is kept in its verdict; None: word it afresh."""
        if i in self.fresh:
            return None
        return (i, year if i in self.by_year else _NO_YEAR)


def shared_facts(verdict: Verdict, row, form, tools) -> RowFacts:
    """A RowFacts for ``row`` that starts from the facts its verdict's first row computed."""
    rf = new_facts(row, form, tools)
    rf.__dict__.update(verdict.facts)       # the facts hold no row, form or tools (verdict)
    return rf


def new_facts(row, form, tools) -> RowFacts:
    """RowFacts(row, form, tools), without the frozen dataclass's three guarded assignments."""
    rf = _new(RowFacts)
    d = rf.__dict__
    d["row"], d["form"], d["tools"] = row, form, tools
    return rf


def _placeholders(rule: Rule) -> frozenset[str]:
    return frozenset(name for text in (rule.message, rule.suggestion)
                     for _, name, _, _ in string.Formatter().parse(text) if name)


__all__ = ["Hit", "Plan", "Verdict", "new_facts", "shared_facts"]
