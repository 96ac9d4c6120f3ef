"""pre-commit in a throw-away forms repository: a bad form blocks the commit, a fixed one passes."""
from __future__ import annotations

import os
import re
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


def readme_snippet() -> str:
    """The .pre-commit-config.yaml the README prints (the yaml block under its pre-commit heading)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("（pre-commit）"):]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


def minimal_docx(path: Path) -> None:
    """A Word document that is no form (a cover letter, no table): indlint reads .docx, so it
    must be a whole document; a damaged one is reported like any damaged form (formats.md)."""
    import docx

    letter = docx.Document()
    letter.add_paragraph("关于报送申报表的说明")
    letter.save(str(path))


def test_the_readme_snippet_works_as_pasted(tmp_path, monkeypatch):
    """Only repo: (a local clone) and rev: (a tag made here) are replaced; files: narrows safely."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    if head.returncode != 0:
        pytest.skip("this checkout has no commit for pre-commit to install from")
    clone = tmp_path / "indlint-clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=300)
    git(clone, "checkout", "-q", head.stdout.strip())
    snippet = readme_snippet()
    rev = re.search(r"^\s*rev:\s*(\S+)", snippet, re.M).group(1)
    git(clone, "tag", "-f", rev, head.stdout.strip())
    config = re.sub(r"^(\s*- repo:\s*)\S+", lambda m: m.group(1) + str(clone), snippet, flags=re.M)
    assert config != snippet and config.count("\n") == snippet.count("\n")

    repo = tmp_path / "forms-repo"
    (repo / "申报表").mkdir(parents=True)
    (repo / "其他").mkdir()
    git(repo, "init", "-q")
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    (repo / "README.md").write_text("# 表格仓库\n", encoding="utf-8")
    (repo / "申报表" / "README.md").write_text("# 申报表\n\n每年的申报表放在这里。\n", encoding="utf-8")
    minimal_docx(repo / "申报表" / "报送说明.docx")
    (repo / "申报表" / "a.yaml").write_text(GOOD, encoding="utf-8")
    (repo / "其他" / "草稿.yaml").write_text(BAD, encoding="utf-8")      # outside files: ^申报表/
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-home"))
    precommit = [sys.executable, "-m", "pre_commit"]
    subprocess.run([*precommit, "install"], cwd=repo, check=True, capture_output=True, timeout=300)
    git(repo, "add", "-A")
    first = git(repo, "commit", "-m", "forms, a README and a Word letter", check=False)
    assert first.returncode == 0, first.stdout + first.stderr
    (repo / "申报表" / "b.yaml").write_text(BAD, encoding="utf-8")
    git(repo, "add", "-A")
    blocked = git(repo, "commit", "-m", "a bad form", check=False)
    assert blocked.returncode != 0 and "VL05" in blocked.stdout + blocked.stderr
    assert "报送说明.docx" not in blocked.stdout + blocked.stderr
    assert "README.md" not in blocked.stdout + blocked.stderr
