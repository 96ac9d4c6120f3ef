"""The ``indlint`` command line: the command group and its entry point ``main``."""
from __future__ import annotations

import importlib
import os
import sys
from collections.abc import MutableMapping

import click

from indlint import __version__
from indlint.app.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, exit_code, iter_files
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


#: Each command's module and object, imported only when the command is used (or help lists
#: them all): ``indlint check`` on one file, a pre-commit run, never pays for the others.
#: In the order the original single module declared them (help lists them sorted).
COMMANDS = {
    "check": ("indlint.app.check_cmd", "check"),
    "import": ("indlint.app.edit_cmd", "import_cmd"),
    "fix": ("indlint.app.edit_cmd", "fix"),
    "parse-value": ("indlint.app.info_cmd", "parse_value"),
    "rules": ("indlint.app.info_cmd", "list_rules"),
    "explain": ("indlint.app.info_cmd", "explain"),
    "score": ("indlint.app.review_cmd", "score"),
    "report": ("indlint.app.review_cmd", "report_cmd"),
    "serve": ("indlint.app.serve.command", "serve"),
}


class LazyCommands(MutableMapping):
    """The group's commands by name: every name known at once, each command imported on first
    use (click's lazily loaded subcommands, kept as the group's ``commands`` mapping)."""

    def __init__(self, table: dict[str, tuple[str, str]]):
        self._table = dict(table)
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            module, attr = self._table[name]     # KeyError: no such command
            self._loaded[name] = _prepared(name, getattr(importlib.import_module(module), attr))
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._table.setdefault(name, ("", ""))
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._table[name]
        self._loaded.pop(name, None)

    def __iter__(self):
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)


def _prepared(name: str, command: click.Command) -> click.Command:
    """A command as the group shows it: the Chinese usage line, and run inside the signal guard
    (``serve`` is not guarded: its server stops on Ctrl+C by its own handlers)."""
    from indlint.app.signals import guard

    command.options_metavar = "[选项]"
    return command if name == "serve" else guard(command)


main.commands = LazyCommands(COMMANDS)


def __getattr__(name: str):
    # CHECK_FORMATS lives with the check command; imported from here by older callers.
    if name == "CHECK_FORMATS":
        from indlint.app.check_cmd import CHECK_FORMATS

        return CHECK_FORMATS
    raise AttributeError(name)


if __name__ == "__main__":  # pragma: no cover
    main()
