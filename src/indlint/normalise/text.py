"""Fold any cell's text for analysis: compatibility forms, traditional characters, spacing."""
from __future__ import annotations

import functools
import re
import unicodedata

from indlint.values.lexicons import load_lexicons

_SPACES = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")


@functools.cache
def _simplified() -> dict[int, int]:
    """產 → 产: the traditional forms of rules/lexicons/variants.yaml, as a translation table."""
    variants = load_lexicons().variants
    return str.maketrans(variants["traditional"], variants["simplified"])


def fold(text: str | None) -> str:
    """NFKC (full-width → half-width), traditional → simplified; spacing kept as written."""
    return unicodedata.normalize("NFKC", text or "").translate(_simplified())


def squeeze(text: str | None) -> str:
    """fold() with every space, line break and zero-width mark removed (level cells, keys)."""
    return _SPACES.sub("", fold(text))
