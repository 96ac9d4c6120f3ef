"""Issue 14: the README says how to run indlint after `make demo` and without make, and every exit code."""
from __future__ import annotations

import re
from pathlib import Path

from indlint.app.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    start = README.index(title)
    end = README.find("\n#", start + len(title))
    return README[start:end if end > 0 else None]


def test_running_after_make_demo_and_installing_without_make():
    quick = section("## 快速开始")
    assert ".venv/bin/indlint check" in quick and "source .venv/bin/activate" in quick
    install = section("## 安装")
    for command in ("pipx install .", "pip install .", "py -m venv .venv", ".venv\\Scripts\\indlint"):
        assert command in install, command


def test_one_exit_code_table_names_every_command():
    table = section("### 退出码")
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    named = {c for row in rows for c in re.findall(r"`([a-z-]+)`", row.split("|")[1])}
    assert named == set(main.commands), named ^ set(main.commands)
    assert all(row.count("|") == 5 for row in rows)         # command, 0, 1, 2
    assert README.count("### 退出码") == 1
