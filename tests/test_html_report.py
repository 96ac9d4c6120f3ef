"""The HTML review report: escaping, the one hashed script, merged cells, a real browser."""
from __future__ import annotations

import base64
import hashlib
import re
import struct
import subprocess
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from indlint.app.cli import iter_files, main
from indlint.judge.engine import build_linter
from indlint.output.html_report import level_spans, render_report
from indlint.read.files import read_path
from indlint.read.yamlform import read_string

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
SCRIPT_TAG = "<script>alert(1)</script>"
IMG_TAG = '"><img src=x onerror=alert(1)>'
TITLE_SCRIPT = '<script>document.title="pwned"</script>'
# Targets carry a script tag without digits too (a digit after "<" once crashed the parser:
# test_script_tag_with_digit_in_target keeps that case).
DIGITLESS_SCRIPT = '<script>alert(document.domain)</script>'


@pytest.fixture(scope="module")
def linter():
    return build_linter()


def hostile_yaml(payload: str = SCRIPT_TAG + IMG_TAG, script_target: str = DIGITLESS_SCRIPT) -> str:
    form = {"kind": "declaration", "project": payload, "year": 2026, "department": payload,
            "goal": f"开展培训800人次，完成10件器材维修。{payload}",
            "indicators": [
                {"l1": "产出指标", "l2": "数量指标", "name": "培训人次", "target": "≥800人次"},
                {"l1": "产出指标", "l2": "数量指标", "name": payload, "target": IMG_TAG},
                {"l1": "产出指标", "l2": "质量指标", "name": "培训合格率", "target": "≥95%"},
                {"l1": "产出指标", "l2": "质量指标", "name": payload, "target": script_target},
                {"l1": "满意度指标", "l2": "服务对象满意度指标", "name": "学员满意度",
                 "target": "满意"}]}
    return yaml.safe_dump(form, allow_unicode=True, sort_keys=False)


def entries_of(linter, docs):
    return [(doc.path, doc, linter.lint(doc)) for doc in docs]


def render_docs(linter, docs) -> str:
    return render_report(entries_of(linter, docs), linter.tools)


def corpus_docs():
    return [read_path(p) for p in iter_files((str(CORPUS),))]


def scripts(html: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S | re.I)


def csp(html: str) -> dict[str, str]:
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
    assert meta, "no CSP meta tag"
    parts = [p.strip().split(" ", 1) for p in meta.group(1).split(";") if p.strip()]
    return {k: v for k, v in parts}


# ---- escaping and the one script ---------------------------------------------------------

def test_data_is_escaped(linter):
    html = render_docs(linter, [read_string(hostile_yaml(), "dir/<b>evil</b>.yaml")])
    assert SCRIPT_TAG not in html and "<img" not in html and "<b>evil" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "dir/&lt;b&gt;evil&lt;/b&gt;.yaml" in html
    assert "&lt;script&gt;alert(document.domain)&lt;/script&gt;" in html


def test_script_tag_with_digit_in_target(linter):
    html = render_docs(linter, [read_string(hostile_yaml(script_target=SCRIPT_TAG), "a.yaml")])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_only_the_hashed_script(linter):
    html = render_docs(linter, [read_string(hostile_yaml(), "a.yaml")])
    found = scripts(html)
    assert len(found) == 1 and len(re.findall(r"<script", html, flags=re.I)) == 1
    digest = base64.b64encode(hashlib.sha256(found[0].encode("utf-8")).digest()).decode()
    assert csp(html) == {"default-src": "'none'", "script-src": f"'sha256-{digest}'",
                         "style-src": "'unsafe-inline'", "img-src": "data:"}


def test_no_inline_handlers_or_external_assets(linter):
    html = render_docs(linter, corpus_docs() + [read_string(hostile_yaml(), "a.yaml")])
    tags = Tags()
    tags.feed(html)
    assert [t for t, _ in tags.seen if t in ("script", "img", "iframe", "link", "object")] \
        == ["script"]
    names = {name for _, attrs in tags.seen for name, _ in attrs}
    assert not [n for n in names if n.startswith("on")]
    links = [v for _, attrs in tags.seen for n, v in attrs if n in ("src", "href")]
    assert links and all(v.startswith("#") for v in links)
    assert "@import" not in html and "url(" not in html
    assert html.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, as a browser's tokenizer reads them."""

    def __init__(self):
        super().__init__()
        self.seen: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, attrs))


# ---- content ------------------------------------------------------------------------------

def test_deterministic(linter):
    docs = corpus_docs()
    assert render_docs(linter, docs).encode() == render_docs(linter, docs).encode()


def test_overview_lists_every_form(linter):
    docs = corpus_docs()
    html = render_docs(linter, docs)
    total = sum(len(d.forms) for d in docs)
    assert total == 14
    for n in range(1, total + 1):
        assert f'href="#form-{n}"' in html and f'id="form-{n}"' in html
    overview = html.split('id="overview"')[1].split("</table>")[0]
    for doc in docs:
        for form in doc.forms:
            assert form.project in overview


def test_level_spans():
    doc = read_string(hostile_yaml("x"), "a.yaml")
    assert level_spans(doc.forms[0].rows) == [(4, 2), (0, 0), (0, 2), (0, 0), (1, 1)]


