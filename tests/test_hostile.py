"""Hostile input: the parser, reader and linter never raise; bombs, deep nesting and odd files stay bounded."""
from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path
from types import MappingProxyType

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indlint.read import spreadsheet
from indlint.app.cli import main
from indlint.judge.engine import build_linter
from indlint.values.lexicons import load_lexicons
from indlint.core.model import ROW_FIELDS, Document, Form, Pos, Row
from indlint.values.parse import ValueParser
from indlint.read.files import read_path
from indlint.read.yamlform import MAX_FILE_BYTES, read_string
from indlint.output.report import FORMATTERS, Summary

from conftest import GOOD
from test_config import RATE_RULE   # a sibling test module (tests/ is on the path)

ROOT = Path(__file__).resolve().parents[1]
#: A subprocess that should take a second gets this long before it counts as hung.
HANG = 60
#: The time allowed for the cases that once hung (FIFOs, alias bombs): short, to spare CI.
KNOWN_HANG = 5



# ---- shared objects and the seed vocabulary -------------------------------------------------

_UNITS = load_lexicons().units
P1, P2 = ValueParser(_UNITS), ValueParser(_UNITS)     # two parsers: no shared cache
LINTER = build_linter()


def _seed_vocabulary() -> dict[str, list[str]]:
    vocab: dict[str, set] = {k: set() for k in ("l1", "l2", "name", "target", "actual", "score",
                                               "score_max", "project", "goal")}
    for path in sorted((ROOT / "corpus").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for form in data.get("forms", [data]):
            for key in ("project", "goal"):
                if form.get(key):
                    vocab[key].add(str(form[key])[:300])
            for row in form.get("indicators") or []:
                for key in ("l1", "l2", "name", "target", "actual", "score", "score_max"):
                    if row.get(key) not in (None, ""):
                        vocab[key].add(str(row[key]))
    fallback = {"l1": ["产出指标", "效益指标", "满意度指标", "成本指标"],
                "l2": ["数量指标", "质量指标", "时效指标", "社会效益指标", "服务对象满意度指标"],
                "name": ["体检人数", "居民满意度", "活动开展及时率"], "target": ["=28人", "≥90%", "及时"],
                "actual": ["=28人", "100%"], "score": ["5"], "score_max": ["5"],
                "project": ["党群综合服务"], "goal": ["完成体检50人，开展活动10次。"]}
    return {k: sorted(v) or fallback[k] for k, v in vocab.items()}


VOCAB = _seed_vocabulary()

# Any text: control characters and lone surrogates included (a Python str may hold them).
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=40)
# Pieces values are made of: comparators, numerals, units, dates, words.
VALUE_PIECES = ["≥", ">=", "≤", "<=", "=", "＝", "＞", "<", ">", "≧", "不低于", "不少于", "不超过",
                "不高于", "约", "以上", "以内", "左右", "～", "~", "-", "—", "至", "到", "%", "％", "‰",
                "(", ")", "（", "）", "年", "月", "日", "号", "前", "底", "内", "度", "季度", "上半年",
                "个", "人", "人次", "次", "场", "万元", "元", "亿元", "天", "小时", "平方米", "公里", "户",
                ".", ",", "，", " ", "\u3000", "\n", "\t", "一", "二", "两", "十", "百", "千", "万", "亿",
                "零", "半", "每", "/", "第", "满意", "提升", "及时", "无", "定量", "定性", "0", "100",
                "2026", "12", "31", "0.5", "1e5", "NaN", "Infinity", "-0", "９０", "…", "XX", "**"]
NUMBER_TEXT = st.one_of(st.integers(-10**30, 10**30).map(str),
                        st.decimals(allow_nan=True, allow_infinity=True).map(str),
                        st.floats().map(str))
VALUE_TEXT = st.one_of(
    st.sampled_from(VOCAB["target"] + VOCAB["actual"]),
    st.lists(st.one_of(st.sampled_from(VALUE_PIECES), NUMBER_TEXT, ANY_TEXT), max_size=8).map("".join),
    ANY_TEXT,
)


