"""Kind ``lexical``: a text field matches (or must not match) lexicon words."""
from __future__ import annotations

import re

from indlint.judge.analysis import RowFacts
from indlint.normalise.names import clean_name
from indlint.judge.kinds.base import Hit, ParamError, RowKind, take

MODES = ("prefix", "suffix", "contains", "equals")


class Lexical(RowKind):
    """Fire when ``field`` matches ``words`` (a lexicon reference or a list) in ``mode``.

    With ``absent: true`` it fires when the field matches none of them instead.
    """

    fields = ("matched",)

    def __init__(self, params: dict, lexicons):
        p = take(params, ["field", "mode", "words"], ["absent"])
        if not isinstance(p.get("absent", False), bool):
            raise ParamError("absent 应为 true 或 false")
        self.absent = p.get("absent", False)
        if p["mode"] not in MODES:
            raise ParamError(f"mode 应为 {', '.join(MODES)} 之一")
        words = p["words"]
        try:
            self.words = lexicons.words(words) if isinstance(words, str) else tuple(map(str, words))
        except KeyError:
            raise ParamError(f"未知词表 {words}") from None
        self.field, self.mode = p["field"], p["mode"]
        self._any = _any_test(self.mode, self.words)

    def check_row(self, facts: RowFacts) -> Hit | None:
        # The name as analysed (its unit or hint in trailing parentheses set aside: 观众人数(人次)
        # ends in 人数); other fields folded the same way.
        text = facts.name.core if self.field == "name" else clean_name(facts.row.get(self.field))
        # Most rows match no word: one test in C first, then the first word in the list's order
        # (the message names it).
        matched = next((w for w in self.words if _matches(self.mode, text, w)), None) \
            if self._any(text) else None
        if self.absent:
            return Hit(self.field) if matched is None else None
        return None if matched is None else Hit(self.field, {"matched": matched})


def _any_test(mode: str, words: tuple[str, ...]):
    """Whether a text matches any of the words in this mode (one call, no loop in Python)."""
    if mode == "prefix":
        return lambda text: text.startswith(words)
    if mode == "suffix":
        return lambda text: text.endswith(words)
    if mode == "equals":
        found = frozenset(words)
        return lambda text: text in found
    if "" in words:
        return lambda text: True
    if not words:
        return lambda text: False
    search = None

    def contains(text: str) -> bool:
        # Compiled on first use: a run whose rows never reach this rule (a cold start on one
        # form) does not pay for the alternation (a few hundred µs for a long list).
        nonlocal search
        if search is None:
            search = re.compile("|".join(map(re.escape, words))).search
        return search(text) is not None
    return contains


def _matches(mode: str, text: str, word: str) -> bool:
    if mode == "prefix":
        return text.startswith(word)
    if mode == "suffix":
        return text.endswith(word)
    if mode == "contains":
        return word in text
    return text == word
