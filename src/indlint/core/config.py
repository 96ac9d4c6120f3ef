"""Find and validate the project configuration (indlint.yaml or [tool.indlint] in pyproject.toml)."""
from __future__ import annotations

import fnmatch
import functools
import os
import re
import stat
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Mapping, NamedTuple

from indlint.core import safeio

if TYPE_CHECKING:
    import yaml

KEYS = ("profile", "select", "ignore", "severity", "fail-on", "rule-paths", "per-file-ignores",
        "exclude", "extend-exclude")
#: Folders and files a folder walk never enters (ruff's defaults, and what a forms repository holds).
DEFAULT_EXCLUDE = (".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "__pycache__",
                   "node_modules", "build", "dist", "site-packages", ".mypy_cache", ".pytest_cache",
                   ".ruff_cache", ".indlint_cache")
SEVERITIES = ("error", "warning", "info")


class ConfigError(ValueError):
    """A configuration that cannot be used; the message names the file and the key."""


class Config(NamedTuple):
    """The settings of one run; CLI flags are applied on top by the caller."""

    path: str | None = None
    profile: str = "default"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, str] = MappingProxyType({})
    fail_on: str = "error"
    rule_paths: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = MappingProxyType({})
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE      # globs, relative to the configuration's folder

    def excludes(self, path: str, root: str | None = None) -> bool:
        """Whether exclude / extend-exclude names the path, a folder above it, or its name.

        The path is taken relative to the configuration's folder (or, outside it, to the folder
        walked), so that a folder above the project named ``build`` excludes nothing.
        """
        # abspath, not resolve: a link loop must not raise, and a link is judged where it lies.
        target = Path(os.path.abspath(path))
        rel = None
        for base in ((Path(self.path).parent,) if self.path else ()) + ((Path(root),) if root else ()):
            try:
                rel = target.relative_to(os.path.abspath(base)).as_posix()
                break
            except ValueError:
                continue
        parts = (rel or target.name).split("/")
        prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
        matches = _globs(tuple(self.exclude))
        return any(matches(os.path.normcase(p)) for p in (*parts, *prefixes))


    def ignored_for(self, path: str) -> tuple[str, ...]:
        """Rule ids, prefixes or categories ignored for one file (per-file-ignores globs).

        A glob is relative to the configuration's folder, wherever indlint is run from; a bare
        file name matches in any folder.
        """
        out: list[str] = []
        names = (self.relative(path), Path(path).name)
        for pattern, ids in self.per_file_ignores.items():
            if any(fnmatch.fnmatch(name, pattern) for name in names):
                out += ids
        return tuple(out)

    def relative(self, path: str) -> str:
        """A path relative to the configuration's folder (as given when outside it or none)."""
        if self.path:
            try:
                return Path(os.path.abspath(path)).relative_to(
                    os.path.abspath(Path(self.path).parent)).as_posix()
            except ValueError:
                pass
        return Path(path).as_posix()


#: The configuration files looked for in each folder, nearest first (pyproject.toml only with
#: a [tool.indlint] table).
CONFIG_NAMES = ("indlint.yaml", ".indlint.yaml", "pyproject.toml")


def find_config(start: Path, notes: list[str] | None = None) -> Path | None:
    """The configuration for a file or folder: the nearest one in its folder or above.

    The walk stops after the folder that holds ``.git`` (the repository root) or at the user's
    home. A candidate that someone else could have written is skipped with a note (git's
    safe.directory rule); ``--config`` trusts it explicitly.
    """
    return ConfigFinder().find(start, notes)


@functools.lru_cache(maxsize=32)
def _globs(patterns: tuple[str, ...]):
    """fnmatch.fnmatch against any of the globs, as one compiled expression (a walk tries every
    file and folder against every exclude glob)."""
    if not patterns:
        return lambda _text: None
    return re.compile("|".join(fnmatch.translate(os.path.normcase(p.strip("/")))
                               for p in patterns)).match


