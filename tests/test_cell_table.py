"""The cell-table model: position labels per source, merged cells as spans, header and form recognition."""
from __future__ import annotations

import pytest

from indlint.read.forms import forms_of
from indlint.read.header import find_header
from indlint.read.table import Cell, CellTable, col_letter


@pytest.mark.parametrize("where, label, name", [
    ({"sheet": "申报表"}, "申报表!D14", "申报表"),
    ({"table": 2}, "表2 第14行 第4列", "表2"),
    ({"page": 2, "table": 1}, "第2页 表1 第14行", "第2页 表1"),
])
def test_position_labels_name_the_source(where, label, name):
    table = CellTable("a.docx", (Cell(14, 4, "x"),), **where)
    pos = table.pos(14, 4)
    # formats.md: a sheet position is a ``cell``, a Word or PDF one a ``location``.
    assert table.label(14, 4) == label and (pos.cell or pos.location) == label
    assert (pos.cell is None) == ("sheet" not in where)
    assert table.pos(14, 4)[:2] == (14, 4) and table.name == name


def test_column_letters():
    assert [col_letter(c) for c in (1, 26, 27, 28, 703)] == ["A", "Z", "AA", "AB", "AAA"]


def test_a_merged_cell_is_one_cell_with_spans():
    table = CellTable("f", (Cell(2, 1, "产出指标", row_span=3), Cell(2, 2, "a"), Cell(3, 1, "")), sheet="s")
    assert [table.origin(r, 1) for r in (1, 2, 3, 4, 5)] == [None, (2, 1), (2, 1), (2, 1), None]
    assert table.origin(3, 2) is None
    assert table.text(3, 1) == "" and table.max_row == 2 and table.rows() == [2]
    assert table.row_texts(2) == [(1, "产出指标"), (2, "a")]


def grid(rows: list[list[str]], **where) -> CellTable:
    cells = [Cell(r, c, t) for r, row in enumerate(rows, 1) for c, t in enumerate(row, 1) if t]
    return CellTable("t", tuple(cells), **(where or {"table": 1}))


def test_header_and_forms_from_a_word_like_table():
    # A Word table: the level merged down over two rows, drawn once with a row span.
    rows = [["项目名称", "社区服务"], ["一级指标", "二级指标", "三级指标", "指标值"],
            ["产出指标", "数量指标", "服务人数", "≥100人"], ["", "", "服务次数", "≥12次"]]
    base = grid(rows)
    table = CellTable("t", tuple(c for c in base.cells if (c.row, c.col) not in ((3, 1), (3, 2)))
                      + (Cell(3, 1, "产出指标", row_span=2), Cell(3, 2, "数量指标", row_span=2)), table=1)
    header = find_header(table)
    assert (header.row, header.columns["target"]) == (2, 4)
    (form,) = forms_of([table])
    assert form.meta["project"] == "社区服务" and form.meta["sheet"] == "表1"
    assert [r.get("l1") for r in form.rows] == ["产出指标", "产出指标"]
    assert form.rows[1].where("l2").location == "表1 第3行 第2列"
    assert form.rows[1].where("target").location == "表1 第4行 第4列"


def test_two_row_header_with_the_three_column_target():
    rows = [["一级指标", "二级指标", "三级指标", "年度指标值", "", ""],
            ["", "", "", "指标性质", "指标值", "度量单位"],
            ["产出指标", "数量指标", "人数", "≥", "100", "人"]]
    header = find_header(grid(rows, page=3, table=1))
    assert (header.top, header.row, header.last) == (1, 1, 2)
    assert {k: header.columns[k] for k in ("nature", "target", "unit")} == {
        "nature": 4, "target": 5, "unit": 6}
    (form,) = forms_of([grid(rows, page=3, table=1)])
    assert form.rows[0].where("unit").location == "第3页 表1 第3行"
