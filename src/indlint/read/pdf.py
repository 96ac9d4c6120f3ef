"""Read 申报表 / 自评表 tables from PDF files with a text layer (pdfplumber): ruled tables → cell tables → forms.

Only text inside a table's ruled cells is read, so page headers, footers, page numbers and
URLs are never rows. A table that runs on over a page break is joined to its start (a
repeated header row dropped), and a merged cell cut by the break is one cell again.
"""
from __future__ import annotations

import bisect
import io
import logging
import re
import unicodedata
from dataclasses import dataclass

from indlint.core.model import Document
from indlint.read.forms import document_of
from indlint.read.header import find_header
from indlint.read.table import Cell, CellTable
from indlint.read.yamlform import ReadError, read_regular

#: A PDF larger than this, or of more pages, is refused before its pages are read.
MAX_PDF_BYTES = 32 * 1024 * 1024
MAX_PAGES = 300
#: Edges closer than this (points) are one grid line.
_SNAP = 1.5
NEEDS_OCR = ("PDF 没有文字层（是扫描件或图片），indlint 无法读取图片中的文字；"
             "请先用 OCR 文字识别转成带文字的 PDF，或改用原始的 Word / Excel 文件")
NO_TABLE = "PDF 中没有找到带边框的表格；指标表应是有表格线的表格"
#: Fonts embedded by browsers and Office often map CJK glyphs to the Kangxi radicals
#: (⽬ U+2F6C for 目) or the radical supplement: read them as the ideographs a person sees.
_SIMPLIFIED_RADICALS = ("⺁厂 ⺇几 ⺌小 ⺟母 ⺠民 ⺡氵 ⺮竹 ⻄西 ⻆角 ⻉贝 ⻋车 ⻌辶 ⻍辶 ⻏阝 ⻐阝 ⻔门 ⻓长 "
                        "⻘青 ⻙韦 ⻚页 ⻛风 ⻜飞 ⻝食 ⻢马 ⻣骨 ⻤鬼 ⻥鱼 ⻦鸟 ⻧卤 ⻨麦 ⻩黄 ⻪黾 ⻬齐 ⻮齿 "
                        "⻰龙 ⻳龟 ⻅见 ⻒钅 ⻊足 ⻈讠 ⻇户 ⺼肉 ⻁虎")
_RADICALS = {**{c: unicodedata.normalize("NFKC", chr(c)) for c in range(0x2F00, 0x2FD6)},
             **{ord(pair[0]): pair[1] for pair in _SIMPLIFIED_RADICALS.split()}}


@dataclass
class _Part:
    """One table as found on one page: its grid, cells and where its edges lie."""

    page: int
    cells: list            # Cell, rows and columns 1-based within this part
    xs: list               # column edges (points)
    rows: int
    top_open: bool         # the table starts at the top of its page area (may continue a table)


def read_pdf(path: str) -> Document:
    """Read a PDF; every ruled table with an indicator header (joined over pages) is one form."""
    return document_of(path, "pdf", lambda: pdf_tables(read_regular(path, MAX_PDF_BYTES), path),
                       NO_TABLE)


def pdf_tables(data: bytes, path: str) -> list[CellTable]:
    """The document's tables, joined over page breaks, as cell tables 表1, 表2 …"""
    if not data:
        raise ReadError("文件为空")
    if b"%PDF-" not in data[:1024]:
        raise ReadError("不是 PDF 文件（缺少 %PDF- 文件头），文件可能已损坏或扩展名与内容不符")
    parts, any_text = [], False
    with _open(data) as pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise ReadError(f"PDF 共 {len(pdf.pages)} 页，超过上限 {MAX_PAGES} 页，已拒绝读取；请拆分后再检查")
        for number, page in enumerate(pdf.pages, start=1):
            chars = [c for c in page.chars if c.get("text", "").strip()]
            any_text = any_text or bool(chars)
            parts += _page_parts(page, number, chars)
    if not any_text:
        raise ReadError(NEEDS_OCR)
    return [table for n, group in enumerate(_joined(parts), start=1)
            for table in [_cell_table(group, path, n)]]


