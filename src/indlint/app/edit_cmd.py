"""The commands that write forms: ``import`` (exported text or a spreadsheet to YAML) and ``fix`` (notation only)."""
from __future__ import annotations

import os
import sys

import click

from indlint.app.console import say
from indlint.app.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, select

@click.command("import")
@click.argument("source", type=click.Path(dir_okay=False), metavar="源文件")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入的 YAML 文件（默认输出到标准输出）")
@click.option("--corrections", type=click.Path(exists=True, dir_okay=False),
              help="人工核对后的修正文件（见 corrections/seeds.yaml）")
def import_cmd(source, output, corrections) -> None:
    """把申报表（Word .docx、PDF、Excel .xls/.xlsx、.csv，或导出的 .txt 文本）转换为 YAML 申报表。"""
    from pathlib import Path

    from indlint.read.text import import_text, load_corrections, to_yaml

    try:
        if source.lower().endswith((".xlsx", ".xlsm", ".xls", ".csv", ".docx", ".pdf",
                                    ".doc", ".wps", ".et")):
            result = _import_spreadsheet(source)
        else:
            fixes = load_corrections(Path(corrections)) if corrections else None
            result = import_text(Path(source), fixes)
    except (OSError, ValueError) as err:
        raise click.ClickException(f"无法导入 {source}：{err}") from None
    for message in result.messages:
        say(f"{source}: {message}", err=True)
    if not result.forms:
        raise click.ClickException(f"{source} 中没有找到申报表或自评表")
    text = to_yaml(result)
    if output:
        from indlint.output.report import write_atomic

        if os.path.realpath(output) == os.path.realpath(source):
            raise click.UsageError("-o 不能覆盖被导入的文件，请另起文件名")
        try:
            write_atomic(output, text, [source, *([corrections] if corrections else [])])
        except OSError as err:
            raise click.ClickException(f"无法写入 {err}") from None
        rows = sum(len(form.get("indicators") or ()) for form in result.forms)
        say(f"已导入 {source}：{len(result.forms)} 张表、{rows} 项指标，写入 {output}。",
                   err=True)
    else:       # the YAML on standard output is the success
        click.echo(text, nl=False)


def _import_spreadsheet(source: str):
    """Read a spreadsheet into the importer's result, so that it is written as YAML too."""
    from pathlib import Path

    from indlint.read.files import read_path

    doc = read_path(source)
    if doc.error:
        raise ValueError(doc.error)
    return document_import(doc, Path(source).name)


def document_import(doc, name: str):
    """The importer's result for a Document already read (its forms as YAML-ready mappings)."""
    from indlint.read.text import ImportResult

    forms = tuple({**{k: v for k, v in f.meta.items() if v is not None},
                   **({"budget": dict(f.budget)} if f.budget else {}),
                   "indicators": [{k: v for k, v in r.fields.items() if v is not None}
                                  for r in f.rows]} for f in doc.forms)
    return ImportResult(forms, (), name)


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="路径...")
@click.option("--diff", "show_diff", is_flag=True,
              help="只显示改动（统一差异格式），不写文件；有待改写的文件时以 1 退出")
@click.option("--check", "check_only", is_flag=True,
              help="只列出需要改写的文件，不写文件；有待改写的文件时以 1 退出")
def fix(paths, show_diff, check_only) -> None:
    """只改写书写格式（>= → ≥、236.00(人) → 236人、百分比 → %），其余内容逐字保留。

    退出码：0 无需改写（或已全部改写）；1 有待改写（--diff、--check）；2 有文件无法处理或被拒绝。
    """
    from indlint.app.fix import fix_file, write_fix
    from indlint.core.safeio import printable
    from indlint.values.lexicons import load_lexicons
    from indlint.values.parse import ValueParser

    parser = ValueParser(load_lexicons().units)
    changed = failed = 0
    # fix rewrites YAML notation: a folder walk leaves Office, PDF and text files alone.
    chosen = select(paths)
    for path in (p for p in chosen.files
                 if p not in chosen.walked or p.lower().endswith((".yaml", ".yml", ".xlsx", ".csv"))):
        result = fix_file(path, parser)
        if result.error:
            failed += 1
            click.echo(printable(f"{path}: 未改写：{result.error}"), err=True)
        elif result.new is not None:
            changed += 1
            if show_diff:
                click.echo(result.diff(), nl=False)
            elif check_only:
                click.echo(printable(f"{path}: 可改写 {result.changes} 处写法"), err=True)
            else:
                try:
                    write_fix(result)
                except OSError as err:      # refused or failed (core.safewrite): one line
                    changed, failed = changed - 1, failed + 1
                    click.echo(printable(f"未改写 {err}"), err=True)
                    continue
                click.echo(printable(f"{path}: 改写了 {result.changes} 处写法"), err=True)
    pending = show_diff or check_only
    click.echo(f"{'可改写' if pending else '改写了'} {changed} 个文件；{failed} 个文件无法处理。",
               err=True)
    # formats.md: 2 refused or failed, else 1 when changes are pending, else 0.
    sys.exit(EXIT_USAGE if failed else EXIT_FINDINGS if pending and changed else EXIT_OK)
