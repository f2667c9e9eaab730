"""Report objects: what each command did, as typed data.

`render` returns a `RenderReport`, `check` a `CheckReport`, `stats` a `StatsReport`. Every
count is a property computed here, once; the formatters in `lvye_forms.formats` (terminal
text, JSON, XLSX, HTML) only print these objects, so two outputs of one run never disagree.
Values are kept as they are; masking of personal numbers happens when a formatter prints.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import i18n
from .check.findings import (
    PROBLEMS,
    STATUS_LABELS,
    CheckResult,
    Finding,
    FindingStatus,
    ServicePointUse,
)
from .check.service_points import RegisterProblem
from .check.subjects import subject_label
from .errors import Problem
from .paths import display_path
from .render.output import WriteStatus

if TYPE_CHECKING:
    from .archive import Unplaced
    from .model import FormModel

SCHEMA_VERSION = 2  # of the JSON every report prints; keys documented in docs/guide.md


class RunStatus(str, Enum):
    """How a command that ran ended, and so its exit status (one that could not run at all —
    a bad profile, bad arguments — exits 2 from the command line without a report)."""

    OK = "ok"  # everything done, nothing wrong
    PROBLEMS = "problems"  # done, but some rows, files or requirements need attention

    @property
    def exit_code(self) -> int:
        return 0 if self is RunStatus.OK else 1


class _Report:
    """What every command's report has: a status, and whether it is all well."""

    @property
    def status(self) -> RunStatus:
        raise NotImplementedError

    @property
    def ok(self) -> bool:
        return self.status is RunStatus.OK


# --- render ------------------------------------------------------------------------------


@dataclass(slots=True)  # one per document of a run, kept to its end: small
class DocumentResult:
    key: str
    name: str  # shown to people: the client's or group's name, never an ID number
    path: Path
    status: WriteStatus
    pdf: Path | None = None
    pdf_status: str = ""  # written | unchanged | kept | failed (see render.pdf)
    pdf_reason: str = ""

    @property
    def written(self) -> bool:
        return self.status in (WriteStatus.WRITTEN, WriteStatus.REPLACED)


