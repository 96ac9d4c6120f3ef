"""Refuse what openpyxl or python-docx should not open: non-regular or huge files, OLE2, damaged zips, bombs."""
from __future__ import annotations

import io
import os
import posixpath
import re
import stat
import zipfile
from dataclasses import dataclass

from indlint.read.yamlform import ReadError, os_message, read_regular

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptionInfo".encode("utf-16-le")
_TOO_MANY_CELLS = "单元格过多（含合并区域超过 {} 个），不像是申报表，已拒绝读取"
_RANGE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,9})(?::\$?([A-Za-z]{1,3})\$?(\d{1,9}))?$")


@dataclass(frozen=True)
class Kind:
    """What an Office zip container of one kind holds, and how messages name it."""

    suffix: str             # .xlsx
    app: str                # Excel
    part: str               # the folder of its parts: xl/
    cell_tags: tuple        # XML elements counted as cells (a merged range by its area)
    legacy: str             # what an unencrypted OLE2 file of this suffix is


XLSX = Kind(".xlsx", "Excel", "xl/", ("c", "mergeCell"),
            "是旧版 Excel 97-2003（.xls）或其他 OLE2 复合文档，不是 .xlsx；请在 Excel 中另存为 .xlsx")
DOCX = Kind(".docx", "Word", "word/", ("tc",),
            "是旧版 Word 97-2003（.doc）或其他 OLE2 复合文档，不是 .docx；请在 Word 或 WPS 中另存为 .docx")


@dataclass(frozen=True)
class Limits:
    """The bounds a spreadsheet file is held to (the spreadsheet reader's constants)."""

    file_bytes: int          # size of the file itself
    uncompressed: int        # all zip members together, inflated
    ratio: int               # compression ratio of one member …
    min_ratio_check: int     # … checked for members larger than this
    members: int             # zip members
    cells: int               # cells, every cell of a merged range counted


def check_file(path: str, limits: Limits) -> int:
    """Return the size of a regular file; raise ReadError (the messages of the YAML reader)."""
    try:
        info = os.stat(path)
    except OSError as err:
        raise ReadError(os_message(err)) from None
    if not stat.S_ISREG(info.st_mode):
        raise ReadError("不是普通文件（目录、管道或设备），已跳过")
    if info.st_size > limits.file_bytes:
        raise ReadError(f"文件过大（{info.st_size} 字节），上限为 {limits.file_bytes} 字节")
    return info.st_size


