"""The score of one form, item by item, with the deductions that make up each item's lost points."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ScoreItem:
    """One rubric line: its code, what it scores, the points got and why points were lost."""

    code: str
    label: str
    maximum: Decimal
    got: Decimal
    deductions: tuple[str, ...]


@dataclass(frozen=True)
class ReviewScore:
    """The score of one form: the 申报 rubric (项目绩效, 20 points) or a 自评表's recomputed 总分."""

    form: int
    project: str
    kind: str
    items: tuple[ScoreItem, ...]
    title: str = "项目绩效评分"          # what is scored: the 申报 rubric, or a 自评表's own total
    stated: Decimal | None = None      # a self-evaluation's stated 总分, set against the total

    @property
    def total(self) -> Decimal:
        """Points got."""
        return sum((i.got for i in self.items), Decimal(0))

    @property
    def maximum(self) -> Decimal:
        """The most points the items allow."""
        return sum((i.maximum for i in self.items), Decimal(0))
