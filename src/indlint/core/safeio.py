"""One careful reader for every file indlint opens: regular files only, bounded size, bounded YAML and JSON.

Forms, configuration, sidecars, baselines, profiles, corrections, rule files and cache entries
all come through here. A file is opened without blocking and checked again on the open
descriptor (a FIFO swapped in between the check and the open cannot hang the run), read up
to the cap of its kind, and parsed with bounded nesting and bounded alias expansion (an
alias bomb of a few kilobytes cannot cost gigabytes downstream). Every refusal is an
InputError whose message is one Chinese line naming the file.
"""
from __future__ import annotations

import errno
import os
import re
import stat

MiB = 1024 * 1024
#: The largest file of each kind that is read at all.
LIMITS = {"form": 16 * MiB, "config": 1 * MiB, "sidecar": 1 * MiB, "baseline": 64 * MiB,
          "profile": 256 * 1024, "corrections": 4 * MiB, "rule": 1 * MiB, "cache": 16 * MiB,
          "import": 16 * MiB, "pyproject": 4 * MiB}
#: YAML and JSON nesting deeper than this is refused (no file of indlint's needs ten levels).
MAX_DEPTH = 64
#: YAML nodes a document may stand for once its aliases are expanded.
MAX_NODES = 2_000_000


class InputError(ValueError):
    """A file refused or unreadable: ``reason`` is one Chinese line, str() adds the file name."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{shown(path)}：{reason}" if path else reason)
        self.path, self.reason = path, reason


def shown(path) -> str:
    """A path as it can be printed: bytes that are not UTF-8 become U+FFFD, never an exception."""
    text = os.fspath(path)
    if isinstance(text, bytes):
        return text.decode("utf-8", "replace")
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:      # a lone surrogate no file name holds (made in Python)
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def utf8(text: str) -> bytes:
    """Text as UTF-8 bytes for an output: a file name that is not UTF-8 (lone surrogates from
    the file system) shows as U+FFFD instead of failing the whole output."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return shown(text).encode("utf-8")


def read_bytes(path, kind: str = "form", follow_links: bool = True, limit: int | None = None) -> bytes:
    """The bytes of a regular file of at most LIMITS[kind] (or ``limit``) bytes; raise InputError.

    ``follow_links=False`` (cache entries) refuses a symbolic link instead of reading its target.
    """
    limit = LIMITS[kind] if limit is None else limit
    name = os.fspath(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        check_regular((os.stat if follow_links else os.lstat)(name), limit)
        fd = os.open(name, flags)
    except OSError as err:
        raise InputError(name, os_message(err)) from None
    except InputError as err:
        raise InputError(name, err.reason) from None
    try:
        with os.fdopen(fd, "rb") as handle:
            check_regular(os.fstat(handle.fileno()), limit)
            data = handle.read(limit + 1)
    except OSError as err:
        raise InputError(name, os_message(err, "无法读取文件")) from None
    except InputError as err:
        raise InputError(name, err.reason) from None
    if len(data) > limit:       # grew after the check
        raise InputError(name, f"文件过大，上限为 {limit} 字节")
    return data


def check_regular(info: os.stat_result, limit: int) -> None:
    """Refuse what is not a regular file, or is over the limit (InputError without a path)."""
    if not stat.S_ISREG(info.st_mode):
        raise InputError("", "不是普通文件（目录、管道或设备），已跳过")
    if info.st_size > limit:
        raise InputError("", f"文件过大（{info.st_size} 字节），上限为 {limit} 字节")


def read_text(path, kind: str) -> str:
    """A regular file's text, which must be UTF-8 (a BOM is dropped); raise InputError."""
    data = read_bytes(path, kind)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        raise InputError(os.fspath(path), f"第 {line} 行不是有效的 UTF-8 文字（请存为 UTF-8）") from None


def os_message(err: OSError, action: str = "无法访问文件") -> str:
    """A Chinese message for an OSError on a file."""
    if err.errno == errno.ENOENT:
        return "文件不存在（或是指向不存在文件的链接）"
    if err.errno == errno.ELOOP:
        return "符号链接形成循环（链接指向自身或彼此互指），已跳过"
    if err.errno in (errno.EACCES, errno.EPERM):
        return f"{action}：没有读取权限"
    if err.errno == errno.EISDIR:
        return "不是普通文件（目录、管道或设备），已跳过"
    return f"{action}：{err.strerror or type(err).__name__}"


# ---- YAML ---------------------------------------------------------------------------------

def load_yaml(text: str, path="", max_nodes: int = MAX_NODES):
    """Parse YAML safely: bounded depth and alias expansion, no recursive aliases; raise InputError."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        check_yaml_bounds(text, path, max_nodes)
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"第 {mark.line + 1} 行：" if mark else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise InputError(os.fspath(path), f"{where}不是有效的 YAML（{problem}）") from None
    except (UnicodeEncodeError, RecursionError, ValueError) as err:
        if isinstance(err, InputError):
            raise
        raise InputError(os.fspath(path), "不是有效的 YAML（含无效字符或结构）") from None


def check_yaml_bounds(text: str, path="", max_nodes: int = MAX_NODES) -> None:
    """Refuse YAML too deep or too large once aliases are expanded (InputError); a syntax
    error is left to the caller as PyYAML's yaml.YAMLError (to word it in its own way)."""
    import yaml

    _bounded(yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)), path, max_nodes)


