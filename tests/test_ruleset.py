"""Integrity of the rule set: strict loading, the category contract, docs kept fresh."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from indlint.output.docs import rules_markdown
from indlint.judge.rules import RuleError, load_categories, load_rule, load_rules

from conftest import shared_path

ROOT = Path(__file__).resolve().parents[1]
ROW_CATEGORIES_NEEDING_RULES = [
    "level.l1-unknown", "level.l2-mismatch", "level.l3-misplaced", "level.process-measure",
    "name.not-measurable", "duplicate", "value.missing", "value.unparseable", "value.vague",
    "value.rate-unquantified", "value.count-unquantified", "value.satisfaction-unquantified",
    "value.timeliness-vague", "value.out-of-range", "value.satisfaction-unrealistic",
    "value.nature-mismatch", "unit.mismatch", "unit.missing", "comparator.direction",
    "comparator.equals-threshold", "basis.missing", "style.format"]


def test_categories_agree_with_the_spec():
    spec = yaml.safe_load(shared_path("spec", "defects.yaml").read_text(encoding="utf-8"))
    ours = load_categories()
    assert {k: v["scope"] for k, v in spec["categories"].items()} == {
        k: c.scope for k, c in ours.items()}


def test_every_row_category_has_a_rule(ruleset):
    covered = {r.category for r in ruleset.rules.values()}
    assert not [c for c in ROW_CATEGORIES_NEEDING_RULES if c not in covered]


def test_rules_match_their_files_and_scopes(ruleset):
    for rule in ruleset.rules.values():
        assert Path(rule.path).stem == rule.id
        assert rule.scope == ruleset.categories[rule.category].scope
        assert rule.examples.get("fail"), rule.id


GOOD_RULE = """id: ZZ01
name: demo
category: value.vague
severity: warning
summary: s
rationale: r
source: s
message: "{name}"
suggestion: s
check: {kind: select}
examples: {fail: [{name: a, target: 提升}]}
"""


@pytest.mark.parametrize("edit,needle", [
    (("severity: warning", "severity: fatal"), ":4: severity"),
    (("category: value.vague", "category: value.fuzzy"), ":3: 未知类别"),
    (("check: {kind: select}", "check: {kind: select}\ncolour: red"), ":11: 未知的键 colour"),
    (("check: {kind: select}", "check: {kind: regex}"), ":10: 未知 kind"),
    (('message: "{name}"', 'message: "{nmae}"'), ":8: message 中的占位符"),
    (("check: {kind: select}", "check: {kind: select}\nwhen: {target-is: fuzzy}"), ":11: target-is"),
    (("id: ZZ01", "id: zz1"), ":1: 规则编号"),
])
def test_strict_loader_names_file_and_line(lexicons, edit, needle):
    text = GOOD_RULE.replace(*edit)
    with pytest.raises(RuleError) as err:
        load_rule("extra/ZZ01.yaml", text, load_categories(), lexicons)
    assert str(err.value).startswith("extra/ZZ01.yaml") and needle in str(err.value)


def test_duplicate_id_is_refused(lexicons, tmp_path):
    (tmp_path / "VL01.yaml").write_text(GOOD_RULE.replace("ZZ01", "VL01"), encoding="utf-8")
    with pytest.raises(RuleError, match="重复"):
        load_rules(lexicons, [str(tmp_path)])


def test_extra_rule_folder_adds_a_rule(lexicons, tmp_path):
    (tmp_path / "ZZ01.yaml").write_text(GOOD_RULE, encoding="utf-8")
    assert "ZZ01" in load_rules(lexicons, [str(tmp_path)]).rules


def test_docs_rules_md_is_fresh(ruleset):
    written = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert written == rules_markdown(ruleset.rules.values()), "run: make docs"


def test_every_check_kind_runs_from_a_rule_file(lexicons, tmp_path):
    """`required` is used by no shipped rule: a reviewer's rule with it loads and fires."""
    from indlint.judge.engine import Linter, make_analysers
    from indlint.read.yamlform import read_string
    from indlint.judge.rules import load_profile

    rule_text = GOOD_RULE.replace("ZZ01", "ZZ02").replace(
        "check: {kind: select}", "check: {kind: required, fields: [basis]}").replace(
        'message: "{name}"', 'message: "{name} 缺少 {missing}"')
    (tmp_path / "ZZ02.yaml").write_text(rule_text, encoding="utf-8")
    rule = load_rules(lexicons, [str(tmp_path)]).rules["ZZ02"]
    linter = Linter((rule,), make_analysers(lexicons, load_profile("default")), {})
    doc = read_string("project: x\nindicators:\n  - {name: 培训人数, target: '≥5人'}\n"
                      "  - {name: 体检人数, target: '=28人', basis: 计划标准}\n")
    found = linter.lint(doc)
    assert [(f.row, f.message) for f in found] == [(1, "培训人数 缺少 basis")]
