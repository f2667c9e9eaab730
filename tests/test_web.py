"""The web page (`lvye-forms serve`) through Starlette's test client: routes, uploads, safety."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import time
import warnings
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("httpx")
from click.testing import CliRunner  # noqa: E402
from docx import Document  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from lvye_forms import api  # noqa: E402
from lvye_forms.cli import main  # noqa: E402
from lvye_forms.registry import get_form  # noqa: E402
from lvye_forms.web import catalogue  # noqa: E402
from lvye_forms.web.app import create_app  # noqa: E402
from lvye_forms.web.security import StartRefused, check_start, host_allowed  # noqa: E402
from lvye_forms.web.server import prepare  # noqa: E402

from .conftest import example_sheets, write_workbook  # noqa: E402

LOCAL = ("127.0.0.1", 50000)
REMOTE = ("192.168.1.20", 50000)
BAD_ID = "441900201205060036"  # the example's ID with a wrong check digit


@pytest.fixture(autouse=True)
def _settings_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LVYE_FORMS_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("LVYE_FORMS_PASSWORD", raising=False)
    monkeypatch.delenv("LVYE_FORMS_LANG", raising=False)


def client(tmp_path: Path, *, address=LOCAL, **options) -> TestClient:
    app = create_app(jobs_root=_jobs(tmp_path), **options)
    return TestClient(app, base_url="http://127.0.0.1", client=address)


def _jobs(tmp_path: Path) -> Path:
    folder = tmp_path / "jobs"
    folder.mkdir(exist_ok=True)
    return folder


def csrf(web: TestClient, path: str = "/generate") -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', web.get(path).text)
    assert match
    return match.group(1)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def upload(web: TestClient, name: str, data: bytes, **fields: str):
    return web.post(
        "/generate",
        data={"csrf": csrf(web), **fields},
        files={"file": (name, data)},
        follow_redirects=False,
    )


def finished(web: TestClient, location: str, timeout: float = 60) -> str:
    """The job's page once its render is done."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = web.get(f"{location}/status").json()
        if state["state"] != "running":
            return web.get(location).text
        time.sleep(0.1)
    raise AssertionError("render did not finish")


def example_workbook(tmp_path: Path) -> bytes:
    path = tmp_path / "同意书.xlsx"
    api.write_input_workbook("case_consent", path, example=True)
    return path.read_bytes()


def workbook_with_errors(tmp_path: Path) -> bytes:
    sheets = example_sheets(
        "case_consent", overrides={"身份证号": BAD_ID, "出生日期": "明年", "性别": "男"}
    )
    return write_workbook(tmp_path / "坏.xlsx", sheets).read_bytes()


# --- pages --------------------------------------------------------------------------------


def test_every_page_is_chinese_and_needs_no_internet(tmp_path):
    with client(tmp_path) as web:
        for path in ("/forms", "/generate", "/check", "/settings"):
            page = web.get(path)
            assert page.status_code == 200
            assert "生成文档" in page.text and "档案检查" in page.text
            # Every asset is served by the page itself: no CDN, works offline.
            assert not re.search(r'(src|href)="(https?:)?//', page.text)
        assert web.get("/static/style.css").status_code == 200
        assert web.get("/static/app.js").status_code == 200


def test_forms_page_groups_forms_by_area_with_sources(tmp_path):
    with client(tmp_path) as web:
        page = web.get("/forms").text
    areas = [m for m in re.findall(r"<h2>([^<]+)</h2>", page)]
    assert areas[:3] == ["个案", "小组", "社区"]
    assert "《接受个案服务同意书》" in page
    assert "确定接案后须签订" in page  # what it is for, from the procedure
    assert "绿叶 附件1 第一步(二)7" in page  # its seed reference