def test_rowspan_in_table(linter):
    html = render_docs(linter, [read_string(hostile_yaml("x"), "a.yaml")])
    table = html.split('class="indicators"')[1].split("</table>")[0]
    assert '<td class="level" rowspan="4">产出指标</td>' in table
    assert '<td class="level" rowspan="2">数量指标</td>' in table
    assert '<td class="level" rowspan="2">质量指标</td>' in table
    assert '<td class="level">满意度指标</td>' in table
    assert table.count("产出指标") == 1 and table.count("数量指标") == 1


def test_self_evaluation_columns(linter):
    html = render_docs(linter, [read_path(str(CORPUS / "002_76a80a62ed61a43c.yaml"))])
    for head in ("实际完成值", "分值", "得分", "自评表"):
        assert head in html


def test_goal_quantities_marked(linter):
    html = render_docs(linter, [read_string(hostile_yaml("x"), "a.yaml")])
    assert '<mark class="promise" title="已有指标衡量此数量">800人次</mark>' in html
    assert '<mark class="promise unmeasured" title="没有指标衡量此数量">10件</mark>' in html


def test_review_score_and_findings_shown(linter):
    docs = [read_string(hostile_yaml("x"), "a.yaml")]
    findings = linter.lint(docs[0])
    html = render_docs(linter, docs)
    assert re.search(r'data-sort="[\d.]+">[\d.]+/20</td>', html)
    assert "扣分说明" in html and "问题分类统计" in html and "<svg" in html
    for f in findings:
        assert escape(f.message) in html and escape(f.suggestion) in html


def test_cli_report_with_unreadable_file(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(hostile_yaml("x"), encoding="utf-8")
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["report", str(good), str(tmp_path / "missing.yaml"),
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    html = out.read_text(encoding="utf-8")
    assert "文件无法读取" in html and "missing.yaml" in html and "培训人次" in html


def test_cli_report_agrees_with_check(tmp_path):
    import json

    out = tmp_path / "r.html"
    assert CliRunner().invoke(main, ["report", str(CORPUS), "-o", str(out)]).exit_code == 0
    checked = CliRunner().invoke(main, ["check", "--format", "json", str(CORPUS)])
    c = json.loads(checked.output)["summary"]
    assert (f"共审核 {c['files']} 个文件、{c['forms']} 张表、{c['indicators']} 项指标，发现 "
            f"{c['errors']} 个错误、{c['warnings']} 个警告、{c['infos']} 个提示。"
            ) in out.read_text(encoding="utf-8")


def test_cli_report_needs_output(tmp_path):
    result = CliRunner().invoke(main, ["report", str(CORPUS)])
    assert result.exit_code == 2


# ---- a real browser -------------------------------------------------------------------------

def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent: install Debian's chromium package "
                    "(apt-get install chromium chromium-driver) to run the browser test")
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def test_browser_runs_only_the_sorting_script(linter, tmp_path):
    docs = [read_string(hostile_yaml(TITLE_SCRIPT + IMG_TAG, TITLE_SCRIPT), "hostile.yaml"),
            read_path(str(CORPUS / "003_1d69408d2819e222.yaml"))]
    page = tmp_path / "report.html"
    page.write_text(render_docs(linter, docs), encoding="utf-8")
    result = chromium(tmp_path, "--dump-dom", page.as_uri())
    dom = result.stdout
    assert result.returncode == 0, result.stderr[-2000:]
    assert "<title>指标质量审核报告</title>" in dom and "pwned</title>" not in dom
    assert re.search(r'<table class="overview" data-sortable="ready">', dom)
    assert "<img" not in dom
    overview = dom.split('id="overview"')[1].split("</table>")[0]
    for project in ("党组织建设", "宣传与推广", "业务培训", "&lt;script&gt;document.title"):
        assert project in overview
    assert overview.count("<tr") == 1 + 4        # header row and four forms


def test_browser_screenshot_of_corpus(linter, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    page = ARTIFACTS / "corpus-report.html"
    page.write_text(render_docs(linter, corpus_docs()), encoding="utf-8")
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    result = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1400,2400",
                      "--hide-scrollbars", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1400, 2400)
    assert len(data) > 50_000, "the screenshot is nearly blank"



CLICK_SCRIPT = ('var b = document.querySelectorAll("table.overview thead button")[6];'
                " b.click(); b.click();")


def test_browser_sorts_by_clicked_column(linter, tmp_path):
    html = render_docs(linter, corpus_docs())
    policy = re.search(r'content="(default-src[^"]*)"', html).group(1)
    digest = base64.b64encode(hashlib.sha256(CLICK_SCRIPT.encode()).digest()).decode()
    more = policy.replace("script-src ", f"script-src 'sha256-{digest}' ")
    page = tmp_path / "sorted.html"
    page.write_text(html.replace(policy, more).replace(
        "</body>", f"<script>{CLICK_SCRIPT}</script></body>"), encoding="utf-8")
    result = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    overview = result.stdout.split('id="overview"')[1].split("</table>")[0]
    assert 'aria-sort="descending"' in overview
    errors = [int(n) for n in re.findall(r'<td class="num (?:count-error|zero)">(\d+)</td>'
                                         r'<td class="num (?:count-warning|zero)">', overview)]
    assert len(errors) == 14 and errors == sorted(errors, reverse=True) and errors[0] > errors[-1]
