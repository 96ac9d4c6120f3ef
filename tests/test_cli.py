"""The command line as a new user meets it: exit codes, formats, bad input, no tracebacks."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from indlint.app.cli import main
from indlint.read.yamlform import MAX_FILE_BYTES

from conftest import GOOD

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "docs" / "findings.schema.json").read_text(encoding="utf-8"))


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result


def write(tmp_path: Path, name: str, data: bytes | str) -> str:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


def test_findings_and_exit_one(tmp_path):
    result = run("check", write(tmp_path, "a.yaml", GOOD))
    assert result.exit_code == 1
    assert "VL03 [error]" in result.output and "居民满意度" in result.output
    assert result.output.rstrip().endswith("个提示。")


def test_json_matches_schema_and_contract(tmp_path):
    result = run("check", "--format", "json", write(tmp_path, "a.yaml", GOOD))
    doc = json.loads(result.output)
    jsonschema.validate(doc, SCHEMA)
    finding = next(f for f in doc["findings"] if f["rule"] == "VL03")
    assert (finding["form"], finding["row"], finding["line"], finding["column"]) == (0, 2, 6, 53)   # character columns
    assert doc["summary"]["forms"] == 1 and doc["summary"]["indicators"] == 2


def test_fail_on_and_exit_zero(tmp_path):
    clean = write(tmp_path, "c.yaml", GOOD.replace("target: 满意", 'target: "≥90.00(%)"'))
    assert run("check", clean).exit_code == 0               # only an info (ST01) is left
    assert run("check", "--fail-on", "info", clean).exit_code == 1
    assert run("check", "--exit-zero", write(tmp_path, "a.yaml", GOOD)).exit_code == 0


def test_deterministic_output(tmp_path):
    path = write(tmp_path, "a.yaml", GOOD)
    assert run("check", "--format", "json", path).output == run("check", "--format", "json", path).output


@pytest.mark.parametrize("name,data,needle", [
    ("empty.yaml", b"", "文件为空"),
    ("binary.yaml", bytes(range(256)) * 4, "二进制"),
    ("list.yaml", "- a\n- b\n", "顶层不是映射"),
    ("scalar.yaml", "indicators: 3\n", "indicators 应为列表"),
    ("broken.yaml", "a: [\n", "不是有效的 YAML"),
    ("latin1.yaml", "name: caf\xe9\n".encode("latin-1") + b"\xff\xfe\xfd", "编码"),
])
def test_bad_input_is_one_finding_and_the_run_goes_on(tmp_path, name, data, needle):
    good = write(tmp_path, "good.yaml", GOOD)
    result = run("check", "--format", "json", write(tmp_path, name, data), good)
    doc = json.loads(result.output)
    jsonschema.validate(doc, SCHEMA)
    invalid = [f for f in doc["findings"] if f["category"] == "input.invalid"]
    assert len(invalid) == 1 and needle in invalid[0]["message"]
    assert invalid[0]["form"] is None and invalid[0]["row"] is None
    assert any(f["rule"] == "VL03" for f in doc["findings"])      # the good file is still checked
    assert result.exit_code == 1


def test_gbk_file_is_read(tmp_path):
    path = write(tmp_path, "gbk.yaml", GOOD.encode("gbk"))
    doc = json.loads(run("check", "--format", "json", path).output)
    assert any(f["rule"] == "VL03" and f["indicator"] == "居民满意度" for f in doc["findings"])


def test_oversized_file_is_refused_unread(tmp_path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as handle:            # sparse: the size without the bytes
        handle.truncate(MAX_FILE_BYTES + 1)
    result = run("check", str(path))
    assert "文件过大" in result.output and result.exit_code == 1


def test_missing_path(tmp_path):
    result = run("check", str(tmp_path / "nope.yaml"))
    assert "文件不存在" in result.output and result.exit_code == 1


def test_folder_is_searched(tmp_path):
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "a.yaml", GOOD)
    write(tmp_path, "notes.txt", "not a form")
    result = run("check", "--format", "json", str(tmp_path))
    doc = json.loads(result.stdout)
    assert doc["summary"]["files"] == 1
    assert "跳过 1 个不含指标表的文件" in result.stderr      # notes.txt: a walked file, no table


def test_usage_errors_exit_two(tmp_path):
    assert run("check").exit_code == 2
    assert run("check", "--profile", "nope", write(tmp_path, "a.yaml", GOOD)).exit_code == 2
    assert run("explain", "ZZ99").exit_code == 2


def test_parse_value_and_version():
    out = json.loads(run("parse-value", "≥236.00(人)").output)
    assert out["kind"] == "quantity" and out["comparator"] == "≥" and out["unit"] == "人"
    three = json.loads(run("parse-value", "95", "--nature", "≥", "--unit", "%").output)
    assert three["comparator"] == "≥" and three["unit_kind"] == "ratio"
    assert run("--version").output.startswith("indlint ")


def test_rules_and_explain():
    listing = run("rules").output
    assert "VL05" in listing and "value.timeliness-vague" in listing
    text = run("explain", "VL05").output
    assert "依据" in text and "补贴发放及时性" in text


def test_select_and_ignore(tmp_path):
    path = write(tmp_path, "a.yaml", GOOD)
    only = json.loads(run("check", "--format", "json", "--select", "VL", path).output)
    assert {f["rule"][:2] for f in only["findings"]} == {"VL"}
    none = json.loads(run("check", "--format", "json", "--ignore", "value.,ST", path).output)
    assert not [f for f in none["findings"] if f["category"].startswith("value.")]


def test_control_characters_never_reach_the_terminal(tmp_path):
    form = GOOD.replace("l1: 满意度指标", 'l1: "满意度指标\\e]0;pwned\\a"')
    result = run("check", write(tmp_path, "esc.yaml", form))
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b]0;pwned\\x07" in result.output
