"""Shared pieces of the text importer: vocabulary, cell text helpers, the header and table records."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from indlint.read.header import TEXT_ONLY_TITLES
from indlint.read.yamlform import ROW_ALIASES
from indlint.values.comparators import load_comparators

# ---- vocabulary ---------------------------------------------------------------------------

_L1_TERMS = frozenset({"产出指标", "效益指标", "满意度指标", "效果指标", "项目效益指标"})
_L2_TERMS = frozenset({"数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标",
                       "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标",
                       "经济成本指标", "社会成本指标", "生态环境成本指标"})
#: The merged cell on the far left of the indicator block; it is no level of any row.
_OUTER_LABELS = frozenset({"绩效指标", "项目绩效指标"})
LEVEL_TERMS = _L1_TERMS | _L2_TERMS | _OUTER_LABELS
TOTAL_LABELS = frozenset({"总分", "合计", "总计"})
#: Row values that are free prose: wrap spaces between Chinese characters are removed.
_PROSE_KEYS = frozenset({"l1", "l2", "name", "basis", "deviation", "explanation", "scoring"})
#: Goal titles → form key.
GOAL_TITLES = {"项目总目标": "overall_goal", "年度总体目标": "goal", "年度总目标": "goal",
               "预期目标": "goal", "实际完成情况": "goal_result"}

_TITLE_RE = re.compile(r"绩效目标(?:申报|填报)?表|绩效自评表")
_PERIOD_RE = re.compile(r"^[（(]\s*\d{4}\s*年?\s*[-—–~至]\s*\d{4}\s*年?\s*[)）]$")
#: Page numbers: "2 / 10", "- 3 -", "第 4 页". A bare number is no page number: in a
#: one-cell-per-line table it can be a target (安全事故发生数 / 0).
_PAGE_RE = re.compile(r"^(?:\d+\s*/\s*\d+|[-—]\s*\d{1,3}\s*[-—]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?)$")
PARAGRAPH_START_RE = re.compile(r"^(?:\d+[、.．]|[（(]\d+[)）]|[一二三四五六七八九十]+、)")
SENTENCE_END = ("。", "！", "？", "；", ".", "!", "?", ";")
CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u2018-\u201d"
CJK_GAP_RE = re.compile(f"(?<=[{CJK}])\\s+(?=[{CJK}])")
_BAND_RE = re.compile(r"[（(]?[\d.\-~～]{1,20}\s{0,3}分?\s{0,3}[)）]?\s{0,3}分?$")
_UNIT_TAIL_RE = re.compile(r"[^\d\s" + load_comparators().sign_class()[1:-1] + "]{1,3}")


# ---- small text helpers ---------------------------------------------------------------------

def norm(text: str) -> str:
    """NFKC, no white space, no colons: the spelling used to compare labels and titles."""
    return re.sub(r"[\s:：]", "", unicodedata.normalize("NFKC", text))


#: Column titles (normalised: NFKC, no white space) → row key: the titles every reader
#: knows (ROW_ALIASES, which the cell-table header recognition uses) and those only
#: text exports print (一级目标 …).
COLUMN_TITLES = {**{norm(k): v for k, v in ROW_ALIASES.items()}, **TEXT_ONLY_TITLES}


def tidy(text: str) -> str:
    """Strip a cell and remove the spaces that wrapping left between Chinese characters."""
    return CJK_GAP_RE.sub("", re.sub(r"\s+", " ", text.strip()))


def display_width(text: str) -> int:
    """Display width: 2 for a Chinese (wide) character, 1 otherwise."""
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in text)


def join_pieces(pieces: list[str]) -> str:
    """Join the lines of one wrapped cell: no space where Chinese text was cut."""
    # Only the last character so far is looked at (a search anchored at $ over the text joined
    # so far was quadratic in the pieces of a long cell).
    out: list[str] = []
    cjk = re.compile(f"[{CJK}]")
    for piece in (p.strip() for p in pieces):
        if out and piece and not (cjk.match(out[-1][-1:]) or cjk.match(piece)):
            out.append(" ")
        if piece:
            out.append(piece)
    return "".join(out)


def strip_band(term: str) -> str:
    """Drop a score band such as (50分) or (0-20)分 from a level label."""
    # Bounded repeats: tried at every position of a long cell, ``+`` and ``*`` were quadratic.
    return _BAND_RE.sub("", term)


def is_level(text: str) -> bool:
    """True when a cell is a level label (一级/二级指标 value or the outer 绩效指标 label)."""
    term = strip_band(norm(text))
    if term in LEVEL_TERMS:
        return True
    return bool(re.fullmatch(r".{1,10}指标等?", term)) and term[:2] not in ("一级", "二级", "三级")


def _is_outer(text: str) -> bool:
    return norm(text) in _OUTER_LABELS


def _level_slot(term: str) -> str:
    """Where a level label printed alone belongs: l1 only for a term that is never an l2."""
    t = strip_band(norm(term))
    return "l1" if t in _L1_TERMS and t not in _L2_TERMS else "l2"


def apply_levels(levels: tuple[str, str], labels: list[str]) -> tuple[str, str]:
    """Return (l1, l2) after the level labels printed on or just before a row."""
    labels = [tidy(x) for x in labels if not _is_outer(x)]
    if len(labels) >= 2:
        return labels[-2], labels[-1]
    if not labels:
        return levels
    if _level_slot(labels[0]) == "l1":
        return labels[0], ""
    return levels[0], labels[0]


def is_title(text: str) -> bool:
    """A form title line (…绩效目标申报表 / 填报表 / 绩效自评表), not a sentence that names one."""
    compact = norm(text)
    return bool(_TITLE_RE.search(compact)) and len(compact) <= 40 and not re.search(r"[，。；]", text)


def is_page_number(text: str) -> bool:
    return bool(_PAGE_RE.match(text.strip()))


def split_cells(line: str) -> list[str]:
    """Cells of a one-line-per-row text line: split on spaces, keeping `=3 次` together."""
    cells: list[str] = []
    for part in line.split():
        if cells and re.search(r"\d$", cells[-1]) and _UNIT_TAIL_RE.fullmatch(part):
            cells[-1] += " " + part
        else:
            cells.append(part)
    return cells


# ---- the header and the rows of a table ------------------------------------------------------

@dataclass(frozen=True)
class Header:
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


def title_key(cell: str) -> str | None:
    """Row key of a column title, or None; a trailing (%) or (分) is ignored."""
    title = norm(cell)
    if title in COLUMN_TITLES:
        return COLUMN_TITLES[title]
    return COLUMN_TITLES.get(re.sub(r"\([^()]*\)$", "", title))


@dataclass(frozen=True)
class Table:
    """Rows read from one indicator table, where it ended and what could not be placed."""

    rows: tuple[dict, ...]
    end: int
    total_score: str | None
    messages: tuple[str, ...]


def make_row(levels: tuple[str, str], name: str, values: dict[str, str]) -> dict:
    row = {"l1": levels[0], "l2": levels[1], "name": tidy(name)}
    for key, value in values.items():
        row[key] = tidy(value) if key in _PROSE_KEYS else value.strip()
    return row


def backfill_levels(rows: tuple[dict, ...]) -> tuple[dict, ...]:
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


# ---- goal and project-block cells ---------------------------------------------------------

def goal_title(cell: str) -> str | None:
    """Form key of a goal title cell (项目总目标 (2026 年-2026 年) …), None for goal text."""
    text = norm(cell)
    return next((key for title, key in GOAL_TITLES.items()
                 if re.fullmatch(re.escape(title) + r"(?:\(.*\))?", text)), None)


def is_goal_filler(text: str) -> bool:
    """Labels of the goal area: 项目绩效目标 (also cut into 项目 / 绩效 / 目标), periods."""
    t = norm(text)
    return (not t or t in "项目绩效目标" or t in "绩效指标" or bool(_PERIOD_RE.match(t))
            or is_page_number(text))


def block_cells(line: str) -> list[tuple[int, str]]:
    cells = line.split("\t") if "\t" in line else split_cells(line)
    return [(j, c.strip()) for j, c in enumerate(cells)]
