"""Issue 12, linear time and bounded memory: the hostile trial's slow cases (long digit runs in
goals and imported cells, commented rows, xlsx parts other than cells, rule folder walks) run
as the CLI in a child process with a timeout about ten times the linear expectation."""
from __future__ import annotations

import json
import os
import zipfile

import pytest

from conftest import ROOT
from test_hostile import _sheet, _workbook_parts, peak_mib
from test_safety_reads import G, run, work  # noqa: F401  (fixture)

SEED = ROOT.parent / "shared" / "seeds" / "003_1d69408d2819e222.txt"
ROW_LINE = "数量指标 基层党组织参与情况 >=50 家"
#: Each of these runs in well under two seconds once linear; twenty is a hang.
HANG = 20


def _form(goal: str = "", target: str = "及时", forms: int = 4, **row) -> str:
    """Four forms in one file: a cost that grows with the square shows four times over."""
    form = {"project": "测试", "goal": goal,
            "indicators": [{"l1": "产出指标", "l2": "时效指标", "name": "工资发放及时性",
                            "target": target, **row}]}
    return json.dumps({"forms": [form] * forms}, ensure_ascii=False)


LONG_FORMS = [
    ("goal-20000-digits", _form(goal="1" * 20_000)),          # 13 s a form before
    ("goal-digits-then-unit", _form(goal="1" * 20_000 + "人")),
    ("goal-spaces", _form(goal="数" + " " * 200_000 + "数", forms=1)),
    ("goal-digit-commas", _form(goal="1," * 20_000)),
    ("target-40000-digits", _form(target="1" * 40_000)),
    ("name-40000-digits", _form(name="1" * 40_000)),
]


@pytest.mark.parametrize("name,text", LONG_FORMS, ids=[c[0] for c in LONG_FORMS])
def test_long_runs_in_a_form_are_checked_in_linear_time(work, name, text):
    (work / "long.yaml").write_text(text, encoding="utf-8")
    done = run("check", "long.yaml", cwd=work, timeout=HANG)
    assert done.returncode in (0, 1) and "检查了 1 个文件" in done.stdout, done.stderr[-300:]


LONG_CELLS = [
    ("digits-after-name", ROW_LINE.replace("参与情况 >=50 家", "参与情况" + "1" * 40_000 + "家")),  # 69 s
    ("digits-as-name", ROW_LINE.replace("基层党组织参与情况", "1" * 200_000)),
    ("spaced-digits", ROW_LINE.replace("参与情况", "参与情况" + "1 " * 100_000)),
    ("digits-as-level", "1" * 200_000 + " 基层党组织参与情况 >=50 家"),
    ("cover-spaces", ROW_LINE + "\n项目名称：a" + " " * 200_000 + "b"),
]


@pytest.mark.parametrize("name,line", LONG_CELLS, ids=[c[0] for c in LONG_CELLS])
def test_long_cells_in_an_imported_text_are_read_in_linear_time(work, name, line):
    (work / "long.txt").write_text(SEED.read_text(encoding="utf-8").replace(ROW_LINE, line, 1),
                                   encoding="utf-8")
    done = run("import", "long.txt", "-o", "long.yaml", cwd=work, timeout=HANG)
    assert done.returncode == 0, done.stderr[-300:]
    assert (work / "long.yaml").stat().st_size > 0


def test_import_refuses_a_text_over_its_size_cap_at_once(work):
    from indlint.core.safeio import LIMITS

    big = work / "big.txt"
    with open(big, "wb") as handle:
        handle.truncate(LIMITS["import"] + 1)
    done = run("import", "big.txt", "-o", "big.yaml", cwd=work, timeout=HANG)
    assert done.returncode == 1 and "文件过大" in done.stderr
    assert not (work / "big.yaml").exists()


@pytest.mark.parametrize("placement", ["inline", "line-above"])
def test_twenty_thousand_commented_rows_are_matched_in_linear_time(work, placement):
    comment = "# indlint: disable=VL05 已核实"
    rows = "".join(
        (f"  - {{l1: 产出指标, l2: 时效指标, name: 发放及时性{i}, target: 及时}}  {comment}\n"
         if placement == "inline" else
         f"  {comment}\n  - {{l1: 产出指标, l2: 时效指标, name: 发放及时性{i}, target: 及时}}\n")
        for i in range(20_000))
    (work / "many.yaml").write_text("project: 测试\nindicators:\n" + rows, encoding="utf-8")
    done = run("check", "many.yaml", cwd=work, timeout=60)
    assert done.returncode == 0 and "0 个错误" in done.stdout and "已忽略 20000 个" in done.stdout


