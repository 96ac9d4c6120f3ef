"""Read 申报表 / 自评表 sheets from .xlsx and .csv files into Documents, with the cell of every field."""
from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
import os
import re
import stat
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from types import MappingProxyType

from indlint.core.model import Document, Form, Pos, Row
from indlint.read.yamlform import (FORM_ALIASES, MAX_FILE_BYTES, ROW_ALIASES, ReadError, decode, os_message,
                     read_regular)

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
#: The header row is looked for in the first rows of a sheet only.
HEADER_SEARCH_ROWS = 200

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptionInfo".encode("utf-16-le")

#: The fields that identify a header row (formats.md: 一级 / 二级 / 三级指标 and the target).
_HEADER_KEYS = ("l1", "l2", "name")
_LEVEL_KEYS = ("l1", "l2")
#: Labels of the project block above the table; FORM_ALIASES plus the variants of real forms.
_META_LABELS = {**{k: v for k, v in FORM_ALIASES.items()
                   if v in ("project", "goal", "overall_goal", "department", "implementer", "year")},
                "主管部门及代码": "department", "项目实施单位": "implementer", "预算年度": "year",
                "年度目标": "goal", "年度绩效目标": "goal"}
#: Rows that close the table (footers), by the text of their first cell.
_FOOTERS = ("总分", "合计", "总计", "填报人", "填表人", "审核人", "负责人", "联系人", "联系电话",
            "填报日期", "注：", "注:", "备注", "说明")
_SPACES = re.compile(r"[\s\u3000]+")
_BRACKET_TAIL = re.compile(r"[（(][^（()）]*[）)]$")
_TITLE_YEAR = re.compile(r"(\d{4})\s*年")
_YEAR_LINE = re.compile(r"[（(]?\s*\d{4}\s*年度?\s*[)）]?")


# ---- a sheet as a grid of display texts ------------------------------------------------

@dataclass
class _Grid:
    """The non-empty display texts of one sheet, its merged ranges, and how to name a cell."""

    name: str
    cells: dict                                   # (row, col) → text, non-empty only
    merged: list = field(default_factory=list)    # (min_row, min_col, max_row, max_col)
    max_row: int = 0
    _by_col: dict = field(default_factory=dict)
    _by_row: dict | None = None

    def text(self, row: int, col: int) -> str:
        return self.cells.get((row, col), "")

    def pos(self, row: int, col: int) -> Pos:
        return Pos(row, col, cell=f"{self.name}!{_col_letter(col)}{row}")

    def origin(self, row: int, col: int) -> tuple[int, int] | None:
        """Return the top-left cell of the merged range covering (row, col), if any."""
        ranges = self._by_col.get(col)
        if ranges is None:
            ranges = sorted((r0, r1, c0) for r0, c0, r1, c1 in self.merged if c0 <= col <= c1)
            self._by_col[col] = ranges
        i = bisect.bisect_right(ranges, (row, float("inf"), 0)) - 1
        if i >= 0 and ranges[i][0] <= row <= ranges[i][1]:
            return ranges[i][0], ranges[i][2]
        return None

    def row_texts(self, row: int) -> list[tuple[int, str]]:
        """Return the (column, text) pairs of a row, left to right."""
        if self._by_row is None:
            self._by_row = {}
            for (r, c), t in sorted(self.cells.items()):
                self._by_row.setdefault(r, []).append((c, t))
        return self._by_row.get(row, [])


def _col_letter(col: int) -> str:
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# ---- entry points ------------------------------------------------------------------------

def read_xlsx(path: str) -> Document:
    """Read an .xlsx workbook; every sheet with an indicator header row is one form."""
    try:
        _check_file(path)
        data = _check_container(path)
        return Document(path, _forms(_load_workbook(data)), encoding="xlsx")
    except ReadError as err:
        return Document(path, error=str(err))
    except Exception as err:  # noqa: BLE001 — a reader never raises (formats.md: input.invalid)
        return Document(path, error=f"读取 .xlsx 文件时出错（{type(err).__name__}）")


