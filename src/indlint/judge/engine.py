"""Run the active rules over documents and turn their hits into sorted findings."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from indlint.judge.analysis import Analysers, RowFacts, year_of
from indlint.judge.kinds import FormFacts, Hit
from indlint.judge.levels import LevelJudge
from indlint.values.lexicons import Lexicons, load_lexicons
from indlint.core.model import Document, Finding, Form, Severity, findings_of
from indlint.judge.names import NameAnalyser
from indlint.judge.wording import ROW_WORDING, row_value, shown
from indlint.values.parse import ValueParser
from indlint.judge.rules import Profile, Rule, load_profile, load_rules
from indlint.judge.plan import Plan, new_facts, shared_facts


@dataclass(frozen=True)
class Linter:
    """The rules of one run, with their analysers; ``lint`` is pure over a Document."""

    rules: tuple[Rule, ...]
    tools: Analysers
    severities: Mapping[str, Severity]
    all_rules: tuple[Rule, ...] = ()
    plans: dict = field(default_factory=dict, compare=False, repr=False)   # form kind → Plan

    def rule(self, rule_id: str) -> Rule:
        """Return an active rule by id."""
        return next(r for r in self.rules if r.id == rule_id)

    def lint(self, doc: Document) -> list[Finding]:
        """Return the findings of one document, sorted."""
        if doc.error is not None:
            return [input_invalid(doc.path, doc.error)]
        findings: list[Finding] = [input_inferred(doc.path, doc.inferred)] if doc.inferred else []
        for form in doc.forms:
            findings += inferred(doc.path, form)
            findings += self.lint_form(doc.path, form)
        return sorted(findings, key=Finding.sort_key)

    def lint_form(self, path: str, form: Form) -> list[Finding]:
        """Run every active rule over one form."""
        plan = self._plan(form.kind)
        if plan.shareable:
            try:
                return self._lint_shared(path, form, plan)
            except Exception:   # noqa: BLE001 - a check failed: judge rule by rule, as below
                pass
        return self._lint_each(path, form, plan)

    def _lint_shared(self, path: str, form: Form, plan: Plan) -> list[Finding]:
        """Row-level rules through each distinct row's verdict (plan.py); raises on a failure."""
        tools, recall = self.tools, plan.recall
        rows: list[RowFacts] = []
        chosen: dict[int, list[RowFacts]] = {i: [] for i in plan.form_rules}
        findings: list[tuple] = []         # each finding's values (made at once, findings_of)
        year, project = year_of(form), form.project or None
        for row in form.rows:
            key = tuple(row.fields.items())
            try:
                verdict = recall(key)
            except TypeError:           # a reader left something unhashable: judged, not kept
                key = verdict = None
            if verdict is None:
                rf = new_facts(row, form, tools)
                verdict = plan.verdict(key, rf)
            else:
                rf = shared_facts(verdict, row, form, tools)
            rows.append(rf)
            for i in verdict.form_rules:
                chosen[i].append(rf)
            for i, hit in verdict.hits:
                findings.append(self._row_finding(path, form, project, plan, i, hit, rf, verdict,
                                                  year))
        hits: list[tuple[Rule, Hit]] = []
        failures: list[Finding] = []
        for i in plan.form_rules:
            rule = plan.rules[i]
            try:
                hits += _rule_hits(rule, form, rows if i in plan.trivial else chosen[i], False)
            except Exception as err:    # noqa: BLE001 - one rule's bug must not end the run
                failures.append(internal_error(path, err, rule.id))
        findings += [self._finding(path, form, rule, hit, rows[hit.row - 1] if hit.row else None,
                                   project) for rule, hit in _exclusive(hits)]
        return failures + findings_of(findings)

    def _row_finding(self, path: str, form: Form, project: str | None, plan: Plan, i: int,
                     hit: Hit, facts: RowFacts, verdict, year) -> tuple:
        rule, row = plan.rules[i], facts.row
        slot = plan.text_key(i, year)
        texts = verdict.texts.get(slot) if slot is not None else None
        if texts is None:
            values = TemplateValues(form, row, hit.args, self.tools, facts)
            texts = (fill(rule.message, values), fill(rule.suggestion, values))
            if slot is not None:
                verdict.texts[slot] = texts
        pos = row.where(hit.field)
        return (path, form.index, project, row.index, row.get("name") or None, pos.line,
                pos.column, rule.id, rule.category, self.severities.get(rule.id, rule.severity),
                texts[0], texts[1], pos.cell, pos.location)

    def _lint_each(self, path: str, form: Form, plan: Plan) -> list[Finding]:
        """Every rule over every row it admits, one failing rule reported on its own."""
        tools = self.tools
        rows = [RowFacts(r, form, tools) for r in form.rows]
        hits: list[tuple[Rule, Hit]] = []
        try:
            chosen = plan.dispatch(rows)
        except Exception:   # noqa: BLE001 - a fact fails on some row: judge rule by rule below
            chosen = None
        failures: list[Finding] = []
        for i, rule in enumerate(plan.rules):
            try:
                hits += _rule_hits(rule, form, rows if chosen is None else chosen[i], chosen is None)
            except Exception as err:    # noqa: BLE001 - one rule's bug must not end the run
                failures.append(internal_error(path, err, rule.id))
        return failures + findings_of(
            self._finding(path, form, rule, hit, rows[hit.row - 1] if hit.row else None,
                          form.project or None)
            for rule, hit in _exclusive(hits))

    def _plan(self, kind: str) -> Plan:
        plan = self.plans.get(kind)
        if plan is None:
            plan = self.plans[kind] = Plan.of(
                tuple(r for r in self.rules if r.when.admits_form(kind)))
        return plan

    def _finding(self, path: str, form: Form, rule: Rule, hit: Hit,
                 facts: RowFacts | None, project: str | None) -> tuple:
        """The values of a finding (core/model.FINDING_FIELDS) for one hit."""
        row = form.rows[hit.row - 1] if hit.row else None
        pos = row.where(hit.field) if row else form.where(hit.field)
        values = TemplateValues(form, row, hit.args, self.tools, facts)
        return (path, form.index, project,
                row.index if row else None, (row.get("name") or None) if row else None,
                pos.line, pos.column, rule.id, rule.category,
                self.severities.get(rule.id, rule.severity), fill(rule.message, values),
                fill(rule.suggestion, values), pos.cell, pos.location)


