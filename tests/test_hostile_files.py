"""Issue 12, hostile side files: hypothesis generates configuration (indlint.yaml and
[tool.indlint]), sidecars, baselines, profiles and corrections, as test_hostile.py does for
forms — never a traceback, exit codes only 0, 1 or 2."""
from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indlint.core.config import KEYS
from conftest import run_in
from test_safety_reads import G

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])

# Text with anything a Python str may hold (controls, lone surrogates), and YAML's own syntax.
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=30)
YAML_BITS = st.sampled_from(["&a ", "*a", "!!python/object:os.system ", "<<: ", "\t", "[", "{", "]",
                             "}", ":", "- ", "? ", "|", ">", "%YAML 1.1\n", "---\n", "...\n", "#",
                             "\n", "  ", '"', "'", ".nan", ".inf", "~", "0x1F", "1e999", "@", "`"])
RAW = st.lists(st.one_of(YAML_BITS, ANY_TEXT), max_size=25).map("".join)
NAMES = st.sampled_from(["VL05", "VL", "value.", "value.timeliness-vague", "CV01", "ST", "", "*",
                         "g.yaml", "*.yaml", ".", "..", "/", "/etc/passwd", "../x", "[", "**",
                         "default", "cz2021", "shanghai", "error", "warning", "info", "none"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), NAMES, ANY_TEXT,
                    st.floats(allow_nan=True, allow_infinity=True))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.one_of(NAMES, ANY_TEXT),
                                                                       inner, max_size=4)),
                      max_leaves=12)


def _dump(value) -> str:
    try:
        return yaml.safe_dump(value, allow_unicode=True)
    except yaml.YAMLError:
        return str(value)


def _toml_value(value) -> str:
    """Near-TOML: JSON for strings, lists and numbers (TOML accepts most of it), or anything."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)


CONFIGS = st.one_of(
    st.dictionaries(st.sampled_from(KEYS + ("colour", "")), VALUES, max_size=5).map(_dump),
    RAW)
PYPROJECTS = st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=5).map(
    lambda d: "[tool.indlint]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in d.items()))
SIDECAR_KEYS = st.sampled_from(["file", "rule", "reason", "project", "indicator", "extra"])
SIDECARS = st.one_of(st.lists(st.dictionaries(SIDECAR_KEYS, VALUES, max_size=5), max_size=5).map(_dump),
                     VALUES.map(_dump), RAW)
BASELINE_ENTRY = st.dictionaries(st.sampled_from(["fingerprint", "rule", "path", "project",
                                                  "indicator"]), VALUES, max_size=5)
BASELINES = st.one_of(
    st.fixed_dictionaries({"version": VALUES, "findings": st.one_of(st.lists(BASELINE_ENTRY, max_size=4),
                                                                    VALUES)}).map(
        lambda d: json.dumps(d, ensure_ascii=False, default=str)),
    VALUES.map(lambda v: json.dumps(v, ensure_ascii=False, default=str)),
    RAW)
CORRECTIONS = st.one_of(st.dictionaries(st.one_of(NAMES, st.just("t.txt")), VALUES, max_size=3).map(_dump),
                        RAW)


def _run(files: dict[str, str], *args: str):
    """indlint in this process, in a fresh folder holding files; exit code and output."""
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        (base / ".git").mkdir()
        (base / "g.yaml").write_text(G, encoding="utf-8")
        for name, text in files.items():
            (base / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        result = run_in(base, *args)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        f"{type(result.exception).__name__}: {result.exception}"
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    return result


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch):
    monkeypatch.setenv("INDLINT_NO_CACHE", "1")


@SETTINGS
@given(CONFIGS)
def test_any_configuration_file(text):
    _run({"indlint.yaml": text}, "check", "g.yaml")


@SETTINGS
@given(PYPROJECTS)
def test_any_pyproject_table(text):
    _run({"pyproject.toml": text}, "check", "g.yaml")


@SETTINGS
@given(CONFIGS)
def test_any_configuration_named_with_config(text):
    _run({"mine.yaml": text}, "check", "--config", "mine.yaml", "g.yaml")


@SETTINGS
@given(SIDECARS)
def test_any_sidecar(text):
    result = _run({"indlint-ignore.yaml": text}, "check", "g.yaml")
    assert result.exit_code in (0, 1)           # a sidecar never stops a run


@SETTINGS
@given(BASELINES)
def test_any_baseline(text):
    _run({"base.json": text}, "check", "--baseline", "base.json", "g.yaml")


@SETTINGS
@given(st.one_of(NAMES, ANY_TEXT.filter(lambda s: "\x00" not in s)), st.sampled_from(["arg", "config"]))
def test_any_profile(name, where):
    if where == "arg":
        result = _run({}, "check", "--profile", name, "g.yaml")
    else:
        result = _run({"indlint.yaml": _dump({"profile": name})}, "check", "g.yaml")
    assert result.exit_code in (1, 2)


@SETTINGS
@given(VALUES)
def test_any_profile_value_in_configuration(value):
    _run({"indlint.yaml": _dump({"profile": value})}, "check", "g.yaml")


@SETTINGS
@given(CORRECTIONS)
def test_any_corrections_file(text):
    seed = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "003_1d69408d2819e222.txt"
    _run({"c.yaml": text, "t.txt": seed.read_text(encoding="utf-8")},
         "import", "t.txt", "--corrections", "c.yaml")


def test_the_strategies_reach_non_finite_numbers():
    assert math.isnan(yaml.safe_load(_dump({"x": float("nan")}))["x"])