def read_csv(path: str) -> Document:
    """Read a CSV table (UTF-8 with or without BOM, or GB18030) as one form."""
    try:
        _check_file(path)
        data = read_regular(path)
        if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ReadError("是二进制文件（含 NUL 字节），不是 CSV 表格")
        text, encoding = decode(data)
        stem = os.path.splitext(os.path.basename(path))[0] or "csv"
        last_error = None
        for delimiter in (",", "\t", ";"):
            try:
                grid = _csv_grid(text, delimiter, stem)
            except ReadError as err:
                last_error = err
                continue
            forms = _forms([grid], required=False)
            if forms:
                return Document(path, forms, encoding=encoding)
        if last_error is not None:
            raise last_error
        raise ReadError(_NO_HEADER)
    except ReadError as err:
        return Document(path, error=str(err))
    except OSError as err:
        return Document(path, error=f"无法读取文件：{err.strerror or type(err).__name__}")
    except Exception as err:  # noqa: BLE001
        return Document(path, error=f"读取 CSV 文件时出错（{type(err).__name__}）")


_NO_HEADER = ("没有找到指标表的表头行：应有一行同时写着“一级指标”“二级指标”“三级指标”"
              "和“年度指标值”（或“指标值”“目标值”）")


# ---- file and container checks -----------------------------------------------------------

def _check_file(path: str) -> int:
    """Return the size of a regular file; raise ReadError (the messages of the YAML reader)."""
    try:
        info = os.stat(path)
    except OSError as err:
        raise ReadError(os_message(err)) from None
    if not stat.S_ISREG(info.st_mode):
        raise ReadError("不是普通文件（目录、管道或设备），已跳过")
    if info.st_size > MAX_FILE_BYTES:
        raise ReadError(f"文件过大（{info.st_size} 字节），上限为 {MAX_FILE_BYTES} 字节")
    return info.st_size


def _check_container(path: str) -> bytes:
    """Return the file's bytes, refusing what openpyxl should not open.

    OLE2 containers (password-protected workbooks, old .xls), non-zips, zip bombs
    (judged by the sizes in the zip directory, which zipfile enforces when it
    inflates) and zips that are not workbooks. openpyxl then opens these very
    bytes, so the file cannot change between the check and the read.
    """
    head = read_regular(path)
    if not head:
        raise ReadError("文件为空")
    if head.startswith(_OLE2_MAGIC[:4]):
        if _ENCRYPTED_STREAM in head:
            raise ReadError("文件已加密（设有打开密码），无法读取；请在 Excel 中取消密码后另存为 .xlsx")
        raise ReadError("是旧版 Excel 97-2003（.xls）或其他 OLE2 复合文档，不是 .xlsx；请在 Excel 中另存为 .xlsx")
    if not zipfile.is_zipfile(io.BytesIO(head)):
        raise ReadError("不是有效的 .xlsx 文件：不是 zip 压缩包（文件可能已损坏，或扩展名与内容不符）")
    try:
        with zipfile.ZipFile(io.BytesIO(head)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ReadError("不是有效的 .xlsx 文件：zip 压缩包已损坏，无法解压") from None
    if len(members) > MAX_MEMBERS:
        raise ReadError(f"zip 压缩包内文件过多（{len(members)} 个），不是正常的 .xlsx 工作簿")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise ReadError(f"疑似 zip 炸弹：解压后共 {total} 字节，超过上限 {MAX_UNCOMPRESSED} 字节，已拒绝读取")
    for m in members:
        if m.file_size > MIN_RATIO_CHECK and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            ratio = m.file_size // max(m.compress_size, 1)
            raise ReadError(f"疑似 zip 炸弹：{m.filename} 的压缩比约为 {ratio}:1，已拒绝读取")
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise ReadError("是 zip 压缩包，但不是 Excel 工作簿（缺少 [Content_Types].xml 或 xl/ 目录）")
    _check_cells(head, members)
    return head


_TOO_MANY_CELLS = "单元格过多（含合并区域超过 {} 个），不像是申报表，已拒绝读取"
_RANGE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,9})(?::\$?([A-Za-z]{1,3})\$?(\d{1,9}))?$")