def _mixed(key: str):
    """A field value: seed vocabulary, a recombination of it, value-like text, any text or null."""
    words = VOCAB.get(key) or VOCAB["name"]
    recombined = st.lists(st.sampled_from(words), min_size=1, max_size=3).map(
        lambda ws: "".join(w[: len(w) // 2 + 1] for w in ws))
    return st.one_of(st.sampled_from(words), recombined, VALUE_TEXT, ANY_TEXT, st.none())


# ---- property tests: the value parser --------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(VALUE_TEXT)
def test_value_parser_never_raises_and_is_stable(text):
    value = P1.parse(text)
    described = value.describe()
    json.dumps(described, ensure_ascii=False)            # plain data
    again = P2.parse(text)                                # a parser with its own cache
    assert again == value and again.describe() == described
    assert P2.parse(value.raw) == value


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.none(), st.sampled_from(["≥", "≤", "=", "定量", "定性", ">=", "＜"]), ANY_TEXT),
       VALUE_TEXT, st.one_of(st.none(), st.sampled_from(["%", "人", "万元", "个", "次"]), ANY_TEXT))
def test_combined_columns_never_raise(nature, target, unit):
    value = P1.combine(nature, target, unit)
    assert P2.combine(nature, target, unit) == value
    json.dumps(value.describe(), ensure_ascii=False)


# ---- property tests: the reader --------------------------------------------------------------

YAML_PIECES = ["\n", "  ", "    ", "- ", ": ", ":", "{", "}", "[", "]", ", ", "&a ", "*a", "&b ", "*b",
               "!!str ", "!!int ", "!!binary ", "!!python/object:os.system ", "!x ", "? ", "|\n", ">-\n",
               "'", '"', "\\", "# c\n", "---\n", "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "<<: ",
               "forms:", "indicators:", "project:", "kind:", "l1:", "l2:", "name:", "target:", "budget:",
               "year:", "一级指标:", "指标值:", "~", "null", "\t", "\ufeff", "\x00", "\x01", "\x85",
               "\u2028", "\ud800", "\r\n", "\r"]
YAML_TEXT = st.lists(st.one_of(st.sampled_from(YAML_PIECES), st.sampled_from(VOCAB["target"]),
                               ANY_TEXT), max_size=30).map("".join)


def _check_document(doc: Document) -> None:
    if doc.error is None:
        assert isinstance(doc.forms, tuple) and all(isinstance(f, Form) for f in doc.forms)
    else:
        assert isinstance(doc.error, str) and doc.error and doc.forms == ()
        assert "\n" not in doc.error and "Traceback" not in doc.error


@settings(max_examples=300, deadline=None)
@given(st.one_of(ANY_TEXT, YAML_TEXT))
def test_read_string_gives_forms_or_an_error(text):
    _check_document(read_string(text))


SAFE_TEXT = st.text(st.characters(exclude_categories=("Cs",), max_codepoint=0xFFFF), max_size=30)
ROWS = st.lists(st.dictionaries(st.sampled_from(ROW_FIELDS), SAFE_TEXT, max_size=6), max_size=6)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["project", "goal", "year", "department"]), SAFE_TEXT),
       ROWS)
def test_values_are_kept_exactly_as_written(meta, rows):
    # `kind` is a closed vocabulary (read_string refuses other values): not free text.
    # JSON is YAML: every string, control characters included, comes back as written.
    text = json.dumps({**meta, "indicators": rows}, ensure_ascii=True)
    doc = read_string(text)
    assert doc.error is None, doc.error
    (form,) = doc.forms
    assert [dict(r.fields) for r in form.rows] == rows
    assert {k: form.meta.get(k) for k in meta} == meta


# ---- property tests: the whole linter --------------------------------------------------------

