"""The report's templates: shipped files, the CSP hash of the shipped script, Jinja2 loaded lazily."""
from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys
from importlib.resources import files

import pytest

from conftest import ROOT

FORM = ROOT / "corpus" / "001_e0c4b3d6f0f45810.yaml"
TEMPLATES = files("indlint.output") / "templates"


def imported_modules(*args: str, cwd) -> set[str]:
    """Top-level names of every module `python -X importtime -m indlint <args>` imports."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "indlint", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return {m.group(1).strip().split(".")[0]
            for m in re.finditer(r"^import time:[^|]*\|[^|]*\|(.*)$", proc.stderr, re.M)}


def test_check_does_not_import_jinja2(tmp_path):
    seen = imported_modules("check", "--format", "json", str(FORM), cwd=tmp_path)
    assert "indlint" in seen and "yaml" in seen             # the probe sees real imports
    assert "jinja2" not in seen and "markupsafe" not in seen


def test_report_imports_jinja2(tmp_path):
    out = tmp_path / "r.html"
    seen = imported_modules("report", str(FORM), "-o", str(out), cwd=tmp_path)
    assert "jinja2" in seen and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_importing_the_report_module_does_not_import_jinja2():
    code = ("import sys, indlint.output.html_report; "
            "print('jinja2' in sys.modules, 'markupsafe' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


@pytest.fixture(scope="module")
def page() -> str:
    from indlint.judge.engine import build_linter
    from indlint.output.html_report import render_report
    from indlint.read.files import read_path

    linter = build_linter()
    doc = read_path(str(FORM))
    return render_report([(doc.path, doc, linter.lint(doc))], linter.tools)


def test_csp_hashes_the_shipped_script_file(page):
    shipped = (TEMPLATES / "report.js").read_bytes()
    digest = base64.b64encode(hashlib.sha256(shipped).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in page
    assert re.findall(r"<script>(.*?)</script>", page, flags=re.S) == [shipped.decode("utf-8")]


def test_stylesheet_is_the_shipped_file(page):
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    assert re.findall(r"<style>(.*?)</style>", page, flags=re.S) == [css]


def test_templates_never_mark_values_safe():
    # Autoescaping covers every value only while no template opts out of it.
    for name in ("report.html.j2", "report_parts.html.j2"):
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        assert "|safe" not in text.replace(" ", "") and "autoescape" not in text, name
