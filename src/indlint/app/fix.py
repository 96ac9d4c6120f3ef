"""`indlint fix`: rewrite notation only (>= → ≥, 236.00(人) → 236人, 百分比 → %), byte-exact elsewhere.

Each target or actual scalar is patched once per byte range (aliased rows share one) at the
offsets the reader recorded, keeping its quotes, in one pass; the whole result is read again
and every field compared with what it must be, so a fix can change notation but never
meaning, comments, key order or any other byte. A file is written only when its encoding is
certain and round-trips (BOM and byte order kept), through the safe writer, and only if it
still holds the bytes that were read.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass

from indlint.core.model import Document
from indlint.core.safeio import printable
from indlint.core.safewrite import Expected, write_file
from indlint.read.encoding import Decoded
from indlint.read.yamlform import (ReadError, decode_file, directive_comments, read_regular,
                                   read_string)
from indlint.values.notation import normalise_notation
from indlint.values.parse import ValueParser

FIELDS = ("target", "actual")


@dataclass(frozen=True)
class FixResult:
    """What fixing one file gave: the new text (None when unchanged) or why it was refused."""

    path: str
    old: str
    new: str | None
    changes: int
    error: str | None = None
    encoding: str = "utf-8"
    data: bytes = b""                   # the bytes read: the file must still hold them when written
    decoded: Decoded | None = None

    def diff(self) -> str:
        """A unified diff of the change ('' when nothing changes), safe for a terminal."""
        if self.new is None:
            return ""
        return "".join(printable(line) for line in difflib.unified_diff(
            self.old.splitlines(True), self.new.splitlines(True), f"a/{self.path}", f"b/{self.path}"))


def _same_meaning(parser: ValueParser, old: str, new: str) -> bool:
    a, b = parser.parse(old), parser.parse(new)
    keys = ("kind", "comparator", "number", "upper", "unit", "deadline", "text", "per")
    return a.has_number and all(getattr(a, k) == getattr(b, k) for k in keys)


def fix_file(path: str, parser: ValueParser) -> FixResult:
    """Work out the notation fixes of one YAML file (nothing is written here)."""
    if path.lower().endswith((".xlsx", ".csv")):
        return FixResult(path, "", None, 0, "只能改写 YAML 申报表；表格文件请用 indlint report --xlsx-out 标注")
    try:
        data = read_regular(path)
        found = decode_file(data)
    except ReadError as err:
        return FixResult(path, "", None, 0, str(err))
    text = found.text
    doc = read_string(text, path)
    if doc.error:
        return FixResult(path, text, None, 0, doc.error)
    patches = _patches(doc, text, parser)
    if not patches:
        return FixResult(path, text, None, 0, encoding=found.encoding)
    if not found.certain or found.encode(text) != data:
        return FixResult(path, text, None, 0, "文件编码无法确定（或不能原样写回），为免损坏未改写；"
                                              "请先另存为 UTF-8")
    new = _apply(text, patches)
    problem = _verify(doc, read_string(new, path), _expected(doc, patches))
    if problem is None and _directives(new) != _directives(text):
        problem = "忽略注释变了"
    if problem is None:
        try:
            found.encode(new)
        except UnicodeEncodeError:
            problem = f"改写后的字符无法用 {found.encoding.upper()} 编码保存"
    if problem:
        return FixResult(path, text, None, 0, f"改写后校验失败，未修改：{problem}")
    return FixResult(path, text, new, len(patches), encoding=found.encoding, data=data,
                     decoded=found)


def _patches(doc: Document, text: str, parser: ValueParser) -> list[tuple[int, int, str]]:
    """(start, end, replacement) per byte range, each range once: an aliased row shares its
    anchor's range, and patching it twice would write over the bytes after it."""
    out: dict[tuple[int, int], str] = {}
    for form in doc.forms:
        for row in form.rows:
            for key in FIELDS:
                old, pos = row.fields.get(key), row.field_pos.get(key)
                if not old or pos is None or pos.start < 0 or (pos.start, pos.end) in out:
                    continue
                new = normalise_notation(old)
                if new != old and _same_meaning(parser, old, new):
                    source = text[pos.start:pos.end]
                    inner = source[1:-1] if source[:1] in "\"'" else source
                    if inner == old:            # only plain text we can patch byte for byte
                        out[(pos.start, pos.end)] = source.replace(old, new, 1)
    return sorted((start, end, new) for (start, end), new in out.items())


def _directives(text: str) -> list[tuple[int, str]]:
    """Each ``indlint:`` directive with its line (the patched values on its line left out)."""
    return [(n, line[line.rfind("indlint:"):]) for n, line in directive_comments(text)]


def _apply(text: str, patches: list[tuple[int, int, str]]) -> str:
    """Every patch in one pass (linear in the file and the patches; overlaps are skipped)."""
    pieces, at = [], 0
    for start, end, replacement in patches:
        if start < at:
            continue
        pieces += [text[at:start], replacement]
        at = end
    pieces.append(text[at:])
    return "".join(pieces)


def _expected(doc: Document, patches: list[tuple[int, int, str]]) -> dict:
    """(form, row, key) → the value each patched field must read as afterwards."""
    by_range = {(start, end) for start, end, _ in patches}
    out = {}
    for form in doc.forms:
        for row in form.rows:
            for key in FIELDS:
                pos = row.field_pos.get(key)
                if pos is not None and (pos.start, pos.end) in by_range:
                    out[(form.index, row.index, key)] = normalise_notation(row.fields[key])
    return out


def _verify(before: Document, after: Document, expected: dict) -> str | None:
    """The whole result read again: every field as before, every patched one as intended."""
    if after.error or len(before.forms) != len(after.forms):
        return after.error or "表的数量变了"
    for fa, fb in zip(before.forms, after.forms):
        if dict(fa.meta) != dict(fb.meta) or len(fa.rows) != len(fb.rows):
            return f"第 {fa.index} 张表的表头信息变了"
        for ra, rb in zip(fa.rows, fb.rows):
            for key in set(ra.fields) | set(rb.fields):
                want = expected.get((fa.index, ra.index, key), ra.fields.get(key))
                if rb.fields.get(key) != want:
                    return f"第 {ra.index} 行的 {key} 变了"
    return None


def write_fix(result: FixResult) -> None:
    """Write a fixed file safely in its own encoding and byte order; raise OSError (OutputError)."""
    write_file(result.path, result.decoded.encode(result.new), expected=Expected(result.data))