def _open(data: bytes):
    # pdfminer logs font and syntax warnings; a reviewer's terminal must not get them.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        len(pdf.pages)                    # parses the page tree: a damaged file fails here
        return pdf
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise ReadError("PDF 已加密（设有打开密码），无法读取；请去掉密码后再检查") from None
    except PDFSyntaxError:
        raise ReadError("PDF 文件已损坏或不完整（可能下载中断），无法读取") from None
    except Exception as err:  # noqa: BLE001 — pdfminer raises many kinds on damaged files
        if "password" in str(err).lower() or "encrypt" in type(err).__name__.lower():
            raise ReadError("PDF 已加密（设有打开密码），无法读取；请去掉密码后再检查") from None
        raise ReadError(f"PDF 文件已损坏或不完整，无法读取（{type(err).__name__}）") from None


# ---- one page: ruled tables → grid cells with their text ----------------------------------

def _page_parts(page, number: int, chars: list) -> list[_Part]:
    parts = []
    tables = sorted(page.find_tables(), key=lambda t: (t.bbox[1], t.bbox[0]))
    for table in tables:
        boxes = [c for c in table.cells if c]
        if not boxes:
            continue
        xs = _edges([b[0] for b in boxes] + [b[2] for b in boxes])
        ys = _edges([b[1] for b in boxes] + [b[3] for b in boxes])
        grid = [(_at(ys, b[1]), _at(ys, b[3]), _at(xs, b[0]), _at(xs, b[2]), b) for b in boxes]
        texts = _cell_texts(grid, xs, ys, chars)
        cells = [Cell(r0 + 1, c0 + 1, texts.get(i, ""), max(r1 - r0, 1), max(c1 - c0, 1))
                 for i, (r0, r1, c0, c1, _) in enumerate(grid)]
        above = [c for c in chars if c["bottom"] <= table.bbox[1] and c["top"] > page.height * 0.08]
        parts.append(_Part(number, cells, xs, len(ys) - 1, top_open=not above))
    return parts


