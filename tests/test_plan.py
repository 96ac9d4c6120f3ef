"""Each distinct row judged once (judge/plan.py) gives exactly what judging every row gives."""
from __future__ import annotations

from pathlib import Path

import pytest

from indlint.judge.engine import build_linter
from indlint.judge.plan import MAX_VERDICTS
from indlint.read.files import read_path
from indlint.read.yamlform import read_string

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _both(linter, doc):
    """Findings of every form the shared way and the rule-by-rule way (both sorted)."""
    shared, each = [], []
    for form in doc.forms:
        plan = linter._plan(form.kind)
        assert plan.shareable
        shared += linter._lint_shared(doc.path, form, plan)
        each += linter._lint_each(doc.path, form, plan)
    return sorted(shared, key=lambda f: f.sort_key()), sorted(each, key=lambda f: f.sort_key())


def _forms():
    paths = sorted(ROOT.glob("corpus/*.yaml"))
    paths += sorted((SHARED / "dev" / "forms").glob("*.yaml")) if SHARED.is_dir() else []
    return paths


@pytest.mark.parametrize("profile", ["default", "cz2021", "shanghai"])
def test_shared_verdicts_equal_rule_by_rule(profile):
    """Every labelled form, twice over (the second pass meets only remembered rows)."""
    linter = build_linter(profile)
    for _ in range(2):
        for path in _forms():
            shared, each = _both(linter, read_path(str(path)))
            assert shared == each, path.name


def test_repeated_row_gets_its_own_place_and_project_specific_wording():
    """Two forms repeat one row: the findings share the verdict, not the row, line or project."""
    text = """forms:
  - kind: declaration
    project: 甲项目
    year: 2025
    indicators:
      - {l1: 产出指标, l2: 数量指标, name: 培训人数, target: 提升}
      - {l1: 产出指标, l2: 数量指标, name: 培训人数, target: 提升}
  - kind: declaration
    project: 乙项目
    year: 2026
    indicators:
      - {l1: 产出指标, l2: 数量指标, name: 培训人数, target: 提升}
"""
    linter = build_linter()
    findings = linter.lint(read_string(text))
    vague = [f for f in findings if f.rule == "VL04"]
    assert [(f.form, f.row, f.line, f.project) for f in vague] == [
        (0, 1, 6, "甲项目"), (0, 2, 7, "甲项目"), (1, 1, 12, "乙项目")]
    plan = linter._plan("declaration")
    assert len(plan.verdicts) + len(plan.kept) == 1     # one distinct row, judged once
    # The same rows, judged rule by rule, give the same findings.
    doc = read_string(text)
    shared, each = _both(linter, doc)
    assert shared == each


def test_a_failing_check_falls_back_to_rule_by_rule(monkeypatch):
    """A check that raises on a row: that rule alone becomes an internal-error finding."""
    linter = build_linter()
    plan = linter._plan("declaration")
    victim = next(r for r in plan.rules if r.id == "VL07")

    def broken(facts):
        raise RuntimeError("boom")
    monkeypatch.setattr(victim.check, "check_row", broken)
    plan.masks.clear()                          # routes hold the bound check_row
    doc = read_string("kind: declaration\nindicators:\n"
                      "  - {l1: 产出指标, l2: 数量指标, name: 培训人数, target: 提升}\n")
    findings = linter.lint(doc)
    errors = [f for f in findings if f.category == "input.invalid"]
    assert len(errors) == 1 and "VL07" in errors[0].message and "boom" in errors[0].message
    assert plan.verdicts == plan.kept == {}     # nothing was kept from the failed judgement


def test_verdicts_stay_bounded():
    """Many distinct rows, each met twice: both generations stay within MAX_VERDICTS."""
    rows = "".join(f"  - {{l1: 产出指标, l2: 数量指标, name: 培训人数{i}, target: '≥{i}人'}}\n" * 2
                   for i in range(MAX_VERDICTS + 10))
    linter = build_linter()
    linter.lint(read_string("kind: declaration\nindicators:\n" + rows))
    plan = linter._plan("declaration")
    assert len(plan.verdicts) <= MAX_VERDICTS and 0 < len(plan.kept) <= MAX_VERDICTS


def test_a_row_met_again_moves_to_the_kept_generation():
    """Rows every form repeats survive the forgetting of rows met once."""
    linter = build_linter()
    plan = linter._plan("declaration")
    common = "  - {l1: 满意度指标, l2: 服务对象满意度指标, name: 群众满意度, target: '≥90%'}\n"
    linter.lint(read_string("kind: declaration\nindicators:\n" + common * 2))
    assert len(plan.kept) == 1 and not plan.verdicts
    once = "".join(f"  - {{l1: 产出指标, l2: 数量指标, name: 培训人数{i}, target: '≥{i}人'}}\n"
                   for i in range(MAX_VERDICTS + 10))
    linter.lint(read_string("kind: declaration\nindicators:\n" + once))
    assert len(plan.kept) == 1                  # the young generation was emptied, not the kept
