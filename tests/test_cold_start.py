"""A cold start stays light: check imports only what it needs; the shipped bundle equals its sources.

Structural checks only (no timings): which modules a one-file ``check`` imports, that
core/bundle.json is what the packaged rules, lexicons and grammar data give today, that it is
used only while its sources are unchanged, and that user rule folders still take effect.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import GOOD, ROOT

from indlint.core import bundle
from indlint.judge.rules import load_rules
from indlint.values.lexicons import load_lexicons

COMMITTED = ROOT / "src" / "indlint" / "core" / "bundle.json"
INSTALLED = Path(bundle.__file__).with_name(bundle.FILE)


def _python(code: str, cwd: Path, *env_pairs: tuple[str, str]) -> str:
    import os

    env = {**os.environ, **dict(env_pairs)}
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _modules_after(args: list[str], cwd: Path) -> set[str]:
    """The modules imported by one CLI run in a fresh interpreter."""
    code = ("import sys\nfrom indlint.app.cli import main\n"
            f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
            "sys.stdout.flush()\nprint('\\n@@' + ' '.join(sorted(sys.modules)))")
    return set(_python(code, cwd).rsplit("@@", 1)[1].split())


def test_check_imports_only_the_check_command(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    loaded = _modules_after(["check", "--no-cache", "a.yaml"], tmp_path)
    assert "indlint.app.check_cmd" in loaded and "indlint.judge.engine" in loaded
    others = {"indlint.app.info_cmd", "indlint.app.edit_cmd", "indlint.app.review_cmd",
              "indlint.app.serve.command", "indlint.app.serve.settings",
              "indlint.output.html_report", "indlint.output.sarif"}
    assert not loaded & others, loaded & others
    # With the cache off nothing of the result cache is loaded; the bundle is read, not made;
    # jieba's HMM tables are never needed (indlint segments without HMM).
    assert not loaded & {"indlint.app.cached", "indlint.core.resultcache", "indlint.judge.bundled",
                         "jieba.finalseg", "jieba.finalseg.prob_emit"}


BLOCK_FORM = """kind: declaration
project: 测试项目
year: 2026
indicators:
  - l1: 产出指标
    l2: 数量指标
    name: 体检人数
    target: "=28人"
  - l1: 产出指标
    l2: 数量指标
    name: 开展健康讲座次数
    target: ≥12次
  - l1: 满意度指标
    l2: 服务对象满意度指标
    name: 居民满意度
    target: ≥90%
