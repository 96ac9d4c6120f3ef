"""Import text exported from PDF or Word: find each table, read it by its layout, assemble forms."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from indlint.core import safeio

from indlint.read.text.block import block_fields
from indlint.read.text.common import SENTENCE_END, Header, backfill_levels, is_title, norm
from indlint.read.text.corrections import apply_corrections
from indlint.read.text.flow import YEAR_RE, cover_defaults, heading_goals
from indlint.read.text.lines import line_header, read_line_table
from indlint.read.text.tab import read_tab_table, tab_header


@dataclass(frozen=True)
class ImportResult:
    """The forms read from one text file and what could not be placed (Chinese messages)."""

    forms: tuple[dict, ...]
    messages: tuple[str, ...]
    source: str = ""


def import_text(path: Path, corrections: dict | None = None) -> ImportResult:
    """Read every indicator table of a text file; never raise for a bad input file."""
    path = Path(path)
    try:
        data = safeio.read_bytes(path, "import")
    except safeio.InputError as err:
        return ImportResult((), (f"{safeio.shown(path.name)}：无法读取文件（{err.reason}）",),
                            path.name)
    return import_data(data, path.name, corrections)


def import_data(data: bytes, name: str, corrections: dict | None = None) -> ImportResult:
    """Read every indicator table of a text file's bytes (already read, within a size cap)."""
    text, problem = _decode(data)
    if problem:
        return ImportResult((), (f"{name}：{problem}",), name)
    # U+0085 (NEL) is whitespace to str.split and \s, which lay out the table: it stands in
    # as a noncharacter the text does not hold while the table is read, and comes back after.
    guard = next((c for c in _GUARDS if c not in text), None)
    if guard:
        text = text.replace("\x85", guard)
    forms, messages = _read_document(lines_of(text), name)
    if guard:
        forms, messages = _restore(forms, guard), [_restore(m, guard) for m in messages]
    file_corrections = (corrections or {}).get(name) or []
    forms, more = apply_corrections(forms, file_corrections, name)
    return ImportResult(tuple(forms), tuple(messages + more), name)


_GUARDS = tuple(map(chr, range(0xFDD0, 0xFDF0)))     # Unicode noncharacters


def _restore(value, guard: str):
    """The imported forms with U+0085 back where the guard stood."""
    if isinstance(value, str):
        return value.replace(guard, "\x85")
    if isinstance(value, dict):
        return {k: _restore(v, guard) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_restore(v, guard) for v in value)
    return value


