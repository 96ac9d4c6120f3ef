"""The value grammar against tests/grammar_cases.yaml, plus robustness and caching.

Each entry of the table says what a reviewer reads in one target or actual string
(see the header of grammar_cases.yaml). Entries marked ``known_wrong`` are cases
where the parser currently disagrees with that reading; they run as strict xfails,
so fixing the parser turns them into XPASS errors until the mark is removed.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from indlint.values.lexicons import load_lexicons
from indlint.values.parse import ValueParser
from indlint.values.values import Kind, Value

from conftest import shared_path

CASES_FILE = Path(__file__).with_name("grammar_cases.yaml")
CORPUS = Path(__file__).resolve().parents[1] / "corpus"

#: Fields an entry's ``expect`` may pin (the keys of Value.describe()).
EXPECT_KEYS = {"kind", "comparator", "number", "upper", "unit", "unit_kind", "deadline",
               "text", "per", "notes", "problem", "unit_conflict"}
NUMBER_KEYS = {"number", "upper"}


def _load_cases() -> list[dict]:
    data = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
    return data["cases"]


CASES = _load_cases()


def _is_row(entry: dict) -> bool:
    """A three-column row (指标性质 / 指标值 / 度量单位) is read with combine()."""
    return "nature" in entry or "unit" in entry


def _key(entry: dict) -> tuple:
    if _is_row(entry):
        return ("row", entry.get("nature"), entry["text"], entry.get("unit"))
    return ("value", entry["text"])


def _case_id(n: int, entry: dict) -> str:
    text = entry["text"] if entry["text"] else "<empty>"
    if _is_row(entry):
        text = f"{entry.get('nature')}|{text}|{entry.get('unit')}"
    return f"{n:03d}:{text}"


def _params():
    for n, entry in enumerate(CASES):
        marks = []
        if entry.get("known_wrong"):
            marks.append(pytest.mark.xfail(strict=True, raises=AssertionError,
                                           reason=entry["known_wrong"]))
        yield pytest.param(entry, id=_case_id(n, entry), marks=marks)


@pytest.fixture(scope="module")
def parser() -> ValueParser:
    return ValueParser(load_lexicons().units)


def _read(parser: ValueParser, entry: dict) -> Value:
    if _is_row(entry):
        return parser.combine(entry.get("nature"), entry["text"], entry.get("unit"))
    return parser.parse(entry["text"])


def _same(key: str, got, want) -> bool:
    if want is None:
        return got is None                      # null in the table: the field is absent
    if key in NUMBER_KEYS:
        return got is not None and Decimal(str(got)) == Decimal(str(want))
    if key == "notes":
        return set(got or []) == set(want)
    return got == want


@pytest.mark.parametrize("entry", list(_params()))
def test_grammar_case(parser, entry):
    got = _read(parser, entry).describe()
    wrong = {key: {"expected": want, "got": got.get(key)}
             for key, want in entry["expect"].items() if not _same(key, got.get(key), want)}
    assert not wrong, f"{entry['text']!r}: {wrong}\nfull result: {got}"


# ---- the table itself -------------------------------------------------------------------

def test_table_is_well_formed():
    seen = set()
    for n, entry in enumerate(CASES):
        where = _case_id(n, entry)
        assert isinstance(entry.get("text"), str), where
        expect = entry.get("expect")
        assert isinstance(expect, dict) and "kind" in expect, where
        assert expect["kind"] in {k.value for k in Kind}, where
        assert set(expect) <= EXPECT_KEYS, f"{where}: unknown keys {set(expect) - EXPECT_KEYS}"
        assert set(entry) <= {"text", "nature", "unit", "expect", "known_wrong"}, where
        if "known_wrong" in entry:
            assert isinstance(entry["known_wrong"], str) and entry["known_wrong"].strip(), where
        assert _key(entry) not in seen, f"{where}: duplicate entry"
        seen.add(_key(entry))


def _form_rows(path: Path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    forms = (data.get("forms") or [data]) if isinstance(data, dict) else []
    for form in forms:
        yield from form.get("indicators") or []


def _missing_from_table(paths) -> list:
    keys = {_key(e) for e in CASES}
    missing = []
    for path in paths:
        for row in _form_rows(path):
            for field in ("target", "actual"):
                if row.get(field) is not None and ("value", row[field]) not in keys:
                    missing.append((path.name, field, row[field]))
            if "nature" in row or "unit" in row:
                if ("row", row.get("nature"), row.get("target"), row.get("unit")) not in keys:
                    missing.append((path.name, "row", row.get("nature"), row.get("target"),
                                    row.get("unit")))
                if row.get("actual") is not None and \
                        ("row", None, row["actual"], row.get("unit")) not in keys:
                    missing.append((path.name, "actual row", row["actual"], row.get("unit")))
    return missing


def test_table_covers_corpus():
    """Every target and actual string of corpus/ has an entry (add new ones by hand)."""
    assert _missing_from_table(sorted(CORPUS.glob("*.yaml"))) == []


def test_table_covers_dev_forms():
    """Every target and actual string of ../shared/dev/forms has an entry."""
    forms = shared_path("dev", "forms")
    assert _missing_from_table(sorted(forms.glob("*.yaml"))) == []


# ---- robustness and caching -----------------------------------------------------------------

NASTY = [
    "",
    " \t\r\n ",
    "x" * 10_000,
    "≥" * 10_000,
    "9" * 10_000,
    "一" * 10_000,
    "9," * 199,                 # just under the length cap
    "≥9" * 199,
    "(" * 399,
    "\x00",
    "≥90%\x00",
    "\x00\x01\x02\x1b[31m\x7f",
    "\ufeff≥90%",
    "\u200b",
    "\ud800",                   # a lone surrogate
]


@pytest.mark.parametrize("raw", NASTY, ids=lambda s: repr(s[:12]) + f"*{len(s)}")
def test_parse_never_raises(parser, raw):
    value = parser.parse(raw)
    assert isinstance(value, Value)
    assert value.raw == raw
    assert isinstance(value.kind, Kind)
    value.describe()


@pytest.mark.parametrize("raw", NASTY[:6], ids=lambda s: repr(s[:12]) + f"*{len(s)}")
def test_combine_never_raises(parser, raw):
    for nature, target, unit in ((raw, "≥90", "%"), ("=", raw, "人"), ("≥", "95", raw),
                                 (None, None, None)):
        assert isinstance(parser.combine(nature, target, unit), Value)


def test_overlong_is_unparsed_too_long(parser):
    value = parser.parse("9" * 10_000)
    assert value.describe()["kind"] == "unparsed"
    assert value.describe()["problem"] == "too-long"


def test_parse_is_cached(parser):
    first = parser.parse("≥236.00(人)")
    # A string built at run time, equal but not the same object, hits the same entry.
    again = parser.parse("".join(["≥236", ".00(人)"]))
    assert again is first
    assert parser.parse("及时") is parser.parse("及时")
