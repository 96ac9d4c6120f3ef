"""Render documents and their findings as one self-contained HTML report for reviewers."""
from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Iterable, Sequence

from indlint.judge.analysis import Analysers, RowFacts
from indlint.judge.goals import measured, promises
from indlint.core.model import Document, Finding, Form, Row, Severity
from indlint.judge.score import ReviewScore, score_form

TITLE = "指标质量审核报告"
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
KIND_ZH = {"declaration": "申报表", "self-evaluation": "自评表"}
_SEVERITIES = ("error", "warning", "info")
_COMPARATORS = ("≥", "≤", ">", "<", "=", "＞", "＜", "＝")
UNMEASURED_TITLE = "没有指标衡量此数量"
MEASURED_TITLE = "已有指标衡量此数量"

#: The one script of the report: makes the overview table sortable. Its sha256 goes in the CSP.
SORT_SCRIPT = """
(function () {
  "use strict";
  var table = document.querySelector("table[data-sortable]");
  if (!table || !table.tHead || !table.tBodies.length) { return; }
  var body = table.tBodies[0];
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function key(row, i, numeric) {
    var cell = row.cells[i];
    var text = cell ? (cell.getAttribute("data-sort") || cell.textContent) : "";
    if (!numeric) { return text.trim(); }
    var n = parseFloat(text);
    return isNaN(n) ? -Infinity : n;
  }
  function sortBy(th, i) {
    var numeric = th.getAttribute("data-type") === "number";
    var up = th.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, i, numeric), y = key(b, i, numeric);
      var c = numeric ? (x > y) - (x < y) : x.localeCompare(y, "zh-CN");
      return up ? c : -c;
    });
    heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", up ? "ascending" : "descending");
    rows.forEach(function (r) { body.appendChild(r); });
  }
  heads.forEach(function (th, i) {
    var button = th.querySelector("button");
    if (button) { button.addEventListener("click", function () { sortBy(th, i); }); }
  });
  table.setAttribute("data-sortable", "ready");
})();
"""

