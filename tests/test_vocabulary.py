"""One source for the comparator vocabulary: rules/lexicons/comparators.yaml.

The grammar's comparator terminals are generated from it, every form in it means what it
says in the parser, the 指标性质 column, `indlint fix` and the flipped target of a
comparator-direction message, and no comparator is spelled out anywhere else in src/.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from indlint.app.fix import normalise_notation
from indlint.core import resources
from indlint.judge.kinds.relation import _flip
from indlint.values.comparators import load_comparators
from indlint.values.parse import ValueParser

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "indlint"
#: The one module that may spell comparators: it loads them.
LOADER = "values/comparators.py"
#: Literals in modules that other changes are rewriting (issue 10: read/, output/); each
#: entry must still offend, so this list only shrinks. Move them to comparators.yaml.
PENDING: set = set()

CMP = load_comparators()


@pytest.fixture(scope="module")
def parser(lexicons) -> ValueParser:
    return ValueParser(lexicons.units)


# ---- the data itself -------------------------------------------------------------------------

def test_every_form_means_a_canonical_sign():
    assert set(CMP.meaning.values()) <= set(CMP.canonical)
    assert set(CMP.canonical) <= set(CMP.signs)
    assert CMP.after_at_end <= set(CMP.after)
    assert {sign for sign, _ in CMP.rewrite} <= set(CMP.canonical)
    assert set(CMP.sign_notes.values()) <= {"ascii", "odd"}


# ---- the grammar -----------------------------------------------------------------------------

def _grammar_code(text: str) -> str:
    return "\n".join(line.split("//", 1)[0] for line in text.splitlines())


def test_grammar_template_spells_no_comparator():
    """The comparator terminals of target.lark are placeholders, filled from the data."""
    code = _grammar_code(resources.read_text("grammar", "target.lark"))
    wide = {ch for ch in CMP.sign_chars() if not ch.isascii()}
    assert not wide & set(code)
    words = [w for w in (*CMP.before, *CMP.after) if len(w) > 1]
    assert [w for w in words if w in code] == []
    for slot in CMP.grammar_slots():
        assert "{{" + slot + "}}" in code


def test_generated_terminals_hold_exactly_the_data():
    code = _grammar_code(load_comparators().fill_grammar(
        resources.read_text("grammar", "target.lark")))
    assert "{{" not in code

    def alternatives(name):
        found = re.search(rf"^{name}\.\d+: (.+)$", code, re.M)
        return [a.strip() for a in found.group(1).split(" | ")]

    assert alternatives("CMP") == [f'"{s}"' for s in CMP.signs]
    assert alternatives("CMP_WORD") == [f'"{w}"' for w in CMP.before]
    assert alternatives("POST_CMP") == [f"/{w}$/" if w in CMP.after_at_end else f'"{w}"'
                                        for w in CMP.after]
    for name in ("UNIT", "WORDS"):
        excluded = re.search(rf"^{name}\.\d+: .*\[\^\\d([^\]~]*)", code, re.M).group(1)
        assert set(excluded.replace("\\", "")) == set(CMP.sign_chars())


@pytest.mark.parametrize("form", CMP.signs)
def test_each_sign_means_what_the_data_says(parser, form):
    value = parser.parse(f"{form}12人")
    assert (value.comparator, value.number, value.unit) == (CMP.meaning[form], 12, "人")
    notes = {n.value for n in value.notes}
    want = {"ascii": "ascii-comparator", "odd": "odd-comparator"}.get(CMP.sign_notes.get(form))
    assert notes & {"ascii-comparator", "odd-comparator"} == ({want} if want else set())


@pytest.mark.parametrize("word", CMP.before)
def test_each_word_before_means_what_the_data_says(parser, word):
    value = parser.parse(f"{word}12人")
    assert (value.comparator, value.number, value.unit) == (CMP.meaning[word], 12, "人")
    assert "word-comparator" in {n.value for n in value.notes}


@pytest.mark.parametrize("word", CMP.after)
def test_each_word_after_means_what_the_data_says(parser, word):
    value = parser.parse(f"12人{word}")
    assert (value.comparator, value.number, value.unit) == (CMP.meaning[word], 12, "人")


@pytest.mark.parametrize("form", sorted(CMP.nature))
def test_each_nature_form_supplies_its_comparator(parser, form):
    value = parser.combine(form, "12", "人")
    folded = parser.parse(f"{form}12人").comparator
    assert value.comparator == folded
    assert value.comparator in CMP.canonical


@pytest.mark.parametrize("sign,forms", CMP.rewrite)
def test_fix_rewrites_each_listed_form(sign, forms):
    for form in forms:
        assert normalise_notation(f" {form}90%") == f" {sign}90%"


@pytest.mark.parametrize("form", CMP.flip)
def test_flip_drops_each_listed_form(form):
    assert _flip(f"{form}95%", "≥") == "≥95%"


# ---- no comparator spelled out anywhere else -------------------------------------------------

def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings (allowed: they explain)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                found.add(id(body[0].value))
    return found


def _offends(text: str) -> bool:
    """Whether a string literal spells a comparator other than as one canonical sign."""
    wide_odd = {ch for form in (*CMP.signs, *CMP.nature) for ch in form
                if not ch.isascii() and form not in CMP.canonical}
    if wide_odd & set(text):
        return True                         # ≧ ≦ ═ ＝ ﹦ ＞ ＜ anywhere
    bare = text.strip()
    if bare in CMP.canonical:
        return False                        # "≥": the model's value, as Value.comparator holds it
    if any(not ch.isascii() for sign in CMP.canonical for ch in sign if ch in text):
        return True                         # ≥ or ≤ inside a longer literal: a table or pattern
    forms = set(CMP.signs) | set(CMP.nature) | {w for w in (*CMP.before, *CMP.after)
                                                 if len(w) > 1}
    return bare in forms                    # ">=", "不少于", "以上" as a literal of its own


def _literals():
    for path in sorted(SRC.rglob("*.py")):
        where = path.relative_to(SRC).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and id(node) not in skip:
                yield where, node.lineno, node.value


def test_no_comparator_literal_outside_the_loader():
    found = {(where, text) for where, _, text in _literals()
             if where != LOADER and _offends(text)}
    assert sorted(found - PENDING) == []
    assert sorted(PENDING - found) == [], "fixed: drop these from PENDING"


@pytest.mark.parametrize("text,offends", [
    ("≥", False), ("≤", False), ("=", False), ("<", False), ("定量", False), ("(?<=\\d)", False),
    ("≧", True), ("＝", True), (">=", True), ("<=", True), ("不少于", True), ("以上", True),
    ("≥95%的人", True), ("[^\\d<>=≥≤]", True), ("≥|≤", True),
])
def test_the_scan_tells_a_comparator_literal(text, offends):
    assert _offends(text) is offends
