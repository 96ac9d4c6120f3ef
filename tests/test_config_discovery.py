"""Issue 14: each checked file gets the nearest configuration above it, wherever indlint runs from."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from indlint.app.cli import main

from conftest import GOOD, run_in as run          # one VL03 error (居民满意度 | 满意)
from test_config import RATE_RULE

RATE_FORM = GOOD + '  - {l1: 产出指标, l2: 质量指标, name: 验收合格率, target: "≥100%"}\n'


def found(result) -> set[tuple[str, str]]:
    return {(Path(f["path"]).name, f["rule"]) for f in json.loads(result.stdout)["findings"]}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path) -> Path:
    """A forms repository: its root configuration adds a custom rule; 旧表/ ignores VL03."""
    root = tmp_path / "forms-repo"
    (root / ".git").mkdir(parents=True)
    write(root / "indlint.yaml", "rule-paths: [审核规则]\n")
    write(root / "审核规则" / "XR01.yaml", RATE_RULE)
    write(root / "申报表" / "a.yaml", RATE_FORM)
    write(root / "旧表" / ".indlint.yaml", "ignore: [VL03]\n")
    write(root / "旧表" / "b.yaml", RATE_FORM)
    (tmp_path / "elsewhere").mkdir()
    return root


def test_each_file_gets_its_nearest_configuration_from_anywhere(repo, tmp_path):
    result = run(tmp_path / "elsewhere", "check", "--format", "json",
                 str(repo / "申报表" / "a.yaml"), str(repo / "旧表" / "b.yaml"))
    rules = found(result)
    assert ("a.yaml", "XR01") in rules and ("a.yaml", "VL03") in rules   # root configuration
    assert ("b.yaml", "VL03") not in rules and ("b.yaml", "XR01") not in rules  # its own one


def test_a_folder_walk_applies_each_folders_configuration(repo, tmp_path):
    rules = found(run(tmp_path / "elsewhere", "check", "--format", "json", str(repo)))
    assert ("a.yaml", "XR01") in rules and ("b.yaml", "VL03") not in rules
    assert not [n for n, _ in rules if n.endswith("XR01.yaml")]     # custom rules are no forms


def test_rule_sets_are_built_once_per_distinct_configuration(repo, tmp_path, monkeypatch):
    import indlint.app.configs as configs

    built = []
    real = configs.make_linter
    monkeypatch.setattr(configs, "make_linter", lambda *a: built.append(a[0].path) or real(*a))
    write(repo / "申报表" / "c.yaml", GOOD)
    write(repo / "旧表" / "d.yaml", GOOD)
    result = run(tmp_path / "elsewhere", "check", "--format", "json", "-j", "2", str(repo))
    assert result.exit_code == 1
    assert sorted(built) == sorted({str(repo / "indlint.yaml"), str(repo / "旧表" / ".indlint.yaml")})
    names = [Path(f["path"]).name for f in json.loads(result.stdout)["findings"]]
    # Results keep the walk's order (旧表 sorts before 申报表), not grouped by configuration.
    assert names == sorted(names, key=["b.yaml", "d.yaml", "a.yaml", "c.yaml"].index)


def test_the_walk_stops_at_the_repository_root(repo, tmp_path):
    write(tmp_path / "indlint.yaml", "ignore: [VL03]\n")       # above .git: not the project's
    rules = found(run(tmp_path / "elsewhere", "check", "--format", "json",
                      str(repo / "申报表" / "a.yaml")))
    assert ("a.yaml", "VL03") in rules


def test_the_walk_stops_at_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    write(tmp_path / "indlint.yaml", "ignore: [VL03]\n")       # above home
    form = write(home / "forms" / "a.yaml", GOOD)
    monkeypatch.setenv("HOME", str(home))
    assert ("a.yaml", "VL03") in found(run(tmp_path, "check", "--format", "json", str(form)))
    write(home / "indlint.yaml", "ignore: [VL03]\n")           # home itself is searched
    assert ("a.yaml", "VL03") not in found(run(tmp_path, "check", "--format", "json", str(form)))


def test_pyproject_with_a_tool_table_is_found_per_file(repo, tmp_path):
    write(repo / "申报表" / "pyproject.toml", '[tool.indlint]\nignore = ["VL03"]\n')
    write(repo / "旧表" / "pyproject.toml", '[project]\nname = "x"\n')   # no table: passed over
    rules = found(run(tmp_path / "elsewhere", "check", "--format", "json", str(repo)))
    assert ("a.yaml", "VL03") not in rules and ("a.yaml", "XR01") not in rules
    assert ("b.yaml", "VL03") not in rules        # 旧表/.indlint.yaml still governs b.yaml


def test_config_flag_is_always_honoured_and_isolated_uses_none(repo, tmp_path):
    other = write(tmp_path / "strict.yaml", "select: [VL03]\n")
    forms = [str(repo / "申报表" / "a.yaml"), str(repo / "旧表" / "b.yaml")]
    rules = found(run(tmp_path / "elsewhere", "check", "--format", "json", "--config", str(other),
                      *forms))
    assert rules == {("a.yaml", "VL03"), ("b.yaml", "VL03")}
    rules = found(run(repo / "旧表", "check", "--format", "json", "--isolated", *forms))
    assert ("b.yaml", "VL03") in rules and not [r for _, r in rules if r == "XR01"]


def test_rules_and_explain_start_from_the_current_folder(repo, tmp_path):
    assert "XR01" in run(repo / "申报表", "rules").output
    assert "XR01" not in run(tmp_path / "elsewhere", "rules").output
    assert "XR01" not in run(repo / "申报表", "rules", "--isolated").output
    assert run(repo / "申报表", "explain", "XR01").exit_code == 0
    assert run(tmp_path / "elsewhere", "explain", "XR01").exit_code == 2
    assert run(tmp_path / "elsewhere", "explain", "XR01", "--config",
               str(repo / "indlint.yaml")).exit_code == 0


def test_per_file_ignores_are_relative_to_the_configuration(repo, tmp_path):
    write(repo / "indlint.yaml", "rule-paths: [审核规则]\nper-file-ignores:\n  '申报表/*.yaml': [VL03]\n")
    for cwd in (repo, repo / "申报表", tmp_path / "elsewhere"):
        rules = found(run(cwd, "check", "--format", "json", str(repo / "申报表" / "a.yaml")))
        assert ("a.yaml", "VL03") not in rules and ("a.yaml", "XR01") in rules, cwd


def test_baseline_paths_are_relative_to_the_baseline_file(repo, tmp_path):
    first = run(repo, "check", "--baseline", "indlint-baseline.json", "申报表/")
    assert first.exit_code == 0 and (repo / "indlint-baseline.json").is_file()
    entry = json.loads((repo / "indlint-baseline.json").read_text("utf-8"))["findings"][0]
    assert entry["path"] == "申报表/a.yaml"
    sub = run(repo / "申报表", "check", "--format", "json", "--baseline", "../indlint-baseline.json",
              "a.yaml")
    assert sub.exit_code == 0 and json.loads(sub.stdout)["findings"] == []
    far = run(tmp_path / "elsewhere", "check", "--format", "json", "--baseline",
              str(repo / "indlint-baseline.json"), str(repo / "申报表"))
    assert far.exit_code == 0 and json.loads(far.stdout)["findings"] == []


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="no owners to compare on this platform")
def test_a_world_writable_folders_configuration_is_skipped_with_a_line(repo, tmp_path):
    folder = repo / "旧表"
    folder.chmod(0o777)
    try:
        result = run(tmp_path / "elsewhere", "check", "--format", "json", str(folder / "b.yaml"))
        assert ("b.yaml", "VL03") in found(result)          # its ignore was not applied
        lines = [line for line in result.stderr.splitlines() if ".indlint.yaml" in line]
        assert len(lines) == 1 and "--config" in lines[0] and "所有用户可写" in lines[0]
        trusted = run(tmp_path / "elsewhere", "check", "--format", "json", "--config",
                      str(folder / ".indlint.yaml"), str(folder / "b.yaml"))
        assert ("b.yaml", "VL03") not in found(trusted)
    finally:
        folder.chmod(0o755)


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="no owners to compare on this platform")
def test_a_configuration_owned_by_someone_else_is_skipped(repo, tmp_path, monkeypatch):
    me = os.geteuid()
    real_stat = Path.stat
    other = repo / "旧表"

    def stat(self, *args, **kwargs):
        info = real_stat(self, *args, **kwargs)
        if self in (other, other / ".indlint.yaml"):
            return os.stat_result((info.st_mode, info.st_ino, info.st_dev, info.st_nlink,
                                   me + 1, info.st_gid, info.st_size, int(info.st_atime),
                                   int(info.st_mtime), int(info.st_ctime)))
        return info
    monkeypatch.setattr(Path, "stat", stat)
    result = run(tmp_path / "elsewhere", "check", "--format", "json", str(other / "b.yaml"))
    assert ("b.yaml", "VL03") in found(result)
    assert "属于其他用户" in result.stderr and "safe.directory" in result.stderr


def test_stdin_takes_the_configuration_of_its_filename(repo):
    result = CliRunner().invoke(main, ["check", "--format", "json", "--stdin-filename",
                                       str(repo / "旧表" / "x.yaml"), "-"], input=RATE_FORM)
    assert result.exit_code == 0, result.output     # 旧表/.indlint.yaml ignores VL03