def test_input_workbook_downloads(tmp_path):
    with client(tmp_path) as web:
        blank = web.get("/forms/case_consent/workbook")
        example = web.get("/forms/case_consent/workbook?example=1")
        missing = web.get("/forms/no_such_form/workbook")
    assert blank.status_code == example.status_code == 200
    assert "filename*=UTF-8''" in blank.headers["content-disposition"]
    rows = list(load_workbook(io.BytesIO(example.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "个案编号" and rows[1][0] == "GA-2024-017"
    empty = list(load_workbook(io.BytesIO(blank.content)).active.iter_rows(values_only=True))
    assert empty[0][0] == "个案编号" and not any(empty[1] if len(empty) > 1 else [])
    assert missing.status_code == 404


def test_all_forms_zip_holds_each_forms_workbook(tmp_path, monkeypatch):
    few = [get_form("case_consent"), get_form("group_plan")]
    monkeypatch.setattr(catalogue.api, "list_forms", lambda: few)
    catalogue.all_workbooks_zip.cache_clear()
    try:
        with client(tmp_path) as web:
            response = web.get("/forms/all.zip")
        names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    finally:
        catalogue.all_workbooks_zip.cache_clear()
    assert names == ["接受个案服务同意书_输入表.xlsx", "小组计划书_输入表.xlsx"]


# --- generate -----------------------------------------------------------------------------


def test_a_good_workbook_becomes_documents_in_one_zip_and_nothing_stays(tmp_path):
    with client(tmp_path) as web:
        response = upload(web, "同意书.xlsx", example_workbook(tmp_path))
        assert response.status_code == 303
        location = response.headers["location"]
        page = text_of(finished(web, location))
        assert "没有发现问题" in page and "李小明" in page
        # The progress bar's feed counted every row as the library reported it.
        assert web.get(f"{location}/status").json() == {"state": "done", "done": 2, "total": 2}
        download = web.get(f"{location}/documents.zip")
        assert download.status_code == 200
        package = zipfile.ZipFile(io.BytesIO(download.content))
        assert sorted(package.namelist()) == [
            "接受个案服务同意书_GA-2024-017_李小明.docx",
            "接受个案服务同意书_GA-2024-018_王秀英.docx",
        ]
        document = Document(io.BytesIO(package.read(package.namelist()[0])))
        text = "\n".join(p.text for p in document.paragraphs) + "".join(
            c.text for t in document.tables for r in t.rows for c in r.cells
        )
        assert "李小明" in text
        # Downloaded: the job's private folder is gone, and so is the upload.
        assert list((tmp_path / "jobs").iterdir()) == []
        assert web.get(f"{location}/documents.zip").status_code == 404


def test_problems_are_listed_masked_with_the_marked_workbook(tmp_path):
    with client(tmp_path) as web:
        location = upload(web, "坏.xlsx", workbook_with_errors(tmp_path)).headers["location"]
        html = finished(web, location)
        rows = re.findall(r"<tr><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td>"
                          r"<td[^>]*>(.*?)</td><td>(.*?)</td></tr>", html)
        by_column = {row[2]: row for row in rows}
        assert by_column["出生日期"][:2] == ("接受个案服务同意书", "2")
        assert by_column["出生日期"][3] == "明年"
        assert "日期" in by_column["出生日期"][4]
        # The ID is shown as `lvye-forms render` prints it, never in full.
        assert by_column["身份证号"][3] == "441***********0036"
        assert BAD_ID not in html
        marked = web.get(f"{location}/errors.xlsx")
        assert marked.status_code == 200
        sheet = load_workbook(io.BytesIO(marked.content)).active
        headers = [c.value for c in sheet[1]]
        cell = sheet.cell(row=2, column=headers.index("出生日期") + 1)
        assert cell.value == "明年" and cell.comment is not None


def test_csv_needs_a_form_and_unknown_suffixes_are_refused(tmp_path):
    with client(tmp_path) as web:
        csv = upload(web, "数据.csv", "个案编号\nGA-1\n".encode())
        exe = upload(web, "程序.exe", b"MZ")
    assert csv.status_code == 400 and "CSV 文件不带表单信息" in csv.text
    assert exe.status_code == 400 and "请上传 .xlsx" in exe.text


def test_a_file_that_is_no_workbook_gets_a_message_and_the_server_goes_on(tmp_path):
    with client(tmp_path) as web:
        location = upload(web, "报表.xlsx", b"<html><table></table></html>").headers["location"]
        page = text_of(finished(web, location))
        assert "网页（HTML）" in page
        assert web.get("/forms").status_code == 200


def test_an_upload_over_the_limit_is_refused_with_a_message(tmp_path):
    with client(tmp_path, upload_limit=4096) as web:
        response = upload(web, "大.xlsx", b"PK" + b"\0" * 10_000)
        assert response.status_code == 413
        assert "文件太大" in response.text and "MB" in response.text
        assert web.get("/generate").status_code == 200
    assert list((tmp_path / "jobs").iterdir()) == []


def test_posts_without_the_csrf_token_are_refused(tmp_path):
    with client(tmp_path) as web:
        web.get("/generate")
        missing = web.post("/generate", files={"file": ("a.xlsx", b"x")})
        wrong = web.post("/settings", data={"csrf": "guess", "agency": "X"})
    assert missing.status_code == wrong.status_code == 403
    assert "页面已过期" in missing.text
    assert not (tmp_path / "config" / "settings.json").exists()


def test_a_job_is_seen_only_by_the_browser_that_made_it(tmp_path):
    app = create_app(jobs_root=_jobs(tmp_path))
    with TestClient(app, base_url="http://127.0.0.1", client=LOCAL) as mine:
        location = upload(mine, "同意书.xlsx", example_workbook(tmp_path)).headers["location"]
        finished(mine, location)
        with TestClient(app, base_url="http://127.0.0.1", client=LOCAL) as other:
            assert other.get(location).status_code == 404
            assert other.get(f"{location}/documents.zip").status_code == 404


# --- archive check ------------------------------------------------------------------------


def put(folder: Path, form_id: str) -> Path:
    model = get_form(form_id)
    record = model.model_validate(model.examples[0])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / api.document_name(record)
    path.write_bytes(api.render_record(record))
    return path


def small_archive(root: Path) -> Path:
    """A case with its consent and nothing else: the plan and the closing are missing."""
    put(root / "个案" / "GA-2024-017", "case_consent")
    put(root / "个案" / "GA-2024-017", "case_note_process")
    return root


def check(web: TestClient, **fields):
    files = fields.pop("files", None)
    return web.post(
        "/check",
        data={"csrf": csrf(web, "/check"), "profile": "lvye", "as_of": "2024-12-31", **fields},
        files=files,
        follow_redirects=False,
    )


def test_archive_check_of_a_folder_shows_the_html_report_and_the_xlsx(tmp_path):
    archive = small_archive(tmp_path / "档案")
    with client(tmp_path) as web:
        response = check(web, folder=str(archive))
        assert response.status_code == 303
        location = response.headers["location"]
        page = web.get(location).text
        assert "lvye" in page and "2024-12-31" in page
        report = web.get(f"{location}/report.html")
        assert "default-src 'none'" in report.headers["content-security-policy"]
        assert "个案服务计划书" in report.text and "缺失" in report.text
        workbook = load_workbook(io.BytesIO(web.get(f"{location}/report.xlsx").content))
        assert "明细" in workbook.sheetnames
        details = list(workbook["明细"].iter_rows(values_only=True))
        assert any(row[1] == "GA-2024-017" and row[7] == "缺失" for row in details[1:])


def test_a_folder_path_is_refused_from_another_computer(tmp_path):
    archive = small_archive(tmp_path / "档案")
    with client(tmp_path, address=REMOTE) as web:
        assert 'name="folder"' not in web.get("/check").text
        response = check(web, folder=str(archive))
    assert response.status_code == 403
    assert "只有在运行本工具的电脑上" in response.text


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in entries.items():
            package.writestr(name, data)
    return buffer.getvalue()


def test_an_uploaded_archive_zip_is_checked_and_removed(tmp_path):
    archive = small_archive(tmp_path / "档案")
    entries = {
        str(p.relative_to(archive)): p.read_bytes() for p in archive.rglob("*") if p.is_file()
    }
    with client(tmp_path, address=REMOTE) as web:
        response = check(web, files={"archive": ("档案.zip", _zip(entries))})
        assert response.status_code == 303
        report = web.get(f"{response.headers['location']}/report.html").text
    assert "个案服务计划书" in report and "GA-2024-017" in report
    assert list((tmp_path / "jobs").iterdir()) == []


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"big.docx": b"\0" * (11 * 1024 * 1024)}, "压缩炸弹"),
        ({"../../evil.docx": b"x"}, "路径不安全"),
    ],
)
def test_a_hostile_archive_zip_gets_a_message(tmp_path, entries, message):
    with client(tmp_path) as web:
        response = check(web, files={"archive": ("档案.zip", _zip(entries))})
        assert response.status_code == 400
        assert message in response.text
        assert web.get("/check").status_code == 200
    assert not (tmp_path / "evil.docx").exists()
    assert list((tmp_path / "jobs").iterdir()) == []


