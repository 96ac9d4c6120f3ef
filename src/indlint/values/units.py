"""Units and their kinds, read from rules/lexicons/units.yaml."""
from __future__ import annotations

import re
from decimal import Decimal
from types import MappingProxyType
from typing import Mapping, NamedTuple

from indlint.values.values import UnitKind

_COMPOUND = re.compile(r"[/／·*×]")


class Units(NamedTuple):
    """Look up the kind of a unit; normalise its spelling."""

    kinds: Mapping[str, UnitKind]
    aliases: Mapping[str, str]
    scale_prefixes: tuple[str, ...]
    scale_factors: Mapping[str, Decimal]

    @classmethod
    def from_data(cls, data: dict) -> Units:
        """Build from the parsed units.yaml (the first kind that lists a unit wins)."""
        kinds: dict[str, UnitKind] = {}
        for kind, names in data["kinds"].items():
            for name in names:
                kinds.setdefault(str(name), UnitKind(kind))
        scales = data.get("scale_prefixes", {})
        prefixes = sorted(map(str, scales), key=len, reverse=True)
        factors = {str(k): Decimal(str(v)) for k, v in scales.items()} if isinstance(scales, dict) else {}
        return cls(MappingProxyType(kinds), MappingProxyType(dict(data.get("aliases", {}))),
                   tuple(prefixes), MappingProxyType(factors))

    def normalise(self, unit: str) -> str:
        """Spell a unit the usual way (百分比 → %, 平米 → 平方米)."""
        return self.aliases.get(unit, unit)

    def kind_of(self, unit: str | None) -> UnitKind | None:
        """Return the kind of a unit, OTHER when unknown, None for no unit."""
        if not unit:
            return None
        unit = self.normalise(unit)
        if unit in self.kinds:
            return self.kinds[unit]
        if _COMPOUND.search(unit):
            return self._compound_kind(unit)
        return self._scaled_kind(unit)

    def plain(self, number: Decimal, unit: str | None) -> Decimal:
        """The number in the unit's base: 6 万人 → 60000 (人); other units unchanged."""
        unit = self.normalise(unit or "")
        if unit in self.kinds:
            return number
        prefix = next((p for p in self.scale_prefixes if unit.startswith(p) and unit[len(p):]), "")
        return number * self.scale_factors.get(prefix, Decimal(1))

    def is_known(self, unit: str) -> bool:
        """Whether the lexicon knows this unit (directly, scaled or compound)."""
        return self.kind_of(unit) not in (None, UnitKind.OTHER)

    def _scaled_kind(self, unit: str) -> UnitKind:
        for prefix in self.scale_prefixes:
            base = unit[len(prefix):]
            if unit.startswith(prefix) and base in self.kinds:
                return self.kinds[base]
        if unit.startswith("个") and unit[1:] in self.kinds:
            return self.kinds[unit[1:]]
        return UnitKind.OTHER

    def _compound_kind(self, unit: str) -> UnitKind:
        # 元/人·月 is money per person per month: a unit cost. 次/月 counts events.
        head = _COMPOUND.split(unit, maxsplit=1)[0]
        kind = self.kind_of(head) if head else None
        if kind is UnitKind.MONEY:
            return UnitKind.UNIT_COST
        return kind or UnitKind.OTHER
