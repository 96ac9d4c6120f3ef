"""The ``indlint`` command line: the command group and its entry point ``main``."""
from __future__ import annotations

import click

from indlint import __version__
from indlint.app.check_cmd import CHECK_FORMATS, check
from indlint.app.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, exit_code, iter_files
from indlint.app.edit_cmd import fix, import_cmd
from indlint.app.info_cmd import explain, list_rules, parse_value
from indlint.app.review_cmd import report_cmd, score

__all__ = ["CHECK_FORMATS", "EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "exit_code", "iter_files",
           "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="indlint", message="%(prog)s %(version)s")
def main() -> None:
    """indlint：绩效目标申报表 / 绩效自评表指标质量检查。"""


# Registered in the order the original single module declared them (help lists them sorted).
for _command in (check, import_cmd, fix, parse_value, list_rules, explain, score, report_cmd):
    main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    main()
