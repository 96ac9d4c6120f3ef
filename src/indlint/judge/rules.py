"""Load rule files strictly (rules/<family>/<ID>.yaml) into a RuleSet; load profiles."""
from __future__ import annotations

import math
import os
import re
import string
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Iterable, Mapping, NamedTuple

from indlint.core import resources, safeio
from indlint.core.safeio import InputError, load_yaml
from indlint.core.bundle import bundled, packaged_json
from indlint.judge.kinds import ParamError, build_kind
from indlint.values.lexicons import Lexicons
from indlint.core.model import Severity
from indlint.judge.wording import ROW_WORDING
from indlint.judge.selectors import Selector, SelectorError, compile_selector

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

ENVELOPE = ("id", "name", "category", "severity", "summary", "rationale", "source", "message",
            "suggestion", "examples")
ENGINE_KEYS = ("check", "when", "exclusive", "order", "profiles")
#: Optional envelope fields: ``grounds`` names the internal ground (labelling.md, domain-rules.md
#: sections) beside ``source``, which names public documents a reviewer can look up.
OPTIONAL = ("grounds",)
#: Placeholders every message may use (besides those a kind supplies).
ROW_VARS = frozenset({"name", "target", "l1", "l2", "actual", "unit", "nature", "score",
                      "score_max", "basis", "project", "year", "rate_name", "row"}) | ROW_WORDING
_ID = re.compile(r"^[A-Z]{2}\d{2}$")
_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NOT_RULES = {"lexicons", "profiles"}


class RuleError(Exception):
    """A rule file that cannot be loaded; the message names the file and line."""


class Category(NamedTuple):
    """A defect category of the contract."""

    id: str
    scope: str
    zh: str


class Rule(NamedTuple):
    """One loaded rule: its envelope, its compiled selector and check."""

    id: str
    name: str
    category: str
    severity: Severity
    summary: str
    rationale: str
    source: str
    message: str
    suggestion: str
    examples: Mapping
    scope: str
    when: Selector
    check: object
    check_spec: Mapping
    exclusive: str | None
    order: int
    profiles: tuple[str, ...]
    path: str
    grounds: str = ""


class Profile(NamedTuple):
    """A preset: which frameworks the levels follow and which opt-in rules are on."""

    name: str
    summary: str
    frameworks: tuple[str, ...]
    enable: tuple[str, ...]


class RuleSet(NamedTuple):
    """All loaded rules by id, and the categories they may use."""

    rules: Mapping[str, Rule]
    categories: Mapping[str, Category]

    def active(self, profile: Profile) -> tuple[Rule, ...]:
        """Rules on in a profile: those without ``profiles:`` plus those the profile enables."""
        return tuple(r for r in self.rules.values()
                     if not r.profiles or profile.name in r.profiles or r.id in profile.enable)


def load_categories() -> dict[str, Category]:
    """Read rules/categories.yaml."""
    file = resources.data_root("rules") / "categories.yaml"
    data = packaged_json("categories", [file], lambda: load_yaml(
        file.read_text(encoding="utf-8"), "rules/categories.yaml"))
    return {k: Category(k, v["scope"], v["zh"]) for k, v in data["categories"].items()}


#: The level frameworks a profile may name (rules/lexicons/levels.yaml).
FRAMEWORKS = ("cz2020", "cz2021")


def load_profile(name) -> Profile:
    """Read rules/profiles/<name>.yaml (a packaged name only); raise RuleError otherwise."""
    names = profile_names()
    if not isinstance(name, str) or name not in names:
        shown = name if isinstance(name, str) else type(name).__name__
        raise RuleError(f"未知的 profile：{str(shown)[:60]}（可用：{', '.join(names)}）")
    shown = f"rules/profiles/{name}.yaml"
    try:
        file = resources.data_root("rules") / "profiles" / f"{name}.yaml"
        data = packaged_json(f"profile-{name}", [file], lambda: load_yaml(
            file.read_text(encoding="utf-8"), shown)) or {}
    except (OSError, InputError) as err:
        raise RuleError(f"{shown}:1: 无法读取 profile：{err}") from None
    frameworks, enable = data.get("frameworks", []), data.get("enable", [])
    if not isinstance(data, dict) or not isinstance(frameworks, list) or not isinstance(enable, list) \
            or not all(f in FRAMEWORKS for f in frameworks) or not all(isinstance(e, str) for e in enable):
        raise RuleError(f"{shown}:1: frameworks 应为 {'、'.join(FRAMEWORKS)} 中的列表，enable 应为规则编号列表")
    return Profile(name, str(data.get("summary", "")), tuple(frameworks), tuple(enable))


