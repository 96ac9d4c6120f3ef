"""`-o xlsx:审核意见.xlsx`: one sheet of all findings of a run, for reviewers who work in Excel.

Columns: file, form, project, row, indicator, target, rule, severity, message, suggestion and
basis (the rule's public source). The header row is frozen and carries an autofilter. The bytes
are reproducible: workbook dates and zip entry times come from SOURCE_DATE_EPOCH when it is set.
openpyxl is imported only here, when such a workbook is written.
"""
from __future__ import annotations

import io
import os
import zipfile
from datetime import datetime, timezone
from typing import Iterable, Sequence

from indlint.core.model import Document, Finding
from indlint.core.moment import run_moment

HEADERS = ("文件", "表序号", "项目", "行", "三级指标", "指标值", "规则", "级别", "问题", "修改建议",
           "依据")
WIDTHS = (36, 7, 22, 6, 28, 16, 7, 7, 60, 60, 50)
_SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
_EPOCH_FLOOR = datetime(1980, 1, 1, tzinfo=timezone.utc)      # the zip format's earliest date


def findings_workbook(findings: Sequence[Finding], bases: dict[str, str],
                      targets: dict[tuple, str] | None = None) -> bytes:
    """The workbook's bytes: one sheet, one finding a row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    targets = targets or {}
    book = Workbook()
    sheet = book.active
    sheet.title = "审核意见"
    sheet.append(HEADERS)
    for f in findings:
        sheet.append([f.path, f.form + 1 if f.form is not None else None, f.project, f.row,
                      f.indicator, targets.get((f.path, f.form, f.row), ""), f.rule,
                      _SEVERITY_ZH.get(f.severity.value, f.severity.value), f.message,
                      f.suggestion, bases.get(f.rule, "")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    for row in sheet.iter_rows(min_row=2, min_col=9, max_col=11):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{max(1, len(findings) + 1)}"
    moment = _moment()
    book.properties.creator = "indlint"
    book.properties.created = book.properties.modified = moment.replace(tzinfo=None)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    return _fixed_times(buffer.getvalue(), moment)


def targets_of(findings: Sequence[Finding]) -> dict[tuple, str]:
    """(path, form, row) → the row's target as the form shows it, reading each file once."""
    from indlint.read.files import read_path

    paths = dict.fromkeys(f.path for f in findings if f.row is not None)
    # Standard input, or a file gone since: its target cells stay empty.
    return targets_in(read_path(p) for p in paths if os.path.isfile(p))


def targets_in(docs: Iterable[Document]) -> dict[tuple, str]:
    """(path, form, row) → the row's target as the form shows it, from documents already read."""
    from indlint.output.html_view import value_text

    return {(doc.path, form.index, row.index): value_text(row)
            for doc in docs for form in doc.forms for row in form.rows}


def _moment() -> datetime:
    moment = run_moment()
    return max(moment.replace(microsecond=0), _EPOCH_FLOOR)


def _fixed_times(data: bytes, moment: datetime) -> bytes:
    """Rewrite the zip with every entry dated ``moment`` (zip entries otherwise carry 'now')."""
    stamp = moment.timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type, fixed.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
