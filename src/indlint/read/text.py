"""Import 申报表 / 自评表 indicator tables from text extracted from PDF or Word into declaration forms."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

# ---------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """The forms read from one text file and what could not be placed (Chinese messages)."""

    forms: tuple[dict, ...]
    messages: tuple[str, ...]
    source: str = ""


def import_text(path: Path, corrections: dict | None = None) -> ImportResult:
    """Read every indicator table of a text file; never raise for a bad input file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        return ImportResult((), (f"{path.name}：无法读取文件（{err.strerror or err}）",), path.name)
    text, problem = _decode(data)
    if problem:
        return ImportResult((), (f"{path.name}：{problem}",), path.name)
    forms, messages = _read_document(text.splitlines(), path.name)
    file_corrections = (corrections or {}).get(path.name) or []
    forms, more = _apply_corrections(forms, file_corrections, path.name)
    return ImportResult(tuple(forms), tuple(messages + more), path.name)


def load_corrections(path: Path) -> dict:
    """Load a corrections file ({file name: [correction, …]}); raise ValueError when malformed."""
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise ValueError(f"无法读取更正文件 {path}：{err}") from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise ValueError(f"更正文件 {path} 的顶层应为映射（文件名 → 更正列表）")
    for name, entries in doc.items():
        if not isinstance(entries, list):
            raise ValueError(f"更正文件 {path}：{name} 下应为列表")
        for entry in entries:
            _check_correction(entry, f"{path}：{name}")
    return doc


def to_yaml(result: ImportResult) -> str:
    """Return the forms as deterministic declaration YAML (formats.md §1)."""
    source = result.source or next((f.get("source") for f in result.forms if f.get("source")), "")
    head = (f"# source document: {source or '(unknown)'} — written by indlint.importers.text; "
            "regenerate it rather than editing by hand\n")
    forms = [_quoted_form(f) for f in result.forms]
    doc = forms[0] if len(forms) == 1 else {"forms": forms}
    body = yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=1_000_000, indent=2)
    return head + body


# ---------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------

_L1_TERMS = frozenset({"产出指标", "效益指标", "满意度指标", "效果指标", "项目效益指标"})
_L2_TERMS = frozenset({"数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标",
                       "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标",
                       "经济成本指标", "社会成本指标", "生态环境成本指标"})
#: The merged cell on the far left of the indicator block; it is no level of any row.
_OUTER_LABELS = frozenset({"绩效指标", "项目绩效指标"})
_LEVEL_TERMS = _L1_TERMS | _L2_TERMS | _OUTER_LABELS
_TOTAL_LABELS = frozenset({"总分", "合计", "总计"})

#: Column titles of the indicator table (normalised: NFKC, no white space) → row key.
_COLUMN_TITLES = {
    "一级指标": "l1", "一级目标": "l1", "二级指标": "l2", "二级目标": "l2",
    "三级指标": "name", "三级目标": "name", "指标名称": "name",
    "年度指标值": "target", "年度(/项目)指标值": "target", "指标值": "target", "目标值": "target",
    "年度目标值": "target", "预期指标值": "target",
    "实际完成值": "actual", "实际值": "actual", "完成值": "actual",
    "分值": "score_max", "权重": "score_max", "得分": "score",
    "指标值设定依据": "basis", "目标值依据": "basis", "指标值依据": "basis",
    "偏差原因分析及改进措施": "deviation", "偏差原因": "deviation", "未完成原因分析": "deviation",
    "指标性质": "nature", "度量单位": "unit", "计量单位": "unit", "指标解释": "explanation",
    "指标方向性": "direction", "评(扣)分标准": "scoring",
}
_HEADER_START = ("一级指", "一级目")

#: Row keys in output order (the order of formats.md and indlint.model.ROW_FIELDS).
_ROW_ORDER = ("l1", "l2", "name", "nature", "target", "unit", "actual", "score_max", "score",
              "basis", "deviation", "explanation", "direction", "scoring")
