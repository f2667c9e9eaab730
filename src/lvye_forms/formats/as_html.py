"""The check report as one self-contained HTML page (no server, no external files)."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from .. import i18n
from ..check.engine import PROBLEMS
from ..report import CheckReport
from .as_json import report_data
from .as_xlsx import detail_columns


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("lvye_forms", "formats/templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def check_to_html(report: CheckReport, *, show_personal: bool = False) -> str:
    data = report_data(report, show_personal=show_personal)
    template = _environment().get_template("check.html")
    return template.render(
        data=data,
        columns=detail_columns()[:-1],
        lang=i18n.current(),
        t=i18n.t,
        problem_statuses=[status.value for status in PROBLEMS],
    )
