"""Tests of the text-table importer: the seed corpus, broken inputs, wrap joining and fill-down."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from indlint.read.text import ImportResult, import_text, load_corrections, to_yaml

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
CORPUS = ROOT / "corpus"
CORRECTIONS = CORPUS.parent / "corrections" / "seeds.yaml"
SEED_STEMS = sorted(p.stem for p in CORPUS.glob("*.yaml"))


def write(tmp_path: Path, text: str, name: str = "sample.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rows_of(result: ImportResult, form: int = 0) -> list[tuple]:
    return [(r["l1"], r["l2"], r["name"], r["target"]) for r in result.forms[form]["indicators"]]


# ---- (a) the seed corpus is reproduced byte for byte ----------------------------------


def test_corpus_has_the_five_seed_documents():
    assert len(SEED_STEMS) == 5


@pytest.mark.parametrize("stem", SEED_STEMS)
def test_seed_regenerates_corpus_file(stem):
    seed = SEEDS / f"{stem}.txt"
    if not seed.exists():
        pytest.skip(f"../shared/seeds not present: {seed} is needed to regenerate corpus/{stem}.yaml")
    result = import_text(seed, load_corrections(CORRECTIONS))
    expected = (CORPUS / f"{stem}.yaml").read_text(encoding="utf-8")
    assert to_yaml(result) == expected


def test_corpus_holds_fourteen_forms_with_string_values():
    forms = []
    for stem in SEED_STEMS:
        doc = yaml.safe_load((CORPUS / f"{stem}.yaml").read_text(encoding="utf-8"))
        forms += doc["forms"]
    assert len(forms) == 14
    for form in forms:
        assert form["kind"] in ("declaration", "self-evaluation")
        for row in form["indicators"]:
            assert row["l1"] and row["l2"] and row["name"]
            for key in ("target", "actual", "score_max", "score"):
                assert key not in row or isinstance(row[key], str)


def test_corrections_file_is_valid_and_explained():
    corrections = load_corrections(CORRECTIONS)
    entries = [e for file_entries in corrections.values() for e in file_entries]
    assert entries and all(e["reason"].strip() and set(e["set"]) <= {"l1", "l2"} for e in entries)


# ---- (b) broken inputs give messages, never exceptions ---------------------------------


def test_text_without_table(tmp_path):
    result = import_text(write(tmp_path, "项目经费情况说明\n\n一、项目概述\n本项目用于社区服务。\n"))
    assert result.forms == ()
    assert any("未找到绩效指标表" in m for m in result.messages)


def test_empty_file(tmp_path):
    result = import_text(write(tmp_path, ""))
    assert result.forms == () and any("文件为空" in m for m in result.messages)


def test_blank_file(tmp_path):
    result = import_text(write(tmp_path, "\n \n\t\n"))
    assert result.forms == () and result.messages


def test_binary_garbage(tmp_path):
    noise = random.Random(7).randbytes(4096)
    path = tmp_path / "garbage.txt"
    path.write_bytes(noise)
    result = import_text(path)
    assert result.forms == () and result.messages


def test_binary_without_nul_bytes(tmp_path):
    noise = bytes(b for b in random.Random(3).randbytes(4096) if b)
    path = tmp_path / "garbage.txt"
    path.write_bytes(noise)
    result = import_text(path)
    assert result.forms == () and result.messages


def test_missing_file(tmp_path):
    result = import_text(tmp_path / "absent.txt")
    assert result.forms == () and any("无法读取" in m for m in result.messages)


TAB_FORM = (
    "财政项目支出绩效目标申报表\t\t\t\t\n"
    "(2026 年度)\t\t\t\t\n"
    "项目名称\t社区服务\t项目类别\t经常性项目\t\n"
    "主管部门\t某街道办事处\t实施单位\t某服务中心\t\n"
    "项目资金(元)\t项目资金总额:\t1,000.00\t年度资金申请总额:\t1,000.00\n"
    "\t其中: 财政资金\t1,000.00\t其中: 当年财政拨款\t1,000.00\n"
    "\t\t\t上年结转资金\t0.00\n"
    "\t其他资金\t0\t其他资金\t0.00\n"
    "项目绩效目标\t项目总目标\t\t年度总体目标\t\n"
    "\t总目标文字。\t\t<p>年度目标文字。</p>\t\n"
    "\t一级指标\t二级指标\t三级指标\t年度指标值\n"
    "绩效指标\t产出指标\t数量指标\t活动次数\t≥4.00(次)\n"
    "\t\t\t培训次数\t≥2.00(次)\n"
    "\t\t质量指标\t验收合格率\t=100.00(%)\n"
    "\t效益指标\t社会效益指标\t服务能力\t提升\n"
    "满意度指标\t服务对象满意度指标\t居民满意度\t≥90.00(%)\t\n"
)


def test_truncated_tab_table_keeps_what_was_read(tmp_path):
    cut = TAB_FORM[:TAB_FORM.index("\t\t质量指标")]
    result = import_text(write(tmp_path, cut))
    assert rows_of(result) == [("产出指标", "数量指标", "活动次数", "≥4.00(次)"),
                               ("产出指标", "数量指标", "培训次数", "≥2.00(次)")]


def test_table_cut_right_after_its_header(tmp_path):
    cut = TAB_FORM[:TAB_FORM.index("绩效指标\t")]
    result = import_text(write(tmp_path, cut))
    assert len(result.forms) == 1 and result.forms[0]["indicators"] == []
    assert any("没有读到任何指标行" in m for m in result.messages)


def test_truncated_line_table_reports_the_missing_value(tmp_path):
    text = ("财政项目支出绩效目标填报表\n（2023年度）\n项目名称 社区服务 项目类别 经常性项目\n"
            "一级指标 二级指标 三级指标 年度指标值\n产出指标\n数量指标\n体检人数 =28人\n"
            "党群服务站点升级改造\n数量\n")
    result = import_text(write(tmp_path, text))
    assert rows_of(result) == [("产出指标", "数量指标", "体检人数", "=28人"),
                               ("产出指标", "数量指标", "党群服务站点升级改造数量", "")]
    assert any("缺少指标值" in m and "截断" in m for m in result.messages)


def test_correction_that_does_not_fit_is_reported(tmp_path):
    path = write(tmp_path, TAB_FORM, "form.txt")
    corrections = {"form.txt": [{"form": 0, "rows": "2-9", "set": {"l2": "质量指标"},
                                 "reason": "test"},
                                {"form": 0, "rows": 1, "first": "别的指标", "set": {"l2": "质量指标"},
                                 "reason": "test"}]}
    result = import_text(path, corrections)
    assert rows_of(result)[0][1] == "数量指标"
    assert sum("更正未生效" in m for m in result.messages) == 2


# ---- (c) wrap joining, fill-down and layouts on small samples ---------------------------


def test_tab_layout_form_fields_and_fill_down(tmp_path):
    result = import_text(write(tmp_path, TAB_FORM))
    form = result.forms[0]
    assert (form["kind"], form["project"], form["year"]) == ("declaration", "社区服务", 2026)
    assert form["department"] == "某街道办事处" and form["implementer"] == "某服务中心"
    assert form["overall_goal"] == "总目标文字。" and form["goal"] == "年度目标文字。"
    assert form["budget"] == {"total": "1,000.00", "annual_total": "1,000.00", "fiscal": "1,000.00",
                              "appropriation": "1,000.00", "carryover": "0.00", "other": "0",
                              "annual_other": "0.00"}
    assert rows_of(result) == [
        ("产出指标", "数量指标", "活动次数", "≥4.00(次)"),
        ("产出指标", "数量指标", "培训次数", "≥2.00(次)"),
        ("产出指标", "质量指标", "验收合格率", "=100.00(%)"),
        ("效益指标", "社会效益指标", "服务能力", "提升"),
        ("满意度指标", "服务对象满意度指标", "居民满意度", "≥90.00(%)"),
    ]
    assert result.messages == ()


def test_wrapped_names_and_levels_in_line_layout(tmp_path):
    text = ("财政项目支出绩效目标填报表\n\n（2023年度）\n\n项目名称 党群综合服务 项目类别 经常性项目\n\n"
            "一级指\n\n标\n二级指标 三级指标\n\n年度指标\n\n值\n\n"
            "产出指\n\n标\n\n数量指标\n\n参与两新活动支部数量 =28个\n\n"
            "党群服务站点升级改造\n数量\n\n=2个\n\n"
            "质量指标 在党群中的影响力范围 扩大\n\n"
            "满意度\n\n指标\n\n服务对象满\n\n意度指标\n群众满意度 >=95 %\n")
    result = import_text(write(tmp_path, text))
    assert rows_of(result) == [
        ("产出指标", "数量指标", "参与两新活动支部数量", "=28个"),
        ("产出指标", "数量指标", "党群服务站点升级改造数量", "=2个"),
        ("产出指标", "质量指标", "在党群中的影响力范围", "扩大"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", ">=95 %"),
    ]


def test_wrap_spaces_inside_cells_are_removed_but_targets_kept(tmp_path):
    text = TAB_FORM.replace("活动次数\t≥4.00(次)", "态势感知终端正常运行 天数\t=3 次").replace(
        "\t效益指标\t社会效益指标", "\t效益指标\t社会效益指 标")
    result = import_text(write(tmp_path, text))
    rows = rows_of(result)
    assert rows[0][2:] == ("态势感知终端正常运行天数", "=3 次")
    assert rows[3][1] == "社会效益指标"


def test_page_break_with_repeated_header_and_odd_levels(tmp_path):
    text = ("财政项目支出绩效目标申报表\n(2026 年度)\n项目名称\t测试项目\t\t\n"
            "一级目标\t二级目标\t三级目标\t目标值\t目标值依据\n"
            "产出指标\t数量指标\t完成率\t100%\t根据工作计划\n\n"
            "一级目标\t二级目标\t三级目标\t目标值\t目标值依据\n"
            "\t\t站点数\t2 个\t根据工作 计划\n"
            "\t成本指标\t成本控制有效性\t有效\t\n"
            "满意度指标\t可持续影响指标\t长效管理机制健全性\t建立健全\t\n")
    result = import_text(write(tmp_path, text))
    assert rows_of(result) == [
        ("产出指标", "数量指标", "完成率", "100%"),
        ("产出指标", "数量指标", "站点数", "2 个"),
        ("产出指标", "成本指标", "成本控制有效性", "有效"),
        ("满意度指标", "可持续影响指标", "长效管理机制健全性", "建立健全"),
    ]
    assert result.forms[0]["indicators"][1]["basis"] == "根据工作计划"


def test_first_rows_take_the_level_printed_below_them(tmp_path):
    text = ("财政项目支出绩效自评表\n(2023 年度)\n项目名称\t测试项目\n"
            "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施\n"
            "\t\t津贴发放人数\t≥30人\t=80人\t2\t2\t\n"
            "绩效指标\t产出指标\t数量指标\t培训次数\t=5次\t=6次\t2\t1\t场地受限\n"
            "满意度指标\t服务对象满意度指标\t\t满意度\t>=90%\t\t5\t5\t\n"
            "总分\t\t\t\t\t\t100\t98\t\n")
    result = import_text(write(tmp_path, text))
    form = result.forms[0]
    assert form["kind"] == "self-evaluation" and form["total_score"] == "98"
    assert rows_of(result)[0] == ("产出指标", "数量指标", "津贴发放人数", "≥30人")
    second, third = form["indicators"][1], form["indicators"][2]
    assert (second["actual"], second["score_max"], second["score"], second["deviation"]) == (
        "=6次", "2", "1", "场地受限")
    assert (third["target"], third["actual"], third["score"]) == (">=90%", "", "5")


def test_shifted_row_is_realigned(tmp_path):
    text = TAB_FORM.replace("\t\t\t培训次数\t≥2.00(次)", "\t\t\t培训次数\t\t≥2.00(次)\t\t")
    result = import_text(write(tmp_path, text))
    assert rows_of(result)[1] == ("产出指标", "数量指标", "培训次数", "≥2.00(次)")


def test_scoring_rubric_is_not_a_form(tmp_path):
    text = TAB_FORM + ("\n项目评分表\t\t\t\t\n一级指标\t二级指标\t三级指标\t分值\t自评\n"
                       "项目决策 (50%)\t项目立项 (A1)\t立项依据充分性 (A11)\t10\t10\n")
    result = import_text(write(tmp_path, text))
    assert len(result.forms) == 1


def test_side_by_side_goals_in_line_layout(tmp_path):
    text = ("财政项目支出绩效目标填报表\n（2023年度）\n项目名称 社区自治管理 项目类别 经常性项目\n"
            "项目绩效目\n标\n项目总目标\n（2023 年- 2023年）\n年度总目标\n"
            "创新社会治理，完善治理能力。 创新社会治理，完善基层\n体系与治理能力。\n"
            "绩效指标\n一级指标 二级指标 三级指标 年度指标值\n产出指标\n数量指标 覆盖居委会数 =15个\n")
    form = import_text(write(tmp_path, text)).forms[0]
    assert form["overall_goal"] == "创新社会治理，完善治理能力。"
    assert form["goal"] == "创新社会治理，完善基层体系与治理能力。"


# ---- YAML output and corrections --------------------------------------------------------


def test_single_form_yaml_is_a_mapping_with_string_values(tmp_path):
    result = import_text(write(tmp_path, TAB_FORM, "one.txt"))
    text = to_yaml(result)
    assert text.startswith("# source document: one.txt")
    doc = yaml.safe_load(text)
    assert doc["project"] == "社区服务" and "forms" not in doc
    assert all(isinstance(r["target"], str) for r in doc["indicators"])
    assert to_yaml(result) == text


def test_yaml_of_nothing(tmp_path):
    result = import_text(write(tmp_path, "", "empty.txt"))
    assert yaml.safe_load(to_yaml(result)) == {"forms": []}


def test_corrections_are_applied(tmp_path):
    path = write(tmp_path, TAB_FORM, "form.txt")
    corrections = {"form.txt": [{"form": 0, "rows": "1-2", "first": "活动次数",
                                 "set": {"l2": "时效指标"}, "reason": "test"}]}
    result = import_text(path, corrections)
    assert [r[1] for r in rows_of(result)[:3]] == ["时效指标", "时效指标", "质量指标"]
    assert result.messages == ()


@pytest.mark.parametrize("bad", [
    "- not a mapping\n",
    "a.txt: {form: 0}\n",
    "a.txt:\n  - {form: 0, rows: 1, set: {name: x}, reason: r}\n",
    "a.txt:\n  - {form: 0, rows: 3-1, set: {l1: x}, reason: r}\n",
    "a.txt:\n  - {form: 0, rows: 1, set: {l1: x}, reason: ''}\n",
])
def test_malformed_corrections_are_refused(tmp_path, bad):
    with pytest.raises(ValueError):
        load_corrections(write(tmp_path, bad, "corrections.yaml"))
