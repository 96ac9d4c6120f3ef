"""The ``check`` command: findings over files and folders, in every output format."""
from __future__ import annotations

import os
import sys
from functools import partial
from typing import NamedTuple

import click

from indlint.app.console import say
from indlint import __version__
from indlint.app.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, select, split_ids
from indlint.core.model import Finding, Severity

#: Output formats of ``check`` (report.FORMATTERS; literal so that importing the CLI stays light).
#: ``text`` is the old name of ``full`` and stays its alias.
CHECK_FORMATS = ("full", "concise", "text", "json", "sarif", "github", "junit", "markdown")
#: Formats written only to a file with -o (binary): the findings workbook.
FILE_FORMATS = ("xlsx",)
SEVERITY_NAMES = ("error", "warning", "info")
CONFIG_HELP = ("配置文件，用于所有文件（默认：每个文件从所在文件夹向上查找 indlint.yaml、.indlint.yaml 或含 "
               "[tool.indlint] 的 pyproject.toml，到仓库根目录或用户主目录为止）")


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="路径...")
@click.option("--format", "--output-format", "fmt", type=click.Choice(CHECK_FORMATS),
              default="full", show_default=True,
              help="写到标准输出的格式：full（每个问题两行，text 是它的别名）、concise（每个问题一行）"
                   "或机器格式（给了 -o 时须显式指定才输出）")
@click.option("-o", "--output", "outputs", multiple=True, metavar="格式[:文件]",
              help="输出格式及文件，可重复，如 -o sarif:out.sarif -o text；省略路径则输出到标准输出")
@click.option("--statistics", is_flag=True, help="最后按规则统计问题数")
@click.option("--fail-on", type=click.Choice(SEVERITY_NAMES), default=None,
              help="达到该级别的问题时以 1 退出（默认 error）")
@click.option("--min-severity", type=click.Choice(SEVERITY_NAMES), default=None,
              help="只显示达到该级别的问题；未显示的问题不影响退出码")
@click.option("--profile", default=None, help="规则预设：default（默认）、cz2021、shanghai")
@click.option("--select", multiple=True, help="只启用这些规则（编号、编号前缀或类别前缀，可重复或以逗号分隔）")
@click.option("--ignore", multiple=True, help="停用这些规则（同上）")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), metavar="文件",
              help=CONFIG_HELP)
@click.option("--isolated", is_flag=True, help="不使用任何配置文件")
@click.option("--exit-zero", is_flag=True, help="有问题时也以 0 退出（仍输出问题）")
@click.option("--baseline", type=click.Path(dir_okay=False), metavar="文件",
              help="基线文件：不存在时写入当前全部问题，存在时只报告基线之外的新问题")
@click.option("-j", "--jobs", type=click.IntRange(0, 64), default=1, show_default=True,
              help="并行进程数（0 表示使用全部 CPU 核心；工作量小时自动只用一个进程）")
@click.option("--no-cache", is_flag=True,
              help="不读也不写缓存（规则缓存和结果缓存；也可设置环境变量 INDLINT_NO_CACHE=1）")
@click.option("--cache-dir", type=click.Path(file_okay=False), metavar="文件夹",
              help="缓存所在文件夹（默认为配置文件旁或仓库根目录下的 .indlint_cache；"
                   "也可设置环境变量 INDLINT_CACHE_DIR）")
@click.option("--color", "color", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="彩色输出：auto 只在终端上且未设置 NO_COLOR 时")
@click.option("-q", "--quiet", is_flag=True, help="只输出问题，不输出汇总行和提示")
@click.option("--respect-gitignore/--no-respect-gitignore", default=True,
              help="查找文件夹时跳过 .gitignore 忽略的文件（默认跳过）")
@click.option("--force-exclude", is_flag=True,
              help="命令行上直接给出的文件也按 exclude / extend-exclude 排除（供 pre-commit 使用）")
@click.option("--stdin-filename", default=None, metavar="文件名",
              help="路径为 - 时从标准输入读取一张表，用这个文件名报告问题（其后缀决定读法）")
def check(paths, fmt, outputs, statistics, fail_on, min_severity, profile, select, ignore,
          config_path, isolated, exit_zero, baseline, jobs, no_cache, cache_dir, color, quiet,
          respect_gitignore, force_exclude, stdin_filename) -> None:
    """检查申报表文件或文件夹（递归查找 YAML、Excel、CSV、Word、PDF 和导出的文本）；路径为 - 时读标准输入。"""
    _settle_memory()        # first: the imports below already make many objects
    from indlint.app.configs import Setups
    from indlint.app.console import StdinForm, use_colour
    from indlint.read.yamlform import MAX_FILE_BYTES

    from indlint.core import cache as caches

    caches.configure(no_cache, cache_dir)
    targets = _outputs(outputs, fmt)
    setups = Setups(config_path, isolated, profile, split_ids(select), split_ids(ignore))
    chosen = _select(paths, setups, respect_gitignore, force_exclude)
    files = chosen.files
    refuse_inputs(targets, [f for f in files if f != "-"])
    INPUTS[:] = [f for f in files if f != "-"]
    stdin = StdinForm(stdin_filename) if "-" in files else None
    if stdin is not None:
        error = stdin.read(MAX_FILE_BYTES)
        if error:
            raise click.UsageError(error)
        setups.alias(stdin.path, stdin_filename or "-")
        files = [stdin.path if f == "-" else f for f in files]
    show = Show(use_colour(color), quiet, Severity(min_severity or "info").rank, stdin)
    # Standard input (a private temporary file) is never cached.
    run = Run(setups, chosen.walked, fail_on, _caches(profile, stdin))
    try:
        failed = _run(run, files, jobs, targets, show, baseline, statistics)
    finally:
        if stdin is not None:
            stdin.close()
    sys.exit(EXIT_OK if exit_zero or not failed else EXIT_FINDINGS)


