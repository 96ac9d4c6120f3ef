"""The reviewer's commands: ``score`` (the 20-point part of the assessment) and ``report`` (HTML, annotated xlsx)."""
from __future__ import annotations

import json
import sys

import click

from indlint.app.console import say
from indlint.app.check_cmd import refuse_inputs
from indlint.app.check_cmd import CONFIG_HELP
from indlint.app.common import EXIT_FINDINGS, EXIT_OK, select

@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="路径...")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--profile", default=None, help="规则预设")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), metavar="文件",
              help=CONFIG_HELP)
@click.option("--isolated", is_flag=True, help="不使用任何配置文件")
def score(paths, fmt, profile, config_path, isolated) -> None:
    """申报表按事前绩效评估评分表计算“项目绩效”部分（20 分），自评表复核其总分；逐项说明扣分。"""
    from indlint.app.configs import Setups
    from indlint.read.files import read_path
    from indlint.app.run import check_paths
    from indlint.judge.score import score_form

    setups = Setups(config_path, isolated, profile)
    chosen = select(paths, setups.config_for)
    results, unreadable = [], 0
    # The findings are check's (ignores and suppressions applied); each file is read again
    # for its forms, as the HTML report does.
    for result in check_paths(setups, chosen.files, 1, chosen.walked).checked:
        linter = setups.setup_for(result.path)[1]
        doc = read_path(result.path)
        if doc.error:
            unreadable += 1
            say(f"{result.path}: 文件无法读取：{doc.error}", err=True)
            continue
        for form in doc.forms:
            mine = [f for f in result.findings if f.form == form.index]
            results.append((result.path, score_form(form, mine, linter.tools)))
    text = _format_scores(results, fmt)
    # JSON escapes control characters itself; the text lines hold project and indicator names.
    click.echo(text, nl=False) if fmt == "json" else say(text, nl=False)
    sys.exit(EXIT_FINDINGS if unreadable else EXIT_OK)


def _num(number) -> str:
    text = f"{number.normalize():f}"
    return text


def _format_scores(results, fmt: str) -> str:
    if fmt == "json":
        return json.dumps([{"path": p, "form": s.form, "project": s.project, "kind": s.kind,
                            "title": s.title, "total": float(s.total), "maximum": float(s.maximum),
                            "stated": float(s.stated) if s.stated is not None else None,
                            "items": [{"code": i.code, "label": i.label, "max": float(i.maximum),
                                       "score": float(i.got), "deductions": list(i.deductions)}
                                      for i in s.items]} for p, s in results],
                          ensure_ascii=False, indent=2) + "\n"
    lines = []
    for path, s in results:
        lines.append(f"{path} 第{s.form + 1}张表「{s.project}」：{s.title} {_num(s.total)}/{_num(s.maximum)} 分"
                     + (f"（表中总分 {_num(s.stated)} 分）" if s.stated is not None else ""))
        for item in s.items:
            lines.append(f"  {item.code} {item.label}：{_num(item.got)}/{_num(item.maximum)}")
            lines += [f"      - {d}" for d in item.deductions]
    return "\n".join(lines) + "\n"


@click.command("report")
@click.argument("paths", nargs=-1, required=True, metavar="路径...")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入的 HTML 审核报告")
@click.option("--xlsx-out", type=click.Path(dir_okay=False),
              help="把审核意见写回表格：另存为带“审核意见”列和单元格批注的 .xlsx（原文件不改动）")
@click.option("--docx-out", type=click.Path(dir_okay=False),
              help="把审核意见写回 Word：另存为带批注的 .docx（原文件不改动）")
@click.option("--profile", default=None, help="规则预设：default（默认）、cz2021、shanghai")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), metavar="文件",
              help=CONFIG_HELP)
@click.option("--isolated", is_flag=True, help="不使用任何配置文件")
def report_cmd(paths, output, xlsx_out, docx_out, profile, config_path, isolated) -> None:
    """生成供审核人员阅读的 HTML 审核报告（单个文件，可离线打开和打印），或标注原表格。"""
    from indlint.app.configs import Setups
    from indlint.output.html_report import render_report
    from indlint.read.files import read_path
    from indlint.app.run import check_paths

    if not (output or xlsx_out or docx_out):
        raise click.UsageError("请用 -o 指定 HTML 报告，或用 --xlsx-out / --docx-out 指定标注后的表格")
    setups = Setups(config_path, isolated, profile)
    chosen = select(paths, setups.config_for)
    result = check_paths(setups, chosen.files, 1, chosen.walked)
    for note in result.notes:
        say(note, err=True)
    if xlsx_out:
        from indlint.app.annotate import annotate_xlsx_cmd
        annotate_xlsx_cmd(result, xlsx_out)
    if docx_out:
        from indlint.app.annotate import annotate_docx_cmd
        annotate_docx_cmd(result, docx_out)
    if not output:
        return
    # The findings are check's (per-file ignores and suppressions applied); the report also
    # draws each form, so each file is read once more for its Document.
    entries = [(r.path, read_path(r.path), r.findings) for r in result.checked]
    from indlint.output.report import write_atomic

    refuse_inputs([("html", output)], [r.path for r in result.checked])
    try:
        write_atomic(output, render_report(entries, setups.linters()[0].tools,
                                           skipped=result.skipped_files),
                     [r.path for r in result.files])
    except OSError as err:
        raise click.ClickException(f"无法写入 {err}") from None
    say(f"审核报告已写入 {output}", err=True)

