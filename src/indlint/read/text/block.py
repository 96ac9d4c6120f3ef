"""The project block above a table: names, units, dates, money, the execution block and goals."""
from __future__ import annotations

import re

from indlint.read.text.common import GOAL_TITLES, block_cells, goal_title, join_pieces, norm, split_cells
from indlint.read.text.lines import line_goals
from indlint.read.text.tab import tab_goals

#: Project-block labels (normalised, colons dropped) → form or budget key.
_BLOCK_LABELS = {
    "项目名称": "project", "主管部门": "department", "实施单位": "implementer",
    "项目类别": "", "项目性质": "", "计划开始日期": "start_date", "计划完成日期": "end_date",
    "项目资金总额": "budget.total", "年度资金申请总额": "budget.annual_total",
    "其中财政资金": "budget.fiscal", "其中当年财政拨款": "budget.appropriation",
    "上年结转资金": "budget.carryover", "其他资金": "budget.other",
    # Labels read only so that they end the value before them.
    "项目资金": "", "项目资金(元)": "", "项目资金(万元)": "", "(元)": "", "(万元)": "",
}
#: Block fields whose value is the first cell after the label, never a joined text.
_SINGLE_CELL_KEYS = frozenset({"start_date", "end_date"})
#: Execution block of a self-evaluation: column titles and row labels.
_EXECUTION_COLUMNS = {"年初预算数": "initial", "全年预算数": "adjusted", "全年执行数": "executed",
                      "分值": "score_max", "执行率": "execution_rate", "得分": "score"}
_EXECUTION_ROWS = {"年度资金总额": "", "其中当年财政拨款": "appropriation_",
                   "当年财政拨款": "appropriation_", "上年结转资金": "carryover_",
                   "其他资金": "other_"}


def block_fields(block: list[str], layout: str, where: str) -> tuple[dict, list[str]]:
    """Project name, units, dates, money and goals from the lines above the header."""
    notes: list[str] = []
    goal_at, goal_lines = _goal_lines(block)
    exec_at, execution = _execution_block(block)
    info_end = min(x for x in (goal_at, exec_at, len(block)) if x is not None)
    found = _scan_block(block[:info_end])
    fields = {k: v for k, v in found.items() if not k.startswith("budget.")}
    budget = {k[len("budget."):]: v for k, v in found.items() if k.startswith("budget.")}
    budget.update(execution)
    if goal_lines:
        if layout == "tab":
            fields.update(tab_goals(goal_lines))
        else:
            goals, more = line_goals(goal_lines, where)
            fields.update(goals)
            notes += more
    unit = _budget_unit(block[:len(block) if goal_at is None else goal_at])
    if unit:
        fields["budget_unit"] = unit
    if budget:
        fields["budget"] = budget
    return fields, notes


def _goal_lines(lines: list[str]) -> tuple[int | None, list[str]]:
    start = next((i for i, line in enumerate(lines)
                  if any(goal_title(c) for _, c in block_cells(line))), None)
    return start, ([] if start is None else lines[start:])


def _block_tokens(lines: list[str]) -> list[tuple[str, int, int]]:
    """(text, line index, cell index) of every non-empty cell in the block."""
    tokens = []
    for i, line in enumerate(lines):
        cells = line.split("\t") if "\t" in line else split_cells(line)
        tokens += [(c.strip(), i, j) for j, c in enumerate(cells) if c.strip()]
    return tokens


def _label_at(tokens: list, i: int) -> tuple[str | None, int]:
    """The block label starting at token i (also when wrapped over 2-3 tokens) and its end."""
    for count in (1, 2, 3):
        if i + count > len(tokens):
            break
        text = norm("".join(t for t, _, _ in tokens[i:i + count]))
        if text in _BLOCK_LABELS:
            return text, i + count
        if not any(label.startswith(text) for label in _BLOCK_LABELS):
            break
    return None, i


def _scan_block(lines: list[str]) -> dict:
    """Read label → value pairs (项目名称 X, 主管部门 Y, 项目资金总额 N …) into a flat dict."""
    tokens, found, i = _block_tokens(lines), {}, 0
    while i < len(tokens):
        label, j = _label_at(tokens, i)
        if label is None:
            i += 1
            continue
        values = []
        while j < len(tokens) and _label_at(tokens, j)[0] is None:
            values.append(tokens[j][0])
            j += 1
        key = _BLOCK_LABELS[label]
        if key == "budget.other" and key in found:
            key = "budget.annual_other"       # the second 其他资金 belongs to the annual sum
        if key and values and key not in found:
            single = key.startswith("budget.") or key in _SINGLE_CELL_KEYS
            found[key] = values[0] if single else join_pieces(values)
        elif key and key not in found:
            found[key] = None
        i = j
    return {k: v for k, v in found.items() if v}


def _execution_block(lines: list[str]) -> tuple[int | None, dict]:
    """The 年初预算数 / 全年预算数 / 全年执行数 block of a self-evaluation, by column."""
    start = next((i for i, line in enumerate(lines) if "年初预算数" in norm(line)), None)
    if start is None:
        return None, {}
    head = block_cells(lines[start])
    columns = {j: _EXECUTION_COLUMNS[norm(c)] for j, c in head if norm(c) in _EXECUTION_COLUMNS}
    budget = {}
    for line in lines[start + 1:]:
        cells = block_cells(line)
        label = next(((j, norm(c)) for j, c in cells if norm(c) in _EXECUTION_ROWS), None)
        if label is None:
            if any(norm(c) in GOAL_TITLES for _, c in cells):
                break
            continue
        budget.update(_execution_row(cells, label, columns, "\t" in line))
    return start, budget


def _execution_row(cells, label, columns: dict, by_position: bool) -> dict:
    """One row of the execution block; sub-rows keep only their three amounts."""
    at, name = label
    prefix = _EXECUTION_ROWS[name]
    if by_position:
        pairs = [(columns.get(j), c) for j, c in cells if j > at]
    else:   # one cell per value, in the order of the column titles
        pairs = list(zip([columns[j] for j in sorted(columns)], [c for j, c in cells if j > at]))
    keep = ("initial", "adjusted", "executed") if prefix else tuple(_EXECUTION_COLUMNS.values())
    return {prefix + key: value for key, value in pairs if key in keep and value}


def _budget_unit(lines: list[str]) -> str | None:
    """万元 when the money block says so (项目资金（万元）, 单位：万元); yuan is the default."""
    compact = norm("".join(lines))
    return "万元" if re.search(r"(?:项目资金|资金|单位)\(?万元", compact) else None
