"""Every message and suggestion rendered over every labelled form reads as text a reviewer can send.

Fails on an empty slot (「」, “”, 约  分), a doubled comparator (≥=95, ≥≥), a quoted rewrite whose
unit does not fit what the indicator counts (a % for a count of courses, 人 for an area), and a
sentence that contradicts the row (SE02 calling a non-answer “未达到”, a rewrite that changes
nothing).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest

from indlint.judge.analysis import RowFacts
from indlint.judge.engine import build_linter
from indlint.judge.kinds.relation import _FITS
from indlint.read.files import read_path
from indlint.values.values import Kind, UnitKind

from conftest import SHARED

ROOT = Path(__file__).resolve().parents[1]
PROFILES = ("default", "cz2021", "shanghai")

_EMPTY_SLOTS = ("「」", "“”", "（）", "()", "「 」", "“ ”", "{", "}", "None", "约 分", "  ")
_DOUBLED = re.compile(r"[≥≤][=≥≤<>]|[<>=][≥≤]|==")
_QUOTED = re.compile(r"[“「]([^”」“「]{1,80})[”」]")


def labelled_forms() -> list[str]:
    files = sorted(str(p) for p in (ROOT / "corpus").glob("*.yaml"))
    files += sorted(str(p) for p in (SHARED / "dev" / "forms").glob("*.yaml"))
    return files


@lru_cache(maxsize=None)
def rendered(profile: str):
    """(finding, row facts or None) for every finding of every labelled form under a profile."""
    linter = build_linter(profile)
    out = []
    for path in labelled_forms():
        doc = read_path(path)
        for finding in linter.lint(doc):
            facts = None
            if finding.form is not None and finding.row is not None:
                form = doc.forms[finding.form]
                facts = RowFacts(form.rows[finding.row - 1], form, linter.tools)
            out.append((finding, facts))
    return out, linter.tools


def _where(f) -> str:
    return f"{f.path} 第{f.row}行 {f.rule}: {f.message} / {f.suggestion}"


@pytest.mark.parametrize("profile", PROFILES)
def test_no_empty_slot_or_doubled_comparator(profile):
    findings, _ = rendered(profile)
    assert len(findings) > 500, "the labelled forms give several hundred findings"
    bad = []
    for f, _ in findings:
        for text in (f.message, f.suggestion):
            if any(slot in text for slot in _EMPTY_SLOTS) or text != text.strip():
                bad.append(("empty slot", _where(f)))
        if _DOUBLED.search(f.suggestion):
            bad.append(("doubled comparator", _where(f)))
        for quoted in _QUOTED.findall(f.message):
            if _DOUBLED.search(quoted) and quoted not in (f.indicator or "") and \
                    not _is_quoted_cell(quoted, f):
                bad.append(("doubled comparator", _where(f)))
    assert not bad, "\n".join(f"{kind}: {where}" for kind, where in bad[:20])


def _is_quoted_cell(quoted: str, f) -> bool:
    """The message quotes the form's own text (a >=90% the unit wrote is the row's, not ours)."""
    return quoted in f.message and f.rule in ("ST01", "CP01", "CP02", "SE02", "SE04") or \
        quoted.startswith((">=", "<=", "≧", "≦"))


def _fits(counts: UnitKind | None, unit_kind: UnitKind | None) -> bool:
    if counts is None or unit_kind in (None, UnitKind.OTHER):
        return True
    return unit_kind in _FITS.get(counts, {counts}) or (counts is UnitKind.MONEY and
                                                        unit_kind is UnitKind.UNIT_COST)


@pytest.mark.parametrize("profile", PROFILES)
def test_rewrites_use_a_unit_that_fits_the_name(profile):
    """A quoted rewrite “名称 值” fits its own name; a bare “值” fits the row's indicator."""
    findings, tools = rendered(profile)
    unit_rows = {(f.path, f.form, f.row) for f, _ in findings if f.category.startswith("unit.")}
    bad = []
    for f, facts in findings:
        if f.rule == "ST01" and (f.path, f.form, f.row) in unit_rows:
            continue         # notation only: the row's own unit, which its unit finding rewrites
        for quoted in _QUOTED.findall(f.suggestion):
            name, _, value_text = quoted.rpartition(" ")
            value = tools.values.parse(value_text)
            if value.kind is not Kind.QUANTITY or value.unit is None:
                continue
            if name:
                counts = tools.names.analyse(name).counts
            else:
                counts = facts.name.counts if facts is not None else None
            if not _fits(counts, value.unit_kind):
                bad.append(f"“{quoted}” ({counts}, {value.unit_kind}): {_where(f)}")
    assert not bad, "\n".join(bad[:20])


