"""Reduce a 三级指标 cell to the name it states, and lift the unit or hint a template put there.

labelling.md "Real-world template variants": marks of importance (★, *) and numbering (指标1:,
1、) before a name are not part of it; a plain unit in the name's trailing parentheses
(实施营造林总面积(亩)) is the row's unit; a template hint (苗木成活率(≥**%), 排污沟(≥米)) is the
template's instruction and supplies no unit.
"""
from __future__ import annotations

import functools
import re
from typing import NamedTuple

from indlint.normalise.text import fold
from indlint.values.comparators import load_comparators
from indlint.values.units import Units

MAX_NAME_CHARS = 200
_QUOTES = re.compile(r"[\s\"'“”‘’「」『』\u200b\ufeff]")
# Numbering and marks before a name: 指标1: / 指标1 / 1、 / 1. / (1) / （一） / ① / 一、 / ★ / *.
_PREFIX = re.compile(r"^(?:[*★☆※]+|指标\s*\d+\s*[:.、]?|\d{1,2}(?:[、]|[.](?!\d))|"
                     r"\(\s*[\d一二三四五六七八九十]{1,2}\s*\)|[\u2460-\u2473]|"
                     r"[一二三四五六七八九十]{1,2}、)+")
_TRAILING = re.compile(r"[(\[【]([^()\[\]【】]{1,40})[)\]】]$")
_UNIT_MARK = re.compile(r"^(?:单位|计量单位|度量单位)?[:：]?\s*(.+)$")
# A unit sign written after the name (not after a number: 合格率100% holds its own target).
_TRAILING_SIGN = re.compile(r"(?<![\d.])[%‰]$")
# A template's hint in a name's trailing parentheses: a comparator sign, stars or xx.
_HINT = re.compile(load_comparators().sign_class() + r"|\*|x{2}|X{2}")


class NameCell(NamedTuple):
    """A folded name: ``text`` as compared, ``core`` without its trailing parenthesis."""

    text: str
    core: str
    unit: str | None = None     # 亩 in 实施营造林总面积(亩)
    hint: str | None = None     # ≥**% in 苗木成活率(≥**%)


@functools.lru_cache(maxsize=8192)      # names repeat on every form of a project
def clean_name(name: str | None) -> str:
    """Fold a name for comparison: NFKC, simplified, no spaces or quotes, no numbering or marks."""
    # A name is a phrase; 200 characters is far beyond any real one and bounds the work.
    text = _QUOTES.sub("", fold((name or "")[:MAX_NAME_CHARS]))
    return _PREFIX.sub("", text).rstrip("。.;；,，")


def read_name(name: str | None, units: Units) -> NameCell:
    """Split a name into what it measures and the unit or hint in its trailing parentheses."""
    text = clean_name(name)
    bare = _TRAILING_SIGN.sub("", text)
    if bare != text and bare:
        # 各项工作完成及时率% / 服务对象满意度%: a unit sign after the name is the row's unit.
        return NameCell(text, bare, unit=units.normalise(text[len(bare):]))
    match = _TRAILING.search(text)
    if not match:
        return NameCell(text, text)
    inner, core = match.group(1), text[:match.start()] or text
    if _HINT.search(inner):
        return NameCell(text, core, hint=inner)
    unit = _UNIT_MARK.match(inner).group(1)
    if units.is_known(unit) and len(unit) <= 6:
        return NameCell(text, core, unit=units.normalise(unit))
    return NameCell(text, core)
