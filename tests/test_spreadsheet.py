"""Tests of the spreadsheet reader: fixtures against their YAML twins, findings, cells, broken inputs."""
from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from indlint.read import spreadsheet
from indlint.app.cli import main
from indlint.core.model import ROW_FIELDS
from indlint.read.files import read_path
from indlint.read.spreadsheet import number_text, read_csv, read_xlsx

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
TABLES = ["jiuliting_2026.xlsx", "guangfulin_2023_self.xlsx", "jiuliting_2026_zizhi.csv"]
META_KEYS = ("kind", "project", "year", "department", "implementer", "goal", "goal_result",
             "total_score")
CELL = re.compile(r"^.+![A-Z]+[0-9]+$")


def rows_of(form) -> list[dict]:
    return [{k: r.get(k) for k in ROW_FIELDS} for r in form.rows]


def check_json(*paths) -> dict:
    result = CliRunner().invoke(main, ["check", "--format", "json", *map(str, paths)])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def keys(findings: list[dict]) -> list[tuple]:
    return sorted((f["form"], f["row"] or 0, f["rule"], f["category"]) for f in findings)


# ---- (1) each fixture reads to the forms and rows of its YAML twin -----------------------

@pytest.mark.parametrize("name", TABLES)
def test_fixture_reads_like_its_yaml_twin(name):
    sheet = read_path(str(FIXTURES / name))
    twin = read_path(str((FIXTURES / name).with_suffix(".yaml")))
    assert sheet.error is None and twin.error is None
    assert len(sheet.forms) == len(twin.forms) >= 1
    for got, want in zip(sheet.forms, twin.forms):
        assert got.index == want.index
        for key in META_KEYS:
            if key in want.meta:
                assert got.meta.get(key) == want.meta[key], key
        assert rows_of(got) == rows_of(want)
        assert [set(r.fields) for r in got.rows] == [set(r.fields) for r in want.rows]


def test_sheets_are_forms_in_order_and_sheets_without_header_are_skipped():
    doc = read_xlsx(str(FIXTURES / "jiuliting_2026.xlsx"))
    assert [f.meta["sheet"] for f in doc.forms] == ["申报表", "申报表(101号)"]   # 填报说明 has no header
    assert [f.index for f in doc.forms] == [0, 1]
    assert [f.kind for f in doc.forms] == ["declaration", "declaration"]
    assert read_xlsx(str(FIXTURES / "guangfulin_2023_self.xlsx")).forms[0].kind == "self-evaluation"


def test_positions_are_sheet_cells():
    classic, split = read_xlsx(str(FIXTURES / "jiuliting_2026.xlsx")).forms
    row = classic.rows[3]                              # sheet row 14
    assert (row.pos.line, row.pos.cell) == (14, "申报表!A14")
    target = row.where("target")
    assert (target.line, target.column, target.cell) == (14, 4, "申报表!D14")
    # l1 / l2 are merged over their groups: the top-left cell of the range.
    assert row.where("l1").cell == "申报表!A11"
    assert row.where("l2").cell == "申报表!B11"
    assert classic.where("project").cell == "申报表!B3"
    # 101号 sheet: l2 written once per group, the empty cells below filled down from it.
    assert split.rows[2].get("l2") == "质量指标" and split.rows[3].where("l2").cell == "申报表(101号)!B10"
    assert split.rows[3].where("unit").cell == "申报表(101号)!F11"
    csv_form = read_csv(str(FIXTURES / "jiuliting_2026_zizhi.csv")).forms[0]
    assert csv_form.rows[0].where("target").cell == "jiuliting_2026_zizhi!D6"
    assert csv_form.rows[1].where("l1").cell == "jiuliting_2026_zizhi!A6"


def test_values_are_the_text_a_person_sees():
    split = read_xlsx(str(FIXTURES / "jiuliting_2026.xlsx")).forms[1]
    assert [(r.get("nature"), r.get("target"), r.get("unit")) for r in split.rows[:4]] == [
        ("≥", "236.00", "人"), ("≥", "10.00", "人"), ("=", "100.00%", ""), ("≥", "95%", "")]
    self_eval = read_xlsx(str(FIXTURES / "guangfulin_2023_self.xlsx")).forms[0]
    assert self_eval.rows[0].get("score_max") == "2" and self_eval.meta["total_score"] == "100"