class ConfigFinder:
    """find_config with one answer per folder remembered, for runs over many files."""

    def __init__(self) -> None:
        self._answers: dict[Path, Path | None] = {}
        self.notes: dict[str, None] = {}

    def find(self, start: Path, notes: list[str] | None = None) -> Path | None:
        """The configuration governing start (a file or a folder); skipped candidates in notes."""
        folder = Path(os.path.abspath(start))
        folder = folder if folder.is_dir() else folder.parent
        before = len(self.notes)
        found = self._find(folder)
        if notes is not None:
            notes += list(self.notes)[before:]
        return found

    def _find(self, folder: Path) -> Path | None:
        walked: list[Path] = []
        found: Path | None = None
        for candidate in (folder, *folder.parents):
            if candidate in self._answers:
                found = self._answers[candidate]
                break
            walked.append(candidate)
            found = self._here(candidate)
            if found is not None or _stops(candidate):
                break
        for seen in walked:
            self._answers[seen] = found
        return found

    def _here(self, folder: Path) -> Path | None:
        for name in CONFIG_NAMES:
            path = folder / name
            if not path.is_file() or (name == "pyproject.toml" and "[tool.indlint]" not in _peek(path)):
                continue
            doubt = distrusted(path)
            if doubt is None:
                return path
            self.notes[f"{path}: 未使用此配置文件：{doubt}，可能被他人改写（同 git 的 safe.directory）；"
                       f"确认可信时请用 --config {path} 指定"] = None
        return None


def _stops(folder: Path) -> bool:
    """The last folder searched: a repository's root, or the user's home."""
    return (folder / ".git").exists() or folder == Path(os.path.abspath(Path.home()))


def distrusted(path: Path) -> str | None:
    """Why a configuration file found by the walk is not trusted (None: it is).

    Its folder or itself owned by another user, or writable by every user, as git refuses a
    repository owned by someone else.
    """
    if not hasattr(os, "geteuid"):      # Windows: no owner ids to compare
        return None
    me = os.geteuid()
    for item, what in ((path.parent, "所在文件夹"), (path, "文件")):
        try:
            info = item.stat()
        except OSError:
            return f"无法查看{what}的属性"
        if info.st_uid != me:
            return f"{what}属于其他用户"
        if info.st_mode & stat.S_IWOTH:
            return f"{what}对所有用户可写"
    return None


