"""Issue 14, output and consoles: full/concise, colour, --quiet, --min-severity, hidden counts,
standard input, unused-suppression scope, and consoles that cannot show every character."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from indlint.app.cli import main

from conftest import GOOD

ROOT = Path(__file__).resolve().parents[1]
CO2 = GOOD.replace("体检人数", "CO₂减排量（吨）—≧").replace("测试项目", "碳达峰·CO₂项目")


def run(*args: str, **kwargs):
    result = CliRunner().invoke(main, list(args), **kwargs)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def good(tmp_path) -> str:
    path = tmp_path / "a.yaml"
    path.write_text(GOOD, encoding="utf-8")
    return str(path)


def test_concise_is_one_line_per_finding_naming_the_project(good):
    full = run("check", good)
    concise = run("check", "--format", "concise", good)
    count = json.loads(run("check", "--format", "json", good).stdout)["summary"]
    total = count["errors"] + count["warnings"] + count["infos"]
    assert concise.exit_code == full.exit_code == 1
    lines = concise.stdout.splitlines()
    assert len(lines) == total + 1 and all("「测试项目」" in line for line in lines[:-1])
    assert "建议：" not in concise.stdout and "建议：" in full.stdout


def test_full_is_text_and_output_format_is_an_alias(good):
    text = run("check", "--format", "text", good).stdout
    assert run("check", "--format", "full", good).stdout == text
    assert run("check", "--output-format", "full", good).stdout == text
    assert run("check", "--output-format", "concise", good).stdout == \
        run("check", "--format", "concise", good).stdout


def test_colour_only_when_asked_or_on_a_terminal(good):
    assert "\x1b[" not in run("check", good).stdout          # not a terminal: auto is off
    always = run("check", "--color", "always", good).stdout
    assert "\x1b[31;1m[error]\x1b[0m" in always
    assert "\x1b[" not in run("check", "--color", "never", good).stdout
    assert "\x1b[" in run("check", "--color", "always", "--format", "concise", good).stdout
    json_out = run("check", "--color", "always", "--format", "json", good).stdout
    assert "\x1b[" not in json_out


def test_no_color_turns_auto_colour_off(good, monkeypatch):
    from indlint.app import console

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert console.use_colour("auto") is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert console.use_colour("auto") is False and console.use_colour("always") is True


def test_quiet_prints_the_findings_only(good, tmp_path):
    quiet = run("check", "--quiet", good)
    assert quiet.exit_code == 1
    assert "检查了" not in quiet.output and "VL03" in quiet.stdout


def test_min_severity_hides_findings_and_they_do_not_count(good):
    everything = run("check", "--format", "json", "--fail-on", "warning", good)
    shown = json.loads(everything.stdout)
    assert shown["summary"]["warnings"] >= 1 and everything.exit_code == 1
    errors = run("check", "--format", "json", "--min-severity", "error", "--fail-on", "info", good)
    doc = json.loads(errors.stdout)
    assert doc["findings"] and all(f["severity"] == "error" for f in doc["findings"])
    only_info = run("check", "--min-severity", "error", "--select", "VL", "--ignore", "VL03",
                    "--fail-on", "info", good)
    assert only_info.exit_code == 0


def test_hidden_findings_are_counted_on_the_summary_line_not_in_json(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text(GOOD.replace("target: 满意}", "target: 满意}  # indlint: disable=VL03 已核实"),
                    encoding="utf-8")
    text = run("check", str(path))
    assert "已忽略 1 个" in text.stdout.splitlines()[-1]
    machine = run("check", "--format", "json", str(path))
    assert "已忽略" not in machine.stdout and "已忽略 1 个" in machine.stderr
    baseline = tmp_path / "b.json"
    run("check", "--baseline", str(baseline), str(path))
    again = run("check", "--baseline", str(baseline), str(path))
    assert again.exit_code == 0 and "已忽略" in again.stdout and "个（忽略注释或基线）" in again.stdout


def test_dash_reads_one_form_from_standard_input(tmp_path):
    named = run("check", "--format", "json", "--stdin-filename", "申报表/a.yaml", "-", input=GOOD)
    doc = json.loads(named.stdout)
    assert named.exit_code == 1 and {f["path"] for f in doc["findings"]} == {"申报表/a.yaml"}
    assert doc["summary"]["files"] == 1
    plain = run("check", "-", input=GOOD)
    assert plain.stdout.startswith("-:") and "VL03" in plain.stdout
    csv = run("check", "--stdin-filename", "t.csv", "-", input="一级指标,二级指标,三级指标,指标值\n"
              "满意度指标,服务对象满意度指标,居民满意度,满意\n")
    assert csv.stdout.startswith("t.csv:") and "VL03" in csv.stdout


def test_unused_sidecar_entries_only_for_files_checked_in_this_run(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD.replace("测试项目", "另一个项目"), encoding="utf-8")
    (tmp_path / "indlint-ignore.yaml").write_text(
        "- {file: b.yaml, rule: VL03, reason: 已核实}\n"
        "- {project: 另一个项目, rule: VL03, reason: 已核实}\n", encoding="utf-8")
    one = run("check", str(tmp_path / "a.yaml"))
    assert "未使用的忽略" not in one.output             # b.yaml was not checked this time
    both = run("check", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"))
    assert both.output.count("未使用的忽略") == 1      # b.yaml's second entry is unused


SCRIPT = r"""
import sys
from indlint.app.cli import main
from indlint.app.console import echo_out, safe_console
from indlint.core.model import Finding, Severity
from indlint.judge.engine import build_linter
from indlint.output.report import text_lines, concise_line

def call(*args):
    try:
        main([*args], standalone_mode=False)
    except SystemExit:
        pass

linter = build_linter()
for rule in linter.rules:
    call("explain", rule.id)
safe_console()
for rule in linter.rules:      # every message and suggestion template, as the formats print them
    f = Finding("CO₂.yaml", 0, "CO₂项目", 1, "CO₂", 1, 1, rule.id, rule.category, Severity.ERROR,
                rule.message, rule.suggestion)
    echo_out("\n".join(text_lines(f)) + "\n" + concise_line(f) + "\n", False)
for path in sys.argv[1:]:
    call("check", path)
    call("check", "--format", "concise", path)
print("DONE")
"""


@pytest.mark.parametrize("encoding", ["gbk", "ascii", "cp1252"])
def test_human_output_never_fails_on_a_console_encoding(tmp_path, encoding):
    form = tmp_path / "co2.yaml"
    form.write_text(CO2, encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(form), str(ROOT / "corpus")],
                         capture_output=True, env=env, timeout=300)
    assert b"Traceback" not in out.stderr, out.stderr.decode("utf-8", "replace")[-2000:]
    assert out.stdout.rstrip().endswith(b"DONE")


@pytest.mark.parametrize("encoding", ["gbk", "ascii"])
@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "github"])
def test_machine_formats_are_utf8_whatever_the_console(tmp_path, encoding, fmt):
    form = tmp_path / "co2.yaml"
    form.write_text(CO2, encoding="utf-8")
    args = [sys.executable, "-m", "indlint", "check", "--format", fmt, str(form)]
    plain = subprocess.run(args, capture_output=True, timeout=120,
                           env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    odd = subprocess.run(args, capture_output=True, timeout=120,
                         env={**os.environ, "PYTHONIOENCODING": encoding})
    assert odd.returncode == plain.returncode == 1, odd.stderr.decode("utf-8", "replace")
    assert odd.stdout == plain.stdout and odd.stdout.decode("utf-8")
    if fmt in ("json", "sarif"):
        assert "CO₂".encode("utf-8") in odd.stdout