# ---- (2) the CLI gives the same findings for a spreadsheet and its twin ------------------

@pytest.mark.parametrize("name", TABLES)
def test_check_json_matches_yaml_twin_and_carries_cells(name):
    sheet = check_json(FIXTURES / name)
    twin = check_json((FIXTURES / name).with_suffix(".yaml"))
    assert sheet["findings"], "the seed tables have findings"
    assert keys(sheet["findings"]) == keys(twin["findings"])
    assert sheet["summary"]["indicators"] == twin["summary"]["indicators"]
    for finding in sheet["findings"]:
        assert CELL.match(finding["cell"]), finding
        assert finding["cell"].endswith(str(finding["line"]))
    assert all("cell" not in f for f in twin["findings"])


def test_folder_run_picks_up_spreadsheets(tmp_path):
    for name in TABLES:
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    (tmp_path / "~$jiuliting_2026.xlsx").write_bytes(b"lock")            # Excel's lock file
    out = check_json(tmp_path)
    assert out["summary"]["files"] == 3 and out["summary"]["forms"] == 4
    assert not [f for f in out["findings"] if f["category"] == "input.invalid"]


# ---- (3) broken inputs: one input.invalid finding each, the run goes on ---------------------

def _ole2(encrypted: bool) -> bytes:
    body = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
    if encrypted:
        body[600:600 + 28] = "EncryptionInfo".encode("utf-16-le")
    return bytes(body)


def _bomb(path: Path) -> None:
    # 20 MiB of zeros deflate to about 20 KB: the directory declares the 20 MiB.
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", bytes(20 * 1024 * 1024))


def _no_header(path: Path) -> None:
    book = Workbook()
    book.active["A1"] = "项目名称"
    book.active["B1"] = "党群综合服务"
    book.active["A3"] = "本表没有指标表头"
    book.save(path)


def test_broken_inputs_each_give_one_input_invalid_and_the_run_goes_on(tmp_path):
    broken = {
        "not_a_zip.xlsx": ("不是 zip", lambda p: p.write_text("这不是工作簿", encoding="utf-8")),
        "bomb.xlsx": ("zip 炸弹", _bomb),
        "password.xlsx": ("加密", lambda p: p.write_bytes(_ole2(True))),
        "no_header.xlsx": ("表头", _no_header),
    }
    for name, (_, build) in broken.items():
        build(tmp_path / name)
    good = FIXTURES / "jiuliting_2026_zizhi.yaml"
    out = check_json(*(tmp_path / n for n in broken), good)
    assert out["summary"]["files"] == 5
    for name, (words, _) in broken.items():
        found = [f for f in out["findings"] if f["path"] == str(tmp_path / name)]
        assert len(found) == 1, found
        assert found[0]["category"] == "input.invalid"
        assert (found[0]["form"], found[0]["row"]) == (None, None)
        assert words in found[0]["message"] and "\n" not in found[0]["message"]
    good_findings = [f for f in out["findings"] if f["path"] == str(good)]
    assert good_findings and all(f["category"] != "input.invalid" for f in good_findings)


@pytest.mark.parametrize("data, words", [
    (_ole2(False), ".xls"),
    (b"", "文件为空"),
    (b"PK\x03\x04" + bytes(100), "不是 zip"),
])
def test_other_unreadable_xlsx(tmp_path, data, words):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(data)
    doc = read_xlsx(str(path))
    assert doc.forms == () and words in doc.error


