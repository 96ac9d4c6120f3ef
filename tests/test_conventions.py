"""Issue 14: indlint behaves as the linters people already use (ruff, yamllint, pre-commit)."""
from __future__ import annotations

import os
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from indlint.app.cli import main

from conftest import GOOD

FIXABLE = GOOD.replace('target: "=28人"', 'target: "=28.00(人)"')


def run(*args: str, **kwargs):
    result = CliRunner().invoke(main, list(args), **kwargs)
    assert "Traceback" not in result.output
    return result


def form(folder: Path, name: str = "a.yaml", text: str = GOOD) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- baselines, JUnit, import ----------------------------------------------------------------

def test_baseline_file_is_written_0644(tmp_path):
    old = os.umask(0o022)
    try:
        result = run("check", "--baseline", str(tmp_path / "b.json"), str(form(tmp_path)))
    finally:
        os.umask(old)
    assert result.exit_code == 0
    assert stat.S_IMODE((tmp_path / "b.json").stat().st_mode) == 0o644


def test_junit_counts_only_warnings_and_errors_as_failures(tmp_path):
    path = str(form(tmp_path))
    config = tmp_path / "indlint.yaml"
    config.write_text("select: [VL03]\nseverity: {VL03: info}\n", encoding="utf-8")
    result = run("check", "--format", "junit", "--config", str(config), path)
    root = ET.fromstring(result.stdout)
    assert root.findall(".//testcase") and root.get("failures") == "0"
    assert root.find(".//failure") is None and "居民满意度" in root.find(".//system-out").text


def test_import_prints_a_line_on_success(tmp_path):
    source = tmp_path / "t.csv"
    source.write_text("一级指标,二级指标,三级指标,指标值\n产出指标,数量指标,体检人数,=28人\n",
                      encoding="utf-8")
    result = run("import", str(source), "-o", str(tmp_path / "out.yaml"))
    assert result.exit_code == 0, result.output
    assert "已导入" in result.stderr and "1 项指标" in result.stderr and "out.yaml" in result.stderr


# --- fix exit codes (formats.md) -------------------------------------------------------------

def test_fix_diff_and_check_exit_one_when_changes_are_pending(tmp_path):
    path = form(tmp_path, text=FIXABLE)
    diff = run("fix", "--diff", str(path))
    assert diff.exit_code == 1 and "28人" in diff.stdout
    assert run("fix", "--check", str(path)).exit_code == 1
    assert path.read_text(encoding="utf-8") == FIXABLE          # neither wrote the file
    assert run("fix", str(path)).exit_code == 0
    assert run("fix", "--diff", str(path)).exit_code == 0       # nothing left to change
    assert run("fix", "--check", str(path)).exit_code == 0


def test_fix_exits_two_when_a_file_cannot_be_processed(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"\xff\xfe not utf-8 {")
    assert run("fix", str(bad)).exit_code == 2


# --- Chinese throughout ----------------------------------------------------------------------

ENGLISH = ("Usage", "Options", "Commands", "Error", "Show this", "Missing", "Invalid", "Try ",
           "No such", "Got unexpected", "is not one of", "[OPTIONS]", "default:")
COMMANDS = ("check", "import", "fix", "parse-value", "rules", "explain", "score", "report",
            "serve")


def test_help_texts_are_chinese():
    for args in [("--help",), *((c, "--help") for c in COMMANDS)]:
        result = run(*args)
        assert result.exit_code == 0
        assert not [w for w in ENGLISH if w in result.output], (args, result.output)
        assert "用法" in result.output and "选项" in result.output


def test_click_usage_errors_are_chinese():
    for args in [("check",), ("check", "--format", "xx", "a"), ("chek",), ("check", "--bogus", "x"),
                 ("check", "--jobs", "65", "a"), ("explain",), ("check", "--config")]:
        result = run(*args)
        assert result.exit_code == 2
        assert not [w for w in ENGLISH if w in result.output], (args, result.output)
        assert "错误：" in result.output


def test_configuration_yaml_error_names_the_file_and_line(tmp_path):
    config = tmp_path / "indlint.yaml"
    config.write_text("select: [VL03]\nignore: a: b\n", encoding="utf-8")
    result = run("check", "--config", str(config), str(form(tmp_path)))
    assert result.exit_code == 2
    assert f"{config}:2:" in result.output and "<unicode string>" not in result.output
    assert "配置文件不是有效的 YAML" in result.output and "mapping values" not in result.output
