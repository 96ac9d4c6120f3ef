"""pre-commit in a throw-away forms repository: a bad form blocks the commit, a fixed one passes."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BAD = """project: 测试项目
year: 2026
indicators:
  - {l1: 产出指标, l2: 时效指标, name: 工资发放及时性, target: 及时}
"""
GOOD = BAD.replace("target: 及时", "target: 2026年6月30日前")

pytestmark = pytest.mark.slow


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True,
                          check=check, timeout=900)


def test_bad_form_blocks_the_commit_and_a_fixed_one_passes(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    if head.returncode != 0:
        pytest.skip("this checkout has no commit for pre-commit to install from")
    repo = tmp_path / "forms-repo"
    (repo / "forms").mkdir(parents=True)
    git(repo, "init", "-q")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT}\n    rev: {head.stdout.strip()}\n    hooks:\n"
        "      - id: indlint\n        files: ^forms/\n", encoding="utf-8")
    env_home = tmp_path / "pre-commit-home"
    os.environ["PRE_COMMIT_HOME"] = str(env_home)
    precommit = [sys.executable, "-m", "pre_commit"]
    subprocess.run([*precommit, "install"], cwd=repo, check=True, capture_output=True, timeout=300)
    (repo / "forms" / "a.yaml").write_text(BAD, encoding="utf-8")
    git(repo, "add", "-A")
    blocked = git(repo, "commit", "-m", "bad form", check=False)
    assert blocked.returncode != 0
    assert "VL05" in blocked.stdout + blocked.stderr
    (repo / "forms" / "a.yaml").write_text(GOOD, encoding="utf-8")
    git(repo, "add", "-A")
    passed = git(repo, "commit", "-m", "fixed form", check=False)
    assert passed.returncode == 0, passed.stdout + passed.stderr
