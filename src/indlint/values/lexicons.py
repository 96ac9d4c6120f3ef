"""Load the word lists of rules/lexicons/*.yaml into one frozen object."""
from __future__ import annotations

import functools
from types import MappingProxyType
from typing import Mapping, NamedTuple

from indlint.core import resources
from indlint.core.bundle import packaged_json
from indlint.core.safeio import load_yaml
from indlint.values.units import Units

LEXICON_FILES = ("units", "levels", "names", "vocabulary", "variants")


class Lexicons(NamedTuple):
    """All lexicons: ``units`` as a Units object, the rest as read from YAML."""

    units: Units
    levels: Mapping
    names: Mapping
    vocabulary: Mapping
    variants: Mapping

    def words(self, ref: str) -> tuple[str, ...]:
        """Resolve a ``file.key`` reference (``names.rate_suffixes``) to its word list."""
        file, _, key = ref.partition(".")
        table = getattr(self, file, None)
        if not isinstance(table, Mapping) or key not in table:
            raise KeyError(ref)
        return tuple(str(w) for w in table[key])


@functools.cache
def load_lexicons() -> Lexicons:
    """Read the packaged lexicons (from the shipped bundle when they are unchanged)."""
    folder = resources.data_root("rules") / "lexicons"
    files = [folder / f"{name}.yaml" for name in LEXICON_FILES]
    data = packaged_json("lexicons", files, lambda: {
        name: load_yaml(resources.read_text("rules", "lexicons", f"{name}.yaml"),
                        f"rules/lexicons/{name}.yaml")
        for name in LEXICON_FILES}, keys=LEXICON_FILES)
    return Lexicons(units=Units.from_data(data["units"]),
                    levels=MappingProxyType(data["levels"]),
                    names=MappingProxyType(data["names"]),
                    vocabulary=MappingProxyType(data["vocabulary"]),
                    variants=MappingProxyType(data["variants"]))