def _edges(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _SNAP:
            out.append(v)
    return out


def _at(edges: list[float], value: float) -> int:
    i = bisect.bisect_left(edges, value - _SNAP)
    return min(i, len(edges) - 1)


def _cell_texts(grid, xs, ys, chars) -> dict[int, str]:
    """The text of each cell: the characters whose centre lies in it, line by line."""
    owner = {}
    for i, (r0, r1, c0, c1, _) in enumerate(grid):
        for r in range(r0, max(r1, r0 + 1)):
            for c in range(c0, max(c1, c0 + 1)):
                owner[(r, c)] = i
    found: dict[int, list] = {}
    for ch in chars:
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        if not (xs[0] <= cx <= xs[-1] and ys[0] <= cy <= ys[-1]):
            continue
        c = bisect.bisect_right(xs, cx) - 1
        r = bisect.bisect_right(ys, cy) - 1
        i = owner.get((r, c))
        if i is not None:
            found.setdefault(i, []).append(ch)
    return {i: _text(chs, grid[i][4][2]) for i, chs in found.items()}


def _text(chars: list, right: float) -> str:
    """Characters → text: lines by their top, each left to right; wrapped lines joined.

    A line that stops well short of the cell's right edge ended a paragraph: the break is kept.
    """
    lines: list[list] = []
    for ch in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if lines and abs(ch["top"] - lines[-1][0]["top"]) <= ch["size"] * 0.5:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    out, short = "", False
    for line in lines:
        line.sort(key=lambda c: c["x0"])
        piece = "".join(c["text"] for c in line).strip()
        if out and piece and short:
            out += "\n"
        elif out and piece and out[-1].isascii() and out[-1].isalpha() and piece[0].isascii() \
                and piece[0].isalpha():
            out += " "
        out += piece
        short = line[-1]["x1"] < right - 3 * line[-1]["size"]
    return re.sub(r"[ \t]+", " ", out.translate(_RADICALS)).strip()


# ---- pages → tables: a table cut by a page break is joined again ---------------------------

def _joined(parts: list[_Part]) -> list[list[_Part]]:
    """Group the parts of each table: a part at the top of the next page continues the last one."""
    groups: list[list[_Part]] = []
    for part in parts:
        last = groups[-1][-1] if groups else None
        if last is not None and part.page == last.page + 1 and part.top_open \
                and _same_width(last.xs, part.xs) and _continues(groups[-1], part):
            groups[-1].append(part)
        else:
            groups.append([part])
    return groups


def _same_width(a: list[float], b: list[float]) -> bool:
    return abs(a[0] - b[0]) <= 3 and abs(a[-1] - b[-1]) <= 3


def _header(cells) -> object:
    return find_header(CellTable("", tuple(cells), table=1))


def _continues(group: list[_Part], part: _Part) -> bool:
    """True when a part goes on with the group's table rather than starting a form of its own.

    It does when it has no header (rows going on), or a header on its first row: repeated
    (the group has one) or the first (the group so far is the project block above it).
    """
    header = _header(part.cells)
    return header is None or header.top == 1


def _cell_table(group: list[_Part], path: str, number: int) -> CellTable:
    xs = _edges([x for part in group for x in part.xs])
    cells: list[Cell] = []
    pages: list[int] = []
    inferred: list[tuple[int, str]] = []
    head = None
    for part in group:
        offset = len(pages)
        own = [_on_grid(c, part.xs, xs) for c in part.cells]
        header = _header(own)
        skip = header.last if head is not None and header is not None and header.top == 1 else 0
        head = head or (_header(cells + [_shifted(c, offset) for c in own]) if header else None)
        levels = {head.columns.get(k) for k in ("l1", "l2")} if head is not None else set()
        bottom = {c.col: i for i, c in enumerate(cells) if c.row + c.row_span - 1 == offset}
        for cell in own:
            if cell.row <= skip:
                continue                      # the header row repeated on the new page
            row = cell.row - skip + offset
            i = bottom.get(cell.col)
            if offset and cell.row == skip + 1 and i is not None and _one_cell(cells[i], cell):
                # A merged cell cut by the page break: drawn on both pages, its text on one.
                above = cells[i]
                text = above.text or cell.text
                cells[i] = Cell(above.row, above.col, text, above.row_span + cell.row_span, above.col_span)
                if cell.col in levels and text:
                    first, last = (row, row + cell.row_span - 1) if above.text else (above.row, offset)
                    inferred += [(r, f"跨页的合并单元格「{text}」只在一页上写出，已用于整个合并范围")
                                 for r in range(first, last + 1)]
                continue
            cells.append(Cell(row, cell.col, cell.text, cell.row_span, cell.col_span))
        pages += [part.page] * (part.rows - skip)
    return CellTable(path, tuple(cells), page=group[0].page, table=number,
                     row_pages=tuple(pages), inferred=tuple(inferred))


def _on_grid(cell: Cell, own: list[float], xs: list[float]) -> Cell:
    """A part's cell with its columns counted on the joined table's grid."""
    start = _at(xs, own[cell.col - 1])
    end = _at(xs, own[min(cell.col - 1 + cell.col_span, len(own) - 1)])
    return Cell(cell.row, start + 1, cell.text, cell.row_span, max(end - start, 1))


def _shifted(cell: Cell, offset: int) -> Cell:
    return Cell(cell.row + offset, cell.col, cell.text, cell.row_span, cell.col_span)


def _one_cell(above: Cell, below: Cell) -> bool:
    """True when the cells at a page break are the two halves of one merged cell."""
    return above.col_span == below.col_span and (not above.text or not below.text) and \
        (above.row_span > 1 or below.row_span > 1)
