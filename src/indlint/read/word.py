"""Read 申报表 / 自评表 tables from Word .docx files: document tables → cell tables → forms.

python-docx opens the document; the table grid is read from the XML itself, because the API
repeats a merged cell once per grid cell and hides where a vertical merge (w:vMerge) begins.
"""
from __future__ import annotations

import io

from indlint.core.model import Document
from indlint.read.forms import document_of
from indlint.read.table import Cell, CellTable
from indlint.read.xlsxguard import DOCX, Limits, check_container, check_file
from indlint.read.yamlform import ReadError

#: A .docx larger than this is refused (a form with its cover pages is well under 1 MB).
MAX_DOCX_BYTES = 16 * 1024 * 1024
#: Inflated parts together, compression ratio per large part, parts in the zip, table cells.
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200
MIN_RATIO_CHECK = 1024 * 1024
MAX_MEMBERS = 10_000
MAX_CELLS = 500_000

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NO_TABLE = "Word 文档中没有表格；指标表应是 Word 表格（不是文本框或图片）"


def read_docx(path: str) -> Document:
    """Read a .docx document; every table with an indicator header is one form."""
    def tables() -> list[CellTable]:
        limits = Limits(MAX_DOCX_BYTES, MAX_UNCOMPRESSED, MAX_RATIO, MIN_RATIO_CHECK, MAX_MEMBERS,
                        MAX_CELLS)
        check_file(path, limits)
        return docx_tables(check_container(path, limits, DOCX), path)

    return document_of(path, "docx", tables, NO_TABLE)


def open_document(data: bytes):
    """The python-docx Document of checked bytes; ReadError for what is no Word document."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError):
        raise ReadError("不是 Word 文档（.docx）：缺少文档正文部件，文件可能已损坏或扩展名与内容不符") from None
    except Exception as err:  # noqa: BLE001 — XML errors of a damaged document
        raise ReadError(f"Word 文档已损坏，无法读取（{type(err).__name__}）") from None


def docx_tables(data: bytes, path: str) -> list[CellTable]:
    """Every top-level table of the document body as a cell table named 表1, 表2 …"""
    document = open_document(data)
    return [CellTable(path, tuple(cells_of(tbl)), table=n)
            for n, tbl in enumerate(document.element.body.iter(f"{_W}tbl"), start=1)
            if not _nested(tbl)]


def _nested(tbl) -> bool:
    parent = tbl.getparent()
    while parent is not None:
        if parent.tag == f"{_W}tc":
            return True
        parent = parent.getparent()
    return False


def grid(tbl) -> list[list[tuple[int, int, object]]]:
    """Each row's cells as (grid column, span, w:tc element), 1-based columns.

    w:gridBefore shifts a row's first cell; w:gridSpan widens a cell over grid columns.
    """
    rows = []
    for tr in tbl.iterchildren(f"{_W}tr"):
        col = 1 + _int_val(tr.find(f"{_W}trPr/{_W}gridBefore"), 0)
        row = []
        for tc in tr.iterchildren(f"{_W}tc"):
            span = _int_val(tc.find(f"{_W}tcPr/{_W}gridSpan"), 1)
            row.append((col, span, tc))
            col += span
        rows.append(row)
    return rows


def cells_of(tbl) -> list[Cell]:
    """The cells as drawn: a vertical merge (restart … continue) is one Cell with a row span."""
    cells: list[Cell] = []
    open_merges: dict[int, int] = {}          # grid column → index in cells of a merge begun above
    for r, row in enumerate(grid(tbl), start=1):
        for col, span, tc in row:
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            state = None if merge is None else (merge.get(f"{_W}val") or "continue")
            if state == "continue" and col in open_merges:
                i = open_merges[col]
                cells[i] = Cell(cells[i].row, col, cells[i].text, cells[i].row_span + 1, span)
                continue
            cells.append(Cell(r, col, cell_text(tc), 1, span))
            if state == "restart":
                open_merges[col] = len(cells) - 1
            else:
                open_merges.pop(col, None)
    return cells


def cell_text(tc) -> str:
    """The text a person sees in a cell: its paragraphs, one per line, runs joined."""
    lines = []
    for p in tc.iterchildren(f"{_W}p"):
        lines.append("".join(_run_text(node) for node in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br")))
    return "\n".join(lines).strip()


def _run_text(node) -> str:
    if node.tag == f"{_W}t":
        return node.text or ""
    return "\t" if node.tag == f"{_W}tab" else "\n"


def _int_val(node, default: int) -> int:
    if node is None:
        return default
    try:
        return max(1, int(node.get(f"{_W}val")))
    except (TypeError, ValueError):
        return default
