"""Notation a reviewer normalises without changing meaning: >= → ≥, 236.00(人) → 236人, 百分比 → %."""
from __future__ import annotations

import functools
import re

from indlint.values.comparators import load_comparators

_ZEROS = re.compile(r"(\d+)\.(\d*?)0+(?!\d)")
_PAREN = re.compile(r"(?<=\d)\s*[(（]\s*([^()（）]{1,12}?)\s*[)）]")


@functools.lru_cache(maxsize=4096)      # a target's notation is normalised once per string
def normalise_notation(raw: str) -> str:
    """The value with its notation normalised (the meaning is checked by the caller)."""
    text = raw
    for pattern, sign in _comparator_rewrites():
        text = pattern.sub(lambda m: m.group(1) + sign, text, count=1)
    text = _ZEROS.sub(lambda m: m.group(1) + ("." + m.group(2) if m.group(2) else ""), text)
    text = _PAREN.sub(lambda m: m.group(1), text)
    return text.replace("百分比", "%")


@functools.lru_cache(maxsize=None)
def _comparator_rewrites() -> tuple[tuple[re.Pattern, str], ...]:
    """One pattern per sign: the forms fix rewrites to it, at the start of a value."""
    return tuple((re.compile(r"^(\s*)(?:%s)" % "|".join(map(re.escape, forms))), sign)
                 for sign, forms in load_comparators().rewrite)
