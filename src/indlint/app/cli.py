"""The ``indlint`` command line: the command group and its entry point ``main``."""
from __future__ import annotations

import os
import sys

import click

from indlint import __version__
from indlint.app.check_cmd import CHECK_FORMATS, check
from indlint.app.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, exit_code, iter_files
from indlint.app.edit_cmd import fix, import_cmd
from indlint.app.info_cmd import explain, list_rules, parse_value
from indlint.app.review_cmd import report_cmd, score
from indlint.app.serve.command import serve
from indlint.app.signals import guard
from indlint.app.zh_click import ZhGroup, install

install()

__all__ = ["CHECK_FORMATS", "EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "exit_code", "iter_files",
           "main"]


class _Main(ZhGroup):
    """The command group: an output that cannot be written (stdout on a full disk) is one line."""

    def invoke(self, ctx):
        ctx.call_on_close(_flush_stdout)
        try:
            return super().invoke(ctx)
        except click.ClickException as err:
            from indlint.core.safeio import printable

            err.message = printable(err.message)    # paths and file data: never raw to a terminal
            raise
        except OSError as err:
            _output_failed(err)


def _flush_stdout() -> None:
    try:
        sys.stdout.flush()
    except OSError as err:
        _output_failed(err)


def _output_failed(err: OSError) -> None:
    from indlint.core.safeio import printable

    sys.stderr.write(printable(f"错误：无法输出：{err.strerror or err}") + "\n")
    sys.stderr.flush()
    os._exit(EXIT_USAGE)        # buffered output cannot be written: never try again at exit


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="indlint", message="%(prog)s %(version)s",
                      help="显示版本并退出")
def main() -> None:
    """indlint：绩效目标申报表 / 绩效自评表指标质量检查。"""


# Registered in the order the original single module declared them (help lists them sorted).
for _command in (check, import_cmd, fix, parse_value, list_rules, explain, score, report_cmd,
                 serve):
    _command.options_metavar = "[选项]"
    main.add_command(_command if _command is serve else guard(_command))


if __name__ == "__main__":  # pragma: no cover
    main()
