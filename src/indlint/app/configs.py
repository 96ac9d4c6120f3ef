"""Each checked file's configuration (the nearest one above it), and one linter per distinct configuration."""
from __future__ import annotations

import os
from pathlib import Path

import click

from indlint.app.console import say
from indlint.core.config import Config, ConfigError, ConfigFinder, load_config


class Setups:
    """The configuration and linter of every file of a run.

    ``--config`` applies one file to all; ``--isolated`` uses none; otherwise each file gets the
    nearest configuration in its folder or above (core/config.find_config). Rule sets are built
    once per distinct configuration, so files under one configuration share one linter.
    """

    def __init__(self, config_path: str | None = None, isolated: bool = False,
                 profile: str | None = None, select: tuple[str, ...] = (),
                 ignore: tuple[str, ...] = ()):
        self.fixed: Config | None = Config() if isolated else (
            load_explicit(config_path) if config_path else None)
        self.flags = (profile, select, ignore)
        self._finder = ConfigFinder()
        self._configs: dict[str | None, Config] = {}
        self._linters: dict[str | None, object] = {}
        self._by_path: dict[str, Config] = {}
        self._by_folder: dict[str, Path | None] = {}    # a folder → the configuration file found
        self._aliases: dict[str, str] = {}
        self._shown: dict[str, str] = {}       # the name a temporary file is reported under
        self._told = 0

    def alias(self, path: str, stands_for: str) -> None:
        """Let a temporary file (standard input) take the configuration of the name it stands for."""
        self._aliases[path] = stands_for
        self._shown[stands_for] = path

    def config_for(self, path: str) -> Config:
        """The configuration of a file or folder (ConfigError → usage error, exit 2)."""
        if path in self._by_path:
            return self._by_path[path]
        config = self.fixed if self.fixed is not None else self._discover(path)
        self._by_path[path] = config
        return config

    def _discover(self, path: str) -> Config:
        shown = self._aliases.get(path, path)
        start = Path(shown if shown not in ("", "-") else ".")
        if start.is_dir():
            found = self._finder.find(start)
        else:       # a file's configuration is its folder's: found once for a folder's files
            folder = os.path.dirname(os.path.abspath(start))
            if folder not in self._by_folder:
                self._by_folder[folder] = self._finder.find(Path(folder))
            found = self._by_folder[folder]
        self._tell()
        key = str(found) if found else None
        if key not in self._configs:
            try:
                self._configs[key] = load_config(found)
            except (ConfigError, OSError) as err:
                raise click.UsageError(str(err)) from None
        return self._configs[key]

    def _tell(self) -> None:
        """Say once, on standard error, which candidates were skipped as untrusted."""
        notes = list(self._finder.notes)
        for note in notes[self._told:]:
            say(note, err=True)         # the notes name folders: escaped like file data
        self._told = len(notes)

    def linter_for(self, config: Config):
        """The linter of a configuration, built the first time it is needed."""
        if config.path not in self._linters:
            self._linters[config.path] = make_linter(config, *self.flags)
        return self._linters[config.path]

    def setup_for(self, path: str):
        """(key, linter, config) of one file: the key names its configuration in worker tables."""
        config = self.config_for(path)
        return config.path, self.linter_for(config), config

    def table(self) -> dict:
        """Every configuration met so far with its linter (what worker processes receive)."""
        return {c.path: (self.linter_for(c), c) for c in self._by_path.values()}

    def linters(self) -> list:
        """The linters built, in the order first needed (at least one)."""
        if not self._linters:
            self.linter_for(self.fixed or self.config_for("."))
        return list(self._linters.values())

    def fail_rank(self, path: str, flag: str | None) -> int:
        """The severity rank at which a finding of this file fails the run (--fail-on first)."""
        from indlint.core.model import Severity

        config = (self._by_path.get(path) or self._by_path.get(self._shown.get(path, ""))
                  or self.fixed or Config())
        return Severity(flag or config.fail_on).rank


def load_explicit(config_path: str) -> Config:
    """``--config FILE``: always honoured, wherever it lies (no ownership test)."""
    try:
        path = Path(config_path)
        if not os.path.lexists(path):   # a FIFO or a device is refused by the safe reader
            raise ConfigError(f"配置文件不存在：{config_path}")
        return load_config(path)
    except (ConfigError, OSError) as err:
        raise click.UsageError(str(err)) from None


def make_linter(config, profile, select, ignore):
    """The linter of one configuration, with --profile / --select / --ignore on top (exit 2 on a bad id)."""
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
