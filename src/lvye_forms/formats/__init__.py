"""Formatters: each prints a report object (see `lvye_forms.report`) and computes nothing.

- `as_text`: the terminal (rich), with progress and lines as documents are written;
- `as_json`: stable JSON (keys documented in docs/guide.md and docs/checker.md);
- `as_xlsx`: the check report as a workbook; `as_html`: the check report as one page.

Every formatter masks personal numbers (`lvye_forms.privacy`) unless asked to show them.
"""

from .as_html import check_to_html
from .as_json import to_json
from .as_xlsx import check_to_xlsx

__all__ = ["check_to_html", "check_to_xlsx", "to_json"]
