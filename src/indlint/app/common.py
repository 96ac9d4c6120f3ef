"""What the commands share: the file walk, configuration, the linter, exit codes."""
from __future__ import annotations

import os

from typing import Iterator

import click

from indlint.core.model import Finding, Severity

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def iter_files(paths: tuple[str, ...], config=None, respect_gitignore: bool = True,
               force_exclude: bool = False) -> Iterator[str]:
    """Yield the files to check (app/select.py); notices about skipped files go to stderr."""
    from indlint.app.select import select_files
    from indlint.core.config import Config

    chosen = select_files(paths, config or Config(), respect_gitignore, force_exclude)
    for note in chosen.notes:
        click.echo(note, err=True)
    yield from chosen.files


def load_run_config(config_path: str | None):
    from pathlib import Path

    from indlint.core.config import ConfigError, find_config, load_config

    try:
        path = Path(config_path) if config_path else find_config(Path.cwd())
        if config_path and not os.path.lexists(path):
            raise ConfigError(f"配置文件不存在：{config_path}")
        return load_config(path)
    except (ConfigError, OSError) as err:
        raise click.UsageError(str(err)) from None


def make_linter(config, profile, select, ignore):
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


def exit_code(findings: list[Finding], fail_on: Severity) -> int:
    """0 when no finding reaches fail_on, else 1 (formats.md)."""
    return EXIT_FINDINGS if any(f.severity.rank >= fail_on.rank for f in findings) else EXIT_OK


def split_ids(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(p.strip() for v in values for p in v.split(",") if p.strip())
