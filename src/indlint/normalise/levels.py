"""Reduce a 一级 / 二级指标 cell to its class name, whatever the template wrote around it.

labelling.md "Levels" and "Real-world template variants": spaces, score bands (产出指标(50分)),
template notes (数量指标 (必填硬性指标), 质量指标（必填）, 数量指标(或建筑规模指标)), marks of
importance (数量指标*), a trailing 等 and traditional characters are not part of the class.
"""
from __future__ import annotations

import re

from indlint.normalise.text import squeeze

# A score band: 产出指标(50分), 效益指标 30分), 成本指标(0-20)分, 产出指标 (40-50)分.
_SCORE_BAND = re.compile(r"[(（]?\s*[\d.\-~—]+\s*分?\s*[)）]?\s*分?")
# A parenthesised note after the class name (notes are short; the bound keeps this linear).
_NOTE = re.compile(r"[(（\[【][^()（）\[\]【】]{0,40}[)）\]】]")
_MARKS = "*＊★☆※"


def clean_level(text: str | None) -> str:
    """Fold a level cell to the class name it states ('' when it states none)."""
    folded = _SCORE_BAND.sub("", squeeze(text))
    bare = _NOTE.sub("", folded).strip(_MARKS)
    # A cell that is nothing but a note keeps it: "(50分)" alone names no class (a label).
    folded = bare or folded
    return folded.rstrip("等:：").strip()
