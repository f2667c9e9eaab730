"""Screenshots of each page of `lvye-forms serve` at laptop width, for the guide.

    python3 tools/screenshots.py            # writes docs/img/web-*.png

Starts the real server on a free port with a throw-away settings folder, fills the pages with
the forms' own examples (a workbook with a few mistakes, a small archive) and photographs them
with Playwright driving Debian's chromium (`apt-get install chromium`).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "img"
SIZE = {"width": 1366, "height": 768}


def _workbook_with_mistakes(folder: Path) -> Path:
    from lvye_forms import api

    path = folder / "同意书.xlsx"
    api.write_input_workbook("case_consent", path, example=True)
    workbook = load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    headers = [cell.value for cell in sheet[1]]

    def put(row: int, column: str, value: object) -> None:
        sheet.cell(row=row, column=headers.index(column) + 1, value=value)

    put(3, "身份证号", "441900195302130021")
    put(3, "出生日期", "1953年13月2日")
    put(3, "联系电话", "1380013")
    workbook.save(path)
    return path


def _archive(folder: Path) -> Path:
    from lvye_forms import api
    from lvye_forms.registry import get_form

    def put(sub: str, form_id: str, n: int = 0) -> None:
        model = get_form(form_id)
        record = model.model_validate(model.examples[min(n, len(model.examples) - 1)])
        target = folder / sub
        target.mkdir(parents=True, exist_ok=True)
        (target / api.document_name(record)).write_bytes(api.render_record(record))

    for form_id in ("service_application", "case_consent", "case_intake", "case_note_process"):
        put("个案/GA-2024-017", form_id)
    for form_id in ("group_plan", "group_session_record"):
        put("小组", form_id)
    put("活动", "activity_plan")
    return folder


def main() -> int:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("playwright is not installed: pip install playwright", file=sys.stderr)
        return 2
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("chromium is not installed: apt-get install chromium", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="lvye-forms-shots-"))
    config = work / "config"
    config.mkdir()
    (config / "settings.json").write_text(
        json.dumps({"agency": "东莞市绿叶社会工作服务中心", "language": "zh"}, ensure_ascii=False),
        encoding="utf-8",
    )
    os.environ["LVYE_FORMS_CONFIG_DIR"] = str(config)
    os.environ.pop("LVYE_FORMS_LANG", None)

    import uvicorn

    from lvye_forms.web.app import create_app
    from lvye_forms.web.server import free_port

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(
                executable_path=chromium, args=["--no-sandbox", "--lang=zh-CN"]
            )
            page = browser.new_page(viewport=SIZE, device_scale_factor=1, locale="zh-CN")

            def shot(name: str) -> None:
                page.screenshot(path=str(OUT / f"web-{name}.png"))
                print(f"docs/img/web-{name}.png")

            page.goto(base + "/forms")
            shot("forms")
            page.goto(base + "/generate")
            page.set_input_files("#file", str(_workbook_with_mistakes(work)))
            shot("generate")
            page.click("#submit")
            page.wait_for_selector(".summary")
            shot("generate-result")
            page.goto(base + "/check")
            page.fill("#folder", str(_archive(work / "主山社工站档案")))
            page.fill("#as_of", "2024-12-31")
            page.click("h1")  # nothing focused in the picture
            shot("check")
            page.click("#submit")
            page.frame_locator("#report").locator("#detail").wait_for()
            shot("check-result")
            page.goto(base + "/settings")
            shot("settings")
            browser.close()
    finally:
        server.should_exit = True
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
