"""Issue 17: `indlint serve` — the JSON API, the downloads and every safety promise, each as a test."""
from __future__ import annotations

import io
import json
import os
import re
import stat
import time
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import GOOD, ROOT

pytest.importorskip("starlette", reason="the serve extra is not installed (pip install '.[serve]')")
with warnings.catch_warnings():    # Starlette 1.x would rather have httpx2; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

from indlint.app.cli import main  # noqa: E402
from indlint.app.serve.settings import Settings, SettingsError, validate  # noqa: E402
from indlint.app.serve.store import JobStore  # noqa: E402
from indlint.app.serve.web import create_app  # noqa: E402
from indlint.app.serve.work import Checker  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
BASE = "http://127.0.0.1:8765"
ORIGIN = {"Origin": BASE}
TOKEN = "s3cret-token-for-the-tests"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def checker():
    return Checker()


def client(checker, **settings) -> TestClient:
    store = settings.pop("store", None)
    app = create_app(Settings(**settings), checker, store)
    return TestClient(app, base_url=BASE)


def upload(*files: tuple[str, bytes]):
    return [("files", (name, io.BytesIO(data), "application/octet-stream")) for name, data in files]


def seed() -> tuple[str, bytes]:
    return "jiuliting_2026.xlsx", (FIXTURES / "jiuliting_2026.xlsx").read_bytes()


def wait(c: TestClient, job_id: str) -> dict:
    for _ in range(600):
        status = c.get(f"/jobs/{job_id}").json()
        if status["state"] in ("done", "failed"):
            return status
        time.sleep(0.05)
    raise AssertionError("the job did not finish")


def assert_refusal(response, status: int) -> str:
    assert response.status_code == status, response.text
    text = response.text
    assert CHINESE.search(text) and "Traceback" not in text and "File \"" not in text
    return text


# ---- starting ------------------------------------------------------------------------------

def test_a_non_loopback_bind_without_a_token_refuses_to_start(monkeypatch):
    monkeypatch.delenv("INDLINT_TOKEN", raising=False)
    for host in ("0.0.0.0", "192.0.2.7", "::"):
        result = CliRunner().invoke(main, ["serve", "--host", host, "--port", "0"])
        assert result.exit_code == 2
        assert "令牌" in result.output and "Traceback" not in result.output
    with pytest.raises(SettingsError):
        validate(Settings(host="0.0.0.0"))
    with pytest.raises(SettingsError, match="太短"):
        validate(Settings(host="0.0.0.0", token="short"))
    assert validate(Settings(host="0.0.0.0", token=TOKEN)).token == TOKEN
    assert validate(Settings(host="127.0.0.2")).loopback


def test_without_the_extra_serve_says_how_to_install_it(monkeypatch):
    import indlint.app.serve.command as command

    real = command.importlib.util.find_spec
    monkeypatch.setattr(command.importlib.util, "find_spec",
                        lambda name, *a: None if name == "starlette" else real(name, *a))
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 2
    assert "pip install 'indlint[serve]'" in result.output and "需要" in result.output


# ---- the token -----------------------------------------------------------------------------

def test_a_request_without_the_token_gets_401(checker):
    c = client(checker, token=TOKEN)
    for path in ("/", "/rules", "/static/app.js", "/jobs/" + "a" * 32):
        assert_refusal(c.get(path), 401)
    assert_refusal(c.post("/api/check", files=upload(seed()), headers=ORIGIN), 401)
    assert_refusal(c.post("/api/check", files=upload(seed()),
                          headers={"Authorization": "Bearer wrong-token-wrong-token"}), 401)
    assert_refusal(c.get("/?token=wrong-token-wrong-token", follow_redirects=False), 401)