CSS = """
:root {
  --ink: #1f2933; --muted: #616e7c; --line: #d9dee4; --soft: #f4f6f8; --accent: #1d4e89;
  --error: #c0392b; --error-bg: #fdecea; --warning: #b7791f; --warning-bg: #fff5dc;
  --info: #2b6cb0; --info-bg: #e8f1fb; --ok: #2f855a;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--ink); background: #eef1f4; line-height: 1.6; font-size: 14px;
  font-family: "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC",
    "Source Han Sans SC", "WenQuanYi Micro Hei", system-ui, sans-serif;
}
main { max-width: 1320px; margin: 0 auto; padding: 24px 32px 48px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
h1, h2, h3, h4 { line-height: 1.3; margin: 0; }
.report-head {
  background: var(--accent); color: #fff; padding: 28px 32px 24px;
}
.report-head .inner { max-width: 1256px; margin: 0 auto; }
.report-head h1 { font-size: 26px; letter-spacing: 2px; }
.report-head p { margin: 6px 0 0; opacity: .85; }
.stats { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 18px; }
.stat {
  background: rgba(255,255,255,.12); border-radius: 6px; padding: 8px 16px; min-width: 96px;
}
.stat b { display: block; font-size: 22px; font-variant-numeric: tabular-nums; }
.stat span { font-size: 12px; opacity: .85; }
.stat.error b { color: #ffb4a9; } .stat.warning b { color: #ffe08a; }
.stat.info b { color: #b6d6ff; }
.card {
  background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 20px 24px;
  margin-top: 20px;
}
.card > h2 { font-size: 18px; margin-bottom: 14px; padding-left: 10px;
  border-left: 4px solid var(--accent); }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid var(--line); padding: 6px 10px; vertical-align: top; text-align: left; }
thead th { background: var(--soft); font-weight: 600; white-space: nowrap; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.center { text-align: center; white-space: nowrap; }
.overview td { vertical-align: middle; }
.overview tbody tr:nth-child(even) { background: #fafbfc; }
.overview tbody tr:hover { background: #eef4fb; }
.overview th button {
  font: inherit; color: inherit; background: none; border: 0; padding: 0; cursor: pointer;
}
.overview th button::after { content: " ⇅"; color: #a0aab4; font-size: 12px; }
.overview th[aria-sort="ascending"] button::after { content: " ▲"; color: var(--accent); }
.overview th[aria-sort="descending"] button::after { content: " ▼"; color: var(--accent); }
.path { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12px;
  color: var(--muted); word-break: break-all; }
.count-error { color: var(--error); font-weight: 600; }
.count-warning { color: var(--warning); font-weight: 600; }
.count-info { color: var(--info); }
.zero { color: #b8c0c8; font-weight: normal; }
.score-cell { font-weight: 600; }
.score-low { color: var(--error); } .score-mid { color: var(--warning); }
.score-high { color: var(--ok); }
.unreadable td { background: var(--error-bg); }
.legend { display: flex; gap: 18px; font-size: 12px; color: var(--muted); margin: 0 0 8px; }
.legend i { display: inline-block; width: 12px; height: 12px; border-radius: 2px;
  vertical-align: -1px; margin-right: 4px; }
.sw-error { background: var(--error); } .sw-warning { background: #d69e2e; }
.sw-info { background: #4a90d9; }
.chart svg { max-width: 100%; height: auto; display: block; }
.chart text { font-size: 13px; fill: var(--ink); }
.chart .n { fill: var(--muted); font-variant-numeric: tabular-nums; }
.form-head { display: flex; align-items: flex-start; gap: 16px; padding-bottom: 12px;
  border-bottom: 1px solid var(--line); }
.form-head .titles { flex: 1; }
.form-no { font-size: 12px; color: var(--muted); }
.form-head h3 { font-size: 20px; margin: 2px 0 6px; }
.kind { display: inline-block; font-size: 12px; font-weight: normal; padding: 1px 8px;
  border-radius: 10px; background: #e6ecf3; color: var(--accent); vertical-align: 3px;
  margin-left: 8px; }
.meta { display: flex; flex-wrap: wrap; gap: 4px 24px; margin: 0; font-size: 13px;
  color: var(--muted); }
.meta div { display: flex; gap: 6px; }
.meta dt { color: #8a96a3; } .meta dd { margin: 0; color: var(--ink); }
.big-score { text-align: center; min-width: 110px; }
.big-score b { font-size: 30px; font-variant-numeric: tabular-nums; }
.big-score span { display: block; font-size: 12px; color: var(--muted); }
.tallies { font-size: 13px; margin-top: 4px; }
.tallies span { margin-right: 12px; }
.form-body h4 { font-size: 15px; margin: 20px 0 8px; color: var(--accent); }
.grid { display: grid; grid-template-columns: minmax(0, 7fr) minmax(0, 5fr); gap: 0 28px; }
.rubric td, .rubric th { font-size: 13px; }
.rubric ul { margin: 0; padding-left: 18px; color: var(--muted); }
.findings { list-style: none; margin: 0; padding: 0; }
.finding { border-left: 3px solid var(--line); padding: 4px 10px; margin: 0 0 8px;
  background: var(--soft); border-radius: 0 4px 4px 0; font-size: 13px; }
.finding.sev-error { border-color: var(--error); background: var(--error-bg); }
.finding.sev-warning { border-color: #d69e2e; background: var(--warning-bg); }
.finding.sev-info { border-color: #4a90d9; background: var(--info-bg); }
.badge { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 3px; color: #fff;
  margin-right: 6px; vertical-align: 1px; white-space: nowrap; }
.badge.sev-error { background: var(--error); } .badge.sev-warning { background: #c98a1b; }
.badge.sev-info { background: #4a90d9; }
.rule { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 11px; color: var(--muted);
  margin-right: 6px; }
.cat { color: var(--muted); font-size: 12px; }
.suggest { color: var(--ok); margin-top: 2px; }
.suggest b { font-weight: 600; }
.none { color: var(--muted); font-size: 13px; margin: 0; }
.goal { white-space: pre-wrap; background: var(--soft); border-radius: 6px; padding: 12px 16px;
  font-size: 14px; line-height: 1.9; margin: 0; }
mark.promise { background: #fff1a8; padding: 0 2px; border-radius: 2px; color: inherit; }
mark.promise.unmeasured { background: #ffd6d1; color: #8a1c10; text-underline-offset: 3px;
  text-decoration: underline wavy #c0392b; }
.goal-note { font-size: 12px; color: var(--muted); margin: 6px 0 0; }
.goal-note mark { font-size: 12px; }
.indicators { font-size: 13px; }
.indicators th { text-align: center; }
.indicators td.level { background: #f9fafb; font-weight: 500; min-width: 8.5em; }
.indicators td.name { min-width: 14em; }
.indicators td.value { white-space: nowrap; }
.indicators td.notes { width: 48%; }
.indicators tr.sev-error td:not(.level) { background: var(--error-bg); }
.indicators tr.sev-warning td:not(.level) { background: var(--warning-bg); }
.indicators tr.sev-info td:not(.level) { background: var(--info-bg); }
.indicators tr.sev-error td.name { box-shadow: inset 3px 0 0 var(--error); }
.indicators tr.sev-warning td.name { box-shadow: inset 3px 0 0 #d69e2e; }
.indicators tr.sev-info td.name { box-shadow: inset 3px 0 0 #4a90d9; }
.indicators .finding { background: transparent; border: 0; padding: 0; margin: 0 0 6px; }
.indicators .finding:last-child { margin-bottom: 0; }
.blank { color: #b8c0c8; }
.back { text-align: right; font-size: 12px; margin: 12px 0 0; }
footer { text-align: center; color: var(--muted); font-size: 12px; margin-top: 28px; }
@media (max-width: 900px) { .grid { grid-template-columns: 1fr; } main { padding: 12px; } }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { background: #fff; font-size: 9.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main { max-width: none; padding: 0; }
  .report-head { background: #fff; color: var(--ink); padding: 0 0 8px;
    border-bottom: 2px solid var(--ink); }
  .stat { background: none; border: 1px solid var(--line); }
  .stat.error b, .stat.warning b, .stat.info b { color: var(--ink); }
  .card { border: 0; padding: 0; margin-top: 14px; }
  .form { break-before: page; }
  .overview th button::after, .back, .hint { display: none; }
  tr, .finding, .rubric, .chart { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; }
}
"""


