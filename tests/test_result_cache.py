"""The result cache (issue 16): an unchanged file is neither read nor judged again; findings never change."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from indlint.app import run
from indlint.app.cli import main
from indlint.judge.engine import Linter

ROOT = Path(__file__).resolve().parents[1]
FORM = """project: 缓存项目
year: 2026
indicators:
  - {l1: 产出指标, l2: 时效指标, name: 工资发放及时性, target: 及时}  # indlint: disable=VL05 区里统一口径
  - {l1: 满意度指标, l2: 服务对象满意度指标, name: 居民满意度, target: 满意}
  - {l1: 产出指标, l2: 数量指标, name: 聘用社工人数, target: '>=236.00(人)'}
"""


@pytest.fixture
def counted(monkeypatch):
    """Count the files read and the documents judged during a run."""
    calls = {"read": 0, "lint": 0}
    real_read, real_lint = run.read_path, Linter.lint

    def read(path):
        calls["read"] += 1
        return real_read(path)

    def lint(self, doc):
        calls["lint"] += 1
        return real_lint(self, doc)
    monkeypatch.setattr(run, "read_path", read)
    monkeypatch.setattr(Linter, "lint", lint)
    monkeypatch.delenv("INDLINT_NO_CACHE", raising=False)
    monkeypatch.delenv("INDLINT_CACHE_DIR", raising=False)
    return calls


def check(*args):
    result = CliRunner().invoke(main, ["check", "--format", "json", *map(str, args)])
    assert result.exit_code in (0, 1), result.output
    return result


def forms(tmp_path: Path, n: int = 3) -> list[Path]:
    paths = []
    for i in range(n):
        path = tmp_path / f"f{i}.yaml"
        path.write_text(FORM.replace("缓存项目", f"缓存项目{i}"), encoding="utf-8")
        paths.append(path)
    return paths


def test_a_rerun_reads_and_judges_nothing_and_reports_the_same(tmp_path, counted):
    paths = forms(tmp_path)
    cache = tmp_path / "cache"
    first = check("--cache-dir", cache, *paths)
    assert counted == {"read": 3, "lint": 3}
    second = check("--cache-dir", cache, *paths)
    assert counted == {"read": 3, "lint": 3}            # nothing parsed, no rule ran
    assert second.stdout == first.stdout and second.stderr == first.stderr
    assert (cache / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    uncached = check("--no-cache", *paths)
    assert uncached.stdout == first.stdout and counted["lint"] == 6


def test_only_a_changed_file_is_checked_again(tmp_path, counted):
    paths = forms(tmp_path)
    cache = tmp_path / "cache"
    check("--cache-dir", cache, *paths)
    paths[1].write_text(FORM.replace("满意}", "基本满意}"), encoding="utf-8")
    again = check("--cache-dir", cache, *paths)
    assert counted["lint"] == 4
    assert again.stdout == check("--no-cache", *paths).stdout


def test_no_cache_and_the_environment_turn_it_off(tmp_path, counted, monkeypatch):
    paths = forms(tmp_path, 1)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    check("--no-cache", *paths)
    check("--no-cache", *paths)
    assert counted["lint"] == 2 and not (tmp_path / ".indlint_cache").exists()
    monkeypatch.setenv("INDLINT_NO_CACHE", "1")
    check(*paths)
    assert counted["lint"] == 3 and not (tmp_path / ".indlint_cache").exists()
    monkeypatch.delenv("INDLINT_NO_CACHE")
    check(*paths)
    check(*paths)
    assert counted["lint"] == 4 and (tmp_path / ".indlint_cache" / ".gitignore").exists()


def test_the_cache_lives_beside_the_configuration(tmp_path, counted, monkeypatch):
    project = tmp_path / "project"
    project.mkdir()
    (project / "indlint.yaml").write_text("profile: default\n", encoding="utf-8")
    paths = forms(project, 1)
    monkeypatch.chdir(project)
    check(*paths)
    assert (project / ".indlint_cache").is_dir()
    monkeypatch.setenv("INDLINT_CACHE_DIR", str(tmp_path / "elsewhere"))
    check(*paths)
    assert (tmp_path / "elsewhere" / ".gitignore").exists() and counted["lint"] == 2


def test_a_corrupt_entry_is_ignored_and_rewritten(tmp_path, counted):
    paths = forms(tmp_path)
    cache = tmp_path / "cache"
    first = check("--cache-dir", cache, *paths).stdout
    shards = sorted(cache.glob("results-*.json"))
    assert shards
    for shard in shards:
        head, _, body = shard.read_bytes().partition(b"\n")
        shard.write_bytes(head + b"\n" + body.replace(b"VL03", b"XX99"))     # checksum now wrong
    assert check("--cache-dir", cache, *paths).stdout == first
    assert counted["lint"] == 6
    assert check("--cache-dir", cache, *paths).stdout == first and counted["lint"] == 6


def read_shard(shard: Path) -> tuple[dict, dict]:
    """(header, path → [key, last used, payload text]) of a shard: a header line, an index line
    (path → [key, last used, payload length in bytes]), then the payloads one after another."""
    head, _, body = shard.read_bytes().partition(b"\n")
    index, _, payloads = body.partition(b"\n")
    entries, start = {}, 0
    for path, (key, used, length) in json.loads(index).items():
        entries[path] = [key, used, payloads[start:start + length].decode()]
        start += length
    assert start == len(payloads)
    return json.loads(head), entries


def write_shard(shard: Path, header: dict, entries: dict) -> None:
    """Write a shard back with a valid checksum (what a tampering with a valid sum looks like)."""
    import hashlib

    payloads = [entry[2].encode() for entry in entries.values()]
    index = {p: [e[0], e[1], len(b)] for (p, e), b in zip(entries.items(), payloads)}
    body = json.dumps(index, ensure_ascii=False).encode() + b"\n" + b"".join(payloads)
    header = {**header, "sha256": hashlib.sha256(body).hexdigest()}
    shard.write_bytes(json.dumps(header).encode() + b"\n" + body)


def test_a_wrong_entry_with_a_valid_checksum_is_a_miss(tmp_path, counted):
    paths = forms(tmp_path, 1)
    cache = tmp_path / "cache"
    first = check("--cache-dir", cache, *paths).stdout
    shard = next(cache.glob("results-*.json"))
    header, entries = read_shard(shard)
    for entry in entries.values():
        entry[2] = json.dumps([1, "two", [], [], [], [["not a finding"]]])
    write_shard(shard, header, entries)
    assert check("--cache-dir", cache, *paths).stdout == first and counted["lint"] == 2


@pytest.mark.parametrize("damage", [
    lambda index: {p: [k, t, n + 1] for p, (k, t, n) in index.items()},   # lengths overrun
    lambda index: {p: [k, t, n - 1] for p, (k, t, n) in index.items()},   # bytes left over
    lambda index: {p: [k, "0", n] for p, (k, t, n) in index.items()},     # a time that is text
    lambda index: {p: [k, t, -n] for p, (k, t, n) in index.items()},      # a negative length
    lambda index: [list(index)],                                           # not an object
], ids=["overrun", "left-over", "text-time", "negative", "list"])
def test_an_index_that_does_not_fit_its_payloads_is_a_miss(tmp_path, counted, damage):
    import hashlib

    paths = forms(tmp_path, 1)
    cache = tmp_path / "cache"
    first = check("--cache-dir", cache, *paths).stdout
    shard = next(cache.glob("results-*.json"))
    head, _, body = shard.read_bytes().partition(b"\n")
    index, _, payloads = body.partition(b"\n")
    body = json.dumps(damage(json.loads(index))).encode() + b"\n" + payloads
    header = {**json.loads(head), "sha256": hashlib.sha256(body).hexdigest()}
    shard.write_bytes(json.dumps(header).encode() + b"\n" + body)
    assert check("--cache-dir", cache, *paths).stdout == first and counted["lint"] == 2
    assert check("--cache-dir", cache, *paths).stdout == first and counted["lint"] == 2  # rewritten


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_a_folder_others_can_write_is_not_used(tmp_path, counted):
    paths = forms(tmp_path, 1)
    cache = tmp_path / "shared-cache"
    cache.mkdir()
    cache.chmod(0o777)
    result = check("--cache-dir", cache, *paths)
    check("--cache-dir", cache, *paths)
    assert counted["lint"] == 2 and not list(cache.glob("results-*"))
    notices = [line for line in result.stderr.splitlines() if "缓存" in line]
    assert len(notices) == 1


def test_suppressions_still_apply_to_cached_findings(tmp_path, counted):
    paths = forms(tmp_path, 1)
    cache = tmp_path / "cache"
    before = {f["rule"] for f in json.loads(check("--cache-dir", cache, *paths).stdout)["findings"]}
    assert "VL03" in before and "VL05" not in before       # the comment works on a fresh run
    (tmp_path / "indlint-ignore.yaml").write_text(
        "- {file: f0.yaml, indicator: 居民满意度, rule: VL03, reason: 沿用上年口径}\n", encoding="utf-8")
    after = json.loads(check("--cache-dir", cache, *paths).stdout)["findings"]
    assert counted["lint"] == 1                                  # served from the cache …
    assert {f["rule"] for f in after} == before - {"VL03"}       # … and the sidecar applied


def test_a_rule_change_is_a_new_fingerprint(tmp_path, counted):
    paths = forms(tmp_path, 1)
    cache = tmp_path / "cache"
    check("--cache-dir", cache, *paths)
    check("--cache-dir", cache, "--ignore", "VL03", *paths)
    assert counted["lint"] == 2
    check("--cache-dir", cache, "--ignore", "VL03", *paths)
    assert counted["lint"] == 2


def test_jobs_keep_input_order_and_findings(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "SMALL_WORK", 0)           # force processes even for small work
    paths = forms(tmp_path, 6)
    one = check("--no-cache", *paths).stdout
    assert check("--no-cache", "--jobs", "2", *paths).stdout == one
    assert check("--no-cache", "--jobs", "0", *paths).stdout == one


def _stamped(result):
    """A render hook that says which process rendered the file (and drops the findings)."""
    return result._replace(findings=(), shown=(os.getpid(), [f.rule for f in result.findings]))


def test_workers_render_their_files_and_only_the_rendering_crosses(tmp_path, monkeypatch):
    from indlint.app.configs import Setups

    monkeypatch.setattr(run, "SMALL_WORK", 0)
    paths = [str(p) for p in forms(tmp_path, 6)]
    alone = list(run.iter_results(Setups(), paths, 1, render=_stamped))
    apart = list(run.iter_results(Setups(), paths, 2, render=_stamped))
    assert [r.path for r in apart] == paths                     # input order kept
    assert {r.shown[0] for r in alone} == {os.getpid()}
    assert os.getpid() not in {r.shown[0] for r in apart}      # rendered in the workers …
    assert all(r.findings == () for r in apart)                 # … no Finding sent back
    assert [r.shown[1] for r in apart] == [r.shown[1] for r in alone] and alone[0].shown[1]


def test_a_crash_in_a_worker_becomes_that_files_internal_error(tmp_path, monkeypatch):
    from dataclasses import replace

    from indlint.core.config import Config
    from indlint.judge.engine import build_linter

    class Broken:
        level = "row"

        def check_row(self, facts):
            raise ZeroDivisionError("boom")

    monkeypatch.setattr(run, "SMALL_WORK", 0)
    linter = build_linter()
    linter = replace(linter, rules=(linter.rules[0]._replace(check=Broken()), *linter.rules[1:]))
    paths = [str(p) for p in forms(tmp_path, 4)]
    result = run.check_paths(linter, Config(), paths, 2)
    assert [r.path for r in result.files] == paths
    for file in result.files:
        assert [f.category for f in file.findings if "ZeroDivisionError: boom" in f.message] \
            == ["input.invalid"]


def test_small_work_stays_in_one_process(tmp_path):
    tasks = [run.Task(str(p), ()) for p in forms(tmp_path, 4)]
    assert not run._worth_processes(tasks, 2)
    assert run.effective_jobs(0) >= 1


def test_batches_are_consecutive_and_cover_every_task():
    tasks = [run.Task(f"f{i}", (), size=50_000 + i * 1000) for i in range(40)]
    groups = run.batches(tasks, 2)
    assert [t for g in groups for t in g] == tasks and len(groups) >= 8


def test_the_last_batches_are_smaller_so_processes_finish_together():
    tasks = [run.Task(f"f{i}", (), size=10_000) for i in range(1000)]
    groups = run.batches(tasks, 2)
    assert [t for g in groups for t in g] == tasks
    full = len(groups[0])
    small = [len(g) for g in groups if len(g) < full]
    assert groups[-1] in [g for g in groups if len(g) < full]   # they come last, …
    assert all(n <= full // 4 + 1 for n in small) and len(small) >= 8   # … a quarter as large
    assert sum(small) < 3 * full                   # … in about the last two batches' worth


def test_old_fingerprints_are_swept(tmp_path):
    from indlint.core.resultcache import KEEP_OTHER, ResultCache

    folder = tmp_path / "c"
    folder.mkdir()
    for n in range(KEEP_OTHER + 3):
        other = ResultCache(folder, f"{n:024d}" + "f" * 40)
        other.put("a.yaml", "k", [1])
        other.save()
    names = {p.name[:32] for p in folder.glob("results-*")}
    assert len(names) == KEEP_OTHER + 1         # the newest others and the last one written


def test_a_file_edited_while_checked_is_not_kept(tmp_path, monkeypatch):
    from indlint.app import cached

    paths = forms(tmp_path, 1)
    keys = iter([("first", 10), ("second", 10)])
    monkeypatch.setattr(cached, "content_key", lambda path: next(keys, ("third", 10)))
    cache = tmp_path / "cache"
    check("--cache-dir", cache, *paths)
    assert not list(cache.glob("results-*"))        # the bytes changed between key and read


def test_an_unreadable_file_is_read_again(tmp_path, counted):
    bad = tmp_path / "bad.yaml"
    bad.write_text("project: [未闭合\n", encoding="utf-8")
    cache = tmp_path / "cache"
    first = check("--cache-dir", cache, bad).stdout
    assert "input-invalid" in first
    assert check("--cache-dir", cache, bad).stdout == first and counted["read"] == 2


def _rewrite_findings(shard: Path, change) -> None:
    """Apply change to the kept findings of every entry in a shard, with a valid checksum."""
    header, entries = read_shard(shard)
    for entry in entries.values():
        payload = json.loads(entry[2])
        change(payload[5])
        entry[2] = json.dumps(payload, ensure_ascii=False)
    write_shard(shard, header, entries)


def _set(index: int, value):
    """Set one field of the last finding (the entry keeps findings by column, a list per field)."""
    def change(columns):
        columns[index][-1] = value
    return change


@pytest.mark.parametrize("change", [
    _set(4, True),                      # line: a JSON true is not a line number
    _set(4, "12"),                      # line: text
    _set(0, 1.5),                       # form: a float
    _set(3, 7),                         # indicator: a number, not text
    _set(8, "fatal"),                   # severity: not one of indlint's
    _set(8, ["error"]),                 # severity: not even text
    _set(9, None),                      # message: null
    lambda columns: columns[3].pop(),               # a column one finding short
    lambda columns: columns[10].append("消息"),     # one too many
    lambda columns: columns.append(["VL03"]),       # a column too many
    lambda columns: columns.pop(),                  # a column too few
    lambda columns: columns.__setitem__(7, {"rule": "VL03"}),     # a column that is not a list
], ids=["bool-line", "text-line", "float-form", "number-indicator", "unknown-severity",
        "list-severity", "null-message", "short", "long", "extra-column", "missing-column",
        "object"])
def test_a_finding_of_the_wrong_kind_makes_the_entry_a_miss(tmp_path, counted, change):
    paths = forms(tmp_path, 1)
    cache = tmp_path / "cache"
    first = check("--cache-dir", cache, *paths).stdout
    _rewrite_findings(next(cache.glob("results-*.json")), change)
    assert check("--cache-dir", cache, *paths).stdout == first and counted["lint"] == 2
    assert check("--cache-dir", cache, *paths).stdout == first and counted["lint"] == 2  # rewritten


def test_cached_findings_equal_fresh_ones(tmp_path):
    from indlint.app.cached import from_payload, to_payload
    from indlint.judge.engine import build_linter
    from indlint.read.files import read_path

    path = str(forms(tmp_path, 1)[0])
    doc = read_path(path)
    findings = build_linter().lint(doc)
    assert len(findings) >= 2
    payload = json.dumps(to_payload(doc, findings), ensure_ascii=False)
    again = from_payload(path, payload)[1]
    assert again == findings and [hash(f) for f in again] == [hash(f) for f in findings]
    assert [vars(f) for f in again] == [vars(f) for f in findings]
