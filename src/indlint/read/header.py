"""Recognise the header of an indicator table in a cell table: column titles, aliases, two-row headers."""
from __future__ import annotations

import re
from dataclasses import dataclass

from indlint.read.table import CellTable
from indlint.read.yamlform import ROW_ALIASES

#: The header row is looked for in the first rows of a table only.
HEADER_SEARCH_ROWS = 200
#: Column titles seen only in text exported from PDF / Word (一级目标 for 一级指标 …). The text
#: importer accepts them on top of ROW_ALIASES; cell tables do not yet (that would change what
#: a spreadsheet reads, so it waits for the issue that adds Word and PDF tables).
TEXT_ONLY_TITLES = {"一级目标": "l1", "二级目标": "l2", "三级目标": "name", "年度(/项目)指标值": "target"}

#: The fields that identify a header row (formats.md: 一级 / 二级 / 三级指标 and the target).
_HEADER_KEYS = ("l1", "l2", "name")
_SPACES = re.compile(r"[\s\u3000]+")
_BRACKET_TAIL = re.compile(r"[（(][^（()）]*[）)]$")

NO_HEADER = ("没有找到指标表的表头行：应有一行同时写着“一级指标”“二级指标”“三级指标”"
             "和“年度指标值”（或“指标值”“目标值”）")


def title_key(text: str) -> str | None:
    """Return the row field a header title names (ROW_ALIASES), or None."""
    title = _SPACES.sub("", text).strip("*＊:：")
    if title in ROW_ALIASES:
        return ROW_ALIASES[title]
    stripped = _BRACKET_TAIL.sub("", title)                   # 年度指标值（A）, 实际完成值(B)
    return ROW_ALIASES.get(stripped) if stripped != title else None


def titles(table: CellTable, row: int) -> dict[int, str]:
    """Return {column: field} of a row's cells that are header titles."""
    out = {}
    for col, text in table.row_texts(row):
        key = title_key(text)
        if key is not None:
            out[col] = key
    return out


def _is_title_row(table: CellTable, row: int) -> bool:
    """True when every non-empty cell of the row is a title or a group title (绩效指标)."""
    texts = table.row_texts(row)
    return bool(texts) and all(title_key(t) or "指标" in t for _, t in texts)


@dataclass(frozen=True)
class Header:
    """Where the header block of an indicator table is, and the field of each titled column."""

    top: int            # first row of the header block
    row: int            # the row with 一级 / 二级 / 三级指标
    last: int           # last row of the header block; data starts below it
    columns: dict       # field → column (the leftmost column of that field)
    titles: dict        # column → field (all titled columns)


def find_header(table: CellTable) -> Header | None:
    """The first header row (一级 / 二级 / 三级指标 and a target column) of a table.

    Two-row headers are joined: a target or group title merged down from the row above,
    and 年度指标值 split below into 指标性质 / 指标值 / 度量单位 (the three-column layout).
    """
    for row in (r for r in table.rows() if r <= HEADER_SEARCH_ROWS):
        found = titles(table, row)
        if not all(k in found.values() for k in _HEADER_KEYS):
            continue
        top, last, merged = row, row, {}
        if row - 1 >= 1 and _is_title_row(table, row - 1):
            # A two-row header: a target or group title above, merged down over this row.
            merged.update(titles(table, row - 1))
            top = row - 1
        merged.update(found)
        below = titles(table, row + 1)
        if below and _is_title_row(table, row + 1):
            merged.update(below)                # 年度指标值 split into 指标性质 / 指标值 / 度量单位
            last = row + 1
        if "target" not in merged.values():
            continue
        columns: dict[str, int] = {}
        for col in sorted(merged):
            columns.setdefault(merged[col], col)
        return Header(top, row, last, columns, merged)
    return None
