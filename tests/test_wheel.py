"""The wheel carries grammar/ and rules/: install it into a fresh environment and run it elsewhere."""
from __future__ import annotations

import json
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel_env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp),
                    str(ROOT)], check=True)
    wheel = next(tmp.glob("indlint-*.whl"))
    env_dir = tmp / "env"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "--quiet", str(wheel)], check=True)
    # The dependencies (lark, pyyaml, jieba, click, openpyxl, jinja2) are borrowed from this
    # environment through a .pth file placed after the new environment's own packages,
    # so the wheel's indlint, not this checkout's, is the one imported.
    purelib = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "zz_borrowed.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return env_dir, wheel, tmp


def test_wheel_contains_grammar_and_rules(wheel_env):
    import zipfile
    names = zipfile.ZipFile(wheel_env[1]).namelist()
    assert "indlint/_data/grammar/target.lark" in names
    assert "indlint/_data/rules/value/VL05.yaml" in names
    assert "indlint/_data/rules/lexicons/units.yaml" in names


def test_wheel_contains_the_report_templates(wheel_env):
    import zipfile
    names = zipfile.ZipFile(wheel_env[1]).namelist()
    for name in ("report.html.j2", "report_parts.html.j2", "report.css", "report.js"):
        assert f"indlint/output/templates/{name}" in names


def test_wheel_contains_the_serve_page_assets(wheel_env):
    import zipfile
    names = zipfile.ZipFile(wheel_env[1]).namelist()
    for name in ("index.html.j2", "rules.html.j2", "app.js", "app.css"):
        assert f"indlint/app/serve/assets/{name}" in names


def test_installed_indlint_runs_outside_the_checkout(wheel_env):
    env_dir, _, tmp = wheel_env
    form = tmp / "form.yaml"
    form.write_text((ROOT / "corpus" / "001_e0c4b3d6f0f45810.yaml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    where = subprocess.run([str(env_dir / "bin" / "python"), "-c",
                            "import indlint, indlint.core.resources as r; print(indlint.__file__); "
                            "print(r.data_root('rules'))"],
                           cwd=tmp, capture_output=True, text=True, check=True).stdout
    assert str(env_dir) in where and "_data/rules" in where
    result = subprocess.run([str(env_dir / "bin" / "indlint"), "check", "--format", "json",
                             str(form)], cwd=tmp, capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    doc = json.loads(result.stdout)
    assert any(f["category"] == "value.timeliness-vague" for f in doc["findings"])


def test_installed_indlint_writes_a_report_outside_the_checkout(wheel_env):
    env_dir, _, tmp = wheel_env
    form = tmp / "report-form.yaml"
    form.write_text((ROOT / "corpus" / "001_e0c4b3d6f0f45810.yaml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    out = tmp / "report.html"
    result = subprocess.run([str(env_dir / "bin" / "indlint"), "report", str(form), "-o", str(out)],
                            cwd=tmp, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page and "<script>" in page