def test_the_token_travels_once_then_lives_in_a_strict_httponly_cookie(checker):
    c = client(checker, token=TOKEN)
    first = c.get(f"/?token={TOKEN}", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/"
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and TOKEN not in cookie
    assert c.get("/").status_code == 200               # the cookie alone now
    assert c.post("/api/check", files=upload(seed()), headers=ORIGIN).status_code == 200


def test_the_api_takes_the_token_as_a_bearer_header(checker):
    c = client(checker, token=TOKEN)
    answer = c.post("/api/check", files=upload(seed()), headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200 and answer.json()["version"] == 1


# ---- Host and Origin -----------------------------------------------------------------------

def test_an_unexpected_host_header_is_refused(checker):
    c = client(checker)
    for host in ("evil.example", "evil.example:8765", "127.0.0.1.evil.example"):
        assert_refusal(c.get("/", headers={"Host": host}), 400)
    for host in ("127.0.0.1:8765", "localhost:8765", "[::1]:8765", "LOCALHOST"):
        assert c.get("/", headers={"Host": host}).status_code == 200
    allowed = client(checker, allow_hosts=("indlint.office.example",))
    assert allowed.get("/", headers={"Host": "indlint.office.example"}).status_code == 200


def test_a_post_must_carry_a_matching_origin(checker):
    c = client(checker)
    for headers in ({}, {"Origin": "http://evil.example"}, {"Origin": "null"},
                    {"Origin": "http://127.0.0.1:9999"}):
        assert_refusal(c.post("/api/check", files=upload(seed()), headers=headers), 403)
        assert_refusal(c.post("/jobs", files=upload(seed()), headers=headers), 403)
    assert c.post("/api/check", files=upload(seed()), headers=ORIGIN).status_code == 200


# ---- limits and malformed uploads ----------------------------------------------------------

def test_an_oversized_upload_gets_413_with_a_chinese_message(checker):
    c = client(checker, max_file_bytes=64 * 1024)
    text = assert_refusal(c.post("/api/check", headers=ORIGIN,
                                 files=upload(("big.yaml", b"#" * (65 * 1024)))), 413)
    assert "文件太大" in text and "MiB" in text
    many = client(checker, max_files=2)
    text = assert_refusal(many.post("/jobs", headers=ORIGIN, files=upload(
        ("a.yaml", GOOD.encode()), ("b.yaml", GOOD.encode()), ("c.yaml", GOOD.encode()))), 413)
    assert "文件太多" in text and "2" in text
    # A declared length beyond every limit is refused before the body is read.
    huge = c.post("/api/check", headers={**ORIGIN, "Content-Length": str(10 ** 12),
                                         "Content-Type": "multipart/form-data; boundary=x"},
                  content=b"")
    assert "上传内容太大" in assert_refusal(huge, 413)


def test_a_malformed_upload_gets_a_clear_message(checker):
    c = client(checker)
    garbage = c.post("/api/check", headers={**ORIGIN, "Content-Type": "multipart/form-data; boundary=zz"},
                     content=b"--zz\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.yaml\"\r\n")
    assert "上传" in assert_refusal(garbage, 400)
    assert_refusal(c.post("/api/check", headers={**ORIGIN, "Content-Type": "application/json"},
                          content=b"{}"), 415)
    assert "没有收到" in assert_refusal(c.post("/api/check", headers=ORIGIN,
                                              files=upload(("notes.md", b"# hi"))), 400)
    assert "未知的规则预设" in assert_refusal(
        c.post("/api/check", headers=ORIGIN, files=upload(seed()), data={"profile": "nope"}), 400)
    broken = c.post("/api/check", headers=ORIGIN, files=upload(("坏表.xlsx", os.urandom(3000))))
    found = broken.json()["findings"]
    assert broken.status_code == 200 and found[0]["category"] == "input.invalid"
    assert found[0]["path"] == "坏表.xlsx" and "indlint-serve" not in broken.text


def test_an_internal_error_is_a_chinese_500_without_internals(checker, monkeypatch):
    c = client(checker)
    monkeypatch.setattr(Checker, "findings_json", lambda self, job: 1 / 0)
    text = assert_refusal(c.post("/api/check", headers=ORIGIN, files=upload(seed())), 500)
    assert "ZeroDivision" not in text and "服务器内部错误" in text


# ---- names and folders ---------------------------------------------------------------------

def test_client_file_names_land_only_in_the_private_temporary_folder(checker, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = JobStore(600)
    c = client(checker, store=store)
    assert stat.S_IMODE(store.root.stat().st_mode) == 0o700
    names = ["../../etc/passwd", "../../etc/passwd.yaml", "a/b.xlsx", "..\\..\\win.yaml",
             "/abs/c.yaml", "..", "<b onclick=x>表.yaml"]
    job = c.post("/jobs", headers=ORIGIN, files=upload(*((n, GOOD.encode()) for n in names))).json()
    status = wait(c, job["id"])
    assert status["state"] == "done"
    shown = [f["name"] for f in status["files"]]
    assert shown == ["passwd.yaml", "b.xlsx", "win.yaml", "c.yaml", "<b onclick=x>表.yaml"]
    assert list(tmp_path.iterdir()) == []
    assert not (store.root.parent / "etc").exists()
    inside = [p.relative_to(store.root).parts[1:] for p in store.root.rglob("*") if p.is_file()]
    assert all(re.fullmatch(r"\d{3}\.(yaml|xlsx)", parts[1]) for parts in inside if parts[0] == "in")
    assert all(re.fullmatch(r"[a-z]+(-\d+)?\.[a-z]+", parts[1]) for parts in inside if parts[0] == "out")
    answer = c.post("/api/check", headers=ORIGIN, files=upload(("a/b.yaml", GOOD.encode()))).json()
    assert {f["path"] for f in answer["findings"]} == {"b.yaml"}
    store.close()
    assert not store.root.exists()


def test_html_in_a_project_name_is_escaped_in_the_page(checker):
    c = client(checker)
    evil = GOOD.replace("project: 测试项目", 'project: "<script>alert(1)</script><img src=x onerror=alert(2)>"')
    job = c.post("/jobs", headers=ORIGIN, files=upload(("<img src=y onerror=alert(3)>表.yaml", evil.encode()))).json()
    assert wait(c, job["id"])["state"] == "done"
    report = c.get(f"/jobs/{job['id']}/report")
    assert "<script>alert(1)" not in report.text and "<img src=x" not in report.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report.text
    assert "<img src=y" not in report.text and "&lt;img src=y onerror=alert(3)&gt;表.yaml" in report.text
    page_script = c.get("/static/app.js").text
    assert "innerHTML" not in page_script and "textContent" in page_script


def test_a_result_id_expires_and_its_files_are_deleted(checker):
    now = [1000.0]
    store = JobStore(30 * 60, clock=lambda: now[0])
    c = client(checker, store=store)
    job = c.post("/jobs", headers=ORIGIN, files=upload(seed())).json()
    assert wait(c, job["id"])["state"] == "done"
    folder = store.root / job["id"]
    assert c.get(f"/jobs/{job['id']}/download/json").status_code == 200 and folder.exists()
    now[0] += 29 * 60
    assert c.get(f"/jobs/{job['id']}").status_code == 200
    now[0] += 2 * 60
    text = assert_refusal(c.get(f"/jobs/{job['id']}/download/json"), 404)
    assert "30 分钟" in text and not folder.exists()
    assert_refusal(c.get(f"/jobs/{job['id']}"), 404)
    assert_refusal(c.get("/jobs/../../etc/passwd"), 404)


# ---- headers -------------------------------------------------------------------------------

def test_every_page_carries_a_strict_csp_and_nosniff(checker):
    c = client(checker)
    job = c.post("/jobs", headers=ORIGIN, files=upload(seed())).json()
    wait(c, job["id"])
    paths = ["/", "/rules", "/static/app.js", "/static/app.css", "/nowhere", f"/jobs/{job['id']}",
             f"/jobs/{job['id']}/download/report", "/jobs/" + "b" * 32]
    for path in paths:
        response = c.get(path)
        assert response.headers["x-content-type-options"] == "nosniff", path
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "unsafe-eval" not in csp, path
        assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0], path
    from indlint.output.html_report import content_security_policy

    report = c.get(f"/jobs/{job['id']}/report")
    assert report.headers["content-security-policy"].startswith(content_security_policy())
    assert f'content="{content_security_policy()}"' in report.text


# ---- what the page and the API give -------------------------------------------------------

def test_the_api_answers_findings_json_v1_as_check_does(checker, tmp_path):
    c = client(checker)
    answer = c.post("/api/check", headers=ORIGIN, files=upload(seed()))
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/json")
    got = answer.json()
    result = CliRunner().invoke(main, ["check", "--format", "json", "--config", str(_no_config(tmp_path)),
                                       str(FIXTURES / "jiuliting_2026.xlsx")])
    expected = json.loads(result.stdout)
    assert got["version"] == 1 and got["summary"] == expected["summary"]
    assert {f["path"] for f in got["findings"]} == {"jiuliting_2026.xlsx"}
    assert [{**f, "path": ""} for f in got["findings"]] == [{**f, "path": ""} for f in expected["findings"]]
    assert any(f.get("cell") for f in got["findings"])


def _no_config(tmp_path: Path) -> Path:
    path = tmp_path / "indlint.yaml"
    path.write_text("profile: default\n", encoding="utf-8")
    return path


def test_a_batch_offers_report_json_sarif_yaml_and_annotated_workbook(checker, tmp_path):
    from openpyxl import load_workbook
    import yaml

    c = client(checker)
    job = c.post("/jobs", headers=ORIGIN, data={"profile": "cz2021"}, files=upload(
        seed(), ("自评.yaml", (FIXTURES / "guangfulin_2023_self.yaml").read_bytes()))).json()
    status = wait(c, job["id"])
    assert status["state"] == "done" and status["total"] == 2 and status["done"] == 2
    keys = {d["key"] for d in status["downloads"]}
    assert {"report", "json", "sarif", "workbook", "yaml-1", "xlsx-1"} <= keys and "yaml-2" not in keys
    get = {k: c.get(f"/jobs/{job['id']}/download/{k}") for k in keys}
    assert all(r.status_code == 200 for r in get.values())
    assert "filename*=UTF-8''" in get["xlsx-1"].headers["content-disposition"]
    assert "attachment" in get["report"].headers["content-disposition"]
    assert json.loads(get["sarif"].text)["version"] == "2.1.0"
    assert len(json.loads(get["json"].text)["findings"]) == status["summary"]["error"] + \
        status["summary"]["warning"] + status["summary"]["info"]
    imported = yaml.safe_load(get["yaml-1"].text)
    forms = imported.get("forms", [imported])
    assert forms and all(f["indicators"] for f in forms) and "jiuliting_2026.xlsx" in get["yaml-1"].text
    (tmp_path / "a.xlsx").write_bytes(get["xlsx-1"].content)
    sheet = load_workbook(tmp_path / "a.xlsx").worksheets[0]
    assert any(cell.value == "indlint 审核意见" for row in sheet.iter_rows() for cell in row)
    assert any(cell.comment for row in sheet.iter_rows() for cell in row)
    # The findings workbook of the whole batch (issue 15): one row per finding, client names only.
    (tmp_path / "all.xlsx").write_bytes(get["workbook"].content)
    rows = list(load_workbook(tmp_path / "all.xlsx").worksheets[0].iter_rows(values_only=True))
    assert len(rows) - 1 == len(json.loads(get["json"].text)["findings"])
    assert {r[0] for r in rows[1:]} <= {"jiuliting_2026.xlsx", "自评.yaml"}
    assert any(r[5] for r in rows[1:])          # the target column, read from the uploads


def test_the_pages_are_chinese_and_list_every_rule(checker, ruleset):
    c = client(checker)
    page = c.get("/").text
    assert 'lang="zh-CN"' in page and "选择文件" in page and "cz2021" in page
    assert "http" not in re.sub(r'(href|src)="/[^"]*"', "", page.split("<body>")[1])   # no CDN
    rules = c.get("/rules").text
    for rule_id in ruleset.rules:
        assert f'id="{rule_id}"' in rules
    assert rules.count("依据</dt>") == len(ruleset.rules) and "不通过的例子" in rules


def test_indlint_serve_starts_prints_its_address_and_serves(tmp_path):
    """The command itself: a free loopback port, the address with the token printed once."""
    import subprocess
    import sys

    import httpx

    binary = Path(sys.executable).parent / "indlint"
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir(), work.mkdir()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("INDLINT_", "XDG_"))},
           "INDLINT_TOKEN": TOKEN, "HOME": str(home)}
    # Every command line fills indlint's start-up cache once; the server must add nothing to it.
    subprocess.run([str(binary), "serve", "--help"], env=env, capture_output=True, check=True)
    before = sorted(home.rglob("*"))
    proc = subprocess.Popen([str(binary), "serve", "--port", "0"], cwd=work, env=env,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        line = proc.stderr.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/\?token=\S+", line)
        assert url, line
        with httpx.Client(timeout=30, follow_redirects=True) as browser_like:
            first = browser_like.get(url.group(0))
            assert first.status_code == 200 and "选择文件" in first.text
            assert "token" not in str(first.url)
            base = str(first.url).rstrip("/")
            answer = browser_like.post(base + "/api/check", headers={"Origin": base},
                                       files=upload(seed()))
            assert answer.status_code == 200 and answer.json()["summary"]["files"] == 1
        assert list(work.iterdir()) == [] and sorted(home.rglob("*")) == before
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _word_form(out: Path) -> Path:
    """The Word fixture (tests/fixtures/make_word_pdf_xls.py builds it; never committed)."""
    import subprocess
    import sys

    script = FIXTURES / "make_word_pdf_xls.py"
    subprocess.run([sys.executable, "-B", str(script), str(out), "docx"], check=True,
                   capture_output=True, timeout=300)
    return out / "jiuliting_2026_word.docx"


def test_a_word_upload_offers_its_commented_copy(checker, tmp_path):
    """Issue 13 in the page: each uploaded .docx gets a copy with the findings as comments."""
    import zipfile

    word = _word_form(tmp_path)
    original = word.read_bytes()
    c = client(checker)
    job = c.post("/jobs", headers=ORIGIN, files=upload(("申报表.docx", original))).json()
    status = wait(c, job["id"])
    assert status["state"] == "done", status
    keys = {d["key"] for d in status["downloads"]}
    assert {"yaml-1", "docx-1"} <= keys
    got = c.get(f"/jobs/{job['id']}/download/docx-1")
    assert got.status_code == 200 and "wordprocessingml" in got.headers["content-type"]
    assert "filename*=UTF-8''" in got.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(got.content)) as archive:
        comments = archive.read("word/comments.xml").decode("utf-8")
    assert "VL05" in comments and "indlint" in comments
    findings = json.loads(c.get(f"/jobs/{job['id']}/download/json").text)["findings"]
    assert all(f["path"] == "申报表.docx" for f in findings)
    assert any(f.get("location", "").startswith("表2 ") for f in findings)