@dataclass(frozen=True)
class FormView:
    """One form of the report with its own findings and score."""

    number: int                   # 1-based across the report; the anchor is form-<number>
    path: str
    form: Form
    findings: tuple[Finding, ...]
    score: ReviewScore


@dataclass(frozen=True)
class FileProblem:
    """A file that gave no form: unreadable, or holding no table."""

    path: str
    message: str
    findings: tuple[Finding, ...]


Entry = tuple[str, Document, Sequence[Finding]]


def script_hash(script: str = SORT_SCRIPT) -> str:
    """The CSP source for a script: 'sha256-<base64 digest>' of its exact text."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def content_security_policy() -> str:
    """The report's CSP: nothing may load; only the sorting script may run."""
    return (f"default-src 'none'; script-src '{script_hash()}'; style-src 'unsafe-inline'; "
            "img-src data:")


def render_report(entries: Iterable[Entry], tools: Analysers | None = None,
                  categories: dict[str, str] | None = None) -> str:
    """Return the whole report as one self-contained HTML document."""
    entries = [(p, d, tuple(f)) for p, d, f in entries]
    tools = tools or _default_tools()
    categories = categories if categories is not None else _category_names()
    views, problems = _views(entries, tools)
    findings = [f for _, _, fs in entries for f in fs]
    body = [_header(entries, findings), "<main>",
            _overview(views, problems),
            _chart(findings, categories),
            *(_form_section(v, tools, categories) for v in views),
            "<footer>由 indlint 生成 · 评分依据事前绩效评估评分表“项目绩效”部分（20 分）</footer>",
            "</main>"]
    return _page("\n".join(body))


def _default_tools() -> Analysers:
    from indlint.judge.engine import build_linter
    return build_linter().tools


