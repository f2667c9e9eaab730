"""The library API. The command line and any other program call these and nothing else.

    >>> from pathlib import Path
    >>> import lvye_forms
    >>> report = lvye_forms.render([Path("fixtures/case_consent.xlsx")], Path("out"))
    >>> report.ok, len(report.written), [str(p) for p in report.problems]   # doctest: +SKIP

Each command's verb returns one report object (`RenderReport`, `CheckReport`, `StatsReport`,
see `lvye_forms.report`); the formatters in `lvye_forms.formats` print them.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .batch import ALL_FORMS, RenderRun, detect_forms
from .fields import parse_date
from .i18n import t
from .ingest.tables import UnreadableFile, read_tables
from .ingest.workbook import all_forms_workbook, input_workbook, register_workbook
from .model import FormModel
from .paths import display_path
from .registry import all_forms, get_form, spec
from .render.document import DEFAULT_AGENCY, document_name, metadata, render_record
from .render.embed import read_embedded
from .render.output import WriteStatus, write_atomic
from .report import (
    CheckReport,
    DocumentResult,
    FileReport,
    RenderEvents,
    RenderReport,
    StatsReport,
)
from .schema import FormSpec

if TYPE_CHECKING:
    from .archive import Unplaced
    from .check.engine import StaffRegister

# The checker's and the statistics' modules (the archive reader, the sandbox, the profiles,
# the monitoring forms) are imported by the verbs that use them: a render, which staff run
# most, starts without them.

__all__ = [
    "ALL_FORMS",
    "DEFAULT_AGENCY",
    "check_archive",
    "describe",
    "detect_forms",
    "document_name",
    "extract",
    "list_forms",
    "metadata",
    "monthly_statistics",
    "render",
    "render_path",
    "render_record",
    "write_document",
    "write_input_workbook",
    "write_register_workbook",
]


def list_forms() -> list[type[FormModel]]:
    """Every form, grouped by service area."""
    return all_forms()


def describe(form_id: str) -> FormSpec:
    """The columns, list parts and rules of a form (see `schema.FormSpec`)."""
    return spec(form_id)


# --- render ------------------------------------------------------------------------------


def render(
    paths: Iterable[Path],
    outdir: Path,
    *,
    form_id: str | None = None,
    agency: str | None = None,
    today: dt.date | None = None,
    overwrite: bool = False,
    show_personal: bool = False,
    pdf: bool = False,
    annotate: bool = True,
    events: RenderEvents | None = None,
    jobs: int | None = None,
) -> RenderReport:
    """Validate every row of each input and write one document per valid row into `outdir`.

    An input is a workbook (one form, or a sheet per form), a CSV file (give `form_id`) or
    the JSON of `extract`. Every problem of every row is reported (file, sheet, row, column,
    value, reason); for spreadsheets a copy with those cells marked is written to `outdir`.
    A different file already at a document's name is kept unless `overwrite`. With `pdf`, a
    PDF is made next to each document (one LibreOffice process for the batch); without
    `annotate` no marked copy is written. `events` hears of each document as it is written
    (for progress displays). `jobs` processes render (None: every core; 1: this process
    only); the report and the files are the same whatever the number.
    """
    run = RenderRun(
        outdir,
        form_id=form_id,
        agency=agency,
        today=today,
        overwrite=overwrite,
        show_personal=show_personal,
        annotate=annotate,
        events=events,
        jobs=jobs,
    )
    report = run.run(paths)
    if pdf:
        from .render.pdf_batch import add_pdfs

        add_pdfs(report, overwrite=overwrite, jobs=jobs)
    return report


def render_path(path: Path, outdir: Path, **options: Any) -> list[FileReport]:
    """`render` for one input file; one report per form it holds (same options)."""
    return render([path], outdir, **options).files


def write_document(
    record: FormModel, outdir: Path, *, agency: str | None = None, overwrite: bool = False
) -> DocumentResult:
    """Render one record into `outdir` (kept if a different file is there, unless `overwrite`).

    Raises OSError when the file cannot be written.
    """
    target = outdir / document_name(record)
    status = write_atomic(
        target, render_record(record, agency or DEFAULT_AGENCY), overwrite=overwrite
    )
    return DocumentResult(record.key(), record.display_name(), target, status)


def extract(path: Path) -> dict[str, Any]:
    """The form id, schema version, agency and data a document made by lvye-forms carries.

    Raises `render.embed.NoEmbeddedData` for other files, and OSError, zipfile.BadZipFile or
    ValueError for damaged ones.
    """
    return read_embedded(path)


# --- input workbooks -----------------------------------------------------------------------


def write_input_workbook(
    form_id: str | None, path: Path, *, example: bool = False, overwrite: bool = False
) -> WriteStatus:
    """Write the input workbook for `form_id` (None: all forms, a sheet each) to `path`.

    An existing different file is kept unless `overwrite`.
    """
    buffer = io.BytesIO()
    if form_id is None:
        all_forms_workbook(list_forms(), example=example).save(buffer)
    else:
        input_workbook(get_form(form_id), example=example).save(buffer)
    return write_atomic(path, buffer.getvalue(), overwrite=overwrite)


def write_register_workbook(path: Path, *, overwrite: bool = False) -> WriteStatus:
    """The blank register for the checker: scanned or hand-made files (with facts a scan
    cannot give), and the service points (type, contract date, reporting start)."""
    buffer = io.BytesIO()
    workbook = register_workbook()
    from .check.service_points import add_service_point_sheet

    add_service_point_sheet(workbook)
    workbook.save(buffer)
    return write_atomic(path, buffer.getvalue(), overwrite=overwrite)


# --- monthly statistics ------------------------------------------------------------------


def monthly_statistics(
    archive: Path, month: str, service_point: str
) -> tuple[FormModel, list[Unplaced]]:
    """《社工服务统计表》 for `month` (2024-10) computed from the documents under `archive`,
    and the files that could not be read or placed (they are not counted)."""
    from .archive import scan
    from .stats import service_statistics

    documents, unplaced = scan(archive)
    return service_statistics(documents, month, service_point), unplaced


def stats(
    archive: Path,
    month: str,
    service_point: str,
    outdir: Path,
    *,
    agency: str | None = None,
    overwrite: bool = False,
) -> StatsReport:
    """Compute the month's statistics from `archive` and write the workbook into `outdir`."""
    record, unplaced = monthly_statistics(archive, month, service_point)
    document = write_document(record, outdir, agency=agency, overwrite=overwrite)
    return StatsReport(month, service_point, record, document, unplaced)


