"""One-cell-per-line layout: tables printed a cell (or a row of cells) per line, cells wrapped (PDF)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from indlint.read.text.common import (CJK, CJK_GAP_RE, COLUMN_TITLES, LEVEL_TERMS, PARAGRAPH_START_RE,
                                      SENTENCE_END, Header, Table, apply_levels, display_width,
                                      goal_title, is_goal_filler, is_level, is_page_number, is_title,
                                      join_pieces, make_row, norm, split_cells, strip_band, tidy)

_HEADER_START = ("一级指", "一级目")
_SECTION_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十\d]+[章节部分]|附件)")
#: Two goal columns printed on one line: a sentence ends, a space, the other column begins.
_SIDE_GAP_RE = re.compile(f"(?<=[。；！？])\\s+(?=[{CJK}])")


def _parse_titles(text: str) -> tuple[list[str], bool] | None:
    """Split run-together column titles; (keys, complete) or None when text is no title run."""
    keys: list[str] = []
    titles = sorted(COLUMN_TITLES, key=len, reverse=True)
    while text:
        title = next((t for t in titles if text.startswith(t)), None)
        if title is None:
            return (keys, False) if any(t.startswith(text) for t in titles) else None
        keys.append(COLUMN_TITLES[title])
        text = text[len(title):]
    return keys, True


def line_header(lines: list[str], i: int) -> Header | None:
    """A header printed one title per line, possibly wrapped (一级指 / 标 / 二级指标 三级指标 …)."""
    if not norm(lines[i]).startswith(_HEADER_START):
        return None
    text, best, j = "", None, i
    while j < len(lines):
        piece = norm(lines[j])
        if piece:
            parsed = _parse_titles(text + piece)
            if parsed is None:
                break
            text += piece
            if parsed[1]:
                best = (parsed[0], j + 1)
        j += 1
    if best is None:
        return None
    keys, end = best
    return Header(i, end, "line", tuple(enumerate(keys)))


def read_line_table(lines: list[str], header: Header, where: str) -> Table:
    """Read a table printed one cell (or one row of cells) per line, with wrapped cells."""
    items, end = _line_items(lines, header.end)
    value_keys = [k for _, k in header.columns if k not in ("l1", "l2", "name")]
    width = _name_width(items, len(value_keys))
    state = _LineState((), ("", ""), (), (), ())
    for item in items:
        state = _line_step(state, item, value_keys, width, where)
    state = _flush_fragments(state, value_keys, width, where, final=True)
    return Table(state.rows, end, None, state.messages)


@dataclass(frozen=True)
class _LineState:
    """Progress through a one-cell-per-line table."""

    rows: tuple[dict, ...]
    levels: tuple[str, str]
    pending_levels: tuple[str, ...]
    fragments: tuple[tuple[str, int], ...]   # lone cells not yet placed (text, line index)
    messages: tuple[str, ...]


def _line_items(lines: list[str], start: int) -> tuple[list[tuple[str, object, int]], int]:
    """Items of a one-cell-per-line table: ("frag", text, line) or ("cells", [..], line)."""
    items, i = [], start
    while i < len(lines):
        text = lines[i].strip()
        if not text or is_page_number(text):
            i += 1
            continue
        if _ends_line_table(text):
            break
        cells = split_cells(text)
        items.append(("frag", cells[0], i) if len(cells) == 1 else ("cells", cells, i))
        i += 1
    return _mark_levels(items), i


def _ends_line_table(text: str) -> bool:
    """A line that is no part of a one-cell-per-line table (a heading or body prose)."""
    if is_title(text) or _SECTION_RE.match(text) or "情况说明" in text:
        return True
    return " " not in text and display_width(text) > 60


def _mark_levels(items: list) -> list:
    """Turn level labels (also when wrapped: 产出指 / 标) into ("level", text, line) items."""
    out, i = [], 0
    while i < len(items):
        kind, text, line = items[i]
        if kind == "frag" and is_level(text):
            out.append(("level", text, line))
            i += 1
            continue
        joined = _wrapped_level(items, i) if kind == "frag" else None
        if joined:
            out.append(("level", joined[0], line))
            i += joined[1]
            continue
        out.append(items[i])
        i += 1
    return out


def _wrapped_level(items: list, i: int) -> tuple[str, int] | None:
    """A level label wrapped over 2-3 lone lines: known term, or a tail like 标 / 指标."""
    pieces = []
    for count, (kind, text, _) in enumerate(items[i:i + 3], start=1):
        if kind != "frag" or len(norm(text)) > 8:
            return None
        pieces.append(text)
        if count == 1:
            continue
        term = strip_band(norm("".join(pieces)))
        if term in LEVEL_TERMS or (is_level(term) and len(norm(text)) <= 2):
            return "".join(pieces), count
    return None


def _name_width(items: list, n_values: int) -> int:
    """Wrap width of the name column: the widest name cell or lone fragment."""
    widths = [display_width(text) for kind, text, _ in items if kind == "frag"]
    widths += [display_width(cells[-n_values - 1]) for kind, cells, _ in items
               if kind == "cells" and len(cells) > n_values]
    return max(widths, default=0)


def _is_full(text: str, width: int) -> bool:
    """A lone fragment as wide as its column continues on the next line."""
    return width > 0 and display_width(text) >= width - 1


def _line_step(state: _LineState, item, value_keys, width, where) -> _LineState:
    kind, payload, line = item
    if kind == "level":
        state = _flush_fragments(state, value_keys, width, where)
        return _replace(state, pending_levels=state.pending_levels + (payload,))
    state = _replace(state, levels=apply_levels(state.levels, list(state.pending_levels)),
                     pending_levels=())
    if kind == "frag":
        return _replace(state, fragments=state.fragments + ((payload, line),))
    return _cells_row(state, payload, line, value_keys, width, where)


def _cells_row(state: _LineState, cells: list[str], line: int, value_keys, width, where):
    """A line holding several cells: [levels …] name value …."""
    n_levels = next((j for j, c in enumerate(cells) if not is_level(c)), len(cells))
    labels, rest = cells[:n_levels], cells[n_levels:]
    state = _flush_fragments(state, value_keys, width, where, keep_wrapped=True)
    prefix = [text for text, _ in state.fragments]
    state = _replace(state, fragments=(), levels=apply_levels(state.levels, labels))
    if not rest:
        return state
    n_values = min(len(value_keys), len(rest) - 1)
    name = join_pieces(prefix + rest[:len(rest) - n_values])
    values = dict(zip(value_keys, rest[len(rest) - n_values:]))
    values.update({k: "" for k in value_keys[n_values:]})
    return _replace(state, rows=state.rows + (make_row(state.levels, name, values),))


def _flush_fragments(state: _LineState, value_keys, width, where, keep_wrapped=False,
                     final=False) -> _LineState:
    """Turn lone fragments into rows: a name (wrapped while full width) then its values."""
    frags, rows, messages = list(state.fragments), list(state.rows), list(state.messages)
    i = 0
    while i < len(frags):
        start = i
        i += 1
        while i < len(frags) and _is_full(frags[i - 1][0], width):
            i += 1
        values = frags[i:i + len(value_keys)]
        if len(values) < len(value_keys):
            left = frags[start:]
            if keep_wrapped and not values and _is_full(left[-1][0], width):
                return _replace(state, rows=tuple(rows), messages=tuple(messages),
                                fragments=tuple(left))
            name = join_pieces([t for t, _ in frags[start:i]])
            vals = {k: (values[n][0] if n < len(values) else "") for n, k in enumerate(value_keys)}
            rows.append(make_row(state.levels, name, vals))
            tail = "，表格可能被截断" if final else ""
            messages.append(f"{where}第 {frags[start][1] + 1} 行：指标“{tidy(name)}”缺少指标值{tail}")
            break
        i += len(values)
        name = join_pieces([t for t, _ in frags[start:i - len(values)]])
        rows.append(make_row(state.levels, name, dict(zip(value_keys, (t for t, _ in values)))))
    return _replace(state, rows=tuple(rows), messages=tuple(messages), fragments=())


def _replace(state: _LineState, **changes) -> _LineState:
    return _LineState(**{**state.__dict__, **changes})


def line_goals(lines: list[str], where: str) -> tuple[dict, list[str]]:
    """Goal texts printed line by line; two columns side by side are told apart by width."""
    titles, current, segments = [], None, {}
    for line in lines:
        key = goal_title(line)
        if key:
            titles.append(key)
            current = key
        elif current and not is_goal_filler(line):
            segments.setdefault(current, []).append(line.strip())
    if "overall_goal" in titles and "goal" in titles and "overall_goal" not in segments:
        return _split_goal_columns(segments.get("goal", []), where)
    return {k: _line_paragraphs(v) for k, v in segments.items() if v}, []


def _split_goal_columns(lines: list[str], where: str) -> tuple[dict, list[str]]:
    """Split the lines of 项目总目标 and 年度总体目标 printed one after the other (or side by side)."""
    if not lines:
        return {}, []
    if any(_SIDE_GAP_RE.search(line) for line in lines):
        return _side_by_side(lines), []
    k = _column_break(lines)
    if k is None:
        return ({"goal": _line_paragraphs(lines)},
                [f"{where}无法区分项目总目标与年度总体目标的文字，已全部作为年度总体目标"])
    return {"overall_goal": _line_paragraphs(lines[:k]), "goal": _line_paragraphs(lines[k:])}, []


def _side_by_side(lines: list[str]) -> dict:
    """Two goal columns on the same lines, separated by a space between Chinese text."""
    left, right = [], []
    for line in lines:
        parts = CJK_GAP_RE.split(line.strip(), maxsplit=1)
        if len(parts) == 2:
            left.append(parts[0])
            right.append(parts[1])
        elif right and not right[-1].endswith(SENTENCE_END):
            right.append(parts[0])
        elif left and not left[-1].endswith(SENTENCE_END):
            left.append(parts[0])
        else:
            right.append(parts[0])
    return {"overall_goal": _line_paragraphs(left), "goal": _line_paragraphs(right)}


def _column_break(lines: list[str]) -> int | None:
    """Where the first column's text ends: the split that makes wrapped lines fit their column.

    Wrapped lines (those not ending a sentence) of one column all reach that column's width,
    so the best split leaves every wrapped line close to the widest line of its column.
    """
    def cost(part: list[str]) -> int:
        widest = max(display_width(x) for x in part)
        return sum(widest - display_width(x) for x in part[:-1] if not x.endswith(SENTENCE_END))

    candidates = [k for k in range(1, len(lines)) if lines[k - 1].endswith(SENTENCE_END)]
    if not candidates:
        return None
    best = min(candidates, key=lambda k: (cost(lines[:k]) + cost(lines[k:]), k))
    if cost(lines[:best]) + cost(lines[best:]) >= cost(lines):
        return None
    return best


def _line_paragraphs(lines: list[str]) -> str:
    """Join wrapped lines; a numbered line (1、 2. （3）) starts a new paragraph."""
    paragraphs: list[list[str]] = []
    for line in lines:
        if not paragraphs or PARAGRAPH_START_RE.match(line):
            paragraphs.append([])
        paragraphs[-1].append(line)
    return "\n".join(join_pieces(p) for p in paragraphs)
