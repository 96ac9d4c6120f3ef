"""Word, PDF, old Excel and exported text read directly: fixtures against their twins, positions,
bad inputs, which files give what (formats.md), the Word copy with comments."""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SCRIPT = FIXTURES / "make_word_pdf_xls.py"
XLS = FIXTURES / "word_xls"
SEEDS = ROOT.parent / "shared" / "seeds"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "indlint", *map(str, args)], capture_output=True,
                          text=True, timeout=180, cwd=cwd)


def check_json(*paths):
    result = run_cli("check", "--format", "json", *paths)
    assert "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout), result


def keys(out, form=None):
    """(form, row, rule, category, message) of the findings, the reader's notes aside."""
    return sorted((f["form"], f["row"] or 0, f["rule"], f["category"], f["message"])
                  for f in out["findings"] if f["category"] != "input.inferred")


def build(out: Path, *kinds: str) -> Path:
    subprocess.run([sys.executable, "-B", str(SCRIPT), str(out), *kinds], check=True,
                   capture_output=True, timeout=300)
    return out


def chromium_or_skip():
    from make_word_pdf_xls import chromium  # noqa: F401  (tests/fixtures is on sys.path below)

    if chromium() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is needed to print the PDF fixtures and CI must have it")
        pytest.skip("Chromium not installed")


