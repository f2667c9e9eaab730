"""Safe runs: one report per command that every output prints, masking by content, no traceback.

Inputs are written from small inline tables; each test names the class of input it stands for.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from lvye_forms import api, i18n
from lvye_forms.cli import main
from lvye_forms.formats.as_text import RenderProgress, Terminal
from lvye_forms.ingest.errorcopy import is_untouched_copy
from lvye_forms.privacy import mask_data, mask_text
from lvye_forms.report import RenderEvents, RunStatus

from .conftest import TODAY, example_sheets, write_workbook

ID = "441900201205060035"  # the consent example's valid ID number
MOBILE = "13802461357"


def run(*args: object, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, env=env)


def consent_book(tmp_path: Path, name: str = "同意书.xlsx", **overrides: object) -> Path:
    return write_workbook(tmp_path / name, example_sheets("case_consent", overrides=overrides))


# --- one report, every format agrees ---------------------------------------------------------


def test_terminal_and_json_agree_on_a_second_run(tmp_path):
    book = consent_book(tmp_path)
    out = tmp_path / "out"
    assert run("render", book, "-o", out, "--today", TODAY).exit_code == 0
    again_text = run("render", book, "-o", out, "--today", TODAY)
    again_json = json.loads(run("render", book, "-o", out, "--json", "--today", TODAY).output)
    assert "生成 0 份，未变 1 份" in again_text.output
    assert (again_json["written"], again_json["unchanged"]) == (0, 1)
    assert again_json["files"][0]["documents"][0]["status"] == "unchanged"
    assert again_json["status"] == "ok" and again_json["schema_version"] == 2


def test_render_report_totals_are_properties_of_one_object(tmp_path):
    good = consent_book(tmp_path, "good.xlsx")
    bad = consent_book(tmp_path, "bad.xlsx", **{"个案编号": "GA-2024-018", "出生日期": "昨天"})
    report = api.render([good, bad], tmp_path / "out", today=TODAY)
    assert report.status is RunStatus.PROBLEMS and report.status.exit_code == 1
    assert (report.rows, len(report.written), report.failed_rows) == (2, 1, 1)
    assert [p.column for p in report.problems] == ["出生日期"]
    assert report.annotated_copies == [tmp_path / "out" / "bad-待修改.xlsx"]
    data = report.to_dict()
    assert (data["rows"], data["written"], data["failed_rows"]) == (2, 1, 1)


def test_a_summary_across_all_input_files(tmp_path):
    first = consent_book(tmp_path, "a.xlsx")
    second = consent_book(tmp_path, "b.xlsx", **{"个案编号": "GA-2024-099", "出生日期": "不详"})
    result = run("render", first, second, "-o", tmp_path / "out", "--today", TODAY)
    assert result.exit_code == 1
    assert "合计：2 行，生成 1 份，未变 0 份，有错 1 行" in result.output
    assert "文档在：" in result.output and "待修改副本：" in result.output


def test_documents_are_announced_as_they_are_written(tmp_path):
    """Lines appear as documents are written, not all at the end."""
    sheets = example_sheets("case_consent")
    main_sheet = next(iter(sheets))
    second = list(sheets[main_sheet][1])
    second[0] = "GA-2024-018"
    sheets[main_sheet].append(second)
    book = write_workbook(tmp_path / "two.xlsx", sheets)
    seen: list[str] = []

    class Recorder(RenderEvents):
        def rows_found(self, count):
            seen.append(f"rows {count}")

        def document_done(self, report, document):
            seen.append(f"doc {document.key} ({len(report.documents)} so far)")

        def file_finished(self, report):
            seen.append(f"finished {len(report.documents)}")

    api.render([book], tmp_path / "out", today=TODAY, events=Recorder())
    assert seen == [
        "rows 2",
        "doc GA-2024-017 (1 so far)",
        "doc GA-2024-018 (2 so far)",
        "finished 2",
    ]


def test_progress_bar_only_on_a_terminal(tmp_path, capsys):
    book = consent_book(tmp_path)
    progress = RenderProgress(Terminal(), enabled=False)
    api.render([book], tmp_path / "out", today=TODAY, events=progress)
    progress.close()
    assert capsys.readouterr().err == ""  # not a terminal: no bar


# --- dates and every error in one pass --------------------------------------------------------


def test_date_cells_appear_as_dates_in_messages_and_json(tmp_path):
    """A date cell's value is shown as 2024-03-30, never 2024-03-30T00:00:00."""
    book = consent_book(
        tmp_path,
        **{"接案日期": dt.datetime(2024, 3, 30), "服务对象签署日期": dt.datetime(2024, 3, 1)},
    )
    result = run("render", "case_consent", book, "-o", tmp_path / "out", "--json", "--today", TODAY)
    text = result.output
    assert "T00:00:00" not in text
    problems = json.loads(text)["files"][0]["problems"]
    assert any(p["value"] == "2024-03-01" for p in problems), problems


