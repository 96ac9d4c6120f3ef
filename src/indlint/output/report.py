"""Format findings for people (text, markdown) and machines (json, sarif, github, junit)."""
from __future__ import annotations

import json
import posixpath
import re
from collections import Counter
from types import MappingProxyType
from typing import TYPE_CHECKING, Mapping, NamedTuple, Sequence

from indlint.core.model import Finding, Severity
from indlint.core.safeio import printable

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET


class Summary(NamedTuple):
    """Counts for the summary line and the JSON summary object."""

    files: int
    forms: int
    indicators: int
    paths: tuple[str, ...] = ()         # the files checked, in order (for per-file formats)
    hidden: int = 0                     # findings hidden by suppressions or a baseline (not in JSON)
    skipped: int = 0                    # walked files that hold no indicator table (not in JSON)

    def counts(self, findings: Sequence[Finding]) -> dict:
        """Return the formats.md summary object."""
        by = {s: sum(1 for f in findings if f.severity.value == s) for s in ("error", "warning", "info")}
        return {"files": self.files, "forms": self.forms, "indicators": self.indicators,
                "errors": by["error"], "warnings": by["warning"], "infos": by["info"]}


class Context(NamedTuple):
    """What some formats need besides the findings: the active rules, overrides, the version."""

    rules: tuple = ()
    severities: Mapping[str, Severity] = MappingProxyType({})
    version: str = ""


_SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def _printable(text: str) -> str:
    """Show control and bidi-override characters as \\xNN / \\uNNNN: a value must never drive
    the user's terminal (core.safeio.printable, shared by every command)."""
    return printable(text)


def format_text(findings: Sequence[Finding], summary: Summary, context: Context | None = None,
                colour: bool = False) -> str:
    """The full format: each finding (path:line:col: RULE [severity] message), its suggestion, a summary."""
    lines = [line for f in findings for line in text_lines(f, colour)]
    lines.append(summary_line(findings, summary))
    return "\n".join(lines) + "\n"


def format_concise(findings: Sequence[Finding], summary: Summary, context: Context | None = None,
                   colour: bool = False) -> str:
    """One line per finding, naming the form's project; then the summary line."""
    lines = [concise_line(f, colour) for f in findings]
    lines.append(summary_line(findings, summary))
    return "\n".join(lines) + "\n"


#: ANSI styles of the human formats on a terminal (--color).
_STYLE = {"error": "31;1", "warning": "33;1", "info": "36", "path": "1", "dim": "2"}


def paint(text: str, style: str, colour: bool) -> str:
    """Wrap text in an ANSI style when colour is on."""
    return f"\x1b[{_STYLE[style]}m{text}\x1b[0m" if colour else text


#: "[error]" … of each severity, made once (not through Severity.value on every finding).
_LEVEL = {s: f"[{s.value}]" for s in Severity}


def _head(f: Finding, colour: bool) -> str:
    cell = f" ({f.cell or f.location})" if f.cell or f.location else ""
    where = paint(_printable(f"{f.path}:{f.line}:{f.column}{cell}:"), "path", colour)
    level = paint(_LEVEL[f.severity], f.severity.value, colour)
    return f"{where} {_printable(f.rule)} {level}"


def _plain(f: Finding, text: str) -> str | None:
    """The uncoloured line of a finding ending in text, when it needs no escaping (the common
    case: one isprintable() test instead of escaping each field); None otherwise."""
    place = f.cell or f.location
    line = (f"{f.path}:{f.line}:{f.column} ({place}): " if place else
            f"{f.path}:{f.line}:{f.column}: ") + f"{f.rule} {_LEVEL[f.severity]} {text}"
    return line if line.isprintable() else None


def text_lines(f: Finding, colour: bool = False) -> list[str]:
    """The full format's lines of one finding: where, rule, severity and message; its suggestion."""
    text = f"第{f.row}行 {f.message}" if f.row else f.message
    line = None if colour else _plain(f, text)
    lines = [line or f"{_head(f, colour)} {_printable(text)}"]
    if f.suggestion:
        lines.append(paint(_printable(f"    建议：{f.suggestion}"), "dim", colour))
    return lines


