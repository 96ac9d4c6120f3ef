"""Format findings for people (text) and machines (json, formats.md §2)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Sequence

from .model import Finding


@dataclass(frozen=True)
class Summary:
    """Counts for the summary line and the JSON summary object."""

    files: int
    forms: int
    indicators: int

    def counts(self, findings: Sequence[Finding]) -> dict:
        """Return the formats.md summary object."""
        by = {s: sum(1 for f in findings if f.severity.value == s) for s in ("error", "warning", "info")}
        return {"files": self.files, "forms": self.forms, "indicators": self.indicators,
                "errors": by["error"], "warnings": by["warning"], "infos": by["info"]}


_SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def format_text(findings: Sequence[Finding], summary: Summary) -> str:
    """One line per finding (path:line:col: RULE [severity] message), its suggestion, a summary."""
    lines = []
    for f in findings:
        where = f"{f.path}:{f.line}:{f.column}"
        cell = f" ({f.cell})" if f.cell else ""
        row = f"第{f.row}行 " if f.row else ""
        lines.append(f"{where}{cell}: {f.rule} [{f.severity.value}] {row}{f.message}")
        if f.suggestion:
            lines.append(f"    建议：{f.suggestion}")
    c = summary.counts(findings)
    lines.append(f"检查了 {c['files']} 个文件、{c['forms']} 张表、{c['indicators']} 项指标："
                 f"{c['errors']} 个错误，{c['warnings']} 个警告，{c['infos']} 个提示。")
    return "\n".join(lines) + "\n"


def format_json(findings: Sequence[Finding], summary: Summary) -> str:
    """The findings document of formats.md §2."""
    doc = {"version": 1, "findings": [f.to_json() for f in findings],
           "summary": summary.counts(findings)}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


FORMATTERS = {"text": format_text, "json": format_json}
