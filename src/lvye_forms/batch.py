"""A render run: input files → validated rows → documents, error copies and PDFs.

Each input file is read once; every row is validated and reported in one pass; each valid
row becomes one document, written atomically and never over someone's different file unless
asked. A file that cannot be read, a row that cannot be written, a PDF that cannot be made
each become a located problem in the `RenderReport`, and the rest of the batch goes on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import Code, Problem, message
from .i18n import t
from .ingest.errorcopy import write_error_copy
from .ingest.records import FormReader, find_main_table, translate
from .ingest.stream import open_tables
from .ingest.tables import Table, UnreadableFile, workbook_form_id
from .model import FormModel
from .paths import display_path
from .privacy import mask_text
from .registry import UnknownForm, find_form_by_title, get_form
from .render.document import DEFAULT_AGENCY, document_name
from .render.output import WriteStatus, free_path, remove_leftovers
from .render.writer import Job, Writer, Written, make_writer
from .report import DocumentResult, FileReport, RenderEvents, RenderReport

ALL_FORMS = "*"  # the form property of the all-forms workbook
JSON_LIMIT = 50 * 1024 * 1024  # bytes of JSON input read at most (an `extract` file is small)

log = logging.getLogger(__name__)
# Inputs larger than this start the workers before reading (a few thousand rows and up); a
# smaller batch may not need them at all.
EARLY_POOL_BYTES = 256 * 1024


def detect_forms(path: Path, tables: dict[str, Table]) -> list[type[FormModel]]:
    """The forms an input file holds: our one-form workbook property, else every sheet named
    after a form (the all-forms workbook, or a workbook staff assembled themselves)."""
    form_id = workbook_form_id(path)
    if form_id and form_id != ALL_FORMS:
        try:
            return [get_form(form_id)]
        except UnknownForm:
            pass  # a workbook from a newer version: fall back to its sheet names
    found = [find_form_by_title(name) for name in tables]
    return [model for model in found if model is not None]


class RenderRun:
    """Renders input files into one output folder, collecting one `RenderReport`."""

    def __init__(
        self,
        outdir: Path,
        *,
        form_id: str | None = None,
        agency: str | None = None,
        today: dt.date | None = None,
        overwrite: bool = False,
        show_personal: bool = False,
        annotate: bool = True,
        events: RenderEvents | None = None,
        jobs: int | None = None,
    ) -> None:
        self.outdir = outdir
        self.form_id = form_id
        self.agency = agency
        self.today = today or dt.date.today()
        self.overwrite = overwrite
        self.show_personal = show_personal
        self.annotate = annotate
        self.events = events or RenderEvents()
        self.jobs = jobs  # processes that render (None: every core)
        self.report = RenderReport(outdir=outdir)
        self._writer = Writer(overwrite=overwrite)
        # Every path written in this run, so two rows never share a file name.
        self._taken = _TakenNames()

    def run(self, paths: Iterable[Path]) -> RenderReport:
        _remove_leftovers(self.outdir)
        self._writer = make_writer(overwrite=self.overwrite, jobs=self.jobs)
        paths = list(paths)
        if sum(_size(p) for p in paths) > EARLY_POOL_BYTES:
            self._writer.start_early()
        try:
            for path in paths:
                self.report.files.extend(self.render_file(path))
        finally:
            self._writer.close()
        for form_id, reason in self._writer.fallbacks.items():
            # Said once per run: the documents are right, only slower to make.
            library = "openpyxl" if get_form(form_id).kind == "xlsx" else "docxtpl"
            log.warning(
                t(
                    f"表单 {form_id} 的文档由 {library} 逐份生成（较慢），原因：{reason}",
                    f"documents of {form_id} were rendered by {library} (slower): {reason}",
                )
            )
        return self.report

    # --- one input file ------------------------------------------------------------------

    def render_file(self, path: Path) -> list[FileReport]:
        self.events.file_started(path)
        if path.suffix.lower() == ".json":
            reports = [self._render_json(path)]
        else:
            reports = self._render_tables(path)
        for report in reports:
            self.events.file_finished(report)
        return reports

    def _file_problem(self, path: Path, code: Code, **ctx: Any) -> Problem:
        return Problem(code=code.value, message=message(code, **ctx), file=display_path(path.name))

    def _render_tables(self, path: Path) -> list[FileReport]:
        reports: list[FileReport] = []
        try:
            with open_tables(path) as tables:
                models = [get_form(self.form_id)] if self.form_id else detect_forms(path, tables)
                if not models:
                    reason = t(
                        "工作簿中没有可识别的表单工作表；请在命令中写明表单编号，如 render case_consent 文件.xlsx",
                        "no sheet of the workbook is a form this tool knows; name the form, "
                        "e.g. render case_consent file.xlsx",
                    )
                    report = FileReport(input=path)
                    report.problems.append(
                        self._file_problem(path, Code.UNKNOWN_FORM, reason=reason)
                    )
                    return [report]
                for model in models:
                    report = FileReport(input=path, form_id=model.form_id)
                    reports.append(report)
                    self._render_form(path, model, tables, report)
        except UnreadableFile as exc:
            # Located when it can be (a CSV line, a sheet, a row). Damage found part-way
            # through a sheet ends that file: what was made before it stays and is reported.
            report = reports[-1] if reports else FileReport(input=path)
            report.problems.append(self._unreadable(path, exc))
            if not reports:
                return [report]  # no error copy of a file we can't read
        for report in reports:
            # File-level problems first, then sheet by sheet in row order: how staff fix them.
            report.problems.sort(key=lambda p: (p.row is not None, p.sheet, p.row or 0))
        self._error_copy(path, reports)
        return reports

    def _render_form(
        self, path: Path, model: type[FormModel], tables: dict[str, Table], report: FileReport
    ) -> None:
        """Each row of `model`'s sheet read, validated and handed to the writer in turn: only
        the rows in flight are alive, however long the sheet."""
        reader = FormReader(
            model, display_path(path.name), today=self.today, show_personal=self.show_personal
        )
        main = find_main_table(reader.spec, tables)
        expected = main.expected_rows if main is not None else 0
        self.events.rows_found(expected)
        try:
            for candidate in reader.candidates(tables, report.problems):
                report.rows += 1
                outcome = reader.validate(candidate)
                if outcome.record is None:
                    self._writer.later(_failed(report, outcome.problems, self.events))
                    continue
                self._write_document(outcome.record, self.agency or DEFAULT_AGENCY, report)
        finally:
            self._writer.drain()  # this form's report is complete before the next begins
            if report.rows != expected:  # the estimate was off (blank rows, repeated keys)
                self.events.rows_found(report.rows - expected)

    def _unreadable(self, path: Path, exc: UnreadableFile) -> Problem:
        return Problem(
            code=exc.code.value,
            message=message(exc.code, reason=str(exc)),
            file=display_path(path.name),
            sheet=exc.sheet,
            row=exc.row,
            column=exc.column,
            value=mask_text(exc.value) if not self.show_personal else exc.value,
        )

    def _error_copy(self, path: Path, reports: list[FileReport]) -> None:
        problems = [p for r in reports for p in r.problems if p.row is not None]
        if not self.annotate or not problems:
            return
        try:
            copy = write_error_copy(path, self.outdir, problems)
        except (OSError, ValueError) as exc:
            # The documents are written; a copy that cannot be made is one more problem.
            problem = self._file_problem(path, Code.WRITE_FAILED, reason=str(exc))
            reports[0].problems.append(problem)
            return
        for report in reports:
            report.annotated_copy = (
                copy if any(p.row is not None for p in report.problems) else None
            )

    # --- one document --------------------------------------------------------------------

    def _write_document(self, record: FormModel, agency: str, report: FileReport) -> None:
        # The name is decided here, in order, whoever renders: the same names in every run.
        target = self.outdir / document_name(record)
        if target in self._taken:  # two keys that differ only in characters a name can't hold
            target = free_path(target, avoid=self._taken)
        self._taken.add(target)
        key, name = record.key(), record.display_name()

        def then(written: Written) -> None:
            self._written(report, DocumentResult(key, name, target, WriteStatus.KEPT), written)

        self._writer.write(Job(record, agency, target), then)

    def _written(self, report: FileReport, result: DocumentResult, written: Written) -> None:
        target = result.path
        if written.status is None:
            report.problems.append(
                Problem(
                    code=Code.WRITE_FAILED.value,
                    message=message(Code.WRITE_FAILED, reason=written.reason),
                    file=display_path(target),
                )
            )
            report.failed_rows += 1
            self.events.row_failed(report)
            return
        result.status = written.status
        report.documents.append(result)
        if result.status is WriteStatus.KEPT:
            report.problems.append(
                Problem(
                    code=Code.EXISTS.value, message=message(Code.EXISTS), file=display_path(target)
                )
            )
        self.events.document_done(report, result)

    # --- JSON input (the output of `extract`) --------------------------------------------

    def _render_json(self, path: Path) -> FileReport:
        """Render records given as JSON: one object as `extract` writes it, or a list of them."""
        report = FileReport(input=path)
        try:
            with path.open("rb") as stream:
                raw = stream.read(JSON_LIMIT + 1)
            if len(raw) > JSON_LIMIT:
                raise ValueError(t("文件过大", "file too large"))
            payload = json.loads(raw.decode("utf-8-sig"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
            reason = _os_reason(exc) if isinstance(exc, OSError) else str(exc)
            report.problems.append(self._file_problem(path, Code.UNREADABLE, reason=reason))
            return report
        items = payload if isinstance(payload, list) else [payload]
        report.rows = len(items)
        self.events.rows_found(len(items))
        for number, item in enumerate(items, start=1):
            self._render_json_item(path, report, number, item)
        self._writer.drain()
        return report

    def _render_json_item(self, path: Path, report: FileReport, number: int, item: Any) -> None:
        def problem(code: Code, text: str, column: str = "") -> Problem:
            return Problem(
                code=code.value,
                message=text,
                file=display_path(path.name),
                sheet="JSON",
                row=number,
                column=column,
            )

        item_form = self.form_id or (item.get("form") if isinstance(item, dict) else None)
        data = item.get("data", item) if isinstance(item, dict) and "form" in item else item
        try:
            model = get_form(str(item_form))
            record = model.model_validate(data, context={"today": self.today})
        except UnknownForm:
            reason = t(
                f"记录没有 form 字段或表单编号无效（{item_form}）",
                f"the record has no form or an unknown one ({item_form})",
            )
            failed = [problem(Code.UNKNOWN_FORM, message(Code.UNKNOWN_FORM, reason=reason))]
            self._writer.later(_failed(report, failed, self.events))
            return
        except ValidationError as exc:
            failed = [
                problem(Code.INVALID, translate(error), ".".join(str(p) for p in error["loc"]))
                for error in exc.errors()
            ]
            self._writer.later(_failed(report, failed, self.events))
            return
        self._writer.later(lambda: setattr(report, "form_id", model.form_id))
        embedded_agency = item.get("agency") if isinstance(item, dict) else None
        agency = self.agency or (embedded_agency if isinstance(embedded_agency, str) else None)
        self._write_document(record, agency or DEFAULT_AGENCY, report)


def _failed(report: FileReport, problems: list[Problem], events: RenderEvents) -> Any:
    """The step that records a row that could not be rendered, in its place in the run."""

    def step() -> None:
        report.problems.extend(problems)
        report.failed_rows += 1
        events.row_failed(report)

    return step


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reading it will say why


class _TakenNames:
    """The file names a run has given out, as 16-byte digests: a run keeps one per document,
    and a 100,000-row batch should not hold 100,000 paths for it. `in` takes a path, or the
    casefolded absolute path text `output.free_path` asks about."""

    def __init__(self) -> None:
        self._digests: set[bytes] = set()

    @staticmethod
    def _digest(item: object) -> bytes:
        # Names that differ only in case are one file on Windows and macOS.
        text = _key(item) if isinstance(item, Path) else str(item)
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def add(self, path: Path) -> None:
        self._digests.add(self._digest(path))

    def __contains__(self, item: object) -> bool:
        return self._digest(item) in self._digests

    def __len__(self) -> int:
        return len(self._digests)

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._digests)


def _key(path: Path) -> str:
    return str(path.absolute()).casefold()


def _os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def _remove_leftovers(folder: Path) -> None:
    """Temporary files a killed earlier run left in `folder` (our own, and only those)."""
    if folder.is_dir():
        remove_leftovers(folder)
