"""read/blockyaml.py reads what libyaml reads, to the character, or declines (issue 16)."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, SHARED
from indlint.read import blockyaml, yamlform
from indlint.read.yamlform import MAX_DEPTH, MAX_EVENTS, ReadError

pytestmark = pytest.mark.skipif(not yamlform.fast(), reason="the fast reader stands in for libyaml")


def fast(text: str, rows=None):
    return blockyaml.compose(text, MAX_DEPTH, MAX_EVENTS, rows)


def libyaml(text: str):
    """compose's tree, or the ReadError it raises."""
    try:
        return yamlform.compose(text)
    except ReadError as err:
        return err


def forms_of(tree) -> list | str:
    """_forms of a tree, spelt out field by field (with dict order), or its error."""
    try:
        forms = yamlform._forms(tree)
    except ReadError as err:
        return f"{type(err).__name__}: {err}"
    return [(f, list(f.meta.items()), list(f.budget.items()), list(f.field_pos.items()),
             [(r, list(r.fields.items()), list(r.field_pos.items())) for r in f.rows])
            for f in forms]


def same_or_declined(text: str) -> bool:
    """Assert the fast reader gives libyaml's tree and forms, or declines; say which."""
    tree = fast(text)
    reference = libyaml(text)
    if tree is blockyaml.DECLINE:
        assert fast(text, yamlform._ROWS) is blockyaml.DECLINE
        return False
    assert not isinstance(reference, ReadError), f"libyaml refuses what was read: {reference}"
    assert tree == reference
    rows = fast(text, yamlform._ROWS)           # rows built as read: declines more often
    if rows is not blockyaml.DECLINE:
        assert forms_of(rows) == forms_of(reference)
    return True


def yaml_files() -> list[Path]:
    found = [p for folder in ("corpus", "tests", "rules") for p in (ROOT / folder).rglob("*")
             if p.suffix in (".yaml", ".yml") and p.is_file()]
    return sorted(found)