def full_text(findings: Sequence[Finding], colour: bool = False) -> str:
    """The full format's text of many findings, each line ended: text_lines joined. Without
    colour, the text is made in one pass and tested once: when nothing in it needs escaping
    (the common case), it is exactly what escaping field by field gives."""
    if not colour:
        level = _LEVEL
        text = "".join([
            f"{f.path}:{f.line}:{f.column}" + (f" ({f.cell or f.location}): " if f.cell or f.location
                                               else ": ")
            + f"{f.rule} {level[f.severity]} " + (f"第{f.row}行 " if f.row else "") + f.message
            + (f"\n    建议：{f.suggestion}\n" if f.suggestion else "\n") for f in findings])
        # printable() keeps line ends, but isprintable() is False for them: test without.
        if text.replace("\n", "").isprintable():
            return text
    return "".join([line + "\n" for f in findings for line in text_lines(f, colour)])


def concise_line(f: Finding, colour: bool = False) -> str:
    """The concise format's one line: where, rule, severity, 「project」 row and message."""
    project = f"「{f.project}」" if f.project else ""
    text = project + (f"第{f.row}行 " if f.row else "") + f.message
    return (None if colour else _plain(f, text)) or f"{_head(f, colour)} {_printable(text)}"


def summary_line(findings: Sequence[Finding], summary: Summary, counts: dict | None = None) -> str:
    """检查了 N 个文件……：E 个错误，W 个警告，I 个提示。(已忽略 H 个。)"""
    c = counts or summary.counts(findings)
    return (f"检查了 {c['files']} 个文件、{c['forms']} 张表、{c['indicators']} 项指标："
            f"{c['errors']} 个错误，{c['warnings']} 个警告，{c['infos']} 个提示。"
            + (hidden_note(summary.hidden) if summary.hidden else "")
            + (skipped_note(summary.skipped) if summary.skipped else ""))


def hidden_note(hidden: int) -> str:
    """How many findings suppressions and the baseline hid (ruff: "N hidden")."""
    return f"已忽略 {hidden} 个（忽略注释或基线）。"


def skipped_note(skipped: int) -> str:
    """How many files a folder walk met that hold no indicator table (formats.md: no finding)."""
    return f"跳过 {skipped} 个不含指标表的文件。"


def format_json(findings: Sequence[Finding], summary: Summary, context: Context | None = None) -> str:
    """The findings document of formats.md §2."""
    doc = {"version": 1, "findings": [f.to_json() for f in findings],
           "summary": summary.counts(findings)}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def format_sarif(findings: Sequence[Finding], summary: Summary, context: Context | None = None) -> str:
    """SARIF 2.1.0 for code-scanning tools (see sarif.py)."""
    from indlint.output.sarif import format_sarif as sarif

    context = context or Context()
    return sarif(findings, context.rules, context.severities, context.version)


_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(findings: Sequence[Finding], summary: Summary, context: Context | None = None) -> str:
    """GitHub Actions workflow commands: ::error file=…,line=…,col=…,title=RULE::message."""
    from indlint.output.sarif import message_text

    lines = []
    for f in findings:
        props = [("file", f.path.replace("\\", "/")), ("line", str(f.line))]
        if not f.cell:                  # a spreadsheet column is not a character column
            props.append(("col", str(f.column)))
        props.append(("title", f.rule))
        head = ",".join(f"{k}={_gh_property(v)}" for k, v in props)
        place = f.cell or f.location
        text = (f"{place} " if place else "") + message_text(f)
        lines.append(f"::{_GITHUB_LEVEL[f.severity.value]} {head}::{_gh_data(text)}\n")
    return "".join(lines)


_XML_BAD = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])


def _xml(text: str) -> str:
    """Drop the characters XML 1.0 cannot carry (control characters from the input)."""
    return "".join(c for c in text.translate(_XML_BAD) if not 0xD800 <= ord(c) <= 0xDFFF)


def _by_path(findings: Sequence[Finding], summary: Summary) -> dict[str, list[Finding]]:
    """Findings grouped by file, in the order the files were checked."""
    groups: dict[str, list[Finding]] = {p: [] for p in summary.paths}
    for f in findings:
        groups.setdefault(f.path, []).append(f)
    return groups


def _junit_case(suite: ET.Element, f: Finding, classname: str) -> None:
    import xml.etree.ElementTree as ET     # only for --format junit

    from indlint.output.sarif import message_text

    case = ET.SubElement(suite, "testcase", {"name": f"indlint.{f.rule}", "classname": classname,
                                             "line": str(f.line), "column": str(f.column)})
    props = ET.SubElement(case, "properties")
    pairs = [("severity", f.severity.value), ("category", f.category)] + (
        [("cell", f.cell)] if f.cell else []) + ([("location", f.location)] if f.location else [])
    for name, value in pairs:
        ET.SubElement(props, "property", {"name": name, "value": _xml(value)})
    place = f.cell or f.location
    where = f"line {f.line}, col {f.column}" + (f" ({place})" if place else "")
    if f.severity is Severity.INFO:     # a hint is reported, but a CI must not count it as failed
        ET.SubElement(case, "system-out").text = _xml(f"{where}, {message_text(f)}")
        return
    failure = ET.SubElement(case, "failure", {"message": _xml(f.message), "type": f.severity.value})
    failure.text = _xml(f"{where}, {message_text(f)}")