def check_container(path: str, limits: Limits, kind: Kind = XLSX) -> bytes:
    """Return the file's bytes, refusing what openpyxl should not open.

    OLE2 containers (password-protected workbooks, old .xls), non-zips, zip bombs
    (judged by the sizes in the zip directory, which zipfile enforces when it
    inflates) and zips that are not workbooks. openpyxl then opens these very
    bytes, so the file cannot change between the check and the read.
    """
    head = read_regular(path, limits.file_bytes)
    if not head:
        raise ReadError("文件为空")
    if head.startswith(_OLE2_MAGIC[:4]):
        if _ENCRYPTED_STREAM in head:
            raise ReadError(f"文件已加密（设有打开密码），无法读取；请在 {kind.app} 中取消密码后另存为 {kind.suffix}")
        raise ReadError(kind.legacy)
    if not zipfile.is_zipfile(io.BytesIO(head)):
        raise ReadError(f"不是有效的 {kind.suffix} 文件：不是 zip 压缩包（文件可能已损坏，或扩展名与内容不符）")
    try:
        with zipfile.ZipFile(io.BytesIO(head)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ReadError(f"不是有效的 {kind.suffix} 文件：zip 压缩包已损坏，无法解压") from None
    _check_members(members, limits, kind)
    _check_cells(head, members, limits.cells, kind)
    return head


def _check_members(members: list, limits: Limits, kind: Kind) -> None:
    """Refuse too many members, zip bombs by total size or ratio, and zips that are no workbook."""
    if len(members) > limits.members:
        raise ReadError(f"zip 压缩包内文件过多（{len(members)} 个），不是正常的 {kind.suffix} 文件")
    total = sum(m.file_size for m in members)
    if total > limits.uncompressed:
        raise ReadError(f"疑似 zip 炸弹：解压后共 {total} 字节，超过上限 {limits.uncompressed} 字节，已拒绝读取")
    for m in members:
        if m.file_size > limits.min_ratio_check and m.file_size > limits.ratio * max(m.compress_size, 1):
            ratio = m.file_size // max(m.compress_size, 1)
            raise ReadError(f"疑似 zip 炸弹：{m.filename} 的压缩比约为 {ratio}:1，已拒绝读取")
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or not any(n.startswith(kind.part) for n in names):
        what = "Excel 工作簿" if kind is XLSX else f"{kind.app} 文档"
        raise ReadError(f"是 zip 压缩包，但不是 {what}（缺少 [Content_Types].xml 或 {kind.part} 目录）")


#: Elements that make up cells and their text: counted as cells (c, merged ranges) or only in
#: the total; every other kind of element is an object openpyxl keeps (a style, a validation).
_CELL_PARTS = frozenset({"c", "v", "f", "is", "t", "r", "rPr", "row", "si", "rFont", "sz", "color",
                         "b", "i", "u", "strike", "family", "charset", "scheme", "vertAlign"})
#: Objects of one kind a workbook may hold: Excel itself allows 64,000 cell formats, and a
#: 申报表 has a few dozen validations and styles (a 0.9 MB file held a million validations).
MAX_OF_A_KIND = 65_536
#: Elements of every kind together, as a multiple of the cell limit (a cell is about four).
TOTAL_PER_CELL = 8
_WORKSHEET_REL = "/relationships/worksheet"


class _Counter:
    """Counts what openpyxl would build from the parts: cells, shared strings, other objects."""

    def __init__(self, max_cells: int, kind: Kind):
        self.max_cells, self.cells, self.total, self.kind = max_cells, 0, 0, kind
        self.kinds: dict[str, int] = {}
        self.part = ""

    def start(self, name: str, attrs: dict) -> None:
        local = name.rpartition(" ")[2]
        self.total += 1
        if local == self.kind.cell_tags[0]:
            self.cells += 1
        elif local == "mergeCell":
            self.cells += _range_area(attrs.get("ref", ""))
        elif local == "Relationship":
            _check_target(self.part, attrs, self.kind.part)
        if self.cells > self.max_cells:
            raise ReadError(_TOO_MANY_CELLS.format(self.max_cells))
        # Per kind in workbooks (openpyxl's objects); a Word document is bounded by the total.
        if self.kind is XLSX and (local not in _CELL_PARTS or local == "si"):
            seen = self.kinds[local] = self.kinds.get(local, 0) + 1
            if seen > (self.max_cells if local == "si" else MAX_OF_A_KIND):
                raise ReadError(f"{self.part} 中的 <{local[:40]}> 过多（超过 {seen - 1} 个），"
                                "不像是申报表，已拒绝读取")
        if self.total > TOTAL_PER_CELL * self.max_cells:
            raise ReadError(f"工作簿的 XML 元素过多（超过 {self.total - 1} 个），不像是申报表，已拒绝读取")


def _check_target(part: str, attrs: dict, folder: str = "xl/") -> None:
    """A worksheet must live inside the package's xl/ folder, where its cells are counted."""
    if not str(attrs.get("Type", "")).endswith(_WORKSHEET_REL) or attrs.get("TargetMode") == "External":
        return
    target = str(attrs.get("Target", ""))
    base = posixpath.dirname(posixpath.dirname(part))           # xl/_rels/x.rels → xl
    where = posixpath.normpath(target.lstrip("/") if target.startswith("/")
                               else posixpath.join(base, target))
    if not where.startswith(folder):
        raise ReadError(f"工作表路径 {target[:80]} 不在工作簿的 {folder} 目录中，已拒绝读取")


def _check_cells(data: bytes, members, max_cells: int, kind: Kind = XLSX) -> None:
    """Refuse a workbook of more than max_cells cells (every cell of a merged range counted),
    too many objects of one kind, or a worksheet outside xl/.

    Every member is streamed through expat (bounded by the sizes checked above; a sheet
    may be placed anywhere in the zip), before openpyxl makes an object for every cell. A
    part that does not inflate or parse is left for openpyxl to report.
    """
    from xml.parsers import expat

    counter = _Counter(max_cells, kind)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in members:
            if member.is_dir():
                continue
            counter.part = member.filename
            parser = expat.ParserCreate(namespace_separator=" ")
            parser.StartElementHandler = counter.start
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
