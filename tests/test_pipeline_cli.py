"""Suppressions, baselines, parallel jobs and fix, end to end through the command line."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from indlint.app.cli import main

ROOT = Path(__file__).resolve().parents[1]
FORM = """project: 测试项目
year: 2026
indicators:
  - {l1: 产出指标, l2: 时效指标, name: 工资发放及时性, target: 及时}  # indlint: disable=VL05 区里统一口径
  - {l1: 满意度指标, l2: 服务对象满意度指标, name: 居民满意度, target: 满意}
  - {l1: 产出指标, l2: 数量指标, name: 聘用社工人数, target: '>=236.00(人)'}  # indlint: disable=UN02 多余
"""


def invoke(*args):
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result


def rules(result) -> set:
    return {(f["row"], f["rule"]) for f in json.loads(result.stdout)["findings"]}


def test_suppressions_end_to_end(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text(FORM, encoding="utf-8")
    result = invoke("check", "--format", "json", str(path))
    found = rules(result)
    assert (1, "VL05") not in found and (2, "VL03") in found
    assert "未使用的忽略" in result.stderr and "UN02" in result.stderr


def test_baseline_first_writes_then_reports_only_new(tmp_path):
    path, base = tmp_path / "a.yaml", tmp_path / "baseline.json"
    path.write_text(FORM, encoding="utf-8")
    first = invoke("check", "--baseline", str(base), str(path))
    assert first.exit_code == 0 and base.exists() and "已写入基线" in first.stderr
    path.write_text(FORM + "  - {l1: 产出指标, l2: 数量指标, name: 培训人数, target: 较多}\n",
                    encoding="utf-8")
    second = invoke("check", "--format", "json", "--baseline", str(base), str(path))
    assert {r for _, r in rules(second)} == {"VL04"} and second.exit_code == 1


def test_jobs_give_the_same_output(tmp_path):
    corpus = str(ROOT / "corpus")
    one = invoke("check", "--format", "json", corpus)
    two = invoke("check", "--format", "json", "--jobs", "2", corpus)
    assert one.stdout == two.stdout and json.loads(one.stdout)["summary"]["forms"] == 14


def test_fix_and_diff(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text(FORM, encoding="utf-8")
    shown = invoke("fix", "--diff", str(path))
    assert "+  - {l1: 产出指标, l2: 数量指标, name: 聘用社工人数, target: '≥236人'}" in shown.stdout
    assert path.read_text(encoding="utf-8") == FORM                     # --diff writes nothing
    assert invoke("fix", str(path)).exit_code == 0
    assert path.read_text(encoding="utf-8") == FORM.replace("'>=236.00(人)'", "'≥236人'")


def test_streamed_output_is_byte_identical_to_collected(tmp_path):
    """One text or JSON output is written file by file; the bytes match the collected path."""
    inputs = [str(ROOT / "corpus"), str(ROOT / "tests" / "fixtures"), str(tmp_path / "missing.yaml")]
    for fmt in ("json", "text"):
        streamed = invoke("check", "--format", fmt, *inputs).stdout
        a, b = tmp_path / f"a.{fmt}", tmp_path / "b.out"
        invoke("check", "-o", f"{fmt}:{a}", "-o", f"junit:{b}", *inputs)   # two outputs: collected
        assert streamed == a.read_text(encoding="utf-8")
        empty = invoke("check", "--format", fmt, "--select", "SE01", str(ROOT / "corpus")).stdout
        collected = tmp_path / f"e.{fmt}"
        invoke("check", "-o", f"{fmt}:{collected}", "-o", f"junit:{b}", "--select", "SE01",
               str(ROOT / "corpus"))
        assert empty == collected.read_text(encoding="utf-8")


def test_outputs_never_overwrite_inputs(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text(FORM, encoding="utf-8")
    assert invoke("report", str(path), "-o", str(path)).exit_code == 2
    assert path.read_text(encoding="utf-8") == FORM
    csv = ROOT / "tests" / "fixtures" / "jiuliting_2026_zizhi.csv"
    copy = tmp_path / "t.csv"
    copy.write_bytes(csv.read_bytes())
    assert invoke("import", str(copy), "-o", str(copy)).exit_code == 2
    assert copy.read_bytes() == csv.read_bytes()
    assert invoke("import", str(copy), "-o", str(tmp_path / "no" / "dir.yaml")).exit_code == 1


def test_form_kind_spellings(tmp_path):
    path = tmp_path / "a.yaml"
    base = ("project: x\nkind: {}\nindicators:\n  - {{l1: 产出指标, l2: 数量指标, name: 培训人数, "
            "target: '≥50人', actual: 40人, score_max: '10', score: '10'}}\n")
    path.write_text(base.format("自评表"), encoding="utf-8")
    assert "SE02" in {r for _, r in rules(invoke("check", "--format", "json", str(path)))}
    path.write_text(base.format("自平表"), encoding="utf-8")
    found = json.loads(invoke("check", "--format", "json", str(path)).stdout)["findings"]
    assert [f["category"] for f in found] == ["input.invalid"] and "kind" in found[0]["message"]


def test_rules_and_explain_see_the_configured_rule_folder(tmp_path, monkeypatch):
    from test_config import RATE_RULE

    (tmp_path / "my-rules").mkdir()
    (tmp_path / "my-rules" / "XR01.yaml").write_text(RATE_RULE, encoding="utf-8")
    (tmp_path / "indlint.yaml").write_text("rule-paths: [my-rules]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert "XR01" in invoke("rules").stdout
    assert "本局审核实务" in invoke("explain", "XR01").stdout
    assert invoke("rules", "--profile", "nosuch").exit_code == 2


def test_kind_parameters_of_the_wrong_type_exit_two(tmp_path, monkeypatch):
    from test_config import RATE_RULE

    bad = RATE_RULE.replace("check: {kind: select}",
                            "check: {kind: coverage, require: [{when: {l1: 产出指标}, min: abc, label: x}]}")
    (tmp_path / "my-rules").mkdir()
    (tmp_path / "my-rules" / "XR01.yaml").write_text(bad, encoding="utf-8")
    (tmp_path / "indlint.yaml").write_text("rule-paths: [my-rules]\n", encoding="utf-8")
    (tmp_path / "a.yaml").write_text(FORM, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = invoke("check", "a.yaml")
    assert result.exit_code == 2 and "XR01.yaml:" in result.output
