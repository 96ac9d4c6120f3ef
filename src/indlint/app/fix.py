"""`indlint fix`: rewrite notation only (>= → ≥, 236.00(人) → 236人, 百分比 → %), byte-exact elsewhere.

Each target or actual scalar is patched at the offsets the reader recorded, keeping its
quotes; the patched text is read again and every field compared with the original, so a fix
can change notation but never meaning, comments, key order or any other byte of the file.
"""
from __future__ import annotations

import difflib
import functools
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from indlint.core.model import Document
from indlint.values.comparators import load_comparators
from indlint.values.parse import ValueParser
from indlint.read.yamlform import ReadError, read_string, read_text

FIELDS = ("target", "actual")
_ZEROS = re.compile(r"(\d+)\.(\d*?)0+(?!\d)")
_PAREN = re.compile(r"(?<=\d)\s*[(（]\s*([^()（）]{1,12}?)\s*[)）]")


@dataclass(frozen=True)
class FixResult:
    """What fixing one file gave: the new text (None when unchanged) or why it was refused."""

    path: str
    old: str
    new: str | None
    changes: int
    error: str | None = None
    encoding: str = "utf-8"

    def diff(self) -> str:
        """A unified diff of the change ('' when nothing changes)."""
        if self.new is None:
            return ""
        return "".join(difflib.unified_diff(self.old.splitlines(True), self.new.splitlines(True),
                                            f"a/{self.path}", f"b/{self.path}"))


def normalise_notation(raw: str) -> str:
    """The value with its notation normalised (the meaning is checked by the caller)."""
    text = raw
    for pattern, sign in _comparator_rewrites():
        text = pattern.sub(lambda m: m.group(1) + sign, text, count=1)
    text = _ZEROS.sub(lambda m: m.group(1) + ("." + m.group(2) if m.group(2) else ""), text)
    text = _PAREN.sub(lambda m: m.group(1), text)
    return text.replace("百分比", "%")


@functools.lru_cache(maxsize=None)
def _comparator_rewrites() -> tuple[tuple[re.Pattern, str], ...]:
    """One pattern per sign: the forms fix rewrites to it, at the start of a value."""
    return tuple((re.compile(r"^(\s*)(?:%s)" % "|".join(map(re.escape, forms))), sign)
                 for sign, forms in load_comparators().rewrite)


def _same_meaning(parser: ValueParser, old: str, new: str) -> bool:
    a, b = parser.parse(old), parser.parse(new)
    keys = ("kind", "comparator", "number", "upper", "unit", "deadline", "text", "per")
    return a.has_number and all(getattr(a, k) == getattr(b, k) for k in keys)


def fix_file(path: str, parser: ValueParser) -> FixResult:
    """Work out the notation fixes of one YAML file (nothing is written here)."""
    if path.lower().endswith((".xlsx", ".csv")):
        return FixResult(path, "", None, 0, "只能改写 YAML 申报表；表格文件请用 indlint report --xlsx-out 标注")
    try:
        text, encoding = read_text(path)
    except ReadError as err:
        return FixResult(path, "", None, 0, str(err))
    doc = read_string(text, path)
    if doc.error:
        return FixResult(path, text, None, 0, doc.error)
    patches = _patches(doc, text, parser)
    if not patches:
        return FixResult(path, text, None, 0, encoding=encoding)
    new = _apply(text, patches)
    problem = _verify(doc, read_string(new, path), {(f, r, k): v for f, r, k, _, _, v in patches})
    if problem:
        return FixResult(path, text, None, 0, f"改写后校验失败，未修改：{problem}")
    return FixResult(path, text, new, len(patches), encoding=encoding)


def _patches(doc: Document, text: str, parser: ValueParser) -> list[tuple]:
    out = []
    for form in doc.forms:
        for row in form.rows:
            for key in FIELDS:
                old, pos = row.fields.get(key), row.field_pos.get(key)
                if not old or pos is None or pos.start < 0:
                    continue
                new = normalise_notation(old)
                if new != old and _same_meaning(parser, old, new):
                    source = text[pos.start:pos.end]
                    inner = source[1:-1] if source[:1] in "\"'" else source
                    if inner == old:            # only plain text we can patch byte for byte
                        out.append((form.index, row.index, key, pos.start, pos.end,
                                    source.replace(old, new, 1)))
    return out


def _apply(text: str, patches: list[tuple]) -> str:
    for *_, start, end, replacement in sorted(patches, key=lambda p: p[3], reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _verify(before: Document, after: Document, patched: dict) -> str | None:
    if after.error or len(before.forms) != len(after.forms):
        return after.error or "表的数量变了"
    for fa, fb in zip(before.forms, after.forms):
        if dict(fa.meta) != dict(fb.meta) or len(fa.rows) != len(fb.rows):
            return f"第 {fa.index} 张表的表头信息变了"
        for ra, rb in zip(fa.rows, fb.rows):
            for key in set(ra.fields) | set(rb.fields):
                if (fa.index, ra.index, key) in patched:
                    continue
                if ra.fields.get(key) != rb.fields.get(key):
                    return f"第 {ra.index} 行的 {key} 变了"
    return None


def write_fix(result: FixResult) -> None:
    """Write a fixed file atomically in its own encoding."""
    folder = Path(result.path).resolve().parent
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".indlint-tmp")
    encoding = "utf-8" if result.encoding == "utf-8-sig" else result.encoding
    data = result.new.encode(encoding)
    if result.encoding == "utf-8-sig":
        data = b"\xef\xbb\xbf" + data
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(tmp, os.stat(result.path).st_mode & 0o7777)
    os.replace(tmp, result.path)
