"""Applications, refusals and the changed approval forms: each example rendered and opened,
values found in their place; each cross-field rule broken once at the cell staff must fix."""

from __future__ import annotations

import io

from docx import Document

from lvye_forms import api

from .conftest import form_example as example
from .conftest import validate_form as validate
from .conftest import validation_errors as errors_of


def document_text(form_id: str, n: int = 0) -> tuple[list[str], list[str]]:
    """(paragraph texts, table-cell texts) of the rendered example."""
    record = validate(form_id, example(form_id, n))
    document = Document(io.BytesIO(api.render_record(record)))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return paragraphs, cells


def cell_after(cells: list[str], label: str) -> str:
    """The text of the first cell after the cell holding `label` (a label | value table)."""
    index = next(i for i, text in enumerate(cells) if text.strip() == label)
    return next(text for text in cells[index + 1 :] if text.strip() != label)


# --- rendering -------------------------------------------------------------------------------


def test_service_application_prints_its_values_beside_their_labels():
    paragraphs, cells = document_text("service_application", 1)
    assert "申请编号：SQ-2024-015" in paragraphs
    assert cell_after(cells, "申请日期") == "2024年3月11日"
    assert cell_after(cells, "决定原因") == "不在服务范围，所需服务非社工服务。"
    everything = "\n".join(paragraphs + cells)
    assert "劳动争议，希望社工代为出庭仲裁。" in everything
    assert "☑" in everything and "不接纳" in everything
    for program_text in ("None", "{{", "('"):
        assert program_text not in everything


def test_refusal_record_prints_the_reason_and_the_referral():
    paragraphs, cells = document_text("application_refusal", 0)
    everything = "\n".join(paragraphs + cells)
    assert "您的居住和工作地点不在本中心服务范围" in everything
    assert "东莞市法律援助处（可申请免费法律代理）" in everything
    assert cell_after(cells, "申请编号") == "SQ-2024-015"
    assert "None" not in everything and "{{" not in everything


def test_inquiry_prints_the_supervisors_decision():
    paragraphs, cells = document_text("intake_inquiry", 1)
    everything = "\n".join(paragraphs + cells)
    assert "同意" in everything and "不符合服务资格" in everything
    assert "None" not in everything


# --- rules, each broken once -----------------------------------------------------------------


def test_referred_application_needs_its_referrer():
    data = example("service_application", 0, referrer="")
    assert errors_of("service_application", data) == [(("referrer",), "lvye.conditional")]


def test_accepted_case_application_needs_a_case_id():
    data = example("service_application", 0, case_id="")
    assert errors_of("service_application", data) == [(("case_id",), "lvye.conditional")]


def test_a_decision_needs_its_date_and_a_refusal_its_reason():
    data = example("service_application", 1, decision_date="", decision_reason="")
    assert errors_of("service_application", data) == [
        (("decision_date",), "lvye.conditional"),
        (("decision_reason",), "lvye.conditional"),
    ]
    pending = example("service_application", 1, decision="待定", decision_date="",
                      decision_reason="")
    assert validate("service_application", pending).decision.value == "待定"


def test_decision_not_before_the_application():
    data = example("service_application", 0, decision_date="2024-02-20")
    assert errors_of("service_application", data) == [(("decision_date",), "lvye.date_order")]


def test_refusal_offering_a_referral_names_the_agency():
    data = example("application_refusal", 0, referral_to="")
    assert errors_of("application_refusal", data) == [(("referral_to",), "lvye.conditional")]


def test_refusal_told_after_the_application():
    data = example("application_refusal", 0, told_date="2024-03-01")
    assert errors_of("application_refusal", data) == [(("told_date",), "lvye.date_order")]


def test_inquiry_supervisor_decision_and_date_go_together():
    data = example("intake_inquiry", 0, supervisor_decision="")
    assert errors_of("intake_inquiry", data) == [(("supervisor_decision",), "lvye.conditional")]
    data = example("intake_inquiry", 0, supervisor_date="")
    assert errors_of("intake_inquiry", data) == [(("supervisor_date",), "lvye.conditional")]


def test_an_inquiry_without_a_case_is_an_application():
    accepted = validate("intake_inquiry", example("intake_inquiry", 0))
    refused = validate("intake_inquiry", example("intake_inquiry", 1))
    assert accepted.subject_ref() == ("case", "GA-2024-017")
    assert refused.subject_ref() == ("application", "CX-2024-036")


def test_trainee_attachments_are_recorded():
    record = validate("rehab_trainee_assessment", example("rehab_trainee_assessment", 0))
    assert record.att_hukou and record.att_id_card