def _check_cells(data: bytes, members) -> None:
    """Refuse a workbook of more than MAX_CELLS cells, every cell of a merged range counted.

    Each XML part under xl/ is streamed through expat (bounded by the sizes checked
    above), before openpyxl makes an object for every cell. A part that does not
    inflate or parse is left for openpyxl to report.
    """
    from xml.parsers import expat

    count = 0

    def start(name: str, attrs: dict) -> None:
        nonlocal count
        local = name.rpartition(" ")[2]
        if local == "c":
            count += 1
        elif local == "mergeCell":
            count += _range_area(attrs.get("ref", ""))
        if count > MAX_CELLS:
            raise ReadError(_TOO_MANY_CELLS.format(MAX_CELLS))

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in members:
            if not (member.filename.startswith("xl/") and member.filename.endswith(".xml")):
                continue
            parser = expat.ParserCreate(namespace_separator=" ")
            parser.StartElementHandler = start
            try:
                with archive.open(member) as part:
                    while chunk := part.read(1 << 20):
                        parser.Parse(chunk, False)
                parser.Parse(b"", True)
            except ReadError:
                raise
            except Exception:  # noqa: BLE001 — damaged parts are openpyxl's to report
                continue


def _range_area(ref: str) -> int:
    """The number of cells of a range such as B2:D9 (0 when it cannot be read)."""
    found = _RANGE.match(ref.strip())
    if not found:
        return 0
    col1, row1, col2, row2 = found.groups()
    col2, row2 = col2 or col1, row2 or row1
    width = abs(_col_index(col2) - _col_index(col1)) + 1
    return width * (abs(int(row2) - int(row1)) + 1)


def _col_index(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index


def _load_workbook(data: bytes) -> list[_Grid]:
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
        return [_sheet_grid(ws, book.epoch) for ws in book.worksheets]
    finally:
        book.close()


def _sheet_grid(ws, epoch) -> _Grid:
    cells, max_row = {}, 0
    # Worksheet._cells holds only the cells that exist; iter_rows() would create every
    # cell of the used range, which a sparse sheet can make enormous.
    source = getattr(ws, "_cells", None)
    items = source.items() if isinstance(source, dict) else (
        ((c.row, c.column), c) for row in ws.iter_rows() for c in row)
    for (row, col), cell in items:
        text = _display(cell, epoch)
        if text:
            cells[(row, col)] = text
            max_row = max(max_row, row)
    merged = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges]
    return _Grid(ws.title, cells, merged, max_row)


def _csv_grid(text: str, delimiter: str, stem: str) -> _Grid:
    cells, max_row = {}, 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row, record in enumerate(reader, start=1):
            for col, value in enumerate(record, start=1):
                value = value.strip()
                if value:
                    cells[(row, col)] = value
                    max_row = row
            if len(cells) > MAX_CELLS:
                raise ReadError(f"CSV 单元格过多（超过 {MAX_CELLS} 个），不像是申报表，已拒绝读取")
    except csv.Error as err:
        if "field larger than field limit" in str(err):
            raise ReadError(f"CSV 第 {reader.line_num} 行的单元格过长（超过 {csv.field_size_limit()} "
                            "个字符），不像是申报表") from None
        raise ReadError(f"CSV 格式错误（第 {reader.line_num} 行）：{err}") from None
    return _Grid(stem, cells, [], max_row)


# ---- cell values as a person sees them ---------------------------------------------------

#: Built-in number formats of the Chinese (zh-CN) locale that openpyxl reads as "General".
_ZH_BUILTIN = {14: "yyyy/m/d", 27: 'yyyy"年"m"月"', 28: 'm"月"d"日"', 29: 'm"月"d"日"',
               30: "m-d-yy", 31: 'yyyy"年"m"月"d"日"', 32: 'h"时"mm"分"',
               33: 'h"时"mm"分"ss"秒"', 36: 'yyyy"年"m"月"', 50: 'yyyy"年"m"月"',
               51: 'm"月"d"日"', 52: 'yyyy"年"m"月"', 53: 'm"月"d"日"', 54: 'm"月"d"日"',
               57: 'yyyy"年"m"月"', 58: 'm"月"d"日"'}