def test_the_suppression_index_keeps_the_first_covering_suppression():
    from indlint.core.model import Document, Finding
    from indlint.judge.suppress import Suppression, apply

    from indlint.core.model import Severity

    finding = Finding("a.yaml", None, None, None, None, 7, 1, "VL05", "value.timeliness-vague",
                      Severity.ERROR, "m")
    sups = [Suppression("side#1", ("VL",), "理由", file="a.yaml"),
            Suppression("a.yaml:7", ("VL05",), "理由", line=7),
            Suppression("a.yaml:9", ("VL05",), "理由", line=9)]
    used: set[str] = set()
    out = apply(Document("a.yaml"), [finding], sups, used)
    assert out.findings == () and used == {"side#1"}
    used = set()
    assert apply(Document("a.yaml"), [finding], sups[1:], used).findings == () and used == {"a.yaml:7"}
    assert apply(Document("a.yaml"), [finding], sups[2:], set()).findings == (finding,)


# ---- xlsx parts other than cells --------------------------------------------------------------

def _stored_xlsx(path, parts: dict[str, bytes]) -> None:
    """A workbook written without compression: no zip-bomb ratio to catch it, only counting."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def _deflated_xlsx(path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


CELL = '<row r="1"><c r="A1" t="inlineStr"><is><t>一级指标</t></is></c></row>'
MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _validations(count: int) -> dict[str, bytes]:
    sheet = _sheet(CELL).replace(b"</worksheet>", (
        f'<dataValidations count="{count}">' + '<dataValidation sqref="A1"/>' * count
        + "</dataValidations></worksheet>").encode())
    return _workbook_parts(sheet)


def _styles(count: int) -> dict[str, bytes]:
    styles = (f'<?xml version="1.0"?><styleSheet {MAIN}><cellXfs count="{count}">'
              + '<xf numFmtId="0"/>' * count + "</cellXfs></styleSheet>").encode()
    return {**_workbook_parts(_sheet(CELL)), "xl/styles.xml": styles}


def _strings(count: int) -> dict[str, bytes]:
    strings = (f'<?xml version="1.0"?><sst {MAIN} count="{count}">' + "<si><t>x</t></si>" * count
               + "</sst>").encode()
    return {**_workbook_parts(_sheet(CELL)), "xl/sharedStrings.xml": strings}


# (name, parts, how the zip is written, what the refusal says)
XLSX_BOMBS = [
    ("validations-over-the-cap", _validations(65_537), _stored_xlsx, "dataValidation"),
    ("a-million-validations", _validations(1_000_000), _deflated_xlsx, ""),
    ("styles-over-the-cap", _styles(65_537), _stored_xlsx, "<xf>"),
    ("five-million-styles", _styles(5_000_000), _deflated_xlsx, ""),
    ("eight-million-strings", _strings(8_000_000), _deflated_xlsx, ""),
]


@pytest.mark.parametrize("name,parts,write,says", XLSX_BOMBS, ids=[c[0] for c in XLSX_BOMBS])
def test_xlsx_parts_other_than_cells_are_counted_and_capped(tmp_path, name, parts, write, says):
    from indlint.read.files import read_path

    path = tmp_path / f"{name}.xlsx"
    write(path, parts)
    assert path.stat().st_size < 16 * 2**20
    peak = peak_mib(lambda: read_path(str(path)))
    error = read_path(str(path)).error
    assert error and says in error and peak < 64, (error, peak)


def test_shared_strings_beyond_the_cell_limit_are_refused(tmp_path, monkeypatch):
    from indlint.read import spreadsheet
    from indlint.read.files import read_path

    monkeypatch.setattr(spreadsheet, "MAX_CELLS", 1_000)
    path = tmp_path / "strings.xlsx"
    _stored_xlsx(path, _strings(1_001))
    assert "<si>" in read_path(str(path)).error
    _stored_xlsx(path, _strings(900))
    assert "过多" not in read_path(str(path)).error


@pytest.mark.parametrize("target", ["../sheet1.xml", "/other/sheet1.xml", "/sheet1.xml"])
def test_a_worksheet_outside_xl_is_refused_and_its_cells_counted(tmp_path, monkeypatch, target):
    from indlint.read import spreadsheet
    from indlint.read.files import read_path

    monkeypatch.setattr(spreadsheet, "MAX_CELLS", 1_000)
    cells = "".join(f'<row r="{r}">' + "".join(f"<c><v>{c}</v></c>" for c in range(10)) + "</row>"
                    for r in range(1, 120))
    parts = _workbook_parts(b"")
    del parts["xl/worksheets/sheet1.xml"]
    where = os.path.normpath(os.path.join("xl", target)) if not target.startswith("/") else target[1:]
    parts[where] = _sheet(cells)
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"worksheets/sheet1.xml", target.encode())
    path = tmp_path / "outside.xlsx"
    _stored_xlsx(path, parts)
    error = read_path(str(path)).error
    assert error and ("单元格过多" in error or "xl/ 目录" in error), error
    parts[where] = _sheet(CELL)                    # a small sheet there is refused all the same
    _stored_xlsx(path, parts)
    assert "xl/ 目录" in read_path(str(path)).error


def test_a_workbook_with_ordinary_parts_is_still_read(tmp_path):
    from indlint.read.files import read_path

    for name in ("jiuliting_2026.xlsx", "guangfulin_2023_self.xlsx"):
        assert read_path(str(ROOT / "tests" / "fixtures" / name)).error is None


# ---- rule folder walks --------------------------------------------------------------------------

@pytest.mark.parametrize("folder", ["/", "/proc", "/sys"])
def test_rule_paths_over_the_whole_file_system_stop_at_once(work, folder):
    if not os.path.isdir(folder):
        pytest.skip(f"{folder} is not a folder here")
    (work / "indlint.yaml").write_text(f"rule-paths: [{folder}]\n", encoding="utf-8")
    done = run("check", "g.yaml", cwd=work, timeout=HANG)
    assert done.returncode == 2 and "rule-paths" in done.stderr, done.stderr[-300:]


def test_a_rule_folder_walk_stays_inside_the_folder(work):
    rules, outside = work / "my", work / "outside"
    rules.mkdir()
    outside.mkdir()
    (outside / "bad.yaml").write_text("- not a rule\n", encoding="utf-8")
    (rules / "loop").symlink_to(rules)                    # a link back up is not followed …
    (rules / "elsewhere").symlink_to(outside)             # … nor one to a folder outside
    (work / "indlint.yaml").write_text("rule-paths: [my]\n", encoding="utf-8")
    done = run("check", "g.yaml", cwd=work, timeout=HANG)
    assert done.returncode == 1, done.stderr[-300:]


# ---- side files: already capped by the safe reader (verified) ----------------------------------

def test_a_15_mib_sidecar_is_refused_not_parsed(work):
    line = "- {file: g.yaml, rule: VL05, reason: " + "长" * 60 + "}\n"
    (work / "indlint-ignore.yaml").write_text(line * (15 * 2**20 // len(line.encode())),
                                              encoding="utf-8")
    assert (work / "indlint-ignore.yaml").stat().st_size > 14 * 2**20
    done = run("check", "g.yaml", cwd=work, timeout=HANG)
    assert done.returncode == 1 and "VL05" in done.stdout


def test_an_alias_bomb_in_a_user_rule_is_refused_before_explain_expands_it(work):
    base = (ROOT / "rules" / "value" / "VL05.yaml").read_text(encoding="utf-8")
    lines = [ln for ln in base.splitlines() if not ln.startswith(("id:", "name:", "exclusive:"))]
    text = "id: ZZ01\nname: my-rule\n" + "\n".join(lines[:lines.index("examples:")]) + "\n"
    text += 'x0: &x0 ["哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈"]\n'
    text += "".join(f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 9)}]\n" for i in range(1, 9))
    text += "examples: {fail: [{name: *x8}]}\n"
    (work / "my").mkdir()
    (work / "my" / "ZZ01.yaml").write_text(text, encoding="utf-8")
    (work / "indlint.yaml").write_text("rule-paths: [my]\n", encoding="utf-8")
    done = run("explain", "ZZ01", cwd=work, timeout=HANG)
    assert done.returncode == 2 and "ZZ01.yaml" in done.stderr
