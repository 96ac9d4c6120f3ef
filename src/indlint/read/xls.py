"""Read 申报表 / 自评表 sheets from old Excel 97-2003 .xls workbooks (xlrd), as displayed text.

xlrd rather than python-calamine: calamine returns a cell's value (0.95) without its number
format, and a reviewer sees 95%; xlrd's formatting_info gives each cell's format and the
merged ranges, and cellformat.py turns them into the displayed text as for .xlsx.
"""
from __future__ import annotations

from types import SimpleNamespace

from indlint.core.model import Document
from indlint.read.cellformat import display
from indlint.read.forms import document_of
from indlint.read.header import NO_HEADER
from indlint.read.table import Cell, CellTable
from indlint.read.yamlform import ReadError, read_regular

#: An .xls larger than this is refused; cells (merged ranges by area) likewise.
MAX_XLS_BYTES = 16 * 1024 * 1024
MAX_CELLS = 500_000
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_xls(path: str) -> Document:
    """Read an .xls workbook; every sheet with an indicator header row is one form."""
    return document_of(path, "xls", lambda: xls_tables(read_regular(path, MAX_XLS_BYTES), path),
                       NO_HEADER)


def xls_tables(data: bytes, path: str) -> list[CellTable]:
    """Every sheet of the workbook as a cell table."""
    if not data:
        raise ReadError("文件为空")
    if not data.startswith(_OLE2_MAGIC):
        head = data[:512].lstrip().lower()
        if head.startswith((b"<html", b"<!doctype", b"<table", b"<?xml")) or b"<html" in head:
            raise ReadError("扩展名是 .xls，内容却是网页（HTML）或 XML 表格（常见于业务系统导出）；"
                            "请在 Excel 或 WPS 中打开后另存为 .xlsx")
        raise ReadError("不是有效的 .xls 文件（不是 Excel 97-2003 复合文档），文件可能已损坏或扩展名与内容不符")
    book = _open(data)
    try:
        epoch = _epoch(book.datemode)
        return [_sheet_table(book, sheet, epoch, path) for sheet in book.sheets()]
    finally:
        book.release_resources()


def _open(data: bytes):
    import xlrd

    try:
        return xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=False,
                                  logfile=_Quiet())
    except xlrd.XLRDError as err:
        if "encrypt" in str(err).lower():
            raise ReadError("文件已加密（设有打开密码），无法读取；请在 Excel 中取消密码后另存为 .xlsx") from None
        raise ReadError(f"不是有效的 .xls 工作簿，或已损坏（{err}）") from None
    except (AssertionError, IndexError, KeyError, ValueError, EOFError, Exception) as err:  # noqa: BLE001
        raise ReadError(f".xls 工作簿已损坏，无法读取（{type(err).__name__}）") from None


class _Quiet:
    """xlrd writes warnings to a log file; a reviewer's terminal must not get them."""

    def write(self, text: str) -> None:
        pass


def _epoch(datemode: int):
    import datetime as dt

    return dt.datetime(1904, 1, 1) if datemode == 1 else None


def _sheet_table(book, sheet, epoch, path: str) -> CellTable:
    import xlrd

    if sheet.nrows * max(sheet.ncols, 1) > MAX_CELLS:
        raise ReadError(f"工作表「{sheet.name}」单元格过多（超过 {MAX_CELLS} 个），不像是申报表，已拒绝读取")
    texts = {}
    for r in range(sheet.nrows):
        for c, cell in enumerate(sheet.row(r)):
            if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                continue
            text = display(_adapter(book, cell, xlrd), epoch)
            if text:
                texts[(r + 1, c + 1)] = text
    area = sum((rhi - rlo) * (chi - clo) for rlo, rhi, clo, chi in sheet.merged_cells)
    if area > MAX_CELLS:
        raise ReadError(f"工作表「{sheet.name}」合并区域过大，不像是申报表，已拒绝读取")
    merged = [Cell(rlo + 1, clo + 1, texts.get((rlo + 1, clo + 1), ""), rhi - rlo, chi - clo)
              for rlo, rhi, clo, chi in sheet.merged_cells if rhi > rlo and chi > clo]
    anchors = {(c.row, c.col) for c in merged}
    cells = [Cell(r, c, t) for (r, c), t in texts.items() if (r, c) not in anchors] + merged
    return CellTable(path, tuple(cells), sheet=sheet.name)


def _adapter(book, cell, xlrd):
    """The cell as cellformat.display reads one: value, number format and its built-in id."""
    value = cell.value
    fmt, key = "General", None
    xf = book.xf_list[cell.xf_index] if cell.xf_index is not None and cell.xf_index < len(book.xf_list) else None
    if xf is not None:
        key = xf.format_key
        found = book.format_map.get(key)
        fmt = found.format_str if found is not None and found.format_str else "General"
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
        except (xlrd.xldate.XLDateError, ValueError, OverflowError):
            pass
    elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
        value = bool(value)
    elif cell.ctype == xlrd.XL_CELL_ERROR:
        value = xlrd.error_text_from_code.get(value, "#ERR")
    elif cell.ctype == xlrd.XL_CELL_NUMBER and float(value).is_integer() and "." not in fmt:
        value = int(value) if abs(value) < 1e15 else value
    return SimpleNamespace(value=value, number_format=fmt, _style=SimpleNamespace(numFmtId=key))
