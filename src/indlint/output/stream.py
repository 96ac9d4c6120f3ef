"""Write text or JSON findings file by file, so memory stays flat however many files are checked.

The bytes are exactly those of report.format_text / format_json on the whole run.
"""
from __future__ import annotations

import json
from collections import Counter
from operator import attrgetter
from typing import Callable, Sequence

from indlint.core.model import Finding
from indlint.output.report import Summary, concise_line, full_text, summary_line

STREAMABLE = ("text", "full", "concise", "json")
_SEVERITY = attrgetter("severity")



_SCALAR = json.JSONEncoder(ensure_ascii=False).encode


def flat_json(obj: dict) -> str:
    """json.dumps(obj, ensure_ascii=False, indent=2) for a flat dict of scalars, byte for byte.

    With an indent, json uses its pure-Python encoder; a finding is a flat mapping, so each
    scalar goes through the C encoder instead (a fifth of a large run's time was spent here).
    """
    if not obj:
        return "{}"
    return "{\n" + ",\n".join(f"  {_SCALAR(k)}: {_SCALAR(v)}" for k, v in obj.items()) + "\n}"

class Stream:
    """One text (full or concise) or JSON output fed with each file's findings in turn."""

    def __init__(self, fmt: str, write: Callable[[str], None], colour: bool = False,
                 quiet: bool = False):
        self.fmt, self.write = ("full" if fmt == "text" else fmt), write
        self.colour, self.quiet = colour, quiet
        self.counts = {"error": 0, "warning": 0, "info": 0}
        self.first = True
        if fmt == "json":
            write('{\n  "version": 1,\n  "findings": [')

    def render(self, findings: Sequence[Finding]) -> tuple[str, dict[str, int]]:
        """One file's findings as written, and their count by severity. Reads no state that
        writing changes: a worker process renders its files, and only text crosses to the parent."""
        if not findings:
            return "", {}
        counts = {severity.value: n for severity, n in Counter(map(_SEVERITY, findings)).items()}
        if self.fmt == "full":
            return full_text(findings, self.colour), counts
        if self.fmt == "concise":
            colour = self.colour
            return "".join([concise_line(f, colour) + "\n" for f in findings]), counts
        return ",\n    ".join([flat_json(f.to_json()).replace("\n", "\n    ")
                               for f in findings]), counts

    def put(self, rendered: tuple[str, dict[str, int]]) -> None:
        """Write one file's rendered findings (Stream.render, here or in a worker)."""
        text, counts = rendered
        if not counts:
            return
        for severity, n in counts.items():
            self.counts[severity] += n
        if self.fmt == "json":
            text = ("\n    " if self.first else ",\n    ") + text
            self.first = False
        self.write(text)

    def add(self, findings: Sequence[Finding]) -> None:
        """Write one file's findings."""
        self.put(self.render(findings))

    def finish(self, summary: Summary) -> None:
        """Write the summary (the JSON document's end, or the text summary line)."""
        counts = {"files": summary.files, "forms": summary.forms, "indicators": summary.indicators,
                  "errors": self.counts["error"], "warnings": self.counts["warning"],
                  "infos": self.counts["info"]}
        if self.fmt != "json":
            if not self.quiet:      # --quiet: the findings and nothing else
                self.write(summary_line((), summary, counts) + "\n")
            return
        tail = json.dumps(counts, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        self.write(("]" if self.first else "\n  ]") + f',\n  "summary": {tail}\n}}\n')
