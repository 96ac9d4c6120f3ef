"""Configuration: found by walking up, validated strictly, overridden by flags; extra rule folders."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from indlint.app.cli import main

FORM = """project: 测试项目
year: 2026
indicators:
  - {l1: 产出指标, l2: 质量指标, name: 验收合格率, target: "≥100%"}
  - {l1: 满意度指标, l2: 服务对象满意度指标, name: 居民满意度, target: 满意}
"""
# The README's example: a reviewer's own rule, flagging ≥100% on any rate.
RATE_RULE = """id: XR01
name: rate-at-least-hundred
category: style.format
severity: warning
summary: 比率目标不宜写“≥100%”
rationale: ≥100% 等同于 =100%。
source: 本局审核实务
message: 「{name}」的目标「{target}」写成了≥100%
suggestion: 改为“=100%”
when: {name-is: rate, comparator: "≥", target-is: hundred-percent}
check: {kind: select}
examples:
  fail: [{l1: 产出指标, l2: 质量指标, name: 验收合格率, target: "≥100%"}]
"""


def run(tmp_path: Path, monkeypatch, *args):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--format", "json", *args])
    assert "Traceback" not in result.output
    return result


def setup(tmp_path: Path, config: str) -> None:
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "a.yaml").write_text(FORM, encoding="utf-8")
    (tmp_path / "indlint.yaml").write_text(config, encoding="utf-8")


def rules_of(result) -> set[str]:
    return {f["rule"] for f in json.loads(result.output)["findings"]}


def test_extra_rule_folder_from_config(tmp_path, monkeypatch):
    setup(tmp_path, "rule-paths: [my-rules]\n")
    (tmp_path / "my-rules").mkdir()
    (tmp_path / "my-rules" / "XR01.yaml").write_text(RATE_RULE, encoding="utf-8")
    assert "XR01" in rules_of(run(tmp_path, monkeypatch, "forms"))


def test_select_ignore_severity_and_fail_on(tmp_path, monkeypatch):
    setup(tmp_path, "ignore: [VL03]\nseverity: {ST01: warning}\nfail-on: warning\n")
    result = run(tmp_path, monkeypatch, "forms")
    assert "VL03" not in rules_of(result)
    assert result.exit_code == 1        # only warnings and infos left, and fail-on is warning
    flags = run(tmp_path, monkeypatch, "--select", "VL03", "forms")   # flags override the file
    assert rules_of(flags) == {"VL03"}


def test_per_file_ignores(tmp_path, monkeypatch):
    setup(tmp_path, "per-file-ignores:\n  'forms/a.yaml': [value.]\n")
    assert not [r for r in rules_of(run(tmp_path, monkeypatch, "forms")) if r.startswith("VL")]


def test_pyproject_table(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.indlint]\nignore = ["VL03"]\n', encoding="utf-8")
    (tmp_path / "a.yaml").write_text(FORM, encoding="utf-8")
    assert "VL03" not in rules_of(run(tmp_path, monkeypatch, "a.yaml"))


@pytest.mark.parametrize("config,needle", [
    ("colour: red\n", "colour"), ("ignore: [QQ01]\n", "QQ01"), ("profile: nope\n", "nope"),
    ("severity: [a]\n", "severity"), ("per-file-ignores: [x]\n", "per-file-ignores"),
    ("rule-paths: [nowhere]\n", "nowhere")])
def test_bad_configuration_exits_two_naming_it(tmp_path, monkeypatch, config, needle):
    """An unknown key, rule or profile, or a key of the wrong shape: exit 2, named, no traceback."""
    setup(tmp_path, config)
    result = run(tmp_path, monkeypatch, "forms")
    assert result.exit_code == 2 and needle in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("config", ["fail-on: 2024-02-30\n", "profile: !!int abc\n",
                                    "select: !!float x\n"])
def test_a_value_yaml_cannot_build_is_a_clear_error(tmp_path, monkeypatch, config):
    """PyYAML raises a plain ValueError for these (not a YAMLError): still exit 2, named."""
    setup(tmp_path, config)
    result = run(tmp_path, monkeypatch, "forms")
    assert result.exit_code == 2 and "indlint.yaml" in result.output
    assert "不是有效的 YAML" in result.output and "Traceback" not in result.output


def test_non_utf8_config_is_a_clear_error(tmp_path, monkeypatch):
    setup(tmp_path, "")
    (tmp_path / "indlint.yaml").write_bytes("profile: 默认\n".encode("gbk"))
    result = run(tmp_path, monkeypatch, "forms")
    assert result.exit_code == 2 and "UTF-8" in result.output
