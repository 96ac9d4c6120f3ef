"""Suppressions need a reason and are reported when unused; baselines survive moved rows."""
from __future__ import annotations

import json
from pathlib import Path

from indlint.app.baseline import fingerprints, new_findings, read_baseline, write_baseline
from indlint.judge.engine import build_linter
from indlint.read.files import read_path
from indlint.judge.suppress import apply, comment_suppressions, sidecar_suppressions, unused

FORM = """project: 测试项目
year: 2026
indicators:
  - {l1: 产出指标, l2: 时效指标, name: 工资发放及时性, target: 及时}  # indlint: disable=VL05 区里统一口径，年中另行考核
  # indlint: disable=value. 该项由街道统一设定
  - {l1: 效益指标, l2: 社会效益指标, name: 社区公共服务能力, target: 提升}
  - {l1: 满意度指标, l2: 服务对象满意度指标, name: 居民满意度, target: 满意}  # indlint: disable=VL03
  - {l1: 满意度指标, l2: 服务对象满意度指标, name: 党员满意度, target: "≥90%"}  # indlint: disable=VL09 多余的忽略
"""


def lint(tmp_path: Path, text: str, name: str = "form.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    doc = read_path(str(path))
    return doc, build_linter().lint(doc), path


def test_comment_suppressions(tmp_path):
    doc, findings, path = lint(tmp_path, FORM)
    supp = comment_suppressions(str(path), path.read_text(encoding="utf-8"))
    used: set = set()
    out = apply(doc, findings, supp, used)
    rules = {(f.row, f.rule) for f in out.findings}
    assert (1, "VL05") not in rules                       # reasoned, on the row's line
    assert (2, "VL07") not in rules                       # by category, on the line above
    assert (3, "VL03") in rules                           # no reason: not applied …
    assert any("缺少理由" in n for n in out.notes)          # … and said so
    assert [m for m in unused(supp, used) if "VL09" in m]  # matched nothing: unused


def test_sidecar_for_spreadsheets(tmp_path):
    doc, findings, path = lint(tmp_path, FORM.replace("# indlint", "# note"))
    (tmp_path / "indlint-ignore.yaml").write_text(
        "- {file: form.yaml, project: 测试项目, indicator: 居民满意度, rule: VL03, reason: 沿用上年口径}\n"
        "- {file: other.xlsx, indicator: 居民满意度, rule: VL03, reason: 别的文件}\n",
        encoding="utf-8")
    supp = sidecar_suppressions(tmp_path)
    used: set = set()
    out = apply(doc, findings, supp, used)
    assert (3, "VL03") not in {(f.row, f.rule) for f in out.findings}
    assert len(unused(supp, used)) == 1


def test_baseline_survives_moved_and_edited_rows(tmp_path):
    _, findings, _ = lint(tmp_path, FORM)
    base = tmp_path / "baseline.json"
    assert write_baseline(str(base), findings) == len(set(fingerprints(findings)))
    lines = FORM.splitlines()
    moved = "\n".join(lines[:3] + [lines[6], lines[3], lines[4], lines[5], lines[7],
                                   "  - {l1: 产出指标, l2: 数量指标, name: 培训人次, target: '>=50人'}"])
    _, later, _ = lint(tmp_path, moved + "\n")
    fresh = new_findings(later, read_baseline(str(base)))
    assert {f.indicator for f in fresh} == {"培训人次"}


def test_an_unknown_rule_code_in_a_suppression_is_its_own_message(tmp_path):
    from click.testing import CliRunner

    from indlint.app.cli import main

    form = tmp_path / "form.yaml"
    form.write_text(FORM.replace("disable=VL09 多余的忽略", "disable=QQ99 写错的编号")
                    .replace("disable=VL05 区里", "disable=VL05,XX7 区里"), encoding="utf-8")
    (tmp_path / "indlint-ignore.yaml").write_text(
        "- {file: form.yaml, indicator: 居民满意度, rule: VL3, reason: 少写了一个零}\n",
        encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--format", "json", str(form)])
    lines = result.stderr.splitlines()
    assert [line for line in lines if "QQ99" in line and "不存在" in line and ":8:" in line]
    assert not [line for line in lines if "QQ99" in line and "未使用" in line]
    assert [line for line in lines if "XX7" in line and "不存在" in line]
    sidecar = [line for line in lines if "VL3" in line]
    assert len(sidecar) == 1 and "不存在" in sidecar[0] and "indlint-ignore.yaml" in sidecar[0]
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert "VL05" not in rules          # the known code of a mixed entry still applies


def test_sidecar_entries_by_glob_and_for_other_files(tmp_path):
    doc, findings, path = lint(tmp_path, FORM.replace("# indlint", "# note"))
    (tmp_path / "indlint-ignore.yaml").write_text(
        "- {file: '*.yaml', indicator: 居民满意度, rule: VL03, reason: 全部 YAML 沿用上年口径}\n"
        "- {indicator: 工资发放及时性, rule: VL05, reason: 不限文件}\n"
        "- {file: '*.xlsx', indicator: 社区公共服务能力, rule: value., reason: 只管表格}\n"
        "- {file: other.yaml, indicator: 党员满意度, rule: VL09, reason: 别的文件}\n",
        encoding="utf-8")
    supp = sidecar_suppressions(tmp_path)
    used: set = set()
    out = apply(doc, findings, supp, used)
    left = {(f.row, f.rule) for f in out.findings}
    assert (3, "VL03") not in left and (1, "VL05") not in left       # by glob, and for any file
    assert {r for r, _ in left} >= {2}                              # the *.xlsx entry: not here
    assert len(used) == 2 and len(unused(supp, used)) == 2
    assert apply(doc, findings, [], set()).findings == tuple(findings)