def _category_names() -> dict[str, str]:
    from indlint.judge.rules import load_categories
    return {k: c.zh for k, c in load_categories().items()}


def _page(body: str) -> str:
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy()}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{TITLE}</title>", f"<style>{CSS}</style>", "</head>", "<body>", body,
        f"<script>{SORT_SCRIPT}</script>", "</body>", "</html>", ""])


# ---- data ------------------------------------------------------------------------------

def _views(entries, tools) -> tuple[list[FormView], list[FileProblem]]:
    views: list[FormView] = []
    problems: list[FileProblem] = []
    for path, doc, findings in entries:
        if not doc.forms:
            message = doc.error or "文件中没有申报表或自评表"
            problems.append(FileProblem(path, message, findings))
        for form in doc.forms:
            mine = tuple(f for f in findings if f.form == form.index)
            views.append(FormView(len(views) + 1, path, form, mine,
                                  score_form(form, mine, tools)))
    return views, problems


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Findings per severity value."""
    out = dict.fromkeys(_SEVERITIES, 0)
    for f in findings:
        out[f.severity.value] += 1
    return out


def worst(findings: Iterable[Finding]) -> Severity | None:
    """The most severe of some findings, or None."""
    return max((f.severity for f in findings), key=lambda s: s.rank, default=None)


def level_spans(rows: Sequence[Row]) -> list[tuple[int, int]]:
    """Rowspans of the l1 and l2 cells per row; 0 when the row above's cell covers it."""
    keys = [(r.get("l1").strip(), r.get("l2").strip()) for r in rows]
    spans = []
    for i, (l1, l2) in enumerate(keys):
        s1 = 0 if i and keys[i - 1][0] == l1 else _run(keys, i, lambda k: k[0] == l1)
        s2 = 0 if i and keys[i - 1] == (l1, l2) else _run(keys, i, lambda k: k == (l1, l2))
        spans.append((s1, s2))
    return spans


def _run(keys, start: int, same) -> int:
    end = start
    while end < len(keys) and same(keys[end]):
        end += 1
    return end - start


def number(value: Decimal) -> str:
    """A score without trailing zeros: 14, 5.5."""
    return f"{value.normalize():f}"


# ---- header, overview, chart ------------------------------------------------------------

def _header(entries, findings) -> str:
    c = counts(findings)
    forms = sum(len(d.forms) for _, d, _ in entries)
    rows = sum(len(f.rows) for _, d, _ in entries for f in d.forms)
    stats = [("", len(entries), "个文件"), ("", forms, "张表"), ("", rows, "项指标"),
             ("error", c["error"], "个错误"), ("warning", c["warning"], "个警告"),
             ("info", c["info"], "个提示")]
    cards = "".join(f'<div class="stat {k}"><b>{n}</b><span>{label}</span></div>'
                    for k, n, label in stats)
    return (f'<header class="report-head"><div class="inner"><h1>{TITLE}</h1>'
            f"<p>共审核 {len(entries)} 个文件、{forms} 张表、{rows} 项指标，发现 {c['error']} 个错误、"
            f"{c['warning']} 个警告、{c['info']} 个提示。</p>"
            f'<div class="stats">{cards}</div></div></header>')


_OVERVIEW_HEADS = (("文件", "text"), ("项目", "text"), ("主管部门", "text"), ("年度", "number"),
                   ("类型", "text"), ("项目绩效评分", "number"), ("错误", "number"),
                   ("警告", "number"), ("提示", "number"))


def _overview(views, problems) -> str:
    heads = "".join(f'<th scope="col" data-type="{t}"><button type="button">{h}</button></th>'
                    for h, t in _OVERVIEW_HEADS)
    rows = [_overview_row(v) for v in views] + [_problem_row(p) for p in problems]
    return (f'<section class="card" id="overview"><h2>一、总览</h2>'
            f'<p class="none hint">点击列标题可排序；点击项目名称查看该表的逐条审核意见。</p>'
            f'<table class="overview" data-sortable="pending"><thead><tr>{heads}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></section>')