@st.composite
def documents(draw) -> Document:
    forms = []
    for index in range(draw(st.integers(1, 3))):
        rows = []
        for number in range(1, draw(st.integers(0, 10)) + 1):
            keys = draw(st.sets(st.sampled_from(ROW_FIELDS + ("extra", "一级指标")), max_size=9))
            fields = {k: draw(_mixed(k)) for k in {"l1", "l2", "name", "target"} | keys}
            positions = {k: Pos(number * 4 + i, 5) for i, k in enumerate(fields)}
            rows.append(Row(number, MappingProxyType(fields), Pos(number * 4, 3),
                            MappingProxyType(positions)))
        meta = {"kind": draw(st.one_of(st.sampled_from(["declaration", "self-evaluation"]), ANY_TEXT,
                                       st.none())),
                "project": draw(_mixed("project")), "goal": draw(_mixed("goal")),
                "overall_goal": draw(_mixed("goal")),
                "year": draw(st.one_of(st.sampled_from(["2026", "2023", "0", "99999999999999999999"]),
                                       NUMBER_TEXT, ANY_TEXT, st.none())),
                "total_score": draw(st.one_of(NUMBER_TEXT, ANY_TEXT, st.none())),
                "budget_unit": draw(st.one_of(st.sampled_from(["万元", "元"]), ANY_TEXT, st.none()))}
        budget_keys = ["total", "fiscal", "other", "annual_total", "appropriation", "carryover",
                       "initial", "adjusted", "executed", "execution_rate", "score_max", "score"]
        budget = draw(st.dictionaries(st.sampled_from(budget_keys),
                                      st.one_of(NUMBER_TEXT, VALUE_TEXT, st.none()), max_size=8))
        forms.append(Form(index, MappingProxyType(meta), MappingProxyType(budget), tuple(rows),
                          Pos(1, 1), MappingProxyType({})))
    return Document("generated.yaml", tuple(forms))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_linter_never_raises_on_generated_forms(doc):
    from indlint.judge.score import score_form

    findings = LINTER.lint(doc)
    for finding in findings:
        json.dumps(finding.to_json(), ensure_ascii=False)
    summary = Summary(1, len(doc.forms), sum(len(f.rows) for f in doc.forms))
    for name in ("text", "json"):
        assert isinstance(FORMATTERS[name](findings, summary), str)
    for form in doc.forms:
        score_form(form, [f for f in findings if f.form == form.index], LINTER.tools)


# ---- bombs and big input ---------------------------------------------------------------------