def _rule_hits(rule: Rule, form: Form, rows: list[RowFacts], test: bool) -> list[tuple[Rule, Hit]]:
    """A rule's hits over its rows (``test``: the rows are not yet filtered by its selector)."""
    if test:
        rows = [rf for rf in rows if rule.when(rf)]
    check = rule.check
    if check.level == "form":
        return [(rule, h) for h in check.check_form(FormFacts(form, tuple(rows)))]
    hits = []
    for rf in rows:
        hit = check.check_row(rf)
        if hit is not None:
            hits.append((rule, Hit(hit.field, hit.args, rf.row.index)))
    return hits


def _exclusive(hits: list[tuple[Rule, Hit]]) -> list[tuple[Rule, Hit]]:
    """Keep, per row and exclusive group, only the hit of the rule with the lowest order.

    labelling.md: the value categories exclude each other, checked in a fixed order.
    """
    best: dict[tuple, tuple[Rule, Hit]] = {}
    kept = []
    for rule, hit in hits:
        if rule.exclusive is None:
            kept.append((rule, hit))
            continue
        key = (rule.exclusive, hit.row)
        if key not in best or rule.order < best[key][0].order:
            best[key] = (rule, hit)
    return kept + list(best.values())


def internal_error(path: str, err: BaseException, where: str = "") -> Finding:
    """A failure inside indlint while checking one file: an input.invalid finding (formats.md)."""
    summary = " ".join(f"{type(err).__name__}: {err}".split())[:200]
    return Finding(path=path, form=None, project=None, row=None, indicator=None, line=1,
                   column=1, rule="input-invalid", category="input.invalid",
                   severity=Severity.ERROR,
                   message=f"内部错误，请报告：{where + ' ' if where else ''}{summary}",
                   suggestion="这是 indlint 的缺陷，不是表格的问题；请把此文件和这条信息报告给维护者")


def input_inferred(path: str, message: str) -> Finding:
    """An info note: the reader had to guess (formats.md: input.inferred)."""
    return Finding(path=path, form=None, project=None, row=None, indicator=None, line=1,
                   column=1, rule="input-inferred", category="input.inferred",
                   severity=Severity.INFO, message=message,
                   suggestion="把文件另存为 UTF-8 编码，读取就不再需要推断")


def input_invalid(path: str, message: str) -> Finding:
    """The one finding of a file that cannot be read (formats.md)."""
    return Finding(path=path, form=None, project=None, row=None, indicator=None, line=1,
                   column=1, rule="input-invalid", category="input.invalid",
                   severity=Severity.ERROR, message=f"文件无法读取：{message}",
                   suggestion="检查文件路径、编码（UTF-8 或 GBK）和 YAML 格式，参见 README 中的申报表格式")


