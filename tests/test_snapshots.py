"""Output snapshots: check (JSON, SARIF) and report over corpus/ and the development forms.

Every change of findings shows here. A change on purpose regenerates the snapshots with
`python tests/snapshots/make.py` in the same commit and says why in CHANGELOG.md.
"""
from __future__ import annotations

import difflib
import importlib.util
from pathlib import Path

import pytest

from conftest import ROOT

HERE = ROOT / "tests" / "snapshots"
_spec = importlib.util.spec_from_file_location("snapshot_maker", HERE / "make.py")
maker = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(maker)


@pytest.mark.parametrize("name", sorted(maker.SNAPSHOTS))
def test_snapshot_is_unchanged(name, tmp_path):
    folder = ROOT / maker.SNAPSHOTS[name][0]
    if not folder.exists():
        pytest.skip(f"{folder} is not present: the shared project files sit beside the clone in CI")
    got = maker.render(name, tmp_path)
    want = (HERE / name).read_bytes()
    if got != want:
        diff = difflib.unified_diff(want.decode().splitlines(), got.decode().splitlines(),
                                    "snapshot", "now", lineterm="", n=1)
        pytest.fail(f"{name} changed (regenerate with tests/snapshots/make.py if on purpose):\n"
                    + "\n".join(list(diff)[:60]))