#: Row values that are free prose: wrap spaces between Chinese characters are removed.
_PROSE_KEYS = frozenset({"l1", "l2", "name", "basis", "deviation", "explanation", "scoring"})
#: Values kept in double quotes in the YAML so that every reader sees a string.
_QUOTED_KEYS = frozenset({"target", "actual", "score_max", "score", "total_score"})

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
#: Goal titles → form key.
_GOAL_TITLES = {"项目总目标": "overall_goal", "年度总体目标": "goal", "年度总目标": "goal",
                "预期目标": "goal", "实际完成情况": "goal_result"}

_FORM_ORDER = ("kind", "project", "year", "department", "implementer", "source", "start_date",
               "end_date", "overall_goal", "goal", "goal_result", "budget_unit", "budget",
               "total_score", "indicators")

_TITLE_RE = re.compile(r"绩效目标(?:申报|填报)?表|绩效自评表")
_YEAR_RE = re.compile(r"[（(]\s*(\d{4})\s*年度\s*[)）]")
_PERIOD_RE = re.compile(r"^[（(]\s*\d{4}\s*年?\s*[-—–~至]\s*\d{4}\s*年?\s*[)）]$")
#: Page numbers: "2 / 10", "- 3 -", "第 4 页". A bare number is no page number: in a
#: one-cell-per-line table it can be a target (安全事故发生数 / 0).
_PAGE_RE = re.compile(r"^(?:\d+\s*/\s*\d+|[-—]\s*\d{1,3}\s*[-—]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?)$")
_SECTION_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十\d]+[章节部分]|附件)")
_PARAGRAPH_START_RE = re.compile(r"^(?:\d+[、.．]|[（(]\d+[)）]|[一二三四五六七八九十]+、)")
_SENTENCE_END = ("。", "！", "？", "；", ".", "!", "?", ";")
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u2018-\u201d"
_CJK_GAP_RE = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")
#: Two goal columns printed on one line: a sentence ends, a space, the other column begins.
_SIDE_GAP_RE = re.compile(f"(?<=[。；！？])\\s+(?=[{_CJK}])")
_UNIT_TAIL_RE = re.compile(r"[^\d\s=<>≥≤≧≦]{1,3}")


# ---------------------------------------------------------------------------------------
# Small text helpers
# ---------------------------------------------------------------------------------------


def _norm(text: str) -> str:
    """NFKC, no white space, no colons: the spelling used to compare labels and titles."""
    return re.sub(r"[\s:：]", "", unicodedata.normalize("NFKC", text))


def _tidy(text: str) -> str:
    """Strip a cell and remove the spaces that wrapping left between Chinese characters."""
    return _CJK_GAP_RE.sub("", re.sub(r"\s+", " ", text.strip()))


def _width(text: str) -> int:
    """Display width: 2 for a Chinese (wide) character, 1 otherwise."""
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in text)


def _join_pieces(pieces: list[str]) -> str:
    """Join the lines of one wrapped cell: no space where Chinese text was cut."""
    out = ""
    for piece in (p.strip() for p in pieces):
        if out and piece and not (re.search(f"[{_CJK}]$", out) or re.match(f"[{_CJK}]", piece)):
            out += " "
        out += piece
    return out


def _strip_band(term: str) -> str:
    """Drop a score band such as (50分) or (0-20)分 from a level label."""
    return re.sub(r"[（(]?[\d.\-~～]+\s*分?\s*[)）]?\s*分?$", "", term)


def _is_level(text: str) -> bool:
    """True when a cell is a level label (一级/二级指标 value or the outer 绩效指标 label)."""
    term = _strip_band(_norm(text))
    if term in _LEVEL_TERMS:
        return True
    return bool(re.fullmatch(r".{1,10}指标等?", term)) and term[:2] not in ("一级", "二级", "三级")


def _is_outer(text: str) -> bool:
    return _norm(text) in _OUTER_LABELS


def _level_slot(term: str) -> str:
    """Where a level label printed alone belongs: l1 only for a term that is never an l2."""
    t = _strip_band(_norm(term))
    return "l1" if t in _L1_TERMS and t not in _L2_TERMS else "l2"


def _apply_levels(levels: tuple[str, str], labels: list[str]) -> tuple[str, str]:
    """Return (l1, l2) after the level labels printed on or just before a row."""
    labels = [_tidy(x) for x in labels if not _is_outer(x)]
    if len(labels) >= 2:
        return labels[-2], labels[-1]
    if not labels:
        return levels
    if _level_slot(labels[0]) == "l1":
        return labels[0], ""
    return levels[0], labels[0]


