"""The ``indlint`` command line: check, parse-value, rules, explain."""
from __future__ import annotations

import json
import os
import sys
from typing import Iterator

import click

from indlint import __version__
from indlint.core.model import Finding, Severity
from indlint.values.comparators import load_comparators

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


#: Output formats of ``check`` (report.FORMATTERS; literal so that importing the CLI stays light).
CHECK_FORMATS = ("text", "json", "sarif", "github", "junit", "markdown")


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(CHECK_FORMATS), default="text",
              show_default=True, help="写到标准输出的格式（给了 -o 时须显式指定才输出）")
@click.option("-o", "--output", "outputs", multiple=True, metavar="FORMAT[:PATH]",
              help="输出格式及文件，可重复，如 -o sarif:out.sarif -o text；省略路径则输出到标准输出")
@click.option("--statistics", is_flag=True, help="最后按规则统计问题数")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
              help="达到该级别的问题时以 1 退出（默认 error）")
@click.option("--profile", default=None, help="规则预设：default（默认）、cz2021、shanghai")
@click.option("--select", multiple=True, help="只启用这些规则（编号、编号前缀或类别前缀，可重复或以逗号分隔）")
@click.option("--ignore", multiple=True, help="停用这些规则（同上）")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="配置文件（默认从当前目录向上查找 indlint.yaml 或 pyproject.toml 的 [tool.indlint]）")
@click.option("--exit-zero", is_flag=True, help="有问题时也以 0 退出（仍输出问题）")
@click.option("--baseline", type=click.Path(dir_okay=False),
              help="基线文件：不存在时写入当前全部问题，存在时只报告基线之外的新问题")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="并行进程数")
def check(paths, fmt, outputs, statistics, fail_on, profile, select, ignore, config_path,
          exit_zero, baseline, jobs) -> None:
    """检查申报表文件或文件夹（递归查找 *.yaml / *.yml / *.xlsx / *.csv）。"""
    from indlint.output.report import Context

    targets = _outputs(outputs, fmt)
    config = _config(config_path)
    linter = _linter(config, profile, _split(select), _split(ignore))
    files = list(iter_files(paths))
    _refuse_inputs(targets, files)
    threshold = Severity(fail_on or config.fail_on)
    if len(targets) == 1 and targets[0][0] in ("text", "json") and not (baseline or statistics):
        worst = _stream_check(linter, config, files, jobs, targets[0])
        sys.exit(EXIT_OK if exit_zero or worst < threshold.rank else EXIT_FINDINGS)
    findings, summary = _check_paths(linter, config, files, jobs)
    if baseline:
        findings = _apply_baseline(baseline, findings)
    context = Context(linter.rules, linter.severities, __version__)
    _emit(targets, findings, summary, context, statistics)
    sys.exit(EXIT_OK if exit_zero else exit_code(findings, threshold))


def _outputs(specs: tuple[str, ...], fmt: str) -> list[tuple[str, str | None]]:
    """(format, file or None for stdout) from -o FORMAT[:PATH]; --format alone when no -o."""
    from click.core import ParameterSource

    explicit = click.get_current_context().get_parameter_source("fmt") != ParameterSource.DEFAULT
    targets: list[tuple[str, str | None]] = [(fmt, None)] if explicit or not specs else []
    for spec in specs:
        name, sep, path = spec.partition(":")
        name = name.strip().lower()
        if name not in CHECK_FORMATS:
            raise click.UsageError(f"-o {spec}：未知的输出格式 {name}（可用：{'、'.join(CHECK_FORMATS)}）")
        if sep and not path:
            raise click.UsageError(f"-o {spec}：冒号后缺少文件路径")
        targets.append((name, None if path in ("", "-") else path))
    if sum(1 for _, p in targets if p is None) > 1:
        raise click.UsageError("只能有一个输出写到标准输出；其余请用 -o 格式:文件")
    files = [os.path.realpath(p) for _, p in targets if p is not None]
    if len(set(files)) < len(files):
        raise click.UsageError("两个 -o 输出指向同一个文件")
    return targets


