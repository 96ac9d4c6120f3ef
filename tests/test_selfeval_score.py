"""Whole-form checks as a reviewer meets them: self-evaluation rows, totals, the review score."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from indlint.app.cli import main

ROOT = Path(__file__).resolve().parents[1]
SELF_EVALUATION = """kind: self-evaluation
project: 基本公共卫生服务
year: 2021
total_score: "95"
budget: {adjusted: "43.2", executed: "37.24", execution_rate: "100%", score_max: "10", score: "10"}
indicators:
  - {l1: 产出指标, l2: 数量指标, name: 早孕建册数, target: 120人, actual: 69人, score_max: "30", score: "15"}
  - {l1: 产出指标, l2: 数量指标, name: 特困人员救助供养人数, target: ">=4754人", actual: 4604人, score_max: "30", score: "30"}
  - {l1: 产出指标, l2: 质量指标, name: 验收合格率, target: "=100%", actual: "100%", score_max: "20", score: "19"}
  - {l1: 满意度指标, l2: 服务对象满意度指标, name: 群众满意度, target: "≥90%", actual: 完成, score_max: "10", score: "12"}
"""


def check(tmp_path, text):
    path = tmp_path / "form.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--format", "json", "--select",
                                       "SE,BG", str(path)])
    return json.loads(result.output)["findings"]


def test_rows_reported_with_expected_score(tmp_path):
    found = {(f["row"], f["rule"]): f for f in check(tmp_path, SELF_EVALUATION)}
    # row 1: 69 of 120 earns 30 × 69/120 = 17.25, not 15, and no reason is given
    assert "17.25" in found[(1, "SE04")]["message"] and (1, "SE05") in found
    # row 2: 4604 misses ≥4754 but scores full marks; about 29.05 would be right
    assert "4604" in found[(2, "SE02")]["message"] and "29.05" in found[(2, "SE02")]["suggestion"]
    # row 3: the target was met, so 19 of 20 needs a reason
    assert "20" in found[(3, "SE04")]["message"]
    # row 4: a word for a numeric target, and a score above the weight
    assert (4, "SE03") in found and (4, "SE01") in found


def test_form_totals_and_execution_rate(tmp_path):
    found = {f["rule"]: f for f in check(tmp_path, SELF_EVALUATION) if f["row"] is None}
    assert "86.2%" in found["BG03"]["message"]                 # 37.24 ÷ 43.2 = 86.20 %, not 100 %
    assert "86" in found["SE07"]["message"]                    # 15+30+19+12 + 10 = 86 ≠ 95
    assert "SE06" not in found                                 # weights 90 + 10 = 100


def test_review_score_explains_deductions():
    result = CliRunner().invoke(main, ["score", "--format", "json",
                                       str(ROOT / "corpus" / "004_f307aaef27716578.yaml")])
    forms = json.loads(result.output)
    assert [f["maximum"] for f in forms] == [20, 20, 20]
    report3 = {i["code"]: i for i in forms[0]["items"]}
    assert report3["C11"]["score"] == 4 and report3["C13"]["score"] == 0
    assert any("及时性" in d for d in report3["C13"]["deductions"])
    unit_form = forms[1]["items"]
    assert all(i["score"] + sum(1 for _ in i["deductions"]) > 0 for i in unit_form)
    assert forms[1]["total"] < forms[0]["total"]                # the unit's own 附件2-1 is weakest
    text = CliRunner().invoke(main, ["score", str(ROOT / "corpus" / "004_f307aaef27716578.yaml")])
    assert "项目绩效" in text.output and "扣 2 分" in text.output
