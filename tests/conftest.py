"""Shared test helpers: where ../shared is, and a linter built once per session."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A file from ../shared, or skip the test with the reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present: the shared project files sit beside the clone in CI")
    return path


@pytest.fixture(scope="session")
def lexicons():
    from indlint.lexicons import load_lexicons
    return load_lexicons()


@pytest.fixture(scope="session")
def ruleset(lexicons):
    from indlint.rules import load_rules
    return load_rules(lexicons)