def _is_title(text: str) -> bool:
    """A form title line (…绩效目标申报表 / 填报表 / 绩效自评表), not a sentence that names one."""
    compact = _norm(text)
    return bool(_TITLE_RE.search(compact)) and len(compact) <= 40 and not re.search(r"[，。；]", text)


def _kind_of(title: str) -> str:
    return "self-evaluation" if "自评" in title else "declaration"


def _is_page_number(text: str) -> bool:
    return bool(_PAGE_RE.match(text.strip()))


def _split_cells(line: str) -> list[str]:
    """Cells of a one-line-per-row text line: split on spaces, keeping `=3 次` together."""
    cells: list[str] = []
    for part in line.split():
        if cells and re.search(r"\d$", cells[-1]) and _UNIT_TAIL_RE.fullmatch(part):
            cells[-1] += " " + part
        else:
            cells.append(part)
    return cells


# ---------------------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    """Return (text, problem); problem is a Chinese message when the bytes are no text."""
    if not data.strip():
        return "", "文件为空，没有可导入的内容"
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        return "", "不是文本文件（含 NUL 字节），无法导入"
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\r\n\f")
        if controls > max(2, len(text) // 100):
            return "", "不是文本文件（含大量控制字符），无法导入"
        return text, ""
    return "", "无法识别文件编码（既不是 UTF-8 也不是 GB18030），无法导入"


# ---------------------------------------------------------------------------------------
# Headers
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Header:
    """The column-title row of an indicator table."""

    start: int                               # index of its first line
    end: int                                 # index of the line after it
    layout: str                              # "tab" (cells split by tabs) or "line"
    columns: tuple[tuple[int, str], ...]     # (cell index, row key); line layout: order

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(key for _, key in self.columns)

    @property
    def is_form(self) -> bool:
        """A table of indicators, not a scoring rubric (分值 / 自评 without 指标值)."""
        return "target" in self.keys and "name" in self.keys

    @property
    def value_columns(self) -> tuple[tuple[int, str], ...]:
        """(offset from the name cell, key) for every column right of the name."""
        name_at = dict((k, i) for i, k in self.columns)["name"]
        return tuple((i - name_at, k) for i, k in self.columns if i > name_at)


def _title_key(cell: str) -> str | None:
    """Row key of a column title, or None; a trailing (%) or (分) is ignored."""
    title = _norm(cell)
    if title in _COLUMN_TITLES:
        return _COLUMN_TITLES[title]
    return _COLUMN_TITLES.get(re.sub(r"\([^()]*\)$", "", title))


def _tab_header(lines: list[str], i: int) -> _Header | None:
    cells = lines[i].split("\t")
    columns = tuple((j, key) for j, cell in enumerate(cells) if (key := _title_key(cell)))
    keys = {key for _, key in columns}
    if "name" in keys and keys & {"l1", "l2"}:
        return _Header(i, i + 1, "tab", columns)
    return None


def _parse_titles(text: str) -> tuple[list[str], bool] | None:
    """Split run-together column titles; (keys, complete) or None when text is no title run."""
    keys: list[str] = []
    titles = sorted(_COLUMN_TITLES, key=len, reverse=True)
    while text:
        title = next((t for t in titles if text.startswith(t)), None)
        if title is None:
            return (keys, False) if any(t.startswith(text) for t in titles) else None
        keys.append(_COLUMN_TITLES[title])
        text = text[len(title):]
    return keys, True


def _line_header(lines: list[str], i: int) -> _Header | None:
    """A header printed one title per line, possibly wrapped (一级指 / 标 / 二级指标 三级指标 …)."""
    if not _norm(lines[i]).startswith(_HEADER_START):
        return None
    text, best, j = "", None, i
    while j < len(lines):
        piece = _norm(lines[j])
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
    return _Header(i, end, "line", tuple(enumerate(keys)))


def _header_at(lines: list[str], i: int) -> _Header | None:
    if "\t" in lines[i]:
        return _tab_header(lines, i)
    return _line_header(lines, i)


def _find_header(lines: list[str], start: int) -> _Header | None:
    for i in range(start, len(lines)):
        if (header := _header_at(lines, i)) is not None:
            return header
    return None


# ---------------------------------------------------------------------------------------
# Indicator rows
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Table:
    """Rows read from one indicator table, where it ended and what could not be placed."""

    rows: tuple[dict, ...]
    end: int
    total_score: str | None
    messages: tuple[str, ...]


def _make_row(levels: tuple[str, str], name: str, values: dict[str, str]) -> dict:
    row = {"l1": levels[0], "l2": levels[1], "name": _tidy(name)}
    for key, value in values.items():
        row[key] = _tidy(value) if key in _PROSE_KEYS else value.strip()
    return row


def _read_tab_table(lines: list[str], header: _Header, where: str) -> _Table:
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
    return _Table(tuple(rows), i, total, tuple(messages))


def _tab_line(lines: list[str], i: int, header: _Header) -> str:
    """What a line is inside a tab table: "skip", "stop" (the table ended) or "row"."""
    line = lines[i]
    # A tab table row always holds a tab, so a bare number here is a page number.
    if not line.strip() or _is_page_number(line) or re.fullmatch(r"\s*\d{1,3}\s*", line):
        return "skip"
    if "\t" not in line or _is_title(line):
        return "stop"
    repeat = _tab_header(lines, i)
    if repeat is not None:
        # The same header printed again after a page break is skipped; another header
        # (a scoring rubric right below the form) ends the table.
        return "skip" if repeat.keys == header.keys else "stop"
    return "row"


def _tab_row(cells: list[str], header: _Header, levels: tuple[str, str]):
    """Classify one tab-separated line: ("levels", …), ("total", …) or ("row", …)."""
    filled = [(j, c) for j, c in enumerate(cells) if c]
    name_at = next((j for j, c in filled if not _is_level(c)), None)
    labels = [c for j, c in filled if name_at is None or j < name_at]
    levels = _apply_levels(levels, labels)
    if name_at is None:
        return "levels", levels
    if _norm(cells[name_at]) in _TOTAL_LABELS:
        numbers = [c for j, c in filled if j > name_at]
        return "total", (numbers[-1] if numbers else None)
    values, used = _tab_values(cells, name_at, header)
    extra = [c for j, c in filled if j > name_at and j not in used]
    return "row", (levels, _make_row(levels, cells[name_at], values), extra)


def _tab_values(cells: list[str], name_at: int, header: _Header) -> tuple[dict, set]:
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


def _line_items(lines: list[str], start: int) -> tuple[list[tuple[str, object, int]], int]:
    """Items of a one-cell-per-line table: ("frag", text, line) or ("cells", [..], line)."""
    items, i = [], start
    while i < len(lines):
        text = lines[i].strip()
        if not text or _is_page_number(text):
            i += 1
            continue
        if _ends_line_table(text):
            break
        cells = _split_cells(text)
        items.append(("frag", cells[0], i) if len(cells) == 1 else ("cells", cells, i))
        i += 1
    return _mark_levels(items), i


def _ends_line_table(text: str) -> bool:
    """A line that is no part of a one-cell-per-line table (a heading or body prose)."""
    if _is_title(text) or _SECTION_RE.match(text) or "情况说明" in text:
        return True
    return " " not in text and _width(text) > 60


def _mark_levels(items: list) -> list:
    """Turn level labels (also when wrapped: 产出指 / 标) into ("level", text, line) items."""
    out, i = [], 0
    while i < len(items):
        kind, text, line = items[i]
        if kind == "frag" and _is_level(text):
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
        if kind != "frag" or len(_norm(text)) > 8:
            return None
        pieces.append(text)
        if count == 1:
            continue
        term = _strip_band(_norm("".join(pieces)))
        if term in _LEVEL_TERMS or (_is_level(term) and len(_norm(text)) <= 2):
            return "".join(pieces), count
    return None


def _read_line_table(lines: list[str], header: _Header, where: str) -> _Table:
    """Read a table printed one cell (or one row of cells) per line, with wrapped cells."""
    items, end = _line_items(lines, header.end)
    value_keys = [k for _, k in header.columns if k not in ("l1", "l2", "name")]
    width = _name_width(items, len(value_keys))
    state = _LineState((), ("", ""), (), (), ())
    for item in items:
        state = _line_step(state, item, value_keys, width, where)
    state = _flush_fragments(state, value_keys, width, where, final=True)
    return _Table(state.rows, end, None, state.messages)


@dataclass(frozen=True)
class _LineState:
    """Progress through a one-cell-per-line table."""

    rows: tuple[dict, ...]
    levels: tuple[str, str]
    pending_levels: tuple[str, ...]
    fragments: tuple[tuple[str, int], ...]   # lone cells not yet placed (text, line index)
    messages: tuple[str, ...]


def _name_width(items: list, n_values: int) -> int:
    """Wrap width of the name column: the widest name cell or lone fragment."""
    widths = [_width(text) for kind, text, _ in items if kind == "frag"]
    widths += [_width(cells[-n_values - 1]) for kind, cells, _ in items
               if kind == "cells" and len(cells) > n_values]
    return max(widths, default=0)


def _is_full(text: str, width: int) -> bool:
    """A lone fragment as wide as its column continues on the next line."""
    return width > 0 and _width(text) >= width - 1


def _line_step(state: _LineState, item, value_keys, width, where) -> _LineState:
    kind, payload, line = item
    if kind == "level":
        state = _flush_fragments(state, value_keys, width, where)
        return _replace(state, pending_levels=state.pending_levels + (payload,))
    state = _replace(state, levels=_apply_levels(state.levels, list(state.pending_levels)),
                     pending_levels=())
    if kind == "frag":
        return _replace(state, fragments=state.fragments + ((payload, line),))
    return _cells_row(state, payload, line, value_keys, width, where)


def _cells_row(state: _LineState, cells: list[str], line: int, value_keys, width, where):
    """A line holding several cells: [levels …] name value …."""
    n_levels = next((j for j, c in enumerate(cells) if not _is_level(c)), len(cells))
    labels, rest = cells[:n_levels], cells[n_levels:]
    state = _flush_fragments(state, value_keys, width, where, keep_wrapped=True)
    prefix = [text for text, _ in state.fragments]
    state = _replace(state, fragments=(), levels=_apply_levels(state.levels, labels))
    if not rest:
        return state
    n_values = min(len(value_keys), len(rest) - 1)
    name = _join_pieces(prefix + rest[:len(rest) - n_values])
    values = dict(zip(value_keys, rest[len(rest) - n_values:]))
    values.update({k: "" for k in value_keys[n_values:]})
    return _replace(state, rows=state.rows + (_make_row(state.levels, name, values),))


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
            name = _join_pieces([t for t, _ in frags[start:i]])
            vals = {k: (values[n][0] if n < len(values) else "") for n, k in enumerate(value_keys)}
            rows.append(_make_row(state.levels, name, vals))
            tail = "，表格可能被截断" if final else ""
            messages.append(f"{where}第 {frags[start][1] + 1} 行：指标“{_tidy(name)}”缺少指标值{tail}")
            break
        i += len(values)
        name = _join_pieces([t for t, _ in frags[start:i - len(values)]])
        rows.append(_make_row(state.levels, name, dict(zip(value_keys, (t for t, _ in values)))))
    return _replace(state, rows=tuple(rows), messages=tuple(messages), fragments=())


def _replace(state: _LineState, **changes) -> _LineState:
    return _LineState(**{**state.__dict__, **changes})


def _backfill_levels(rows: tuple[dict, ...]) -> tuple[dict, ...]:
    """Give leading rows with no level the first level printed below them.

    A merged level cell is printed at its vertical middle, so the first rows of a table
    can come before any level label; they belong to the first label that follows.
    """
    rows = [dict(r) for r in rows]
    for key in ("l1", "l2"):
        first = next((r[key] for r in rows if r[key]), "")
        for row in rows:
            if row[key]:
                break
            row[key] = first
    return tuple(rows)


# ---------------------------------------------------------------------------------------
# Project block: names, dates, money and goals above the indicator table
# ---------------------------------------------------------------------------------------


def _block_tokens(lines: list[str]) -> list[tuple[str, int, int]]:
    """(text, line index, cell index) of every non-empty cell in the block."""
    tokens = []
    for i, line in enumerate(lines):
        cells = line.split("\t") if "\t" in line else _split_cells(line)
        tokens += [(c.strip(), i, j) for j, c in enumerate(cells) if c.strip()]
    return tokens


def _label_at(tokens: list, i: int) -> tuple[str | None, int]:
    """The block label starting at token i (also when wrapped over 2-3 tokens) and its end."""
    for count in (1, 2, 3):
        if i + count > len(tokens):
            break
        text = _norm("".join(t for t, _, _ in tokens[i:i + count]))
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
            found[key] = values[0] if single else _join_pieces(values)
        elif key and key not in found:
            found[key] = None
        i = j
    return {k: v for k, v in found.items() if v}


def _execution_block(lines: list[str]) -> tuple[int | None, dict]:
    """The 年初预算数 / 全年预算数 / 全年执行数 block of a self-evaluation, by column."""
    start = next((i for i, line in enumerate(lines) if "年初预算数" in _norm(line)), None)
    if start is None:
        return None, {}
    head = _block_cells(lines[start])
    columns = {j: _EXECUTION_COLUMNS[_norm(c)] for j, c in head if _norm(c) in _EXECUTION_COLUMNS}
    budget = {}
    for line in lines[start + 1:]:
        cells = _block_cells(line)
        label = next(((j, _norm(c)) for j, c in cells if _norm(c) in _EXECUTION_ROWS), None)
        if label is None:
            if any(_norm(c) in _GOAL_TITLES for _, c in cells):
                break
            continue
        budget.update(_execution_row(cells, label, columns, "\t" in line))
    return start, budget


def _block_cells(line: str) -> list[tuple[int, str]]:
    cells = line.split("\t") if "\t" in line else _split_cells(line)
    return [(j, c.strip()) for j, c in enumerate(cells)]


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
    compact = _norm("".join(lines))
    return "万元" if re.search(r"(?:项目资金|资金|单位)\(?万元", compact) else None


# ---- goals --------------------------------------------------------------------------------


def _goal_title(cell: str) -> str | None:
    """Form key of a goal title cell (项目总目标 (2026 年-2026 年) …), None for goal text."""
    text = _norm(cell)
    return next((key for title, key in _GOAL_TITLES.items()
                 if re.fullmatch(re.escape(title) + r"(?:\(.*\))?", text)), None)


def _is_goal_filler(text: str) -> bool:
    """Labels of the goal area: 项目绩效目标 (also cut into 项目 / 绩效 / 目标), periods."""
    t = _norm(text)
    return (not t or t in "项目绩效目标" or t in "绩效指标" or bool(_PERIOD_RE.match(t))
            or _is_page_number(text))


def _goal_lines(lines: list[str]) -> tuple[int | None, list[str]]:
    start = next((i for i, line in enumerate(lines)
                  if any(_goal_title(c) for _, c in _block_cells(line))), None)
    return start, ([] if start is None else lines[start:])


def _paragraphs(text: str) -> list[str]:
    """Paragraphs of a cell: <p>…</p> blocks, or the text itself; other tags dropped."""
    found = re.findall(r"<p[^>]*>(.*?)</p>", text, flags=re.S)
    parts = found if found else [text]
    return [p for p in (_tidy(re.sub(r"<[^>]+>", " ", p)) for p in parts) if p]


def _merge_paragraphs(chunks: list[list[str]]) -> str:
    """Join the paragraphs of consecutive chunks; a chunk cut mid-sentence continues."""
    paragraphs: list[str] = []
    for chunk in chunks:
        for n, para in enumerate(chunk):
            if n == 0 and paragraphs and not paragraphs[-1].endswith(_SENTENCE_END):
                paragraphs[-1] += para
            else:
                paragraphs.append(para)
    return "\n".join(paragraphs)


def _tab_goals(lines: list[str]) -> dict:
    """Goal texts of a tab layout: each text cell goes to the goal column at or left of it."""
    columns: dict[int, str] = {}
    chunks: dict[str, list[list[str]]] = {}
    for line in lines:
        for j, cell in _block_cells(line):
            key = _goal_title(cell)
            if key:
                columns[j] = key
            elif cell and not _is_goal_filler(cell) and columns:
                at = max((c for c in columns if c <= j), default=min(columns))
                chunks.setdefault(columns[at], []).append(_paragraphs(cell))
    return {key: _merge_paragraphs(parts) for key, parts in chunks.items()}


def _line_goals(lines: list[str], where: str) -> tuple[dict, list[str]]:
    """Goal texts printed line by line; two columns side by side are told apart by width."""
    titles, current, segments = [], None, {}
    for line in lines:
        key = _goal_title(line)
        if key:
            titles.append(key)
            current = key
        elif current and not _is_goal_filler(line):
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
        parts = _CJK_GAP_RE.split(line.strip(), maxsplit=1)
        if len(parts) == 2:
            left.append(parts[0])
            right.append(parts[1])
        elif right and not right[-1].endswith(_SENTENCE_END):
            right.append(parts[0])
        elif left and not left[-1].endswith(_SENTENCE_END):
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
        widest = max(_width(x) for x in part)
        return sum(widest - _width(x) for x in part[:-1] if not x.endswith(_SENTENCE_END))

    candidates = [k for k in range(1, len(lines)) if lines[k - 1].endswith(_SENTENCE_END)]
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
        if not paragraphs or _PARAGRAPH_START_RE.match(line):
            paragraphs.append([])
        paragraphs[-1].append(line)
    return "\n".join(_join_pieces(p) for p in paragraphs)


def _heading_goals(lines: list[str]) -> dict:
    """Goals written as report sections: 1. 总目标 / 2. 年度目标 followed by their paragraph."""
    patterns = {"overall_goal": r"(?:项目的?)?总(?:体)?目标", "goal": r"(?:项目的?)?年度(?:总体)?目标"}
    found = {}
    for key, pattern in patterns.items():
        regex = re.compile(rf"^\s*(?:\d+\s*[.、．]\s*)?{pattern}\s*$")
        at = [i for i, line in enumerate(lines) if regex.match(line)]
        if at:
            text = _section_text(lines[at[-1] + 1:])
            if text:
                found[key] = text
    return found


def _section_text(lines: list[str]) -> str:
    pieces = []
    for line in lines:
        text = line.strip()
        if not text:
            continue
        if _PARAGRAPH_START_RE.match(text) or "具体目标" in text:
            break
        pieces.append(text)
    return "\n".join(pieces)


# ---------------------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Defaults:
    """What a report states once on its cover, for tables that have no project block."""

    project: str | None
    department: str | None
    implementer: str | None
    year: int | None


def _defaults(lines: list[str]) -> _Defaults:
    def first(pattern: str) -> str | None:
        for line in lines:
            match = re.match(rf"^\s*(?:{pattern})\s*[：:]\s*(\S.*?)\s*$", line)
            if match:
                return match.group(1)
        return None

    year = next((int(m.group(1)) for line in lines if (m := _YEAR_RE.search(line))), None)
    return _Defaults(first("项目名称"), first("主管部门"), first("实施单位|项目单位"), year)


def _read_document(lines: list[str], source: str) -> tuple[list[dict], list[str]]:
    defaults = _defaults(lines)
    forms, messages, position, region_start = [], [], 0, 0
    while (header := _find_header(lines, position)) is not None:
        if not header.is_form:          # a scoring rubric (分值 / 自评): not an indicator form
            position = region_start = header.end
            continue
        where = f"{source} 表 {len(forms)}（第 {header.start + 1} 行起）："
        reader = _read_tab_table if header.layout == "tab" else _read_line_table
        table = reader(lines, header, where)
        form, notes = _build_form(lines, region_start, header, table, defaults, source, where)
        forms.append(form)
        messages += notes + list(table.messages)
        position = region_start = max(table.end, header.end)
    if not forms:
        messages.append(f"{source}：未找到绩效指标表（没有含“一级指标、三级指标、指标值”的表头），未导入任何表")
    return forms, messages


def _find_title(lines: list[str], start: int, end: int) -> tuple[int, str | None]:
    """The last form title (or 具体目标 heading) above a table: (line index, kind)."""
    for i in range(end - 1, start - 1, -1):
        if _is_title(lines[i]):
            return i, _kind_of(_norm(lines[i]))
    for i in range(end - 1, start - 1, -1):
        if "具体目标" in lines[i] and len(_norm(lines[i])) <= 20:
            return i, "declaration"
    return start, None


def _build_form(lines, region_start, header, table, defaults, source, where):
    """Assemble one form dict in formats.md order; return it with messages."""
    notes = []
    title_at, kind = _find_title(lines, region_start, header.start)
    if kind is None:
        notes.append(f"{where}未找到表名（申报表 / 自评表），按申报表处理")
        kind = "declaration"
    block = lines[title_at:header.start]
    fields, more = _block_fields(block, header.layout, where)
    notes += more
    if "project" not in fields:
        # A table with no project block of its own (a report's 具体目标 table): the
        # report states its project, department and unit once, on the cover.
        fields.setdefault("department", defaults.department)
        fields.setdefault("implementer", defaults.implementer)
    if not any(k in fields for k in ("overall_goal", "goal")):
        fields.update(_heading_goals(lines[region_start:title_at]))
    year = next((int(m.group(1)) for line in block if (m := _YEAR_RE.search(line))), defaults.year)
    project = fields.pop("project", None) or defaults.project
    if not project:
        notes.append(f"{where}未找到项目名称")
    if year is None:
        notes.append(f"{where}未找到年度")
    if not table.rows:
        notes.append(f"{where}表头之后没有读到任何指标行，表格可能被截断")
    notes += _cut_goal_notes(fields, where)
    form = {"kind": kind, "project": project or "", "year": year, "source": source, **fields}
    if table.total_score:
        form["total_score"] = table.total_score
    form["indicators"] = [_ordered_row(r) for r in _backfill_levels(table.rows)]
    return _ordered_form(form), notes


def _cut_goal_notes(fields: dict, where: str) -> list[str]:
    """Goal texts that stop mid-sentence: the source was probably cut at a page end."""
    names = {"overall_goal": "项目总目标", "goal": "年度总体目标", "goal_result": "实际完成情况"}
    return [f"{where}{zh}的文字以“{fields[key][-8:]}”结尾，原文可能在此被截断"
            for key, zh in names.items()
            if fields.get(key) and not fields[key].rstrip("”’」）)").endswith(_SENTENCE_END)]


def _block_fields(block: list[str], layout: str, where: str) -> tuple[dict, list[str]]:
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
            fields.update(_tab_goals(goal_lines))
        else:
            goals, more = _line_goals(goal_lines, where)
            fields.update(goals)
            notes += more
    unit = _budget_unit(block[:len(block) if goal_at is None else goal_at])
    if unit:
        fields["budget_unit"] = unit
    if budget:
        fields["budget"] = budget
    return fields, notes


def _ordered_row(row: dict) -> dict:
    return {k: row[k] for k in _ROW_ORDER if k in row}


def _ordered_form(form: dict) -> dict:
    always = ("kind", "project", "year", "indicators")
    out = {k: form[k] for k in _FORM_ORDER if k in always or form.get(k) is not None}
    out.update({k: v for k, v in form.items() if k not in out and v is not None})
    return out


# ---------------------------------------------------------------------------------------
# Corrections
# ---------------------------------------------------------------------------------------

_CORRECTABLE = frozenset({"l1", "l2"})


def _check_correction(entry, where: str) -> None:
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


def _apply_corrections(forms: list[dict], entries: list, source: str) -> tuple[list[dict], list[str]]:
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
        _check_correction(entry, "")
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


# ---------------------------------------------------------------------------------------
# YAML output
# ---------------------------------------------------------------------------------------


class _Quoted(str):
    """A value written in double quotes (targets, actual values, scores, amounts)."""


class _Dumper(yaml.SafeDumper):
    """Safe dumper that quotes value fields and writes multi-line text as a block."""


def _represent_str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else ('"' if not value else None)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_quoted(dumper: yaml.SafeDumper, value: _Quoted):
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"')


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Quoted, _represent_quoted)


def _quoted_form(form: dict) -> dict:
    out = {}
    for key, value in form.items():
        if key == "indicators":
            out[key] = [{k: _Quoted(v) if k in _QUOTED_KEYS else v for k, v in row.items()}
                        for row in value]
        elif key == "budget":
            out[key] = {k: _Quoted(v) for k, v in value.items()}
        elif key in _QUOTED_KEYS and isinstance(value, str):
            out[key] = _Quoted(value)
        else:
            out[key] = value
    return out