def _overview_row(v: FormView) -> str:
    meta, s, c = v.form.meta, v.score, counts(v.findings)
    project = escape(v.form.project) or '<span class="blank">（未填写）</span>'
    return (f"<tr><td class=\"path\">{escape(v.path)}</td>"
            f'<td data-sort="{escape(v.form.project)}">'
            f'<a href="#form-{v.number}">{project}</a></td>'
            f"<td>{escape(_meta(meta, 'department'))}</td>"
            f"<td class=\"center\">{escape(_meta(meta, 'year'))}</td>"
            f"<td class=\"center\">{KIND_ZH.get(v.form.kind, escape(v.form.kind))}</td>"
            f'<td class="num score-cell {_score_class(s)}" data-sort="{number(s.total)}">'
            f"{number(s.total)}/{number(s.maximum)}</td>{_count_cells(c)}</tr>")


def _problem_row(p: FileProblem) -> str:
    c = counts(p.findings)
    return (f'<tr class="unreadable"><td class="path">{escape(p.path)}</td>'
            f'<td data-sort="文件无法读取"><b>文件无法读取</b>：{escape(p.message)}</td>'
            '<td></td><td data-sort=""></td><td></td><td class="num" data-sort="-1">—</td>'
            f"{_count_cells(c)}</tr>")


def _count_cells(c: dict[str, int]) -> str:
    return "".join(f'<td class="num count-{k}">{c[k]}</td>' if c[k] else
                   '<td class="num zero">0</td>' for k in _SEVERITIES)


def _score_class(s: ReviewScore) -> str:
    ratio = s.total / s.maximum if s.maximum else Decimal(0)
    return "score-high" if ratio >= Decimal("0.8") else "score-mid" if ratio >= Decimal("0.5") \
        else "score-low"


def _meta(meta, key: str) -> str:
    return str(meta.get(key) or "").strip()


_BAR_H, _BAR_GAP, _BAR_W, _TOP = 20, 8, 760, 4
_SEV_FILL = {"error": "#c0392b", "warning": "#d69e2e", "info": "#4a90d9"}


def _chart(findings, categories) -> str:
    tally = _by_category(findings)
    if not tally:
        return ('<section class="card chart"><h2>二、问题分类统计</h2>'
                '<p class="none">未发现问题。</p></section>')
    label_w = max(_text_width(categories.get(k, k)) for k, _ in tally) + 24
    biggest = max(sum(c.values()) for _, c in tally)
    height = _TOP * 2 + len(tally) * (_BAR_H + _BAR_GAP)
    width = label_w + _BAR_W + 60
    bars = [_bar(i, k, c, label_w, biggest, categories) for i, (k, c) in enumerate(tally)]
    legend = "".join(f'<span><i class="sw-{k}"></i>{SEVERITY_ZH[k]}</span>' for k in _SEVERITIES)
    return (f'<section class="card chart"><h2>二、问题分类统计</h2><p class="legend">{legend}</p>'
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-label="各类问题数量">'
            f'{"".join(bars)}</svg></section>')


def _by_category(findings) -> list[tuple[str, dict[str, int]]]:
    tally: dict[str, dict[str, int]] = {}
    for f in findings:
        tally.setdefault(f.category, dict.fromkeys(_SEVERITIES, 0))[f.severity.value] += 1
    return sorted(tally.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))


def _bar(i: int, category: str, c: dict[str, int], label_w: int, biggest: int,
         categories) -> str:
    y = _TOP + i * (_BAR_H + _BAR_GAP)
    name = escape(categories.get(category, category))
    parts, x = [f'<text x="{label_w - 12}" y="{y + 15}" text-anchor="end">{name}</text>'], label_w
    for sev in _SEVERITIES:
        w = round(c[sev] * _BAR_W / biggest, 1)
        if w:
            parts.append(f'<rect x="{x}" y="{y}" width="{w}" height="{_BAR_H}" rx="2" '
                         f'fill="{_SEV_FILL[sev]}"><title>{name}：{SEVERITY_ZH[sev]} {c[sev]} 个'
                         f"</title></rect>")
            x = round(x + w, 1)
    parts.append(f'<text class="n" x="{x + 8}" y="{y + 15}">{sum(c.values())}</text>')
    return f'<g><title>{escape(category)}</title>{"".join(parts)}</g>'