# --- personal data -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f"住址 {ID} 号",  # an ID pasted into an address
        f"{ID}12",  # a 残疾人证号: the ID plus two digits
        "电话 138 0246 1357",
        "+86 138-0246-1357",
        "１３８０２４６１３５７",  # full-width digits
        "440102 19900307 123X",
    ],
)
def test_numbers_are_masked_by_what_they_look_like(text):
    masked = mask_text(text)
    digits = "".join(ch for ch in masked if ch.isdigit())
    assert "*" in masked and len(digits) <= 9, masked


def test_ordinary_numbers_are_left_alone():
    for text in ("GA-2024-017", "2024-03-30", "共 12 人，金额 1234.50 元", "第 3 节"):
        assert mask_text(text) == text
    assert mask_data({"a": [ID], "b": 3}) == {"a": ["4419**********0035"], "b": 3}


def test_an_id_in_the_wrong_column_is_masked_in_every_output(tmp_path):
    book = consent_book(tmp_path, **{"出生日期": ID})
    out = tmp_path / "out"
    table = run("render", "case_consent", book, "-o", out, "--today", TODAY)
    as_json = run("render", "case_consent", book, "-o", out, "--json", "--today", TODAY)
    for output in (table.output, as_json.output):
        assert ID not in output and "0035" in output
    shown = run("render", "case_consent", book, "-o", out, "--show-personal", "--today", TODAY)
    assert ID in shown.output


def test_extract_masks_a_document_of_an_unknown_form(tmp_path):
    """A document from a newer version (form id unknown here) is still masked by content."""
    record = api.describe("case_consent").model.model_validate(
        api.describe("case_consent").model.examples[0], context={"today": TODAY}
    )
    document = tmp_path / "future.docx"
    data = api.render_record(record)
    buffer = _replace_in_zip(data, b'form="case_consent"', b'form="case_consent_v9"')
    document.write_bytes(buffer)
    result = run("extract", document)
    assert result.exit_code == 0
    assert ID not in result.output and MOBILE not in result.output
    assert ID in run("extract", document, "--show-personal").output


def _replace_in_zip(data: bytes, old: bytes, new: bytes) -> bytes:
    import io

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item).replace(old, new))
    return out.getvalue()


# --- nothing lost --------------------------------------------------------------------------


def test_check_output_file_is_never_replaced_unasked(tmp_path):
    archive = tmp_path / "档案"
    archive.mkdir()
    target = tmp_path / "结果.json"
    target.write_text("someone's notes", encoding="utf-8")
    kept = run("check", archive, "--format", "json", "-o", target)
    assert kept.exit_code == 1 and target.read_text(encoding="utf-8") == "someone's notes"
    replaced = run("check", archive, "--format", "json", "-o", target, "--overwrite")
    assert replaced.exit_code == 0 and json.loads(target.read_text(encoding="utf-8"))["command"] == "check"