def _display(cell, epoch=None) -> str:
    """Return the text a person sees in a cell (numbers and dates by their number format)."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    fmt = cell.number_format or "General"
    style = getattr(cell, "_style", None)
    fmt_id = getattr(style, "numFmtId", None)
    if fmt_id in _ZH_BUILTIN:
        fmt = _ZH_BUILTIN[fmt_id]
        if isinstance(value, (int, float)) and fmt_id != 14:     # 14 openpyxl converts itself
            from openpyxl.utils.datetime import from_excel
            try:
                value = from_excel(value, epoch) if epoch else from_excel(value)
            except (ValueError, OverflowError, TypeError):
                pass
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return _date_text(value, fmt)
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        return number_text(value, fmt)
    return str(value).strip()


def number_text(value, fmt: str = "General") -> str:
    """Format a number by an Excel number format: 28 → '28', 0.95 with '0%' → '95%'."""
    sections = _split_sections(fmt)
    section = sections[0]
    if value < 0 and len(sections) > 1 and sections[1]:
        section, value = sections[1], -value
    elif value == 0 and len(sections) > 2 and sections[2]:
        section = sections[2]
    tokens = _tokens(re.sub(r"\[[^\]]*\]", "", section))
    code = "".join(t for kind, t in tokens if kind == "code").lower()
    if re.search(r"[ymdhse/]", code.replace("general", "")):
        return _general(value)          # scientific, fractions, or a date format on a number
    if not re.search(r"[0#?]", code):   # General, @, or literals only
        return _with_literals(tokens, _general(value)) if "general" in code else _general(value)
    number = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)
    number *= Decimal(100) ** code.count("%")
    integer_part, _, fraction_part = re.sub(r"[^0#?.,]", "", code).partition(".")
    scale = len(integer_part) - len(integer_part.rstrip(","))       # trailing commas: /1000
    number /= Decimal(1000) ** scale
    decimals = len(re.sub(r"[^0#?]", "", fraction_part))
    try:
        rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return _general(value)
    grouping = "," if "," in integer_part.rstrip(",") else ""
    text = format(abs(rounded), f"{grouping}.{decimals}f")
    if "#" in fraction_part and decimals:
        # Optional digits (#) after the point drop trailing zeros.
        keep = len(fraction_part.rstrip("#").replace(",", ""))
        whole, _, frac = text.partition(".")
        frac = frac[:keep] + frac[keep:].rstrip("0")
        text = whole + ("." + frac if frac else "")
    if rounded < 0:
        text = "-" + text
    return _with_literals(tokens, text)


def _general(value) -> str:
    if isinstance(value, int):
        return str(value)
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return format(number, ".15g")


def _split_sections(fmt: str) -> list[str]:
    sections, current, quoted, escaped = [], "", False, False
    for ch in fmt:
        if escaped:
            current, escaped = current + ch, False
        elif ch == "\\":
            current, escaped = current + ch, True
        elif ch == '"':
            current, quoted = current + ch, not quoted
        elif ch == ";" and not quoted:
            sections.append(current)
            current = ""
        else:
            current += ch
    sections.append(current)
    return sections


def _tokens(section: str) -> list[tuple[str, str]]:
    """Split a format section into ('lit', text) and ('code', text) tokens."""
    tokens: list[tuple[str, str]] = []
    i = 0
    while i < len(section):
        ch = section[i]
        if ch == '"':
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            tokens.append(("lit", section[i + 1:end]))
            i = end + 1
        elif ch == "\\" and i + 1 < len(section):
            tokens.append(("lit", section[i + 1]))
            i += 2
        elif ch in "_*" and i + 1 < len(section):
            tokens.append(("lit", " " if ch == "_" else ""))     # padding and fill characters
            i += 2
        elif ch in "0#?.,%" or section[i:i + 7].lower() == "general" or ch == "@":
            j = i + 7 if section[i:i + 7].lower() == "general" else i + 1
            tokens.append(("code", section[i:j]))
            i = j
        elif (ch.isascii() and ch.isalpha()) or ch == "/":
            tokens.append(("code", ch))
            i += 1
        else:
            tokens.append(("lit", ch))
            i += 1
    return tokens


def _with_literals(tokens: list[tuple[str, str]], number: str) -> str:
    """Put the formatted number where the format's digits stand, among its literals."""
    out, placed = [], False
    for kind, text in tokens:
        if kind == "lit":
            out.append(text)
        elif text == "%":
            if not placed:
                out.append(number)
                placed = True
            out.append("%")
        elif not placed:
            out.append(number)
            placed = True
    if not placed:
        out.append(number)
    return "".join(out).strip()