@pytest.mark.parametrize("profile", PROFILES)
def test_sentences_agree_with_the_row(profile):
    findings, _ = rendered(profile)
    bad = []
    for f, facts in findings:
        if facts is None:
            continue
        if f.rule == "SE02" and facts.actual.kind is Kind.WORD and "未达到" in f.message \
                and "completion-word" not in facts.actual_traits:
            bad.append(f"a non-answer called 未达到: {_where(f)}")
        target = facts.row.get("target").strip()
        if target and re.search(rf"(改为|写作)「{re.escape(target)}」", f.suggestion):
            bad.append(f"a rewrite that changes nothing: {_where(f)}")
        if f.rule == "CP01" and "改为「" in f.suggestion:
            sign = "≤" if "“≤”" in f.message else "≥"
            if f"改为「{sign}" not in f.suggestion:
                bad.append(f"flip to the wrong sign: {_where(f)}")
    assert not bad, "\n".join(bad[:20])


def test_issue_examples_read_as_rewrites_of_the_row():
    """The issue's examples, each on its own row."""
    findings, _ = rendered("default")
    by_rule = {}
    for f, _ in findings:
        by_rule.setdefault(f.rule, []).append(f)
    cp02 = {f.indicator: f.suggestion for f in by_rule["CP02"]}
    assert cp02["委托管理考核合格率"].startswith("改为“委托管理考核合格率 ≥95%”")
    un01 = {f.indicator: f.suggestion for f in by_rule["UN01"]}
    assert un01["开设课程数量"].startswith("改为“开设课程数量 220门”")
    assert "“43.2元”还是“43.2万元”" in un01["指标1工程资金金额"]
    se02 = {f.indicator: f for f in by_rule["SE02"]}
    assert "没有说明是否达到" in se02["故障响应及时性"].message
    assert "约 4.84 分" in se02["★★★特困人员救助供养人数(按月平均)(≥**人)"].suggestion
    st01 = [f for f in by_rule["ST01"] if f.indicator == "*贫困地区旅游基础设施建设质量达标率100%"]
    assert st01 and "「≥98%」" in st01[0].suggestion
    assert all("indlint fix" not in f.suggestion for fs in by_rule.values() for f in fs)


# ---- a citable basis ------------------------------------------------------------------------

PUBLIC = ("财预〔2015〕88号", "财预〔2020〕10号", "财预〔2021〕101号", "《财政支出绩效评价管理暂行办法》",
          "《上海市市级部门项目支出核心绩效目标和指标设置及取值指引（试行）》", "闵行区项目预算评审评分表")
INTERNAL = (".md", "labelling", "domain-rules", "guide/", "formats", "[R", "[K", "[I", "VAL-", "LVL-",
            "STR-", "SE-0", "UNIT-", "DOC-", "seed", "审核实务")


def test_every_rule_cites_a_public_document(ruleset):
    """source: names a document a unit can look up; internal grounds sit in grounds:."""
    from click.testing import CliRunner
    from indlint.app.cli import main

    read = [line for line in (SHARED / "guide" / "domain-rules.md").read_text(encoding="utf-8")
            .splitlines() if "[R" in line] if (SHARED / "guide").exists() else None
    for rule in ruleset.rules.values():
        assert any(doc in rule.source for doc in PUBLIC), (rule.id, rule.source)
        assert not any(word in rule.source for word in INTERNAL), (rule.id, rule.source)
        quotes = re.findall(r"「([^」]+)」", rule.source)
        if not quotes:
            assert "（条款未核对）" in rule.source, (rule.id, rule.source)
        for quote in quotes if read is not None else ():
            core = quote.rstrip("。")
            assert any(core in line for line in read), f"{rule.id}: 「{quote}」 is not marked [R]"
        out = CliRunner().invoke(main, ["explain", rule.id]).output
        assert f"依据：{rule.source.strip()}" in out
        if rule.grounds:
            assert "内部说明：" in out
