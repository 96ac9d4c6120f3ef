"""The ``check`` command: findings over files and folders, in every output format."""
from __future__ import annotations

import os
import sys

import click

from indlint import __version__
from indlint.app.common import (EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, exit_code, iter_files,
                                load_run_config, make_linter, split_ids)
from indlint.core.model import Finding, Severity

#: Output formats of ``check`` (report.FORMATTERS; literal so that importing the CLI stays light).
CHECK_FORMATS = ("text", "json", "sarif", "github", "junit", "markdown")


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="路径...")
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
    config = load_run_config(config_path)
    linter = make_linter(config, profile, split_ids(select), split_ids(ignore))
    files = list(iter_files(paths))
    refuse_inputs(targets, files)
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


def refuse_inputs(targets, inputs) -> None:
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
