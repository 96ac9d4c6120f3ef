"""Read plain block-style YAML line by line into the node tree libyaml gives, or decline."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import accumulate, count
from types import MappingProxyType
from typing import NamedTuple

from indlint.core.model import Pos, Row

# Declaration files use a small part of YAML: block mappings and lists of one-line scalars.
# For them this builds exactly the tree read/libyaml.py composes from libyaml's events, and
# faster; on anything else, or unsure, it declines (errors too) and libyaml reads the text.


class Scalar(NamedTuple):
    """A scalar (a tuple, like Pos: a big form has a million of them, and a tuple is cheap)."""

    value: str | None
    pos: Pos


@dataclass(slots=True)
class Map:
    pos: Pos
    items: list = field(default_factory=list)      # [(key Scalar, node)]


@dataclass(slots=True)
class Seq:
    pos: Pos
    items: list = field(default_factory=list)


class Rows(NamedTuple):
    """Build the mappings in a list under these keys as Rows (what yamlform._row makes of
    them), not as Maps: it spares a scalar for every key and a pass over every row."""

    keys: frozenset
    aliases: dict


#: What compose returns when the text is not in the subset this reader is sure of.
DECLINE = object()

_new_pos = tuple.__new__      # Pos(…) without NamedTuple's Python-level __new__ (every field)
_REST = tuple(Pos._field_defaults[f] for f in Pos._fields[4:])     # cell, location: None

# Characters a plain scalar may not start with here (YAML's indicators, and space).
_INDICATOR = frozenset("-?:,[]{}#&*!|>'\"%@` ")
# Anything libyaml would not read as one printable character of one line: tabs, \r, control
# characters, NEL and the Unicode line separators, a BOM, surrogates, U+FFFE/U+FFFF.
# Written as what it finds, not as the complement of what it allows: compiles 3 ms faster.
_NOT_PLAIN_TEXT = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029"
                             "\ud800-\udfff\ufeff\ufffe\uffff]")
# One scalar in the slow path (a line with a quote or #): plain, single- or double-quoted.
_PLAIN = re.compile(r"[^-?:,\[\]{}#&*!|>'\"%@` ](?:[^:#]|:(?! |$)|(?<! )#)*")
_SINGLE = re.compile(r"'((?:[^']|'')*)'")
_OPEN_SINGLE = re.compile(r"(?:[^']|'')*")
_DOUBLE = re.compile(r'"([^"\\]*)"')
_SPACES = re.compile(r" *")
_OUTSIDE = re.compile(r'(?:^|[:-] ) *[\[{|>&*!]|"[^"\n]*\\', re.M)
# libyaml gives up on a simple key longer than 1,024 characters (the key and its colon).
_MAX_KEY = 1000
_MAP, _SEQ, _INDENTLESS, _ROW = 0, 1, 2, 3     # kinds of open collection


class _Decline(Exception):
    """Raised inside the reader; compose turns it into DECLINE."""


def compose(text: str, max_depth: int, max_nodes: int, rows: Rows | None = None):
    """The node tree of a text in the block subset (libyaml's, exactly), or DECLINE."""
    # A cheap pre-scan first, for what would decline midway (flow style, block scalars, anchors,
    # escapes; `...`, which could pass for a key): then a declined file costs little more.
    if (not text or _NOT_PLAIN_TEXT.search(text) or text.startswith("...") or "\n..." in text
            or (any(c in text for c in '{[|&*!\\') and _OUTSIDE.search(text))):
        return DECLINE
    lines = text.split("\n")
    if len(lines) * 8 > max_nodes:         # a line makes at most eight events
        return DECLINE
    starts = accumulate(map((1).__add__, map(len, lines)), initial=0)    # line + "\n"
    reader = _Reader(max_depth, rows or Rows(frozenset(), {}))
    try:
        return _build(zip(count(1), lines, starts), reader)
    except _Decline:
        return DECLINE


def _build(lines, reader: _Reader):
    """The tree: the common lines read here, the others by _Reader.line."""
    # Lanes take most lines: `key: value` in the open mapping (col0, items0) or row (col0,
    # fields0, where0), and `- key: value` beginning the next item of the list that holds
    # it (col1). A line's head (indent, dash, key) is checked once, then looked up in heads.
    stack, new_item, heads = reader.stack, reader.new_item, {}
    col0 = col1 = -1
    items0 = fields0 = where0 = None
    new_pos, indicator, scalar = _new_pos, _INDICATOR, Scalar
    for lineno, line, start in lines:
        head, sep, v = line.partition(": ")
        known = heads.get(head) if sep else None
        if known is None and sep:
            known = heads[head] = _head(head, reader.rows.aliases)
        if known and v and v[-1] != " " and " #" not in v:
            col, dash, n, k, name = known
            c = v[0]
            if c not in indicator:
                value = None if v[-1] == ":" or ": " in v else v
            elif c == "'" and len(v) > 1 and v[-1] == "'" and "'" not in v[1:-1]:
                value = v[1:-1]
            else:
                value = None
            if value is not None and col == (col1 if dash else col0):
                if dash:                    # the next item of the list
                    stack.pop()
                    col0 = col + 2
                    items0, fields0, where0 = new_item(stack[-1], col0, lineno, start)
                a = start + col0
                b = a + n + 2
                where = new_pos(Pos, (lineno, col0 + n + 3, b, b + len(v), None, None))
                if fields0 is not None:
                    fields0[name] = value
                    where0[name] = where
                else:
                    items0.append((new_pos(scalar, (k, new_pos(Pos, (
                        lineno, col0 + 1, a, a + n, None, None)))),
                        new_pos(scalar, (value, where))))
                continue
        s = line.lstrip(" ")
        if not s or s[0] == "#":
            continue
        reader.line(line, s, len(line) - len(s), lineno, start, lines)
        col0, items0, fields0, where0, col1 = reader.lanes()
    return reader.end()


def _head(head: str, aliases: dict):
    """(column, dash, length, key, row field) of a line's head `  - key` or `  key` that the
    lanes may take; () for any other."""
    s = head.lstrip(" ")
    col = len(head) - len(s)
    dash = s[:2] == "- "
    k = s[2:] if dash else s
    if not k or k[0] in _INDICATOR or k[-1] in " :" or " #" in k or len(k) > _MAX_KEY:
        return ()
    return col, dash, len(k), k, aliases.get(k, k)


class _Reader:
    """Any line of the subset, against a stack of open collections [column, node, kind, …]."""
    # kind: _MAP (column of its keys), _SEQ (column of its dashes), _INDENTLESS (a sequence
    # whose dashes stand in the column of the mapping that holds it), _ROW (a mapping built
    # as a Row: its fields and positions follow). A sequence's fourth: does it hold rows.

    def __init__(self, max_depth: int, rows: Rows):
        self.stack: list = []
        self.root = None
        self.pending = None     # the empty scalar's Pos of a `key:` or `-` not yet given a value
        self.pending_key = None
        self.max_depth = max_depth
        self.rows = rows

    def lanes(self):
        """col0, items0, fields0, where0, col1 for _build (see there)."""
        stack = self.stack
        top = stack[-1]
        if self.pending is not None or top[2] == _SEQ or top[2] == _INDENTLESS:
            return -1, None, None, None, -1
        col1 = stack[-2][0] if len(stack) > 1 and stack[-2][2] in (_SEQ, _INDENTLESS) else -1
        if top[2] == _ROW:
            return top[0], None, top[3], top[4], col1
        return top[0], top[1].items, None, None, col1

    def new_item(self, frame, col: int, lineno: int, start: int):
        """Begin a mapping (or row) at col as the next item of the list in frame; return
        the items, or the fields and positions, the lanes fill."""
        if len(self.stack) >= self.max_depth - 1:
            raise _Decline
        a = start + col
        pos = _new_pos(Pos, (lineno, col + 1, a, a, None, None))
        items = frame[1].items
        if frame[3]:
            fields, where = {}, {}
            # Row(…) without the frozen dataclass's __init__ (a setattr a field): half the time.
            row = object.__new__(Row)
            row.__dict__.update(index=len(items) + 1, fields=MappingProxyType(fields), pos=pos,
                                field_pos=MappingProxyType(where), notes=())
            items.append(row)
            self.stack.append([col, row, _ROW, fields, where])
            return None, fields, where
        node = Map(pos)
        items.append(node)
        self.stack.append([col, node, _MAP])
        return node.items, None, None

    def end(self):
        """The root, once every line is read."""
        if self.root is None:
            raise _Decline
        if self.pending is not None:
            self.put(self.stack[-1], Scalar("", self.pending))
        return self.root

    def line(self, line: str, s: str, col: int, lineno: int, start: int, lines) -> None:
        """Read one line (s: without its indent; a quoted value may take lines after it)."""
        dash = s[0] == "-" and (len(s) == 1 or s[1] == " ")
        t = s[1:].lstrip(" ") if dash else s
        tcol = len(line) - len(t)
        if t[:1] == "#":            # `- # …`
            t = ""
        key = value = None
        if t:
            key, value = _entry(t, dash, lineno, tcol, start + tcol, lines)
        stack = self.stack
        if self.root is None:
            if col:
                raise _Decline
            self.root = self.open(dash, col, lineno, start, False)
        elif self.pending is not None:
            top = stack[-1]
            if col > top[0] or (dash and col == top[0] and top[2] == _MAP):
                if top[2] == _ROW:
                    raise _Decline          # a row whose field is a list or mapping
                if not dash and top[2] != _MAP and top[3]:
                    self.new_item(top, col, lineno, start)
                else:
                    rows = top[2] == _MAP and dash and self.pending_key in self.rows.keys
                    node = self.open(dash, col, lineno, start, rows)
                    if col == top[0]:
                        stack[-1][2] = _INDENTLESS
                        node.pos = _new_pos(Pos, node.pos[:3] + (node.pos[2] + 1,) + _REST)
                    self.put(top, node)
            else:
                self.put(top, Scalar("", self.pending))
            self.pending = None
        # Close what this line's column closes; the open collection must then take the entry.
        top = stack[-1]
        while top[0] > col or (top[2] == _INDENTLESS and not dash and top[0] == col):
            stack.pop()
            if not stack:
                raise _Decline
            top = stack[-1]
        if top[0] != col or (top[2] in (_MAP, _ROW)) == dash:
            raise _Decline
        if dash:
            if key is None:
                if value is not None:
                    top[1].items.append(value)
                else:
                    a = start + col + 1
                    self.pending = _new_pos(Pos, (lineno, col + 2, a, a) + _REST)
                return
            self.new_item(top, tcol, lineno, start)
            top = stack[-1]
        elif key is None:
            raise _Decline
        if value is None:
            a = key.pos[3] + 1
            self.pending = _new_pos(Pos, (lineno, a - start + 1, a, a) + _REST)
            self.pending_key = key.value
        self.add(top, key, value)

    def open(self, dash: bool, col: int, lineno: int, start: int, rows: bool):
        """Open a mapping or sequence (of rows?) whose first entry is at col of this line."""
        if len(self.stack) >= self.max_depth - 1:
            raise _Decline
        a = start + col
        pos = _new_pos(Pos, (lineno, col + 1, a, a) + _REST)
        if dash:
            node = Seq(pos)
            self.stack.append([col, node, _SEQ, rows])
        else:
            node = Map(pos)
            self.stack.append([col, node, _MAP])
        return node

    def add(self, frame, key: Scalar, value: Scalar | None) -> None:
        """Add key: value (value None: pending) to the mapping or row in frame."""
        if frame[2] == _MAP:
            frame[1].items.append((key, value))
        elif value is not None:
            name = self.rows.aliases.get(key.value, key.value)
            frame[3][name] = value.value
            frame[4][name] = value.pos

    def put(self, frame, node) -> None:
        """Give the pending `key:` or `-` of the open collection in frame its value."""
        kind = frame[2]
        if kind == _MAP:
            items = frame[1].items
            items[-1] = (items[-1][0], node)
        elif kind == _ROW:
            self.add(frame, Scalar(self.pending_key, None), node)
        else:
            frame[1].items.append(node)


def _entry(t: str, dash: bool, lineno: int, col: int, index: int, lines):
    """(key, value) of a line's entry, the value None while pending."""
    if "#" not in t and "'" not in t and '"' not in t:
        return _plain_entry(t, dash, lineno, col, index)
    first = _scalar(t, 0, lineno, col, index, None)
    if first is None:
        return None, None
    node, i, t = first
    if t[i:i + 1] == ":" and t[i + 1:i + 2] in ("", " "):
        if i > _MAX_KEY:
            raise _Decline
        key = node
        j = _SPACES.match(t, i + 1).end()
        if j == len(t) or (t[j] == "#" and j > i + 1):
            return key, None
        value, i, t = _scalar(t, j, lineno, col, index, lines)
    elif not dash:
        raise _Decline
    else:
        key, value = None, node
    j = _SPACES.match(t, i).end()
    if j == len(t) or (t[j] == "#" and j > i):
        return key, value
    raise _Decline


def _plain_entry(t: str, dash: bool, lineno: int, col: int, index: int):
    """(key, value) of an entry of plain scalars alone; the value None while pending."""
    k, sep, v = t.partition(": ")
    if not sep:
        if t[-1] != ":":
            t = t.rstrip(" ")
            if t[0] in _INDICATOR or not dash:
                raise _Decline
            return None, Scalar(t, _new_pos(Pos, (lineno, col + 1, index, index + len(t)) + _REST))
        k = t[:-1]
    if not k or k[0] in _INDICATOR or k[-1] in " :" or len(k) > _MAX_KEY:
        raise _Decline
    key = Scalar(k, _new_pos(Pos, (lineno, col + 1, index, index + len(k)) + _REST))
    vs = v.lstrip(" ")
    if not vs:
        return key, None
    a = index + len(k) + 2 + len(v) - len(vs)
    vs = vs.rstrip(" ")
    if vs[0] in _INDICATOR or vs[-1] == ":" or ": " in vs:
        raise _Decline
    return key, Scalar(vs, _new_pos(Pos, (lineno, col + 1 + a - index, a, a + len(vs)) + _REST))


def _scalar(t: str, i: int, lineno: int, col: int, index: int, lines):
    """(Scalar, index after it, the line that index is in) of the scalar at t[i]; None for
    a comment. Only a single-quoted value (lines given) may go on over lines (as yaml.dump
    writes long texts)."""
    c = t[i]
    if c == "#":
        return None
    if c == "'":
        m = _SINGLE.match(t, i)
        if m is None and lines is not None:
            return _quoted_lines(t, i, lineno, col, index, lines)
        value = m and m.group(1).replace("''", "'")
    elif c == '"':
        m = _DOUBLE.match(t, i)
        value = m and m.group(1)
    else:
        m = _PLAIN.match(t, i)
        value = m and m.group().rstrip(" ")
        if m and (value[-1] == ":" or value[-1] == " "):
            raise _Decline
    if not m:
        raise _Decline
    end = i + len(value) if c not in "'\"" else m.end()
    pos = _new_pos(Pos, (lineno, col + i + 1, index + i, index + end) + _REST)
    return Scalar(value, pos), end, t


def _quoted_lines(t: str, i: int, lineno: int, col: int, index: int, lines):
    """A single-quoted scalar that goes on over lines, folded as libyaml folds it."""
    # Its lines must be indented deeper than its entry (col): libyaml would read them anyway,
    # but YAML says they end the value, so another reader could not take them so.
    if _OPEN_SINGLE.match(t, i + 1).end() != len(t):
        raise _Decline
    parts = [t[i + 1:].rstrip(" ")]
    breaks = 0
    for _, line, start in lines:
        s = line.lstrip(" ")
        if not s:
            breaks += 1
            continue
        if len(line) - len(s) <= col:
            raise _Decline
        m = _OPEN_SINGLE.match(s)
        parts.append("\n" * breaks if breaks else " ")
        breaks = 0
        if m.end() < len(s):        # the closing quote
            parts.append(s[:m.end()])
            end = start + len(line) - len(s) + m.end() + 1
            value = "".join(parts).replace("''", "'")
            pos = _new_pos(Pos, (lineno, col + i + 1, index + i, end) + _REST)
            return Scalar(value, pos), m.end() + 1, s
        parts.append(s.rstrip(" "))
    raise _Decline
