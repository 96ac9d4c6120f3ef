"""Return a copy of a reviewer's Word form with each finding as a comment on its table cell.

The document is read through the same guards as for checking, opened with python-docx and
saved under a new name; the input is never written. Findings are placed by their location
(表N) and their line / column, which are the table's row and grid column.
"""
from __future__ import annotations

import io
import re
from collections import defaultdict
from typing import Sequence

from indlint.core.model import Finding

_SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
_TABLE = re.compile(r"表(\d+)")


def annotate_docx(source: str, target: str, findings: Sequence[Finding]) -> int:
    """Write the commented copy of source to target; return the number of findings placed."""
    from docx.text.paragraph import Paragraph

    from indlint.read import word
    from indlint.read.xlsxguard import DOCX, Limits, check_container

    limits = Limits(word.MAX_DOCX_BYTES, word.MAX_UNCOMPRESSED, word.MAX_RATIO,
                    word.MIN_RATIO_CHECK, word.MAX_MEMBERS, word.MAX_CELLS)
    document = word.open_document(check_container(source, limits, DOCX))
    tables = [t for t in document.element.body.iter(f"{word._W}tbl") if not word._nested(t)]
    by_cell: dict = defaultdict(list)
    for f in findings:
        found = _TABLE.search(f.location or "")
        if found and 1 <= int(found.group(1)) <= len(tables):
            by_cell[(int(found.group(1)), f.line, f.column)].append(f)
    placed = 0
    for (number, row, col), mine in sorted(by_cell.items()):
        tc = _tc_at(tables[number - 1], row, col)
        if tc is None:
            continue
        paragraphs = tc.findall(f"{word._W}p")
        paragraph = Paragraph(paragraphs[0], None) if paragraphs else None
        if paragraph is None:
            continue
        runs = paragraph.runs or [paragraph.add_run("")]
        text = "\n".join(f"{f.rule}【{_SEVERITY_ZH[f.severity.value]}】{f.message}"
                         + (f" 建议：{f.suggestion}" if f.suggestion else "") for f in mine)
        document.add_comment(runs, text=text, author="indlint", initials="IL")
        placed += len(mine)
    buffer = io.BytesIO()
    document.save(buffer)
    from indlint.output.report import write_atomic
    write_atomic(target, buffer.getvalue())
    return placed


def _tc_at(tbl, row: int, col: int):
    """The w:tc drawn at a table row and grid column (the top cell of a vertical merge)."""
    from indlint.read.word import _W, grid

    rows = grid(tbl)
    for r in range(min(row, len(rows)), 0, -1):
        tc = next((tc for start, span, tc in rows[r - 1] if start <= col < start + span), None)
        if tc is None:
            return None
        merge = tc.find(f"{_W}tcPr/{_W}vMerge")
        if merge is None or merge.get(f"{_W}val") == "restart" or r == 1:
            return tc
    return None
