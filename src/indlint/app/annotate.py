"""``report --docx-out`` / ``--xlsx-out``: write the findings of one form into an annotated copy of it."""
from __future__ import annotations

import os

import click

from indlint.app.console import say


def one_source(files, suffix: str, option: str, noun: str, target: str):
    """The one file of the run that ``option`` annotates, after the checks both options share:
    a single file of that type, a target other than the original, a file that could be read."""
    sources = [r for r in files if r.path.lower().endswith(suffix)]
    if len(sources) != 1 or len(files) != 1:
        raise click.UsageError(f"{option} 只能用于单个 {suffix} 文件")
    source = sources[0]
    if os.path.realpath(source.path) == os.path.realpath(target):
        raise click.UsageError(f"{option} 不能覆盖原{noun}，请另起文件名")
    if source.skipped or any(f.category == "input.invalid" for f in source.findings):
        message = source.skipped or source.findings[0].message
        raise click.ClickException(f"{source.path} 无法读取：{message}")
    return source


def annotate_docx_cmd(result, target: str) -> None:
    """Write the reviewer's own Word form back with the findings as comments (original untouched)."""
    from indlint.output.docx_annotate import annotate_docx

    source = one_source(result.files, ".docx", "--docx-out", "文件", target)
    placed = _write(annotate_docx, source, target)
    say(f"已把 {placed} 条审核意见以批注写入 {target}", err=True)


def annotate_xlsx_cmd(result, target: str) -> None:
    """Write the reviewer's own workbook back with the findings (original untouched)."""
    from indlint.output.xlsx_annotate import annotate

    source = one_source(result.checked, ".xlsx", "--xlsx-out", "表格", target)
    placed = _write(annotate, source, target)
    say(f"已把 {placed} 条审核意见写入 {target}", err=True)


def _write(annotate, source, target: str) -> int:
    """Run an annotator; what goes wrong is one line, never a traceback (the reader's guards
    ran before)."""
    try:
        return annotate(source.path, target, source.findings)
    except OSError as err:
        raise click.ClickException(f"无法写入 {target}：{err}") from None
    except Exception as err:  # noqa: BLE001
        raise click.ClickException(f"无法标注 {source.path}（{type(err).__name__}）") from None
