"""``report --docx-out``: write the findings of one Word form into a commented copy of it."""
from __future__ import annotations

import os

import click


def annotate_docx_cmd(result, target: str) -> None:
    """Write the reviewer's own Word form back with the findings as comments (original untouched)."""
    from indlint.output.docx_annotate import annotate_docx

    sources = [r for r in result.files if r.path.lower().endswith(".docx")]
    if len(sources) != 1 or len(result.files) != 1:
        raise click.UsageError("--docx-out 只能用于单个 .docx 文件")
    source = sources[0]
    if os.path.realpath(source.path) == os.path.realpath(target):
        raise click.UsageError("--docx-out 不能覆盖原文件，请另起文件名")
    if source.skipped or any(f.category == "input.invalid" for f in source.findings):
        message = source.skipped or source.findings[0].message
        raise click.ClickException(f"{source.path} 无法读取：{message}")
    try:
        placed = annotate_docx(source.path, target, source.findings)
    except OSError as err:
        raise click.ClickException(f"无法写入 {target}：{err}") from None
    except Exception as err:  # noqa: BLE001 — never a traceback (the reader's guards ran before)
        raise click.ClickException(f"无法标注 {source.path}（{type(err).__name__}）") from None
    click.echo(f"已把 {placed} 条审核意见以批注写入 {target}", err=True)
