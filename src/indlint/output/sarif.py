"""SARIF 2.1.0 output: one run, rule metadata, results with stable partial fingerprints."""
from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
from pathlib import Path
from typing import Iterable, Mapping, Sequence
from urllib.parse import quote

from indlint.core.model import Finding, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "indlintFingerprint/v1"
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
#: The reader's own finding for a file that cannot be read (engine.input_invalid).
INPUT_INVALID = {"id": "input-invalid", "name": "input-invalid", "category": "input.invalid",
                 "severity": "error", "summary": "文件无法读取",
                 "rationale": "文件不存在、不是 UTF-8/GBK 文本、不是有效的 YAML 或表格，或结构不符合申报表格式，无法检查。",
                 "source": "indlint 申报表格式（formats.md）"}
INPUT_INFERRED = {"id": "input-inferred", "name": "input-inferred", "category": "input.inferred",
                  "severity": "info", "summary": "读取时推断",
                  "rationale": "读取文件时不得不推断文件未写明的内容（如在 GB18030 与 Big5 之间选择编码），推断可能有误。",
                  "source": "indlint 申报表格式（formats.md）"}
#: How a message placeholder reads in rule help, where no row fills it.
_PLACEHOLDERS = {"name": "指标名称", "target": "指标值", "l1": "一级指标", "l2": "二级指标",
                 "actual": "实际完成值", "unit": "度量单位", "nature": "指标性质", "score": "得分",
                 "score_max": "分值", "basis": "设定依据", "project": "项目名称", "year": "当年",
                 "rate_name": "××率", "row": "行号", "written": "规范写法", "bound": "目标数值",
                 "unit_advice": "补写单位后的指标值", "value_shape": "应填写的目标值形式",
                 "rate_example": "改写后的比率指标", "verdict_example": "改写后的比率指标",
                 "core_name": "指标名称", "own_target_advice": "名称与指标值的拆分", "advice": "按本行给出的改写", "shortfall": "未达标的情况"}


class _Hole(dict):
    def __missing__(self, key):
        return "…"


def input_invalid_meta() -> dict:
    """INPUT_INVALID with the suggestion the engine gives."""
    from indlint.judge.engine import input_invalid

    return {**INPUT_INVALID, "suggestion": input_invalid("", "").suggestion}


def rule_meta(rule) -> dict:
    """The fields of a Rule (or of INPUT_INVALID) that SARIF uses, as plain strings."""
    if isinstance(rule, Mapping):
        return dict(rule)
    return {k: str(getattr(rule, k)) for k in ("id", "name", "category", "summary", "rationale",
                                               "source", "suggestion")} | {
        "severity": rule.severity.value}


def describe(meta: Mapping[str, str], severity: str) -> dict:
    """One reportingDescriptor: the rule's metadata and its default level."""
    suggestion = " ".join(meta["suggestion"].split()).format_map(_Hole(_PLACEHOLDERS))
    rationale, source = " ".join(meta["rationale"].split()), " ".join(meta["source"].split())
    text = f"{rationale}\n\n依据：{source}\n\n建议：{suggestion}"
    markdown = f"{rationale}\n\n**依据**：{source}\n\n**建议**：{suggestion}"
    category = meta["category"]
    return {"id": meta["id"], "name": meta["name"],
            "shortDescription": {"text": meta["summary"]},
            "fullDescription": {"text": rationale},
            "help": {"text": text, "markdown": markdown},
            "defaultConfiguration": {"level": LEVELS[severity]},
            "properties": {"category": category, "source": source,
                           "tags": sorted({category.split(".")[0], category})}}


def descriptors(rules: Iterable, severities: Mapping[str, Severity], inferred: bool = False) -> list[dict]:
    """Descriptors of the active rules plus input-invalid (and input-inferred when used), by id."""
    metas = {m["id"]: m for m in map(rule_meta, rules)}
    metas.setdefault(INPUT_INVALID["id"], input_invalid_meta())
    if inferred:
        metas.setdefault(INPUT_INFERRED["id"], {**INPUT_INFERRED, "suggestion": "把文件另存为 UTF-8 编码"})
    out = []
    for rule_id in sorted(metas):
        override = severities.get(rule_id)
        out.append(describe(metas[rule_id], override.value if override else metas[rule_id]["severity"]))
    return out