def _caches(profile, stdin):
    """The run's result caches; None when they are off (nothing of the cache module loaded) or
    for standard input (a private temporary file is never cached)."""
    from indlint.core.cache import disabled

    if stdin is not None or disabled():
        return None
    from indlint.app.cached import Caches

    return Caches(profile)


def _select(paths, setups, respect_gitignore: bool, force_exclude: bool):
    from indlint.app.common import select as select_files

    return select_files(paths, setups.config_for, respect_gitignore, force_exclude)


class Run(NamedTuple):
    """What a check run knows besides its files: configurations, walked files, --fail-on."""

    setups: object
    walked: frozenset | set = frozenset()
    fail_on: str | None = None
    caches: object = None               # app/cached.Caches, or None: no result cache

    def fails(self, finding: Finding, path: str | None = None) -> bool:
        """Whether a finding fails the run under its file's fail-on (or --fail-on)."""
        return finding.severity.rank >= self.setups.fail_rank(path or finding.path, self.fail_on)

    def context(self):
        """Rules and severity overrides for SARIF and JUnit: those of every configuration used."""
        from indlint.output.report import Context

        linters = self.setups.linters()
        rules = {r.id: r for linter in linters for r in linter.rules}
        severities = {k: v for linter in reversed(linters) for k, v in linter.severities.items()}
        return Context(tuple(rules.values()), severities, __version__)


class Show(NamedTuple):
    """How the findings are shown: colour, --quiet, --min-severity, and a stdin name to restore."""

    colour: bool = False
    quiet: bool = False
    min_rank: int = 1
    stdin: object = None

    def keep(self, findings) -> list[Finding]:
        """The findings shown: at or above --min-severity, under the names the user gave."""
        shown = list(findings) if self.min_rank <= 1 else [   # info, the lowest: all shown
            f for f in findings if f.severity.rank >= self.min_rank]
        return self.stdin.rename(shown) if self.stdin is not None else shown

    def note(self, text: str) -> None:
        """A note on standard error, unless --quiet."""
        if not self.quiet:
            say(text, err=True)


def _settle_memory() -> None:
    """Young collections rarely (core/collector.py); the long-lived rules are frozen out of the
    collector's sight (run._settle)."""
    from indlint.core import collector

    collector.quiet()


def _run(run: Run, files, jobs, targets, show: Show, baseline, statistics) -> bool:
    """Check and write every output; return whether a finding shown fails the run."""
    from indlint.output.stream import STREAMABLE

    if len(targets) == 1 and targets[0][0] in STREAMABLE and not (baseline or statistics):
        return _stream_check(run, files, jobs, targets[0], show)
    findings, summary = _check_paths(run, files, jobs, show)
    if baseline:
        kept = _apply_baseline(baseline, findings)
        summary = summary._replace(hidden=summary.hidden + len(findings) - len(kept))
        findings = kept
    failed = any(run.fails(f) for f in findings if f.severity.rank >= show.min_rank)
    findings = show.keep(findings)
    _emit(targets, findings, summary, run.context(), statistics, show)
    return failed


def _outputs(specs: tuple[str, ...], fmt: str) -> list[tuple[str, str | None]]:
    """(format, file or None for stdout) from -o FORMAT[:PATH]; --format alone when no -o."""
    from click.core import ParameterSource

    explicit = click.get_current_context().get_parameter_source("fmt") != ParameterSource.DEFAULT
    targets: list[tuple[str, str | None]] = [(fmt, None)] if explicit or not specs else []
    for spec in specs:
        name, sep, path = spec.partition(":")
        name = name.strip().lower()
        if name not in CHECK_FORMATS + FILE_FORMATS:
            known = "、".join(CHECK_FORMATS + FILE_FORMATS)
            raise click.UsageError(f"-o {spec}：未知的输出格式 {name}（可用：{known}）")
        if sep and not path:
            raise click.UsageError(f"-o {spec}：冒号后缺少文件路径")
        if name in FILE_FORMATS and path in ("", "-"):
            raise click.UsageError(f"-o {spec}：{name} 只能写入文件，如 -o {name}:审核意见.{name}")
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