def format_junit(findings: Sequence[Finding], summary: Summary, context: Context | None = None) -> str:
    """JUnit XML (ruff's shape): a testsuite per file, a testcase per finding.

    Errors and warnings are failures; an info finding is a passing testcase with its text in
    system-out, so that a CI does not fail on hints.
    """
    import xml.etree.ElementTree as ET     # only for --format junit

    def failing(mine: Sequence[Finding]) -> int:
        return sum(1 for f in mine if f.severity is not Severity.INFO)

    root = ET.Element("testsuites", {"name": "indlint", "tests": "0",
                                     "failures": str(failing(findings)), "errors": "0"})
    tests = 0
    for path, mine in _by_path(findings, summary).items():
        suite = ET.SubElement(root, "testsuite", {
            "name": _xml(path), "tests": str(max(len(mine), 1)), "disabled": "0", "errors": "0",
            "failures": str(failing(mine))})
        classname = _xml(posixpath.splitext(path.replace("\\", "/"))[0])
        for f in mine:
            _junit_case(suite, f, classname)
        if not mine:
            ET.SubElement(suite, "testcase", {"name": "未发现问题", "classname": classname})
        tests += max(len(mine), 1)
    root.set("tests", str(tests))
    ET.indent(root, space="    ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


_MD_SPECIAL = "\\`*_[]<>|"


def md_cell(text: str) -> str:
    """Escape text for one Markdown table cell: punctuation, pipes, line breaks."""
    out = "".join("\\" + c if c in _MD_SPECIAL else c for c in text)
    return out.replace("\r\n", "<br>").replace("\r", "<br>").replace("\n", "<br>")


def _md_row(f: Finding) -> str:
    cells = [f.cell or f.location or str(f.line), f.rule, _SEVERITY_ZH[f.severity.value], f.indicator or "—",
             f.message, f.suggestion or "—"]
    return "| " + " | ".join(md_cell(c) for c in cells) + " |"


def format_markdown(findings: Sequence[Finding], summary: Summary, context: Context | None = None) -> str:
    """A review comment: the summary line, then a table per file with findings."""
    lines = [f"**indlint**：{summary_line(findings, summary)}"]
    for path, mine in _by_path(findings, summary).items():
        if not mine:
            continue
        lines += ["", f"#### {md_cell(path)}", "", "| 行 | 规则 | 级别 | 指标 | 问题 | 建议 |",
                  "|---:|---|---|---|---|---|"]
        lines += [_md_row(f) for f in mine]
    return "\n".join(lines) + "\n"


def format_statistics(findings: Sequence[Finding], context: Context | None = None) -> str:
    """Per-rule counts (count, rule, category, summary), most frequent first; '' when none."""
    from indlint.output.sarif import INPUT_INVALID

    counts = Counter(f.rule for f in findings)
    if not counts:
        return ""
    categories = {f.rule: f.category for f in findings}
    summaries = {INPUT_INVALID["id"]: INPUT_INVALID["summary"]}
    summaries |= {r.id: r.summary for r in (context or Context()).rules}
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    wn, wr = len(str(rows[0][1])), max(len(r) for r, _ in rows)
    wc = max(len(categories[r]) for r, _ in rows)
    return "".join(f"{n:>{wn}}  {r:<{wr}}  {categories[r]:<{wc}}  {summaries.get(r, '')}".rstrip()
                   + "\n" for r, n in rows)


#: name → function(findings, summary, context) returning the whole output text.
FORMATTERS = {"full": format_text, "concise": format_concise, "text": format_text,
              "json": format_json, "sarif": format_sarif, "github": format_github,
              "junit": format_junit, "markdown": format_markdown}
#: Formats read by people: --statistics may follow them on standard output, colour may show,
#: and a console that cannot show a character gets a replacement (the others are UTF-8 bytes).
HUMAN_FORMATS = frozenset({"text", "full", "concise"})


def write_atomic(path: str, text: str | bytes, inputs=()) -> None:
    """Write text (UTF-8) or bytes through core.safewrite (temporary file, fsync, replace); raise OSError."""
    from indlint.core.safewrite import write_file
    write_file(path, text, inputs=inputs)
