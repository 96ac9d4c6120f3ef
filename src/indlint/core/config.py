"""Find and validate the project configuration (indlint.yaml or [tool.indlint] in pyproject.toml)."""
from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import yaml

from indlint.core import safeio

KEYS = ("profile", "select", "ignore", "severity", "fail-on", "rule-paths", "per-file-ignores",
        "exclude", "extend-exclude")
#: Folders and files a folder walk never enters (ruff's defaults, and what a forms repository holds).
DEFAULT_EXCLUDE = (".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "__pycache__",
                   "node_modules", "build", "dist", "site-packages", ".mypy_cache", ".pytest_cache",
                   ".ruff_cache", ".indlint_cache")
SEVERITIES = ("error", "warning", "info")


class ConfigError(ValueError):
    """A configuration that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    """The settings of one run; CLI flags are applied on top by the caller."""

    path: str | None = None
    profile: str = "default"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    fail_on: str = "error"
    rule_paths: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({}))
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
        return any(fnmatch.fnmatch(p, pattern.strip("/")) for pattern in self.exclude
                   for p in (*parts, *prefixes))


    def ignored_for(self, path: str) -> tuple[str, ...]:
        """Rule ids, prefixes or categories ignored for one file (per-file-ignores globs)."""
        out: list[str] = []
        for pattern, ids in self.per_file_ignores.items():
            if fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(Path(path).name, pattern):
                out += ids
        return tuple(out)


def find_config(start: Path) -> Path | None:
    """Walk up from start to the first indlint.yaml, or pyproject.toml with [tool.indlint]."""
    folder = start.resolve()
    folder = folder if folder.is_dir() else folder.parent
    for candidate in (folder, *folder.parents):
        for name in ("indlint.yaml", ".indlint.yaml"):
            if (candidate / name).is_file():
                return candidate / name
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and "[tool.indlint]" in _peek(pyproject):
            return pyproject
        if (candidate / ".git").exists():
            return None         # stop at the repository root
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
        if path.name == "pyproject.toml":
            import tomllib
            table = tomllib.loads(text).get("tool", {}).get("indlint", {})
            return table if isinstance(table, dict) else None
        safeio.check_yaml_bounds(text, path, max_nodes=100_000)
        return yaml.safe_load(text) or {}
    except safeio.InputError as err:
        raise ConfigError(f"{safeio.shown(path)}: 无法读取配置文件：{err.reason}") from None
    except yaml.YAMLError as err:
        raise ConfigError(_yaml_error(path, err)) from None
    except RecursionError:
        raise ConfigError(f"{safeio.shown(path)}: 无法解析配置文件（TOML）：嵌套过深") from None
    except ValueError as err:       # tomllib: its message already says "(at line L, column C)"
        raise ConfigError(f"{path}: 无法解析配置文件（TOML）：{err}") from None


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
