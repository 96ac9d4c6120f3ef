"""Word-style flow: what a report states on its cover and in numbered sections around its tables."""
from __future__ import annotations

import re
from dataclasses import dataclass

from indlint.read.text.common import PARAGRAPH_START_RE

YEAR_RE = re.compile(r"[（(]\s*(\d{4})\s*年度\s*[)）]")


@dataclass(frozen=True)
class Defaults:
    """What a report states once on its cover, for tables that have no project block."""

    project: str | None
    department: str | None
    implementer: str | None
    year: int | None


def cover_defaults(lines: list[str]) -> Defaults:
    """Project, department, unit and year as the report's cover states them."""
    def first(pattern: str) -> str | None:
        for line in lines:
            # Greedy to the end, then rstrip: a lazy .*? before \s*$ was quadratic in spaces.
            match = re.match(rf"^\s*(?:{pattern})\s*[：:]\s*(\S.*)$", line)
            if match:
                return match.group(1).rstrip()
        return None

    year = next((int(m.group(1)) for line in lines if (m := YEAR_RE.search(line))), None)
    return Defaults(first("项目名称"), first("主管部门"), first("实施单位|项目单位"), year)


def heading_goals(lines: list[str]) -> dict:
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
    """The paragraph under a section heading, up to the next numbered line."""
    pieces = []
    for line in lines:
        text = line.strip()
        if not text:
            continue
        if PARAGRAPH_START_RE.match(text) or "具体目标" in text:
            break
        pieces.append(text)
    return "\n".join(pieces)
