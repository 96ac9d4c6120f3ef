"""The cell-table model every tabular source reads into: cells with spans, and their position labels."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from indlint.core.model import Pos


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell as drawn: a merged cell is one Cell whose spans cover the cells it hides."""

    row: int                 # 1-based, the top row
    col: int                 # 1-based, the left column
    text: str                # the text a person sees ("" for an empty merged cell)
    row_span: int = 1
    col_span: int = 1

    @property
    def merged(self) -> bool:
        return self.row_span > 1 or self.col_span > 1


@dataclass(frozen=True)
class CellTable:
    """The cells of one sheet (xlsx, CSV), document table (Word) or page table (PDF).

    Where the table sits decides how a position is named in messages:
    a sheet gives ``申报表!D14``, a document table ``表2 第5行 第3列``, a page table
    ``第2页 表1 第5行``.
    """

    source: str                          # the file the table was read from
    cells: tuple[Cell, ...]
    sheet: str | None = None             # spreadsheet sheet (a CSV: the file's stem)
    page: int | None = None              # PDF page, 1-based
    table: int | None = None             # table number in the document or on the page, 1-based
    row_pages: tuple = ()                # PDF: the page of each row (row 1 first) of a joined table
    inferred: tuple = ()                 # (row, note) of what the reader inferred (input.inferred)
    _texts: dict = field(init=False, repr=False, compare=False)
    _by_row: dict = field(init=False, repr=False, compare=False)
    _merged: tuple = field(init=False, repr=False, compare=False)
    _by_col: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        texts = {(c.row, c.col): c.text for c in self.cells if c.text}
        by_row: dict = {}
        for (r, c), t in sorted(texts.items()):
            by_row.setdefault(r, []).append((c, t))
        object.__setattr__(self, "_texts", texts)
        object.__setattr__(self, "_by_row", by_row)
        object.__setattr__(self, "_merged", tuple(c for c in self.cells if c.merged))
        object.__setattr__(self, "_by_col", {})      # merged ranges by column, filled on demand

    @property
    def name(self) -> str:
        """The table's own name: the sheet, or 第2页 表1 / 表2."""
        if self.sheet is not None:
            return self.sheet
        return f"第{self.page}页 表{self.table}" if self.page is not None else f"表{self.table}"

    @property
    def max_row(self) -> int:
        """The last row that holds text (0 for an empty table)."""
        return max(self._by_row, default=0)

    def text(self, row: int, col: int) -> str:
        return self._texts.get((row, col), "")

    def texts(self) -> list[tuple[tuple[int, int], str]]:
        """Every ((row, column), text) of a non-empty cell, top to bottom, left to right."""
        return sorted(self._texts.items())

    def rows(self) -> list[int]:
        """The rows that hold text, top to bottom."""
        return list(self._by_row)

    def row_texts(self, row: int) -> list[tuple[int, str]]:
        """Return the (column, text) pairs of a row, left to right."""
        return self._by_row.get(row, [])

    def label(self, row: int, col: int) -> str:
        """The position of a cell as messages name it."""
        if self.sheet is not None:
            return f"{self.sheet}!{col_letter(col)}{row}"
        if self.page is not None:
            return f"第{self.page_of(row)}页 表{self.table} 第{row}行"
        return f"表{self.table} 第{row}行 第{col}列"

    def page_of(self, row: int) -> int | None:
        """The PDF page a row is drawn on (a joined table runs over several pages)."""
        if self.row_pages and 1 <= row <= len(self.row_pages):
            return self.row_pages[row - 1]
        return self.page

    def pos(self, row: int, col: int) -> Pos:
        """A sheet cell's position carries ``cell`` (申报表!D14); a Word or PDF one ``location``."""
        if self.sheet is not None:
            return Pos(row, col, cell=self.label(row, col))
        return Pos(row, col, location=self.label(row, col))

    def origin(self, row: int, col: int) -> tuple[int, int] | None:
        """Return the top-left cell of the merged cell covering (row, col), if any."""
        ranges = self._by_col.get(col)
        if ranges is None:
            ranges = sorted((c.row, c.row + c.row_span - 1, c.col) for c in self._merged
                            if c.col <= col < c.col + c.col_span)
            self._by_col[col] = ranges
        i = bisect.bisect_right(ranges, (row, float("inf"), 0)) - 1
        if i >= 0 and ranges[i][0] <= row <= ranges[i][1]:
            return ranges[i][0], ranges[i][2]
        return None


def col_letter(col: int) -> str:
    """Spreadsheet column letters: 1 → A, 28 → AB."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
