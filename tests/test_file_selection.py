"""Issue 14, file selection as ruff does it: exclude, .gitignore, --force-exclude, own files."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from indlint.app.cli import main

from conftest import GOOD
from test_config import RATE_RULE


def checked(*args: str) -> tuple[set[str], object]:
    result = CliRunner().invoke(main, ["check", "--format", "json", *args])
    assert "Traceback" not in result.output
    return {Path(f["path"]).name for f in json.loads(result.stdout)["findings"]}, result


def repo(tmp_path: Path) -> Path:
    root = tmp_path / "forms-repo"
    for name in ("a.yaml", "build/b.yaml", "node_modules/c.yaml", "drafts/d.yaml", "old/e.yaml"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(GOOD, encoding="utf-8")
    (root / "rules" / "custom").mkdir(parents=True)
    (root / "rules" / "custom" / "XR01.yaml").write_text(RATE_RULE, encoding="utf-8")
    (root / "indlint.yaml").write_text("rule-paths: []\n", encoding="utf-8")
    (root / "indlint-ignore.yaml").write_text("[]\n", encoding="utf-8")
    (root / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    return root


def test_own_files_are_never_taken_for_forms(tmp_path):
    root = repo(tmp_path)
    (root / "indlint.yaml").write_text("extend-exclude: [rules]\n", encoding="utf-8")
    names, _ = checked("--config", str(root / "indlint.yaml"), str(root))
    assert names == {"a.yaml", "d.yaml", "e.yaml"}
    named, result = checked(str(root / "indlint.yaml"), str(root / ".pre-commit-config.yaml"),
                            str(root / "a.yaml"))
    assert named == {"a.yaml"} and "不作为申报表检查" in result.stderr


def test_custom_rule_files_are_not_forms(tmp_path):
    root = repo(tmp_path)
    (root / "indlint.yaml").write_text("rule-paths: [rules/custom]\n", encoding="utf-8")
    names, result = checked("--config", str(root / "indlint.yaml"), str(root))
    assert result.exit_code == 1 and "a.yaml" in names
    assert "XR01.yaml" not in names


def test_exclude_and_extend_exclude_apply_to_folder_walks(tmp_path):
    root = repo(tmp_path)
    config = root / "indlint.yaml"
    default, _ = checked("--config", str(config), str(root))
    assert "b.yaml" not in default and "c.yaml" not in default and "d.yaml" in default
    config.write_text("extend-exclude: [drafts, rules]\n", encoding="utf-8")
    extended, _ = checked("--config", str(config), str(root))
    assert extended == {"a.yaml", "e.yaml"}
    config.write_text("exclude: [old/*.yaml, rules]\n", encoding="utf-8")
    replaced, _ = checked("--config", str(config), str(root))
    assert replaced == {"a.yaml", "b.yaml", "c.yaml", "d.yaml"}


def test_named_files_are_checked_unless_force_exclude(tmp_path):
    root = repo(tmp_path)
    config = root / "indlint.yaml"
    config.write_text("extend-exclude: [drafts]\n", encoding="utf-8")
    named = str(root / "drafts" / "d.yaml")
    assert checked("--config", str(config), named)[0] == {"d.yaml"}
    names, result = checked("--config", str(config), "--force-exclude", named)
    assert names == set() and result.exit_code == 0


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_gitignore_is_respected_in_folder_walks(tmp_path):
    root = repo(tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    (root / ".gitignore").write_text("old/\n", encoding="utf-8")
    config = str(root / "indlint.yaml")
    assert "e.yaml" not in checked("--config", config, str(root))[0]
    assert "e.yaml" in checked("--config", config, "--no-respect-gitignore", str(root))[0]
    assert "e.yaml" in checked("--config", config, str(root / "old" / "e.yaml"))[0]


def test_a_named_file_of_another_type_is_skipped_with_a_notice(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# 说明\n", encoding="utf-8")
    picture = tmp_path / "scan.png"
    picture.write_bytes(b"\x89PNG\r\n")
    names, result = checked(str(readme), str(picture))
    assert names == set() and result.exit_code == 0
    assert result.stderr.count("不是申报表文件类型") == 2


def test_a_walked_file_with_no_indicator_table_is_counted_as_skipped(tmp_path):
    """formats.md: met in a folder walk, no table → skipped in the summary line, no finding."""
    root = tmp_path / "forms"
    (root / "docs").mkdir(parents=True)
    (root / "a.yaml").write_text(GOOD, encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: 表格仓库\nnav: [index.md]\n", encoding="utf-8")
    (root / "docs" / "empty.yaml").write_text("# 备注\n", encoding="utf-8")
    (root / "budget.csv").write_text("项目,金额\n办公,100\n", encoding="utf-8")
    (root / "broken.yaml").write_text("project: 测试\nindicators: [\n", encoding="utf-8")
    names, result = checked(str(root))
    assert names == {"a.yaml", "broken.yaml"}          # a damaged form is still reported
    full = CliRunner().invoke(main, ["check", str(root)])
    assert "检查了 2 个文件" in full.stdout and "跳过 3 个不含指标表的文件" in full.stdout
    assert "跳过 3 个不含指标表的文件" in result.stderr      # JSON keeps it off standard output
    assert "跳过" not in result.stdout
    # Named on the command line, the same file is a finding (formats.md's first row).
    named, _ = checked(str(root / "mkdocs.yml"))
    assert named == {"mkdocs.yml"}


def test_exclude_globs_match_as_fnmatch_does_one_by_one():
    """core/config compiles the exclude globs into one expression: the same answers as fnmatch."""
    import fnmatch

    from indlint.core.config import DEFAULT_EXCLUDE, _globs

    globs = [DEFAULT_EXCLUDE, ("*.tmp", "草稿*", "[!a]?", "x[ab]*y", "/build/", "a/**/b", "*.[ch]"),
             ("(x)|+", "$^.", "a\\b"), ()]
    names = ["build", "草稿一", "草稿", "ba", "aa", "xaqqy", "xcy", "a/c/b", "f.c", "f.h", "f.ch",
             "(x)|+", "$^.", "a\\b", ".git", ".gitx", "node_modules", "x.tmp", "", "BUILD"]
    for patterns in globs:
        matches = _globs(patterns)
        for name in names:
            expected = any(fnmatch.fnmatch(name, p.strip("/")) for p in patterns)
            assert bool(matches(name)) == expected, (patterns, name)
