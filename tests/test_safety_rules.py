"""Issue 12, user rules validated completely at load: plain placeholders only, finite numbers,
well-formed examples — every problem is exit 2 naming the file and line, on every command."""
from __future__ import annotations

import pytest

from conftest import ROOT
from test_safety_reads import run, work  # noqa: F401  (fixture)

VL05 = (ROOT / "rules" / "value" / "VL05.yaml").read_text(encoding="utf-8")
SE06 = (ROOT / "rules" / "selfeval" / "SE06.yaml").read_text(encoding="utf-8")


def _rule(source: str, old: str = "", new: str = "") -> str:
    """A packaged rule renamed ZZ01 (and outside any exclusive group), with one edit."""
    lines = [ln for ln in source.splitlines() if not ln.startswith(("id:", "name:", "exclusive:"))]
    text = "id: ZZ01\nname: my-rule\n" + "\n".join(lines) + "\n"
    assert old in text
    return text.replace(old, new, 1)


def _message(spec: str) -> str:
    return _rule(VL05, "message: 时效指标「{name}」", f"message: 时效指标「{spec}」")


def _examples(block: str) -> str:
    text = _rule(VL05)
    return text[:text.index("examples:")] + "examples: " + block + "\n"


# (name, rule text, the key whose line the message must name)
BAD_RULES = [
    ("spec-d", _message("{name:d}"), "message"),
    ("spec-nested", _message("{name:{target}}"), "message"),
    ("spec-huge-width", _message("{name:>99999999999999999999}"), "message"),
    ("spec-width-3gb", _message("{name:>1500000000}"), "message"),
    ("conversion", _message("{name!r}"), "message"),
    ("attribute", _message("{name.__class__}"), "message"),
    ("index", _message("{name[0]}"), "message"),
    ("positional", _message("{}"), "message"),
    ("suggestion-spec", _rule(VL05, "suggestion: 改为", "suggestion: '{year:x}'改为"), "suggestion"),
    ("tolerance-nan", _rule(SE06, "compare: at-most}", "compare: at-most, tolerance: .nan}"), "check"),
    ("tolerance-inf", _rule(SE06, "compare: at-most}", "compare: at-most, tolerance: -.inf}"), "check"),
    ("terms-inf", _rule(SE06, "terms: [rows.score_max, budget.score_max]", "terms: [rows.score_max, .inf]"),
     "check"),
    ("target-nan", _rule(SE06, "target: 100", "target: .NaN"), "check"),
    ("example-indicators-number", _examples("{fail: [{indicators: 5}]}"), "examples"),
    ("example-indicators-mapping", _examples("{fail: [{indicators: {a: 1}}]}"), "examples"),
    ("example-nested-value", _examples("{fail: [{name: {a: {b: 1}}}]}"), "examples"),
    ("example-row-mapping-value", _examples("{fail: [{indicators: [{l1: {a: 1}}]}]}"), "examples"),
    ("example-number-key", _examples("{fail: [{1: 2}]}"), "examples"),
    ("example-list-value", _examples("{fail: [{name: [a, b]}]}"), "examples"),
]


@pytest.mark.parametrize("name,text,key", BAD_RULES, ids=[c[0] for c in BAD_RULES])
@pytest.mark.parametrize("command", [["check", "g.yaml"], ["explain", "ZZ01"]])
def test_a_bad_user_rule_is_exit_2_with_file_and_line(work, name, text, key, command):
    (work / "my").mkdir()
    (work / "my" / "ZZ01.yaml").write_text(text, encoding="utf-8")
    (work / "indlint.yaml").write_text("rule-paths: [my]\n", encoding="utf-8")
    done = run(*command, cwd=work, timeout=60)
    assert done.returncode == 2, (done.returncode, done.stdout[-300:], done.stderr[-300:])
    line = next(n for n, ln in enumerate(text.splitlines(), 1) if ln.startswith(key + ":"))
    assert f"ZZ01.yaml:{line}:" in done.stderr, done.stderr


GOOD_RULES = [
    ("plain-placeholders", _rule(VL05)),
    ("form-example", _rule(SE06)),
    ("finite-tolerance", _rule(SE06, "compare: at-most}", "compare: at-most, tolerance: 0.5}")),
    ("escaped-braces", _message("{{name}} {name}")),
]


@pytest.mark.parametrize("name,text", GOOD_RULES, ids=[c[0] for c in GOOD_RULES])
def test_a_good_user_rule_loads_and_explains(work, name, text):
    (work / "my").mkdir()
    (work / "my" / "ZZ01.yaml").write_text(text, encoding="utf-8")
    (work / "indlint.yaml").write_text("rule-paths: [my]\n", encoding="utf-8")
    assert run("check", "g.yaml", cwd=work).returncode == 1
    done = run("explain", "ZZ01", cwd=work)
    assert done.returncode == 0 and "ZZ01" in done.stdout, done.stderr