def load_config(path: Path | None) -> Config:
    """Read and validate a configuration file (None gives the defaults)."""
    if path is None:
        return Config()
    data = _read(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: 配置应为映射")
    unknown = [k for k in data if k not in KEYS]
    if unknown:
        raise ConfigError(f"{path}: 未知的配置项 {unknown[0]}（可用：{', '.join(KEYS)}）")
    _check_shapes(path, data)
    exclude = (_list(data, "exclude") if "exclude" in data else DEFAULT_EXCLUDE) + _list(
        data, "extend-exclude")
    fail_on = str(data.get("fail-on", "error"))
    if fail_on not in SEVERITIES:
        raise ConfigError(f"{path}: fail-on 应为 error、warning 或 info")
    severity = {str(k): str(v) for k, v in (data.get("severity") or {}).items()}
    bad = [k for k, v in severity.items() if v not in SEVERITIES]
    if bad:
        raise ConfigError(f"{path}: severity 中 {bad[0]} 的级别应为 error、warning 或 info")
    base = path.parent
    folders = [base / p for p in _list(data, "rule-paths")]
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        raise ConfigError(f"{path}: rule-paths 中的文件夹不存在：{missing[0]}")
    return Config(str(path), str(data.get("profile", "default")), _list(data, "select"),
                  _list(data, "ignore"), MappingProxyType(severity), fail_on,
                  tuple(str((base / p).resolve()) for p in _list(data, "rule-paths")),
                  MappingProxyType({str(k): tuple(v if isinstance(v, list) else [v])
                                    for k, v in (data.get("per-file-ignores") or {}).items()}),
                  exclude)


def _check_shapes(path: Path, data: dict) -> None:
    """Each key has the shape it must have, so a typo gives a message, not a traceback."""
    for key in ("severity", "per-file-ignores"):
        if data.get(key) is not None and not isinstance(data[key], dict):
            raise ConfigError(f"{path}: {key} 应为映射（键: 值）")
    for pattern, ids in (data.get("per-file-ignores") or {}).items():
        items = ids if isinstance(ids, list) else [ids]
        if not all(isinstance(i, str) for i in items):
            raise ConfigError(f"{path}: per-file-ignores 中 {pattern} 的值应为规则或类别（文字或列表）")
    for key in ("select", "ignore", "rule-paths", "exclude", "extend-exclude"):
        value = data.get(key)
        if value is not None and not isinstance(value, (list, str)):
            raise ConfigError(f"{path}: {key} 应为列表")


def _peek(pyproject: Path) -> str:
    """A pyproject.toml's text for the [tool.indlint] test ('' when it cannot be read safely)."""
    try:
        return safeio.read_bytes(pyproject, "pyproject").decode("utf-8", "replace")
    except safeio.InputError:
        return ""


def _read(path: Path):
    """Read a configuration through the safe reader (regular file, size, depth, aliases)."""
    try:
        text = safeio.read_text(path, "pyproject" if path.name == "pyproject.toml" else "config")
        return _toml_table(text, path) if path.name == "pyproject.toml" else _yaml_table(text, path)
    except safeio.InputError as err:
        raise ConfigError(f"{safeio.shown(path)}: 无法读取配置文件：{err.reason}") from None


def _toml_table(text: str, path: Path):
    import tomllib

    try:
        table = tomllib.loads(text).get("tool", {}).get("indlint", {})
    except RecursionError:
        raise ConfigError(f"{safeio.shown(path)}: 无法解析配置文件（TOML）：嵌套过深") from None
    except ValueError as err:       # tomllib: its message already says "(at line L, column C)"
        raise ConfigError(f"{path}: 无法解析配置文件（TOML）：{err}") from None
    return table if isinstance(table, dict) else None


def _yaml_table(text: str, path: Path):
    # Imported here: a run without a YAML configuration never loads PyYAML (issue 16, cold start).
    import yaml

    try:
        safeio.check_yaml_bounds(text, path, max_nodes=100_000)
        return yaml.safe_load(text) or {}
    except safeio.InputError:
        raise                       # _read words it
    except yaml.YAMLError as err:
        raise ConfigError(_yaml_error(path, err)) from None
    except ValueError as err:       # a tagged or typed scalar PyYAML cannot build (2024-02-30)
        raise ConfigError(f"{safeio.shown(path)}: 配置文件不是有效的 YAML：{err}") from None


def _yaml_error(path: Path, err: yaml.YAMLError) -> str:
    """Name the configuration file and the line, not PyYAML's "<unicode string>"."""
    mark = getattr(err, "problem_mark", None)
    where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
    problem = str(getattr(err, "problem", None) or "")
    said = next((zh for en, zh in _YAML_PROBLEMS if problem.startswith(en)), None)
    return f"{where}: 配置文件不是有效的 YAML：{said or problem or '格式错误'}"


#: PyYAML's most common complaints, said in Chinese (others are shown as PyYAML words them).
_YAML_PROBLEMS = (
    ("mapping values are not allowed", "此处不能写“键: 值”（多半是缩进不对，或值里的冒号后缺少引号）"),
    ("found character '\\t'", "用了制表符（Tab）缩进，请改用空格"),
    ("found character", "出现了不能开始一个值的字符，请给该值加引号"),
    ("could not find expected ':'", "缺少冒号（键: 值）"),
    ("expected <block end>", "缩进不一致"),
    ("found undefined alias", "引用了未定义的锚点"),
    ("found unexpected end of stream", "引号或括号没有闭合"),
    ("found duplicate anchor", "锚点重复定义"),
)


def _list(data: dict, key: str) -> tuple[str, ...]:
    value = data.get(key) or []
    return tuple(str(v) for v in (value if isinstance(value, list) else [value]))