"""


def test_a_block_style_check_leaves_what_it_does_not_use_unloaded(tmp_path):
    (tmp_path / "a.yaml").write_text(BLOCK_FORM, encoding="utf-8")
    loaded = _modules_after(["check", "--no-cache", "a.yaml"], tmp_path)
    assert "indlint.read.blockyaml" in loaded and "lark" in loaded
    assert "jieba" in loaded            # 开展… starts with a verb: jieba decides the first word
    # PyYAML reads only what read/blockyaml.py declines (read/libyaml.py) and YAML
    # configurations; Lark's grammar cache, logging's traceback formatting and jieba's
    # dictionary cache (tempfile, hashlib) are deferred (core/deferred.py); the packaged data is
    # found without importlib.resources.
    unused = {"yaml", "indlint.read.libyaml", "pickle", "tempfile", "getpass", "pkgutil",
              "random", "traceback", "hashlib", "_hashlib", "jieba.finalseg",
              "importlib.resources"}
    assert not loaded & unused, loaded & unused


def test_the_console_entry_settles_the_collector_and_defers_ipaddress(tmp_path):
    """app/entry.py (the console script and ``python -m indlint``) before the CLI proper."""
    (tmp_path / "a.yaml").write_text(BLOCK_FORM, encoding="utf-8")
    code = ("import gc, runpy, sys\nsys.argv = ['indlint', 'check', '--no-cache', 'a.yaml']\n"
            "try:\n    runpy.run_module('indlint', run_name='__main__')\nexcept SystemExit:\n"
            "    pass\nsys.stdout.flush()\n"
            "print('\\n@@', gc.get_threshold(), 'ipaddress' in sys.modules)")
    out = _python(code, tmp_path)
    assert "检查了 1 个文件" in out
    assert out.rsplit("@@", 1)[1].split() == ["(500000,", "20,", "20)", "False"]


def test_help_still_lists_every_command(tmp_path):
    from indlint.app.cli import COMMANDS

    out = _python("from indlint.app.cli import main\nmain(['--help'])", tmp_path)
    listed = [line.split()[0] for line in out.split("命令:")[1].splitlines() if line.strip()]
    assert listed == sorted(COMMANDS)


def test_committed_bundle_is_what_the_sources_give():
    made = _python("from indlint.judge import bundled\nimport sys\n"
                   "sys.stdout.write(bundled.text())", ROOT)
    # Regenerate with `make bundle` (PYTHONPATH=src python -m indlint.judge.bundled > …)
    assert made == COMMITTED.read_text(encoding="utf-8"), "core/bundle.json is stale"
    assert INSTALLED.read_text(encoding="utf-8") == made


def test_every_packaged_source_is_in_the_bundle():
    names = {name for entry in bundle.entries().values() for name, _ in entry["sources"]}
    rules = {p.name for p in (ROOT / "rules").glob("*/*.yaml") if p.parent.name != "lexicons"}
    lexicons = {"units.yaml", "levels.yaml", "names.yaml", "vocabulary.yaml", "variants.yaml",
                "comparators.yaml", "wording.yaml"}
    assert rules | lexicons | {"categories.yaml", "problems.yaml"} <= names


def test_rules_from_the_bundle_equal_rules_from_the_sources(monkeypatch):
    monkeypatch.setenv("INDLINT_NO_CACHE", "1")
    shipped = load_rules(load_lexicons())
    monkeypatch.setattr(bundle, "_entries", {})         # no bundle: every file parsed
    parsed = load_rules(load_lexicons.__wrapped__())
    assert list(shipped.rules) == list(parsed.rules)
    for rule_id, rule in shipped.rules.items():
        other = parsed.rules[rule_id]
        assert (rule.message, dict(rule.check_spec), dict(rule.examples), rule.when.spec) == \
            (other.message, dict(other.check_spec), dict(other.examples), other.when.spec)


def test_a_bundle_entry_whose_source_changed_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("INDLINT_NO_CACHE", "1")
    source = tmp_path / "x.yaml"
    source.write_text("a: 1\n", encoding="utf-8")
    monkeypatch.setattr(bundle, "_entries", {
        "demo": {"sources": bundle.fingerprint([source]), "data": {"a": "shipped"}}})
    assert bundle.packaged_json("demo", [source], lambda: {"a": "parsed"}) == {"a": "shipped"}
    source.write_text("a: 2\n", encoding="utf-8")       # edited after the bundle was made
    assert bundle.packaged_json("demo", [source], lambda: {"a": "parsed"}) == {"a": "parsed"}
    # an entry of the wrong shape is not used either
    monkeypatch.setattr(bundle, "_entries", {"demo": {"sources": [], "data": {}}})
    assert bundle.packaged_json("demo", [source], lambda: {"a": "parsed"}, keys=["a"]) == \
        {"a": "parsed"}


def test_a_user_rule_folder_takes_effect_on_a_cold_start(tmp_path):
    from test_config import FORM, RATE_RULE

    (tmp_path / "a.yaml").write_text(FORM, encoding="utf-8")
    (tmp_path / "indlint.yaml").write_text("rule-paths: [my-rules]\n", encoding="utf-8")
    (tmp_path / "my-rules").mkdir()
    (tmp_path / "my-rules" / "XR01.yaml").write_text(RATE_RULE, encoding="utf-8")
    code = ("from indlint.app.cli import main\n"
            "try:\n    main(['check', '--no-cache', '--format', 'json', 'a.yaml'])\n"
            "except SystemExit:\n    pass\n")
    found = {f["rule"] for f in json.loads(_python(code, tmp_path))["findings"]}
    assert "XR01" in found and "VL03" in found


def test_jieba_hmm_still_loads_when_something_asks_for_it(tmp_path):
    code = ("import sys\nfrom indlint.judge.segment import Segmenter\n"
            "from indlint.values.lexicons import load_lexicons\n"
            "seg = Segmenter(load_lexicons())\nprint(seg.words('服务对象满意度'))\n"
            "assert 'jieba.finalseg' not in sys.modules\n"
            "import jieba\nprint(list(jieba.finalseg.cut('测试一下')))\n"
            "assert sys.modules['jieba.finalseg'].__file__\n"
            "import jieba.finalseg as real\nprint(real.cut is not None)")
    out = _python(code, tmp_path).splitlines()
    assert out[2] == "True" and out[1].startswith("[")


def test_a_well_formed_but_wrong_bundle_entry_falls_back_to_the_sources(monkeypatch):
    monkeypatch.setenv("INDLINT_NO_CACHE", "1")
    entry = json.loads(json.dumps(bundle.entries()["rules"]))
    for rule in entry["data"].values():
        rule["category"] = "no.such-category"          # sources unchanged, data wrong
    monkeypatch.setattr(bundle, "_entries", {**bundle.entries(), "rules": entry})
    rules = load_rules(load_lexicons())
    assert rules.rules["VL05"].category != "no.such-category" and len(rules.rules) > 30
