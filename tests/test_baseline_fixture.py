"""Issue 14: a baseline keeps working across upgrades (a baseline written by indlint 0.1.0 is kept here).

tests/fixtures/baseline/indlint-baseline.json was written by `indlint check --baseline
indlint-baseline.json forms/` in that folder with indlint 0.1.0. Fingerprints use the indicator
as written (★, numbering and brackets kept) and rule ids never change, so every finding it
recorded that the rules still give stays hidden, from any folder.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import run_in as run

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "baseline"


def key(path: str, rule: str, project, indicator) -> tuple:
    return Path(path).name, rule, project or None, indicator or None


def test_an_old_baseline_still_hides_the_findings_it_recorded(tmp_path):
    work = tmp_path / "repo"
    shutil.copytree(FIXTURE, work)
    recorded = json.loads((work / "indlint-baseline.json").read_text("utf-8"))["findings"]
    entries = {key(e["path"], e["rule"], e["project"], e["indicator"]) for e in recorded}
    today = json.loads(run(work, "check", "--format", "json", "forms/").stdout)["findings"]
    old = [f for f in today if key(f["path"], f["rule"], f["project"], f["indicator"]) in entries]
    assert len(old) >= 40, "the fixture's findings should mostly still be found"
    for cwd, base, target in ((work, "indlint-baseline.json", "forms/"),
                              (work / "forms", "../indlint-baseline.json", "."),
                              (tmp_path, str(work / "indlint-baseline.json"), str(work / "forms"))):
        result = run(cwd, "check", "--format", "json", "--baseline", base, target)
        shown = json.loads(result.stdout)["findings"]
        assert not [f for f in shown
                    if key(f["path"], f["rule"], f["project"], f["indicator"]) in entries], cwd
        assert len(shown) == len(today) - len(old), cwd
        assert f"已忽略 {len(old)} 个" in result.stderr, cwd


def test_rule_ids_of_the_old_baseline_still_exist():
    from indlint.judge.rules import load_rules
    from indlint.values.lexicons import load_lexicons

    recorded = json.loads((FIXTURE / "indlint-baseline.json").read_text("utf-8"))["findings"]
    ids = set(load_rules(load_lexicons()).rules)
    assert {e["rule"] for e in recorded} <= ids


def test_findings_name_the_indicator_as_written():
    today = json.loads(run(FIXTURE, "check", "--format", "json", "forms/written.yaml").stdout)
    names = {f["indicator"] for f in today["findings"]}
    assert "★工资发放及时性" in names and "（一）社区公共服务能力" in names