def profile_names() -> list[str]:
    """Names of the packaged profiles."""
    folder = resources.data_root("rules") / "profiles"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def rule_files(extra_paths: Iterable[str] = ()) -> list[tuple[str, Traversable | Path]]:
    """List (display path, file) of the packaged rules and of any extra rule folders."""
    root = resources.data_root("rules")
    found = [(f"rules/{family.name}/{f.name}", f)
             for family in sorted(root.iterdir(), key=lambda p: p.name)
             if family.is_dir() and family.name not in _NOT_RULES
             for f in sorted(family.iterdir(), key=lambda p: p.name) if f.name.endswith(".yaml")]
    for extra in extra_paths:
        found += [(str(p), p) for p in _walk(Path(extra))]
    return found


#: A rule folder holds a few dozen files: a walk that meets more entries (``rule-paths: [/]``)
#: or deeper folders stops with a message rather than reading the whole file system.
MAX_WALK_ENTRIES = 10_000
MAX_WALK_DEPTH = 8


def _walk(folder: Path) -> list[Path]:
    """The *.yaml entries under a rule folder: links to folders not followed, folders that
    cannot be listed (or vanish, as under /proc) skipped, and a bound on entries and depth."""
    seen, found = 0, []
    for here, dirs, files in os.walk(folder, onerror=lambda err: None, followlinks=False):
        seen += len(dirs) + len(files)
        if seen > MAX_WALK_ENTRIES:
            raise RuleError(f"{safeio.shown(folder)}: rule-paths 中的文件夹条目过多（超过 "
                            f"{MAX_WALK_ENTRIES} 个），请指向只放规则文件的文件夹")
        if len(Path(here).relative_to(folder).parts) >= MAX_WALK_DEPTH:
            dirs.clear()
        # A folder, FIFO or broken link named *.yaml is listed, and refused by the safe reader.
        found += [Path(here) / f for f in files + dirs if f.endswith(".yaml")]
        dirs[:] = [d for d in dirs if not d.endswith(".yaml")]
    return sorted(found)


def load_rules(lexicons: Lexicons, extra_paths: Iterable[str] = ()) -> RuleSet:
    """Load every rule strictly; raise RuleError naming the file and line of the first problem."""
    categories = load_categories()
    packaged = rule_files()
    # The packaged rules come parsed from the shipped bundle (core/bundle.py) when unchanged.
    def build() -> dict:
        return {shown: _parse_packaged(shown, f.read_text(encoding="utf-8")) for shown, f in packaged}

    sources, keys = [f for _, f in packaged], [shown for shown, _ in packaged]
    # The shipped bundle's rules passed the envelope checks when it was made from these bytes
    # (judge/bundled.py): the checks that depend only on a rule's own file are not run again.
    data = bundled("rules", sources, keys)
    checked = data is not None
    if data is None:
        data = packaged_json("rules", sources, build, keys=keys, bundle=False)
    extra = rule_files(extra_paths)[len(packaged):]
    try:
        return _load_all(packaged, data, extra, categories, lexicons, checked)
    except RuleError:
        # A cache entry that passes its checks but holds wrong rules must not stop every
        # run: the packaged sources decide (a user rule's error is raised again from there).
        return _load_all(packaged, build(), extra, categories, lexicons)


def _load_all(packaged, data, extra, categories, lexicons, checked: bool = False) -> RuleSet:
    found = [(shown, f, data.get(shown), checked) for shown, f in packaged]
    found += [(shown, f, None, False) for shown, f in extra]
    rules: dict[str, Rule] = {}
    for shown, file, parsed, known_good in found:
        rule = load_rule(shown, _user_text(shown, file) if parsed is None else None,
                         categories, lexicons, parsed, file, known_good)
        if rule.id in rules:
            raise RuleError(f"{shown}:1: 规则编号 {rule.id} 与 {rules[rule.id].path} 重复")
        rules[rule.id] = rule
    return RuleSet(MappingProxyType(rules), MappingProxyType(categories))


