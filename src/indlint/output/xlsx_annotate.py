"""Return a reviewer's own spreadsheet with a findings column and a comment on each flagged cell.

The workbook is loaded with openpyxl and saved under a new name; the input is never written.
Every original cell keeps its value and style. openpyxl cannot carry over what it does not
read: charts, images and drawings, pivot tables, VBA macros, form controls, slicers, and some
conditional-formatting and data-validation extensions are dropped from the copy (README).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Sequence

from indlint.core.model import Finding

HEADER = "indlint 审核意见"
#: The last column a sheet may have (XFD).
MAX_COLUMN = 16_384
#: Style notes (notation only) follow the problems under a heading of their own.
STYLE = "style.format"
STYLE_HEAD = "书写格式（只改写法，不改含义）："
_SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def annotate(source: str, target: str, findings: Sequence[Finding]) -> int:
    """Write the annotated copy of source to target; return the number of findings placed."""
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font

    import io

    from indlint.core.safewrite import write_file

    workbook = load_workbook(source)
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        if f.cell and "!" in f.cell:
            sheet, cell = f.cell.rsplit("!", 1)
            by_cell[(sheet, cell)].append(f)
    placed = 0
    for sheet in workbook.worksheets:
        cells = {c: fs for (s, c), fs in by_cell.items() if s == sheet.title}
        if not cells:
            continue
        column = sheet.max_column + 1
        if column > MAX_COLUMN:
            raise OSError(f"{sheet.title} 已用到最后一列（XFD），无处写审核意见列，未写入")
        rows: dict[int, list[Finding]] = defaultdict(list)
        for cell, fs in sorted(cells.items()):
            target_cell = sheet[cell]
            text = _cell_text(fs)
            target_cell.comment = Comment(text, "indlint", width=320, height=120)
            rows[target_cell.row].extend(fs)
            placed += len(fs)
        header_row = min(rows) - 1 if min(rows) > 1 else 1
        head = sheet.cell(row=header_row, column=column, value=HEADER)
        head.font = Font(bold=True)
        for row, fs in sorted(rows.items()):
            note = sheet.cell(row=row, column=column, value=_cell_text(fs))
            note.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[note.column_letter].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_file(target, buffer.getvalue(), inputs=[source])
    return placed


def _cell_text(fs: Sequence[Finding]) -> str:
    """Problems first; style notes apart, each with the corrected notation inline."""
    problems = [_line(f) for f in fs if f.category != STYLE]
    notes = [_line(f) for f in fs if f.category == STYLE]
    return "\n".join(problems + ([STYLE_HEAD] + notes if notes else []))


def _line(f: Finding) -> str:
    if f.category == STYLE:
        return f"[{f.rule}] {f.message}"   # 「…」的指标值「>=98%」应写作「≥98%」: corrected inline
    suggestion = f"（建议：{f.suggestion}）" if f.suggestion else ""
    return f"[{_SEVERITY_ZH[f.severity.value]} {f.rule}] {f.message}{suggestion}"
