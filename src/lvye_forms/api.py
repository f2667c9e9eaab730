"""The library API. The CLI only parses arguments and calls these.

from lvye_forms import api
reports = api.render_path(Path("个案同意书.xlsx"), Path("out"))
[(r.form_id, r.ok, [d.path for d in r.documents]) for r in reports]
"""

from __future__ import annotations

import datetime as dt
import io
import json
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import __version__
from .archive import Unplaced, scan
from .check.engine import StaffRegister, run_check
from .check.profile import load_profile
from .check.report import CheckReport
from .errors import Code, Problem, message
from .fields import parse_date
from .ingest.annotate import annotated_copy
from .ingest.records import FormReader, translate
from .ingest.tables import Table, UnreadableFile, read_tables, workbook_form_id
from .ingest.workbook import all_forms_workbook, input_workbook, register_workbook
from .model import FormModel
from .registry import all_forms, find_form_by_title, get_form, spec, template_path
from .render.context import template_context
from .render.docx import PreparedTemplate
from .render.embed import read_embedded
from .render.output import WriteStatus, free_path, safe_name, write_atomic
from .render.tabular import table_data
from .render.xlsx import render_table
from .report import DocumentResult, FileReport
from .schema import FormSpec
from .stats import service_statistics

DEFAULT_AGENCY = "东莞市绿叶社会工作服务中心"
ANNOTATED_SUFFIX = "-待修改"
ALL_FORMS = "*"  # the form property of the all-forms workbook


def list_forms() -> list[type[FormModel]]:
    return all_forms()


# --- one document ------------------------------------------------------------------------


@cache
def _prepared(form_id: str) -> PreparedTemplate:
    return PreparedTemplate(template_path(form_id))


def metadata(record: FormModel, agency: str) -> dict[str, Any]:
    """What a document carries about itself: form, schema version, agency and the record."""
    model = type(record)
    return {
        "form": model.form_id,
        "schema_version": model.schema_version,
        "agency": agency,
        "generator": f"lvye-forms {__version__}",
        "key": record.key(),
        "data": record.model_dump(mode="json"),
    }


def render_record(record: FormModel, agency: str = DEFAULT_AGENCY) -> bytes:
    """The document for one validated record, as bytes (same record → same bytes)."""
    model = type(record)
    if model.kind == "xlsx":
        return render_table(agency, model.title, table_data(record), metadata(record, agency))
    return _prepared(model.form_id).render(
        template_context(record, agency), metadata(record, agency)
    )


def document_name(record: FormModel) -> str:
    model = type(record)
    return safe_name(model.title, record.key(), record.display_name(), suffix=f".{model.kind}")


def extract(path: Path) -> dict[str, Any]:
    """The form id, schema version and data a document made by lvye-forms carries."""
    return read_embedded(path)


# --- a whole input file --------------------------------------------------------------------


def detect_forms(path: Path, tables: dict[str, Table]) -> list[type[FormModel]]:
    """The forms an input file holds: our one-form workbook property, else every sheet named
    after a form (the all-forms workbook, or a workbook staff assembled themselves)."""
    form_id = workbook_form_id(path)
    if form_id and form_id != ALL_FORMS:
        return [get_form(form_id)]
    found = [find_form_by_title(name) for name in tables]
    return [model for model in found if model is not None]


