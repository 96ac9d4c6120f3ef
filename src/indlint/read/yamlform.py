"""Read declaration YAML files (formats.md §1) into Documents, with the position of every field."""
from __future__ import annotations

import functools
import sys
from types import MappingProxyType

from indlint.core import safeio
from indlint.core.model import Document, Form, Pos, Row
from indlint.read import blockyaml
from indlint.read.blockyaml import Map as _Map, Scalar as _Scalar, Seq as _Seq
from indlint.read.encoding import Decoded, legacy
from indlint.read.errors import NoTable, ReadError

#: Files larger than this are refused before they are read (README: 限制).
MAX_FILE_BYTES = safeio.LIMITS["form"]
#: YAML nesting deeper than this is refused (declaration files need about five levels).
MAX_DEPTH = 64
#: More YAML events than this are refused (a form of 100,000 rows needs about 2 million).
MAX_EVENTS = 5_000_000

FORM_ALIASES = {"项目名称": "project", "年度总体目标": "goal", "项目总目标": "overall_goal",
                "主管部门": "department", "实施单位": "implementer", "绩效指标": "indicators",
                "指标": "indicators", "年度": "year", "类型": "kind", "总分": "total_score",
                "资金": "budget", "项目资金": "budget"}
ROW_ALIASES = {"一级指标": "l1", "二级指标": "l2", "三级指标": "name", "指标名称": "name",
               "年度目标值": "target", "预期指标值": "target", "实际值": "actual", "完成值": "actual",
               "指标值依据": "basis", "年度指标值": "target",
               "指标值": "target", "目标值": "target", "实际完成值": "actual", "分值": "score_max",
               "权重": "score_max", "得分": "score", "指标值设定依据": "basis",
               "目标值依据": "basis", "偏差原因分析及改进措施": "deviation",
               "偏差原因": "deviation", "未完成原因分析": "deviation", "指标性质": "nature",
               "度量单位": "unit", "计量单位": "unit", "指标解释": "explanation",
               "指标方向性": "direction", "评(扣)分标准": "scoring", "评（扣）分标准": "scoring"}


# ---- files → documents ---------------------------------------------------------------

def read_yaml(path: str) -> Document:
    """Read one declaration YAML file; a file that cannot be read gives a Document with an error."""
    try:
        found = decode_file(read_regular(path))
        forms = tuple(_forms(_tree(found.text)))
    except ReadError as err:
        return Document(path, error=str(err), no_table=isinstance(err, NoTable))
    return Document(path, forms, encoding=found.encoding, comments=directive_comments(found.text),
                    inferred=found.inferred)


def _tree(text: str):
    """The node tree: read/blockyaml.py's where it is sure of libyaml's, else PyYAML's."""
    root = blockyaml.compose(text, MAX_DEPTH, MAX_EVENTS, _ROWS) if fast() else blockyaml.DECLINE
    return compose(text) if root is blockyaml.DECLINE else root


def compose(text: str):
    """The node tree PyYAML composes (read/libyaml.py, imported only when needed); raise ReadError."""
    from indlint.read import libyaml

    if fast() and not libyaml.WITH_LIBYAML:
        fast.cache_clear()      # the binding is there but does not load: PyYAML's from now on
    return libyaml.compose(text, MAX_DEPTH, MAX_EVENTS)


@functools.lru_cache(maxsize=1)
def fast() -> bool:
    """Whether read/blockyaml.py may stand in: PyYAML has its libyaml binding, whose positions
    blockyaml reproduces (pure PyYAML's differ). Until PyYAML is imported this is asked of the
    installed files, so a cold start on a block-style form never loads it; a binding that is
    there but fails to load is noticed when PyYAML is first used (compose)."""
    yaml = sys.modules.get("yaml")
    if yaml is not None:
        return bool(getattr(yaml, "__with_libyaml__", False))
    from importlib.machinery import PathFinder
    from importlib.util import find_spec

    spec = find_spec("yaml")
    places = spec.submodule_search_locations if spec else None
    return bool(places) and PathFinder.find_spec("yaml._yaml", list(places)) is not None


_ROWS = blockyaml.Rows(frozenset(k for k in [*FORM_ALIASES, "indicators"]
                                 if FORM_ALIASES.get(k, k) == "indicators"), ROW_ALIASES)


def directive_comments(text: str) -> tuple[tuple[int, str], ...]:
    """(line, text) of the lines that carry an ``indlint:`` directive (suppressions)."""
    if "indlint:" not in text:
        return ()
    return tuple((n, line) for n, line in enumerate(text.splitlines(), start=1)
                 if "indlint:" in line)


def read_string(text: str, path: str = "<string>") -> Document:
    """Read a declaration from a string (tests, rule examples)."""
    try:
        return Document(path, tuple(_forms(_tree(text))))
    except ReadError as err:
        return Document(path, error=str(err))


def read_text(path: str) -> tuple[str, str]:
    """Return the decoded text of a file and its encoding; raise ReadError."""
    return decode(read_regular(path))


def read_regular(path: str, limit: int | None = None) -> bytes:
    """Return the bytes of a regular file of at most ``limit`` (MAX_FILE_BYTES); raise ReadError.

    Read through core.safeio (regular files only, opened without blocking, checked again on
    the open file); the message leaves out the path, which the finding carries.
    """
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        return safeio.read_bytes(path, "form", limit=limit)
    except safeio.InputError as err:
        raise ReadError(err.reason) from None


