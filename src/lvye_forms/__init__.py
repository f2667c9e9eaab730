"""lvye-forms: social-work agency paperwork as validated models, documents and checks.

The public API (each verb returns a report object that `lvye_forms.formats` prints):

    import lvye_forms
    report = lvye_forms.render([Path("同意书.xlsx")], Path("输出"))      # RenderReport
    report = lvye_forms.check_archive(Path("档案"), profile="lvye")      # CheckReport
    report = lvye_forms.stats(Path("档案"), "2024-10", "主山社工站", Path("报表"))  # StatsReport
    data = lvye_forms.extract(Path("输出/接受个案服务同意书_GA-2024-017_李小明.docx"))
    lvye_forms.write_input_workbook("case_consent", Path("同意书.xlsx"), example=True)
    lvye_forms.describe("case_consent").columns
    lvye_forms.list_forms()
    lvye_forms.render_record(record)                                     # bytes of one document

The command line (`lvye-forms`) is a thin layer over these.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_API = (
    "render",
    "check_archive",
    "stats",
    "extract",
    "write_input_workbook",
    "describe",
    "list_forms",
    "render_record",
)
__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    # Imported on first use, so `import lvye_forms` stays cheap (the CLI's start-up time).
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(name)
