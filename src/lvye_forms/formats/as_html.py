"""The check report as one self-contained HTML page (no server, no external files)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from .. import i18n
from ..check.findings import PROBLEMS
from ..report import CheckReport
from .as_json import masked, report_data
from .as_text import Terminal
from .as_xlsx import detail_columns


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("lvye_forms", "formats/templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _link(document: str, archive: Path, links_from: Path | None) -> str:
    """Where a requirement's file is, as a link that works from the page's own folder."""
    if not document:
        return ""
    target = archive / document
    if links_from is not None:
        try:
            return Path(os.path.relpath(target.absolute(), links_from.absolute())).as_posix()
        except ValueError:  # another drive on Windows
            pass
    return target.absolute().as_uri()


def check_to_html(
    report: CheckReport, *, show_personal: bool = False, links_from: Path | None = None
) -> str:
    """The page; `links_from` is the folder the page is saved in (for relative file links)."""

    def shown(value: Any) -> Any:
        return value if show_personal else masked(value)

    data = report_data(report, show_personal=show_personal)
    for finding in data["findings"]:
        finding["link"] = _link(finding["document"], report.archive, links_from)
    timeline = [
        (shown(label), [shown(report.finding_dict(f)) for f in findings])
        for label, findings in report.timeline()
    ]
    due_soon = {
        shown(worker): [shown(report.finding_dict(f)) for f in findings]
        for worker, findings in report.due_soon(30).items()
    }
    template = _environment().get_template("check.html")
    return template.render(
        data=data,
        columns=detail_columns()[:-1],
        timeline=timeline,
        due_soon=due_soon,
        guesses=[shown(Terminal.service_point_guess(use)) for use in report.guessed_service_points],
        lang=i18n.current(),
        t=i18n.t,
        problem_statuses=[status.value for status in PROBLEMS],
    )