def check_json(*paths, args=()) -> dict:
    result = CliRunner().invoke(main, ["check", "--format", "json", *args, *map(str, paths)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def findings_of(out: dict, path) -> list[dict]:
    return [f for f in out["findings"] if f["path"] == str(path)]


def invalid_of(out: dict, path) -> dict:
    found = findings_of(out, path)
    assert len(found) == 1 and found[0]["category"] == "input.invalid", found
    assert (found[0]["form"], found[0]["row"]) == (None, None)
    return found[0]


def good_was_checked(out: dict, path) -> None:
    found = findings_of(out, path)
    assert found and all(f["category"] != "input.invalid" for f in found)


def peak_mib(work) -> float:
    """Peak of Python allocations while work() runs, in MiB."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _billion_laughs(levels: int = 9) -> str:
    lines = ['lol0: &lol0 ["哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈"]']
    lines += [f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 9) + "]" for i in range(1, levels + 1)]
    return "\n".join(lines) + f"\nproject: 炸弹\ngoal: *lol{levels}\nindicators: *lol{levels}\n"


def _form_bomb(forms: int = 1000, rows: int = 1000) -> str:
    # Each alias is one event, but stands for a whole form or row: a million rows from 8 KB.
    row = '&r {l1: 产出指标, l2: 数量指标, name: 培训人数, target: "≥10人"}'
    return (f"defs:\n  - {row}\n  - &f {{project: 炸弹, indicators: [{', '.join(['*r'] * rows)}]}}\n"
            f"forms: [{', '.join(['*f'] * forms)}]\n")


def test_alias_bombs_are_refused_within_a_bound_and_the_run_goes_on(tmp_path):
    laughs = tmp_path / "laughs.yaml"
    laughs.write_text(_billion_laughs(), encoding="utf-8")
    forms = tmp_path / "forms.yaml"
    forms.write_text(_form_bomb(), encoding="utf-8")
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    for bomb in (laughs, forms):
        assert peak_mib(lambda: read_path(str(bomb))) < 64
    out = check_json(laughs, forms, good)
    for bomb in (laughs, forms):
        assert "别名" in invalid_of(out, bomb)["message"]
    good_was_checked(out, good)
    assert out["summary"]["files"] == 3 and out["summary"]["indicators"] == 2


def test_modest_aliases_are_still_read():
    text = ("r: &r {l1: 产出指标, l2: 数量指标, name: 培训人数, target: \"≥10人\"}\n"
            "b: &b {total: \"100\"}\nforms:\n"
            + "".join(f"  - {{project: 项目{i}, budget: *b, indicators: [*r, *r]}}\n" for i in range(3)))
    doc = read_string(text)
    assert doc.error is None and [len(f.rows) for f in doc.forms] == [2, 2, 2]
    assert doc.forms[2].budget["total"] == "100" and doc.forms[1].rows[1].get("name") == "培训人数"
    recursive = read_string("a: &a [1, *a]\nproject: x\nindicators: &i [{name: 甲}, *i]\n")
    assert recursive.error is None and len(recursive.forms[0].rows) == 2


def test_deep_nesting_is_one_input_invalid_finding(tmp_path):
    files = {"flow_seq.yaml": "[" * 10_000 + "]" * 10_000 + "\n",
             "flow_map.yaml": "a: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n",
             "unclosed.yaml": "{" * 10_000 + "\n",
             "block.yaml": "".join(" " * i + "a:\n" for i in range(2_000)),
             "block_seq.yaml": "project: x\nindicators:\n" + "".join(" " * i + "- \n" for i in range(2, 2_000))}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    out = check_json(*(tmp_path / n for n in files), good)
    for name in files:
        assert "嵌套" in invalid_of(out, tmp_path / name)["message"]
    good_was_checked(out, good)


@pytest.mark.parametrize("field", ["target", "actual", "basis", "l1"])
def test_ten_megabyte_cell(tmp_path, field):
    size = 10 * 2**20
    row = {"l1": "产出指标", "l2": "数量指标", "name": "培训人数", "target": "≥10人", "actual": "12人"}
    row[field] = ("满意达到" * (size // 12 + 1))[: size // 3]          # 10 MiB of UTF-8
    path = tmp_path / "big.yaml"
    path.write_text("kind: self-evaluation\nproject: 大单元格\nindicators:\n  - "
                    + json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    assert 9 * 2**20 < path.stat().st_size < MAX_FILE_BYTES
    out = check_json(path)
    assert out["summary"]["indicators"] == 1
    assert all(f["category"] != "input.invalid" for f in out["findings"])


@pytest.mark.parametrize("field", ["l1", "l2", "unit"])
def test_messages_quote_long_values_shortened(field):
    row = {"l1": "产出指标", "l2": "数量指标", "name": "培训人数", "target": "≥10人", "unit": "人"}
    row[field] = "满意达到" * 2_000
    doc = read_string("project: x\nindicators:\n  - " + json.dumps(row, ensure_ascii=False) + "\n")
    findings = LINTER.lint(doc)
    assert findings and all(len(f.message) + len(f.suggestion) < 1_000 for f in findings)


@pytest.mark.parametrize("score_max, score", [("100000000000000000000000000", "1"),
                                              ("1" * 1_000_001, "5")])
def test_huge_scores_do_not_crash(score_max, score):
    row = {"l1": "产出指标", "l2": "数量指标", "name": "培训人数", "target": "=1人", "actual": "=1人",
           "score_max": score_max, "score": score}
    doc = read_string("kind: self-evaluation\nproject: x\nindicators:\n  - " + json.dumps(row) + "\n")
    findings = LINTER.lint(doc)
    # The target is met at a tiny score: a 27-digit weight is still read as a number (SE04),
    # a million-digit one is no number at all (no score rule fires, nothing crashes).
    rules = {f.rule for f in findings}
    assert ("SE04" in rules) == (len(score_max) < 31)
    assert all(len(f.message) < 1_000 for f in findings)


def test_a_long_goal_clause_costs_linear_memory():
    doc = read_string("project: x\ngoal: " + "完成5次" * 800 + "\nindicators:\n"
                      "  - {l1: 产出指标, l2: 数量指标, name: 培训次数, target: 10次}\n")
    assert peak_mib(lambda: LINTER.lint(doc)) < 5


def test_ten_megabyte_csv_cell_is_refused_clearly(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("一级指标,二级指标,三级指标,指标值\n产出指标,数量指标,人数,\"" + "满" * (10 * 2**20 // 3)
                    + "\"\n", encoding="utf-8")
    message = invalid_of(check_json(path), path)["message"]
    assert "单元格过长" in message and "第 2 行" in message


@pytest.mark.parametrize("data, words", [
    ("project: x\nindicators:\n  - {l1: 产出指标, l2: 数量指标, name: 人\x01数, target: \"=1人\"}\n",
     ["第 3 行第 33 列", "控制字符", "U+0001"]),
    ("project: x\x1b[31m\nindicators: []\n", ["第 1 行第 11 列", "U+001B"]),
    ("project: x\nindicators:\n  - {l1: 产出指标, l2: 数量指标, name: 人\x00数, target: \"=1人\"}\n",
     ["第 3 行", "NUL"]),
    ("project: x\n" + "goal: 好\n" * 5 + "x: \x7f\n", ["第 7 行", "U+007F"]),
    (b"\xff\xfep\x00:\x00 \x00x\x00\n\x00\x01\x00", ["第 2 行第 1 列", "U+0001"]),       # UTF-16
    (b"\xef\xbb\xbfproject: \xff\xfe\n", ["UTF-8", "第 1 行"]),                        # BOM, then not UTF-8
])
def test_control_characters_and_nul_bytes_give_a_clear_message(tmp_path, data, words):
    path = tmp_path / "odd.yaml"
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    out = check_json(path, good)
    message = invalid_of(out, path)["message"]
    assert all(w in message for w in words), message
    assert re.search(r"[\x00-\x1f\x7f]", message) is None
    good_was_checked(out, good)


def test_escaped_control_characters_are_values(tmp_path):
    path = tmp_path / "escaped.yaml"
    path.write_text('project: "x\\x01\\0\\e"\nindicators:\n'
                    '  - {l1: 产出指标, l2: 数量指标, name: "人\\x01数\\0", target: "=1\\x07人"}\n',
                    encoding="utf-8")
    out = check_json(path)
    assert out["summary"]["indicators"] == 1


# ---- spreadsheets: zip bombs and cell bombs --------------------------------------------------

def _workbook_parts(sheet: bytes) -> dict[str, bytes]:
    main_ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    return {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml"'
            ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>").encode(),
        "_rels/.rels": (f'<?xml version="1.0"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" '
                        f'Type="{rel_ns}/officeDocument" Target="xl/workbook.xml"/></Relationships>').encode(),
        "xl/workbook.xml": (f'<?xml version="1.0"?><workbook xmlns="{main_ns}" xmlns:r="{rel_ns}"><sheets>'
                            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>').encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" '
            f'Type="{rel_ns}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>').encode(),
        "xl/worksheets/sheet1.xml": sheet,
    }


def _sheet(cells: str = "", merges: str = "", prefix: str = "") -> bytes:
    p = f"{prefix}:" if prefix else ""
    ns = f"xmlns{':' + prefix if prefix else ''}"
    head = (f'<?xml version="1.0"?><{p}worksheet {ns}="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main"><{p}sheetData>{cells}</{p}sheetData>')
    tail = f"<{p}mergeCells>{merges}</{p}mergeCells>" if merges else ""
    return (head + tail + f"</{p}worksheet>").encode()


def _write_xlsx(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def _lying_zip(path: Path, real_size: int, claimed: int) -> None:
    """A workbook whose sheet inflates to real_size bytes while its headers claim `claimed`."""
    _write_xlsx(path, {**_workbook_parts(b""), "xl/worksheets/sheet1.xml": b" " * real_size})
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    local = data.find(b"PK\x03\x04")                  # patch the sheet's local and central headers
    while local != -1:
        if data[local + 30: local + 30 + len(name)] == name:
            struct.pack_into("<I", data, local + 22, claimed)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        if data[central + 46: central + 46 + len(name)] == name:
            struct.pack_into("<I", data, central + 24, claimed)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


def test_xlsx_zip_bombs_are_refused_with_bounded_inflation(tmp_path):
    ratio = tmp_path / "ratio.xlsx"                    # 64 MiB of blanks in a 64 KB member
    _write_xlsx(ratio, {**_workbook_parts(b""), "xl/worksheets/sheet1.xml": b" " * (64 * 2**20)})
    lying = tmp_path / "lying.xlsx"                    # inflates to 64 MiB, claims 1 KB
    _lying_zip(lying, 64 * 2**20, 1024)
    members = tmp_path / "members.xlsx"
    _write_xlsx(members, {**_workbook_parts(_sheet()),
                          **{f"xl/media/{i}.xml": b"" for i in range(spreadsheet.MAX_MEMBERS + 1)}})
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    for bomb in (ratio, lying):
        assert peak_mib(lambda: read_path(str(bomb))) < 48
    out = check_json(ratio, lying, members, good)
    assert "zip 炸弹" in invalid_of(out, ratio)["message"]
    assert "损坏" in invalid_of(out, lying)["message"]
    assert "文件过多" in invalid_of(out, members)["message"]
    good_was_checked(out, good)


@pytest.mark.parametrize("merge", ["A1:XFD1048576", "B2:C3000000", "$A$1:$ZZ$2000"])
def test_xlsx_merged_range_bomb_is_refused(tmp_path, merge):
    # openpyxl makes one object per merged cell: a 1 KB file could ask for 17 billion.
    path = tmp_path / "merged.xlsx"
    cells = '<row r="1"><c r="A1" t="inlineStr"><is><t>一级指标</t></is></c></row>'
    _write_xlsx(path, _workbook_parts(_sheet(cells, f'<mergeCell ref="{merge}"/>')))
    assert path.stat().st_size < 4096
    assert peak_mib(lambda: read_path(str(path))) < 32
    assert "单元格过多" in read_path(str(path)).error


@pytest.mark.parametrize("prefix", ["", "x"])
def test_xlsx_and_csv_with_too_many_cells_are_refused(tmp_path, monkeypatch, prefix):
    monkeypatch.setattr(spreadsheet, "MAX_CELLS", 1_000)
    p = f"{prefix}:" if prefix else ""
    cells = "".join(f'<{p}row r="{r}">' + "".join(f"<{p}c><{p}v>{c}</{p}v></{p}c>" for c in range(10))
                    + f"</{p}row>" for r in range(1, 120))
    path = tmp_path / "dense.xlsx"
    _write_xlsx(path, _workbook_parts(_sheet(cells, prefix=prefix)))
    assert "单元格过多" in read_path(str(path)).error
    csv_path = tmp_path / "dense.csv"
    csv_path.write_text(("1," * 20 + "\n") * 60, encoding="utf-8")
    assert "单元格过多" in read_path(str(csv_path)).error
    small = tmp_path / "small.csv"
    small.write_text("一级指标,二级指标,三级指标,指标值\n产出指标,数量指标,人数,=1人\n", encoding="utf-8")
    assert read_path(str(small)).error is None


# ---- odd files in a checked folder -----------------------------------------------------------

def run_cli(*args, cwd=None, timeout=HANG) -> subprocess.CompletedProcess:
    """indlint in a child process, so that a hang fails the test instead of stalling the run."""
    return subprocess.run([sys.executable, "-m", "indlint", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs and symlinks")
def test_symlink_loops_dangling_links_and_fifos_in_a_folder(tmp_path):
    folder = tmp_path / "forms"
    (folder / "sub").mkdir(parents=True)
    good = folder / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    (folder / "self.yaml").symlink_to("self.yaml")
    (folder / "ping.yaml").symlink_to("pong.yaml")
    (folder / "pong.yaml").symlink_to("ping.yaml")
    (folder / "dangling.yaml").symlink_to("missing.yaml")
    for name in ("fifo.yaml", "fifo.csv", "fifo.xlsx"):
        os.mkfifo(folder / name)
    (folder / "to_fifo.yaml").symlink_to("fifo.yaml")
    (folder / "sub" / "up").symlink_to("..")                 # a folder loop: not followed
    (folder / "loop").symlink_to(folder)
    result = run_cli("check", "--format", "json", folder, folder / "fifo.yaml")
    assert "Traceback" not in result.stderr and result.returncode == 1, result.stderr
    out = json.loads(result.stdout)
    good_was_checked(out, good)
    expected = {"self.yaml": "循环", "ping.yaml": "循环", "pong.yaml": "循环", "dangling.yaml": "不存在",
                "fifo.yaml": "管道", "fifo.csv": "管道", "fifo.xlsx": "管道", "to_fifo.yaml": "管道"}
    for name, words in expected.items():
        found = [f for f in out["findings"] if f["path"] == str(folder / name)]
        assert found and all(f["category"] == "input.invalid" and words in f["message"] for f in found)
    checked = {f["path"] for f in out["findings"]}
    assert not any("/sub/" in p or "/loop/" in p for p in checked)
    assert out["summary"]["files"] >= len(expected) + 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
@pytest.mark.parametrize("sidecar", ["fifo", "alias-bomb"])
def test_odd_suppression_sidecar_does_not_hang(tmp_path, sidecar):
    form = tmp_path / "a.yaml"
    form.write_text(GOOD, encoding="utf-8")
    side = tmp_path / "indlint-ignore.yaml"
    if sidecar == "fifo":
        os.mkfifo(side)
    else:
        lines = ["- {rule: &a0 [VL03, VL03, VL03, VL03, VL03, VL03, VL03, VL03, VL03], reason: x}"]
        lines += [f"- {{rule: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}], reason: x}}" for i in range(1, 9)]
        side.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        result = run_cli("check", form, timeout=KNOWN_HANG)
    except subprocess.TimeoutExpired:
        pytest.fail(f"indlint check hung on a {sidecar} indlint-ignore.yaml")
    # The bomb's first entry is a real suppression of VL03 (the form's only error): 0 is right.
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr


# ---- a malformed rule file from a user -------------------------------------------------------

RULE = RATE_RULE      # the README's example rule (tests/test_config.py)
WHEN = 'when: {name-is: rate, comparator: "≥", target-is: hundred-percent}\n'


def _rule_bomb(where: str) -> str:
    levels = ["&b0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"&b{i} [" + ", ".join([f"*b{i - 1}"] * 9) + "]" for i in range(1, 9)]
    text = RULE.replace(WHEN, "").replace("examples:\n", "examples:\n  pass: [" + ", ".join(levels) + "]\n")
    return text + where + "\n"


RULE_CASES = [
    pytest.param("bad_yaml", RULE.replace("severity: warning", "severity: [warning"), id="bad-yaml"),
    pytest.param("tab", RULE.replace("  fail:", "\tfail:"), id="tab"),
    pytest.param("list", "- a\n- b\n", id="not-a-mapping"),
    pytest.param("empty", "", id="empty"),
    pytest.param("unknown_key", RULE + "colour: red\n", id="unknown-key"),
    pytest.param("missing", RULE.replace("source: 本局审核实务\n", ""), id="missing-key"),
    pytest.param("severity", RULE.replace("severity: warning", "severity: [warning]"), id="severity-list"),
    pytest.param("check", RULE.replace("check: {kind: select}", "check: 5"), id="check-int"),
    pytest.param("when_value", RULE.replace('comparator: "≥"', "comparator: [1]"), id="when-value"),
    pytest.param("when_deep", RULE.replace(WHEN, "when: " + "{any: [" * 200 + "{}" + "]}" * 200 + "\n"),
                 id="when-deep"),
    pytest.param("placeholder", RULE.replace("「{name}」", "「{name.__class__}」"), id="placeholder-attr"),
    pytest.param("control", RULE.replace("rationale: ", "rationale: \x01"), id="control-char"),
    pytest.param("nul", RULE + "\x00", id="nul"),
    pytest.param("category", RULE.replace("category: style.format", "category: [style.format]"),
                 id="category-list"),
    pytest.param("order", RULE + "order: abc\n", id="order-text"),
    pytest.param("profiles", RULE + "profiles: 5\n", id="profiles-int"),
    pytest.param("exclusive", RULE + "exclusive: [a]\n", id="exclusive-list"),
    pytest.param("kind", RULE.replace("check: {kind: select}", "check: {kind: [select]}"),
                 id="kind-list"),
    pytest.param("braces", RULE.replace("「{name}」", "「{name」"), id="unbalanced-brace"),
    pytest.param("int_key", RULE + "5: x\n", id="int-key"),
    pytest.param("message_list", RULE.replace("「{name}」的目标「{target}」写成了≥100%", "[1, 2]"),
                 id="message-list"),
    pytest.param("examples", RULE.replace(RULE[RULE.index("examples:"):], "examples: {fail: 3}\n"),
                 id="examples-int"),
    pytest.param("bad_bom", b"\xef\xbb\xbf" + RULE.encode() + b"\xff", id="bad-utf8"),
    pytest.param("dir", "<dir>", id="directory"),
    pytest.param("loop", "<loop>", id="symlink-loop"),
    pytest.param("dangling", "<dangling>", id="dangling-link"),
    pytest.param("fifo", "<fifo>", id="fifo"),
    pytest.param("alias_bomb", _rule_bomb("when: {name-is: *b8}"), id="alias-bomb"),
]


@pytest.mark.parametrize("case, content", RULE_CASES)
def test_malformed_user_rule_file_exits_two_naming_file_and_line(tmp_path, monkeypatch, case, content):
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "indlint.yaml").write_text("rule-paths: [my-rules]\n", encoding="utf-8")
    rules = tmp_path / "my-rules"
    rules.mkdir()
    rule = rules / "XR01.yaml"
    if content == "<dir>":
        rule.mkdir()
    elif content == "<loop>":
        rule.symlink_to(rule)
    elif content == "<dangling>":
        rule.symlink_to(rules / "missing.yaml")
    elif content == "<fifo>":
        if not hasattr(os, "mkfifo"):
            pytest.skip("needs POSIX FIFOs")
        os.mkfifo(rule)
    elif isinstance(content, bytes):
        rule.write_bytes(content)
    else:
        rule.write_text(content, encoding="utf-8")
    hang_possible = content in ("<fifo>",) or case == "alias_bomb"
    if hang_possible:
        try:
            result = run_cli("check", "forms", cwd=tmp_path, timeout=KNOWN_HANG)
        except subprocess.TimeoutExpired:
            pytest.fail(f"indlint check hung on the rule file ({case})")
        output, code = result.stdout + result.stderr, result.returncode
    else:
        monkeypatch.chdir(tmp_path)
        result = CliRunner().invoke(main, ["check", "forms"])
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            f"{type(result.exception).__name__}: {result.exception}"
        output, code = result.output, result.exit_code
    assert "Traceback" not in output
    assert code == 2, output
    assert re.search(re.escape(str(Path("my-rules") / "XR01.yaml")) + r":\d+:", output), output


def test_a_gbk_rule_file_is_read(tmp_path, monkeypatch):
    """Rule files written in GBK (common in government offices) load like forms do."""
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "indlint.yaml").write_text("rule-paths: [my-rules]\n", encoding="utf-8")
    (tmp_path / "my-rules").mkdir()
    (tmp_path / "my-rules" / "XR01.yaml").write_bytes(RULE.encode("gb18030"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--select", "XR01", "forms"])
    assert result.exit_code in (0, 1) and "Traceback" not in result.output
