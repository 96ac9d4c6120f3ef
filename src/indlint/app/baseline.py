"""Baselines: record today's findings once, then report only new ones.

A finding is keyed by its rule, file, project and indicator name (plus a counter for
identical keys), never by row or line numbers, so moving rows or editing other rows does not
bring old findings back. The fingerprints are those of the SARIF output (sarif.fingerprints).
"""
from __future__ import annotations

import json
from pathlib import Path, PurePath
from typing import Sequence

from indlint.core.model import Finding
from indlint.output.report import write_atomic
from indlint.output.sarif import fingerprints   # one fingerprint for baselines and SARIF results

VERSION = 1


class BaselineError(ValueError):
    """A baseline file that cannot be read."""


def write_baseline(path: str, findings: Sequence[Finding]) -> int:
    """Write the findings' fingerprints to path (atomically); return how many."""
    entries = sorted({fp: f for fp, f in zip(fingerprints(findings), findings)}.items())
    doc = {"version": VERSION, "tool": "indlint",
           "findings": [{"fingerprint": fp, "rule": f.rule, "path": PurePath(f.path).as_posix(),
                         "project": f.project, "indicator": f.indicator} for fp, f in entries]}
    # write_atomic gives a new file 0666 less the umask (0644 usually), as any tool's output:
    # a baseline is committed and shared, never secret.
    write_atomic(path, json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    return len(entries)


def read_baseline(path: str) -> frozenset[str]:
    """The fingerprints recorded in a baseline file; raise BaselineError."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        return frozenset(e["fingerprint"] for e in doc["findings"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise BaselineError(f"无法读取基线文件 {path}：{err}") from None


def new_findings(findings: Sequence[Finding], known: frozenset[str]) -> list[Finding]:
    """The findings whose fingerprints are not in the baseline."""
    return [f for f, fp in zip(findings, fingerprints(findings)) if fp not in known]
