"""`indlint fix`: notation only, every other byte kept, verified by reading the result again."""
from __future__ import annotations

import pytest

from indlint.app.fix import fix_file, normalise_notation, write_fix
from indlint.values.lexicons import load_lexicons
from indlint.values.parse import ValueParser
from indlint.read.files import read_path

FORM = """# 申报表（注释要保留）
project: 测试项目   # 行尾注释
year: 2026
indicators:
  - {l1: 产出指标, l2: 数量指标, name: 聘用社工人数, target: "≥236.00(人)"}
  - l1: 产出指标
    l2: 质量指标
    name: 验收合格率
    target: '>=95.50%'    # 注释
  - {l1: 产出指标, l2: 质量指标, name: 报告合格率, target: ≥100百分比}
  - {l1: 效益指标, l2: 社会效益指标, name: 社区公共服务能力, target: 提升}
"""


@pytest.fixture(scope="module")
def parser():
    return ValueParser(load_lexicons().units)


@pytest.mark.parametrize("raw,fixed", [
    (">=95%", "≥95%"), ("≥236.00(人)", "≥236人"), ("=100.00(%)", "=100%"), ("≦1000元/人", "≤1000元/人"),
    ("≥100百分比", "≥100%"), ("95.50%", "95.5%"), ("提升", "提升"), ("2026年6月30日前", "2026年6月30日前"),
])
def test_normalise_notation(raw, fixed):
    assert normalise_notation(raw) == fixed


def test_fix_keeps_every_other_byte(tmp_path, parser):
    path = tmp_path / "form.yaml"
    path.write_text(FORM, encoding="utf-8")
    result = fix_file(str(path), parser)
    assert result.error is None and result.changes == 3
    expected = (FORM.replace('"≥236.00(人)"', '"≥236人"').replace("'>=95.50%'", "'≥95.5%'")
                .replace("≥100百分比", "≥100%"))
    assert result.new == expected
    assert "-    target: '>=95.50%'" in result.diff()
    assert path.read_text(encoding="utf-8") == FORM          # nothing written yet
    write_fix(result)
    assert path.read_text(encoding="utf-8") == expected
    again = fix_file(str(path), parser)
    assert again.new is None and again.changes == 0          # idempotent


def test_fix_keeps_gbk_encoding(tmp_path, parser):
    path = tmp_path / "gbk.yaml"
    path.write_bytes(FORM.encode("gbk"))
    result = fix_file(str(path), parser)
    write_fix(result)
    assert read_path(str(path)).encoding == "gb18030"
    assert "≥236人" in path.read_bytes().decode("gbk")


def test_fix_refuses_what_it_cannot_read(tmp_path, parser):
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [\n", encoding="utf-8")
    assert fix_file(str(bad), parser).error
    assert fix_file(str(tmp_path / "x.xlsx"), parser).error