_DATE_TOKEN = re.compile(r'"[^"]*"|\\.|yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|'
                         r"am/pm|a/p|上午/下午|\[[^\]]*\]|.", re.IGNORECASE)


def _date_text(value, fmt: str) -> str:
    """Format a date, time or datetime by an Excel date format (ISO when it cannot)."""
    section = _split_sections(fmt or "")[0]
    if section.lower() in ("", "general", "@") or not re.search(r"[ymdhs]", section, re.I):
        return _iso(value)
    parts = [t for t in _DATE_TOKEN.findall(section) if not t.startswith("[")]
    out, ampm = [], any(t.lower() in ("am/pm", "a/p", "上午/下午") for t in parts)
    date = value if isinstance(value, (dt.date, dt.datetime)) else None
    time = value if isinstance(value, dt.time) else (value if isinstance(value, dt.datetime) else None)
    for i, tok in enumerate(parts):
        low = tok.lower()
        prev = next((p.lower() for p in reversed(parts[:i]) if p.lower()[0] in "ymdhs"), "")
        nxt = next((p.lower() for p in parts[i + 1:] if p.lower()[0] in "ymdhs"), "")
        minute = low in ("m", "mm") and (prev.startswith("h") or nxt.startswith("s"))
        if tok.startswith('"'):
            out.append(tok[1:-1])
        elif tok.startswith("\\"):
            out.append(tok[1:])
        elif low in ("yyyy", "yy") and date:
            out.append(f"{date.year:04d}" if low == "yyyy" else f"{date.year % 100:02d}")
        elif minute and time:
            out.append(f"{time.minute:02d}" if low == "mm" else str(time.minute))
        elif low in ("m", "mm") and date:
            out.append(f"{date.month:02d}" if low == "mm" else str(date.month))
        elif low in ("mmm", "mmmm") and date:
            out.append(date.strftime("%b" if low == "mmm" else "%B"))
        elif low in ("d", "dd") and date:
            out.append(f"{date.day:02d}" if low == "dd" else str(date.day))
        elif low in ("ddd", "dddd") and date:
            out.append(date.strftime("%a" if low == "ddd" else "%A"))
        elif low in ("h", "hh") and time:
            hour = (time.hour % 12 or 12) if ampm else time.hour
            out.append(f"{hour:02d}" if low == "hh" else str(hour))
        elif low in ("s", "ss") and time:
            out.append(f"{time.second:02d}" if low == "ss" else str(time.second))
        elif low in ("am/pm", "a/p", "上午/下午") and time:
            am = time.hour < 12
            marks = {"am/pm": ("AM", "PM"), "a/p": ("A", "P")}.get(low, ("上午", "下午"))
            out.append(marks[0] if am else marks[1])
        elif low[0] in "ymdhs":
            return _iso(value)
        else:
            out.append(tok)
    return "".join(out).strip()


def _iso(value) -> str:
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    return value.isoformat()


# ---- header detection --------------------------------------------------------------------

def _title_key(text: str) -> str | None:
    """Return the row field a header title names (ROW_ALIASES), or None."""
    title = _SPACES.sub("", text).strip("*＊:：")
    if title in ROW_ALIASES:
        return ROW_ALIASES[title]
    stripped = _BRACKET_TAIL.sub("", title)                   # 年度指标值（A）, 实际完成值(B)
    return ROW_ALIASES.get(stripped) if stripped != title else None


