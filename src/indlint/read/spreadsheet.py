"""Read 申报表 / 自评表 sheets from .xlsx and .csv files: file → cell tables → forms, with each field's cell."""
from __future__ import annotations

import csv
import io
import os
import warnings
import zipfile
import zlib

from indlint.core.model import Document
from indlint.read.cellformat import display, number_text
from indlint.read.forms import forms_of
from indlint.read.header import HEADER_SEARCH_ROWS, NO_HEADER
from indlint.read.table import Cell, CellTable
from indlint.read.xlsxguard import Limits, check_container, check_file
from indlint.read.yamlform import MAX_FILE_BYTES, NoTable, ReadError, decode, read_regular

__all__ = ["read_xlsx", "read_csv", "number_text", "HEADER_SEARCH_ROWS", "MAX_FILE_BYTES"]

#: The uncompressed members of an .xlsx may not add up to more than this (zip bombs).
MAX_UNCOMPRESSED = 200 * 1024 * 1024
#: A member larger than MIN_RATIO_CHECK that expands more than MAX_RATIO times is refused.
MAX_RATIO = 200
MIN_RATIO_CHECK = 1024 * 1024
#: An .xlsx holds a few dozen parts; thousands of them is not a workbook.
MAX_MEMBERS = 10_000
#: Cells a workbook (or CSV) may hold, every cell of a merged range counted (openpyxl makes an
#: object for each): a 1 KB workbook can merge A1:XFD1048576. A 申报表 has a few thousand.
MAX_CELLS = 500_000


def _limits() -> Limits:
    """The limits as this module holds them now (read at each call, so that tests can lower them)."""
    return Limits(MAX_FILE_BYTES, MAX_UNCOMPRESSED, MAX_RATIO, MIN_RATIO_CHECK, MAX_MEMBERS, MAX_CELLS)


# ---- entry points ------------------------------------------------------------------------

def read_xlsx(path: str) -> Document:
    """Read an .xlsx workbook; every sheet with an indicator header row is one form."""
    try:
        limits = _limits()
        check_file(path, limits)
        data = check_container(path, limits)
        return Document(path, forms_of(_load_workbook(data, path)), encoding="xlsx")
    except ReadError as err:
        return Document(path, error=str(err), no_table=isinstance(err, NoTable))
    except Exception as err:  # noqa: BLE001 — a reader never raises (formats.md: input.invalid)
        return Document(path, error=f"读取 .xlsx 文件时出错（{type(err).__name__}）")


def read_csv(path: str) -> Document:
    """Read a CSV table (UTF-8 with or without BOM, or GB18030) as one form."""
    try:
        check_file(path, _limits())
        data = read_regular(path)
        if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ReadError("是二进制文件（含 NUL 字节），不是 CSV 表格")
        text, encoding = decode(data)
        stem = os.path.splitext(os.path.basename(path))[0] or "csv"
        last_error = None
        for delimiter in (",", "\t", ";"):
            try:
                table = _csv_table(text, delimiter, stem, path)
            except ReadError as err:
                last_error = err
                continue
            forms = forms_of([table], required=False)
            if forms:
                return Document(path, forms, encoding=encoding)
        if last_error is not None:
            raise last_error
        raise NoTable(NO_HEADER)
    except ReadError as err:
        return Document(path, error=str(err), no_table=isinstance(err, NoTable))
    except OSError as err:
        return Document(path, error=f"无法读取文件：{err.strerror or type(err).__name__}")
    except Exception as err:  # noqa: BLE001
        return Document(path, error=f"读取 CSV 文件时出错（{type(err).__name__}）")


# ---- files → cell tables -----------------------------------------------------------------

def _load_workbook(data: bytes, path: str) -> list[CellTable]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # data_only: the values Excel saved for formula cells, not the formulas.
            book = openpyxl.load_workbook(io.BytesIO(data), data_only=True, keep_links=False)
    except InvalidFileException:
        raise ReadError("不是 openpyxl 支持的 Excel 格式（只支持 .xlsx / .xlsm）") from None
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise ReadError("工作簿已损坏：压缩数据有误，无法解压") from None
    except KeyError:
        raise ReadError("工作簿已损坏：缺少必要的部件（如 xl/workbook.xml）") from None
    except Exception as err:  # noqa: BLE001 — XML and model errors of a damaged workbook
        if "ParseError" in type(err).__name__ or "Syntax" in type(err).__name__:
            raise ReadError("工作簿已损坏：其中的 XML 不完整或有误") from None
        raise ReadError(f"工作簿内容已损坏或格式不受支持（{type(err).__name__}）") from None
    try:
        return [_sheet_table(ws, book.epoch, path) for ws in book.worksheets]
    finally:
        book.close()


def _sheet_table(ws, epoch, path: str) -> CellTable:
    """One worksheet: a cell for every non-empty value, a spanning cell for every merged range."""
    texts = {}
    # Worksheet._cells holds only the cells that exist; iter_rows() would create every
    # cell of the used range, which a sparse sheet can make enormous.
    source = getattr(ws, "_cells", None)
    items = source.items() if isinstance(source, dict) else (
        ((c.row, c.column), c) for row in ws.iter_rows() for c in row)
    for (row, col), cell in items:
        text = display(cell, epoch)
        if text:
            texts[(row, col)] = text
    merged = [Cell(r.min_row, r.min_col, texts.get((r.min_row, r.min_col), ""),
                   r.max_row - r.min_row + 1, r.max_col - r.min_col + 1)
              for r in ws.merged_cells.ranges]
    anchors = {(c.row, c.col) for c in merged}
    cells = [Cell(r, c, t) for (r, c), t in texts.items() if (r, c) not in anchors] + merged
    return CellTable(path, tuple(cells), sheet=ws.title)


def _csv_table(text: str, delimiter: str, stem: str, path: str) -> CellTable:
    """A CSV text as one table named after the file (no merged cells)."""
    cells = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row, record in enumerate(reader, start=1):
            for col, value in enumerate(record, start=1):
                value = value.strip()
                if value:
                    cells.append(Cell(row, col, value))
            if len(cells) > MAX_CELLS:
                raise ReadError(f"CSV 单元格过多（超过 {MAX_CELLS} 个），不像是申报表，已拒绝读取")
    except csv.Error as err:
        if "field larger than field limit" in str(err):
            raise ReadError(f"CSV 第 {reader.line_num} 行的单元格过长（超过 {csv.field_size_limit()} "
                            "个字符），不像是申报表") from None
        raise ReadError(f"CSV 格式错误（第 {reader.line_num} 行）：{err}") from None
    return CellTable(path, tuple(cells), sheet=stem)
