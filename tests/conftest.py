"""Shared test helpers: where ../shared is, and a linter built once per session."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


#: A small declaration with one error (居民满意度 | 满意, VL03), used by several test modules.
GOOD = """kind: declaration
project: 测试项目
year: 2026
indicators:
  - {l1: 产出指标, l2: 数量指标, name: 体检人数, target: "=28人"}
  - {l1: 满意度指标, l2: 服务对象满意度指标, name: 居民满意度, target: 满意}
"""


def run_in(cwd: Path, *args: str):
    """Invoke the CLI in-process from another working folder (configuration found from there)."""
    import os

    from click.testing import CliRunner

    from indlint.app.cli import main

    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args))
    finally:
        os.chdir(old)
    assert "Traceback" not in result.output, result.output
    return result


def shared_path(*parts: str) -> Path:
    """A file from ../shared, or skip the test with the reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present: the shared project files sit beside the clone in CI")
    return path


@pytest.fixture(scope="session")
def lexicons():
    from indlint.values.lexicons import load_lexicons
    return load_lexicons()


@pytest.fixture(scope="session")
def ruleset(lexicons):
    from indlint.judge.rules import load_rules
    return load_rules(lexicons)