sys.path.insert(0, str(FIXTURES))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The docx built by the script, and the PDFs printed by Chromium (when present)."""
    out = tmp_path_factory.mktemp("formats")
    build(out, "docx")
    from make_word_pdf_xls import chromium

    if chromium() is not None:
        build(out, "pdf")
    return out


# ---- (1) every fixture reads to the findings of its twin --------------------------------

@pytest.mark.parametrize("name", ["jiuliting_2026_word.docx", "jiuliting_2026_101.xls",
                                  "jiuliting_2026_pages.pdf", "wuhai_centred.pdf"])
def test_fixture_agrees_with_its_twin(built, name):
    if name.endswith(".pdf"):
        chromium_or_skip()
    folder = XLS if name.endswith(".xls") else built
    stem = name.rsplit(".", 1)[0]
    fixture, result = check_json(folder / name)
    twin, _ = check_json(folder / f"{stem}.yaml")
    assert fixture["summary"]["forms"] == 1 and fixture["summary"]["indicators"] > 5
    assert fixture["summary"]["indicators"] == twin["summary"]["indicators"]
    assert keys(fixture) == keys(twin)
    assert result.returncode == 1 and result.stderr == ""


def test_xls_fixture_is_current_and_shows_displayed_text(tmp_path):
    build(tmp_path, "xls")
    for name in ("jiuliting_2026_101.xls", "jiuliting_2026_101.yaml"):
        assert (tmp_path / name).read_bytes() == (XLS / name).read_bytes(), name
    from indlint.read.files import read_path

    (form,) = read_path(str(XLS / "jiuliting_2026_101.xls")).forms
    targets = [r.get("target") for r in form.rows]
    assert "100.00%" in targets and "236.00" in targets          # 1 formatted 0.00%, 236 as 0.00
    assert form.rows[0].where("target").cell == "目标表!E9"


def test_word_positions_are_table_row_and_column(built):
    out, _ = check_json(built / "jiuliting_2026_word.docx")
    row = next(f for f in out["findings"] if f["row"] == 1 and f["rule"] == "ST01")
    assert (row["line"], row["column"]) == (6, 4) and row["location"] == "表2 第6行 第4列"
    assert "cell" not in row
    from indlint.read.files import read_path

    (form,) = read_path(str(built / "jiuliting_2026_word.docx")).forms
    assert form.meta["project"] == "党群综合服务" and form.meta["sheet"] == "表2"
    # 一级 / 二级指标 merged down (w:vMerge): each row has its level, placed at the merge's top.
    import yaml

    twin = yaml.safe_load((built / "jiuliting_2026_word.yaml").read_text(encoding="utf-8"))
    assert [(r.get("l1"), r.get("l2")) for r in form.rows] == [
        (r["l1"], r["l2"]) for r in twin["indicators"]]
    assert form.rows[1].where("l1").location == "表2 第6行 第1列"


def test_pdf_positions_pages_and_joined_tables(built):
    chromium_or_skip()
    from indlint.read.files import read_path

    doc = read_path(str(built / "jiuliting_2026_pages.pdf"))
    (form,) = doc.forms
    assert len(form.rows) == 33 and form.meta["project"] == "党群综合服务"
    places = [r.pos.location for r in form.rows]
    pages = {p.split()[0] for p in places}
    assert len(pages) >= 2, places                        # one table over two or more pages
    assert all(p.startswith("第") and " 表1 第" in p for p in places)
    names = [r.get("name") for r in form.rows]
    assert "一级指标" not in " ".join(n for n in names) and "三级指标" not in names
    assert not any("http" in n or "页" in n for n in names)   # no footer or URL became a row
    out, _ = check_json(built / "wuhai_centred.pdf")
    assert all(f.get("location", "").startswith("第1页 表1 第") for f in out["findings"] if f["row"])


def test_pdf_merged_cell_cut_by_a_page_break_is_one_cell_and_noted():
    from indlint.read.forms import forms_of
    from indlint.read.pdf import _Part, _cell_table
    from indlint.read.table import Cell

    xs = [0.0, 50.0, 100.0, 200.0, 260.0]
    head = [Cell(1, c, t) for c, t in enumerate(("一级指标", "二级指标", "三级指标", "指标值"), 1)]
    first = _Part(1, head + [Cell(2, 1, "产出指标", 2), Cell(2, 2, "数量指标", 2),
                             Cell(2, 3, "人数"), Cell(2, 4, "≥10人"), Cell(3, 3, "次数"),
                             Cell(3, 4, "≥2次")], xs, 3, False)
    # Page 2 repeats the header; the merged cells go on, their text drawn only on page 1.
    second = _Part(2, head + [Cell(2, 1, "", 1), Cell(2, 2, "", 1), Cell(2, 3, "场次"),
                              Cell(2, 4, "≥5场")], xs, 2, True)
    table = _cell_table([first, second], "t.pdf", 1)
    assert table.row_pages == (1, 1, 1, 2)
    (form,) = forms_of([table])
    assert [r.get("l1") for r in form.rows] == ["产出指标"] * 3
    assert form.rows[2].notes and "跨页" in form.rows[2].notes[0]
    assert not form.rows[0].notes
    assert form.rows[2].pos.location == "第2页 表1 第4行"


def test_input_inferred_is_an_unscored_info_finding():
    from indlint.core.model import Document, Form, Pos, Row
    from indlint.judge.engine import build_linter

    row = Row(1, {"l1": "产出指标", "l2": "数量指标", "name": "服务人数", "target": "≥100人"},
              Pos(4, 1, location="第2页 表1 第4行"), notes=("跨页的合并单元格「产出指标」只在一页上写出",))
    doc = Document("t.pdf", (Form(0, {"project": "x"}, {}, (row,), Pos(1, 1)),))
    notes = [f for f in build_linter().lint(doc) if f.category == "input.inferred"]
    assert len(notes) == 1 and notes[0].severity.value == "info" and notes[0].row == 1
    assert notes[0].location == "第2页 表1 第4行"
    evaluate = (ROOT.parent / "shared" / "tools" / "evaluate.py").read_text(encoding="utf-8")
    assert '"input.inferred"' in evaluate.split("NOT_SCORED")[1].split("\n")[0]


# ---- (2) bad input: one clear line, the right exit code, no traceback --------------------

def _zip(entries: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _pdf(pages: list[bytes], image: bool = False) -> bytes:
    """A minimal PDF whose pages draw the given content streams (and an image, for a scan)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", None]
    kids = []
    for content in pages:
        page_no, content_no = len(objects) + 1, len(objects) + 2
        resources = b"<< /XObject << /Im1 %d 0 R >> >>" % (content_no + 1) if image else b"<< >>"
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources %s "
                       b"/Contents %d 0 R >>" % (resources, content_no))
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        if image:
            objects.append(b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace "
                           b"/DeviceGray /BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream")
        kids.append(page_no)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _no_table_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("关于报送绩效目标的通知")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