def test_rerun_replaces_its_own_error_copy_but_not_an_edited_one(tmp_path):
    book = consent_book(tmp_path, **{"出生日期": "不详"})
    out = tmp_path / "out"
    for _ in range(3):
        run("render", "case_consent", book, "-o", out, "--today", TODAY)
    copies = sorted(p.name for p in out.glob("*.xlsx"))
    assert copies == ["同意书-待修改.xlsx"]
    assert is_untouched_copy(out / "同意书-待修改.xlsx")
    # Opening and saving without changing a value leaves it ours: it is still replaced.
    workbook = load_workbook(out / "同意书-待修改.xlsx")
    workbook.properties.lastModifiedBy = "黄嘉欣"
    workbook.save(out / "同意书-待修改.xlsx")
    run("render", "case_consent", book, "-o", out, "--today", TODAY)
    assert sorted(p.name for p in out.glob("*.xlsx")) == ["同意书-待修改.xlsx"]
    # Staff fix a cell in the copy and save it (any program): it is theirs now, and stays.
    workbook = load_workbook(out / "同意书-待修改.xlsx")
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=headers.index("住址") + 1).value = "我改过的地址"
    workbook.save(out / "同意书-待修改.xlsx")
    for _ in range(3):  # later runs replace their own (2), never pile up (3), (4)…
        run("render", "case_consent", book, "-o", out, "--today", TODAY)
    assert sorted(p.name for p in out.glob("*.xlsx")) == ["同意书-待修改(2).xlsx", "同意书-待修改.xlsx"]
    kept = load_workbook(out / "同意书-待修改.xlsx").worksheets[0]
    assert kept.cell(row=2, column=headers.index("住址") + 1).value == "我改过的地址"


def test_running_on_the_error_copy_itself_marks_it_again(tmp_path):
    """Staff fix some cells in the copy and run on it: the remaining errors are marked in it."""
    book = consent_book(tmp_path, **{"出生日期": "不详", "接案日期": "某天"})
    run("render", "case_consent", book, "-o", tmp_path, "--today", TODAY)
    copy = tmp_path / "同意书-待修改.xlsx"
    workbook = load_workbook(copy)
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=headers.index("出生日期") + 1).value = "2012-05-06"
    workbook.properties.lastModifiedBy = "黄嘉欣"
    workbook.save(copy)
    result = run("render", "case_consent", copy, "-o", tmp_path, "--today", TODAY)
    assert result.exit_code == 1
    assert sorted(p.name for p in tmp_path.glob("*待修改*.xlsx")) == ["同意书-待修改.xlsx"]
    marked = load_workbook(copy).worksheets[0]
    comments = {c.coordinate: c.comment.text for row in marked.iter_rows() for c in row if c.comment}
    assert list(comments) == [f"{_column(headers, '接案日期')}2"]


