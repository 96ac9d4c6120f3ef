"""Judge 一级 / 二级指标 classes (as normalise/levels.py reads them) against a profile's frameworks."""
from __future__ import annotations

from typing import NamedTuple

from indlint.core.cache import remember
from indlint.normalise.levels import clean_level
from indlint.values.lexicons import Lexicons

class Levels(NamedTuple):
    """How a row's l1 and l2 read: canonical names and a verdict for each."""

    l1: str            # cleaned l1
    l2: str            # cleaned l2, aliases resolved
    l1_status: str     # known | tolerated | unknown | blank
    l2_status: str     # allowed | tolerated | mismatch | blank


class LevelJudge:
    """Judge levels under the frameworks a profile accepts (both by default)."""

    def __init__(self, lexicons: Lexicons, frameworks: tuple[str, ...]):
        data = lexicons.levels
        self._l1 = frozenset(data["l1"])
        self._allowed: dict[str, set[str]] = {}
        for name in frameworks:
            for l1, l2s in data["frameworks"][name].items():
                self._allowed.setdefault(l1, set()).update(l2s)
        self._every_l2 = frozenset(c for s in self._allowed.values() for c in s)
        self._aliases = dict(data["l2_aliases"])
        self._tolerated_l1 = dict(data["l1_tolerated"])
        self._prefixes = tuple(data["l1_tolerated_prefixes"])
        self._endings = tuple(data["l2_tolerated_endings"])
        self._tolerated_l2 = frozenset(data["l2_tolerated"])
        self._cache: dict[tuple, Levels] = {}

    def judge(self, l1: str | None, l2: str | None) -> Levels:
        """Return the Levels of one row (cached: a table repeats a handful of level pairs)."""
        return remember(self._cache, (l1, l2), lambda: self._judge(l1, l2))

    def _judge(self, l1: str | None, l2: str | None) -> Levels:
        c1, c2 = clean_level(l1), self._canonical_l2(clean_level(l2))
        s1 = self._l1_status(c1)
        return Levels(self._canonical_l1(c1, s1), c2, s1, self._l2_status(c1, s1, c2))

    def _canonical_l1(self, l1: str, status: str) -> str:
        """项目效益指标 and 效果指标 stand for 效益指标 (tolerated: read as the class, never reported)."""
        if status != "tolerated":
            return l1
        if l1 in self._tolerated_l1:
            return self._tolerated_l1[l1]
        return next((l1[len(p):] for p in self._prefixes if l1.startswith(p)), l1)

    def _canonical_l2(self, l2: str) -> str:
        l2 = self._aliases.get(l2, l2)
        if l2 and not l2.endswith("指标") and l2 + "指标" in self._every_l2:
            return l2 + "指标"      # 社会效益 = 社会效益指标 (domain-rules.md §1.3)
        return l2

    def _l1_status(self, l1: str) -> str:
        if not l1:
            return "blank"
        if l1 in self._l1:
            return "known"
        if l1 in self._tolerated_l1 or any(
                l1.startswith(p) and l1[len(p):] in self._l1 for p in self._prefixes):
            return "tolerated"
        return "unknown"

    def _l2_status(self, l1: str, status: str, l2: str) -> str:
        if not l2:
            return "blank"
        if status == "known":
            if l2 in self._allowed.get(l1, ()):
                return "allowed"
            # 满意度指标 repeated as the l2 is tolerated only where the l1 is no standard name
            # either (labelling.md "Levels": the maybe belongs to the unknown-l1 case).
            if l2 in self._tolerated_l2:
                return "mismatch"
            return "tolerated" if self._right_stem(l2, self._allowed.get(l1, ())) else "mismatch"
        # Under an unknown l1, only an l2 that is no class anywhere is wrong (labelling.md).
        if l2 in self._every_l2 or self._right_stem(l2, self._every_l2):
            return "allowed" if l2 in self._every_l2 else "tolerated"
        return "mismatch"

    def _right_stem(self, l2: str, classes) -> bool:
        """数量目标 / 数量值 / 满意度指标 for 服务对象满意度指标: the stem is right."""
        if l2 in self._tolerated_l2:
            return True
        stem = next((l2[:-len(e)] for e in self._endings if l2.endswith(e)), None)
        return bool(stem) and any(c.removesuffix("指标") == stem for c in classes)
