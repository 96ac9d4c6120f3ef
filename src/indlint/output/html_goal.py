"""Mark the quantities a form's overall goal promises, and whether an indicator measures each."""
from __future__ import annotations

import re
from dataclasses import dataclass

from indlint.core.model import Form
from indlint.judge.analysis import Analysers, RowFacts
from indlint.judge.goals import measured, promises

UNMEASURED_TITLE = "没有指标衡量此数量"
MEASURED_TITLE = "已有指标衡量此数量"


@dataclass(frozen=True)
class Piece:
    """A stretch of the goal text; a promised quantity carries the class and title of its mark."""

    text: str
    cls: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Goal:
    """The goal text cut into pieces, and whether any promise was found (the legend shows then)."""

    pieces: tuple[Piece, ...]
    promised: bool


def goal(form: Form, tools: Analysers) -> Goal | None:
    """The form's overall goal with its promises marked; None when the goal is blank."""
    text = str(form.meta.get("goal") or "")
    if not text.strip():
        return None
    rows = tuple(RowFacts(r, form, tools) for r in form.rows)
    found = promises(text, tools.lexicons.units, tools.lexicons.vocabulary["place_nouns"])
    return Goal(mark_promises(text, found, rows), bool(found))


def mark_promises(text: str, found, rows) -> tuple[Piece, ...]:
    """Cut the goal at each promised quantity, in order of appearance."""
    out, cursor = [], 0
    for p in found:
        match = re.compile(re.escape(p.number) + r"\s*" + re.escape(p.unit)).search(text, cursor)
        if match is None:
            continue
        ok = measured(p, rows)
        cls, title = ("promise", MEASURED_TITLE) if ok else ("promise unmeasured", UNMEASURED_TITLE)
        out.append(Piece(text[cursor:match.start()]))
        out.append(Piece(match.group(), cls, title))
        cursor = match.end()
    out.append(Piece(text[cursor:]))
    return tuple(out)