def _refuse_inputs(targets, inputs) -> None:
    """Refuse an output file that is one of the files checked (indlint never writes its inputs)."""
    read = {os.path.realpath(p) for p in inputs}
    for _, path in targets:
        if path is not None and os.path.realpath(path) in read:
            raise click.UsageError(f"输出文件 {path} 是被检查的输入文件，不会覆盖它")


def _emit(targets, findings, summary, context, statistics: bool) -> None:
    """Write every output (files atomically), then the per-rule statistics."""
    from indlint.output.report import FORMATTERS, HUMAN_FORMATS, format_statistics, write_atomic

    for name, path in targets:
        text = FORMATTERS[name](findings, summary, context)
        if path is None:
            click.echo(text, nl=False)
            continue
        try:
            write_atomic(path, text)
        except OSError as err:
            click.echo(f"错误：无法写入 {path}：{err.strerror or err}", err=True)
            sys.exit(EXIT_USAGE)
    if statistics:
        machine = any(p is None and n not in HUMAN_FORMATS for n, p in targets)
        click.echo(format_statistics(findings, context), nl=False, err=machine)


def _config(config_path: str | None):
    from pathlib import Path

    from indlint.core.config import ConfigError, find_config, load_config

    try:
        path = Path(config_path) if config_path else find_config(Path.cwd())
        if config_path and not path.is_file():
            raise ConfigError(f"配置文件不存在：{config_path}")
        return load_config(path)
    except (ConfigError, OSError) as err:
        raise click.UsageError(str(err)) from None


def _linter(config, profile, select, ignore):
    from indlint.judge.engine import build_linter, check_selection
    from indlint.judge.rules import RuleError

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


def _stream_check(linter, config, files, jobs: int, target) -> int:
    """Check and write text or JSON file by file (flat memory); return the worst severity rank."""
    from indlint.output.report import Summary, write_atomic
    from indlint.app.run import Tally, iter_results
    from indlint.output.stream import Stream

    fmt, path = target
    chunks: list[str] = []
    stream = Stream(fmt, chunks.append if path else lambda text: click.echo(text, nl=False))
    tally, counts, worst = Tally(), [0, 0, 0], 0
    for result in iter_results(linter, config, files, jobs, tally):
        tally.see(result)
        stream.add(result.findings)
        counts = [counts[0] + 1, counts[1] + result.forms, counts[2] + result.rows]
        worst = max([worst, *(f.severity.rank for f in result.findings)])
    stream.finish(Summary(*counts))
    if path:
        try:
            write_atomic(path, "".join(chunks))
        except OSError as err:
            click.echo(f"错误：无法写入 {path}：{err.strerror or err}", err=True)
            sys.exit(EXIT_USAGE)
    for note in tally.notes():
        click.echo(note, err=True)
    return worst


def _check_paths(linter, config, paths, jobs: int = 1):
    from indlint.output.report import Summary
    from indlint.app.run import check_paths

    result = check_paths(linter, config, iter_files(paths), jobs)
    for note in result.notes:
        click.echo(note, err=True)
    files = result.files
    return result.findings, Summary(len(files), sum(r.forms for r in files),
                                    sum(r.rows for r in files), tuple(r.path for r in files))


def _apply_baseline(path: str, findings: list[Finding]) -> list[Finding]:
    """First use writes the baseline and reports nothing old; later runs report new findings."""
    from indlint.app.baseline import BaselineError, new_findings, read_baseline, write_baseline

    try:
        if not os.path.exists(path):
            count = write_baseline(path, findings)
            click.echo(f"已写入基线 {path}：{count} 个问题。以后只报告基线之外的新问题。", err=True)
            return []
        return new_findings(findings, read_baseline(path))
    except (BaselineError, OSError) as err:
        raise click.UsageError(str(err)) from None


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

    from indlint.read.text import import_text, load_corrections, to_yaml

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
        from indlint.output.report import write_atomic

        if os.path.realpath(output) == os.path.realpath(source):
            raise click.UsageError("-o 不能覆盖被导入的文件，请另起文件名")
        try:
            write_atomic(output, text)
        except OSError as err:
            raise click.ClickException(f"无法写入 {output}：{err.strerror or err}") from None
    else:
        click.echo(text, nl=False)


