"""The annotated spreadsheet: a findings column and cell comments, every original cell untouched."""
from __future__ import annotations

import hashlib
from pathlib import Path

from openpyxl import load_workbook

from indlint.judge.engine import build_linter
from indlint.read.files import read_path
from indlint.output.xlsx_annotate import HEADER, annotate

SOURCE = Path(__file__).parent / "fixtures" / "jiuliting_2026.xlsx"


def cell_state(cell):
    return (cell.value, cell.number_format, repr(cell.font), repr(cell.fill), repr(cell.border),
            repr(cell.alignment), repr(cell.protection))


def test_annotated_copy_keeps_every_original_cell(tmp_path):
    before = hashlib.sha256(SOURCE.read_bytes()).hexdigest()
    findings = build_linter().lint(read_path(str(SOURCE)))
    out = tmp_path / "checked.xlsx"
    placed = annotate(str(SOURCE), str(out), findings)
    assert placed == len([f for f in findings if f.cell])
    assert hashlib.sha256(SOURCE.read_bytes()).hexdigest() == before      # input untouched
    original, annotated = load_workbook(SOURCE), load_workbook(out)
    for sheet in original.worksheets:
        copy = annotated[sheet.title]
        for row in sheet.iter_rows():
            for cell in row:
                assert cell_state(cell) == cell_state(copy[cell.coordinate]), cell.coordinate
        assert [str(r) for r in sheet.merged_cells.ranges] == [str(r) for r in copy.merged_cells.ranges]
    sheet = annotated["申报表"]
    extra = sheet.max_column
    assert extra == original["申报表"].max_column + 1
    column = [sheet.cell(row=r, column=extra).value for r in range(1, sheet.max_row + 1)]
    assert HEADER in column and any(v and "VL05" in v for v in column)
    flagged = next(f for f in findings if f.rule == "VL05" and f.cell)
    comment = annotated[flagged.cell.split("!")[0]][flagged.cell.split("!")[1]].comment
    assert comment is not None and "VL05" in comment.text


def test_report_xlsx_out_from_the_command_line(tmp_path):
    from click.testing import CliRunner

    from indlint.app.cli import main

    out = tmp_path / "checked.xlsx"
    result = CliRunner().invoke(main, ["report", str(SOURCE), "--xlsx-out", str(out)])
    assert result.exit_code == 0 and out.exists() and "审核意见" in result.output
    refused = CliRunner().invoke(main, ["report", str(SOURCE), "--xlsx-out", str(SOURCE)])
    assert refused.exit_code == 2 and "不能覆盖" in refused.output
