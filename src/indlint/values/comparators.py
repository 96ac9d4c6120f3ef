"""Load the comparator vocabulary (rules/lexicons/comparators.yaml) and fill the grammar with it.

This is the one place that knows comparator spellings: the grammar's comparator terminals,
the parser's meanings and notes, the 指标性质 column, `indlint fix` and the rewritten target
of a comparator-direction message all read them from here (tests/test_vocabulary.py).
"""
from __future__ import annotations

import functools
import re
from types import MappingProxyType
from typing import Mapping, NamedTuple

from indlint.core import resources
from indlint.core.bundle import packaged_json

FILE = "comparators.yaml"
KEYS = ("canonical", "signs", "folded", "before", "after", "after_at_end", "rewrite", "flip")
#: Placeholders in grammar/target.lark, each replaced by generated grammar text.
_SLOT = re.compile(r"\{\{([A-Z_]+)\}\}")
# Characters that need a backslash inside a regular-expression character class.
_CLASS_SPECIAL = re.compile(r"([\\\]\[^-])")


class Comparators(NamedTuple):
    """Every comparator form and the canonical sign it means."""

    canonical: tuple[str, ...]
    signs: tuple[str, ...]                  # as the grammar sees them (after NFKC)
    before: tuple[str, ...]                 # words before the number
    after: tuple[str, ...]                  # words after the number
    after_at_end: frozenset[str]
    meaning: Mapping[str, str]              # sign or word → canonical sign
    sign_notes: Mapping[str, str]           # sign → "ascii" or "odd"
    nature: frozenset[str]                  # forms a 指标性质 cell may hold
    rewrite: tuple[tuple[str, tuple[str, ...]], ...]   # canonical sign → forms fix rewrites
    flip: tuple[str, ...]

    @classmethod
    def from_data(cls, data: dict) -> Comparators:
        """Build from the parsed comparators.yaml."""
        signs = {str(s["form"]): s for s in data["signs"]}
        before = {str(k): str(v) for k, v in data["before"].items()}
        after = {str(k): str(v) for k, v in data["after"].items()}
        folded = {str(k): str(v) for k, v in data["folded"].items()}
        meaning = {**{f: str(s["means"]) for f, s in signs.items()}, **before, **after}
        rewrite: dict[str, list[str]] = {}
        for form in map(str, data["rewrite"]):
            rewrite.setdefault(meaning[folded.get(form, form)], []).append(form)
        return cls(canonical=tuple(map(str, data["canonical"])), signs=tuple(signs),
                   before=tuple(before), after=tuple(after),
                   after_at_end=frozenset(map(str, data["after_at_end"])),
                   meaning=MappingProxyType(meaning),
                   sign_notes=MappingProxyType({f: str(s["note"]) for f, s in signs.items()
                                                if s.get("note")}),
                   nature=frozenset(signs) | frozenset(folded),
                   rewrite=tuple((sign, tuple(forms)) for sign, forms in rewrite.items()),
                   flip=tuple(map(str, data["flip"])))

    def sign_chars(self) -> str:
        """Every character of a sign form, once each (what a unit or a phrase cannot hold)."""
        return "".join(dict.fromkeys("".join(self.signs)))

    def sign_class(self) -> str:
        """A regular-expression character class of every sign character: ``[>=<≥≤…]``."""
        return "[" + _CLASS_SPECIAL.sub(r"\\\1", self.sign_chars()) + "]"

    def grammar_slots(self) -> dict[str, str]:
        """The generated text for each placeholder of grammar/target.lark."""
        after = [f"/{re.escape(w)}$/" if w in self.after_at_end else _literal(w)
                 for w in self.after]
        return {
            "CMP": " | ".join(map(_literal, self.signs)),
            "CMP_WORD": " | ".join(map(_literal, self.before)),
            "POST_CMP": " | ".join(after),
            "POST_CMP_AHEAD": "|".join(re.escape(w) + ("$" if w in self.after_at_end else "")
                                       for w in self.after),
            "CMP_CHARS": self.sign_class()[1:-1],
        }

    def fill_grammar(self, template: str) -> str:
        """The grammar with its comparator placeholders filled in (an unknown one is an error)."""
        slots = self.grammar_slots()
        return _SLOT.sub(lambda m: slots[m.group(1)], template)


def _literal(word: str) -> str:
    if '"' in word or "\\" in word:
        raise ValueError(f"comparator form {word!r} cannot be a grammar literal")
    return f'"{word}"'


@functools.lru_cache(maxsize=None)
def load_comparators() -> Comparators:
    """Read the packaged comparator vocabulary (from the shipped bundle when unchanged)."""
    path = resources.data_root("rules") / "lexicons" / FILE

    def build() -> dict:
        import yaml     # only when the bundle is stale

        return yaml.load(resources.read_text("rules", "lexicons", FILE),
                         Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))

    return Comparators.from_data(packaged_json("comparators", [path], build, keys=KEYS))


def grammar_text() -> str:
    """grammar/target.lark with its comparator terminals generated from the vocabulary."""
    return load_comparators().fill_grammar(resources.read_text("grammar", "target.lark"))
