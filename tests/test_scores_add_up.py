"""Scores that add up: every rubric item's deductions make exactly its lost points, on every
labelled form, and a self-evaluation is scored on its own total, never on the 申报 rubric."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from indlint.app.cli import main
from indlint.judge.engine import build_linter
from indlint.judge.score import score_form
from indlint.read.files import read_path

from conftest import SHARED

ROOT = Path(__file__).resolve().parents[1]
_DEDUCTION = re.compile(r"扣 (\d+(?:\.\d+)?) 分")


def labelled_forms() -> list[str]:
    files = sorted(str(p) for p in (ROOT / "corpus").glob("*.yaml"))
    return files + sorted(str(p) for p in (SHARED / "dev" / "forms").glob("*.yaml"))


@pytest.fixture(scope="module")
def scores():
    linter = build_linter()
    out = []
    for path in labelled_forms():
        doc = read_path(path)
        findings = linter.lint(doc)
        for form in doc.forms:
            mine = [f for f in findings if f.form == form.index]
            out.append((path, form, score_form(form, mine, linter.tools)))
    return out


def test_each_items_deductions_sum_to_its_lost_points(scores):
    assert len(scores) > 60
    bad = []
    for path, form, s in scores:
        for item in s.items:
            listed = sum((Decimal(m) for d in item.deductions for m in _DEDUCTION.findall(d)),
                         Decimal(0))
            if listed != item.maximum - item.got or any(not _DEDUCTION.search(d)
                                                        for d in item.deductions):
                bad.append(f"{path} 表{form.index} {item.code} {item.got}/{item.maximum}: "
                           f"{list(item.deductions)}")
        assert s.total == sum((i.got for i in s.items), Decimal(0))
    assert not bad, "\n".join(bad[:20])


def test_no_self_evaluation_gets_the_declaration_rubric(scores):
    selfevals = [(p, f, s) for p, f, s in scores if f.kind == "self-evaluation"]
    assert selfevals, "the labelled sets hold self-evaluations"
    for path, form, s in selfevals:
        assert not any(i.code.startswith("C") for i in s.items), path
        assert s.title == "自评总分（复核）", path
    declarations = [s for _, f, s in scores if f.kind != "self-evaluation"]
    assert all(s.maximum == 20 and s.stated is None for s in declarations)


def test_self_evaluation_total_recomputed_against_the_stated_one(scores):
    """Corpus 002 is a 自评表: its rows and 预算执行率 add up to the recomputed total."""
    found = [(f, s) for p, f, s in scores if f.kind == "self-evaluation" and s.stated is not None]
    assert found
    from indlint.judge.selfeval import plain_number
    for form, s in found:
        rows = [(plain_number(r.get("score")), plain_number(r.get("score_max"))) for r in form.rows]
        expected = sum((min(sc or Decimal(0), w) for sc, w in rows if w is not None), Decimal(0))
        assert s.items[0].got == expected and s.items[0].label == "绩效指标得分"
    out = CliRunner().invoke(main, ["score", str(ROOT / "corpus" / "002_76a80a62ed61a43c.yaml")])
    assert "自评总分（复核）" in out.output and "项目绩效" not in out.output