def _text_width(text: str) -> int:
    """Rough width in pixels of 13px text: CJK characters are square, others half as wide."""
    return sum(13 if ord(ch) > 0x2E80 else 7 for ch in text)


# ---- one form ---------------------------------------------------------------------------

def _form_section(v: FormView, tools, categories) -> str:
    form_level = [f for f in v.findings if f.row is None]
    return "\n".join([
        f'<section class="card form" id="form-{v.number}">', _form_head(v),
        '<div class="form-body">',
        f'<h4>表级问题（{len(form_level)}）</h4>{_finding_list(form_level, categories)}',
        f'<div class="grid"><div>{_goal(v.form, tools)}</div><div>{_rubric(v.score)}</div></div>',
        _indicator_table(v, categories),
        '</div><p class="back"><a href="#overview">↑ 返回总览</a></p></section>'])


def _form_head(v: FormView) -> str:
    meta, c = v.form.meta, counts(v.findings)
    kind = KIND_ZH.get(v.form.kind, escape(v.form.kind))
    fields = [("文件", v.path), ("主管部门", _meta(meta, "department")),
              ("实施单位", _meta(meta, "implementer")), ("年度", _meta(meta, "year")),
              ("指标数", str(len(v.form.rows)))]
    dl = "".join(f"<div><dt>{k}</dt><dd>{escape(val)}</dd></div>" for k, val in fields if val)
    tallies = "".join(f'<span class="count-{k}">{SEVERITY_ZH[k]} {c[k]}</span>' if c[k] else
                      f'<span class="zero">{SEVERITY_ZH[k]} 0</span>' for k in _SEVERITIES)
    project = escape(v.form.project) or "（未填写项目名称）"
    return (f'<div class="form-head"><div class="titles"><div class="form-no">表 {v.number} · '
            f'第 {v.form.index + 1} 张</div><h3>{project}<span class="kind">{kind}</span></h3>'
            f'<dl class="meta">{dl}</dl><div class="tallies">{tallies}</div></div>'
            f'<div class="big-score"><b class="{_score_class(v.score)}">{number(v.score.total)}'
            f"</b> / {number(v.score.maximum)}<span>项目绩效评分</span></div></div>")


def _finding_list(findings, categories) -> str:
    if not findings:
        return '<p class="none">无。</p>'
    return '<ul class="findings">' + "".join(_finding(f, categories) for f in findings) + "</ul>"


def _finding(f: Finding, categories) -> str:
    sev = f.severity.value
    suggest = (f'<div class="suggest"><b>建议：</b>{escape(f.suggestion)}</div>'
               if f.suggestion else "")
    return (f'<li class="finding sev-{sev}"><span class="badge sev-{sev}">{SEVERITY_ZH[sev]}</span>'
            f'<span class="rule">{escape(f.rule)}</span>'
            f'<span class="cat">{escape(categories.get(f.category, f.category))}</span>'
            f"<div>{escape(f.message)}</div>{suggest}</li>")


def _rubric(s: ReviewScore) -> str:
    rows = "".join(
        f"<tr><td>{escape(i.code)} {escape(i.label)}</td><td class=\"num\">{number(i.got)}"
        f" / {number(i.maximum)}</td><td>{_deductions(i.deductions)}</td></tr>" for i in s.items)
    return (f"<h4>项目绩效评分（{number(s.total)} / {number(s.maximum)} 分）</h4>"
            '<table class="rubric"><thead><tr><th>评分项</th><th>得分</th><th>扣分说明</th></tr>'
            f"</thead><tbody>{rows}</tbody></table>")


def _deductions(notes: Sequence[str]) -> str:
    if not notes:
        return '<span class="score-high">不扣分</span>'
    return "<ul>" + "".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul>"


