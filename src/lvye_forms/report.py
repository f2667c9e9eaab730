"""Report objects: what `render` did, as data. Terminal, JSON and files all print from these."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Problem
from .render.output import WriteStatus


@dataclass
class DocumentResult:
    key: str
    name: str  # shown to people: the client's or group's name, never an ID number
    path: Path
    status: WriteStatus


@dataclass
class FileReport:
    """The outcome of rendering one input file."""

    input: Path
    form_id: str = ""
    rows: int = 0  # documents the file described
    failed_rows: int = 0
    documents: list[DocumentResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    annotated_copy: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and not any(d.status is WriteStatus.KEPT for d in self.documents)

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": str(self.input),
            "form": self.form_id,
            "rows": self.rows,
            "rendered": len([d for d in self.documents if d.status is not WriteStatus.KEPT]),
            "failed_rows": self.failed_rows,
            "ok": self.ok,
            "documents": [
                {"key": d.key, "name": d.name, "path": str(d.path), "status": d.status.value}
                for d in self.documents
            ],
            "problems": [p.to_dict() for p in self.problems],
            "annotated_copy": str(self.annotated_copy) if self.annotated_copy else None,
        }


@dataclass
class RenderReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "rows": sum(f.rows for f in self.files),
            "failed_rows": sum(f.failed_rows for f in self.files),
            "files": [f.to_dict() for f in self.files],
        }
