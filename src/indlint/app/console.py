"""The terminal side of a run: safe console streams, colour, machine bytes, and standard input.

People's formats never fail on a console's encoding (a character it cannot show is replaced);
machine formats are always UTF-8 bytes, whatever the console says.
"""
from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

import click

from indlint.core.model import Finding


def safe_console() -> None:
    """Let standard output and error replace what their encoding cannot show."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):       # a closed or detached stream: leave it
                pass


def use_colour(choice: str) -> bool:
    """--color always / never, or auto: a terminal, and NO_COLOR not set (no-color.org)."""
    if choice != "auto":
        return choice == "always"
    return not os.environ.get("NO_COLOR") and sys.stdout.isatty()


def say(text: str, err: bool = False, nl: bool = True) -> None:
    """Write text that holds file data (names, cells, paths) for people: control and bidi
    characters escaped (core.safeio.printable), so that a file never drives the terminal."""
    from indlint.core.safeio import printable

    click.echo(printable(text), err=err, nl=nl)


def echo_out(text: str, machine: bool) -> None:
    """Write to standard output: UTF-8 bytes for a machine format, text for people."""
    # colour=True: indlint decided about colour already (use_colour); click must not strip it.
    from indlint.core.safeio import utf8

    click.echo(utf8(text) if machine else text, nl=False, color=not machine)


class StdinForm:
    """``-``: one form read from standard input into a private temporary file, under the size cap.

    The file keeps the suffix of --stdin-filename (so that the right reader is used); findings
    are reported under that name, or ``-``.
    """

    def __init__(self, name: str | None):
        import tempfile     # only for standard input

        self.shown = name or "-"
        self.folder = tempfile.TemporaryDirectory(prefix="indlint-stdin-")
        self.path = os.path.join(self.folder.name, Path(name or "stdin.yaml").name)

    def read(self, limit: int) -> str | None:
        """Copy standard input to the private file; return an error text when it is too large."""
        data = getattr(sys.stdin, "buffer", sys.stdin).read(limit + 1)
        if len(data) > limit:
            return f"标准输入过大（超过 {limit} 字节）"
        with open(self.path, "wb") as handle:
            handle.write(data)
        return None

    def rename(self, findings):
        """The findings with the temporary path replaced by the name the user gave."""
        return [replace(f, path=self.shown) if f.path == self.path else f for f in findings]

    def close(self) -> None:
        """Remove the temporary copy."""
        self.folder.cleanup()


def at_least(findings: list[Finding] | tuple[Finding, ...], rank: int) -> list[Finding]:
    """The findings at or above a severity rank (--min-severity)."""
    return [f for f in findings if f.severity.rank >= rank]