def _emit(targets, findings, summary, context, statistics: bool, show: Show) -> None:
    """Write every output (files atomically), then the per-rule statistics."""
    from indlint.app.console import echo_out
    from indlint.output.report import FORMATTERS, HUMAN_FORMATS, format_statistics
    from indlint.output.stream import Stream

    for name, path in targets:
        if path is None and name in HUMAN_FORMATS:
            stream = Stream(name, lambda text: echo_out(text, False), show.colour, show.quiet)
            stream.add(findings)
            stream.finish(summary)
            continue
        if name in FILE_FORMATS:
            _write_workbook(path, findings, context)
            continue
        text = FORMATTERS[name](findings, summary, context)
        if path is None:
            echo_out(text, machine=True)
            continue
        write_or_exit(path, text)
    if not any(p is None and n in HUMAN_FORMATS for n, p in targets):
        _side_notes(show, summary.hidden, summary.skipped)   # kept out of machine formats' bytes
    if statistics:
        machine = any(p is None and n not in HUMAN_FORMATS for n, p in targets)
        click.echo(format_statistics(findings, context), nl=False, err=machine)


def _write_workbook(path: str, findings, context) -> None:
    """-o xlsx:FILE: every finding of the run on one sheet (written safely, like every output)."""
    from indlint.output.docs import bases_of
    from indlint.output.xlsx_findings import findings_workbook, targets_of

    bases = bases_of(context.rules)
    write_or_exit(path, findings_workbook(findings, bases, targets_of(findings)))


def _stream_check(run: Run, files, jobs: int, target, show: Show) -> bool:
    """Check and write text or JSON file by file (flat memory); return whether the run fails."""
    from indlint.app.console import echo_out
    from indlint.output.report import HUMAN_FORMATS, Summary
    from indlint.app.run import Tally, iter_results
    from indlint.output.stream import Stream

    fmt, path = target
    human = fmt in HUMAN_FORMATS
    chunks: list[str] = []
    pending: list[str] = []         # one file's output, written at once (not line by line)

    def flush() -> None:
        if pending:
            echo_out("".join(pending), not human)
            pending.clear()
    stream = Stream(fmt, chunks.append if path else pending.append, show.colour and not path,
                    show.quiet)
    tally, counts, failed, skipped = Tally(), [0, 0, 0], False, 0
    render = partial(_rendered, run, show, stream)
    for result in iter_results(run.setups, files, jobs, tally, run.walked, run.caches, render):
        tally.see(result)
        if result.skipped:
            skipped += 1
            continue
        text, fails = result.shown
        failed = failed or fails
        stream.put(text)
        flush()
        counts = [counts[0] + 1, counts[1] + result.forms, counts[2] + result.rows]
    stream.finish(Summary(*counts, hidden=tally.hidden, skipped=skipped))
    flush()
    if path:
        write_or_exit(path, "".join(chunks))
    for note in tally.notes():
        show.note(note)
    if not (human and not path):
        _side_notes(show, tally.hidden, skipped)
    return failed


def _rendered(run: Run, show: Show, stream, result):
    """A file's findings as the stream writes them, and whether one fails the run: made where
    the file is checked (in a worker with --jobs), so that only text reaches the parent."""
    if result.skipped:
        return result
    fails = any(run.fails(f, result.path) for f in result.findings
                if f.severity.rank >= show.min_rank)
    return result._replace(findings=(), shown=(stream.render(show.keep(result.findings)), fails))


#: The files this run reads: no output may be one of them (compared by device and inode).
INPUTS: list[str] = []


def write_or_exit(path: str, text: str | bytes) -> None:
    """Write one output file safely (core.safewrite), or say why not in one line and exit 2."""
    from indlint.output.report import write_atomic

    try:
        write_atomic(path, text, INPUTS)
    except OSError as err:
        say(f"错误：无法写入 {err}", err=True)
        sys.exit(EXIT_USAGE)


def _side_notes(show: Show, hidden: int, skipped: int) -> None:
    """What the summary line says, on standard error when standard output is a machine format."""
    from indlint.output.report import hidden_note, skipped_note

    if hidden:
        show.note(hidden_note(hidden))
    if skipped:
        show.note(skipped_note(skipped))


def _check_paths(run: Run, paths, jobs: int, show: Show):
    from indlint.output.report import Summary
    from indlint.app.run import check_paths

    result = check_paths(run.setups, paths, jobs, run.walked, caches=run.caches)
    for note in result.notes:
        show.note(note)
    files = result.checked
    shown = [show.stdin.shown if show.stdin and r.path == show.stdin.path else r.path
             for r in files]
    findings = show.stdin.rename(result.findings) if show.stdin is not None else result.findings
    return findings, Summary(len(files), sum(r.forms for r in files),
                             sum(r.rows for r in files), tuple(shown), result.hidden,
                             result.skipped)


def _apply_baseline(path: str, findings: list[Finding]) -> list[Finding]:
    """First use writes the baseline and reports nothing old; later runs report new findings."""
    from indlint.app.baseline import BaselineError, new_findings, read_baseline, write_baseline

    try:
        if not os.path.exists(path):
            count = write_baseline(path, findings, INPUTS)
            say(f"已写入基线 {path}：{count} 个问题。以后只报告基线之外的新问题。", err=True)
            return []
        return new_findings(findings, read_baseline(path), path)
    except (BaselineError, OSError) as err:
        raise click.UsageError(str(err)) from None
