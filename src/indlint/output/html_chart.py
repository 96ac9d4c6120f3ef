"""The report's bar chart of findings per category, laid out as SVG geometry for the template."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from indlint.core.model import Finding
from indlint.output.html_view import SEVERITIES, SEVERITY_ZH

_BAR_H, _BAR_GAP, _BAR_W, _TOP = 20, 8, 760, 4
_SEV_FILL = {"error": "#c0392b", "warning": "#d69e2e", "info": "#4a90d9"}


@dataclass(frozen=True)
class Segment:
    """One severity's part of a bar."""

    x: float
    width: float
    fill: str
    severity: str                 # Chinese name, for the tooltip
    count: int


@dataclass(frozen=True)
class Bar:
    """One category's row: its label at the left, its segments, its total after them."""

    category: str                 # the category key, the row's tooltip
    name: str                     # the category's Chinese name, the row's label
    label_x: int
    y: int
    text_y: int
    segments: tuple[Segment, ...]
    total_x: float
    total: int


@dataclass(frozen=True)
class Chart:
    """The whole picture: its size and one bar per category, most findings first."""

    width: int
    height: int
    bar_height: int
    bars: tuple[Bar, ...]


def chart(findings: Iterable[Finding], categories: dict[str, str]) -> Chart | None:
    """Lay out the chart; None when there is nothing to count."""
    tally = _by_category(findings)
    if not tally:
        return None
    label_w = max(_text_width(categories.get(k, k)) for k, _ in tally) + 24
    biggest = max(sum(c.values()) for _, c in tally)
    height = _TOP * 2 + len(tally) * (_BAR_H + _BAR_GAP)
    bars = tuple(_bar(i, k, c, label_w, biggest, categories) for i, (k, c) in enumerate(tally))
    return Chart(label_w + _BAR_W + 60, height, _BAR_H, bars)


def legend() -> list[tuple[str, str]]:
    """(severity, Chinese name) in the order the bars stack them."""
    return [(k, SEVERITY_ZH[k]) for k in SEVERITIES]


def _by_category(findings) -> list[tuple[str, dict[str, int]]]:
    tally: dict[str, dict[str, int]] = {}
    for f in findings:
        tally.setdefault(f.category, dict.fromkeys(SEVERITIES, 0))[f.severity.value] += 1
    return sorted(tally.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))


def _bar(i: int, category: str, c: dict[str, int], label_w: int, biggest: int,
         categories) -> Bar:
    y = _TOP + i * (_BAR_H + _BAR_GAP)
    segments, x = [], label_w
    for sev in SEVERITIES:
        w = round(c[sev] * _BAR_W / biggest, 1)
        if w:
            segments.append(Segment(x, w, _SEV_FILL[sev], SEVERITY_ZH[sev], c[sev]))
            x = round(x + w, 1)
    return Bar(category, categories.get(category, category), label_w - 12, y, y + 15,
               tuple(segments), x + 8, sum(c.values()))


def _text_width(text: str) -> int:
    """Rough width in pixels of 13px text: CJK characters are square, others half as wide."""
    return sum(13 if ord(ch) > 0x2E80 else 7 for ch in text)