def artifact_uri(path: str) -> tuple[str, bool]:
    """Return (URI, relative?) for a path as given: relative POSIX, percent-encoded."""
    if os.path.isabs(path):
        return Path(os.path.abspath(path)).as_uri(), False
    posix = path.replace(os.sep, "/") if os.sep != "/" else path
    while posix.startswith("./"):
        posix = posix[2:]
    # Quoted from the name's bytes: a name that is not UTF-8 becomes %XX, never an exception.
    return quote(os.fsencode(posixpath.normpath(posix) if posix else "."), safe="/"), True


def identity(f: Finding) -> list[str]:
    """What identifies a finding across edits: never its line, row or form number.

    A row finding is named by its indicator. A form-level one (several per form, e.g. one per
    missing class) is named by its message with the numbers masked, so amounts and counts
    may change without making it a new finding.
    """
    detail = "" if f.row is not None else _NUMBER.sub("#", f.message)
    return [f.rule, artifact_uri(f.path)[0], f.project or "", f.indicator or "", f.category, detail]


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """A stable fingerprint per finding: sha256 of its identity, plus an occurrence count."""
    seen: dict[str, int] = {}
    out = []
    for f in findings:
        key = "\x1f".join(identity(f))
        digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()
        seen[digest] = seen.get(digest, 0) + 1
        out.append(f"{digest}:{seen[digest]}")
    return out


def location(f: Finding) -> dict:
    """The result's location: file and region, plus the indicator and the cell as logical names."""
    uri, relative = artifact_uri(f.path)
    artifact = {"uri": uri, "uriBaseId": "%SRCROOT%"} if relative else {"uri": uri}
    region: dict = {"startLine": max(f.line, 1)}
    if f.cell:
        region["properties"] = {"cell": f.cell}
    else:
        region["startColumn"] = max(f.column, 1)
    loc: dict = {"physicalLocation": {"artifactLocation": artifact, "region": region}}
    logical = []
    if f.indicator:
        qualified = "/".join(p for p in (f.project, f.indicator) if p)
        logical.append({"name": f.indicator, "fullyQualifiedName": qualified, "kind": "indicator"})
    if f.cell:
        logical.append({"name": f.cell, "fullyQualifiedName": f.cell, "kind": "cell"})
    if f.location:
        logical.append({"name": f.location, "fullyQualifiedName": f.location, "kind": "location"})
    if logical:
        loc["logicalLocations"] = logical
    return loc


def message_text(f: Finding) -> str:
    """The finding's message with its suggestion (建议)."""
    return f"{f.message} 建议：{f.suggestion}" if f.suggestion else f.message


def result(f: Finding, index: Mapping[str, int], fingerprint: str) -> dict:
    """One SARIF result."""
    out: dict = {"ruleId": f.rule}
    if f.rule in index:
        out["ruleIndex"] = index[f.rule]
    props = {"category": f.category, "form": f.form, "row": f.row, "project": f.project}
    if f.cell:
        props["cell"] = f.cell
    if f.location:
        props["location"] = f.location
    out.update({"level": LEVELS[f.severity.value], "message": {"text": message_text(f)},
                "locations": [location(f)],
                "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
                "properties": props})
    return out


def sarif_log(findings: Sequence[Finding], rules: Iterable, severities: Mapping[str, Severity],
              version: str) -> dict:
    """The whole SARIF log as a dict."""
    driver_rules = descriptors(rules, severities, any(f.rule == INPUT_INFERRED["id"] for f in findings))
    index = {r["id"]: i for i, r in enumerate(driver_rules)}
    results = [result(f, index, fp) for f, fp in zip(findings, fingerprints(findings))]
    driver = {"name": "indlint", "version": version, "semanticVersion": version,
              "rules": driver_rules}
    run = {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results,
           "invocations": [{"executionSuccessful": True}]}
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def format_sarif(findings: Sequence[Finding], rules: Iterable,
                 severities: Mapping[str, Severity], version: str) -> str:
    """The SARIF log as text (sorted keys are not used: the order above is the readable one)."""
    return json.dumps(sarif_log(findings, rules, severities, version), ensure_ascii=False,
                      indent=2) + "\n"