def _goal(form: Form, tools: Analysers) -> str:
    goal = str(form.meta.get("goal") or "")
    if not goal.strip():
        return '<h4>年度总体目标</h4><p class="none">（未填写年度总体目标）</p>'
    rows = tuple(RowFacts(r, form, tools) for r in form.rows)
    found = promises(goal, tools.lexicons.units)
    note = ""
    if found:
        note = ('<p class="goal-note">目标中承诺的数量已标出：<mark class="promise">已有指标衡量</mark>'
                '　<mark class="promise unmeasured">没有指标衡量</mark></p>')
    return (f'<h4>年度总体目标</h4><p class="goal">{mark_promises(goal, found, rows)}</p>'
            f"{note}")


def mark_promises(goal: str, found, rows) -> str:
    """Escape the goal text and wrap each promised quantity in <mark>, in order of appearance."""
    out, cursor = [], 0
    for p in found:
        match = re.compile(re.escape(p.number) + r"\s*" + re.escape(p.unit)).search(goal, cursor)
        if match is None:
            continue
        ok = measured(p, rows)
        cls, title = ("promise", MEASURED_TITLE) if ok else ("promise unmeasured", UNMEASURED_TITLE)
        out.append(escape(goal[cursor:match.start()]))
        out.append(f'<mark class="{cls}" title="{title}">{escape(match.group())}</mark>')
        cursor = match.end()
    out.append(escape(goal[cursor:]))
    return "".join(out)


def _columns(form: Form) -> list[tuple[str, str]]:
    cols = [("l1", "一级指标"), ("l2", "二级指标"), ("name", "三级指标"), ("target", "指标值")]
    if form.kind == "self-evaluation":
        cols += [("actual", "实际完成值"), ("score_max", "分值"), ("score", "得分")]
    return cols


def _indicator_table(v: FormView, categories) -> str:
    cols = _columns(v.form)
    heads = "".join(f'<th scope="col">{label}</th>' for _, label in cols)
    by_row: dict[int, list[Finding]] = {}
    for f in v.findings:
        if f.row is not None:
            by_row.setdefault(f.row, []).append(f)
    spans = level_spans(v.form.rows)
    body = "".join(_indicator_row(r, s, cols, by_row.get(r.index, []), categories)
                   for r, s in zip(v.form.rows, spans))
    flagged = len(by_row)
    return (f"<h4>绩效指标（{len(v.form.rows)} 项，其中 {flagged} 项有问题）</h4>"
            f'<table class="indicators"><thead><tr><th scope="col">序号</th>{heads}'
            f'<th scope="col">审核意见与建议</th></tr></thead><tbody>{body}</tbody></table>')


def _indicator_row(row: Row, spans: tuple[int, int], cols, findings, categories) -> str:
    sev = worst(findings)
    cls = f' class="sev-{sev.value}"' if sev else ""
    cells = [f'<td class="num">{row.index}</td>']
    for key, _ in cols:
        cells.append(_level_cell(row, key, spans) if key in ("l1", "l2") else _cell(row, key))
    notes = _finding_list(findings, categories) if findings else ""
    cells.append(f'<td class="notes">{notes}</td>')
    return f"<tr{cls}>" + "".join(cells) + "</tr>"


def _level_cell(row: Row, key: str, spans: tuple[int, int]) -> str:
    span = spans[0] if key == "l1" else spans[1]
    if span == 0:
        return ""
    attr = f' rowspan="{span}"' if span > 1 else ""
    return f'<td class="level"{attr}>{_text(row.get(key))}</td>'


def _cell(row: Row, key: str) -> str:
    if key == "target":
        return f'<td class="value">{_text(value_text(row))}</td>'
    cls = "name" if key == "name" else "num" if key in ("score_max", "score") else "value"
    return f'<td class="{cls}">{_text(row.get(key))}</td>'


def value_text(row: Row) -> str:
    """The target as the form shows it, with a separate 指标性质 comparator and 度量单位 joined in."""
    target = row.get("target").strip()
    nature, unit = row.get("nature").strip(), row.get("unit").strip()
    if nature.startswith(_COMPARATORS) and target and not target.startswith(_COMPARATORS):
        target = nature + target
    if unit and target and not target.endswith(unit):
        target += unit
    return target


def _text(value: str) -> str:
    value = value.strip()
    return escape(value) if value else '<span class="blank">—</span>'