@dataclass
class FileReport:
    """The outcome of rendering one form of one input file."""

    input: Path
    form_id: str = ""
    rows: int = 0  # documents the file described
    failed_rows: int = 0
    documents: list[DocumentResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    annotated_copy: Path | None = None

    @property
    def title(self) -> str:
        from .registry import UnknownForm, get_form

        try:
            return get_form(self.form_id).title if self.form_id else ""
        except UnknownForm:
            return ""

    @property
    def written(self) -> list[DocumentResult]:
        return [d for d in self.documents if d.written]

    @property
    def unchanged(self) -> list[DocumentResult]:
        return [d for d in self.documents if d.status is WriteStatus.UNCHANGED]

    @property
    def kept(self) -> list[DocumentResult]:
        """Documents not written because a different file was there (no --overwrite)."""
        return [d for d in self.documents if d.status is WriteStatus.KEPT]

    @property
    def pdf_failures(self) -> list[DocumentResult]:
        return [d for d in self.documents if d.pdf_status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.kept and not self.pdf_failures

    @property
    def worth_showing(self) -> bool:
        """An all-forms workbook has many empty sheets: those are not worth a line."""
        return bool(self.rows or self.problems)

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": display_path(self.input),
            "form": self.form_id,
            "title": self.title,
            "ok": self.ok,
            "rows": self.rows,
            "written": len(self.written),
            "unchanged": len(self.unchanged),
            "kept": len(self.kept),
            "failed_rows": self.failed_rows,
            "documents": [
                {
                    "key": d.key,
                    "name": d.name,
                    "path": display_path(d.path),
                    "status": d.status.value,
                    "pdf": display_path(d.pdf) if d.pdf else None,
                    "pdf_status": d.pdf_status or None,
                    "pdf_reason": d.pdf_reason or None,
                }
                for d in self.documents
            ],
            "problems": [p.to_dict() for p in self.problems],
            "annotated_copy": display_path(self.annotated_copy) if self.annotated_copy else None,
        }


@dataclass
class RenderReport(_Report):
    """Everything one `render` run did, across all its input files."""

    outdir: Path
    files: list[FileReport] = field(default_factory=list)
    # Run-wide problems that belong to no one file (LibreOffice missing for --pdf, …).
    notices: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def failed_rows(self) -> int:
        return sum(f.failed_rows for f in self.files)

    @property
    def written(self) -> list[DocumentResult]:
        return [d for f in self.files for d in f.written]

    @property
    def unchanged(self) -> list[DocumentResult]:
        return [d for f in self.files for d in f.unchanged]

    @property
    def kept(self) -> list[DocumentResult]:
        return [d for f in self.files for d in f.kept]

    @property
    def pdfs(self) -> list[DocumentResult]:
        return [
            d for f in self.files for d in f.documents if d.pdf_status in ("written", "unchanged")
        ]

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.problems]

    @property
    def annotated_copies(self) -> list[Path]:
        copies: list[Path] = []
        for report in self.files:
            if report.annotated_copy and report.annotated_copy not in copies:
                copies.append(report.annotated_copy)
        return copies

    @property
    def status(self) -> RunStatus:
        ok = all(f.ok for f in self.files) and not self.notices
        return RunStatus.OK if ok else RunStatus.PROBLEMS


    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "command": "render",
            "status": self.status.value,
            "ok": self.ok,
            "outdir": display_path(self.outdir),
            "rows": self.rows,
            "written": len(self.written),
            "unchanged": len(self.unchanged),
            "kept": len(self.kept),
            "failed_rows": self.failed_rows,
            "pdfs": len(self.pdfs),
            "annotated_copies": [display_path(p) for p in self.annotated_copies],
            "notices": list(self.notices),
            "files": [f.to_dict() for f in self.files],
        }


# --- check -------------------------------------------------------------------------------

_STATUS_ORDER = {
    FindingStatus.MISSING: 0,
    FindingStatus.LATE: 1,
    FindingStatus.INVALID: 2,
    FindingStatus.UNVERIFIED: 3,
    FindingStatus.UNSIGNED: 4,
    FindingStatus.NOT_DUE: 5,
    FindingStatus.COMPLETE: 6,
}
@dataclass
class FindingGroup:
    """Findings a supervisor reads as one line: one requirement of one subject, or a series
    (every month, every session) with the same status, e.g. 《月计划汇总表》缺 2024年3月–11月."""

    findings: list[Finding]

    @property
    def first(self) -> Finding:
        return self.findings[0]

    @property
    def status(self) -> FindingStatus:
        return FindingStatus(self.first.status)

    @property
    def is_series(self) -> bool:
        return len(self.findings) > 1

    @property
    def items(self) -> list[str]:
        return [f.item for f in self.findings]

    @property
    def span(self) -> str:
        """2024年3月–2024年11月, or the one item."""
        items = self.items
        return items[0] if len(items) == 1 else f"{items[0]}–{items[-1]}"

    @property
    def unit(self) -> str:
        """What the items count: months, sessions, or plain items."""
        if all(item.endswith("月") for item in self.items):
            return i18n.t("个月", "months")
        if all(item.endswith("节") for item in self.items):
            return i18n.t("节", "sessions")
        return i18n.t("项", "items")


