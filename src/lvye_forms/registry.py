"""Form id → model, template and spec. The one place that knows which forms exist.

A form module registers its models with ``@register``; adding a form means writing the model,
putting its template in ``forms/<form_id>.docx`` and its example fixture in ``fixtures/``.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

from .model import FormModel
from .schema import FormSpec, form_spec

_FORMS: dict[str, type[FormModel]] = {}

M = TypeVar("M", bound=type[FormModel])


def register(model: M) -> M:
    """Class decorator: make a form known to the CLI, the reader and the docs."""
    if model.form_id in _FORMS and _FORMS[model.form_id] is not model:
        raise ValueError(f"form id {model.form_id!r} registered twice")
    # A field named like a class setting (kind, title, area…) would silently replace it.
    clashes = set(model.__pydantic_fields__) & set(FormModel.__class_vars__)
    if clashes:
        raise TypeError(f"{model.__name__}: field names {sorted(clashes)} clash with form settings")
    _FORMS[model.form_id] = model
    return model


# Which module of lvye_forms.forms defines each form, so that a command naming one form
# imports only that module (building every form's model took a third of a second of each
# run's start). A form missing here is still found: everything is then loaded. A test checks
# this index against the modules.
FORM_MODULES = {
    "case": ("case_consent", "intake_inquiry", "case_intake", "case_plan"),
    "application": ("service_application", "application_refusal"),
    "case_exit": (
        "case_referral", "exit_application", "termination_notice", "case_conference",
        "exit_interview", "case_closing",
    ),
    "case_records": ("case_note_brief", "case_note_process", "case_stage_review", "problem_scale"),
    "community": (
        "activity_report", "activity_plan", "inquiry_register", "volunteer_registration",
        "participant_feedback", "activity_finance",
    ),
    "eldercare": (
        "eldercare_approval", "eldercare_needs", "eldercare_agreement", "caregiver_log",
        "eldercare_exit",
    ),
    "group": (
        "group_plan", "group_registration", "group_attendance", "group_session_record",
        "group_report", "group_finance", "volunteer_signin",
    ),
    "guangzhou": (
        "gz_case_intake", "gz_case_assessment", "gz_case_agreement", "gz_case_plan",
        "gz_case_process", "gz_case_evaluation", "gz_case_closing", "gz_group_plan",
        "gz_group_session_plan", "gz_group_process", "gz_group_evaluation",
    ),
    "monitoring": (
        "monthly_plan_summary", "worker_statistics", "service_statistics",
        "volunteer_service_record", "cash_journal", "annual_summary", "project_plan",
    ),
    "participation": (
        "activity_registration", "group_withdrawal", "activity_withdrawal", "group_exit_notice",
        "activity_signin",
    ),
    "quality": (
        "staff_appraisal", "satisfaction_survey", "caregiver_evaluation", "eldercare_visit",
        "feedback_register", "crisis_report",
    ),
    "rehab": ("rehab_trainee_assessment",),
}  # fmt: skip
_MODULE_OF = {form_id: module for module, ids in FORM_MODULES.items() for form_id in ids}


@cache
def form_modules() -> tuple[str, ...]:
    """The modules of lvye_forms.forms, in the order they are loaded (by name)."""
    from . import forms

    return tuple(sorted(module.name for module in pkgutil.iter_modules(forms.__path__)))


@cache
def _load() -> None:
    # Every module in lvye_forms.forms registers its forms on import; a new area module is
    # picked up without being listed anywhere.
    for name in form_modules():
        importlib.import_module(f"lvye_forms.forms.{name}")


AREA_ORDER = ("个案", "小组", "社区", "居家养老", "残疾人康复", "监控", "广州标准")


def all_forms() -> list[type[FormModel]]:
    """Every form, grouped by service area in the order of the procedures; within an area,
    in the order of FORM_MODULES (then any form it does not list), whatever was loaded first."""
    _load()
    rank = {area: i for i, area in enumerate(AREA_ORDER)}
    indexed = {form_id: i for i, form_id in enumerate(_MODULE_OF)}
    position = {form_id: len(indexed) + i for i, form_id in enumerate(_FORMS)}
    return sorted(
        _FORMS.values(),
        key=lambda m: (
            rank.get(m.area, len(rank)),
            indexed.get(m.form_id, position[m.form_id]),
        ),
    )


class UnknownForm(KeyError):
    def __str__(self) -> str:
        from .i18n import t

        known = "、".join(sorted(_FORMS))
        return t(
            f"没有编号为「{self.args[0]}」的表单。可用的表单：{known}",
            f"No form with id '{self.args[0]}'. Forms: {', '.join(sorted(_FORMS))}",
        )


def get_form(form_id: str) -> type[FormModel]:
    module = _MODULE_OF.get(form_id)
    if module is not None and form_id not in _FORMS:
        importlib.import_module(f"lvye_forms.forms.{module}")
    if form_id not in _FORMS:
        _load()
    try:
        return _FORMS[form_id]
    except KeyError:
        raise UnknownForm(form_id) from None


def find_form_by_title(title: str) -> type[FormModel] | None:
    """The form whose Chinese title (or sheet name made from it) is `title`."""
    for model in all_forms():
        if title.strip() in (model.title, spec(model.form_id).sheet_name):
            return model
    return None


@cache
def spec(form_id: str) -> FormSpec:
    return form_spec(get_form(form_id))


def templates_dir() -> Path:
    """Templates ship inside the wheel as lvye_forms/templates; in a checkout they are forms/."""
    packaged = Path(str(resources.files("lvye_forms"))) / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "forms"


TEMPLATES_SETTING = "LVYE_FORMS_TEMPLATES"  # a folder of the agency's own templates
_agency_templates: Path | None = None


def use_templates(folder: Path | None) -> None:
    """Render with the agency's own templates in `folder` (each forms/<form_id>.docx it has;
    the shipped one for the others). None: back to the LVYE_FORMS_TEMPLATES setting."""
    global _agency_templates
    _agency_templates = folder
    # Templates this process already read were read from the old folder: read them again.
    from .render import document

    prepared = getattr(document, "_prepared", None)
    if prepared is not None and hasattr(prepared, "cache_clear"):
        prepared.cache_clear()


def agency_templates() -> Path | None:
    """The agency's template folder in use: `use_templates`, else LVYE_FORMS_TEMPLATES."""
    setting = os.environ.get(TEMPLATES_SETTING, "").strip()
    return _agency_templates or (Path(setting) if setting else None)


def shipped_template(form_id: str) -> Path:
    model = get_form(form_id)
    return templates_dir() / f"{form_id}.{model.kind}"


def template_path(form_id: str) -> Path:
    """The agency's own template of the form when it has one, the shipped one otherwise."""
    shipped = shipped_template(form_id)
    own = agency_templates()
    if own is not None and (own / shipped.name).is_file():
        return own / shipped.name
    return shipped
