"""indlint: a rules-as-data linter for 绩效目标申报表 / 绩效自评表 indicator tables."""

__version__ = "0.2.0"