def test_a_zip_that_is_no_zip_gets_a_message(tmp_path):
    with client(tmp_path) as web:
        response = check(web, files={"archive": ("档案.zip", b"not a zip")})
    assert response.status_code == 400 and "无法使用这个压缩包" in response.text


# --- settings, language, password, host ----------------------------------------------------


def test_settings_are_saved_in_the_profile_folder(tmp_path):
    output = tmp_path / "输出"
    output.mkdir()
    with client(tmp_path) as web:
        response = web.post(
            "/settings",
            data={
                "csrf": csrf(web, "/settings"),
                "agency": "东莞市乐雅社会工作服务中心",
                "output": str(output),
                "templates": "",
                "language": "zh",
            },
        )
        assert "设置已保存" in response.text
        bad = web.post(
            "/settings",
            data={"csrf": csrf(web, "/settings"), "output": str(tmp_path / "没有")},
        )
        assert bad.status_code == 400 and "输出文件夹不存在" in bad.text
    saved = json.loads((tmp_path / "config" / "settings.json").read_text(encoding="utf-8"))
    assert saved["agency"] == "东莞市乐雅社会工作服务中心"
    assert saved["output"] == str(output)


def test_documents_stay_in_the_output_folder_when_one_is_chosen(tmp_path):
    output = tmp_path / "输出"
    output.mkdir()
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text(
        json.dumps({"output": str(output), "agency": "东莞市乐雅社会工作服务中心"}), "utf-8"
    )
    with client(tmp_path) as web:
        location = upload(web, "同意书.xlsx", example_workbook(tmp_path)).headers["location"]
        finished(web, location)
        assert web.get(f"{location}/documents.zip").status_code == 200
    kept = sorted(p.name for p in output.iterdir())
    assert kept == [
        "接受个案服务同意书_GA-2024-017_李小明.docx",
        "接受个案服务同意书_GA-2024-018_王秀英.docx",
    ]
    text = "".join(p.text for p in Document(output / kept[0]).paragraphs)
    assert "乐雅" in text