def _column(headers: list[object], label: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(headers.index(label) + 1)


# --- never a traceback -------------------------------------------------------------------------


def test_an_unexpected_error_is_one_line_and_exit_2(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "render", broken)
    monkeypatch.delenv("LVYE_FORMS_DEBUG", raising=False)
    result = CliRunner().invoke(main, ["render", str(consent_book(tmp_path)), "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "内部错误" in result.output and "Traceback" not in result.output


def _cli(*args: object, env: dict[str, str] | None = None, cwd: Path | None = None):
    environment = {**os.environ, **(env or {})}
    environment.pop("LVYE_FORMS_LANG", None)
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "lvye_forms", *map(str, args)],
        capture_output=True,
        env=environment,
        cwd=cwd,
        timeout=120,
    )


def test_legacy_chinese_windows_encoding_does_not_crash(tmp_path):
    """Output to a cp936 (GBK) terminal or redirect: ✓, ✗ and emoji never crash the run."""
    book = consent_book(tmp_path, **{"求助事项": "希望改善亲子沟通 😀 ✓", "出生日期": "不详 😀"})
    done = _cli("render", "case_consent", book, "-o", tmp_path / "out", "--today", TODAY,
                env={"PYTHONIOENCODING": "cp936"})
    assert done.returncode == 1, done.stderr.decode("gbk", "replace")
    text = done.stdout.decode("gbk")
    assert "第 2 行" in text and "出生日期" in text and "Traceback" not in done.stderr.decode("gbk")
    good = _cli("render", "case_consent", consent_book(tmp_path, "ok.xlsx", **{"求助事项": "😀"}),
                "-o", tmp_path / "out2", "--today", TODAY, env={"PYTHONIOENCODING": "cp936"})
    assert good.returncode == 0 and "√" in good.stdout.decode("gbk")


def test_python_dash_m_runs_the_command():
    done = _cli("--version")
    assert done.returncode == 0 and b"lvye-forms" in done.stdout


# --- language ------------------------------------------------------------------------------


def test_click_usage_errors_follow_the_language():
    chinese = CliRunner().invoke(main, ["render"])
    assert chinese.exit_code == 2 and "缺少参数" in chinese.output
    english = CliRunner().invoke(main, ["--lang", "en", "render"])
    assert english.exit_code == 2 and "Missing argument" in english.output
    by_env = CliRunner().invoke(main, ["nosuch"], env={"LVYE_FORMS_LANG": "en"})
    assert "No such command" in by_env.output
    i18n.set_language(None)


def test_english_messages_for_a_render(tmp_path):
    book = consent_book(tmp_path, **{"出生日期": "不详"})
    result = run("--lang", "en", "render", "case_consent", book, "-o", tmp_path / "out", "--today", TODAY)
    assert result.exit_code == 1
    assert "row 2" in result.output and "not a valid date" in result.output
    assert "第 2 行" not in result.output
    i18n.set_language(None)


# --- PDF and doctor ------------------------------------------------------------------------


@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice not installed")
def test_render_pdf_writes_a_pdf_next_to_each_document(tmp_path):
    book = consent_book(tmp_path)
    result = run("render", book, "-o", tmp_path / "out", "--pdf", "--json", "--today", TODAY)
    data = json.loads(result.output)
    assert result.exit_code == 0 and data["pdfs"] == 1
    (document,) = data["files"][0]["documents"]
    assert document["pdf_status"] == "written"
    assert Path(document["pdf"]).read_bytes().startswith(b"%PDF")


def test_render_pdf_without_libreoffice_says_how_to_install(tmp_path, monkeypatch):
    from lvye_forms.render import pdf

    def missing(*args, **kwargs):
        raise pdf.LibreOfficeMissing(pdf.install_advice())

    monkeypatch.setattr(pdf, "find_soffice", missing)
    result = run("render", consent_book(tmp_path), "-o", tmp_path / "out", "--pdf", "--today", TODAY)
    assert result.exit_code == 1
    assert "LibreOffice" in result.output and "apt-get install" in result.output
    assert (tmp_path / "out" / "接受个案服务同意书_GA-2024-017_李小明.docx").exists()


def test_doctor_reports_each_check():
    result = run("doctor")
    assert result.exit_code in (0, 1)
    assert "LibreOffice" in result.output and "模板" in result.output


# --- archives with names that are not UTF-8 ---------------------------------------------------


def test_check_reports_print_file_names_that_are_not_utf8(tmp_path):
    """A GBK name from a Windows zip: every format prints it (decoded), none crashes."""
    archive = tmp_path / "档案"
    archive.mkdir()
    gbk_name = "个案扫描件说明.pdf".encode("gbk")
    raw = os.fsencode(archive) + b"/" + gbk_name
    with open(raw, "wb") as stream:
        stream.write(b"%PDF-1.4 scan")
    for output_format in ("table", "json", "html", "xlsx"):
        target = tmp_path / f"report.{output_format}"
        args = ["check", archive, "--as-of", "2024-07-15", "--format", output_format]
        if output_format in ("html", "xlsx"):
            args += ["-o", target]
        result = CliRunner().invoke(main, [str(a) for a in args])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        assert result.exit_code in (0, 1), result.output
        shown = target.read_bytes().decode("utf-8", "replace") if output_format == "html" else result.output
        if output_format != "xlsx":
            assert "个案扫描件说明.pdf" in shown
    book = load_workbook(tmp_path / "report.xlsx")
    cells = [c.value for row in book.worksheets[-1].iter_rows() for c in row]
    assert "个案扫描件说明.pdf" in cells


def test_the_next_run_removes_leftovers_of_a_killed_run(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    leftover = out / ".lvye-forms-999999999-abc123.tmp"  # its process is long gone
    leftover.write_bytes(b"half a document")
    someone_elses = out / ".lvye-notes.tmp"
    someone_elses.write_text("not ours", encoding="utf-8")
    assert run("render", consent_book(tmp_path), "-o", out, "--today", TODAY).exit_code == 0
    assert not leftover.exists() and someone_elses.exists()
    assert not [p for p in out.iterdir() if "李小明" in p.name and p.suffix == ".tmp"]


@pytest.mark.parametrize("expression", ["'x' * 10**12", "range(10**9) | list", "().__class__"])
def test_a_profile_the_sandbox_stops_is_a_profile_error_with_file_and_line(tmp_path, expression):
    profile = tmp_path / "机构规则.yaml"
    profile.write_text(
        "name: mine\nsubjects:\n  case:\n    steps:\n      - id: a\n        requires:\n"
        f"          - form: case_consent\n            when: \"{expression}\"\n",
        encoding="utf-8",
    )
    archive = tmp_path / "档案"
    archive.mkdir()
    (archive / "x.docx").write_bytes(
        api.render_record(
            api.describe("case_consent").model.model_validate(
                api.describe("case_consent").model.examples[0], context={"today": TODAY}
            )
        )
    )
    result = CliRunner().invoke(main, ["check", str(archive), "--profile", str(profile)])
    assert result.exit_code == 2, result.output
    assert "机构规则.yaml" in result.output and "第 7 行" in result.output
    assert "Traceback" not in result.output


def test_json_on_a_gbk_console_escapes_what_gbk_cannot_hold(tmp_path):
    book = consent_book(tmp_path, **{"求助事项": "😀𠀀网上", "出生日期": "不详"})
    done = _cli("render", "case_consent", book, "-o", tmp_path / "out", "--json", "--today", TODAY,
                env={"PYTHONIOENCODING": "cp936"})
    assert done.returncode == 1
    data = json.loads(done.stdout.decode("gbk"))
    assert data["files"][0]["problems"][0]["column"] == "出生日期"
    assert "?" not in done.stdout.decode("gbk").replace("\\\\?", "")


def test_extract_of_a_file_that_is_not_a_document_is_a_plain_message(tmp_path):
    scan = tmp_path / "扫描.pdf"
    scan.write_bytes(b"%PDF-1.4 scanned page")
    result = CliRunner().invoke(main, ["extract", str(scan)])
    assert result.exit_code == 1 and "内部错误" not in result.output and "扫描.pdf" in result.output


def test_unknown_forms_and_profiles_in_english():
    result = CliRunner().invoke(main, ["--lang", "en", "describe", "nosuch"])
    assert result.exit_code == 2 and "No form with id 'nosuch'" in result.output
    result = CliRunner().invoke(main, ["--lang", "en", "check", ".", "--profile", "nosuch"])
    assert "No profile named 'nosuch'" in result.output
    i18n.set_language(None)


def test_a_formula_that_gives_an_error_is_located(tmp_path):
    """#DIV/0!, #N/A… saved as a cell's result are never data (nor a document's name)."""
    book = consent_book(tmp_path, **{"服务对象姓名": "#DIV/0!", "住址": "#N/A"})
    report = api.render([book], tmp_path / "out", today=TODAY)
    problems = {(p.column, p.code, p.value) for p in report.problems}
    assert problems == {("服务对象姓名", "formula_error", "#DIV/0!"), ("住址", "formula_error", "#N/A")}
    assert report.written == [] and report.failed_rows == 1


def test_a_renamed_or_doubled_column_is_reported_not_lost(tmp_path):
    sheets = example_sheets("case_consent")
    main_sheet = next(iter(sheets))
    header, row = sheets[main_sheet]
    header[header.index("住址")] = "地址"  # renamed by staff: its cells would vanish silently
    header.append("服务对象姓名")  # the same header twice
    row.append("别名")
    book = write_workbook(tmp_path / "改了列名.xlsx", sheets)
    report = api.render([book], tmp_path / "out", today=TODAY)
    found = {(p.code, p.column) for p in report.problems}
    assert found == {("unknown_column", "地址"), ("duplicate_column", "服务对象姓名")}
    assert report.status.exit_code == 1
    (document,) = report.written
    assert api.extract(document.path)["data"]["client_name"] == "李小明"  # the first column