def inferred(path: str, form: Form) -> list[Finding]:
    """The info notes of what a reader inferred on a row (input.inferred; never scored)."""
    return [Finding(path=path, form=form.index, project=form.project or None, row=row.index,
                    indicator=row.get("name") or None, line=row.pos.line, column=row.pos.column,
                    rule="input-inferred", category="input.inferred", severity=Severity.INFO,
                    message=f"读取时推断：{note}", suggestion="请对照原表核对这一行",
                    cell=row.pos.cell, location=row.pos.location)
            for row in form.rows for note in row.notes]


_ROW_KEYS = frozenset({"l1", "l2", "actual", "unit", "nature", "score", "score_max", "basis"})


class TemplateValues(dict):
    """Values a message template may use, each worked out only when a template asks for it."""

    __slots__ = ("form", "row", "tools", "facts")       # no instance dict: one per finding

    def __init__(self, form: Form, row, args: Mapping, tools: Analysers | None = None,
                 facts: RowFacts | None = None):
        super().__init__({k: _short(str(v)) for k, v in args.items()} if args else ())
        self.form, self.row, self.tools, self.facts = form, row, tools, facts

    def __missing__(self, key: str) -> str:
        value = self[key] = _short(self._value(key))
        return value

    def _value(self, key: str) -> str:
        row = self.row
        if key == "project":
            return self.form.project
        if key == "year":
            year = year_of(self.form)
            return str(year) if year else "本"
        if row is None:
            return ""
        if key in _ROW_KEYS:
            return shown(row.get(key)) if key in ("actual", "l1", "l2") else row.get(key)
        if key == "row":
            return str(row.index)
        if key in ROW_WORDING and self.tools is not None:
            facts = self.facts or RowFacts(row, self.form, self.tools)     # the row's, if known
            return row_value(facts, key) or ""
        return row.get(key) if key in ("name", "target") else ""


def template_values(form: Form, row, args: Mapping, tools: Analysers | None = None) -> TemplateValues:
    """Values a message template may use (lazily: most templates use two or three)."""
    return TemplateValues(form, row, args, tools)


def _short(text: str, limit: int = 120) -> str:
    """A field quoted in a message: at most ``limit`` characters (a cell can hold megabytes)."""
    return text if len(text) <= limit else text[:limit] + "…"


def fill(template: str, values: TemplateValues) -> str:
    """Fill a message template; an unknown placeholder reads as empty."""
    if "{" not in template and "}" not in template:
        return template         # nothing to fill (most suggestions): skip the formatting
    return template.format_map(values)


def build_linter(profile: str = "default", select: Iterable[str] = (), ignore: Iterable[str] = (),
                 severities: Mapping[str, str] | None = None, extra_rules: Iterable[str] = (),
                 lexicons: Lexicons | None = None) -> Linter:
    """Load lexicons, rules and a profile, and choose the active rules."""
    lexicons = lexicons or load_lexicons()
    ruleset = load_rules(lexicons, extra_rules)
    prof = load_profile(profile)
    rules = tuple(r for r in ruleset.active(prof) if selected(r, select, ignore))
    tools = make_analysers(lexicons, prof)
    return Linter(rules, tools, {k: Severity(v) for k, v in (severities or {}).items()},
                  tuple(ruleset.rules.values()))


def check_selection(linter: Linter, patterns: Iterable[str]) -> None:
    """Refuse a rule id, prefix or category that names no loaded rule (a typo disables nothing)."""
    from indlint.judge.rules import RuleError, load_categories

    for pattern in patterns:
        if not known_code(linter, pattern):
            raise RuleError(f"未知的规则或类别：{pattern}（用 indlint rules 查看全部规则）")


def known_code(linter: Linter, code: str) -> bool:
    """Whether a rule id, id prefix, category or category prefix names a loaded rule (or input.invalid)."""
    if code in ("input-invalid", "input.invalid", "input.") or code in _category_ids():
        return True
    return any(r.id.startswith(code) or r.category.startswith(code) for r in linter.all_rules)


@functools.lru_cache(maxsize=1)
def _category_ids() -> frozenset[str]:
    from indlint.judge.rules import load_categories

    return frozenset(load_categories())


def make_analysers(lexicons: Lexicons, profile: Profile) -> Analysers:
    """Build the analysers for a profile."""
    return Analysers(lexicons, ValueParser(lexicons.units), NameAnalyser(lexicons),
                     LevelJudge(lexicons, profile.frameworks))


def selected(rule: Rule, select: Iterable[str], ignore: Iterable[str]) -> bool:
    """Whether a rule passes --select / --ignore (ids, id prefixes or category prefixes)."""
    select, ignore = tuple(select), tuple(ignore)

    def hits(patterns):
        return any(rule.id.startswith(p) or rule.category.startswith(p) for p in patterns)
    return (not select or hits(select)) and not hits(ignore)


