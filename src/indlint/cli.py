"""The ``indlint`` command line: check, parse-value, rules, explain."""
from __future__ import annotations

import json
import os
import sys
from typing import Iterator

import click

from . import __version__
from .model import Finding, Severity

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
SUFFIXES = (".yaml", ".yml", ".xlsx", ".csv")


def iter_files(paths: tuple[str, ...]) -> Iterator[str]:
    """Yield the files to check: files as given, folders searched for *.yaml / *.yml / *.xlsx / *.csv.

    Symbolic links to folders are not followed (no loops); links to files are
    read, and a dangling one is reported by the reader.
    """
    for path in paths:
        if os.path.isdir(path) and not os.path.islink(path):
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    # ~$name.xlsx is the lock file Excel leaves beside an open workbook.
                    if name.endswith(SUFFIXES) and not name.startswith("~$"):
                        yield os.path.join(root, name)
        else:
            yield path


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="indlint", message="%(prog)s %(version)s")
def main() -> None:
    """indlint：绩效目标申报表 / 绩效自评表指标质量检查。"""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="输出格式")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
              help="达到该级别的问题时以 1 退出（默认 error）")
@click.option("--profile", default=None, help="规则预设：default（默认）、cz2021、shanghai")
@click.option("--select", multiple=True, help="只启用这些规则（编号、编号前缀或类别前缀，可重复或以逗号分隔）")
@click.option("--ignore", multiple=True, help="停用这些规则（同上）")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="配置文件（默认从当前目录向上查找 indlint.yaml 或 pyproject.toml 的 [tool.indlint]）")
@click.option("--exit-zero", is_flag=True, help="有问题时也以 0 退出（仍输出问题）")
def check(paths, fmt, fail_on, profile, select, ignore, config_path, exit_zero) -> None:
    """检查申报表文件或文件夹（递归查找 *.yaml / *.yml / *.xlsx / *.csv）。"""
    from .report import FORMATTERS, Summary

    config = _config(config_path)
    linter = _linter(config, profile, _split(select), _split(ignore))
    findings, summary = _check_paths(linter, config, paths)
    click.echo(FORMATTERS[fmt](findings, summary), nl=False)
    threshold = Severity(fail_on or config.fail_on)
    sys.exit(EXIT_OK if exit_zero else exit_code(findings, threshold))


def _config(config_path: str | None):
    from pathlib import Path

    from .config import ConfigError, find_config, load_config

    try:
        path = Path(config_path) if config_path else find_config(Path.cwd())
        if config_path and not path.is_file():
            raise ConfigError(f"配置文件不存在：{config_path}")
        return load_config(path)
    except (ConfigError, OSError) as err:
        raise click.UsageError(str(err)) from None


def _linter(config, profile, select, ignore):
    from .engine import build_linter, check_selection
    from .rules import RuleError

    try:
        if not (select or ignore):      # flags replace the file's selection as a whole
            select, ignore = config.select, config.ignore
        linter = build_linter(profile or config.profile, select, ignore, config.severity,
                              config.rule_paths)
        check_selection(linter, [*select, *ignore, *config.select, *config.ignore,
                                 *config.severity, *(i for v in config.per_file_ignores.values()
                                                     for i in v)])
    except RuleError as err:
        raise click.UsageError(str(err)) from None
    return linter


def _check_paths(linter, config, paths):
    from .engine import selected
    from .reader import read_path
    from .report import Summary

    findings, files, forms, rows = [], 0, 0, 0
    for path in iter_files(paths):
        doc = read_path(path)
        files += 1
        forms += len(doc.forms)
        rows += sum(len(f.rows) for f in doc.forms)
        ignored = config.ignored_for(path)
        findings += [f for f in linter.lint(doc)
                     if not ignored or f.category == "input.invalid"
                     or selected(linter.rule(f.rule), (), ignored)]
    return findings, Summary(files, forms, rows)


def exit_code(findings: list[Finding], fail_on: Severity) -> int:
    """0 when no finding reaches fail_on, else 1 (formats.md)."""
    return EXIT_FINDINGS if any(f.severity.rank >= fail_on.rank for f in findings) else EXIT_OK


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(p.strip() for v in values for p in v.split(",") if p.strip())