def _titles(grid: _Grid, row: int) -> dict[int, str]:
    """Return {column: field} of a row's cells that are header titles."""
    out = {}
    for col, text in grid.row_texts(row):
        key = _title_key(text)
        if key is not None:
            out[col] = key
    return out


def _is_title_row(grid: _Grid, row: int) -> bool:
    """True when every non-empty cell of the row is a title or a group title (绩效指标)."""
    texts = grid.row_texts(row)
    return bool(texts) and all(_title_key(t) or "指标" in t for _, t in texts)


@dataclass
class _Header:
    top: int            # first row of the header block
    row: int            # the row with 一级 / 二级 / 三级指标
    last: int           # last row of the header block; data starts below it
    columns: dict       # field → column
    titles: dict        # column → field (all titled columns)


def _find_header(grid: _Grid) -> _Header | None:
    rows = sorted({r for r, _ in grid.cells if r <= HEADER_SEARCH_ROWS})
    for row in rows:
        titles = _titles(grid, row)
        if not all(k in titles.values() for k in _HEADER_KEYS):
            continue
        top, last, merged = row, row, {}
        if row - 1 >= 1 and _is_title_row(grid, row - 1):
            # A two-row header: a target or group title above, merged down over this row.
            merged.update(_titles(grid, row - 1))
            top = row - 1
        merged.update(titles)
        below = _titles(grid, row + 1)
        if below and _is_title_row(grid, row + 1):
            merged.update(below)                # 年度指标值 split into 指标性质 / 指标值 / 度量单位
            last = row + 1
        if "target" not in merged.values():
            continue
        columns: dict[str, int] = {}
        for col in sorted(merged):
            columns.setdefault(merged[col], col)
        return _Header(top, row, last, columns, merged)
    return None


# ---- sheets → forms ----------------------------------------------------------------------

def _forms(grids: list[_Grid], required: bool = True) -> tuple[Form, ...]:
    forms = []
    for grid in grids:
        header = _find_header(grid)
        if header is None:
            continue
        forms.append(_form(len(forms), grid, header))
    if not forms and required:
        raise ReadError(_NO_HEADER)
    return tuple(forms)


def _form(index: int, grid: _Grid, header: _Header) -> Form:
    meta, positions = _metadata(grid, header)
    kind_self = any(k in header.columns for k in ("actual", "score"))
    if kind_self or "自评" in meta.get("title", ""):
        meta["kind"] = "self-evaluation"
    else:
        meta.setdefault("kind", "declaration")
    meta["sheet"] = grid.name
    rows, total = _rows(grid, header)
    if total is not None:
        meta["total_score"], positions["total_score"] = total
    head_pos = grid.pos(header.row, min(header.titles))
    positions["indicators"] = head_pos
    return Form(index, MappingProxyType(meta), MappingProxyType({}), tuple(rows), head_pos,
                MappingProxyType(positions))


def _label_key(text: str) -> tuple[str | None, str]:
    """Return (meta field, inline value) of a project-block label such as 项目名称：…"""
    found = re.match(r"([^:：]*)[:：](.*)$", text.strip(), re.DOTALL)
    label, inline = (found.group(1), found.group(2).strip()) if found else (text, "")
    label = _SPACES.sub("", label).strip("*＊")
    for candidate in (label, _BRACKET_TAIL.sub("", label)):
        if candidate in _META_LABELS:
            return _META_LABELS[candidate], inline
    return None, ""