def lines_of(text: str) -> list[str]:
    """The text's lines, broken at \\n, \\r\\n and \\r only: str.splitlines also breaks at U+0085,
    U+2028, form feeds and the like, which a cell may hold and the import must keep."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


def to_yaml(result: ImportResult) -> str:
    """Return the forms as deterministic declaration YAML (formats.md §1)."""
    source = result.source or next((f.get("source") for f in result.forms if f.get("source")), "")
    head = (f"# source document: {source or '(unknown)'} — written by indlint.importers.text; "
            "regenerate it rather than editing by hand\n")
    forms = [_quoted_form(f) for f in result.forms]
    doc = forms[0] if len(forms) == 1 else {"forms": forms}
    body = yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=1_000_000, indent=2)
    return head + body


#: Row keys in output order (the order of formats.md and indlint.model.ROW_FIELDS).
_ROW_ORDER = ("l1", "l2", "name", "nature", "target", "unit", "actual", "score_max", "score",
              "basis", "deviation", "explanation", "direction", "scoring")
_FORM_ORDER = ("kind", "project", "year", "department", "implementer", "source", "start_date",
               "end_date", "overall_goal", "goal", "goal_result", "budget_unit", "budget",
               "total_score", "indicators")
#: Values kept in double quotes in the YAML so that every reader sees a string.
_QUOTED_KEYS = frozenset({"target", "actual", "score_max", "score", "total_score"})


def _decode(data: bytes) -> tuple[str, str]:
    """Return (text, problem); problem is a Chinese message when the bytes are no text."""
    if not data.strip():
        return "", "文件为空，没有可导入的内容"
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        return "", "不是文本文件（含 NUL 字节），无法导入"
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\r\n\f")
        if controls > max(2, len(text) // 100):
            return "", "不是文本文件（含大量控制字符），无法导入"
        return text, ""
    return "", "无法识别文件编码（既不是 UTF-8 也不是 GB18030），无法导入"


def _header_at(lines: list[str], i: int) -> Header | None:
    if "\t" in lines[i]:
        return tab_header(lines, i)
    return line_header(lines, i)


def _find_header(lines: list[str], start: int) -> Header | None:
    for i in range(start, len(lines)):
        if (header := _header_at(lines, i)) is not None:
            return header
    return None


def _read_document(lines: list[str], source: str) -> tuple[list[dict], list[str]]:
    defaults = cover_defaults(lines)
    forms, messages, position, region_start = [], [], 0, 0
    while (header := _find_header(lines, position)) is not None:
        if not header.is_form:          # a scoring rubric (分值 / 自评): not an indicator form
            position = region_start = header.end
            continue
        where = f"{source} 表 {len(forms)}（第 {header.start + 1} 行起）："
        reader = read_tab_table if header.layout == "tab" else read_line_table
        table = reader(lines, header, where)
        form, notes = _build_form(lines, region_start, header, table, defaults, source, where)
        forms.append(form)
        messages += notes + list(table.messages)
        position = region_start = max(table.end, header.end)
    if not forms:
        messages.append(f"{source}：未找到绩效指标表（没有含“一级指标、三级指标、指标值”的表头），未导入任何表")
    return forms, messages


def _find_title(lines: list[str], start: int, end: int) -> tuple[int, str | None]:
    """The last form title (or 具体目标 heading) above a table: (line index, kind)."""
    for i in range(end - 1, start - 1, -1):
        if is_title(lines[i]):
            return i, _kind_of(norm(lines[i]))
    for i in range(end - 1, start - 1, -1):
        if "具体目标" in lines[i] and len(norm(lines[i])) <= 20:
            return i, "declaration"
    return start, None


def _kind_of(title: str) -> str:
    return "self-evaluation" if "自评" in title else "declaration"


def _build_form(lines, region_start, header, table, defaults, source, where):
    """Assemble one form dict in formats.md order; return it with messages."""
    notes = []
    title_at, kind = _find_title(lines, region_start, header.start)
    if kind is None:
        notes.append(f"{where}未找到表名（申报表 / 自评表），按申报表处理")
        kind = "declaration"
    block = lines[title_at:header.start]
    fields, more = block_fields(block, header.layout, where)
    notes += more
    if "project" not in fields:
        # A table with no project block of its own (a report's 具体目标 table): the
        # report states its project, department and unit once, on the cover.
        fields.setdefault("department", defaults.department)
        fields.setdefault("implementer", defaults.implementer)
    if not any(k in fields for k in ("overall_goal", "goal")):
        fields.update(heading_goals(lines[region_start:title_at]))
    year = next((int(m.group(1)) for line in block if (m := YEAR_RE.search(line))), defaults.year)
    project = fields.pop("project", None) or defaults.project
    if not project:
        notes.append(f"{where}未找到项目名称")
    if year is None:
        notes.append(f"{where}未找到年度")
    if not table.rows:
        notes.append(f"{where}表头之后没有读到任何指标行，表格可能被截断")
    notes += _cut_goal_notes(fields, where)
    form = {"kind": kind, "project": project or "", "year": year, "source": source, **fields}
    if table.total_score:
        form["total_score"] = table.total_score
    form["indicators"] = [_ordered_row(r) for r in backfill_levels(table.rows)]
    return _ordered_form(form), notes


def _cut_goal_notes(fields: dict, where: str) -> list[str]:
    """Goal texts that stop mid-sentence: the source was probably cut at a page end."""
    names = {"overall_goal": "项目总目标", "goal": "年度总体目标", "goal_result": "实际完成情况"}
    return [f"{where}{zh}的文字以“{fields[key][-8:]}”结尾，原文可能在此被截断"
            for key, zh in names.items()
            if fields.get(key) and not fields[key].rstrip("”’」）)").endswith(SENTENCE_END)]


def _ordered_row(row: dict) -> dict:
    return {k: row[k] for k in _ROW_ORDER if k in row}


def _ordered_form(form: dict) -> dict:
    always = ("kind", "project", "year", "indicators")
    out = {k: form[k] for k in _FORM_ORDER if k in always or form.get(k) is not None}
    out.update({k: v for k, v in form.items() if k not in out and v is not None})
    return out


class _Quoted(str):
    """A value written in double quotes (targets, actual values, scores, amounts)."""


class _Dumper(yaml.SafeDumper):
    """Safe dumper that quotes value fields and writes multi-line text as a block."""


def _represent_str(dumper: yaml.SafeDumper, value: str):
    # NEL and the Unicode line separators are line breaks to YAML: only double quotes keep
    # them (as \N, \L, \P); plain or block style would turn them into spaces on reading.
    breaks = any(c in value for c in "\x85\u2028\u2029")
    style = '"' if breaks or not value else ("|" if "\n" in value else None)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_quoted(dumper: yaml.SafeDumper, value: _Quoted):
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"')


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Quoted, _represent_quoted)


def _quoted_form(form: dict) -> dict:
    out = {}
    for key, value in form.items():
        if key == "indicators":
            out[key] = [{k: _Quoted(v) if k in _QUOTED_KEYS else v for k, v in row.items()}
                        for row in value]
        elif key == "budget":
            out[key] = {k: _Quoted(v) for k, v in value.items()}
        elif key in _QUOTED_KEYS and isinstance(value, str):
            out[key] = _Quoted(value)
        else:
            out[key] = value
    return out
