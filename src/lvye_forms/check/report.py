"""Kept for callers of earlier versions: the check report now lives in `lvye_forms.report`
and its renderings in `lvye_forms.formats`."""

from __future__ import annotations

from ..formats.as_html import check_to_html as to_html
from ..formats.as_json import to_json
from ..formats.as_xlsx import check_to_xlsx as to_xlsx
from ..report import CheckReport

__all__ = ["CheckReport", "to_html", "to_json", "to_xlsx"]
