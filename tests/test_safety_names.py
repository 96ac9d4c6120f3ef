"""Issue 12, small data-loss items: U+0085 in an imported cell is kept, and file names that are
not UTF-8 (as forms, outputs and baselines) never crash a command."""
from __future__ import annotations

import json
import os
import sys

import pytest
import yaml

from conftest import ROOT
from test_safety_reads import G, run, work  # noqa: F401  (fixture)

SEED = ROOT.parent / "shared" / "seeds" / "003_1d69408d2819e222.txt"
ROW_LINE = "数量指标 基层党组织参与情况 >=50 家"


@pytest.mark.parametrize("char", ["\x85"], ids=["nel"])
def test_import_keeps_a_nel_in_a_cell(work, char):
    (work / "t.txt").write_text(
        SEED.read_text(encoding="utf-8").replace(ROW_LINE, ROW_LINE.replace("组织参", f"组织{char}参"), 1),
        encoding="utf-8")
    done = run("import", "t.txt", "-o", "t.yaml", cwd=work)
    assert done.returncode == 0, done.stderr[-300:]
    data = yaml.safe_load((work / "t.yaml").read_text(encoding="utf-8"))
    names = [r["name"] for f in data["forms"] for r in f["indicators"]]
    assert f"基层党组织{char}参与情况" in names, names
    assert run("check", "t.yaml", cwd=work).returncode in (0, 1)


BAD = os.fsdecode(b"\xff\xfe-bad")          # a name that is not UTF-8, as Python holds it
needs_bytes_names = pytest.mark.skipif(sys.platform in ("win32", "darwin"),
                                       reason="needs a file system that takes any bytes as a name")

# (name, arguments: {form} is the form's name, {bad} a name that is not UTF-8, files it must write)
COMMANDS = [
    ("sarif", ["check", "--format", "sarif", "{form}"], []),
    ("json", ["check", "--format", "json", "{form}"], []),
    ("junit", ["check", "--format", "junit", "{form}"], []),
    ("github", ["check", "--format", "github", "{form}"], []),
    ("markdown", ["check", "--format", "markdown", "{form}"], []),
    ("folder", ["check", "--format", "sarif", "."], []),
    ("o-json", ["check", "-o", "json:out.json", "{form}"], ["out.json"]),
    ("o-sarif", ["check", "-o", "sarif:out.sarif", "{form}"], ["out.sarif"]),
    ("o-bad-name", ["check", "-o", "json:{bad}.json", "{form}"], ["{bad}.json"]),
    ("baseline", ["check", "--baseline", "base.json", "{form}"], ["base.json"]),
    ("baseline-bad-name", ["check", "--baseline", "{bad}.json", "{form}"], ["{bad}.json"]),
    ("report", ["report", "-o", "r.html", "{form}"], ["r.html"]),
    ("report-bad-name", ["report", "-o", "{bad}.html", "{form}"], ["{bad}.html"]),
    ("import-bad-name", ["import", "t.txt", "-o", "{bad}.yaml"], ["{bad}.yaml"]),
    ("score", ["score", "{form}"], []),
    ("score-json", ["score", "--format", "json", "{form}"], []),
    ("fix-diff", ["fix", "--diff", "{form}"], []),
]


@needs_bytes_names
@pytest.mark.parametrize("name,args,writes", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_file_names_that_are_not_utf8_never_crash(work, name, args, writes):
    form = f"{BAD}.yaml"
    (work / form).write_text(G, encoding="utf-8")
    (work / "t.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    done = run(*[a.replace("{form}", form).replace("{bad}", BAD) for a in args], cwd=work)
    assert done.returncode in (0, 1), (done.returncode, done.stderr[-400:])
    for out in writes:
        data = (work / out.replace("{bad}", BAD)).read_bytes()
        data.decode("utf-8")                     # outputs are valid UTF-8 …
        if out.endswith((".json", ".sarif")):
            json.loads(data)                     # … and valid JSON
    if name in ("sarif", "folder", "o-sarif"):
        text = done.stdout if name != "o-sarif" else (work / "out.sarif").read_text(encoding="utf-8")
        assert "%FF%FE-bad.yaml" in text         # the URI keeps the name's bytes


@needs_bytes_names
def test_a_baseline_of_a_name_that_is_not_utf8_matches_on_the_next_run(work):
    form = f"{BAD}.yaml"
    (work / form).write_text(G, encoding="utf-8")
    assert run("check", "--baseline", "base.json", form, cwd=work).returncode == 0   # written
    done = run("check", "--baseline", "base.json", form, cwd=work)
    assert done.returncode == 0 and "VL05" not in done.stdout, done.stdout