def _user_text(shown: str, file) -> str:
    """A user's rule file, read as carefully as a form: regular files only, size, encoding."""
    from indlint.read.yamlform import ReadError, decode

    try:
        return decode(safeio.read_bytes(file, "rule"))[0]
    except InputError as err:
        raise RuleError(f"{shown}:1: 无法读取规则文件：{err.reason}") from None
    except ReadError as err:
        raise RuleError(f"{shown}:1: 无法读取规则文件：{err}") from None


def _parse_packaged(path: str, text: str):
    """A rule file shipped in the package: trusted like the code beside it, so it is parsed
    once, without the bounds pass user files get (half the cost of a start without cache)."""
    import yaml

    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return _parse(path, text)       # the careful parse words the error


def _parse(path: str, text: str):
    try:
        return load_yaml(text, path, max_nodes=50_000)
    except InputError as err:
        line = re.match(r"第 (\d+) 行", err.reason)
        raise RuleError(f"{path}:{line.group(1) if line else 1}: {err.reason}") from None


def load_rule(path: str, text: str | None, categories: Mapping[str, Category], lexicons,
              data=None, file=None, checked: bool = False) -> Rule:
    """Load one rule from its text (or already parsed data); raise RuleError with file and line.

    ``checked``: data known to pass the envelope checks (the shipped bundle's, whose hashes
    cover the rule files they read), built without them.
    """
    if data is None:
        data = _parse(path, text)
    if not isinstance(data, dict):
        raise RuleError(f"{path}:1: 规则文件应为映射")
    try:
        return _build(path, data, categories, lexicons, checked)
    except (ParamError, SelectorError, RuleFieldError, TypeError, ValueError, KeyError,
            ArithmeticError) as err:
        # A kind's parameter of the wrong shape (a scalar for a list, text for a number)
        # is the rule file's error, reported like any other: file, line, exit 2.
        if not isinstance(err, (ParamError, SelectorError, RuleFieldError)):
            err = ParamError(f"check 的参数类型不对：{err}")
        key = getattr(err, "key", None) or _guess_key(err)
        text = text if text is not None else _user_text(path, file)
        raise RuleError(f"{path}:{_line_of(text, key)}: {err}") from None