def _bounded(events, path, max_nodes: int) -> None:
    """Walk the event stream once: depth, and nodes counted with every alias expanded."""
    import yaml

    depth, total = 0, 0
    sizes: dict = {}            # anchor → nodes its closed node stands for
    open_anchors: list = []     # (depth, anchor, total before it)
    for event in events:
        if isinstance(event, yaml.AliasEvent):
            if any(a == event.anchor for _, a, _ in open_anchors):
                raise InputError(os.fspath(path), f"第 {event.start_mark.line + 1} 行：别名 *{event.anchor} 引用了包含它自身的锚点")
            total += sizes.get(event.anchor, 1)
        elif isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
            total += 1
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise InputError(os.fspath(path), f"第 {event.start_mark.line + 1} 行：嵌套超过 {MAX_DEPTH} 层")
                if event.anchor:
                    open_anchors.append((depth, event.anchor, total - 1))
            elif event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.CollectionEndEvent):
            if open_anchors and open_anchors[-1][0] == depth:
                _, anchor, before = open_anchors.pop()
                sizes[anchor] = total - before
            depth -= 1
        if total > max_nodes:
            raise InputError(os.fspath(path), f"内容过多：超过 {max_nodes} 个节点（别名 *锚点 按展开后计）")


def read_yaml(path, kind: str, max_nodes: int = MAX_NODES):
    """Read and parse one YAML file of a kind (UTF-8, bounded); raise InputError."""
    return load_yaml(read_text(path, kind), path, max_nodes)


# ---- JSON ---------------------------------------------------------------------------------

#: A string (to its end, or to the end of the text when unterminated: no backtracking) or a bracket.
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]')


def load_json(text: str, path="", max_depth: int = MAX_DEPTH):
    """Parse JSON with bounded nesting (checked in one linear pass first); raise InputError."""
    import json

    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        char = match.group()
        if char in "[{":
            depth += 1
            if depth > max_depth:
                raise InputError(os.fspath(path), f"JSON 嵌套超过 {max_depth} 层")
        elif char in "]}":
            depth -= 1
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as err:
        raise InputError(os.fspath(path), f"不是有效的 JSON（{str(err)[:80]}）") from None


def read_json(path, kind: str, max_depth: int = MAX_DEPTH, follow_links: bool = True):
    """Read and parse one JSON file of a kind (UTF-8, bounded); raise InputError."""
    data = read_bytes(path, kind, follow_links)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(os.fspath(path), "不是有效的 UTF-8 文字") from None
    return load_json(text, path, max_depth)


# ---- terminal ------------------------------------------------------------------------------

# Left to re's own cache (compiled on first use): most runs never show an unprintable character.
_CONTROL = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"


def printable(text: str, keep_tabs: bool = True) -> str:
    """Text safe for a terminal: control and bidi-override characters shown as \\xNN / \\uNNNN,
    lone surrogates (names that are not UTF-8) as U+FFFD. File data never drives the terminal."""
    if isinstance(text, str) and text.isprintable():
        return text     # no control, format (bidi), surrogate, tab or line end: nothing to show

    def show(match) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    text = re.sub(_CONTROL, show, shown(text))
    return text if keep_tabs else text.replace("\t", "\\t")