@main.command("import")
@click.argument("source", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入的 YAML 文件（默认输出到标准输出）")
@click.option("--corrections", type=click.Path(exists=True, dir_okay=False),
              help="人工核对后的修正文件（见 corrections/seeds.yaml）")
def import_cmd(source, output, corrections) -> None:
    """把导出的申报表文本（PDF/Word 转出的 .txt）转换为 YAML 申报表。"""
    from pathlib import Path

    from .importers.text import import_text, load_corrections, to_yaml

    try:
        if source.lower().endswith((".xlsx", ".csv")):
            result = _import_spreadsheet(source)
        else:
            fixes = load_corrections(Path(corrections)) if corrections else None
            result = import_text(Path(source), fixes)
    except (OSError, ValueError) as err:
        raise click.ClickException(f"无法导入 {source}：{err}") from None
    for message in result.messages:
        click.echo(f"{source}: {message}", err=True)
    if not result.forms:
        raise click.ClickException(f"{source} 中没有找到申报表或自评表")
    text = to_yaml(result)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


def _import_spreadsheet(source: str):
    """Read a spreadsheet into the importer's result, so that it is written as YAML too."""
    from pathlib import Path

    from .importers.text import ImportResult
    from .reader import read_path

    doc = read_path(source)
    if doc.error:
        raise ValueError(doc.error)
    forms = tuple({**{k: v for k, v in f.meta.items() if v is not None},
                   **({"budget": dict(f.budget)} if f.budget else {}),
                   "indicators": [{k: v for k, v in r.fields.items() if v is not None}
                                  for r in f.rows]} for f in doc.forms)
    return ImportResult(forms, (), Path(source).name)


@main.command("parse-value")
@click.argument("text")
@click.option("--nature", default=None, help="指标性质列（≥、≤、=、定量、定性）")
@click.option("--unit", default=None, help="度量单位列")
def parse_value(text, nature, unit) -> None:
    """显示一个指标值解析后的类型化结果（供规则作者调试）。"""
    from .lexicons import load_lexicons
    from .parse import ValueParser

    parser = ValueParser(load_lexicons().units)
    value = parser.combine(nature, text, unit) if (nature or unit) else parser.parse(text)
    click.echo(json.dumps(value.describe(), ensure_ascii=False, indent=2))


@main.command("rules")
@click.option("--profile", default="default", show_default=True)
def list_rules(profile) -> None:
    """列出规则（编号、级别、类别、摘要）。"""
    from .engine import build_linter

    linter = build_linter(profile)
    for rule in sorted(linter.rules, key=lambda r: r.id):
        click.echo(f"{rule.id}  {rule.severity.value:<7}  {rule.category:<34} {rule.summary}")


@main.command()
@click.argument("rule_id")
def explain(rule_id) -> None:
    """显示一条规则的说明、依据和示例。"""
    from .docs import explain_rule
    from .lexicons import load_lexicons
    from .rules import load_rules

    ruleset = load_rules(load_lexicons())
    rule = ruleset.rules.get(rule_id.upper())
    if rule is None:
        raise click.UsageError(f"没有规则 {rule_id}；用 indlint rules 查看全部规则")
    click.echo(explain_rule(rule))


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--profile", default=None, help="规则预设")
def score(paths, fmt, profile) -> None:
    """按事前绩效评估评分表计算“项目绩效”部分（20 分）并说明每一处扣分。"""
    from .reader import read_path
    from .score import score_form

    config = _config(None)
    linter = _linter(config, profile, (), ())
    results = []
    for path in iter_files(paths):
        doc = read_path(path)
        if doc.error:
            click.echo(f"{path}: 文件无法读取：{doc.error}", err=True)
            continue
        findings = linter.lint(doc)
        for form in doc.forms:
            mine = [f for f in findings if f.form == form.index]
            results.append((path, score_form(form, mine, linter.tools)))
    click.echo(_format_scores(results, fmt), nl=False)


def _num(number) -> str:
    text = f"{number.normalize():f}"
    return text


def _format_scores(results, fmt: str) -> str:
    if fmt == "json":
        return json.dumps([{"path": p, "form": s.form, "project": s.project, "kind": s.kind,
                            "total": float(s.total), "maximum": float(s.maximum),
                            "items": [{"code": i.code, "label": i.label, "max": float(i.maximum),
                                       "score": float(i.got), "deductions": list(i.deductions)}
                                      for i in s.items]} for p, s in results],
                          ensure_ascii=False, indent=2) + "\n"
    lines = []
    for path, s in results:
        lines.append(f"{path} 第{s.form}张表「{s.project}」：项目绩效 {_num(s.total)}/{_num(s.maximum)} 分")
        for item in s.items:
            lines.append(f"  {item.code} {item.label}：{_num(item.got)}/{_num(item.maximum)}")
            lines += [f"      - {d}" for d in item.deductions]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    main()
