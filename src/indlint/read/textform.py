"""Read text exported from PDF or Word (.txt) for checking: the text importer's forms, each row at its line."""
from __future__ import annotations

import os
from types import MappingProxyType

from indlint.core.model import Document, Form, Pos, Row
from indlint.read.yamlform import ReadError, decode, read_regular

#: An exported text larger than this is refused (a whole department's forms are under 2 MB).
MAX_TXT_BYTES = 16 * 1024 * 1024
NO_TABLE = "文本中没有找到申报表或自评表的指标表（应有“一级指标 二级指标 三级指标 指标值”表头）"


def read_txt(path: str) -> Document:
    """Read an exported text file as the forms ``indlint import`` would write for it."""
    from indlint.read.text.document import import_data

    try:
        data = read_regular(path, MAX_TXT_BYTES)
        text, encoding = decode(data)
    except ReadError as err:
        return Document(path, error=str(err))
    try:
        result = import_data(data, os.path.basename(path))
    except Exception as err:  # noqa: BLE001 — a reader never raises (formats.md: input.invalid)
        return Document(path, error=f"读取导出文本时出错（{type(err).__name__}）")
    if not result.forms:
        return Document(path, error=NO_TABLE, no_table=True)
    lines = text.splitlines()
    return Document(path, tuple(_form(i, f, lines) for i, f in enumerate(result.forms)),
                    encoding=encoding)


def _form(index: int, data: dict, lines: list[str]) -> Form:
    """A Form of an imported form; each row placed at the first line after the last naming it."""
    meta = {k: (None if v is None else str(v)) for k, v in data.items()
            if k not in ("indicators", "budget") and not isinstance(v, (dict, list))}
    budget = {k: (None if v is None else str(v)) for k, v in (data.get("budget") or {}).items()}
    rows, cursor = [], 0
    for n, fields in enumerate(data.get("indicators") or [], start=1):
        name = str(fields.get("name") or "")
        cursor = _line_of(lines, name, cursor)
        pos = Pos(cursor + 1, 1, location=f"第{cursor + 1}行")
        values = {k: (None if v is None else str(v)) for k, v in fields.items()}
        rows.append(Row(n, MappingProxyType(values), pos, MappingProxyType({})))
    head = rows[0].pos if rows else Pos(1, 1)
    return Form(index, MappingProxyType(meta), MappingProxyType(budget), tuple(rows), head,
                MappingProxyType({}))


def _line_of(lines: list[str], name: str, start: int) -> int:
    """The 0-based line at or after start whose text holds the name's first characters."""
    probe = "".join(name.split())[:8]
    if probe:
        for i in range(start, len(lines)):
            if probe in "".join(lines[i].split()):
                return i
    return start
