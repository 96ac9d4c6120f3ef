"""Issue 17: a real browser (Debian's Chromium through Selenium) checks workbooks on `indlint serve`.

Where CI=true this test fails rather than skips when the browser, its driver or Selenium is
missing; elsewhere it skips and says why.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def _missing(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true: the browser test cannot run: {reason}")
    pytest.skip(reason)


@pytest.fixture
def server():
    try:
        from indlint.app.serve.server import start_in_thread
        from indlint.app.serve.settings import Settings
    except ImportError as err:      # pragma: no cover - the serve extra is part of make test
        _missing(f"the serve extra is not installed ({err})")
    running = start_in_thread(Settings(host="127.0.0.1", port=0))
    yield running
    running.stop()


@pytest.fixture
def browser(tmp_path):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium is not installed (pip install '.[test]')")
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            _missing(f"{path} is absent: apt-get install chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,2200", "--lang=zh-CN"):
        options.add_argument(arg)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    yield driver
    driver.quit()


def _wait_for_file(folder: Path, suffix: str, seconds: float = 30) -> Path:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.name.endswith(suffix)]
        if done and not any(p.name.endswith(".crdownload") for p in folder.iterdir()):
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} download in {seconds} s: {list(folder.iterdir())}")


def test_a_reviewer_checks_workbooks_in_the_browser(server, browser, tmp_path):
    from openpyxl import load_workbook
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as until
    from selenium.webdriver.support.ui import WebDriverWait

    seeds = [FIXTURES / "jiuliting_2026.xlsx", FIXTURES / "guangfulin_2023_self.xlsx"]
    browser.get(server.url + "/")
    assert "指标质量检查" in browser.title
    browser.find_element(By.ID, "files").send_keys("\n".join(str(p) for p in seeds))
    chosen = browser.find_elements(By.CSS_SELECTOR, "#chosen li")
    assert [li.text.split("（")[0] for li in chosen] == [p.name for p in seeds]
    browser.find_element(By.ID, "start").click()
    WebDriverWait(browser, 120).until(until.visibility_of_element_located((By.ID, "result")))

    assert "检查完成" in browser.find_element(By.ID, "status").text
    summary = browser.find_element(By.ID, "summary").text
    assert "2 个文件" in summary and "错误" in summary
    rows = browser.find_elements(By.CSS_SELECTOR, "#files tbody tr")
    assert [r.find_element(By.TAG_NAME, "td").text for r in rows] == [p.name for p in seeds]
    errors = int(rows[0].find_elements(By.TAG_NAME, "td")[3].text)
    labels = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#downloads a")]
    assert labels == ["审核报告（HTML）", "检查结果（JSON）", "检查结果（SARIF）", "全部审核意见（Excel）"]

    # The report in the page: the forms drawn row by row, findings beside their rows.
    expected = _api_findings(server.url, seeds)
    assert errors == sum(1 for f in expected if f["path"] == seeds[0].name
                         and f["severity"] == "error")
    browser.switch_to.frame(browser.find_element(By.ID, "report"))
    drawn = browser.find_elements(By.CSS_SELECTOR, "table.indicators tbody tr")
    assert len(drawn) == int(summary.split("张表，")[1].split(" 项指标")[0])
    flagged = browser.find_elements(By.CSS_SELECTOR, "table.indicators tbody tr.sev-error")
    assert flagged and all(r.find_element(By.CSS_SELECTOR, "td.notes").text for r in flagged)
    notes = "\n".join(r.find_element(By.CSS_SELECTOR, "td.notes").text for r in drawn)
    style = "\n".join(s.text for s in browser.find_elements(By.CSS_SELECTOR, "div.style-notes"))
    for finding in expected:
        if finding["row"] is not None:     # style notes have their own section (issue 15)
            if finding["category"] == "style.format":   # a table of 原写法 → 规范写法
                assert finding["indicator"] in style, finding
            else:
                assert finding["message"] in notes, finding
    browser.switch_to.default_content()
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "serve-page.png"))

    # The annotated copy of the first workbook, downloaded as a reviewer would.
    link = rows[0].find_element(By.PARTIAL_LINK_TEXT, "标注审核意见的副本")
    link.click()
    saved = _wait_for_file(browser.downloads, ".xlsx")
    copy = tmp_path / "annotated.xlsx"
    shutil.copy(saved, copy)
    book = load_workbook(copy)
    notes = [c for s in book.worksheets for row in s.iter_rows() for c in row if c.comment]
    header = [c for s in book.worksheets for row in s.iter_rows() for c in row
              if c.value == "indlint 审核意见"]
    assert header and len(notes) >= 1
    assert all(c.comment.author == "indlint" for c in notes)


def test_a_reviewer_gets_a_commented_word_copy_in_the_browser(server, browser, tmp_path):
    """Issue 13 in the page: a Word form uploaded, its copy with comments downloaded."""
    import subprocess
    import sys
    import zipfile

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as until
    from selenium.webdriver.support.ui import WebDriverWait

    subprocess.run([sys.executable, "-B", str(FIXTURES / "make_word_pdf_xls.py"), str(tmp_path),
                    "docx"], check=True, capture_output=True, timeout=300)
    word = tmp_path / "jiuliting_2026_word.docx"
    browser.get(server.url + "/")
    browser.find_element(By.ID, "files").send_keys(str(word))
    browser.find_element(By.ID, "start").click()
    WebDriverWait(browser, 120).until(until.visibility_of_element_located((By.ID, "result")))
    assert "检查完成" in browser.find_element(By.ID, "status").text
    rows = browser.find_elements(By.CSS_SELECTOR, "#files tbody tr")
    assert [r.find_element(By.TAG_NAME, "td").text for r in rows] == [word.name]
    expected = _api_findings(server.url, [word])
    browser.switch_to.frame(browser.find_element(By.ID, "report"))
    page = browser.find_element(By.TAG_NAME, "body").text
    assert all(f["location"] in page for f in expected if f["severity"] == "error")
    browser.switch_to.default_content()

    rows[0].find_element(By.PARTIAL_LINK_TEXT, "加批注的副本").click()
    saved = _wait_for_file(browser.downloads, ".docx")
    with zipfile.ZipFile(saved) as archive:
        comments = archive.read("word/comments.xml").decode("utf-8")
    errors = {f["rule"] for f in expected if f["severity"] == "error"}
    assert errors and all(rule in comments for rule in errors)


def _api_findings(url: str, paths: list[Path]) -> list[dict]:
    """The same files through POST /api/check (a real HTTP request, as another system sends it)."""
    import httpx

    files = [("files", (p.name, p.read_bytes())) for p in paths]
    answer = httpx.post(url + "/api/check", files=files, headers={"Origin": url}, timeout=60)
    assert answer.status_code == 200, answer.text
    return answer.json()["findings"]
