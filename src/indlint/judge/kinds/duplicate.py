"""Kind ``duplicate``: the same indicator appears earlier in the form (the later row is reported)."""
from __future__ import annotations

import functools
import re
from typing import Iterable

from indlint.normalise.names import clean_name
from indlint.judge.kinds.base import FormFacts, FormKind, Hit, take

_PUNCT = re.compile(r"[\s\W_]+")


@functools.lru_cache(maxsize=8192)
def duplicate_key(name: str) -> str:
    """Fold a name as labelling.md says: no 的, spaces, punctuation or ``指标N:``; 数量 = 数."""
    text = _PUNCT.sub("", clean_name(name).replace("的", ""))
    return text.replace("数量", "数")


class Duplicate(FormKind):
    """Fire on each row whose folded ``field`` equals an earlier row's."""

    fields = ("first_row",)

    def __init__(self, params: dict):
        self.field = take(params, [], ["field"]).get("field", "name")

    def check_form(self, facts: FormFacts) -> Iterable[Hit]:
        seen: dict[str, int] = {}
        for rf in facts.rows:
            key = duplicate_key(rf.row.get(self.field))
            if not key:
                continue
            if key in seen:
                yield Hit(self.field, {"first_row": seen[key]}, row=rf.row.index)
            else:
                seen[key] = rf.row.index