def _import_spreadsheet(source: str):
    """Read a spreadsheet into the importer's result, so that it is written as YAML too."""
    from pathlib import Path

    from indlint.read.text import ImportResult
    from indlint.read.files import read_path

    doc = read_path(source)
    if doc.error:
        raise ValueError(doc.error)
    forms = tuple({**{k: v for k, v in f.meta.items() if v is not None},
                   **({"budget": dict(f.budget)} if f.budget else {}),
                   "indicators": [{k: v for k, v in r.fields.items() if v is not None}
                                  for r in f.rows]} for f in doc.forms)
    return ImportResult(forms, (), Path(source).name)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--diff", "show_diff", is_flag=True, help="只显示改动（统一差异格式），不写文件")
def fix(paths, show_diff) -> None:
    """只改写书写格式（>= → ≥、236.00(人) → 236人、百分比 → %），其余内容逐字保留。"""
    from indlint.app.fix import fix_file, write_fix
    from indlint.values.lexicons import load_lexicons
    from indlint.values.parse import ValueParser

    parser = ValueParser(load_lexicons().units)
    changed = failed = 0
    for path in iter_files(paths):
        result = fix_file(path, parser)
        if result.error:
            failed += 1
            click.echo(f"{path}: 未改写：{result.error}", err=True)
        elif result.new is not None:
            changed += 1
            if show_diff:
                click.echo(result.diff(), nl=False)
            else:
                write_fix(result)
                click.echo(f"{path}: 改写了 {result.changes} 处写法", err=True)
    verb = "可改写" if show_diff else "改写了"
    click.echo(f"{verb} {changed} 个文件；{failed} 个文件无法处理。", err=True)
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)


@main.command("parse-value")
@click.argument("text")
@click.option("--nature", default=None,
              help=f"指标性质列（{'、'.join(load_comparators().canonical)}、定量、定性）")
@click.option("--unit", default=None, help="度量单位列")
def parse_value(text, nature, unit) -> None:
    """显示一个指标值解析后的类型化结果（供规则作者调试）。"""
    from indlint.values.lexicons import load_lexicons
    from indlint.values.parse import ValueParser

    parser = ValueParser(load_lexicons().units)
    value = parser.combine(nature, text, unit) if (nature or unit) else parser.parse(text)
    click.echo(json.dumps(value.describe(), ensure_ascii=False, indent=2))


@main.command("rules")
@click.option("--profile", default=None, help="规则预设（默认取配置文件，否则 default）")
def list_rules(profile) -> None:
    """列出规则（编号、级别、类别、摘要），含配置文件 rule-paths 中的自定义规则。"""
    linter = _linter(_config(None), profile, (), ())
    for rule in sorted(linter.rules, key=lambda r: r.id):
        click.echo(f"{rule.id}  {rule.severity.value:<7}  {rule.category:<34} {rule.summary}")


