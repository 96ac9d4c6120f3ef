"""Baselines: record today's findings once, then report only new ones.

A finding is keyed by its rule, file, project and indicator name (plus a counter for
identical keys), never by row or line numbers, so moving rows or editing other rows does not
bring old findings back. The fingerprints are those of the SARIF output (sarif.fingerprints).
"""
from __future__ import annotations

import json
from pathlib import PurePath
from typing import Sequence

from indlint.core import safeio
from indlint.core.model import Finding
from indlint.core.safewrite import write_file
from indlint.output.sarif import fingerprints   # one fingerprint for baselines and SARIF results

VERSION = 1


class BaselineError(ValueError):
    """A baseline file that cannot be read."""


def write_baseline(path: str, findings: Sequence[Finding], inputs: Sequence[str] = ()) -> int:
    """Write the findings' fingerprints to path (atomically); return how many."""
    entries = sorted({fp: f for fp, f in zip(fingerprints(findings), findings)}.items())
    doc = {"version": VERSION, "tool": "indlint",
           "findings": [{"fingerprint": fp, "rule": f.rule, "path": PurePath(f.path).as_posix(),
                         "project": f.project, "indicator": f.indicator} for fp, f in entries]}
    text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    write_file(path, text, inputs=inputs)
    return len(entries)


def read_baseline(path: str) -> frozenset[str]:
    """The fingerprints recorded in a baseline file; raise BaselineError."""
    try:
        doc = safeio.read_json(path, "baseline", max_depth=8)
    except safeio.InputError as err:
        raise BaselineError(f"无法读取基线文件 {err}") from None
    entries = doc.get("findings") if isinstance(doc, dict) else None
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries):
        raise BaselineError(f"无法读取基线文件 {safeio.shown(path)}：不是 indlint 的基线（findings 应为含 fingerprint 的列表）")
    return frozenset(e["fingerprint"] for e in entries)


def new_findings(findings: Sequence[Finding], known: frozenset[str]) -> list[Finding]:
    """The findings whose fingerprints are not in the baseline."""
    return [f for f, fp in zip(findings, fingerprints(findings)) if fp not in known]
