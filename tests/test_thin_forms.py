"""The forms that were too thin to use: each now reads as the paper the agency hands out."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from lvye_forms import api
from lvye_forms.forms.guangzhou import GZ_AGENCY, GZ_AGENCY_SETTING

from .test_render import all_text, open_docx, record_of, right_of


def text_of(form_id: str, **changes) -> str:
    return all_text(open_docx(api.render_record(record_of(form_id, **changes))))


def paragraphs_of(form_id: str, **changes) -> list[str]:
    return [p.text for p in open_docx(api.render_record(record_of(form_id, **changes))).paragraphs]


def test_termination_notice_is_a_letter_with_seal_and_receipt():
    lines = paragraphs_of("termination_notice")
    assert lines[1] == "终止服务通知"
    assert "赵伟：" in lines  # addressed to the client
    letter = "\n".join(lines)
    assert "因不再符合接受服务资格，东莞市绿叶社会工作服务中心" in letter
    assert "本通知于2024年8月1日发出，通知期共8天" in letter
    assert "最后一次服务日期为2024年8月8日" in letter and "自2024年8月9日起" in letter
    assert "转介机构：南城街道社工站" in letter and "0769-22881234" in letter
    assert "东莞市绿叶社会工作服务中心（盖章）" in lines
    receipt = letter.index("回　执")
    assert letter.index("（盖章）") < receipt
    assert "知悉服务将于2024年8月9日终止" in letter[receipt:]
    assert "服务对象（或家属）签名" in letter[receipt:]


def test_termination_notice_without_the_optional_facts_leaves_lines_to_write_on():
    letter = "\n".join(
        paragraphs_of("termination_notice", worker_phone=None, last_service_date=None)
    )
    assert "电话：＿＿＿＿＿＿" in letter
    assert "最后一次服务日期为2024年8月9日" in letter  # the termination date


def test_last_service_day_lies_in_the_notice_period():
    with pytest.raises(ValidationError, match="last_service_date|termination_date"):
        record_of("termination_notice", last_service_date="2024-08-20")


def test_eldercare_agreement_has_numbered_clauses_with_the_values():
    text = "\n".join(paragraphs_of("eldercare_agreement"))
    names = [
        "服务内容与时间",
        "费用与补助",
        "甲方的责任",
        "乙方的责任",
        "丙方的责任",
        "协议期限",
        "协议的终止",
        "保密",
        "争议解决",
        "其他约定",
        "附则",
    ]
    numbers = "一二三四五六七八九十"
    positions = []
    for n, name in enumerate(names, start=1):
        number = numbers[n - 1] if n <= 10 else "十" + numbers[n - 11]
        positions.append(text.index(f"第{number}条　{name}"))
    assert positions == sorted(positions)
    assert (
        "提供生活照料、家政服务服务" in text
        and "服务时间安排：每周一、三、五上午9:00-11:00" in text
    )
    assert "每月补助金额为600.00元" in text
    assert "本协议期限自2024年6月10日起至2025年6月9日止" in text
    assert "补助以外由乙方自付的费用：无。" in text
    unknown = "\n".join(paragraphs_of("eldercare_agreement", self_pay=None))
    assert "补助以外由乙方自付的费用：＿＿＿＿＿＿" in unknown  # not given: a line to fill in
    document = open_docx(api.render_record(record_of("eldercare_agreement")))
    assert right_of(document, "丙方（护工）") == "罗秀兰"


def test_exit_application_carries_the_clients_statement():
    text = text_of("exit_application")
    assert "本人刘志华申请退出东莞市绿叶社会工作服务中心为服务对象刘志华提供的个案服务" in text
    assert text.index("本人刘志华申请退出") < text.index("申请人签名")


def test_referral_has_the_receiving_agencys_receipt_and_a_supervisor_line():
    text = text_of("case_referral")
    assert "督导签名" in text
    receipt = text[text.index("回　执") :]
    assert "莞城街道居家养老服务中心已收到东莞市绿叶社会工作服务中心转介的服务对象王秀英" in receipt
    assert "☐\u00a0接收" in receipt and "接收机构经办人（盖章）签名" in receipt


def test_case_conference_has_place_time_chair_and_signatures_of_those_present():
    document = open_docx(api.render_record(record_of("case_conference")))
    assert right_of(document, "会议地点") == "社工站会议室"
    assert right_of(document, "会议时间") == "14:30-16:00"
    assert right_of(document, "主持人") == "林慧敏"
    sign_in = next(t for t in document.tables if t.rows[0].cells[-1].text == "签名")
    assert len(sign_in.rows) >= 7 and not sign_in.rows[-1].cells[-1].text


def test_exit_interview_has_method_place_and_three_signatures():
    document = open_docx(api.render_record(record_of("exit_interview")))
    assert "☑\u00a0面谈" in right_of(document, "面谈方式")
    assert right_of(document, "面谈地点") == "社工站个案室"
    text = all_text(document)
    for who in ("面谈对象签名", "负责社工签名", "督导签名"):
        assert who in text


def test_problem_scale_explains_the_scores():
    text = text_of("problem_scale")
    assert "1 不严重" in text and "5 非常严重" in text
    assert "合计：初评 13 分，本次 7 分，变化 -6 分" in text
    assert "督导签名" in text


@pytest.mark.parametrize("form_id", ["gz_case_assessment", "gz_case_evaluation"])
def test_guangzhou_reviews_have_a_supervisor_line(form_id):
    assert "督導簽名" in text_of(form_id)


def test_guangzhou_heading_is_a_traditional_guangzhou_name_and_configurable(monkeypatch):
    record = record_of("gz_case_plan")
    assert open_docx(api.render_record(record)).paragraphs[0].text == GZ_AGENCY
    monkeypatch.setenv(GZ_AGENCY_SETTING, "廣州市越秀區社工服務站")
    assert open_docx(api.render_record(record)).paragraphs[0].text == "廣州市越秀區社工服務站"
    named = open_docx(api.render_record(record, "广州某社工机构"))
    assert named.paragraphs[0].text == "广州某社工机构"  # an agency named on purpose wins
    # The Dongguan forms keep the Dongguan default.
    assert (
        open_docx(api.render_record(record_of("case_plan"))).paragraphs[0].text
        == api.DEFAULT_AGENCY
    )


def test_new_fields_are_optional():
    for form_id, fields in {
        "case_conference": ("meeting_time", "place", "chair"),
        "exit_interview": ("method", "place"),
        "termination_notice": ("last_service_date", "worker_phone"),
        "eldercare_agreement": ("service_schedule", "self_pay"),
    }.items():
        record = record_of(form_id, **dict.fromkeys(fields))
        assert "None" not in all_text(open_docx(api.render_record(record))), form_id