@main.command()
@click.argument("rule_id")
def explain(rule_id) -> None:
    """显示一条规则的说明、依据和示例。"""
    from indlint.output.docs import explain_rule
    from indlint.values.lexicons import load_lexicons
    from indlint.judge.rules import RuleError, load_rules

    try:
        ruleset = load_rules(load_lexicons(), _config(None).rule_paths)
    except RuleError as err:
        raise click.UsageError(str(err)) from None
    rule = ruleset.rules.get(rule_id.upper())
    if rule is None:
        raise click.UsageError(f"没有规则 {rule_id}；用 indlint rules 查看全部规则")
    click.echo(explain_rule(rule))


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--profile", default=None, help="规则预设")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="配置文件")
def score(paths, fmt, profile, config_path) -> None:
    """按事前绩效评估评分表计算“项目绩效”部分（20 分）并说明每一处扣分。"""
    from indlint.read.files import read_path
    from indlint.app.run import check_paths
    from indlint.judge.score import score_form

    config = _config(config_path)
    linter = _linter(config, profile, (), ())
    results, unreadable = [], 0
    # The findings are check's (ignores and suppressions applied); each file is read again
    # for its forms, as the HTML report does.
    for result in check_paths(linter, config, iter_files(paths)).files:
        doc = read_path(result.path)
        if doc.error:
            unreadable += 1
            click.echo(f"{result.path}: 文件无法读取：{doc.error}", err=True)
            continue
        for form in doc.forms:
            mine = [f for f in result.findings if f.form == form.index]
            results.append((result.path, score_form(form, mine, linter.tools)))
    click.echo(_format_scores(results, fmt), nl=False)
    sys.exit(EXIT_FINDINGS if unreadable else EXIT_OK)


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
        lines.append(f"{path} 第{s.form + 1}张表「{s.project}」：项目绩效 {_num(s.total)}/{_num(s.maximum)} 分")
        for item in s.items:
            lines.append(f"  {item.code} {item.label}：{_num(item.got)}/{_num(item.maximum)}")
            lines += [f"      - {d}" for d in item.deductions]
    return "\n".join(lines) + "\n"


@main.command("report")
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入的 HTML 审核报告")
@click.option("--xlsx-out", type=click.Path(dir_okay=False),
              help="把审核意见写回表格：另存为带“审核意见”列和单元格批注的 .xlsx（原文件不改动）")
@click.option("--profile", default=None, help="规则预设：default（默认）、cz2021、shanghai")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="配置文件（默认从当前目录向上查找 indlint.yaml 或 pyproject.toml 的 [tool.indlint]）")
def report_cmd(paths, output, xlsx_out, profile, config_path) -> None:
    """生成供审核人员阅读的 HTML 审核报告（单个文件，可离线打开和打印），或标注原表格。"""
    from pathlib import Path

    from indlint.output.html_report import render_report
    from indlint.read.files import read_path
    from indlint.app.run import check_paths

    if not (output or xlsx_out):
        raise click.UsageError("请用 -o 指定 HTML 报告，或用 --xlsx-out 指定标注后的表格")
    config = _config(config_path)
    linter = _linter(config, profile, (), ())
    result = check_paths(linter, config, iter_files(paths))
    for note in result.notes:
        click.echo(note, err=True)
    if xlsx_out:
        _annotate_xlsx(result, xlsx_out)
    if not output:
        return
    # The findings are check's (per-file ignores and suppressions applied); the report also
    # draws each form, so each file is read once more for its Document.
    entries = [(r.path, read_path(r.path), r.findings) for r in result.files]
    from indlint.output.report import write_atomic

    _refuse_inputs([("html", output)], [r.path for r in result.files])
    try:
        write_atomic(output, render_report(entries, linter.tools))
    except OSError as err:
        raise click.ClickException(f"无法写入 {output}：{err.strerror or err}") from None
    click.echo(f"审核报告已写入 {output}", err=True)


def _annotate_xlsx(result, target: str) -> None:
    """Write the reviewer's own workbook back with the findings (report --xlsx-out)."""
    from indlint.output.xlsx_annotate import annotate

    sources = [r for r in result.files if r.path.lower().endswith(".xlsx")]
    if len(sources) != 1 or len(result.files) != 1:
        raise click.UsageError("--xlsx-out 只能用于单个 .xlsx 文件")
    source = sources[0]
    if os.path.realpath(source.path) == os.path.realpath(target):
        raise click.UsageError("--xlsx-out 不能覆盖原表格，请另起文件名")
    if any(f.category == "input.invalid" for f in source.findings):
        raise click.ClickException(f"{source.path} 无法读取：{source.findings[0].message}")
    try:
        placed = annotate(source.path, target, source.findings)
    except OSError as err:
        raise click.ClickException(f"无法写入 {target}：{err}") from None
    click.echo(f"已把 {placed} 条审核意见写入 {target}", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
