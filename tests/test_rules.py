"""Every rule's own examples, and the rule cases in tests/rule_cases/, run with only that rule on."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from indlint.judge.engine import Linter, make_analysers
from indlint.core.model import Document
from indlint.read.yamlform import read_string
from indlint.judge.rules import load_profile

CASES = Path(__file__).parent / "rule_cases"


def _form_yaml(example: dict, defaults: dict | None = None, kind: str = "declaration") -> str:
    if "indicators" in example:
        form = {"kind": kind, "project": "测试项目", "year": 2026, **example}
    else:
        form = {"kind": kind, "project": "测试项目", "year": 2026,
                "indicators": [{**(defaults or {}), **example}]}
    return yaml.safe_dump(form, allow_unicode=True, sort_keys=False)


def run_rule(lexicons, ruleset, rule_id: str, example: dict, profile="default", defaults=None):
    rules = tuple(ruleset.rules[r.strip()] for r in rule_id.split(","))
    prof = load_profile(profile)
    linter = Linter(rules, make_analysers(lexicons, prof), {})
    # A rule that selects self-evaluations gets its examples as self-evaluation forms.
    kinds = [r.when.spec.get("form-kind") for r in rules if r.when.spec.get("form-kind")]
    doc: Document = read_string(_form_yaml(example, defaults, kinds[0] if kinds else "declaration"))
    assert doc.error is None, doc.error
    return linter.lint(doc)


def _examples():
    from indlint.values.lexicons import load_lexicons
    from indlint.judge.rules import load_rules
    rules = load_rules(load_lexicons()).rules
    for rule in rules.values():
        profile = rule.profiles[0] if rule.profiles else "default"
        for verdict in ("fail", "pass"):
            for n, example in enumerate(rule.examples.get(verdict) or []):
                yield pytest.param(rule.id, verdict, example, profile, id=f"{rule.id}-{verdict}{n}")


@pytest.mark.parametrize("rule_id,verdict,example,profile", list(_examples()))
def test_rule_example(lexicons, ruleset, rule_id, verdict, example, profile):
    findings = run_rule(lexicons, ruleset, rule_id, example, profile)
    if verdict == "fail":
        assert findings, f"{rule_id} should fire on {example}"
        assert {f.rule for f in findings} == {rule_id}
    else:
        assert findings == [], f"{rule_id} should not fire on {example}: {findings}"


def _cases():
    for path in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, case in data.items():
            if name.startswith("test_"):
                yield pytest.param(data["rule"], data.get("defaults", {}), case,
                                   id=f"{path.stem}-{name}")


@pytest.mark.parametrize("rule_id,defaults,case", list(_cases()))
def test_rule_case(lexicons, ruleset, rule_id, defaults, case):
    profile = case.get("profile", "default")
    if "form" in case:
        findings = run_rule(lexicons, ruleset, rule_id, case["form"], profile)
        expected = sorted(case.get("findings") or [])
        assert sorted(f.row for f in findings) == expected
        return
    verdict = "fail" if "fail" in case else "pass"
    findings = run_rule(lexicons, ruleset, rule_id, case[verdict], profile, defaults)
    if "rules" in case:         # a combination case: exactly these of the rules under test fire
        assert sorted(f.rule for f in findings) == sorted(case["rules"])
        return
    assert bool(findings) == (verdict == "fail"), findings
