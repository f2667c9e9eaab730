"""Reports on the terminal: plain lines readable at any width, in the current language.

Lines appear as the work happens (a document line as soon as it is written); a rich progress
bar on stderr shows for runs longer than a second when stderr is a terminal. Nothing here
counts or decides anything: it prints the report objects' own properties. Personal numbers
are masked unless the user asked for them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ..errors import Problem
from ..i18n import t
from ..paths import display_path
from ..privacy import mask_text, mask_whole
from ..report import (
    CheckReport,
    DocumentResult,
    FileReport,
    RenderEvents,
    RenderReport,
    StatsReport,
    subject_label,
)


def _encodable(text: str, encoding: str | None) -> bool:
    try:
        text.encode(encoding or "utf-8")
        return True
    except (UnicodeEncodeError, LookupError):
        return False


class Marks:
    """✓ ✗ where the terminal can show them; √ × (both in GBK) on a legacy Chinese console."""

    def __init__(self, encoding: str | None) -> None:
        fancy = _encodable("✓✗·", encoding)
        self.ok = "✓" if fancy else "√"
        self.bad = "✗" if fancy else "×"
        self.late = "!"
        self.dot = "·" if fancy else "-"
        self.unknown = "?"


class Terminal:
    """Prints reports to stdout; progress goes to stderr."""

    def __init__(self, *, show_personal: bool = False, console: Console | None = None) -> None:
        self.console = console or Console(highlight=False, soft_wrap=True)
        self.show_personal = show_personal
        self.marks = Marks(getattr(sys.stdout, "encoding", None))

    # --- helpers ---------------------------------------------------------------------------

    def text(self, value: Any) -> str:
        """Any value as printable, escaped, masked text."""
        shown = value if isinstance(value, str) else str(value)
        return escape(shown if self.show_personal else mask_text(shown))

    def path(self, value: Path | str) -> str:
        return self.text(display_path(value))

    def print(self, line: str = "") -> None:
        self.console.print(line)

    def problem(self, problem: Problem) -> str:
        value = problem.value
        if not self.show_personal and value:
            value = mask_whole(value) if problem.personal else mask_text(value)
        return self.text(problem.describe(value))

    # --- render ----------------------------------------------------------------------------

    def file_header(self, report: FileReport) -> None:
        title = f" 《{self.text(report.title)}》" if report.title else ""
        self.print(f"[bold]{self.path(report.input)}[/bold]{title}")

    def document_line(self, document: DocumentResult) -> None:
        if document.written:
            self.print(f"  [green]{self.marks.ok}[/green] {self.path(document.path)}")

    def file_footer(self, report: FileReport) -> None:
        counts = t(
            f"共 {report.rows} 行，生成 {len(report.written)} 份，未变 {len(report.unchanged)} 份",
            f"{report.rows} rows, {len(report.written)} written, {len(report.unchanged)} unchanged",
        )
        if report.kept:
            counts += t(
                f"，[red]未覆盖 {len(report.kept)} 份[/red]",
                f", [red]{len(report.kept)} kept[/red]",
            )
        if report.failed_rows:
            counts += t(
                f"，[red]有错 {report.failed_rows} 行[/red]",
                f", [red]{report.failed_rows} rows with errors[/red]",
            )
        self.print(f"  {counts}")
        # One line per problem, in the order staff fix them: where, what is wrong, what was typed.
        for problem in report.problems:
            self.print(f"  [red]{self.marks.bad}[/red] {self.problem(problem)}")
        for document in report.pdf_failures:
            self.print(
                f"  [red]{self.marks.bad}[/red] PDF {self.path(document.path)}：{self.text(document.pdf_reason)}"
            )
        if report.annotated_copy:
            self.print(
                t(
                    f"  已标出错误单元格的副本：{self.path(report.annotated_copy)}（改正后可直接用它再次运行）",
                    f"  Copy with the bad cells marked: {self.path(report.annotated_copy)} (fix it and run again on it)",
                )
            )

    def render_summary(self, report: RenderReport) -> None:
        for notice in report.notices:
            self.print(f"[yellow]{self.text(notice)}[/yellow]")
        if len([f for f in report.files if f.worth_showing]) <= 1 and not report.pdfs:
            return  # the one file's own footer already said it all
        line = t(
            f"[bold]合计[/bold]：{report.rows} 行，生成 {len(report.written)} 份，未变 {len(report.unchanged)} 份",
            f"[bold]Total[/bold]: {report.rows} rows, {len(report.written)} written, "
            f"{len(report.unchanged)} unchanged",
        )
        if report.pdfs:
            line += t(f"，PDF {len(report.pdfs)} 份", f", {len(report.pdfs)} PDFs")
        if report.kept:
            line += t(f"，未覆盖 {len(report.kept)} 份", f", {len(report.kept)} kept")
        if report.failed_rows:
            line += t(
                f"，[red]有错 {report.failed_rows} 行[/red]",
                f", [red]{report.failed_rows} rows with errors[/red]",
            )
        self.print(line)
        self.print(
            t(f"文档在：{self.path(report.outdir)}", f"Documents in: {self.path(report.outdir)}")
        )
        for copy in report.annotated_copies:
            self.print(t(f"待修改副本：{self.path(copy)}", f"Copy to fix: {self.path(copy)}"))

    # --- check -----------------------------------------------------------------------------

    def check(self, report: CheckReport, *, show_all: bool = False) -> None:
        totals = report.totals
        statuses = report.to_dict()["status_labels"]
        self.print(
            t(
                f"[bold]档案完整性检查[/bold]（规则 {self.text(report.profile)}，截至 {report.as_of.isoformat()}）："
                f"文档 {totals['documents']} 份，对象 {totals['subjects']} 个；",
                f"[bold]Archive check[/bold] (profile {self.text(report.profile)}, as of "
                f"{report.as_of.isoformat()}): {totals['documents']} documents, {totals['subjects']} subjects; ",
            )
            + t("，", ", ").join(f"{label} {totals[s]}" for s, label in statuses.items())
        )
        if report.result.ignored:
            self.print(
                t(
                    f"未检查的文件 {report.result.ignored} 个（Office 临时文件“~$…”和隐藏文件）",
                    f"{report.result.ignored} files left out (Office lock files ~$… and hidden files)",
                )
            )
        for use in report.guessed_service_points:
            self.print(f"[yellow]{self.text(self.service_point_guess(use))}[/yellow]")
        for problem in report.register_problems:
            self.print(
                f"[yellow]{self.marks.unknown}[/yellow] "
                + self.text(
                    t(
                        f"{display_path(problem.path)} 第 {problem.row} 行「{problem.column}」：{problem.reason}",
                        f"{display_path(problem.path)} row {problem.row} '{problem.column}': {problem.reason}",
                    )
                )
            )
        for title, rows in (
            (t("按服务点", "By service point"), report.by_service_point),
            (t("按负责社工", "By worker"), report.by_worker),
        ):
            table = Table(t("名称", "Name"), *statuses.values(), title=title, title_justify="left")
            for row in rows:
                table.add_row(self.text(row["name"]), *(str(row[s]) for s in statuses))
            self.console.print(table)
        marks = {
            "missing": f"[red]{self.marks.bad}[/red]",
            "late": f"[yellow]{self.marks.late}[/yellow]",
            "invalid": f"[red]{self.marks.bad}[/red]",
            "not_due": self.marks.dot,
            "complete": f"[green]{self.marks.ok}[/green]",
            "unverified": f"[yellow]{self.marks.unknown}[/yellow]",
            "unsigned": f"[yellow]{self.marks.late}[/yellow]",
        }
        # One block per subject, one line per requirement (a series of months or sessions
        # with one status is one line): readable at any terminal width.
        current = None
        for group in report.groups(problems_only=not show_all):
            f = report.finding_dict(group.first)
            subject = (f["subject_type"], f["subject_id"])
            if subject != current:
                current = subject
                who = (
                    ""
                    if f["subject_type"] == "service_point"
                    else "，".join(x for x in (f["worker"], f["service_point"]) if x)
                )
                name = "" if f["subject_name"] == f["subject_id"] else f["subject_name"]
                self.print(
                    f"\n[bold]{self.text(subject_label(f['subject_type']))} {self.text(f['subject_id'])}[/bold] "
                    f"{self.text(name)}" + (f"（{self.text(who)}）" if who else "")
                )
            if group.is_series:
                self.print(
                    f"  {marks[f['status']]} {self.text(f['step'])}：{self.text(f['series'])} "
                    + self.text(
                        t(
                            f"{f['status_label']} {group.span}，共 {len(group.findings)} {group.unit}",
                            f"{f['status_label']} {group.span}, {len(group.findings)} {group.unit}",
                        )
                    )
                )
                continue
            status = f["status_label"]
            if f["days_late"]:
                status += t(f"，逾期 {f['days_late']} 天", f", {f['days_late']} days late")
            if f["due"] and f["status"] != "complete":
                status += t(f"（期限 {f['due']}）", f" (due {f['due']})")
            detail = f" — {self.text(f['message'])}" if f["message"] else ""
            self.print(
                f"  {marks[f['status']]} {self.text(f['step'])}：{self.text(f['requirement'])} "
                f"{self.text(status)}{detail}"
            )
        if report.unplaced:
            self.print(
                t(
                    f"[yellow]无法识别的文件 {len(report.unplaced)} 个：[/yellow]",
                    f"[yellow]{len(report.unplaced)} files could not be placed:[/yellow]",
                )
            )
            for item in report.unplaced:
                u = report.unplaced_dict(item)
                self.print(
                    f"  {self.marks.unknown} {self.text(u['file'])}：{self.text(u['reason'])}"
                )

    @staticmethod
    def service_point_guess(use: Any) -> str:
        """What the check had to guess about a service point, and how to tell it instead."""
        parts = []
        if use.point.guessed:
            parts.append(t(f"类型按名称推定为“{use.point.type}”", f"type guessed from the name: {use.point.type}"))
        if use.start_from == "guessed" and use.start:
            parts.append(
                t(
                    f"月度报表从最早的文档（{use.start.isoformat()}）起算",
                    f"monthly reports counted from its oldest document ({use.start.isoformat()})",
                )
            )
        return t(
            f"服务点“{use.point.name}”：{'；'.join(parts)}（请在服务点登记表中填写，或用 --since）",
            f"Service point '{use.point.name}': {'; '.join(parts)} (fill in the service-point register, or use --since)",
        )

    # --- stats -----------------------------------------------------------------------------

    def stats(self, report: StatsReport) -> None:
        table = Table(
            t("社工", "Worker"),
            t("在案", "Open"),
            t("新开", "New"),
            t("结案", "Closed"),
            t("跟进", "Contacts"),
            t("小组节数", "Group sessions"),
            t("活动", "Activities"),
            t("义工时数", "Volunteer hours"),
        )
        for row in report.rows:
            table.add_row(
                self.text(row["worker"]),
                *(
                    str(row[key])
                    for key in (
                        "open_cases",
                        "new_cases",
                        "closed_cases",
                        "case_contacts",
                        "group_sessions",
                        "activities",
                        "volunteer_hours",
                    )
                ),
            )
        self.console.print(table)
        if not report.ok:
            self.print(
                t(
                    f"[red]文件已存在且内容不同，未覆盖：{self.path(report.document.path)}（如需覆盖请加 --overwrite）[/red]",
                    f"[red]A different file exists, not overwritten: {self.path(report.document.path)} (use --overwrite)[/red]",
                )
            )
        else:
            self.print(
                t(
                    f"已生成：{self.path(report.document.path)}",
                    f"Written: {self.path(report.document.path)}",
                )
            )
        if report.unplaced:
            self.print(
                t(
                    f"[yellow]{len(report.unplaced)} 个文件无法识别，未计入统计（用 lvye-forms check 查看详情）[/yellow]",
                    f"[yellow]{len(report.unplaced)} files could not be read and were not counted "
                    "(see lvye-forms check)[/yellow]",
                )
            )

    # --- forms, profiles, the doctor ------------------------------------------------------

    def forms(self, models: list[Any]) -> None:
        # Plain lines, grouped by service area: readable in any terminal width and easy to grep.
        area = None
        for model in models:
            if model.area != area:
                area = model.area
                self.print(f"\n[bold]{escape(area)}[/bold]")
            self.print(f"  {model.form_id:<28} 《{escape(model.title)}》 {model.kind.upper()}")

    def describe(self, form_spec: Any) -> None:
        from ..schema import KIND_LABELS

        model = form_spec.model
        self.print(
            t(
                f"[bold]《{escape(model.title)}》[/bold]  编号 {model.form_id}  类别 {escape(model.area)}  "
                f"输出 {model.kind.upper()}",
                f"[bold]《{escape(model.title)}》[/bold]  id {model.form_id}  area {escape(model.area)}  "
                f"output {model.kind.upper()}",
            )
        )
        if model.sources:
            self.print(t("依据：", "Sources: ") + escape("；".join(model.sources)))
        self.print(
            t(
                f"每行一份文档，以「{escape(form_spec.key.label)}」区分。",
                f"One document per row, identified by 「{escape(form_spec.key.label)}」.",
            )
        )

        def columns(title: str, fields: Any) -> None:
            table = Table(
                t("列（中文）", "Column"),
                t("字段", "Field"),
                t("类型", "Kind"),
                t("必填", "Required"),
                t("说明", "Notes"),
                title=title,
                title_justify="left",
            )
            for column in fields:
                table.add_row(
                    escape(column.label),
                    column.name,
                    escape(KIND_LABELS[column.kind]),
                    t("是", "yes") if column.required else "",
                    escape("；".join(column.rule_notes())),
                )
            self.console.print(table)

        columns(
            t(f"工作表「{form_spec.sheet_name}」", f"Sheet 「{form_spec.sheet_name}」"),
            form_spec.columns,
        )
        for part in form_spec.parts:
            columns(
                t(
                    f"工作表「{part.label}」（每行一条，用「{form_spec.key.label}」对应主表）",
                    f"Sheet 「{part.label}」 (one item per row, tied by 「{form_spec.key.label}」)",
                ),
                part.fields,
            )
        if model.rules:
            self.print(t("\n[bold]检查规则[/bold]", "\n[bold]Rules[/bold]"))
            for rule in model.rules:
                self.print(f"  · {escape(rule)}")

    def profile(self, rules: Any) -> None:
        self.print(
            f"[bold]{escape(rules.name)}[/bold]　{escape(rules.title)}（{escape(rules.source)}）"
        )
        # Plain indented lines: subject → step → document, with its condition, deadline and check.
        for subject in rules.subjects.values():
            closed = (
                t(
                    f"　（结束的条件：{escape(subject.closed_when)}）",
                    f"  (closed when: {escape(subject.closed_when)})",
                )
                if subject.closed_when
                else ""
            )
            self.print(f"\n[bold]{escape(subject_label(subject.type))}[/bold]{closed}")
            for step in subject.steps:
                self.print(f"  {escape(step.label)}")
                for requirement in step.requirements:
                    verb = (
                        t("不得出现", "must not have") if requirement.forbid else t("需要", "needs")
                    )
                    self.print(
                        f"    {verb} {escape(requirement.label)}"
                        + t(f"（第 {requirement.line} 行）", f" (line {requirement.line})")
                    )
                    details = [
                        (t("依据", "seed"), requirement.source),
                        (t("说明", "note"), requirement.note or requirement.invalid),
                        (t("对每一项", "for each"), requirement.for_each),
                        (t("条件", "when"), requirement.when),
                        (t("期限", "due"), requirement.due),
                        (t("检查", "valid"), requirement.valid),
                    ]
                    for label, value in details:
                        if value:
                            self.print(f"      {label}{t('：', ': ')}{escape(value)}")

    def doctor(self, report: Any) -> None:
        for item in report.checks:
            mark = f"[green]{self.marks.ok}[/green]" if item.ok else f"[red]{self.marks.bad}[/red]"
            self.print(f"{mark} {escape(item.name)}{t('：', ': ')}{escape(item.detail)}")
            if not item.ok and item.advice:
                self.print(f"    {escape(item.advice)}")
        self.print(
            t("一切就绪。", "Everything is ready.")
            if report.ok
            else t("有需要处理的项目（见上）。", "Some items need attention (see above).")
        )


class RenderProgress(RenderEvents):
    """Streams a render run to the terminal: lines as documents are written, a progress bar
    on stderr after the first second (only when stderr is a terminal)."""

    DELAY = 1.0  # seconds before a bar is worth showing

    def __init__(self, terminal: Terminal, *, enabled: bool | None = None) -> None:
        self.terminal = terminal
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.started_at = time.monotonic()
        self.total = 0
        self.done = 0
        self._bar: Progress | None = None
        self._task: Any = None
        self._header_printed = False

    # RenderEvents protocol (see api.render)

    def file_started(self, path: Path) -> None:
        self._header_printed = False

    def rows_found(self, count: int) -> None:
        self.total += count
        self._tick()

    def document_done(self, report: FileReport, document: DocumentResult) -> None:
        self.done += 1
        if not self._header_printed:
            self.terminal.file_header(report)
            self._header_printed = True
        self.terminal.document_line(document)
        self._tick()

    def row_failed(self, report: FileReport) -> None:
        self.done += 1
        self._tick()

    def file_finished(self, report: FileReport) -> None:
        if not (report.worth_showing or report.documents) and not self._header_printed:
            return
        if not self._header_printed:
            self.terminal.file_header(report)
        self.terminal.file_footer(report)
        self._header_printed = False

    def _tick(self) -> None:
        if not self.enabled:
            return
        if self._bar is None:
            if time.monotonic() - self.started_at < self.DELAY:
                return
            self._bar = Progress(
                TextColumn(t("生成文档", "Rendering")),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._task = self._bar.add_task("render", total=self.total or None)
            self._bar.start()
        self._bar.update(self._task, total=self.total or None, completed=self.done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