class RuleFieldError(ValueError):
    """A problem with one envelope field (``key`` names it, for the line number)."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


def _build(path: str, data: dict, categories, lexicons, checked: bool = False) -> Rule:
    if not checked:
        _check_fields(path, data, categories)
    check = build_kind(data["check"], lexicons)
    _check_placeholders(data, check)        # also depends on the kind's code: always
    category = categories[data["category"]]
    return Rule(data["id"], data["name"], data["category"], Severity(data["severity"]),
                str(data["summary"]), str(data["rationale"]), str(data["source"]),
                str(data["message"]), str(data["suggestion"]),
                MappingProxyType(data["examples"]), category.scope,
                compile_selector(data.get("when")), check, MappingProxyType(data["check"]),
                data.get("exclusive"), int(data.get("order", 0)),
                tuple(data.get("profiles", ())), path, str(data.get("grounds", "")))


def _check_fields(path: str, data: dict, categories) -> None:
    """The envelope: known keys, none missing, each of its type, finite numbers, id and name."""
    unknown = [str(k) for k in data if k not in ENVELOPE + ENGINE_KEYS + OPTIONAL]
    if unknown:
        raise RuleFieldError(unknown[0], f"未知的键 {unknown[0]}")
    missing = [k for k in ENVELOPE + ("check",) if k not in data]
    if missing:
        raise RuleFieldError("id", f"缺少字段 {', '.join(missing)}")
    _check_types(data)
    _check_finite(data)
    _check_envelope(path, data, categories)


_TEXT_KEYS = ("id", "name", "category", "severity", "summary", "rationale", "source", "message",
              "suggestion")


def _check_types(data: dict) -> None:
    """Every envelope field has the type it must have (a typo never reaches Python)."""
    for key in _TEXT_KEYS:
        if not isinstance(data[key], (str, int, float)) or isinstance(data[key], bool):
            raise RuleFieldError(key, f"{key} 应为文字")
    if "grounds" in data and not isinstance(data["grounds"], str):
        raise RuleFieldError("grounds", "grounds 应为文字")
    if data.get("exclusive") is not None and not isinstance(data["exclusive"], str):
        raise RuleFieldError("exclusive", "exclusive 应为一个组名（文字）")
    if not isinstance(data.get("order", 0), int) or isinstance(data.get("order"), bool):
        raise RuleFieldError("order", "order 应为整数")
    profiles = data.get("profiles", [])
    if not isinstance(profiles, list) or not all(isinstance(p, str) for p in profiles):
        raise RuleFieldError("profiles", "profiles 应为 profile 名称的列表")
    if not isinstance(data["check"], dict) or not isinstance(data["check"].get("kind"), str):
        raise RuleFieldError("check", "check 应为含 kind（文字）的映射")
    _check_examples(data["examples"])


def _check_examples(examples) -> None:
    if not isinstance(examples, dict) or set(examples) - {"pass", "fail"} or not examples.get("fail"):
        raise RuleFieldError("examples", "examples 应为含 fail（及可选 pass）列表的映射")
    for verdict, rows in examples.items():
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise RuleFieldError("examples", f"examples.{verdict} 应为指标行（映射）的列表")
        if not all(_form_example(r) if "indicators" in r else _row(r) for r in rows):
            raise RuleFieldError("examples", f"examples.{verdict} 应为指标行（字段值为文字或数字），"
                                             "或含 indicators 指标行列表的整表示例")


def _scalar(value) -> bool:
    return value is None or isinstance(value, (str, int, float))


def _row(row) -> bool:
    """An example indicator row: text keys, text or number values (what explain shows)."""
    return isinstance(row, dict) and all(isinstance(k, str) and _scalar(v) for k, v in row.items())


def _form_example(form: dict) -> bool:
    """A whole-form example: a list of rows, other fields text or one flat mapping (budget)."""
    rows = form["indicators"]
    return isinstance(rows, list) and all(map(_row, rows)) and all(
        isinstance(k, str) and (_scalar(v) or _row(v)) for k, v in form.items() if k != "indicators")


def _check_finite(data: dict) -> None:
    """No NaN or infinity anywhere in a rule (``.nan`` and ``.inf`` are valid YAML floats)."""
    for key, value in data.items():
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, float) and not math.isfinite(item):
                raise RuleFieldError(str(key), f"{key} 中的数值应为有限数（不能是 .nan 或 .inf）")
            stack.extend(item.values() if isinstance(item, dict) else
                         item if isinstance(item, list) else ())


def _check_envelope(path: str, data: dict, categories) -> None:
    stem = Path(path).name.removesuffix(".yaml")
    if not _ID.match(str(data["id"])) or data["id"] != stem:
        raise RuleFieldError("id", f"规则编号 {data['id']} 应为两个大写字母加两位数字，并与文件名 {stem} 相同")
    if not _KEBAB.match(str(data["name"])):
        raise RuleFieldError("name", f"name 应为 kebab-case：{data['name']}")
    if data["category"] not in categories:
        raise RuleFieldError("category", f"未知类别 {data['category']}")
    if data["severity"] not in ("error", "warning", "info"):
        raise RuleFieldError("severity", f"severity 应为 error、warning 或 info：{data['severity']}")


def _check_placeholders(data: dict, check) -> None:
    """Messages use plain ``{name}`` placeholders only: no format spec, conversion or index
    (``{name:>1500000000}`` would allocate gigabytes, ``{name:d}`` fails on text)."""
    allowed = ROW_VARS | set(getattr(check, "fields", ()))
    for key in ("message", "suggestion"):
        try:
            fields = [(name, spec, conv) for _, name, spec, conv
                      in string.Formatter().parse(str(data[key])) if name is not None]
        except ValueError as err:
            raise RuleFieldError(key, f"{key} 的花括号不成对：{err}") from None
        for name, spec, conv in fields:
            if spec or conv:
                shown = f"{name}{'!' + conv if conv else ''}{':' + spec if spec else ''}"[:60]
                raise RuleFieldError(key, f"{key} 中的占位符 {{{shown}}} 只能写成 {{名称}}，"
                                          "不能带格式说明或转换")
            if name not in allowed:
                raise RuleFieldError(key, f"{key} 中的占位符 {{{name[:60]}}} 未定义")


def _guess_key(err: Exception) -> str:
    return "check" if isinstance(err, ParamError) else "when"


def _line_of(text: str, key: str | None) -> int:
    if key:
        match = re.search(rf"^\s*{re.escape(key)}\s*:", text, re.M)
        if match:
            return text.count("\n", 0, match.start()) + 1
    return 1
