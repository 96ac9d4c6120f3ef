"""Level corrections for imported tables: load them, check them, apply those that fit."""
from __future__ import annotations

import re
from pathlib import Path

from indlint.core import safeio

def load_corrections(path: Path) -> dict:
    """Load a corrections file ({file name: [correction, …]}); raise ValueError when malformed."""
    try:
        doc = safeio.read_yaml(path, "corrections", max_nodes=500_000)
    except safeio.InputError as err:
        raise ValueError(f"无法读取更正文件 {err}") from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise ValueError(f"更正文件 {path} 的顶层应为映射（文件名 → 更正列表）")
    for name, entries in doc.items():
        if not isinstance(entries, list):
            raise ValueError(f"更正文件 {path}：{name} 下应为列表")
        for entry in entries:
            check_correction(entry, f"{path}：{name}")
    return doc


_CORRECTABLE = frozenset({"l1", "l2"})


def check_correction(entry, where: str) -> None:
    if not isinstance(entry, dict):
        raise ValueError(f"{where}：每条更正应为映射")
    missing = {"form", "rows", "set", "reason"} - set(entry)
    if missing:
        raise ValueError(f"{where}：更正缺少字段 {', '.join(sorted(missing))}")
    if not isinstance(entry["form"], int) or entry["form"] < 0:
        raise ValueError(f"{where}：form 应为从 0 起的表序号")
    _row_range(entry["rows"], where)
    fields = entry["set"]
    if not isinstance(fields, dict) or not fields or set(fields) - _CORRECTABLE:
        raise ValueError(f"{where}：set 只能修改 {', '.join(sorted(_CORRECTABLE))}")
    if not isinstance(entry["reason"], str) or not entry["reason"].strip():
        raise ValueError(f"{where}：每条更正都要写明 reason")


def _row_range(rows, where: str) -> tuple[int, int]:
    """Rows as 1-based inclusive (first, last): 7, "3-5" or [3, 5]."""
    if isinstance(rows, int) and rows >= 1:
        return rows, rows
    if isinstance(rows, str) and re.fullmatch(r"\s*\d+\s*-\s*\d+\s*", rows):
        first, last = (int(x) for x in rows.split("-"))
    elif isinstance(rows, list) and len(rows) == 2 and all(isinstance(x, int) for x in rows):
        first, last = rows
    else:
        raise ValueError(f"{where}：rows 应为行号、\"首-末\" 或 [首, 末]")
    if not 1 <= first <= last:
        raise ValueError(f"{where}：rows 范围无效：{rows}")
    return first, last


def apply_corrections(forms: list[dict], entries: list, source: str) -> tuple[list[dict], list[str]]:
    """Apply level corrections; an entry that does not fit the table is reported, not applied."""
    forms = [dict(f, indicators=[dict(r) for r in f["indicators"]]) for f in forms]
    messages = []
    for entry in entries:
        problem = _correction_problem(forms, entry)
        if problem:
            where = f"表 {entry.get('form')} 第 {entry.get('rows')} 行"
            messages.append(f"{source}：更正未生效（{where}）：{problem}")
            continue
        first, last = _row_range(entry["rows"], source)
        for row in forms[entry["form"]]["indicators"][first - 1:last]:
            row.update(entry["set"])
    return forms, messages


def _correction_problem(forms: list[dict], entry) -> str | None:
    try:
        check_correction(entry, "")
        first, last = _row_range(entry["rows"], "")
    except ValueError as err:
        return str(err).lstrip("：")
    if entry["form"] >= len(forms):
        return f"文件中只有 {len(forms)} 张表"
    rows = forms[entry["form"]]["indicators"]
    if last > len(rows):
        return f"该表只有 {len(rows)} 行"
    expected = entry.get("first")
    if expected and rows[first - 1]["name"] != expected:
        return f"首行应为“{expected}”，实际为“{rows[first - 1]['name']}”"
    return None
