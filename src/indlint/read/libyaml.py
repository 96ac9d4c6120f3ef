"""Compose YAML text into read/blockyaml.py's node tree through PyYAML's events (libyaml when present).

Imported only for text read/blockyaml.py declines (flow style, anchors, errors …), or for every
text when PyYAML has no libyaml binding (read/yamlform.fast): PyYAML's import and its regular
expressions cost a cold start about 8 ms (issue 16).
"""
from __future__ import annotations

import re

import yaml

from indlint.core.model import Pos
from indlint.read.blockyaml import Map as _Map, Scalar as _Scalar, Seq as _Seq
from indlint.read.errors import ReadError

_NULLS = {"", "~", "null", "Null", "NULL"}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Whether positions are libyaml's (what read/blockyaml.py reproduces), not pure PyYAML's.
WITH_LIBYAML = _Loader is not yaml.SafeLoader


# A small node tree (read/blockyaml.py) built from PyYAML's event stream:
# Events are several times faster than PyYAML's composer, and give the marks we need.

def _pos(event) -> Pos:
    start, end = event.start_mark, event.end_mark
    return Pos(start.line + 1, start.column + 1, start.index, end.index)


def compose(text: str, max_depth: int, max_events: int):
    """Build the node tree of the first YAML document in text; raise ReadError."""
    stack: list = []
    anchors: dict = {}
    # Aliases share their anchor's node, but the forms and rows they stand for are each read
    # and checked: 1,000 aliases of a form of 1,000 aliased rows make a million rows from 8 KB.
    # So an alias counts as the events of its anchor's node, and the total stays bounded.
    sizes: dict = {}            # anchor → events its (closed) node stands for, aliases expanded
    open_anchored: list = []    # (depth, anchor, events before it) of open anchored collections
    extra = 0                   # events the aliases so far stand for, beyond their own one
    parser = None
    try:
        # The parser's own get_event, not yaml.parse: that generator costs two method calls
        # per event, a fifth of the reading time of a big file.
        parser = _Loader(text)
        get_event = parser.get_event
        count = -1
        while True:
            event = get_event()
            count += 1
            if count + extra > max_events:
                raise ReadError(f"文件过大：超过 {max_events} 个 YAML 节点（别名 *锚点 按展开后计）")
            if event.__class__ is _STREAM_END:
                break
            kind = _EVENTS.get(type(event))
            if kind is None:
                continue
            if kind == "end":
                if open_anchored and open_anchored[-1][0] == len(stack):
                    _, anchor, begun = open_anchored.pop()
                    sizes[anchor] = count + extra - begun + 1
                done = stack.pop()
                if not stack:
                    return done
                continue
            if kind == "alias":
                extra += sizes.get(event.anchor, 1) - 1      # an open (recursive) anchor: 1
            node = _node_of(kind, event, anchors)
            if stack:
                _attach(stack[-1], node)
            elif kind in ("scalar", "alias"):
                return node
            if kind in ("map", "seq"):
                if len(stack) >= max_depth:
                    raise ReadError(f"YAML 嵌套超过 {max_depth} 层")
                stack.append(node)
                if event.anchor:
                    sizes.pop(event.anchor, None)
                    open_anchored.append((len(stack), event.anchor, count + extra))
    except yaml.YAMLError as err:
        raise ReadError(_yaml_message(err, text, max_depth)) from None
    except UnicodeEncodeError as err:
        # libyaml encodes the text to UTF-8 first: a lone surrogate (U+D800…U+DFFF) cannot be.
        where = _where(text, err.start) if err.object is text else ""
        raise ReadError(f"{where}含有无效的 Unicode 字符 U+{ord(err.object[err.start]):04X}"
                        f"（孤立的代理项）") from None
    finally:
        if parser is not None:
            parser.dispose()
    return None


_STREAM_END = yaml.StreamEndEvent


_EVENTS = {yaml.ScalarEvent: "scalar", yaml.MappingStartEvent: "map",
           yaml.SequenceStartEvent: "seq", yaml.AliasEvent: "alias",
           yaml.MappingEndEvent: "end", yaml.SequenceEndEvent: "end"}


def _node_of(kind: str, event, anchors):
    if kind == "alias":
        # An alias shares its anchor's node: nothing is copied (compose bounds what it stands for).
        if event.anchor not in anchors:
            raise ReadError(f"第 {event.start_mark.line + 1} 行：引用了未定义的锚点 *{event.anchor}")
        return anchors[event.anchor]
    if kind == "scalar":
        node = _scalar(event)
    elif kind == "map":
        node = _Map(_pos(event))
    else:
        node = _Seq(_pos(event))
    if event.anchor:
        anchors[event.anchor] = node
    return node


def _scalar(event) -> _Scalar:
    value, start = event.value, event.start_mark
    if event.style is None and value in _NULLS and event.implicit[0]:
        value = None
    return _Scalar(value, Pos(start.line + 1, start.column + 1, start.index, event.end_mark.index))


def _attach(parent, node) -> None:
    items = parent.items
    if parent.__class__ is _Seq:
        items.append(node)
    elif items and items[-1][1] is None:
        items[-1] = (items[-1][0], node)
    else:
        key = node if node.__class__ is _Scalar else _Scalar(None, node.pos)
        items.append((key, None))


def _yaml_message(err: yaml.YAMLError, text: str, max_depth: int) -> str:
    if isinstance(err, yaml.reader.ReaderError):
        # A character YAML does not allow (control characters, U+FFFE …): say which, and where.
        code = err.character if isinstance(err.character, int) else ord(err.character)
        offset = err.position
        if WITH_LIBYAML:      # libyaml counts bytes of the UTF-8 text
            offset = len(text.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "ignore"))
        what = "控制字符" if code < 0x20 or 0x7F <= code <= 0x9F else "字符"
        return (f"{_where(text, offset)}含有 YAML 不允许的{what} U+{code:04X}"
                f"（常见于从 Word、PDF 或网页复制的文字），请删除该字符")
    mark = getattr(err, "problem_mark", None)
    where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列：" if mark else ""
    problem = getattr(err, "problem", None) or str(err).splitlines()[0]
    if problem == "exceeded maximum nesting depth":       # libyaml's own bound (1,000)
        return f"{where}YAML 嵌套超过 {max_depth} 层"
    return f"不是有效的 YAML：{where}{problem}"


_LINE_BREAK = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")


def _where(text: str, offset: int) -> str:
    """Return 第 L 行第 C 列： for a character offset (counting YAML's line breaks)."""
    line, start = 1, 0
    for brk in _LINE_BREAK.finditer(text, 0, offset):
        line, start = line + 1, brk.end()
    return f"第 {line} 行第 {offset - start + 1} 列："