def test_the_language_switch_turns_the_pages_english(tmp_path):
    with client(tmp_path) as web:
        page = web.post(
            "/language", data={"csrf": csrf(web, "/forms"), "language": "en", "back": "/forms"}
        )
        assert "Generate documents" in page.text and "Archive check" in page.text
        upload_page = web.get("/generate").text
    assert "Upload and generate" in upload_page


def test_a_password_protects_every_page(tmp_path):
    with client(tmp_path, password="correct horse") as web:
        first = web.get("/forms", follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"] == "/login"
        token = csrf(web, "/login")
        wrong = web.post("/login", data={"csrf": token, "password": "guess"})
        assert wrong.status_code == 403 and "密码不正确" in wrong.text
        right = web.post("/login", data={"csrf": token, "password": "correct horse"})
        assert right.status_code == 200 and "表单" in right.text
        assert web.get("/forms").status_code == 200


def test_another_host_than_loopback_needs_a_password(tmp_path, monkeypatch):
    with pytest.raises(StartRefused, match="必须先由管理员设置密码"):
        check_start("0.0.0.0", None)
    with pytest.raises(StartRefused, match="太短"):
        check_start("0.0.0.0", "short")
    check_start("127.0.0.1", None)
    check_start("0.0.0.0", "a long enough one")
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--no-browser"])
    assert result.exit_code == 2
    assert "LVYE_FORMS_PASSWORD" in result.output
    secret = tmp_path / "密码.txt"
    secret.write_text("a long enough one\n", encoding="utf-8")
    port, password = prepare("127.0.0.1", None, secret)
    assert port > 0 and password == "a long enough one"


def test_a_foreign_host_name_is_refused_on_loopback(tmp_path):
    assert host_allowed("127.0.0.1:8000", True) and host_allowed("localhost:1", True)
    assert host_allowed("[::1]:8000", True)
    assert not host_allowed("evil.example:8000", True)
    assert host_allowed("192.168.1.5:8000", False)
    with client(tmp_path) as web:
        response = web.get("/forms", headers={"host": "evil.example"})
    assert response.status_code == 400


def test_a_body_sent_without_a_length_is_cut_at_the_limit(tmp_path):
    with client(tmp_path, upload_limit=4096) as web:
        token = csrf(web)
        boundary = "x1"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()

        def body():
            yield head
            for _ in range(20):
                yield b"\0" * 1024

        response = web.post(
            "/generate",
            content=body(),
            headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        )
        assert response.status_code == 413 and "文件太大" in response.text
        assert web.get("/generate").status_code == 200


def test_an_unexpected_error_is_a_message_with_numbers_masked(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError(f"cannot read {BAD_ID}")

    monkeypatch.setattr(api, "check_archive", broken)
    archive = small_archive(tmp_path / "档案")
    with client(tmp_path) as web:
        response = check(web, folder=str(archive))
        assert response.status_code == 500
        assert "内部错误（RuntimeError" in response.text and "Traceback" not in response.text
        assert BAD_ID not in response.text
        assert web.get("/check").status_code == 200


def test_the_language_follows_the_environment_until_one_is_chosen(tmp_path, monkeypatch):
    monkeypatch.setenv("LVYE_FORMS_LANG", "en")
    with client(tmp_path) as web:
        assert "Generate documents" in web.get("/forms").text
        web.post("/language", data={"csrf": csrf(web, "/forms"), "language": "zh"})
        assert "生成文档" in web.get("/forms").text


@pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")), reason="needs LibreOffice"
)
def test_pdfs_come_in_the_zip_when_asked(tmp_path):
    with client(tmp_path) as web:
        location = upload(web, "同意书.xlsx", example_workbook(tmp_path), pdf="1").headers[
            "location"
        ]
        finished(web, location, timeout=180)
        package = zipfile.ZipFile(io.BytesIO(web.get(f"{location}/documents.zip").content))
    names = sorted(package.namelist())
    assert "接受个案服务同意书_GA-2024-017_李小明.pdf" in names
    assert package.read("接受个案服务同意书_GA-2024-017_李小明.pdf").startswith(b"%PDF")


def test_job_folders_a_killed_server_left_are_removed_at_start(tmp_path):
    from lvye_forms.web.jobs import STALE_SECONDS, TEMP_PREFIX, remove_stale

    old = tmp_path / f"{TEMP_PREFIX}old"
    (old / "out").mkdir(parents=True)
    (old / "数据.xlsx").write_bytes(b"x")
    fresh = tmp_path / f"{TEMP_PREFIX}fresh"
    fresh.mkdir()
    then = time.time() - STALE_SECONDS - 60
    os.utime(old, (then, then))
    assert remove_stale(tmp_path) == 1
    assert not old.exists() and fresh.exists()


def test_lvye_forms_serve_answers_on_loopback(tmp_path):
    import subprocess
    import sys
    import urllib.request

    from lvye_forms.web.server import free_port

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "lvye_forms", "serve", "--no-browser", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/forms", timeout=5) as answer:
                    page = answer.read().decode("utf-8")
                break
            except OSError:
                assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
                assert time.monotonic() < deadline, "the server did not answer"
                time.sleep(0.2)
        assert "《接受个案服务同意书》" in page
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0].decode("utf-8")
    assert f"http://127.0.0.1:{port}/" in output
    assert "Traceback" not in output