def render_path(
    path: Path,
    outdir: Path,
    *,
    form_id: str | None = None,
    agency: str | None = None,
    today: dt.date | None = None,
    overwrite: bool = False,
    show_personal: bool = False,
    annotate: bool = True,
) -> list[FileReport]:
    """Validate every row of `path` and render one document per valid row into `outdir`.

    `path` is a workbook (one form, or a sheet per form), a CSV file (give `form_id`) or the
    JSON of `extract`. Returns one report per form found. Invalid rows are reported (sheet,
    row, column, value, reason) and, for spreadsheets, marked in an annotated copy written to
    `outdir`. Existing files with different content are kept unless `overwrite`.
    """
    today = today or dt.date.today()
    if path.suffix.lower() == ".json":
        return [
            _render_json(path, outdir, FileReport(input=path), form_id, agency, today, overwrite)
        ]
    try:
        tables = read_tables(path)
        models = [get_form(form_id)] if form_id else detect_forms(path, tables)
    except UnreadableFile as exc:
        report = FileReport(input=path)
        report.problems.append(_file_problem(path, Code.UNREADABLE, reason=str(exc)))
        return [report]
    if not models:
        report = FileReport(input=path)
        reason = "工作簿中没有可识别的表单工作表；请在命令中写明表单编号，如 render case_consent 文件.xlsx"
        report.problems.append(_file_problem(path, Code.UNKNOWN_FORM, reason=reason))
        return [report]
    reports = []
    for model in models:
        report = FileReport(input=path, form_id=model.form_id)
        reader = FormReader(model, path.name, today=today, show_personal=show_personal)
        outcomes, file_problems = reader.read(tables)
        report.problems.extend(file_problems)
        report.rows = len(outcomes)
        for outcome in outcomes:
            report.problems.extend(outcome.problems)
            if outcome.record is None:
                report.failed_rows += 1
                continue
            _write_document(outcome.record, outdir, agency or DEFAULT_AGENCY, overwrite, report)
        reports.append(report)
    problems = [p for r in reports for p in r.problems]
    if annotate and problems:
        copy = _write_annotated(path, outdir, problems, overwrite)
        for report in reports:
            report.annotated_copy = copy if report.problems else None
    return reports


def _file_problem(path: Path, code: Code, **ctx: Any) -> Problem:
    return Problem(code=code.value, message=message(code, **ctx), file=path.name)


def _write_document(
    record: FormModel, outdir: Path, agency: str, overwrite: bool, report: FileReport
) -> None:
    target = outdir / document_name(record)
    taken = {d.path.resolve() for d in report.documents}
    if target.resolve() in taken:  # two keys that differ only in characters a file name can't hold
        target = free_path(target, avoid=taken)
    status = write_atomic(target, render_record(record, agency), overwrite=overwrite)
    report.documents.append(DocumentResult(record.key(), record.display_name(), target, status))
    if status is WriteStatus.KEPT:
        report.problems.append(
            Problem(code=Code.EXISTS.value, message=message(Code.EXISTS), file=str(target))
        )


def _write_annotated(
    path: Path, outdir: Path, problems: list[Problem], overwrite: bool
) -> Path | None:
    marked = [p for p in problems if p.row is not None]
    if not marked:
        return None
    stem = path.stem.removesuffix(ANNOTATED_SUFFIX)
    target = outdir / f"{stem}{ANNOTATED_SUFFIX}.xlsx"
    if target.resolve() == path.resolve() or (target.exists() and not overwrite):
        # Never write over the file being read, nor over an earlier copy staff may be editing.
        target = free_path(target, avoid={path.resolve()})
    write_atomic(target, annotated_copy(path, marked), overwrite=True)
    return target