BAD = {
    "encrypted.docx": (lambda: OLE2 + "EncryptionInfo".encode("utf-16-le") + bytes(600), "加密"),
    "encrypted.xlsx": (lambda: OLE2 + "EncryptionInfo".encode("utf-16-le") + bytes(600), "加密"),
    "old_word.docx": (lambda: OLE2 + bytes(1024), "另存为 .docx"),
    "truncated.pdf": (lambda: _pdf([b"BT ET"])[:60], "PDF"),
    "scanned.pdf": (lambda: _pdf([b"q 200 0 0 200 0 0 cm /Im1 Do Q"], image=True), "OCR"),
    "no_table.docx": (_no_table_docx, "没有表格"),
    "bomb.docx": (lambda: _zip({"[Content_Types].xml": "<Types/>",
                                "word/document.xml": b"\0" * (60 * 1024 * 1024)}), "zip 炸弹"),
    "legacy.doc": (lambda: OLE2 + bytes(1024), "另存为 .docx"),
    "sheet.et": (lambda: OLE2 + bytes(1024), "另存为 .xlsx"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_gives_one_clear_line(tmp_path, name):
    build_bytes, words = BAD[name]
    path = tmp_path / name
    path.write_bytes(build_bytes())
    out, result = check_json(path)
    assert result.returncode == 1
    (finding,) = out["findings"]
    assert finding["category"] == "input.invalid" and words in finding["message"], finding
    assert "\n" not in finding["message"]
    text = run_cli("check", path)
    assert text.returncode == 1 and "Traceback" not in text.stderr and words in text.stdout


def test_pdf_over_the_page_cap(tmp_path, monkeypatch):
    from indlint.read import pdf

    path = tmp_path / "long.pdf"
    path.write_bytes(_pdf([b"BT /F1 12 Tf 10 10 Td (x) Tj ET"] * 3))
    monkeypatch.setattr(pdf, "MAX_PAGES", 2)
    doc = pdf.read_pdf(str(path))
    assert doc.forms == () and "超过上限 2 页" in doc.error and not doc.no_table


# ---- (3) which files give what (formats.md) ----------------------------------------------

def test_named_file_of_another_type_is_a_notice_and_nothing_to_check_exits_0(tmp_path):
    (tmp_path / "notes.md").write_text("# 说明\n", encoding="utf-8")
    result = run_cli("check", tmp_path / "notes.md")
    assert result.returncode == 0 and "已跳过" in result.stderr and "没有可检查的文件" in result.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("check", empty)
    assert result.returncode == 0 and "没有可检查的文件" in result.stderr


def test_folder_walk_skips_files_without_a_table_but_reports_damaged_ones(tmp_path):
    (tmp_path / "README.txt").write_text("这是说明文字，不是申报表。\n", encoding="utf-8")
    (tmp_path / "通知.docx").write_bytes(_no_table_docx())
    (tmp_path / "scan.pdf").write_bytes(BAD["scanned.pdf"][0]())
    shutil.copy(SEEDS / "003_1d69408d2819e222.txt", tmp_path / "003.txt")
    out, result = check_json(tmp_path)
    # formats.md fixes the JSON summary's keys: the count is on standard error for JSON.
    assert out["summary"]["files"] == 2 and "skipped" not in out["summary"]
    assert "跳过 2 个不含指标表的文件" in result.stderr
    bad = [f for f in out["findings"] if f["category"] == "input.invalid"]
    assert [Path(f["path"]).name for f in bad] == ["scan.pdf"] and result.returncode == 1
    text = run_cli("check", tmp_path)
    assert "跳过 2 个不含指标表的文件" in text.stdout
    # Named on the command line, a file without a table is a finding.
    out, result = check_json(tmp_path / "README.txt")
    assert out["findings"][0]["category"] == "input.invalid" and result.returncode == 1


def test_mixed_folder_checks_all_five_forms(tmp_path, built):
    folder = tmp_path / "收到的表"
    folder.mkdir()
    shutil.copy(built / "jiuliting_2026_word.docx", folder)
    shutil.copy(XLS / "jiuliting_2026_101.xls", folder)
    shutil.copy(SEEDS / "003_1d69408d2819e222.txt", folder)
    shutil.copy(FIXTURES / "guangfulin_2023_self.xlsx", folder)
    from make_word_pdf_xls import chromium

    if chromium() is not None:
        shutil.copy(built / "wuhai_centred.pdf", folder)
    elif os.environ.get("CI") == "true":
        pytest.fail("Chromium is needed for the PDF of the mixed folder")
    out, result = check_json(folder)
    files = {Path(f["path"]).suffix for f in out["findings"]}
    assert out["summary"]["files"] == len(os.listdir(folder))
    assert files == {Path(n).suffix for n in os.listdir(folder)}
    assert not any(f["category"] == "input.invalid" for f in out["findings"])
    assert result.returncode == 1
    report = tmp_path / "报告.html"
    html = run_cli("report", folder, "-o", report)
    assert html.returncode == 0, html.stderr
    page = report.read_text(encoding="utf-8")
    assert "表2 第6行 第4列" in page and "目标表" in page
    score = run_cli("score", folder)
    assert score.returncode == 0 and "党群综合服务" in score.stdout


def test_every_output_format_carries_the_location(built, tmp_path):
    path = built / "jiuliting_2026_word.docx"
    for fmt in ("text", "json", "sarif", "github", "junit", "markdown"):
        result = run_cli("check", "--format", fmt, path)
        assert "表2 第6行 第4列" in result.stdout, fmt


def test_skipped_files_listed_in_the_html_report(tmp_path):
    shutil.copy(XLS / "jiuliting_2026_101.xls", tmp_path)
    (tmp_path / "说明.txt").write_text("不是申报表\n", encoding="utf-8")
    result = run_cli("report", tmp_path, "-o", tmp_path.parent / "r.html")
    assert result.returncode == 0, result.stderr
    page = (tmp_path.parent / "r.html").read_text(encoding="utf-8")
    assert "跳过的文件（1）" in page and "说明.txt" in page


def test_import_reads_word_and_xls(built, tmp_path):
    import yaml

    result = run_cli("import", XLS / "jiuliting_2026_101.xls", "-o", tmp_path / "a.yaml")
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load((tmp_path / "a.yaml").read_text(encoding="utf-8"))
    assert data["project"] == "编外人员工作经费" and len(data["indicators"]) == 8
    assert "100.00%" in [r["target"] for r in data["indicators"]]
    result = run_cli("import", built / "jiuliting_2026_word.docx")
    assert result.returncode == 0 and "体育赛事活动次数" in result.stdout


# ---- (4) the Word copy with comments; lazy imports ---------------------------------------

def test_report_docx_out_writes_comments_and_leaves_the_original(built, tmp_path):
    source = tmp_path / "申报表.docx"
    shutil.copy(built / "jiuliting_2026_word.docx", source)
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    result = run_cli("report", source, "--docx-out", tmp_path / "已审核.docx")
    assert result.returncode == 0, result.stderr
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    with zipfile.ZipFile(tmp_path / "已审核.docx") as archive:
        comments = archive.read("word/comments.xml").decode("utf-8")
    assert "VL05" in comments and "indlint" in comments
    refused = run_cli("report", source, "--docx-out", source)
    assert refused.returncode == 2


def test_yaml_runs_import_no_office_or_pdf_library():
    code = ("import sys; from click.testing import CliRunner; from indlint.app.cli import main; "
            f"CliRunner().invoke(main, ['check', {str(FIXTURES / 'jiuliting_2026.yaml')!r}]); "
            "print(sorted(m for m in ('docx', 'pdfplumber', 'pdfminer', 'xlrd', 'lxml', 'openpyxl') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr
