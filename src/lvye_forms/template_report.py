"""The report of `template check`: what is wrong in which template, where, as typed data
the formatters print (terminal text, JSON)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .paths import display_path
from .report import SCHEMA_VERSION, RunStatus, _Report

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class TemplateFinding:
    """One problem: a tag that prints nothing (error) or a required field never printed
    (warning). `where` is the paragraph or table cell, empty for the template as a whole."""

    severity: Severity
    where: str
    tag: str
    reason: str
    suggestion: str | None = None
    unusable: bool = False  # the file cannot be opened at all: rendering with it must stop

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "where": self.where,
            "tag": self.tag,
            "reason": self.reason,
            "suggestion": self.suggestion,
        }


@dataclass
class TemplateResult:
    form_id: str
    path: Path
    findings: list[TemplateFinding] = field(default_factory=list)

    def add(
        self,
        severity: Severity,
        where: str,
        tag: str,
        reason: str,
        suggestion: str | None = None,
        *,
        unusable: bool = False,
    ) -> None:
        finding = TemplateFinding(severity, where, tag, reason, suggestion, unusable)
        if finding not in self.findings:  # a tag repeated in one place is one problem
            self.findings.append(finding)

    @property
    def errors(self) -> list[TemplateFinding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def unusable(self) -> bool:
        return any(f.unusable for f in self.findings)

    @property
    def warnings(self) -> list[TemplateFinding]:
        return [f for f in self.findings if f.severity == "warning"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "form": self.form_id,
            "template": display_path(self.path),
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass
class TemplateCheckReport(_Report):
    """Every template of a folder checked against its form."""

    folder: Path
    results: list[TemplateResult] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(len(r.errors) for r in self.results)

    @property
    def warnings(self) -> int:
        return sum(len(r.warnings) for r in self.results)

    @property
    def status(self) -> RunStatus:
        return RunStatus.PROBLEMS if self.errors else RunStatus.OK

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "command": "template check",
            "status": self.status.value,
            "folder": display_path(self.folder),
            "templates": len(self.results),
            "errors": self.errors,
            "warnings": self.warnings,
            "results": [r.to_dict() for r in self.results],
        }
