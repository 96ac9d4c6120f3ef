"""docs/github-actions.yml: its `run:` steps run here as written and the SARIF it uploads validates.

Only the install source is replaced (the example installs indlint from its repository at a tag;
here, from this checkout), in a fresh environment; then each `run:` step runs with bash, as
GitHub's runner does, in a throw-away forms repository.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import venv
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import GOOD, shared_path

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / "docs" / "github-actions.yml"
BAD = GOOD.replace("name: 体检人数", "name: 工资发放及时性").replace('"=28人"', "及时").replace(
    "l2: 数量指标", "l2: 时效指标")

pytestmark = pytest.mark.slow


def steps() -> list[dict]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    (job,) = workflow["jobs"].values()
    return job["steps"]


def test_the_workflow_uploads_the_sarif_its_check_step_writes():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert workflow["permissions"]["security-events"] == "write"
    upload = next(s for s in steps() if "upload-sarif" in s.get("uses", ""))
    assert upload["if"] == "always()"           # the check step fails when it finds errors
    check = next(s["run"] for s in steps() if "indlint check" in s.get("run", ""))
    assert f"sarif:{upload['with']['sarif_file']}" in check


@pytest.mark.skipif(shutil.which("bash") is None, reason="the runner's shell, bash, is absent")
def test_the_run_steps_work_and_the_sarif_validates(tmp_path):
    schema = json.loads(shared_path("schemas", "sarif-schema-2.1.0.json").read_text("utf-8"))
    env_dir = tmp_path / "runner-python"
    venv.create(env_dir, with_pip=True)
    repo = tmp_path / "forms-repo"
    (repo / "申报表").mkdir(parents=True)
    (repo / "申报表" / "good.yaml").write_text(GOOD.replace("target: 满意", 'target: "≥90%"'),
                                              encoding="utf-8")
    (repo / "申报表" / "bad.yaml").write_text(BAD, encoding="utf-8")
    (repo / "申报表" / "README.md").write_text("# 申报表\n", encoding="utf-8")
    env = {**os.environ, "PATH": f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}",
           "VIRTUAL_ENV": str(env_dir), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    runs = [s["run"] for s in steps() if "run" in s]
    assert len(runs) == 2
    install = re.sub(r"git\+https://\S+?(?=\")", ROOT.as_uri(), runs[0])
    assert install != runs[0]
    done = subprocess.run(["bash", "-e", "-c", install], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=1200)
    assert done.returncode == 0, done.stdout + done.stderr
    check = subprocess.run(["bash", "-e", "-c", runs[1]], cwd=repo, env=env,
                           capture_output=True, text=True, timeout=600)
    assert check.returncode == 1, check.stdout + check.stderr      # an error fails the step
    assert "::error file=申报表/bad.yaml" in check.stdout
    log = json.loads((repo / "indlint.sarif").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator({**schema, "$ref": "#/definitions/Root"})
    assert not list(validator.iter_errors(log))
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"VL05"}
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert "%E7%94%B3%E6%8A%A5%E8%A1%A8/bad.yaml" in uris       # 申报表/bad.yaml, relative
    assert not [u for u in uris if not u.endswith(".yaml")]      # README.md is no form
