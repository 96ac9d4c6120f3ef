"""Style notes in their place: listed apart from problems, corrected inline, hideable in a browser."""
from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
from pathlib import Path

import pytest

from indlint.app.cli import iter_files
from indlint.judge.engine import build_linter
from indlint.output.html_report import render_report
from indlint.read.files import read_path

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
#: A form whose notation notes (>= for ≥) are most of its findings.
NOTATION_FORM = ROOT.parent / "shared" / "dev" / "forms" / "h13-hengyang-nanyuezhen-zichanshouyi-2018.yaml"

PROBE = ("function shown(){var n=0;document.querySelectorAll('.sev-info, .style-notes tr.note')"
         ".forEach(function(e){if(e.getClientRects().length){n++;}});return n;}"
         "document.body.setAttribute('data-before', shown());"
         "document.getElementById('toggle-info').click();"
         "document.body.setAttribute('data-after', shown());")


@pytest.fixture(scope="module")
def page_html() -> str:
    linter = build_linter()
    paths = list(iter_files((str(ROOT / "corpus"),)))
    if NOTATION_FORM.exists():
        paths.append(str(NOTATION_FORM))
    docs = [read_path(p) for p in paths]
    return render_report([(d.path, d, linter.lint(d)) for d in docs], linter.tools)


def test_style_notes_sit_apart_from_problems(page_html):
    tables = re.findall(r'<table class="indicators">.*?</table>', page_html, flags=re.S)
    notes = re.findall(r'<div class="style-notes">.*?</div>', page_html, flags=re.S)
    assert tables and notes
    assert all('<span class="rule">ST01</span>' not in t for t in tables)
    assert '<span class="notation sev-info" title="书写格式：只改写法，不改含义"> → ≥' in page_html
    assert sum(n.count('<tr class="note sev-info">') for n in notes) >= 5


def test_has_problem_counts_only_warnings_and_errors():
    linter = build_linter()
    if not NOTATION_FORM.exists():
        pytest.skip("../shared is absent")
    doc = read_path(str(NOTATION_FORM))
    findings = linter.lint(doc)
    html = render_report([(doc.path, doc, findings)], linter.tools)
    problem_rows = {f.row for f in findings if f.row and f.severity.value in ("error", "warning")}
    heading = re.search(r"其中 (\d+) 项有问题", html)
    assert heading and int(heading.group(1)) == len(problem_rows)
    assert "indlint fix" not in html


def test_two_renders_with_source_date_epoch_are_identical(tmp_path, monkeypatch):
    from click.testing import CliRunner
    from indlint.app.cli import main

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    outs = []
    for name in ("a.html", "b.html"):
        out = tmp_path / name
        result = CliRunner().invoke(main, ["report", str(ROOT / "corpus"), "-o", str(out)])
        assert result.exit_code == 0, result.output
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    text = outs[0].decode("utf-8")
    assert "2026-01-01" in text and re.search(r"由 indlint \d+\.\d+\.\d+ 生成", text)
    assert "依据：财预〔" in text


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("/usr/bin/chromium is absent on CI: the browser test must run there")
        pytest.skip("/usr/bin/chromium is absent (apt-get install chromium)")
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)


def _with_probe(html: str) -> str:
    """The page with PROBE added as a second hashed script (the report's own CSP otherwise)."""
    policy = re.search(r'content="(default-src[^"]*)"', html).group(1)
    digest = base64.b64encode(hashlib.sha256(PROBE.encode()).digest()).decode()
    more = policy.replace("script-src ", f"script-src 'sha256-{digest}' ")
    return html.replace(policy, more).replace("</body>", f"<script>{PROBE}</script></body>")


def test_browser_hides_every_hint_with_the_report_control(page_html, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    page = tmp_path / "hide-info.html"
    page.write_text(_with_probe(page_html), encoding="utf-8")
    result = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    before = re.search(r'data-before="(\d+)"', result.stdout)
    after = re.search(r'data-after="(\d+)"', result.stdout)
    assert before and after, "the probe did not run"
    assert int(before.group(1)) > 0, "the page shows hints before the control is used"
    assert int(after.group(1)) == 0, "a 提示 row is still displayed after hiding"
    assert 'class="hide-info"' in result.stdout and 'aria-pressed="true"' in result.stdout
    shot = ARTIFACTS / "report-hints-hidden.png"
    shot.unlink(missing_ok=True)
    result = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1400,2400",
                       "--hide-scrollbars", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