def _metadata(grid: _Grid, header: _Header) -> tuple[dict, dict]:
    """Read the labelled cells (项目名称 …) and the title lines above the header."""
    meta: dict = {}
    positions: dict = {}
    used: set = set()                     # cells read as a label's value
    for row in sorted({r for r, _ in grid.cells if r < header.top}):
        texts = grid.row_texts(row)
        for i, (col, text) in enumerate(texts):
            key, inline = _label_key(text)
            if key is None or key in meta:
                continue
            if inline:
                meta[key], positions[key] = inline, grid.pos(row, col)
                continue
            rest = [(c, t) for c, t in texts[i + 1:] if _label_key(t)[0] is None]
            if not rest:
                continue
            vcol, value = rest[0]
            vrow = row
            if value in ("预期目标", "年度目标") and grid.text(row + 1, vcol):
                # 自评表: 年度总体目标 | 预期目标 | 实际完成情况, with the texts in the row below.
                value, vrow = grid.text(row + 1, vcol), row + 1
                for rcol, label in rest[1:]:
                    if label == "实际完成情况" and grid.text(row + 1, rcol):
                        meta["goal_result"] = grid.text(row + 1, rcol)
                        positions["goal_result"] = grid.pos(row + 1, rcol)
                        used.add((row + 1, rcol))
            meta[key], positions[key] = value, grid.pos(vrow, vcol)
            used.add((vrow, vcol))
    for (row, col), text in sorted(grid.cells.items()):
        if row >= header.top or (row, col) in used or _label_key(text)[0] is not None:
            continue
        title = "表" in text and len(text) <= 40
        if title and "title" not in meta:
            meta["title"], positions["title"] = text, grid.pos(row, col)
        # The year of a title: 某某申报表（2026 年度）, or a line of its own: （2026年度）.
        found = _TITLE_YEAR.search(text)
        if found and "year" not in meta and (title or _YEAR_LINE.fullmatch(text)):
            meta["year"], positions["year"] = found.group(1), grid.pos(row, col)
    if "year" in meta:
        digits = re.search(r"\d{4}", meta["year"])
        meta["year"] = digits.group(0) if digits else meta["year"]
    return meta, positions


def _rows(grid: _Grid, header: _Header) -> tuple[list[Row], tuple | None]:
    cols = header.columns
    rows: list[Row] = []
    previous: dict = {}            # l1 / l2 → (text, Pos) of the row above, for filling down
    total = None
    first_col = min(header.titles)
    label_col = cols.get("l1", first_col)
    for r in range(header.last + 1, grid.max_row + 1):
        own = {key: grid.text(r, col) for key, col in cols.items()}
        texts = grid.row_texts(r)
        if texts and texts[0][0] <= label_col and texts[0][1].startswith(_FOOTERS):
            if texts[0][1].startswith("总分"):
                total = _total_score(grid, r, cols, texts)
            break                                      # 总分 / 填报人 / 注： close the table
        titled = _titles(grid, r)
        if len(titled) >= 2 and len(titled) == len(texts):
            continue                                   # a header repeated on a new page
        levels = {}
        for key in _LEVEL_KEYS:
            col = cols.get(key)
            if col is None:
                continue
            if own[key]:
                levels[key] = (own[key], grid.pos(r, col))
            else:
                origin = grid.origin(r, col)
                if origin and grid.text(*origin):
                    levels[key] = (grid.text(*origin), grid.pos(*origin))
        if not (own.get("name") or own.get("target") or levels):
            break                                      # a blank row ends the table
        if "l1" in cols and "l1" not in levels and "l1" in previous:
            levels["l1"] = previous["l1"]
        same_group = levels.get("l1", ("",))[0] == previous.get("l1", ("",))[0]
        if "l2" in cols and "l2" not in levels and "l2" in previous and same_group:
            levels["l2"] = previous["l2"]
        fields, positions = {}, {}
        for key, col in cols.items():
            if key in levels:
                fields[key], positions[key] = levels[key]
            else:
                fields[key], positions[key] = own[key], grid.pos(r, col)
        previous = {k: v for k, v in levels.items()}
        rows.append(Row(len(rows) + 1, MappingProxyType(fields), grid.pos(r, first_col),
                        MappingProxyType(positions)))
    return rows, total


def _total_score(grid: _Grid, row: int, cols: dict, texts) -> tuple | None:
    """Return the 总分 of a self-evaluation: the 得分 total (as the text importer reads it)."""
    for key in ("score", "score_max"):
        col = cols.get(key)
        if col is not None and grid.text(row, col):
            return grid.text(row, col), grid.pos(row, col)
    numbers = [(c, t) for c, t in texts[1:] if re.fullmatch(r"\d+(\.\d+)?", t)]
    return (numbers[-1][1], grid.pos(row, numbers[-1][0])) if numbers else None