@dataclass
class CheckReport(_Report):
    """The findings of one archive check, with the totals every output prints."""

    profile: str
    archive: Path
    as_of: dt.date
    result: CheckResult
    title: str = ""
    register_problems: list[RegisterProblem] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        """Worst first: missing, late, invalid, not yet due, complete; then by subject."""
        return sorted(
            self.result.findings,
            key=lambda f: (_STATUS_ORDER[FindingStatus(f.status)], f.subject_type, f.subject_id),
        )

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.status in PROBLEMS]

    @property
    def unplaced(self) -> list[Unplaced]:
        return list(self.result.unplaced)

    @property
    def service_points(self) -> list[ServicePointUse]:
        return list(self.result.service_points)

    @property
    def guessed_service_points(self) -> list[ServicePointUse]:
        """Service points whose type or reporting start the check had to guess."""
        return [use for use in self.result.service_points if use.guessed]

    def groups(self, *, problems_only: bool = False) -> list[FindingGroup]:
        """The findings by subject, in the profile's order, each run of consecutive items of a
        series with one status merged (a complete month between two missing ones splits them)."""
        ordered = sorted(self.result.findings, key=lambda f: (f.subject_type, f.subject_id))
        groups: list[FindingGroup] = []
        for finding in ordered:
            last = groups[-1].first if groups else None
            if (
                last is not None
                and finding.series
                and (last.subject_type, last.subject_id, last.series, last.status)
                == (finding.subject_type, finding.subject_id, finding.series, finding.status)
            ):
                groups[-1].findings.append(finding)
            else:
                groups.append(FindingGroup([finding]))
        if problems_only:
            groups = [g for g in groups if g.status in PROBLEMS]
        return groups

    def due_soon(self, days: int = 30) -> dict[str, list[Finding]]:
        """Per worker, what falls due within `days` after the as-of date (not yet done)."""
        horizon = self.as_of + dt.timedelta(days=days)
        soon: dict[str, list[Finding]] = defaultdict(list)
        for finding in sorted(self.result.findings, key=lambda f: (f.due or dt.date.max)):
            if finding.status == FindingStatus.NOT_DUE and finding.due and finding.due <= horizon:
                soon[finding.worker or i18n.t("（未注明）", "(not stated)")].append(finding)
        return dict(sorted(soon.items()))

    def timeline(self) -> list[tuple[str, list[Finding]]]:
        """Per subject (label), its requirements in the profile's order, with dates and dues."""
        subjects: dict[tuple[str, str], list[Finding]] = defaultdict(list)
        for finding in self.result.findings:
            subjects[(finding.subject_type, finding.subject_id)].append(finding)
        result = []
        for (kind, ident), findings in sorted(subjects.items()):
            name = findings[0].subject_name
            result.append((f"{subject_label(kind)} {ident} {name}".strip(), findings))
        return result

    @property
    def status(self) -> RunStatus:
        return RunStatus.PROBLEMS if self.problems else RunStatus.OK


    @property
    def totals(self) -> dict[str, int]:
        counts = {status.value: 0 for status in FindingStatus}
        for finding in self.result.findings:
            counts[FindingStatus(finding.status).value] += 1
        return {
            "documents": self.result.documents,
            "subjects": self.result.subjects,
            "unplaced": len(self.result.unplaced),
            **counts,
        }

    def _summaries(self, key: Callable[[Finding], str]) -> list[dict[str, Any]]:
        table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for finding in self.result.findings:
            table[key(finding) or i18n.t("（未注明）", "(not stated)")][
                FindingStatus(finding.status).value
            ] += 1
        rows = [
            {"name": name, **{s.value: counts.get(s.value, 0) for s in FindingStatus}}
            for name, counts in table.items()
        ]
        return sorted(
            rows,
            key=lambda r: (
                -sum(r[s.value] for s in PROBLEMS),
                -r["missing"],
                r["name"],
            ),
        )

    @property
    def by_service_point(self) -> list[dict[str, Any]]:
        return self._summaries(lambda f: f.service_point)

    @property
    def by_worker(self) -> list[dict[str, Any]]:
        return self._summaries(lambda f: f.worker)

    @property
    def by_form(self) -> list[dict[str, Any]]:
        from .registry import get_form

        return self._summaries(lambda f: "、".join(get_form(x).title for x in f.forms))

    def finding_dict(self, finding: Finding) -> dict[str, Any]:
        status = FindingStatus(finding.status)
        return {
            "subject_type": finding.subject_type,
            "subject_type_label": subject_label(finding.subject_type),
            "subject_id": finding.subject_id,
            "subject_name": finding.subject_name,
            "service_point": finding.service_point,
            "worker": finding.worker,
            "step": finding.step,
            "requirement": finding.requirement,
            "forms": list(finding.forms),
            "status": status.value,
            "status_label": status.label,
            "due": finding.due.isoformat() if finding.due else None,
            "days_late": finding.days_late,
            "document": display_path(finding.document, self.archive) if finding.document else "",
            "document_date": finding.document_date.isoformat() if finding.document_date else None,
            "series": finding.series,
            "item": finding.item,
            "message": finding.message,
        }

    def unplaced_dict(self, item: Unplaced) -> dict[str, str]:
        return {
            "file": display_path(item.path, self.archive),
            "code": item.code,
            "reason": item.reason,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "command": "check",
            "status": self.status.value,
            "profile": self.profile,
            "profile_title": self.title,
            "archive": display_path(self.archive),
            "as_of": self.as_of.isoformat(),
            "ok": self.ok,
            "totals": self.totals,
            "status_labels": {s.value: s.label for s in FindingStatus},
            "by_service_point": self.by_service_point,
            "by_worker": self.by_worker,
            "by_form": self.by_form,
            "findings": [self.finding_dict(f) for f in self.findings],
            "unplaced": [self.unplaced_dict(u) for u in self.result.unplaced],
            "ignored": self.result.ignored,
            "service_points": [
                {
                    "name": use.point.name,
                    "type": use.point.type,
                    "type_guessed": use.point.guessed,
                    "contract_date": _iso(use.point.contract_date),
                    "reporting_start": _iso(use.start),
                    "reporting_start_from": use.start_from or None,
                }
                for use in self.service_points
            ],
            "register_problems": [
                {
                    "file": display_path(p.path, self.archive),
                    "row": p.row,
                    "column": p.column,
                    "reason": p.reason,
                }
                for p in self.register_problems
            ],
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


# --- stats -------------------------------------------------------------------------------


@dataclass
class StatsReport(_Report):
    """The month's computed 《社工服务统计表》 and what became of its file."""

    month: str
    service_point: str
    record: FormModel
    document: DocumentResult
    unplaced: list[Unplaced] = field(default_factory=list)

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [row.model_dump(mode="json") for row in getattr(self.record, "rows", [])]

    @property
    def status(self) -> RunStatus:
        return RunStatus.PROBLEMS if self.document.status is WriteStatus.KEPT else RunStatus.OK


    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "command": "stats",
            "status": self.status.value,
            "month": self.month,
            "service_point": self.service_point,
            "rows": self.rows,
            "document": display_path(self.document.path),
            "document_status": self.document.status.value,
            "unplaced": [
                {"file": display_path(u.path), "code": u.code, "reason": u.reason}
                for u in self.unplaced
            ],
        }


__all__ = [
    "STATUS_LABELS",
    "CheckReport",
    "DocumentResult",
    "FileReport",
    "RenderReport",
    "RunStatus",
    "StatsReport",
]


class RenderEvents:
    """What a render run tells its watcher as it goes (the terminal's progress, the web page).

    Every method does nothing here; a watcher overrides the ones it needs.
    """

    def file_started(self, path: Path) -> None:
        """Reading of an input file begins."""

    def rows_found(self, count: int) -> None:
        """`count` more rows (documents) are known to come."""

    def document_done(self, report: FileReport, document: DocumentResult) -> None:
        """A document was written (or found unchanged, or kept)."""

    def row_failed(self, report: FileReport) -> None:
        """A row was not rendered because of its problems."""

    def file_finished(self, report: FileReport) -> None:
        """One form of one input file is done; its report is complete."""
