"""What a check finds, as data: the finding statuses and their labels, one finding, and the
result of a run. Kept apart from the engine so that the reports (and every command that
prints one) can name them without importing the archive reader and the sandbox.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from .. import i18n
from .service_points import ServicePoint

if TYPE_CHECKING:
    from ..archive import Unplaced


class FindingStatus(str, Enum):
    """What a requirement's check found. The value is the stable name used in JSON."""

    COMPLETE = "complete"
    MISSING = "missing"
    LATE = "late"
    NOT_DUE = "not_due"
    INVALID = "invalid"
    UNVERIFIED = "unverified"  # a fact the rule needs is not in the archive (a scan)
    UNSIGNED = "unsigned"  # generated, but no scan of the signed paper is filed yet

    @property
    def label(self) -> str:
        return (STATUS_LABELS_EN if i18n.current() == "en" else STATUS_LABELS)[self]


COMPLETE, MISSING, LATE, NOT_DUE, INVALID, UNVERIFIED, UNSIGNED = (
    FindingStatus.COMPLETE,
    FindingStatus.MISSING,
    FindingStatus.LATE,
    FindingStatus.NOT_DUE,
    FindingStatus.INVALID,
    FindingStatus.UNVERIFIED,
    FindingStatus.UNSIGNED,
)
# What a supervisor must act on. 无法核实 is not a finding against the worker but a gap in
# what the archive tells: it needs the register or the generated document, so it counts too.
PROBLEMS = (MISSING, LATE, INVALID, UNVERIFIED, UNSIGNED)
STATUS_LABELS = {
    COMPLETE: "齐全",
    MISSING: "缺失",
    LATE: "逾期",
    NOT_DUE: "未到期",
    INVALID: "不符合要求",
    UNVERIFIED: "无法核实",
    UNSIGNED: "待签署",
}
STATUS_LABELS_EN = {
    COMPLETE: "complete",
    MISSING: "missing",
    LATE: "late",
    NOT_DUE: "not yet due",
    INVALID: "invalid",
    UNVERIFIED: "cannot verify",
    UNSIGNED: "awaiting signature",
}

@dataclass
class Finding:
    subject_type: str
    subject_id: str
    subject_name: str
    service_point: str
    worker: str
    step: str
    requirement: str
    forms: tuple[str, ...]
    status: FindingStatus
    due: dt.date | None = None
    days_late: int | None = None
    document: str = ""  # path of the document that satisfies (or breaks) the requirement
    message: str = ""
    # A requirement repeated for each item (every month, every session) is one series: its
    # base label, and the item this finding is about (reports group a series' findings).
    series: str = ""
    item: str = ""
    document_date: dt.date | None = None


@dataclass
class ServicePointUse:
    """A service point the check relied on, and how its facts were decided."""

    point: ServicePoint
    start: dt.date | None = None  # when its monthly reporting starts, as the check took it
    start_from: str = ""  # register | since | guessed (its oldest document) | "" (no reports)

    @property
    def guessed(self) -> bool:
        return self.point.guessed or self.start_from == "guessed"


@dataclass
class CheckResult:
    findings: list[Finding]
    unplaced: list[Unplaced]
    subjects: int
    documents: int
    # Files the scan left out on purpose: Office lock files (~$…) and hidden files and folders.
    ignored: int = 0
    ignored_paths: list[Path] = field(default_factory=list)
    service_points: list[ServicePointUse] = field(default_factory=list)