def _render_json(
    path: Path,
    outdir: Path,
    report: FileReport,
    form_id: str | None,
    agency: str | None,
    today: dt.date,
    overwrite: bool,
) -> FileReport:
    """Render records given as JSON, e.g. the output of `extract` (one object or a list)."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        report.problems.append(_file_problem(path, Code.UNREADABLE, reason=str(exc)))
        return report
    items = payload if isinstance(payload, list) else [payload]
    for number, item in enumerate(items, start=1):
        report.rows += 1
        where = Problem(code="", message="", file=path.name, sheet="JSON", row=number)
        item_form = form_id or (item.get("form") if isinstance(item, dict) else None)
        data = item.get("data", item) if isinstance(item, dict) and "form" in item else item
        try:
            model = get_form(str(item_form))
            record = model.model_validate(data, context={"today": today})
        except KeyError:
            report.failed_rows += 1
            reason = f"记录没有 form 字段或表单编号无效（{item_form}）"
            report.problems.append(
                _at(where, Code.UNKNOWN_FORM, message(Code.UNKNOWN_FORM, reason=reason))
            )
            continue
        except ValidationError as exc:
            report.failed_rows += 1
            for error in exc.errors():
                column = ".".join(str(p) for p in error["loc"])
                report.problems.append(_at(where, Code.INVALID, translate(error), column))
            continue
        report.form_id = model.form_id
        embedded_agency = item.get("agency") if isinstance(item, dict) else None
        _write_document(
            record, outdir, agency or embedded_agency or DEFAULT_AGENCY, overwrite, report
        )
    return report


def _at(where: Problem, code: Code, text: str, column: str = "") -> Problem:
    return Problem(
        code=code.value,
        message=text,
        file=where.file,
        sheet=where.sheet,
        row=where.row,
        column=column,
    )


# --- input workbooks -----------------------------------------------------------------------


def write_input_workbook(
    form_id: str | None, path: Path, *, example: bool = False, overwrite: bool = False
) -> WriteStatus:
    """Write the input workbook for `form_id` (None: all forms, a sheet each) to `path`.

    An existing file is kept unless `overwrite`.
    """
    buffer = io.BytesIO()
    if form_id is None:
        all_forms_workbook(list_forms(), example=example).save(buffer)
    else:
        input_workbook(get_form(form_id), example=example).save(buffer)
    return write_atomic(path, buffer.getvalue(), overwrite=overwrite)


def describe(form_id: str) -> FormSpec:
    """The columns, list parts and rules of a form (see `schema.FormSpec`)."""
    return spec(form_id)


# --- monthly statistics ------------------------------------------------------------------


def monthly_statistics(
    archive: Path, month: str, service_point: str
) -> tuple[FormModel, list[Unplaced]]:
    """《社工服务统计表》 for `month` (2024-10) computed from the documents under `archive`,
    and the files that could not be read or placed (they are not counted)."""
    documents, unplaced = scan(archive)
    return service_statistics(documents, month, service_point), unplaced


def write_document(
    record: FormModel, outdir: Path, *, agency: str | None = None, overwrite: bool = False
) -> DocumentResult:
    """Render one record into `outdir` (kept if a different file is there, unless `overwrite`)."""
    report = FileReport(input=outdir)
    _write_document(record, outdir, agency or DEFAULT_AGENCY, overwrite, report)
    return report.documents[0]


# --- completeness checks ---------------------------------------------------------------


def read_staff_register(path: Path) -> StaffRegister:
    """Workers and the date each began social work, from a staff workbook or CSV.

    Columns 姓名 and 从事社工起始日期 (开始从事社会工作日期 also accepted); the 社工情况统计表
    input workbook has them too.
    """
    tables = read_tables(path)
    register = StaffRegister()
    for table in tables.values():
        name_column = next((h for h in table.headers if h in ("姓名", "社工", "name")), None)
        date_column = next((h for h in table.headers if h in STAFF_DATE_COLUMNS), None)
        if name_column is None or date_column is None:
            continue
        for row in table.rows:
            name, began = row.values.get(name_column), row.values.get(date_column)
            try:
                if name and began:
                    register.started[str(name).strip()] = parse_date(began)
            except ValueError:
                continue
    return register


STAFF_DATE_COLUMNS = ("从事社工起始日期", "开始从事社会工作日期", "从事社会工作起始日期")


def check_archive(
    archive: Path,
    *,
    profile: str = "lvye",
    as_of: dt.date | None = None,
    staff: Path | None = None,
    register: Path | None = None,
) -> CheckReport:
    """Which subject under `archive` lacks which document, or missed which deadline.

    `profile` is a shipped profile name or a YAML file; raises ProfileError for a bad one.
    """
    rules = load_profile(profile)
    documents, unplaced = scan(archive, register)
    result = run_check(
        rules,
        documents,
        unplaced,
        as_of or dt.date.today(),
        read_staff_register(staff) if staff else None,
    )
    return CheckReport(
        profile=rules.name, archive=archive, as_of=as_of or dt.date.today(), result=result
    )


def write_register_workbook(path: Path, *, overwrite: bool = False) -> WriteStatus:
    """The blank register that lists scanned or hand-made files for the checker."""
    buffer = io.BytesIO()
    register_workbook().save(buffer)
    return write_atomic(path, buffer.getvalue(), overwrite=overwrite)
