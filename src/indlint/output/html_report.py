"""Render documents and their findings as one self-contained HTML report for reviewers.

The page is templates/report.html.j2 with its stylesheet report.css and its one script
report.js, rendered by Jinja2 with autoescaping. Jinja2 is imported only here, when a report is
written, so that `indlint check` does not pay for it at start-up.
"""
from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from html import escape
from importlib.resources import files
from typing import TYPE_CHECKING, Iterable

from indlint import __version__
from indlint.core.moment import run_moment
from indlint.judge.analysis import Analysers
from indlint.output.html_chart import chart, legend
from indlint.output.html_goal import goal
from indlint.output.html_view import (SEVERITIES, SEVERITY_ZH, STYLE, Entry, counts,
                                      level_spans, number, views)

if TYPE_CHECKING:
    import jinja2

__all__ = ["render_report", "level_spans", "script_hash", "content_security_policy"]

TITLE = "指标质量审核报告"
_TEMPLATES = files("indlint.output") / "templates"


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    """The text of a shipped file under templates/, exactly as it goes into the page."""
    return (_TEMPLATES / name).read_bytes().decode("utf-8")


def script_hash() -> str:
    """The CSP source for the report's script: 'sha256-<base64 digest>' of report.js's bytes."""
    digest = hashlib.sha256((_TEMPLATES / "report.js").read_bytes()).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def content_security_policy() -> str:
    """The report's CSP: nothing may load; only the sorting script may run."""
    return (f"default-src 'none'; script-src '{script_hash()}'; style-src 'unsafe-inline'; "
            "img-src data:")


def render_report(entries: Iterable[Entry], tools: Analysers | None = None,
                  categories: dict[str, str] | None = None,
                  bases: dict[str, str] | None = None,
                  skipped: Iterable[tuple[str, str]] = ()) -> str:
    """Return the whole report as one self-contained HTML document (skipped: (path, why))."""
    from markupsafe import Markup

    entries = [(p, d, tuple(f)) for p, d, f in entries]
    tools = tools or _default_tools()
    categories = categories if categories is not None else _category_names()
    forms, problems = views(entries, tools)
    findings = [f for _, _, fs in entries for f in fs]
    problems_only = [f for f in findings if f.category != STYLE]
    return _environment().get_template("report.html.j2").render(
        title=TITLE, csp=Markup(content_security_policy()),
        css=Markup(asset("report.css")), script=Markup(asset("report.js")),
        totals=_totals(entries, findings), forms=forms, problems=problems,
        chart=chart(problems_only, categories), legend=legend(), categories=categories,
        style_count=len(findings) - len(problems_only),
        bases=bases if bases is not None else rule_bases(),
        version=__version__, run_date=run_date(),
        goals={v.number: goal(v.form, tools) for v in forms},
        severities=SEVERITIES, severity_zh=SEVERITY_ZH, skipped=tuple(skipped))


def run_date() -> str:
    """The run's date: from SOURCE_DATE_EPOCH when set (reproducible output), else today (UTC)."""
    moment = run_moment()
    return moment.strftime("%Y-%m-%d")


def rule_bases() -> dict[str, str]:
    """Each rule's public basis (its source:), for the report to show beside its findings."""
    from indlint.judge.rules import RuleError, load_rules
    from indlint.output.docs import bases_of
    from indlint.values.lexicons import load_lexicons

    try:
        rules = load_rules(load_lexicons()).rules.values()
    except RuleError:
        return {}
    return bases_of(rules)


def _totals(entries, findings) -> dict[str, int]:
    forms = [f for _, d, _ in entries for f in d.forms]
    return {"files": len(entries), "forms": len(forms), "rows": sum(len(f.rows) for f in forms),
            **counts(findings)}


@lru_cache(maxsize=1)
def _environment() -> "jinja2.Environment":
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("indlint.output", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, finalize=_escape,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["number"] = number
    return env


def _escape(value):
    """Escape as html.escape does (&quot; and &#x27;), before autoescape sees the value.

    Autoescaping stays on: this runs on every {{ }} value, and what it returns is marked safe
    so that Jinja's own escaping (&#34;, &#39;) does not apply a second time. The report's
    bytes thereby stay those of the earlier hand-escaped report.
    """
    from markupsafe import Markup

    if isinstance(value, Markup):
        return value
    return Markup(escape(str(value)))


def _default_tools() -> Analysers:
    from indlint.judge.engine import build_linter
    return build_linter().tools


def _category_names() -> dict[str, str]:
    from indlint.judge.rules import load_categories
    return {k: c.zh for k, c in load_categories().items()}
