"""The web page in a real browser: Playwright driving Debian's chromium against the real server.

Skipped when playwright or chromium is not installed (`.ci/run` installs both).
"""

from __future__ import annotations

import io
import shutil
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip("chromium is not installed", allow_module_level=True)

import uvicorn  # noqa: E402
from docx import Document  # noqa: E402

from lvye_forms import api  # noqa: E402
from lvye_forms.web.app import create_app  # noqa: E402
from lvye_forms.web.server import free_port  # noqa: E402

from .conftest import example_sheets, write_workbook  # noqa: E402
from .test_web import BAD_ID, small_archive  # noqa: E402

TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("web-browser")


@pytest.fixture(scope="module")
def server(files: Path) -> Iterator[str]:
    """The real server (uvicorn) on a free port, in a thread; its URL."""
    jobs = files / "jobs"
    jobs.mkdir()
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("LVYE_FORMS_CONFIG_DIR", str(files / "config"))
    monkeypatch.delenv("LVYE_FORMS_LANG", raising=False)
    port = free_port()
    config = uvicorn.Config(
        create_app(jobs_root=jobs), host="127.0.0.1", port=port, log_level="warning"
    )
    web = uvicorn.Server(config)
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not web.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert web.started, "the server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        web.should_exit = True
        thread.join(10)
        monkeypatch.undo()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1366, "height": 768})
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.goto(server + "/generate")
    yield tab
    context.close()


def _upload(page, path: Path) -> None:
    page.set_input_files("#file", str(path))
    assert path.name in page.inner_text("#file-name")
    page.click("#submit")
    page.wait_for_selector(".summary, .alert.error")


def test_a_workbook_without_errors_downloads_as_documents(page, files):
    path = files / "同意书.xlsx"
    api.write_input_workbook("case_consent", path, example=True)
    _upload(page, path)
    assert page.is_visible("#no-problems")
    assert page.inner_text("#written-count") == "2"
    with page.expect_download() as event:
        page.click("#download-documents")
    saved = files / "文档.zip"
    event.value.save_as(saved)
    assert event.value.suggested_filename == "同意书_文档.zip"
    with zipfile.ZipFile(saved) as package:
        names = sorted(package.namelist())
        assert names == [
            "接受个案服务同意书_GA-2024-017_李小明.docx",
            "接受个案服务同意书_GA-2024-018_王秀英.docx",
        ]
        document = Document(io.BytesIO(package.read(names[1])))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    text = "\n".join([p.text for p in document.paragraphs] + cells)
    assert "王秀英" in text


def test_a_workbook_with_errors_lists_every_problem(page, files):
    sheets = example_sheets("case_consent", overrides={"身份证号": BAD_ID, "出生日期": "明年"})
    path = write_workbook(files / "有错.xlsx", sheets)
    _upload(page, path)
    rows = page.locator("#problems tbody tr")
    table = [
        [rows.nth(i).locator("td").nth(j).inner_text() for j in range(5)]
        for i in range(rows.count())
    ]
    by_column = {row[2]: row for row in table}
    assert by_column["出生日期"][:4] == ["接受个案服务同意书", "2", "出生日期", "明年"]
    assert by_column["身份证号"][3] == "441***********0036"
    assert BAD_ID not in page.content()
    with page.expect_download() as event:
        page.click("#download-errors")
    assert event.value.suggested_filename == "有错-待修改.xlsx"


def test_a_file_dropped_on_the_page_is_uploaded(page, files):
    path = files / "拖放.xlsx"
    api.write_input_workbook("case_consent", path, example=True)
    data = list(path.read_bytes())
    page.evaluate(
        """([name, bytes]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(bytes)], name));
            const drop = document.getElementById('drop');
            drop.dispatchEvent(new DragEvent('drop', {dataTransfer: transfer, bubbles: true}));
        }""",
        [path.name, data],
    )
    assert "拖放.xlsx" in page.inner_text("#file-name")
    page.click("#submit")
    page.wait_for_selector(".summary")
    assert page.inner_text("#written-count") == "2"


def test_a_malformed_upload_gets_a_message_and_the_page_goes_on(page, files):
    path = files / "不是表格.xlsx"
    path.write_bytes(b"just some text")
    _upload(page, path)
    table = page.inner_text("#problems")
    assert "不是 .xlsx 格式" in table
    other = files / "说明.txt"
    other.write_text("x", encoding="utf-8")
    page.goto(page.url.split("/generate")[0] + "/generate")
    _upload(page, other)
    assert "请上传 .xlsx" in page.inner_text("#error")
    page.click("text=表单")
    assert page.is_visible("text=《接受个案服务同意书》")


def test_an_archive_check_shows_its_findings(page, server, files):
    archive = small_archive(files / "档案")
    page.goto(server + "/check")
    page.fill("#folder", str(archive))
    page.select_option("#profile", "lvye")
    page.fill("#as_of", "2024-12-31")
    page.click("#submit")
    page.wait_for_selector("#report")
    report = page.frame_locator("#report")
    detail = report.locator("#detail")
    detail.wait_for()
    text = detail.inner_text()
    assert "GA-2024-017" in text and "个案服务计划书" in text and "缺失" in text
    with page.expect_download() as event:
        page.click("#download-xlsx")
    assert event.value.suggested_filename.endswith(".xlsx")


def test_the_forms_page_downloads_workbooks_and_blank_forms(page, server, files):
    from openpyxl import load_workbook

    page.goto(server + "/forms")
    row = page.locator("#form-case_consent")
    with page.expect_download() as event:
        row.locator("text=含示例").click()
    workbook = files / event.value.suggested_filename
    event.value.save_as(workbook)
    sheet = load_workbook(workbook).active
    assert sheet["A1"].value == "个案编号" and sheet["A2"].value == "GA-2024-017"
    with page.expect_download() as event:
        row.locator("text=空白打印表").click()
    blank = files / event.value.suggested_filename
    event.value.save_as(blank)
    assert blank.suffix == ".docx"
    text = "".join(c.text for t in Document(blank).tables for r in t.rows for c in r.cells)
    text += "".join(p.text for p in Document(blank).paragraphs)
    assert "接受个案服务同意书" in text and "李小明" not in text