@pytest.mark.parametrize("path", yaml_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_file_of_the_project_reads_as_libyaml_reads_it(path):
    text = yamlform.decode_file(path.read_bytes()).text
    same_or_declined(text)


def test_dev_forms_read_as_libyaml_reads_them():
    folder = SHARED / "dev" / "forms"
    if not folder.is_dir():
        pytest.skip("../shared/dev/forms is not here")
    read = [same_or_declined(yamlform.decode_file(p.read_bytes()).text)
            for p in sorted(folder.glob("*.yaml"))]
    assert read and sum(read) >= len(read) // 2      # the subset covers most real files


# ---- the benchmark's shape: yaml.dump of forms is read by the fast path --------------------

def dumped_forms(seed: int) -> str:
    rng = random.Random(seed)
    words = ["产出指标", "数量指标", "满意度", "≥95%", "=100%", "12个", "及时", "2024", "3.5",
             "“两新”党组织", "a-b", "C#", "x:y", "见附件（第3页）", "100% ", " 前导空格", "it's",
             "第一行\n第二行", "甲\n\n乙", "yes", "~", "null", "", "-1", "#号", "- 列表", "a: b",
             "目标 #1", "'引'", '"双"', "1,401.77", "[方括号]", "{花括号}", "@at", "%pct",
             "𠀀扩展", "很长" * 300]
    def row():
        keys = ["l1", "l2", "name", "target", "basis", "unit", "score", "指标值", "偏差原因"]
        return {k: rng.choice(words) for k in rng.sample(keys, rng.randint(1, len(keys)))}
    forms = [{"kind": rng.choice(["declaration", "self-evaluation"]), "project": rng.choice(words),
              "year": "2024", "goal": rng.choice(words),
              "budget": {"total": "3000000.00", "fiscal": rng.choice(words)},
              "indicators": [row() for _ in range(rng.randint(1, 12))]}
             for _ in range(rng.randint(1, 3))]
    body = forms[0] if len(forms) == 1 and rng.random() < 0.5 else {"forms": forms}
    return "# synthetic\n" + yaml.dump(body, allow_unicode=True, sort_keys=False, width=4096)


@pytest.mark.parametrize("seed", range(40))
def test_benchmark_shaped_files_are_read_by_the_fast_path(seed):
    text = dumped_forms(seed)
    assert same_or_declined(text) or '"' in text   # only double-quoted escapes may decline


def test_the_benchmark_corpus_shape_never_falls_back(monkeypatch, tmp_path):
    plain = random.Random(7)
    forms = {"forms": [{"kind": "declaration", "project": "社区自治管理（0-0）", "year": "2024",
                        "goal": "第一段。\n第二段。", "budget": {"total": "3000000.00"},
                        "indicators": [{"l1": "产出指标", "l2": "数量指标", "name": f"指标{i}",
                                        "target": plain.choice(["15个", "=100%", "及时"])}
                                       for i in range(30)]}]}
    path = tmp_path / "f.yaml"
    path.write_text(yaml.dump(forms, allow_unicode=True, sort_keys=False, width=4096), "utf-8")
    monkeypatch.setattr(yamlform, "compose", lambda text: pytest.fail("fell back to libyaml"))
    document = yamlform.read_yaml(str(path))
    assert document.error is None and len(document.forms[0].rows) == 30


# ---- what the fast reader leaves to libyaml ------------------------------------------------

DECLINED = {
    "tab": "a:\tb\n", "carriage return": "a: b\r\nc: d\r\n", "flow mapping": "a: {b: 1}\n",
    "flow list": "a: [1, 2]\n", "literal block": "a: |\n  x\n", "folded block": "a: >\n  x\n",
    "anchor": "a: &x 1\nb: *x\n", "alias": "a: 1\nb: *x\n", "tag": "a: !!str 1\n",
    "directive": "%YAML 1.1\n---\na: 1\n", "document start": "---\na: 1\n",
    "document end": "a: 1\n...\n", "plain over lines": "a: b\n  c\n",
    "double quoted over lines": 'a: "b\n  c"\n', "escape": 'a: "b\\tc"\n',
    "complex key": "? a\n: b\n", "colon space in a value": "a: b: c\n",
    "indicator first": "a: @b\n", "backquote first": "a: `b`\n", "control character": "a: b\x07\n",
    "BOM": "\ufeffa: 1\n", "odd indentation": "a:\n    b: 1\n  c: 2\n", "NEL": "a: b\x85c\n",
    "line separator": "a: b\u2028c\n", "key over 1000": "k" * 1100 + ": v\n",
    "nested dash": "- - a\n", "bare scalar": "just text\n", "empty": "", "comments only": "# a\n",
    "unclosed quote": "a: 'b\nc: d\n", "indented root": "  a: 1\n",
    "quoted value over unindented lines": "a: 'b\nc'\n",
}


@pytest.mark.parametrize("name", sorted(DECLINED))
def test_constructs_outside_the_subset_decline(name):
    assert fast(DECLINED[name]) is blockyaml.DECLINE
    assert fast(DECLINED[name], yamlform._ROWS) is blockyaml.DECLINE


def test_rows_with_a_list_or_mapping_in_a_field_decline_to_rows_of_maps():
    text = "indicators:\n- name: x\n  target:\n  - 1\n- name: y\n  basis:\n    a: b\n"
    assert fast(text, yamlform._ROWS) is blockyaml.DECLINE
    assert same_or_declined(text)
    assert yamlform.read_string(text).forms[0].rows[0].fields == {"name": "x", "target": None}


@pytest.mark.parametrize("late", ["  - {l1: 产出指标}", "  - [a, b]", "x: |", "x: &a 1", "x: *a",
                                  "x: !!str 1", 'x: "a\\tb"', "[a]"])
def test_what_would_decline_late_declines_before_any_line_is_read(monkeypatch, late):
    """A file read in full and then declined would cost more than libyaml alone. (Not `x: >`:
    forms are full of '>=95%', and a folded block scalar is rare enough to pay for.)"""
    text = "project: p\nindicators:\n" + "  - l1: 产出指标\n    name: 指标\n" * 200 + late + "\n"
    monkeypatch.setattr(blockyaml, "_build", lambda *a: pytest.fail("read before declining"))
    assert fast(text) is blockyaml.DECLINE


def test_limits_hold_on_the_fast_path():
    deep = "".join(" " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 2)) + " " * 70 + "x: 1\n"
    assert fast(deep) is blockyaml.DECLINE
    assert "嵌套超过" in yamlform.read_string(deep).error
    assert blockyaml.compose("a: 1\n" * 100, MAX_DEPTH, 100) is blockyaml.DECLINE


def test_marks_of_empty_values_nested_blocks_and_items_are_libyaml_s():
    text = ("a:\nb: 1\nc:\n  - x\n  -\n  - y: 1\n    z:\n  -   # c\nd:\n- p\n-\n- q: \n"
            "  r: 'a b'   # c\ne: 'x''y'\n中文键: 中文值   \nf: '甲\n\n   乙 '\ng:\n")
    assert same_or_declined(text)
    assert same_or_declined(text.replace("中文", "𠀀😀"))


# ---- generated block-YAML-like texts --------------------------------------------------------

_KEYS = ["a", "name", "l1", "target", "目标值", "指标名称", "三级 指标", "k:v", "C#", "it's", "'q'",
         '"d"', "a b", "中", "𠀀😀", "indicators", "indicators", "指标", "forms", "project", "kind"]
