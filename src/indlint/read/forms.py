"""Turn cell tables with a recognised header into forms: the project block, indicator rows, totals."""
from __future__ import annotations

import re
from types import MappingProxyType

from typing import Callable

from indlint.core.model import Document, Form, Row
from indlint.read.header import NO_HEADER, Header, find_header, titles
from indlint.read.table import CellTable
from indlint.read.yamlform import FORM_ALIASES, NoTable, ReadError

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


def forms_of(tables: list[CellTable], required: bool = True) -> tuple[Form, ...]:
    """One form for every table with an indicator header; ReadError when required and none has."""
    forms = []
    for table in tables:
        header = find_header(table)
        if header is None:
            continue
        forms.append(_form(len(forms), table, header))
    if not forms and required:
        raise NoTable(NO_HEADER)
    return tuple(forms)


def _form(index: int, table: CellTable, header: Header) -> Form:
    meta, positions = _metadata(table, header)
    kind_self = any(k in header.columns for k in ("actual", "score"))
    if kind_self or "自评" in meta.get("title", ""):
        meta["kind"] = "self-evaluation"
    else:
        meta.setdefault("kind", "declaration")
    meta["sheet"] = table.name
    rows, total = _rows(table, header)
    if total is not None:
        meta["total_score"], positions["total_score"] = total
    head_pos = table.pos(header.row, min(header.titles))
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


def _metadata(table: CellTable, header: Header) -> tuple[dict, dict]:
    """Read the labelled cells (项目名称 …) and the title lines above the header."""
    meta: dict = {}
    positions: dict = {}
    used: set = set()                     # cells read as a label's value
    for row in (r for r in table.rows() if r < header.top):
        texts = table.row_texts(row)
        for i, (col, text) in enumerate(texts):
            key, inline = _label_key(text)
            if key is None or key in meta:
                continue
            if inline:
                meta[key], positions[key] = inline, table.pos(row, col)
                continue
            rest = [(c, t) for c, t in texts[i + 1:] if _label_key(t)[0] is None]
            if not rest:
                continue
            vcol, value = rest[0]
            vrow = row
            if value in ("预期目标", "年度目标") and table.text(row + 1, vcol):
                # 自评表: 年度总体目标 | 预期目标 | 实际完成情况, with the texts in the row below.
                value, vrow = table.text(row + 1, vcol), row + 1
                for rcol, label in rest[1:]:
                    if label == "实际完成情况" and table.text(row + 1, rcol):
                        meta["goal_result"] = table.text(row + 1, rcol)
                        positions["goal_result"] = table.pos(row + 1, rcol)
                        used.add((row + 1, rcol))
            meta[key], positions[key] = value, table.pos(vrow, vcol)
            used.add((vrow, vcol))
    _title_and_year(table, header, used, meta, positions)
    if "year" in meta:
        digits = re.search(r"\d{4}", meta["year"])
        meta["year"] = digits.group(0) if digits else meta["year"]
    return meta, positions


def _title_and_year(table: CellTable, header: Header, used: set, meta: dict, positions: dict) -> None:
    """The form's title above the header, and the year it names (when no label gave one)."""
    for (row, col), text in table.texts():
        if row >= header.top or (row, col) in used or _label_key(text)[0] is not None:
            continue
        title = "表" in text and len(text) <= 40
        if title and "title" not in meta:
            meta["title"], positions["title"] = text, table.pos(row, col)
        # The year of a title: 某某申报表（2026 年度）, or a line of its own: （2026年度）.
        found = _TITLE_YEAR.search(text)
        if found and "year" not in meta and (title or _YEAR_LINE.fullmatch(text)):
            meta["year"], positions["year"] = found.group(1), table.pos(row, col)


def _rows(table: CellTable, header: Header) -> tuple[list[Row], tuple | None]:
    cols = header.columns
    rows: list[Row] = []
    previous: dict = {}            # l1 / l2 → (text, Pos) of the row above, for filling down
    total = None
    first_col = min(header.titles)
    label_col = cols.get("l1", first_col)
    notes: dict = {}
    for r, note in table.inferred:
        notes.setdefault(r, []).append(note)
    for r in range(header.last + 1, table.max_row + 1):
        own = {key: table.text(r, col) for key, col in cols.items()}
        texts = table.row_texts(r)
        if texts and texts[0][0] <= label_col and texts[0][1].startswith(_FOOTERS):
            if texts[0][1].startswith("总分"):
                total = _total_score(table, r, cols, texts)
            break                                      # 总分 / 填报人 / 注： close the table
        titled = titles(table, r)
        if len(titled) >= 2 and len(titled) == len(texts):
            continue                                   # a header repeated on a new page
        levels = _levels(table, r, cols, own)
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
                fields[key], positions[key] = own[key], table.pos(r, col)
        previous = dict(levels)
        rows.append(Row(len(rows) + 1, MappingProxyType(fields), table.pos(r, first_col),
                        MappingProxyType(positions), tuple(notes.get(r, ()))))
    return rows, total


def _levels(table: CellTable, r: int, cols: dict, own: dict) -> dict:
    """The l1 / l2 of a row: its own cell, or the merged cell that covers it."""
    levels = {}
    for key in _LEVEL_KEYS:
        col = cols.get(key)
        if col is None:
            continue
        if own[key]:
            levels[key] = (own[key], table.pos(r, col))
        else:
            origin = table.origin(r, col)
            if origin and table.text(*origin):
                levels[key] = (table.text(*origin), table.pos(*origin))
    return levels


def _total_score(table: CellTable, row: int, cols: dict, texts) -> tuple | None:
    """Return the 总分 of a self-evaluation: the 得分 total (as the text importer reads it)."""
    for key in ("score", "score_max"):
        col = cols.get(key)
        if col is not None and table.text(row, col):
            return table.text(row, col), table.pos(row, col)
    numbers = [(c, t) for c, t in texts[1:] if re.fullmatch(r"\d+(\.\d+)?", t)]
    return (numbers[-1][1], table.pos(row, numbers[-1][0])) if numbers else None


def document_of(path: str, kind: str, tables_of: Callable[[], list[CellTable]],
                no_table: str) -> Document:
    """A Document of a cell source (Word, PDF, .xls): its forms, or why it has none; never raises.

    ``kind`` names the format in the message of an unexpected failure (formats.md: a reader
    never raises, a file it cannot read is one input.invalid finding).
    """
    try:
        tables = tables_of()
        forms = forms_of(tables, required=False) if tables else ()
        if not forms:
            return Document(path, error=NO_HEADER if tables else no_table, no_table=True)
        return Document(path, forms, encoding=kind)
    except ReadError as err:
        return Document(path, error=str(err))
    except Exception as err:  # noqa: BLE001 — a reader never raises
        return Document(path, error=f"读取 .{kind} 文件时出错（{type(err).__name__}）")
