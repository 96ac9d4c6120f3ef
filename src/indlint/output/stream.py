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

    def add(self, findings: Sequence[Finding]) -> None:
        """Write one file's findings."""
        if not findings:
            return
        for severity, n in Counter(map(_SEVERITY, findings)).items():
            self.counts[severity.value] += n
        if self.fmt == "full":
            self.write(full_text(findings, self.colour))
            return
        if self.fmt == "concise":
            colour = self.colour
            self.write("".join([concise_line(f, colour) + "\n" for f in findings]))
            return
        for f in findings:
            body = flat_json(f.to_json()).replace("\n", "\n    ")
            self.write(("\n    " if self.first else ",\n    ") + body)
            self.first = False

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