_ODD_KEYS = ["x #y", "-a", "?", "~", "k ", "", "'a''b'", "a::", "&k", "[k]", "k" * 1030]
_VALUES = ["1", "满意", "≥95%", "=100%", "a b", "x:y", "a#c", "'单引'", "'it''s'", "''", '"双引"',
           "'开\n   续'", "'开\n\n  续  \n\n\n   完 '", "~", "null", "😀𠀀", "'a'  # c", "a,b]",
           "declaration", "自评表"]
_ODD_VALUES = ["a: b", "a #c", '"e\\"s"', "'开\n续'", "-1", "- x", "[1]", "{a}", "|", "&a b",
               "*a", "!t v", "`b`", "%p", "@p", "  ", " # c", "'a' b", "值 ", "b:", "\tb",
               "'unclosed", "a\rb", "'a\n\n'", '"多\n  行"', "多\n  行", "\x07", "\u3000全角"]


def pick(draw, good: list[str], odd: list[str]) -> str:
    return draw(st.sampled_from(odd if draw(st.integers(0, 19)) == 0 else good))


@st.composite
def block_texts(draw, form: bool = False) -> str:
    """Mostly valid block YAML (random indentation steps, indentless lists, empty values,
    comments), then now and then one line moved, or replaced by an odd one."""
    lines: list[str] = []

    def scalar() -> str:
        return pick(draw, _VALUES + ["", "", "满意", "12个", "'2024'"], _ODD_VALUES)

    def tail() -> str:
        return draw(st.sampled_from(["", "", "", "  # 注释", " #c", "   "]))

    def mapping(indent: int, depth: int, first: str | None = None) -> None:
        for i in range(draw(st.integers(1, 4))):
            pad = first if i == 0 and first is not None else " " * indent
            key = pick(draw, _KEYS, _ODD_KEYS)
            shape = draw(st.sampled_from(["value"] * 4 + ["map", "list"] * (depth < 3)))
            if shape == "value":
                value = scalar()
                lines.append(pad + key + (": " + value if value else ":") + tail())
            else:
                lines.append(pad + key + ":" + tail())
                step = draw(st.sampled_from([1, 2, 2, 4]))
                if shape == "map":
                    mapping(indent + step, depth + 1)
                else:
                    sequence(indent + draw(st.sampled_from([0, 0, step])), depth + 1)
            if draw(st.integers(0, 5)) == 0:
                lines.append(draw(st.sampled_from(["", "  ", " " * indent + "# 说明: 值"])))

    def sequence(indent: int, depth: int) -> None:
        for _ in range(draw(st.integers(1, 4))):
            pad = " " * indent
            shape = draw(st.sampled_from(["value", "map", "map", "alone"] + ["list"] * (depth < 3)))
            if shape == "value":
                value = scalar()
                lines.append(pad + ("- " + value if value else "-") + tail())
            elif shape == "map":
                gap = draw(st.sampled_from([1, 1, 2, 3]))
                mapping(indent + 1 + gap, depth + 1, first=pad + "-" + " " * gap)
            elif shape == "alone":
                lines.append(pad + "-" + tail())
                if draw(st.booleans()):
                    mapping(indent + draw(st.sampled_from([1, 2, 4])), depth + 1)
            else:
                lines.append(pad + "-" + tail())
                sequence(indent + draw(st.sampled_from([1, 2])), depth + 1)

    if draw(st.booleans()):
        lines.append("# 文件说明")
    if form:                # a form: its rows are read as rows
        lines.extend(["kind: declaration", "project: 项目", "indicators:" + tail()])
        sequence(draw(st.sampled_from([0, 2])), 1)
    else:
        (mapping if draw(st.integers(0, 3)) else sequence)(0, 0)
    if lines and draw(st.integers(0, 4)) == 0:       # one odd line
        i = draw(st.integers(0, len(lines) - 1))
        odd = draw(st.sampled_from(["move", "move", "---", "...", "- - a", "? x", ": y", "a:b",
                                    "a : b", "\tk: v", "k: 'open", "  continued", "[a]"]))
        lines[i] = (" " * draw(st.integers(0, 5)) + lines[i].lstrip(" ")) if odd == "move" else odd
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(block_texts())
def test_generated_texts_read_as_libyaml_reads_them_or_decline(text):
    same_or_declined(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(block_texts(form=True))
def test_generated_forms_read_as_libyaml_reads_them_or_decline(text):
    same_or_declined(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.fixed_dictionaries({}, optional={
    k: st.text(st.sampled_from("产出指标满意度≥%=-:#' \"\n1a"), max_size=12)
    for k in ("l1", "name", "target", "指标值")}), max_size=6))
def test_dumped_rows_read_as_libyaml_reads_them_or_decline(rows):
    same_or_declined(yaml.dump({"project": "p", "indicators": rows}, allow_unicode=True,
                               sort_keys=False, width=4096))
