"""Baselines: record today's findings once, then report only new ones.

A finding is keyed by its rule, file, project and indicator name (plus a counter for
identical keys), never by row or line numbers, so moving rows or editing other rows does not
bring old findings back. The fingerprints are those of the SARIF output (sarif.fingerprints),
taken over each file's path relative to the baseline's folder, so that ``--baseline ../b.json``
from a subfolder finds the same findings. Rule ids never change (tests/fixtures holds a
baseline written by an earlier version, which must keep hiding the same findings).
"""
from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import PurePath
from typing import Sequence

from indlint.core import safeio
from indlint.core.model import Finding
from indlint.core.safewrite import write_file
from indlint.output.sarif import fingerprints   # one fingerprint for baselines and SARIF results

VERSION = 1


class BaselineError(ValueError):
    """A baseline file that cannot be read."""


def rebased(findings: Sequence[Finding], baseline: str) -> list[Finding]:
    """The findings with each path made relative to the baseline file's folder."""
    folder = os.path.dirname(os.path.abspath(baseline))

    def rel(path: str) -> str:
        try:
            return PurePath(os.path.relpath(os.path.abspath(path), folder)).as_posix()
        except ValueError:          # another drive (Windows): keep it as given
            return path
    return [replace(f, path=rel(f.path)) for f in findings]


def write_baseline(path: str, findings: Sequence[Finding], inputs: Sequence[str] = ()) -> int:
    """Write the findings' fingerprints to path (atomically); return how many."""
    findings = rebased(findings, path)
    entries = sorted({fp: f for fp, f in zip(fingerprints(findings), findings)}.items())
    doc = {"version": VERSION, "tool": "indlint",
           "findings": [{"fingerprint": fp, "rule": f.rule, "path": PurePath(f.path).as_posix(),
                         "project": f.project, "indicator": f.indicator} for fp, f in entries]}
    text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    write_file(path, text, inputs=inputs)
    return len(entries)


class Known(frozenset):
    """The fingerprints of a baseline file, and the file's path (its folder anchors the paths)."""

    path: str | None = None


def read_baseline(path: str) -> Known:
    """The fingerprints recorded in a baseline file; raise BaselineError."""
    try:
        doc = safeio.read_json(path, "baseline", max_depth=8)
    except safeio.InputError as err:
        raise BaselineError(f"无法读取基线文件 {err}") from None
    entries = doc.get("findings") if isinstance(doc, dict) else None
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries):
        raise BaselineError(f"无法读取基线文件 {safeio.shown(path)}：不是 indlint 的基线（findings 应为含 fingerprint 的列表）")
    known = Known(e["fingerprint"] for e in entries)
    known.path = path
    return known


def new_findings(findings: Sequence[Finding], known: frozenset[str],
                 baseline: str | None = None) -> list[Finding]:
    """The findings whose fingerprints are not in the baseline.

    With the baseline's path, a finding is known under its path relative to the baseline's
    folder, or (baselines written before paths were made relative) under its path as given.
    """
    keys = [fingerprints(findings)]
    baseline = baseline or getattr(known, "path", None)
    if baseline is not None:
        keys.append(fingerprints(rebased(findings, baseline)))
    return [f for f, *fps in zip(findings, *keys) if not known.intersection(fps)]
