"""Output formats of indlint check: SARIF, GitHub, JUnit, Markdown, -o outputs, --statistics."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest
from click.testing import CliRunner

from conftest import shared_path
from indlint.app.cli import CHECK_FORMATS, main
from indlint.output.report import FORMATTERS, md_cell

ROOT = Path(__file__).resolve().parents[1]
ROWS = [
    '  - {l1: 产出指标, l2: 数量指标, name: 体检人数, target: "=28人"}\n',
    "  - {l1: 产出指标, l2: 时效指标, name: 工资发放及时性, target: 及时}\n",
    "  - {l1: 效益指标, l2: 社会效益指标, name: 社区服务能力, target: 提升}\n",
    "  - {l1: 满意度指标, l2: 服务对象满意度指标, name: 居民满意度, target: 满意}\n",
]
HEAD = "kind: declaration\nproject: 测试项目\nyear: 2026\nindicators:\n"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    """Run from the repository root so that paths (and SARIF URIs) are relative."""
    monkeypatch.chdir(ROOT)


def run(*args: str):
    result = CliRunner().invoke(main, ["check", *args])
    assert "Traceback" not in result.output, result.output
    return result


def form(tmp_path: Path, name: str, rows: list[str]) -> str:
    path = tmp_path / name
    path.write_text(HEAD + "".join(rows), encoding="utf-8")
    return str(path)


def findings(*args: str) -> list[dict]:
    return json.loads(run("--format", "json", *args).stdout)["findings"]


@pytest.fixture(scope="module")
def sarif_validator():
    schema = json.loads(shared_path("schemas", "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    # The file keeps the log's shape under definitions/Root and has no top-level constraint,
    # so validating against it as it stands would accept anything: point the root at Root.
    validator = jsonschema.Draft7Validator({**schema, "$ref": "#/definitions/Root"})
    assert not validator.is_valid({"version": "2.1.0"})          # not vacuous: runs is required
    return validator


def sarif(*args: str) -> dict:
    return json.loads(run("--format", "sarif", *args).stdout)


def assert_uri_reference(uri: str) -> None:
    """jsonschema checks no formats without extra packages: check uri-reference by hand."""
    assert uri.isascii() and " " not in uri and "\\" not in uri


# --- SARIF ---------------------------------------------------------------------------------

def test_sarif_validates_on_the_corpus_and_an_unreadable_file(tmp_path, sarif_validator):
    bad = tmp_path / "坏 文件.yaml"
    bad.write_text("a: [\n", encoding="utf-8")
    args = ("corpus", str(bad), "nope.yaml")
    log = sarif(*args)
    sarif_validator.validate(log)
    run_ = log["runs"][0]
    rules, results = run_["tool"]["driver"]["rules"], run_["results"]
    expected = findings(*args)
    assert len(results) == len(expected) and expected
    for res, f in zip(results, expected):
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"] == f["rule"]
        assert res["level"] == {"error": "error", "warning": "warning", "info": "note"}[f["severity"]]
        assert res["message"]["text"].startswith(f["message"]) and f["suggestion"] in res["message"]["text"]
        loc = res["locations"][0]["physicalLocation"]
        assert_uri_reference(loc["artifactLocation"]["uri"])
        assert (res["properties"]["form"], res["properties"]["row"]) == (f["form"], f["row"])
        assert loc["region"]["startLine"] == f["line"]
    invalid = [r for r in results if r["ruleId"] == "input-invalid"]
    assert len(invalid) == 2 and all(
        r["locations"][0]["physicalLocation"]["region"]["startLine"] == 1 for r in invalid)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in invalid}
    assert "nope.yaml" in uris and any(unquote(u).endswith("坏 文件.yaml") for u in uris)


def test_sarif_rules_are_the_active_rules(sarif_validator):
    log = sarif("--select", "VL", "corpus/001_e0c4b3d6f0f45810.yaml")
    sarif_validator.validate(log)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == sorted(ids) and "input-invalid" in ids
    assert {i[:2] for i in ids if i != "input-invalid"} == {"VL"}
    vl05 = next(r for r in rules if r["id"] == "VL05")
    assert vl05["defaultConfiguration"]["level"] == "error"
    assert "依据" in vl05["help"]["text"] and "{" not in vl05["help"]["text"]
    assert vl05["properties"]["category"] == "value.timeliness-vague"
    assert vl05["fullDescription"]["text"] and vl05["shortDescription"]["text"]
    info = next(r for r in rules if r["id"] == "VL09")
    assert info["defaultConfiguration"]["level"] in ("warning", "note", "error")


def test_sarif_spreadsheet_names_the_cell(sarif_validator):
    sheet = ROOT / "tests" / "fixtures" / "jiuliting_2026.xlsx"
    if not sheet.exists():
        pytest.skip("tests/fixtures/jiuliting_2026.xlsx is not present")
    log = sarif(str(sheet.relative_to(ROOT)))
    sarif_validator.validate(log)
    res = log["runs"][0]["results"]
    assert res
    for r in res:
        loc = r["locations"][0]
        cell = loc["physicalLocation"]["region"]["properties"]["cell"]
        assert re.fullmatch(r".+![A-Z]+\d+", cell) and r["properties"]["cell"] == cell
        assert {"name": cell, "fullyQualifiedName": cell, "kind": "cell"} in loc["logicalLocations"]
        assert loc["physicalLocation"]["region"]["startLine"] == int(re.search(r"\d+$", cell).group())


def fingerprint_map(path: str) -> dict[tuple, str]:
    out = {}
    for r in sarif(path)["runs"][0]["results"]:
        names = r["locations"][0].get("logicalLocations", [{"name": r["message"]["text"]}])
        key = (r["ruleId"], names[0]["name"])
        out[key] = r["partialFingerprints"]["indlintFingerprint/v1"]
    return out


def test_fingerprints_survive_moved_and_added_rows(tmp_path):
    before = fingerprint_map(form(tmp_path, "a.yaml", ROWS[1:]))
    moved = fingerprint_map(form(tmp_path, "a.yaml", ROWS[::-1] + [
        '  - {l1: 产出指标, l2: 数量指标, name: 培训人次, target: "≥100人次"}\n']))
    wanted = {("VL05", "工资发放及时性"), ("VL07", "社区服务能力"), ("VL03", "居民满意度")}
    assert wanted <= before.keys() and any(name.startswith("指标体系缺少") for _, name in before)
    for key in before.keys() & moved.keys():
        assert before[key] == moved[key], key
    assert wanted <= moved.keys()


def test_fingerprints_count_duplicates(tmp_path):
    log = sarif(form(tmp_path, "dup.yaml", ROWS + ROWS[3:]))
    prints = [r["partialFingerprints"]["indlintFingerprint/v1"] for r in log["runs"][0]["results"]
              if r["ruleId"] == "VL03"]
    assert len(prints) == 2 and len(set(prints)) == 2
    assert {p.rsplit(":", 1)[1] for p in prints} == {"1", "2"}
    assert len({p.rsplit(":", 1)[0] for p in prints}) == 1


# --- GitHub workflow commands --------------------------------------------------------------

GH_LINE = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")


def unescape(text: str) -> str:
    for code, char in (("%3A", ":"), ("%2C", ","), ("%0A", "\n"), ("%0D", "\r"), ("%25", "%")):
        text = text.replace(code, char)
    return text


def test_github_lines_parse(tmp_path):
    args = ("corpus", str(tmp_path / "nope.yaml"))
    lines = run("--format", "github", *args).stdout.splitlines()
    expected = findings(*args)
    assert len(lines) == len(expected)
    level = {"error": "error", "warning": "warning", "info": "notice"}
    for line, f in zip(lines, expected):
        m = GH_LINE.match(line)
        assert m, line
        props = dict(p.split("=", 1) for p in m.group(2).split(","))
        assert m.group(1) == level[f["severity"]]
        assert unescape(props["file"]) == f["path"] and props["line"] == str(f["line"])
        assert props["col"] == str(f["column"]) and props["title"] == f["rule"]
        assert unescape(m.group(3)).startswith(f["message"])


def test_github_escaping():
    from indlint.output.report import _gh_data, _gh_property

    assert _gh_data("100%\r\n好") == "100%25%0D%0A好"
    assert _gh_property("a,b:c%") == "a%2Cb%3Ac%25"


# --- JUnit ---------------------------------------------------------------------------------

def test_junit_parses_and_counts(tmp_path):
    clean = tmp_path / "clean.yaml"
    clean.write_text(HEAD + ROWS[0], encoding="utf-8")
    args = ("corpus", str(clean), "--select", "VL")
    root = ET.fromstring(run("--format", "junit", *args).stdout)
    expected = findings(*args)
    suites = root.findall("testsuite")
    assert root.tag == "testsuites" and root.get("name") == "indlint"
    assert int(root.get("failures")) == len(expected) == len(root.findall(".//failure"))
    assert int(root.get("tests")) == len(root.findall(".//testcase")) == len(expected) + 1
    by_path = {}
    for f in expected:
        by_path[f["path"]] = by_path.get(f["path"], 0) + 1
    for suite in suites:
        assert int(suite.get("failures")) == by_path.get(suite.get("name"), 0)
    passing = [s for s in suites if s.get("name") == str(clean)]
    assert len(passing) == 1 and passing[0].find(".//failure") is None
    assert len(passing[0].findall("testcase")) == 1
    case = suites[0].find("testcase")
    assert case.get("name").startswith("indlint.") and case.get("line") and case.get("column")


def test_junit_drops_characters_xml_cannot_carry(tmp_path):
    path = form(tmp_path, "ctl.yaml", ["  - {l1: 产出指标, l2: 时效指标, name: \"发放\\x01及时性\", target: 及时}\n"])
    root = ET.fromstring(run("--format", "junit", path).stdout)
    assert any("发放及时性" in (f.text or "") for f in root.iter("failure"))


# --- Markdown ------------------------------------------------------------------------------

def test_markdown_one_row_per_finding(tmp_path):
    args = ("corpus", str(tmp_path / "nope.yaml"))
    text = run("--format", "markdown", *args).stdout
    rows = [line for line in text.splitlines()
            if line.startswith("| ") and not line.startswith("| 行 |")]
    assert len(rows) == len(findings(*args))
    assert text.splitlines()[0].startswith("**indlint**：检查了 6 个文件")
    assert text.count("| 行 | 规则 | 级别 | 指标 | 问题 | 建议 |") == 6


def test_markdown_cells_are_escaped():
    assert md_cell("a|b\nc") == "a\\|b<br>c"
    assert md_cell("x\\|") == "x\\\\\\|"


# --- several outputs, statistics, determinism ----------------------------------------------

def test_several_outputs_write_files_and_print_text(tmp_path):
    inputs = sorted((ROOT / "corpus").glob("*.yaml"))
    before = {p: p.read_bytes() for p in inputs}
    out_sarif, out_xml = tmp_path / "out.sarif", tmp_path / "out.xml"
    result = run("corpus", "-o", f"sarif:{out_sarif}", "-o", f"junit:{out_xml}", "-o", "text")
    assert result.exit_code == 1
    assert result.stdout == run("corpus").stdout
    assert json.loads(out_sarif.read_text(encoding="utf-8"))["version"] == "2.1.0"
    ET.fromstring(out_xml.read_text(encoding="utf-8"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.sarif", "out.xml"]   # no temp files
    assert {p: p.read_bytes() for p in inputs} == before


def test_format_and_output_together(tmp_path):
    out = tmp_path / "out.sarif"
    result = run("--format", "json", "-o", f"sarif:{out}", "corpus")
    assert json.loads(result.stdout)["version"] == 1 and out.exists()
    only_file = run("-o", f"sarif:{out}", "corpus")
    assert only_file.stdout == "" and only_file.exit_code == 1


def test_output_usage_errors(tmp_path):
    target = form(tmp_path, "a.yaml", ROWS)
    before = Path(target).read_bytes()
    assert run(target, "-o", f"json:{target}").exit_code == 2          # never overwrite an input
    assert Path(target).read_bytes() == before
    assert run(target, "-o", "yaml:x.yaml").exit_code == 2
    assert run(target, "-o", "json", "-o", "text").exit_code == 2
    assert run(target, "-o", "json:").exit_code == 2
    missing = run(target, "-o", f"json:{tmp_path / 'no' / 'dir.json'}")
    assert missing.exit_code == 2 and "无法写入" in missing.stderr


def test_statistics_match_json_counts():
    result = run("--format", "json", "--statistics", "corpus")
    counts = {}
    for f in json.loads(result.stdout)["findings"]:
        counts[f["rule"]] = counts.get(f["rule"], 0) + 1
    lines = result.stderr.splitlines()
    stats = {line.split()[1]: int(line.split()[0]) for line in lines}
    assert stats == counts
    order = [(-int(line.split()[0]), line.split()[1]) for line in lines]
    assert order == sorted(order)
    text = run("--statistics", "corpus")
    assert text.stderr == "" and text.stdout.endswith(result.stderr)


@pytest.mark.parametrize("fmt", CHECK_FORMATS)
def test_output_is_deterministic(tmp_path, fmt):
    args = ("--format", fmt, "corpus", str(tmp_path / "nope.yaml"))
    assert run(*args).stdout_bytes == run(*args).stdout_bytes


def test_formatters_match_the_cli_choices():
    assert tuple(FORMATTERS) == CHECK_FORMATS
