"""What the commands share: the file walk, configuration, the linter, exit codes."""
from __future__ import annotations

from typing import Iterator

import click

from indlint.app.console import say
from indlint.core.model import Finding, Severity

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def iter_files(paths: tuple[str, ...], config=None, respect_gitignore: bool = True,
               force_exclude: bool = False) -> Iterator[str]:
    """Yield the files to check (app/select.py); notices about skipped files go to stderr.

    ``config`` is one Config for every file, or a function giving each path's (Setups.config_for).
    """
    chosen = select(paths, config, respect_gitignore, force_exclude)
    yield from chosen.files


def select(paths: tuple[str, ...], config=None, respect_gitignore: bool = True,
           force_exclude: bool = False):
    """The Selection of app/select.py (files, and which came from folder walks); notices printed."""
    from indlint.app.select import select_files
    from indlint.core.config import Config

    chosen = select_files(paths, config or Config(), respect_gitignore, force_exclude)
    for note in chosen.notes:
        say(note, err=True)
    return chosen


def load_run_config(config_path: str | None, isolated: bool = False):
    """The configuration of commands that check no file (rules, explain): found from the current folder."""
    import os

    from indlint.app.configs import Setups

    return Setups(config_path, isolated).config_for(os.getcwd())


def exit_code(findings: list[Finding], fail_on: Severity) -> int:
    """0 when no finding reaches fail_on, else 1 (formats.md)."""
    return EXIT_FINDINGS if any(f.severity.rank >= fail_on.rank for f in findings) else EXIT_OK


def split_ids(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(p.strip() for v in values for p in v.split(",") if p.strip())
