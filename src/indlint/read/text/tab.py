"""Tab layout: tables whose cells are separated by tabs, one text line per table row (Word copies)."""
from __future__ import annotations

import re

from indlint.read.text.common import (SENTENCE_END, TOTAL_LABELS, Header, Table, apply_levels,
                                      block_cells, goal_title, is_goal_filler, is_level, is_page_number,
                                      is_title, make_row, norm, tidy, title_key)

def tab_header(lines: list[str], i: int) -> Header | None:
    """The header of a tab table at line i (a name and a level column), or None."""
    cells = lines[i].split("\t")
    columns = tuple((j, key) for j, cell in enumerate(cells) if (key := title_key(cell)))
    keys = {key for _, key in columns}
    if "name" in keys and keys & {"l1", "l2"}:
        return Header(i, i + 1, "tab", columns)
    return None


def read_tab_table(lines: list[str], header: Header, where: str) -> Table:
    """Read a table whose cells are separated by tabs (one text line per table row)."""
    rows, messages, levels, total = [], [], ("", ""), None
    i = header.end
    while i < len(lines):
        step = _tab_line(lines, i, header)
        if step == "stop":
            break
        if step == "row":
            kind, payload = _tab_row([c.strip() for c in lines[i].split("\t")], header, levels)
            if kind == "total":
                total, i = payload, i + 1
                break
            if kind == "levels":
                levels = payload
            else:
                levels, row, extra = payload
                rows.append(row)
                if extra:
                    messages.append(f"{where}第 {i + 1} 行：多出的单元格未能归入任何列：{'、'.join(extra)}")
        i += 1
    return Table(tuple(rows), i, total, tuple(messages))


def _tab_line(lines: list[str], i: int, header: Header) -> str:
    """What a line is inside a tab table: "skip", "stop" (the table ended) or "row"."""
    line = lines[i]
    # A tab table row always holds a tab, so a bare number here is a page number.
    if not line.strip() or is_page_number(line) or re.fullmatch(r"\s*\d{1,3}\s*", line):
        return "skip"
    if "\t" not in line or is_title(line):
        return "stop"
    repeat = tab_header(lines, i)
    if repeat is not None:
        # The same header printed again after a page break is skipped; another header
        # (a scoring rubric right below the form) ends the table.
        return "skip" if repeat.keys == header.keys else "stop"
    return "row"


def _tab_row(cells: list[str], header: Header, levels: tuple[str, str]):
    """Classify one tab-separated line: ("levels", …), ("total", …) or ("row", …)."""
    filled = [(j, c) for j, c in enumerate(cells) if c]
    name_at = next((j for j, c in filled if not is_level(c)), None)
    labels = [c for j, c in filled if name_at is None or j < name_at]
    levels = apply_levels(levels, labels)
    if name_at is None:
        return "levels", levels
    if norm(cells[name_at]) in TOTAL_LABELS:
        numbers = [c for j, c in filled if j > name_at]
        return "total", (numbers[-1] if numbers else None)
    values, used = _tab_values(cells, name_at, header)
    extra = [c for j, c in filled if j > name_at and j not in used]
    return "row", (levels, make_row(levels, cells[name_at], values), extra)


def _tab_values(cells: list[str], name_at: int, header: Header) -> tuple[dict, set]:
    """Values right of the name, by the header's offsets; re-aligned when the row is shifted.

    Extraction sometimes inserts an empty cell between the name and the target (the row
    is then wider than the header): the target is looked for in the extra cells too.
    """
    offsets = header.value_columns
    slack = max(0, len(cells) - 1 - name_at - max((o for o, _ in offsets), default=0))
    target_at = dict((k, o) for o, k in offsets).get("target")
    shift = 0
    if target_at is not None:
        for step in range(slack + 1):
            at = name_at + target_at + step
            if at < len(cells) and cells[at]:
                shift = step
                break
    values, used = {}, set()
    for offset, key in offsets:
        at = name_at + offset + shift
        values[key] = cells[at] if at < len(cells) else ""
        used.add(at)
    return values, used


def tab_goals(lines: list[str]) -> dict:
    """Goal texts of a tab layout: each text cell goes to the goal column at or left of it."""
    columns: dict[int, str] = {}
    chunks: dict[str, list[list[str]]] = {}
    for line in lines:
        for j, cell in block_cells(line):
            key = goal_title(cell)
            if key:
                columns[j] = key
            elif cell and not is_goal_filler(cell) and columns:
                at = max((c for c in columns if c <= j), default=min(columns))
                chunks.setdefault(columns[at], []).append(_paragraphs(cell))
    return {key: _merge_paragraphs(parts) for key, parts in chunks.items()}


def _paragraphs(text: str) -> list[str]:
    """Paragraphs of a cell: <p>…</p> blocks, or the text itself; other tags dropped."""
    found = re.findall(r"<p[^>]*>(.*?)</p>", text, flags=re.S)
    parts = found if found else [text]
    return [p for p in (tidy(re.sub(r"<[^>]+>", " ", p)) for p in parts) if p]


def _merge_paragraphs(chunks: list[list[str]]) -> str:
    """Join the paragraphs of consecutive chunks; a chunk cut mid-sentence continues."""
    paragraphs: list[str] = []
    for chunk in chunks:
        for n, para in enumerate(chunk):
            if n == 0 and paragraphs and not paragraphs[-1].endswith(SENTENCE_END):
                paragraphs[-1] += para
            else:
                paragraphs.append(para)
    return "\n".join(paragraphs)