def test_truncated_and_damaged_workbooks(tmp_path):
    good = (FIXTURES / "jiuliting_2026.xlsx").read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(good[: len(good) // 2])
    assert "不是 zip" in read_xlsx(str(tmp_path / "cut.xlsx")).error
    with zipfile.ZipFile(FIXTURES / "jiuliting_2026.xlsx") as source, \
            zipfile.ZipFile(tmp_path / "bad_xml.xlsx", "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info, data[: len(data) // 2] if info.filename.endswith("sheet1.xml") else data)
    assert "XML" in read_xlsx(str(tmp_path / "bad_xml.xlsx")).error
    with zipfile.ZipFile(tmp_path / "other.xlsx", "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert "不是 Excel 工作簿" in read_xlsx(str(tmp_path / "other.xlsx")).error


def test_size_bounds(tmp_path, monkeypatch):
    path = str(FIXTURES / "jiuliting_2026.xlsx")
    monkeypatch.setattr(spreadsheet, "MAX_UNCOMPRESSED", 10_000)
    assert "zip 炸弹" in read_xlsx(path).error
    monkeypatch.setattr(spreadsheet, "MAX_FILE_BYTES", 1000)
    assert "文件过大" in read_xlsx(path).error
    assert "文件过大" in read_csv(str(FIXTURES / "jiuliting_2026_zizhi.csv")).error


def test_csv_encodings_delimiters_and_errors(tmp_path):
    text = (FIXTURES / "jiuliting_2026_zizhi.csv").read_bytes().decode("utf-8-sig")
    want = rows_of(read_path(str(FIXTURES / "jiuliting_2026_zizhi.yaml")).forms[0])
    (tmp_path / "gbk.csv").write_bytes(text.encode("gb18030"))
    doc = read_csv(str(tmp_path / "gbk.csv"))
    assert doc.encoding == "gb18030" and rows_of(doc.forms[0]) == want
    (tmp_path / "tabs.csv").write_text(text.replace(",", "\t"), encoding="utf-8")
    assert len(read_csv(str(tmp_path / "tabs.csv")).forms[0].rows) == len(want)
    (tmp_path / "nul.csv").write_bytes(b"a,b\x00c\n")
    assert "二进制" in read_csv(str(tmp_path / "nul.csv")).error
    (tmp_path / "plain.csv").write_text("名称,金额\n甲,1\n", encoding="utf-8")
    assert "表头" in read_csv(str(tmp_path / "plain.csv")).error
    assert "不存在" in read_csv(str(tmp_path / "missing.csv")).error


# ---- the layout rules, on small workbooks built here ------------------------------------------

def _table(rows: list[list], header=("一级指标", "二级指标", "三级指标", "指标值", "度量单位"),
           above: list[list] = ()) -> Workbook:
    book = Workbook()
    ws = book.active
    ws.title = "表1"
    for line in [*above, list(header), *rows]:
        ws.append(line)
    return book


def test_table_extent_fill_down_and_repeated_header(tmp_path):
    book = _table([
        ["产出指标", "数量指标", "甲", "≥1", "次"],
        [None, None, "乙", "≥2", "次"],
        [None, "质量指标", None, None, None],        # blank name and target, but an l2: data
        ["效益指标", None, "丙", "提升", None],      # a new l1: its blank l2 is not filled down
        ["一级指标", "二级指标", "三级指标", "指标值", "度量单位"],   # header repeated on a new page
        [None, "社会效益指标", "丁", "提高", None],
        [None, None, None, None, None],
        ["满意度指标", "服务对象满意度指标", "不读", "≥90%", None],   # after the blank row
    ])
    book.save(tmp_path / "t.xlsx")
    form = read_xlsx(str(tmp_path / "t.xlsx")).forms[0]
    assert [(r.get("l1"), r.get("l2"), r.get("name")) for r in form.rows] == [
        ("产出指标", "数量指标", "甲"), ("产出指标", "数量指标", "乙"), ("产出指标", "质量指标", ""),
        ("效益指标", "", "丙"), ("效益指标", "社会效益指标", "丁")]
    assert form.rows[1].where("l1").cell == "表1!A2"            # filled down from its source cell
    assert [r.pos.line for r in form.rows] == [2, 3, 4, 5, 7]


def test_merged_levels_footer_and_total(tmp_path):
    header = ("一级指标", "二级指标", "三级指标", "年度指标值（A）", "实际完成值（B）", "分值", "得分")
    book = _table([
        ["产出指标", "数量指标", "甲", "≥1次", "2次", 10, 10],
        [None, None, "乙", "≥2次", "2次", 10, 9.5],
        [None, None, None, None, None, None, None],     # inside the merged range: still data
        ["总分", None, None, None, None, 100, 89.5],
        ["填报人：某某", None, None, None, None, None, None],
    ], header=header, above=[["项目支出绩效自评表"], ["（2025年度）"], ["项目名称", "某项目", "主管部门", "某局"]])
    ws = book.active
    ws.merge_cells("A5:A7")
    ws.merge_cells("B5:B7")
    book.save(tmp_path / "m.xlsx")
    form = read_xlsx(str(tmp_path / "m.xlsx")).forms[0]
    assert form.kind == "self-evaluation"
    assert (form.project, form.meta["year"], form.meta["department"]) == ("某项目", "2025", "某局")
    assert [(r.get("l1"), r.get("l2"), r.get("name"), r.get("score")) for r in form.rows] == [
        ("产出指标", "数量指标", "甲", "10"), ("产出指标", "数量指标", "乙", "9.5"),
        ("产出指标", "数量指标", "", "")]
    assert all(r.where("l1").cell == "表1!A5" for r in form.rows)
    assert form.meta["total_score"] == "89.5"          # 总分 is the 得分 total


def test_number_formats_and_dates(tmp_path):
    book = _table([
        ["产出指标", "数量指标", "整数", 28.0, None],
        ["产出指标", "质量指标", "百分比", 0.95, None],
        ["产出指标", "质量指标", "千分位", 1234.5, None],
        ["产出指标", "时效指标", "日期", dt.datetime(2026, 6, 30), None],
        ["产出指标", "时效指标", "中文日期", dt.datetime(2026, 1, 1), None],
        ["效益指标", "社会效益指标", "  带空格  ", "  提升 ", None],
    ])
    ws = book.active
    ws["D3"].number_format = "0%"
    ws["D4"].number_format = "#,##0.00"
    ws["D5"].number_format = "yyyy-mm-dd"
    ws["D6"].number_format = 'yyyy"年"m"月"d"日"'
    book.save(tmp_path / "n.xlsx")
    form = read_xlsx(str(tmp_path / "n.xlsx")).forms[0]
    assert [(r.get("name"), r.get("target")) for r in form.rows] == [
        ("整数", "28"), ("百分比", "95%"), ("千分位", "1,234.50"), ("日期", "2026-06-30"),
        ("中文日期", "2026年1月1日"), ("带空格", "提升")]


@pytest.mark.parametrize("value, fmt, text", [
    (28, "General", "28"), (28.0, "General", "28"), (0.1 + 0.2, "General", "0.3"),
    (0.95, "0%", "95%"), (1, "0.00%", "100.00%"), (236, '0.00"人"', "236.00人"),
    (-3, "0;(0)", "(3)"), (2.5, "0", "3"), (1.5, "0.##", "1.5"), (12, "@", "12"),
])
def test_number_text(value, fmt, text):
    assert number_text(value, fmt) == text


def test_header_variants_101_two_row_header(tmp_path):
    book = Workbook()
    ws = book.active
    ws.append(["一级指标", "二级指标", "三级指标", "年度指标值", None, None])
    ws.append([None, None, None, "指标性质", "指标值", "度量单位"])
    ws.append(["产出指标", "数量指标", "甲", "≥", 4, "次"])
    for col in "ABC":
        ws.merge_cells(f"{col}1:{col}2")
    ws.merge_cells("D1:F1")
    book.save(tmp_path / "h.xlsx")
    form = read_xlsx(str(tmp_path / "h.xlsx")).forms[0]
    assert [(r.get("nature"), r.get("target"), r.get("unit")) for r in form.rows] == [("≥", "4", "次")]
    assert form.rows[0].pos.line == 3


# ---- the generator and the import boundary --------------------------------------------------

def test_generator_is_deterministic_and_fixtures_are_current(tmp_path):
    script = FIXTURES / "make_spreadsheets.py"
    subprocess.run([sys.executable, "-B", str(script), str(tmp_path)], check=True, capture_output=True)
    built = sorted(p.name for p in tmp_path.iterdir())
    assert built == sorted(p.name for p in FIXTURES.iterdir() if p.suffix in (".xlsx", ".csv", ".yaml"))
    for name in built:
        assert (tmp_path / name).read_bytes() == (FIXTURES / name).read_bytes(), name


def test_yaml_only_runs_do_not_import_openpyxl():
    code = ("import sys; from click.testing import CliRunner; from indlint.app.cli import main; "
            f"CliRunner().invoke(main, ['check', {str(FIXTURES / 'jiuliting_2026.yaml')!r}]); "
            "print('openpyxl' in sys.modules)")
    out = subprocess.run([sys.executable, "-B", "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "False"