os_message = safeio.os_message


def decode(data: bytes) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK/Big5; raise ReadError."""
    found = decode_file(data)
    return found.text, found.encoding


def decode_file(data: bytes) -> Decoded:
    """Decode a form file and say how certain the encoding is (read/encoding.py); raise ReadError."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return Decoded(data[3:].decode("utf-8", errors="strict"), "utf-8-sig", True)
        except UnicodeDecodeError as err:
            line = data[3:err.start + 3].count(b"\n") + 1
            raise ReadError(f"文件以 UTF-8 标记（BOM）开头，但第 {line} 行含有无效的 UTF-8 字节") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        try:
            return Decoded(data[2:].decode(encoding), encoding, True)
        except UnicodeDecodeError:
            raise ReadError("UTF-16 文件解码失败") from None
    if b"\x00" in data:
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        raise ReadError(f"第 {line} 行含 NUL 字节：是二进制文件（或文件已损坏），不是 YAML 申报表")
    try:
        return Decoded(data.decode("utf-8"), "utf-8", True)
    except UnicodeDecodeError:
        pass
    found = legacy(data)
    if found is None:
        raise ReadError("无法识别文件编码：既不是 UTF-8，也不是 GBK/GB18030 或 Big5")
    return found


def _forms(root) -> list[Form]:
    if root is None:
        raise NoTable("文件为空")
    if not isinstance(root, _Map):
        raise NoTable("顶层不是映射：申报表应以 project:、indicators: 等键开头，或以 forms: 列出多张表")
    forms_node = _lookup(root, "forms")
    if forms_node is None and not {FORM_ALIASES.get(_text(k), _text(k)) for k, _ in root.items} & {
            "indicators", "project"}:
        # Another tool's YAML (a workflow, mkdocs.yml …): no form was attempted here.
        raise NoTable("没有 indicators（指标）列表，也没有 project（项目名称）：不是申报表")
    if forms_node is not None:
        if not isinstance(forms_node, _Seq):
            raise ReadError(f"第 {forms_node.pos.line} 行：forms 应为列表")
        return [_form(i, node) for i, node in enumerate(forms_node.items)]
    return [_form(0, root)]


def _lookup(node: _Map, key: str):
    for k, v in node.items:
        if k.value == key:
            return v
    return None


def _form(index: int, node) -> Form:
    if not isinstance(node, _Map):
        raise ReadError(f"第 {node.pos.line} 行：第 {index} 张表不是映射")
    meta, positions, budget, rows = {}, {}, {}, None
    for key, value in node.items:
        name = FORM_ALIASES.get(_text(key), _text(key))
        positions[name] = (value or key).pos
        if name == "indicators":
            rows = value
        elif name == "budget" and isinstance(value, _Map):
            budget = {_text(k): _text(v) for k, v in value.items}
        else:
            meta[name] = _text(value)
    if rows is None or (isinstance(rows, _Scalar) and rows.value is None):
        raise ReadError(f"第 {node.pos.line} 行起的表没有 indicators（指标）列表")
    if not isinstance(rows, _Seq):
        raise ReadError(f"第 {rows.pos.line} 行：indicators 应为列表，实际是{_kind_zh(rows)}")
    if meta.get("kind") is not None:
        meta["kind"] = _form_kind(meta["kind"], positions["kind"])
    return Form(index, MappingProxyType(meta), MappingProxyType(budget),
                tuple(_row(i, r) for i, r in enumerate(rows.items, start=1)), node.pos,
                MappingProxyType(positions))


#: Spellings of the two kinds of form (formats.md: declaration | self-evaluation).
FORM_KINDS = {"declaration": "declaration", "申报表": "declaration", "绩效目标申报表": "declaration",
              "目标表": "declaration", "self-evaluation": "self-evaluation",
              "self_evaluation": "self-evaluation", "selfevaluation": "self-evaluation",
              "自评表": "self-evaluation", "绩效自评表": "self-evaluation", "自评": "self-evaluation"}


def _form_kind(text: str, pos: Pos) -> str:
    """The kind of a form, or ReadError: a misspelt kind would silently skip the 自评 checks."""
    kind = FORM_KINDS.get(text.strip().lower())
    if kind is None:
        raise ReadError(f"第 {pos.line} 行：kind 应为 declaration（申报表）或 self-evaluation（自评表），"
                        f"实际是「{text[:40]}」")
    return kind


def _row(index: int, node) -> Row:
    if node.__class__ is Row:       # read/blockyaml.py builds rows as it reads
        return node
    if not isinstance(node, _Map):
        # Kept as an empty row rather than dropped: the rules report its blank fields.
        return Row(index, MappingProxyType({}), node.pos)
    fields, positions = {}, {}
    alias = ROW_ALIASES.get
    for key, value in node.items:       # _text inlined: this runs for every cell of every row
        text = key.value if key.__class__ is _Scalar else None
        name = alias(text, text)
        fields[name] = value.value if value.__class__ is _Scalar else None
        positions[name] = (value or key).pos
    return Row(index, MappingProxyType(fields), node.pos, MappingProxyType(positions))


def _text(node) -> str | None:
    """Return a scalar's text; a list or mapping where a value belongs reads as None."""
    if isinstance(node, _Scalar):
        return node.value
    return None


def _kind_zh(node) -> str:
    return {_Map: "映射", _Seq: "列表"}.get(type(node), "单个值")
