"""`-o xlsx:审核意见.xlsx`: one sheet of all findings, filterable, frozen header, reproducible bytes."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from indlint.app.cli import main
from indlint.output.xlsx_findings import HEADERS

ROOT = Path(__file__).resolve().parents[1]
CORPUS = str(ROOT / "corpus")


def test_workbook_holds_every_finding_of_the_run(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    book, data = tmp_path / "审核意见.xlsx", tmp_path / "out.json"
    result = CliRunner().invoke(main, ["check", "--exit-zero", "-o", f"xlsx:{book}",
                                       "-o", f"json:{data}", CORPUS])
    assert result.exit_code == 0, result.output
    findings = json.loads(data.read_text(encoding="utf-8"))["findings"]
    sheet = load_workbook(book).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADERS and len(rows) == len(findings) + 1
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:K{len(findings) + 1}"
    by_rule = {r[6]: r for r in rows[1:]}
    st01 = by_rule["ST01"]
    assert st01[5] and st01[8].endswith(f"应写作「{st01[5].replace('>=', '≥')}」") or "≥" in st01[8]
    assert all(r[10] for r in rows[1:]), "every finding carries its basis"
    assert any(r[5] for r in rows[1:] if r[3]), "row findings carry the row's target"


def test_workbook_bytes_are_reproducible(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    outs = []
    for name in ("a.xlsx", "b.xlsx"):
        result = CliRunner().invoke(main, ["check", "--exit-zero", "-o", f"xlsx:{tmp_path / name}",
                                           CORPUS])
        assert result.exit_code == 0, result.output
        outs.append((tmp_path / name).read_bytes())
    assert outs[0] == outs[1]


def test_workbook_needs_a_file():
    result = CliRunner().invoke(main, ["check", "-o", "xlsx", CORPUS])
    assert result.exit_code == 2 and "只能写入文件" in result.output
