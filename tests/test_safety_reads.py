"""Issue 12, every read bounded: the hostile trial's reproductions for configuration, sidecars,
baselines, profiles, corrections and caches, run as the CLI in a child process with a timeout."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

#: The CLI takes well under a second here: ten times a slow run counts as a hang.
HANG = 20
G = "project: 测试\nindicators:\n  - {l1: 产出指标, l2: 时效指标, name: 工资发放及时性, target: 及时}\n"
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")


def run(*args, cwd, env=None, timeout=HANG) -> subprocess.CompletedProcess:
    """indlint in a child process (a hang fails the test); never a traceback."""
    environ = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    done = subprocess.run([sys.executable, "-m", "indlint", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, env=environ)
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture()
def work(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()                 # discovery stops here
    (tmp_path / "g.yaml").write_text(G, encoding="utf-8")
    monkeypatch.setenv("INDLINT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def _deep_yaml(depth=5000) -> str:
    return "[" * depth + "]" * depth + "\n"


def _deep_json(depth=100_000) -> str:
    return '{"findings": ' + "[" * depth + "]" * depth + "}"


def _bomb() -> str:
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for n in range(1, 12):
        prev = chr(ord("a") + n - 1)
        lines.append(f"{chr(ord('a') + n)}: &{chr(ord('a') + n)} [{', '.join(['*' + prev] * 9)}]")
    return "\n".join(lines) + "\nselect: *l\n"


# (name, files to write {relative path: text}, CLI arguments, expected exit codes)
BAD_FILES = [
    ("deep-config", {"indlint.yaml": "select: " + _deep_yaml()}, ["check", "g.yaml"], {2}),
    ("deep-pyproject", {"pyproject.toml": "[tool.indlint]\nselect = " + "[" * 5000 + "]" * 5000 + "\n"},
     ["check", "g.yaml"], {2}),
    ("alias-bomb-config", {"indlint.yaml": _bomb()}, ["check", "g.yaml"], {2}),
    ("deep-sidecar", {"indlint-ignore.yaml": _deep_yaml()}, ["check", "g.yaml"], {1}),
    ("bomb-sidecar", {"indlint-ignore.yaml": _bomb().replace("select: *l", "- *l")}, ["check", "g.yaml"], {1}),
    ("dot-pattern-sidecar", {"indlint-ignore.yaml": '- {file: ".", rule: VL05, reason: 测试}\n'},
     ["check", "g.yaml"], {1}),
    ("big-sidecar", {"indlint-ignore.yaml": "- {file: g.yaml, rule: VL05, reason: " + "长" * 800_000 + "}\n"},
     ["check", "g.yaml"], {1}),
    ("deep-baseline", {"base.json": _deep_json()}, ["check", "--baseline", "base.json", "g.yaml"], {2}),
    ("wrong-baseline", {"base.json": '{"findings": 5}'}, ["check", "--baseline", "base.json", "g.yaml"], {2}),
    ("deep-corrections", {"t.txt": "x\n", "c.yaml": _deep_yaml()},
     ["import", "t.txt", "--corrections", "c.yaml"], {1}),
    ("profile-path", {}, ["check", "--profile", "../../../../etc/passwd", "g.yaml"], {2}),
    ("profile-abs", {}, ["check", "--profile", "/etc/hostname", "g.yaml"], {2}),
    ("profile-list", {"indlint.yaml": "profile: [a, b]\n"}, ["check", "g.yaml"], {2}),
]


@pytest.mark.parametrize("name,files,args,codes", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_side_files_give_a_message_not_a_crash_or_a_hang(work, name, files, args, codes):
    for rel, text in files.items():
        (work / rel).write_text(text, encoding="utf-8")
    done = run(*args, cwd=work)
    assert done.returncode in codes, (done.returncode, done.stderr[-500:])


SPECIAL_PLACES = [
    ("baseline", ["check", "--baseline", "{x}", "g.yaml"], {2}),
    ("import", ["import", "{x}"], {1}),
    ("corrections", ["import", "g.yaml", "--corrections", "{x}"], {1, 2}),
    ("config", ["check", "--config", "{x}", "g.yaml"], {2}),
]


@needs_fifo
@pytest.mark.parametrize("place,args,codes", SPECIAL_PLACES, ids=[c[0] for c in SPECIAL_PLACES])
@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_fifos_and_devices_are_refused_at_once(work, place, args, codes, special):
    target = "/dev/zero"
    if special == "fifo":
        target = str(work / "pipe")
        os.mkfifo(target)
    done = run(*[a.replace("{x}", target) for a in args], cwd=work)
    assert done.returncode in codes, (done.returncode, done.stderr[-500:])
    assert "普通文件" in done.stderr


@needs_fifo
def test_a_fifo_planted_as_a_cache_entry_does_not_hang(work):
    assert run("check", "g.yaml", cwd=work).returncode == 1
    for entry in (work / "cache").iterdir():
        entry.unlink()
        os.mkfifo(entry)
    assert run("check", "g.yaml", cwd=work).returncode == 1


# ---- caches: no code, trusted folders only, verified entries ---------------------------------

def test_no_pickle_anywhere_in_the_package():
    import ast

    for path in (ROOT / "src").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                assert not {"pickle", "marshal", "shelve", "dill"} & set(names), path
            if isinstance(node, ast.Call):
                assert not {"cache", "cache_grammar"} & {k.arg for k in node.keywords}, path


def test_the_shipped_parser_tables_match_the_grammar():
    from indlint.values.comparators import grammar_text
    from indlint.values.larktable import grammar_key

    tables = json.loads((ROOT / "grammar" / "target.tables.json").read_text(encoding="utf-8"))
    assert tables["key"] == grammar_key(grammar_text()), \
        "regenerate: python -m indlint.values.larktable > grammar/target.tables.json"


def test_a_planted_pickle_is_never_loaded(work):
    marker = work / "pwned"
    evil = f"import os\nos.system('touch {marker}')\n"
    import pickle   # the attacker's tool, not indlint's

    class Boom:
        def __reduce__(self):
            return (exec, (evil,))

    cache = work / "cache"
    cache.mkdir(mode=0o700)
    for name in ("target-lark-x.pickle", "rules.pickle"):
        (cache / name).write_bytes(pickle.dumps(Boom()))
    assert run("check", "g.yaml", cwd=work).returncode == 1
    assert not marker.exists()


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o1777])
def test_a_cache_folder_others_can_write_is_not_used(work, mode):
    cache = work / "cache"
    cache.mkdir()
    os.chmod(cache, mode)
    done = run("check", "g.yaml", cwd=work)
    assert done.returncode == 1 and "不使用缓存" in done.stderr
    assert list(cache.iterdir()) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to make a folder owned by someone else")
def test_a_cache_folder_owned_by_someone_else_is_not_used(work):
    cache = work / "cache"
    cache.mkdir(mode=0o700)
    os.chown(cache, 12345, 12345)
    done = run("check", "g.yaml", cwd=work)
    assert done.returncode == 1 and "不使用缓存" in done.stderr
    assert list(cache.iterdir()) == []


def test_a_symlink_planted_at_a_cache_entry_is_not_written_through(work):
    assert run("check", "g.yaml", cwd=work).returncode == 1
    victim = work / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    entries = list((work / "cache").iterdir())
    assert entries
    for entry in entries:
        entry.unlink()
        entry.symlink_to(victim)
    assert run("check", "g.yaml", cwd=work).returncode == 1
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not [p for p in (work / "cache").iterdir() if p.name.endswith(".tmp")]


def _run_without_bundle(*args, cwd) -> subprocess.CompletedProcess:
    """indlint in a child process as when the shipped bundle is stale (its sources edited):
    the packaged rules come through the on-disk cache (core/bundle.py)."""
    code = ("import sys\nfrom indlint.core import bundle\nbundle._entries = {}\n"
            "from indlint.app.cli import main\nmain(sys.argv[1:])")
    environ = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=HANG, env=environ)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_a_well_formed_but_wrong_rules_cache_falls_back_to_the_sources(work):
    assert _run_without_bundle("check", "g.yaml", cwd=work).returncode == 1
    entry = next(p for p in (work / "cache").iterdir() if p.name.startswith("rules-"))
    envelope = json.loads(entry.read_text(encoding="utf-8"))
    data = json.loads(envelope["payload"])
    for rule in data.values():
        rule["category"] = "no.such-category"
    envelope["payload"] = json.dumps(data, ensure_ascii=False)
    envelope["sha256"] = hashlib.sha256(envelope["payload"].encode()).hexdigest()
    entry.write_text(json.dumps(envelope, ensure_ascii=False), encoding="utf-8")
    done = _run_without_bundle("check", "g.yaml", cwd=work)
    assert done.returncode == 1 and "VL05" in done.stdout


def test_a_tampered_cache_entry_is_ignored(work):
    assert run("check", "g.yaml", cwd=work).returncode == 1
    for entry in (work / "cache").iterdir():
        if entry.name.startswith("results-"):       # the result cache: header line, then body
            head, _, body = entry.read_bytes().partition(b"\n")
            entry.write_bytes(head + b"\n" + body.replace("VL05".encode(), b"XX99"))
            continue
        if entry.suffix != ".json":                 # .gitignore
            continue
        envelope = json.loads(entry.read_text(encoding="utf-8"))
        envelope["payload"] = envelope["payload"].replace("VL05", "XX99")
        entry.write_text(json.dumps(envelope, ensure_ascii=False), encoding="utf-8")
    done = _run_without_bundle("check", "g.yaml", cwd=work)
    assert done.returncode == 1 and "VL05" in done.stdout


# ---- the safe reader itself ------------------------------------------------------------------

def test_safe_reader_limits(tmp_path):
    from indlint.core import safeio

    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: 1\n" * 300_000)
    with pytest.raises(safeio.InputError, match="big.yaml：文件过大"):
        safeio.read_yaml(big, "config")
    with pytest.raises(safeio.InputError, match="嵌套超过"):
        safeio.load_yaml(_deep_yaml(100))
    with pytest.raises(safeio.InputError, match="节点"):
        safeio.load_yaml(_bomb())
    with pytest.raises(safeio.InputError, match="自身"):
        safeio.load_yaml("a: &a [*a]\n")
    with pytest.raises(safeio.InputError, match="嵌套超过"):
        safeio.load_json(_deep_json())
    assert safeio.load_json('{"a": "[[[[[[", "b": [1]}', max_depth=2) == {"a": "[[[[[[", "b": [1]}
    assert safeio.load_yaml("a: &x [1]\nb: *x\n") == {"a": [1], "b": [1]}
    with pytest.raises(safeio.InputError):
        safeio.load_json('"' + '\\"' * 200_000)        # unterminated: linear, then refused