# --- completeness checks ---------------------------------------------------------------

STAFF_DATE_COLUMNS = ("从事社工起始日期", "开始从事社会工作日期", "从事社会工作起始日期")


def read_staff_register(path: Path) -> StaffRegister:
    """Workers and the date each began social work, from a staff workbook or CSV.

    Columns 姓名 and 从事社工起始日期 (开始从事社会工作日期 also accepted); the 社工情况统计表
    input workbook has them too. Raises `ingest.tables.UnreadableFile`.
    """
    tables = read_tables(path)
    from .check.engine import StaffRegister

    register = StaffRegister()
    found = False
    for table in tables.values():
        name_column = next((h for h in table.headers if h in ("姓名", "社工", "name")), None)
        date_column = next((h for h in table.headers if h in STAFF_DATE_COLUMNS), None)
        if name_column is None or date_column is None:
            continue
        found = True
        for row in table.rows:
            name, began = row.values.get(name_column), row.values.get(date_column)
            if not name or not began:
                continue
            try:
                register.started[str(name).strip()] = parse_date(began)
            except (ValueError, OverflowError):
                raise UnreadableFile(
                    t(
                        f"员工名册「{table.name}」第 {row.row} 行「{date_column}」不是有效的日期：{began}",
                        f"staff register '{table.name}' row {row.row}: '{began}' is not a date",
                    )
                ) from None
    if not found:
        raise UnreadableFile(
            t(
                f"{display_path(path)} 不是员工名册：需要“姓名”和“从事社工起始日期”两列",
                f"{display_path(path)} is not a staff register: it needs the columns 姓名 and "
                "从事社工起始日期",
            )
        )
    return register


def check_archive(
    archive: Path,
    *,
    profile: str = "lvye",
    as_of: dt.date | None = None,
    staff: Path | None = None,
    register: Path | None = None,
    service_points: Path | None = None,
    since: dt.date | None = None,
) -> CheckReport:
    """Which subject under `archive` lacks which document, or missed which deadline.

    `profile` is a shipped profile name or a YAML file. `register` lists scans and hand-made
    files (registers inside the archive are read too); `service_points` is a workbook with a
    服务点 sheet (type, contract date, reporting start; the archive's registers may hold one);
    `since` is when service points without a registered start began reporting. Raises
    `check.profile.ProfileError` for a bad profile and `ingest.tables.UnreadableFile` for an
    unreadable staff register.
    """
    from .archive import is_register, scan_archive
    from .check.engine import run_check
    from .check.profile import load_profile
    from .check.service_points import read_service_points

    rules = load_profile(profile)
    staff_register = read_staff_register(staff) if staff else None
    if service_points is not None and not is_register(service_points):
        raise UnreadableFile(
            t(
                f"{display_path(service_points)} 中没有服务点登记（需要“服务点”“类型”两列）",
                f"{display_path(service_points)} has no service-point sheet (columns 服务点, 类型)",
            )
        )
    if register is not None and not is_register(register):
        raise UnreadableFile(
            t(
                f"{display_path(register)} 不是文件登记表：需要“文件”“对象编号”“表单”列"
                "（或“服务点”“类型”列），可用 lvye-forms sheet register 生成",
                f"{display_path(register)} is not a register: it needs the columns 文件, 对象编号 "
                "and 表单 (or 服务点 and 类型); `lvye-forms sheet register` writes one",
            )
        )
    scanned = scan_archive(archive, register)
    point_sources = [*scanned.registers, *([service_points] if service_points else [])]
    points = read_service_points(list(dict.fromkeys(point_sources)))
    as_of = as_of or dt.date.today()
    result = run_check(
        rules,
        scanned.documents,
        scanned.unplaced,
        as_of,
        staff_register,
        ignored=scanned.ignored,
        service_points=points,
        since=since,
    )
    return CheckReport(
        profile=rules.name,
        archive=archive,
        as_of=as_of,
        result=result,
        title=rules.title,
        register_problems=points.problems,
    )