def test_a_hostile_file_name_never_becomes_a_path(tmp_path):
    output = tmp_path / "输出"
    output.mkdir()
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text(json.dumps({"output": str(output)}), "utf-8")
    with client(tmp_path) as web:
        name = "..\\..\\../../逃出去.xlsx"
        location = upload(web, name, workbook_with_errors(tmp_path)).headers["location"]
        page = finished(web, location)
        assert "逃出去.xlsx" in page
        marked = web.get(f"{location}/errors.xlsx")
    assert "%E9%80%83%E5%87%BA%E5%8E%BB-%E5%BE%85%E4%BF%AE%E6%94%B9.xlsx" in marked.headers[
        "content-disposition"
    ]  # 逃出去-待修改.xlsx
    assert [p.name for p in output.iterdir()] == ["逃出去-待修改.xlsx"]
    assert not (tmp_path / "逃出去.xlsx").exists() and not (tmp_path.parent / "逃出去.xlsx").exists()


def test_blank_printable_forms_download(tmp_path):
    with client(tmp_path) as web:
        assert "/forms/case_consent/blank" in web.get("/forms").text
        docx = web.get("/forms/case_consent/blank")
        xlsx = web.get("/forms/group_attendance/blank")
        assert web.get("/forms/no_such_form/blank").status_code == 404
    assert docx.status_code == 200
    assert "filename*=UTF-8''" in docx.headers["content-disposition"]
    document = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in document.paragraphs) + "".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )
    assert "接受个案服务同意书" in text and "李小明" not in text
    assert xlsx.status_code == 200
    assert load_workbook(io.BytesIO(xlsx.content)).active is not None


def test_the_templates_folder_from_settings_is_used(tmp_path):
    from lvye_forms.registry import shipped_template, use_templates

    own = tmp_path / "模板"
    own.mkdir()
    template = Document(shipped_template("case_consent"))
    template.add_paragraph("本机构自定义的页脚说明")
    template.save(own / "case_consent.docx")
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text(json.dumps({"templates": str(own)}), "utf-8")
    try:
        with client(tmp_path) as web:
            blank = web.get("/forms/case_consent/blank")
    finally:
        use_templates(None)  # the setting is process-wide, like --templates
    text = "\n".join(p.text for p in Document(io.BytesIO(blank.content)).paragraphs)
    assert "本机构自定义的页脚说明" in text
