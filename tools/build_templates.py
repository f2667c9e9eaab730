"""Scaffold the DOCX templates in forms/ — run `python tools/build_templates.py [--force]`.

The forms with a layout of their own (consent, group plan, activity report, the eldercare
approval sheet and agreement, the termination notice) are written here; every other form gets
the standard layout of standard_layout.py. Template tags are the keys of
`lvye_forms.render.context.template_context`.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docx_layout import (  # noqa: E402
    TEXT_WIDTH_CM,
    TITLE_FONT,
    add_row,
    band_row,
    heading,
    keep_row,
    label_row,
    loop_table,
    new_document,
    optional_date,
    paragraph,
    run,
    signature_line,
    table,
    title_block,
    top,
    wide_row,
    write,
)
from standard_layout import chinese_number, generic, tag_parts, tear_off  # noqa: E402

FORMS_DIR = Path(__file__).resolve().parents[1] / "forms"
FOUR = [3.0, 5.5, 3.0, 5.5]  # label, value, label, value — adds up to TEXT_WIDTH_CM
TWO = [3.0, 14.0]  # label, long value
SIGN_DATE_AT = 10.0  # cm: where 日期 starts on signature lines
TABLE_SIZE = Pt(9)  # the wide session table
CENTER, RIGHT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT


# ── Consent ────────────────────────────────────────────────────────────────────────────────

# The agency's promises and the client's rights, after seed 000 第二章 (受理、不接纳、服务终止)
# and its 服务对象在服务中的权责. "{{ agency }}" is replaced by the agency's name.
CONSENT_CLAUSES = (
    (
        "知情同意",
        "{{ agency }}（以下简称“本机构”）的负责社工已向服务对象说明个案服务的内容、目标、"
        "方法和大致安排；服务对象有权提出自己的问题和需求，在清楚了解后自愿接受服务。",
    ),
    (
        "保密原则",
        "本机构及负责社工对服务对象的个人资料、面谈内容和服务记录予以保密，只用于为服务对象"
        "提供服务；督导或个案会议讨论个案时，参与人员同样负有保密责任。未经服务对象（或其监护人）同意，"
        "不会向他人透露。但服务对象有伤害自己或他人的危险，或法律法规要求提供资料时，本机构须依法处理，"
        "并会尽可能事先告知。",
    ),
    ("查阅资料", "服务对象有权向负责社工申请查阅本人的服务资料；如发现资料不准确，可要求更正。"),
    (
        "随时退出服务",
        "服务对象可随时自愿退出服务，只需告知负责社工；社工会了解退出的原因，"
        "如有需要，本机构会为服务对象提供转介服务。",
    ),
    (
        "服务的终止",
        "如服务对象不再符合服务资格、其行为对他人构成危险或服务不再符合其需要，"
        "本机构会先与服务对象或其家属商讨，说明原因并安排跟进转介。",
    ),
    ("服务对象的责任", "按约定与社工面谈、参与服务，遵循服务活动的规则，并提供真实的个人资料。"),
)


def numbered_clause(document, number: int, name: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """A clause of the consent, 1. 保密原则：……, with a hanging indent; the agency's tag
    stays one run."""
    p = document.add_paragraph()
    p.paragraph_format.left_indent = Cm(0.64)
    p.paragraph_format.first_line_indent = Cm(-0.64)
    p.paragraph_format.space_after = Pt(1)
    p.paragraph_format.line_spacing = 1.0
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    run(p, f"{number}. ")
    run(p, f"{name}：", bold=True)
    for index, part in enumerate(text.split("{{ agency }}")):
        if index:
            run(p, "{{ agency }}")
        if part:
            run(p, part)


def case_consent():  # type: ignore[no-untyped-def]
    document = new_document()
    title_block(document, "接受个案服务同意书", "个案编号", "{{ case_id }}")
    t = table(document, FOUR)
    label_row(t, ("负责社工", "{{ worker_name }}"), ("接案日期", "{{ intake_date }}"))
    wide_row(t, "服务点", "{{ service_point }}")
    band_row(t, "服务对象资料")
    label_row(t, ("服务对象姓名", "{{ client_name }}"), ("性别", "{{ client_sex_boxes }}"))
    label_row(t, ("出生日期", "{{ client_birth_date }}"), ("身份证号", "{{ client_id_number }}"))
    label_row(t, ("联系电话", "{{ client_phone }}"), ("缺乏行为能力", "{{ lacks_capacity_boxes }}"))
    wide_row(t, "住址", "{{ client_address }}")
    wide_row(t, "申请形式", "{{ application_route_boxes }}")
    wide_row(t, "转介人或机构", "{{ referrer }}")
    top(wide_row(t, "求助事项", "{{ service_request }}", min_height_cm=2.0))
    band_row(t, "监护人资料（服务对象未满18岁或缺乏行为能力时填写）")
    label_row(
        t, ("监护人姓名", "{{ guardian_name }}"), ("与服务对象关系", "{{ guardian_relation }}")
    )
    wide_row(t, "监护人电话", "{{ guardian_phone }}")

    heading(document, "服务说明")
    for number, (name, text) in enumerate(CONSENT_CLAUSES, start=1):
        numbered_clause(document, number, name, text)
    p = paragraph(
        document,
        "本人已清楚了解上述内容，同意接受",
        "{{ agency }}",
        "提供的个案服务。",
        indent=True,
    )
    p.paragraph_format.space_before = Pt(6)
    for r in p.runs:
        r.bold = True
    lines = signature_line(
        document,
        ("服务对象", "{{ client_signed_date }}"),
        ("监护人", optional_date("guardian_signed_date")),
        date_at_cm=SIGN_DATE_AT,
    )
    note = paragraph(document, "（注：服务对象未满18岁或缺乏行为能力时，由监护人签署。）")
    note.runs[0].font.size = Pt(9)
    lines += signature_line(
        document, ("负责社工", "{{ worker_signed_date }}"), date_at_cm=SIGN_DATE_AT
    )
    for block in (p, *lines[:-1], note):  # the consent and its signatures stay on one page
        block.paragraph_format.keep_with_next = True
    for line in lines:
        line.paragraph_format.space_before = Pt(7)
    return document


# ── Group plan ─────────────────────────────────────────────────────────────────────────────


def prose(document, tag: str):  # type: ignore[no-untyped-def]
    """A section's free text: one indented paragraph holding one tag. Not justified: a
    justified line that ends in a line break of the value is stretched across the page.
    Left empty (a blank form), it prints two lines to write on."""
    name = tag.strip("{} ")
    line = "＿" * 40
    return paragraph(document, f'{{{{ {name} or "{line}\\n{line}" }}}}', indent=True)


def group_plan():  # type: ignore[no-untyped-def]
    document = new_document()
    title_block(document, "小组计划书", "小组编号", "{{ group_id }}")
    t = table(document, FOUR)
    wide_row(t, "小组名称", "{{ group_name }}")
    label_row(t, ("小组编号", "{{ group_id }}"), ("负责社工", "{{ worker_name }}"))
    label_row(t, ("服务点", "{{ service_point }}"), ("计划书日期", "{{ plan_date }}"))

    heading(document, "一、活动目的")
    prose(document, "{{ purpose }}")
    heading(document, "二、活动目标")
    t = table(document, TWO)
    wide_row(t, "总目标", "{{ overall_goal }}")
    wide_row(t, "过程目标", "{{ process_goals }}")
    heading(document, "三、小组成员")
    t = table(document, TWO)
    wide_row(t, "组员人数", "{{ member_count }} 人")
    wide_row(t, "组员特征", "{{ member_traits }}")
    heading(document, "四、小组特点")
    t = table(document, FOUR)
    # {{ group_type }}, not the twelve tick boxes: those wrap in the middle of a type's name.
    label_row(t, ("小组性质", "{{ group_type }}"), ("小组规模", "{{ group_size }}"))
    wide_row(t, "起止时间", "{{ start_date }} 至 {{ end_date }}")
    label_row(t, ("活动频率", "{{ frequency }}"), ("活动次数", "共 {{ session_count }} 节"))
    heading(document, "五、具体活动计划")
    loop_table(
        document,
        [1.2, 3.1, 2.1, 2.5, 3.4, 2.0, 2.7],
        ["节次", "日期时间", "地点", "目标", "内容", "所需物资", "可能问题"],
        "s",
        "sessions",
        ["number", ("date", "time"), "place", "goal", "content", "materials", "possible_issues"],
        size=TABLE_SIZE,
        align=[CENTER, None, None, None, None, None, None],
        paper=True,
    )
    heading(document, "六、招募计划")
    prose(document, "{{ recruitment }}")
    heading(document, "七、需要的资源")
    prose(document, "{{ resources }}")
    heading(document, "八、预料中的问题和应变计划")
    prose(document, "{{ contingency }}")
    heading(document, "九、经费预算")
    budget = loop_table(
        document,
        [6.2, 2.4, 1.4, 2.4, 4.6],
        ["预算项目", "单价（元）", "数量", "金额（元）", "备注"],
        "b",
        "budget",
        ["item", "unit_price", "quantity", "amount", "note"],
        align=[None, RIGHT, CENTER, RIGHT, None],
        paper=True,
    )
    cells = add_row(budget)
    write(cells[0].merge(cells[2]), "合计", label=True)
    write(cells[3], "{{ budget_total }}", bold=True, align=RIGHT)
    heading(document, "十、评估方法")
    prose(
        document, "{{ evaluation }}"
    ).paragraph_format.keep_with_next = True  # with the signatures
    p = signature_line(
        document, ("负责社工", "{{ plan_date }}"), ("督导审批", ""), date_at_cm=SIGN_DATE_AT
    )[0]
    p.paragraph_format.space_before = Pt(18)
    return document


# ── Activity report ────────────────────────────────────────────────────────────────────────


def activity_report():  # type: ignore[no-untyped-def]
    document = new_document()
    title_block(document, "活动报告", "活动编号", "{{ activity_id }}")
    heading(document, "一、基本资料")
    t = table(document, FOUR)
    wide_row(t, "活动名称", "{{ activity_name }}")
    label_row(t, ("活动编号", "{{ activity_id }}"), ("负责社工", "{{ worker_name }}"))
    label_row(t, ("活动日期", "{{ activity_date }}"), ("活动时间", "{{ activity_time }}"))
    wide_row(t, "活动地点", "{{ place }}")
    label_row(t, ("主办单位", "{{ organiser }}"), ("协办单位", "{{ co_organisers }}"))
    wide_row(t, "服务对象", "{{ target_group }}")
    heading(document, "二、活动目标及达成情况")
    loop_table(
        document,
        [6.6, 2.4, 8.0],
        ["活动目标", "达成情况", "说明"],
        "o",
        "objectives",
        ["objective", "attainment", "evidence"],
        align=[None, CENTER, None],
        paper=True,
    )
    heading(document, "三、参与情况")
    t = table(document, FOUR)
    label_row(
        t,
        ("计划参与人数", "{{ planned_participants }}"),
        ("实际参与人数", "{{ actual_participants }}"),
    )
    label_row(t, ("义工人数", "{{ volunteer_count }}"), ("义工服务时数", "{{ volunteer_hours }}"))
    heading(document, "四、活动评估")
    t = table(document, TWO)
    for label, tag in (
        ("过程评估", "{{ process_evaluation }}"),
        ("成果评估", "{{ outcome_evaluation }}"),
        ("效益评估", "{{ benefit_evaluation }}"),
    ):
        top(wide_row(t, label, tag, min_height_cm=1.4))
    heading(document, "五、参与者意见摘要")
    t = table(document, [17.0])
    cells = add_row(t)
    write(cells[0], "{{ feedback_summary }}")
    top(cells[0])
    t.rows[-1].height = Cm(1.4)
    heading(document, "六、财务摘要")
    t = table(document, FOUR)
    label_row(
        t, ("预算金额（元）", "{{ budget_amount }}"), ("实际支出（元）", "{{ actual_expense }}")
    )
    wide_row(t, "结余 / 超支", "{{ balance }}")
    wide_row(t, "财务说明", "{{ finance_note }}")
    heading(document, "七、反思与跟进")
    t = table(document, TWO)
    top(wide_row(t, "反思", "{{ reflection }}", min_height_cm=1.4))
    top(wide_row(t, "跟进计划", "{{ follow_up }}", min_height_cm=1.4))
    heading(document, "八、附件")
    t = table(document, TWO)
    cells = add_row(t)  # the whole width: with a label cell the boxes wrap inside an option
    write(cells[0].merge(cells[1]), "{{ attachments_boxes }}", size=Pt(9.5))
    wide_row(t, "其他附件", "{{ other_attachments }}")

    p = document.add_paragraph()
    p.paragraph_format.space_before = Pt(14)
    p.paragraph_format.tab_stops.add_tab_stop(Cm(SIGN_DATE_AT))
    p.paragraph_format.keep_with_next = True
    run(p, "报告人：")
    run(p, "{{ worker_name }}")
    run(p, "　　签名：＿＿＿＿＿＿＿＿\t报告日期：")
    run(p, "{{ report_date }}")
    t = table(document, TWO)
    cell = wide_row(t, "督导意见", "", min_height_cm=2.6)
    top(cell)
    sign = cell.add_paragraph()
    sign.paragraph_format.space_before = Cm(1.2)
    sign.paragraph_format.tab_stops.add_tab_stop(Cm(SIGN_DATE_AT - 3.0))
    run(sign, "督导签名：＿＿＿＿＿＿＿＿\t日期：＿＿＿＿年＿＿月＿＿日")
    keep_row(t.rows[-1])
    return document


# ── Eldercare approval ─────────────────────────────────────────────────────────────────────

APPROVALS = (
    ("村（社区）\n居委会\n初审意见", "village_decision", "village_opinion", "village_date"),
    ("镇（街）\n社会事务办\n复审意见", "town_decision", "town_opinion", "town_date"),
    ("市民政局\n核准意见", "city_decision", "city_opinion", "city_date"),
)


def attachment_checklist(cell) -> None:  # type: ignore[no-untyped-def]
    """☑ 户口本复印件 … three to a line, in columns; labels are the model's field titles."""
    from lvye_forms.forms.eldercare import EldercareApproval

    fields = [
        (n, f.title) for n, f in EldercareApproval.model_fields.items() if n.startswith("att_")
    ]
    for start in range(0, len(fields), 3):
        p = cell.paragraphs[0] if start == 0 else cell.add_paragraph()
        for stop in (4.2, 9.3):
            p.paragraph_format.tab_stops.add_tab_stop(Cm(stop))
        for index, (name, title) in enumerate(fields[start : start + 3]):
            if index:
                run(p, "\t")
            run(p, f"{{{{ {name}_box }}}}")
            run(p, f" {title}")


def eldercare_approval():  # type: ignore[no-untyped-def]
    """The government's sheet: tables stacked without a gap, so that on paper it is one big
    bordered table; the family members are a table of their own (a row per member)."""
    document = new_document()
    agency = document.add_paragraph()
    agency.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(agency, "{{ agency }}", size=Pt(10.5))
    heading_ = document.add_paragraph()
    heading_.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading_.paragraph_format.space_before = Pt(4)
    heading_.paragraph_format.space_after = Pt(6)
    run(heading_, "东莞市社区居家养老服务补助审批表", bold=True, size=Pt(16), font=TITLE_FONT)
    number = document.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    number.paragraph_format.space_after = Pt(4)
    run(number, "申请编号：")
    run(number, "{{ application_id }}")

    t = table(document, [3.0, 2.8, 1.6, 2.6, 2.2, 4.8])
    band_row(t, "申请人基本情况")
    label_row(
        t,
        ("姓名", "{{ applicant_name }}"),
        ("性别", "{{ sex_boxes }}"),
        ("出生日期", "{{ birth_date }}"),
    )
    label_row(t, ("身份证号", "{{ id_number }}"), ("联系电话", "{{ phone }}"), spans=[1, 3, 1, 1])
    wide_row(t, "户籍地", "{{ hukou_place }}")
    wide_row(t, "现住址", "{{ address }}")
    band_row(t, "家庭成员")
    loop_table(
        document,
        [3.6, 4.0, 5.4, 4.0],
        ["姓名", "与申请人关系", "电话", "是否同住"],
        "m",
        "family_members",
        ["name", "relation", "phone", "lives_with"],
        align=[CENTER, CENTER, CENTER, CENTER],
    )
    t = table(document, [3.0, 5.1, 2.2, 6.7])
    top(wide_row(t, "疾病情况", "{{ illnesses }}", min_height_cm=1.0))
    needs = wide_row(t, "服务需求", "{{ service_needs_grid }}").paragraphs[0]  # four to a line
    for n in (1, 2, 3):
        needs.paragraph_format.tab_stops.add_tab_stop(Cm(14.0 * n / 4))
    wide_row(t, "需求说明", "{{ service_needs_detail }}")
    entitlement = wide_row(t, "补助类别", "{{ entitlement_boxes }}").paragraphs[0]
    # The indent makes the five long options wrap after the third, not inside one.
    entitlement.paragraph_format.right_indent = Cm(0.5)
    label_row(t, ("证明名称", "{{ certificate_name }}"), ("证书编号", "{{ certificate_number }}"))
    attachment_checklist(wide_row(t, "附件清单", ""))
    cells = label_row(t, ("申请人签名", ""), ("申请日期", "{{ application_date }}"))
    t.rows[-1].height = Cm(1.0)
    cells[0].paragraphs[0].add_run().add_break()
    run(cells[0].paragraphs[0], "（或代理人）", bold=True, size=Pt(9))
    wide_row(t, "受理服务点", "{{ service_point }}")
    band_row(t, "审批意见")
    for who, decision, opinion, date in APPROVALS:
        cells = add_row(t)
        write(cells[0], who, label=True)
        value = cells[1].merge(cells[3])
        top(value)
        write(value, f"{{{{ {decision}_boxes }}}}")
        run(value.add_paragraph(), f"{{{{ {opinion} }}}}")
        stamp = value.add_paragraph()
        stamp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        stamp.paragraph_format.space_before = Cm(0.5)
        run(stamp, "（盖章）　　　　日期：")
        run(stamp, optional_date(date))
        t.rows[-1].height = Cm(2.1)  # room for the stamp
        keep_row(t.rows[-1])
    return document


# ── Termination notice ─────────────────────────────────────────────────────────────────────


def letter_paragraph(document, text: str, *, space: float = 4):  # type: ignore[no-untyped-def]
    """A paragraph of the letter: indented, its {{ tags }} each one run."""
    p = paragraph(document, *tag_parts(text), indent=True)
    p.paragraph_format.space_before = Pt(space)
    p.paragraph_format.line_spacing = 1.35
    return p


def termination_notice():  # type: ignore[no-untyped-def]
    """A letter to the client (000 附件1 第六步 4(1)①: 以书面于一个星期前向服务对象发出终止服务的
    通知), with the agency's seal, and a receipt below a cut line that the client signs and
    returns. The wording is the agency's to edit in Word."""
    document = new_document()
    title_block(document, "终止服务通知", "个案编号", "{{ case_id }}")
    to = paragraph(document, *tag_parts("{{ client_name }}："))
    to.paragraph_format.space_before = Pt(8)
    letter_paragraph(
        document,
        "因{{ reason }}，{{ agency }}（以下简称“本中心”）决定终止为您提供的个案服务。具体情况如下：",
    )
    letter_paragraph(document, "{{ explanation }}")
    letter_paragraph(
        document,
        "本通知于{{ notice_date }}发出，通知期共{{ notice_days }}天。通知期内服务照常进行，"
        "最后一次服务日期为{{ last_day }}；自{{ termination_date }}起，本中心不再为您提供上述服务。",
    )
    letter_paragraph(
        document,
        "本中心可为您转介至合适的机构继续获得服务（{{ referral_offered_boxes }}\u3000已安排转介；"
        "转介机构：{{ referral_to }}）。如您对本通知有疑问或需要转介，请在通知期内联系负责社工"
        "{{ worker_name }}（电话：{{ worker_phone }}）。",
    )
    letter_paragraph(document, "特此通知。")
    seal = paragraph(document, "{{ agency }}", "（盖章）", align=RIGHT)
    seal.paragraph_format.space_before = Pt(18)
    seal.paragraph_format.keep_with_next = True
    day = paragraph(document, "{{ notice_date }}", align=RIGHT)
    day.paragraph_format.keep_with_next = True
    sign = signature_line(document, ("负责社工", "{{ notice_date }}"), ("督导", ""))
    sign[0].paragraph_format.space_before = Pt(14)
    facts = paragraph(
        document,
        "个案会议：",
        "{{ conference_held_boxes }}",
        "\u3000\u3000送达方式：",
        "{{ delivery }}",
    )
    facts.paragraph_format.space_before = Pt(6)
    for r in facts.runs:
        r.font.size = Pt(9.5)
    tear_off(
        document,
        "回　执",
        (
            "本人已于＿＿＿＿年＿＿月＿＿日收到{{ agency }}于{{ notice_date }}发出的《终止服务通知》"
            "（个案编号：{{ case_id }}），知悉服务将于{{ termination_date }}终止。",
            "☐\u00a0需要转介服务\u3000\u3000☐\u00a0不需要转介服务",
        ),
        ("服务对象（或家属）",),
    )
    return document


# ── Eldercare agreement ────────────────────────────────────────────────────────────────────

# The clauses of 《东莞市居家养老服务协议书》, after seed 000 第三章 五 (服务申请、登门服务、监督考评、
# 服务退出). They are the template's text, not the program's: an agency changes them in Word;
# the values that differ from one elder to the next are tags.
AGREEMENT_CLAUSES = (
    (
        "服务内容与时间",
        "丙方按约定为乙方提供{{ services }}服务，每月服务{{ hours_per_month }}小时；服务时间安排："
        "{{ service_schedule }}。服务实行定人、定时、定点、定项，丙方每次服务后如实填写服务记录，"
        "由乙方签名确认。服务时间需要调整的，应提前一天告知对方。",
    ),
    (
        "费用与补助",
        "乙方经市民政局核准（核准日期：{{ approval_date }}）享受居家养老服务补助，每月补助金额为"
        "{{ monthly_subsidy }}元，由甲方按实际服务时数结算，乙方不另向丙方支付补助范围内的费用。"
        "补助以外由乙方自付的费用：{{ self_pay }}。",
    ),
    (
        "甲方的责任",
        "根据乙方需求选派合适的护工；社工定期回访，每月了解乙方满意度，监督丙方的服务态度、时间和成效；"
        "及时处理乙方反映的问题和投诉；定期对丙方进行考评。",
    ),
    (
        "乙方的责任",
        "如实提供个人及家庭情况；配合并尊重丙方的服务，不要求约定以外的服务；身体状况、住址或联系方式变化，"
        "或住院、外出，应及时告知甲方。",
    ),
    (
        "丙方的责任",
        "按约定的服务项目和时间提供服务，遵守甲方的服务规范；不得收取乙方任何财物；"
        "服务中发现乙方身体或情绪异常等紧急情况，应立即联系乙方家属并报告甲方。",
    ),
    (
        "协议期限",
        "本协议期限自{{ start_date }}起至{{ end_date }}止。期满后如继续符合条件，三方可续签。",
    ),
    (
        "协议的终止",
        "有下列情形之一的，本协议终止：乙方提出退出申请并说明理由，经居家养老服务中心审定确认；"
        "乙方违反服务规定，经甲方调查确认后取消服务；乙方不再符合补助条件；乙方去世。"
        "终止情况由甲方报镇（街）社会事务办存档。",
    ),
    (
        "保密",
        "甲方和丙方对在服务中知悉的乙方个人及家庭资料予以保密，只用于提供服务；"
        "法律法规另有规定的除外。协议终止后，保密责任继续有效。",
    ),
    (
        "争议解决",
        "履行本协议发生争议的，三方先行协商；协商不成的，可提请镇（街）社会事务办调解，"
        "或依法向人民法院起诉。",
    ),
    ("其他约定", "{{ terms }}"),
    ("附则", "本协议一式三份，甲、乙、丙三方各执一份，自三方签字（盖章）之日起生效。"),
)


def eldercare_agreement():  # type: ignore[no-untyped-def]
    document = new_document()
    title_block(document, "东莞市居家养老服务协议书", "协议编号", "{{ agreement_id }}")
    t = table(document, [3.0, 5.5, 3.0, 5.5])
    band_row(t, "协议三方")
    wide_row(t, "甲方\n（服务机构）", "{{ agency }}")
    label_row(t, ("甲方代表", "{{ agency_representative }}"), ("申请编号", "{{ application_id }}"))
    label_row(t, ("乙方\n（服务对象）", "{{ elder_name }}"), ("身份证号", "{{ elder_id_number }}"))
    label_row(t, ("住址", "{{ elder_address }}"), ("联系电话", "{{ elder_phone }}"))
    label_row(
        t, ("丙方（护工）", "{{ caregiver_name }}"), ("身份证号", "{{ caregiver_id_number }}")
    )
    wide_row(t, "联系电话", "{{ caregiver_phone }}")
    intro = paragraph(
        document,
        "根据东莞市社区居家养老服务的有关规定，乙方申请居家养老服务经核准后，甲、乙、丙三方本着"
        "平等、自愿的原则，就居家养老服务事项达成如下协议：",
        indent=True,
    )
    intro.paragraph_format.space_before = Pt(8)
    intro.paragraph_format.space_after = Pt(2)
    for number, (name, text) in enumerate(AGREEMENT_CLAUSES, start=1):
        p = document.add_paragraph()
        p.paragraph_format.space_after = Pt(2)
        p.paragraph_format.line_spacing = 1.2
        p.paragraph_format.first_line_indent = Pt(21)
        run(p, f"第{chinese_number(number)}条　{name}　", bold=True)
        for part in tag_parts(text):
            run(p, part)
        # The last clauses go with the signatures: a page never holds only the signing.
        p.paragraph_format.keep_with_next = number >= len(AGREEMENT_CLAUSES) - 1
    lines = signature_line(
        document,
        ("甲方（盖章）代表", "{{ signed_date }}"),
        ("乙方（或代理人）", "{{ signed_date }}"),
        ("丙方", "{{ signed_date }}"),
    )
    lines[0].paragraph_format.space_before = Pt(16)
    return document


CUSTOM = {
    "case_consent": case_consent,
    "termination_notice": termination_notice,
    "eldercare_agreement": eldercare_agreement,
    "group_plan": group_plan,
    "activity_report": activity_report,
    "eldercare_approval": eldercare_approval,
}

assert abs(sum(FOUR) - TEXT_WIDTH_CM) < 0.01 and abs(sum(TWO) - TEXT_WIDTH_CM) < 0.01


def main(argv: list[str]) -> None:
    """Scaffold the templates of narrative forms that have none: a custom layout where one
    is written above, the standard layout otherwise. The templates in forms/ are the source
    an agency edits in Word, so an existing one is only replaced with --force."""
    from lvye_forms.registry import all_forms
    from lvye_forms.render.package import normalise_zip

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("forms", nargs="*", help="form ids (default: every narrative form)")
    parser.add_argument("--force", action="store_true", help="replace existing templates")
    args = parser.parse_args(argv)
    FORMS_DIR.mkdir(exist_ok=True)
    narrative = [m.form_id for m in all_forms() if m.kind == "docx"]
    kept = []
    for name in args.forms or narrative:
        path = FORMS_DIR / f"{name}.docx"
        if path.exists() and not args.force:
            kept.append(name)
            continue
        document = CUSTOM[name]() if name in CUSTOM else generic(name)
        buffer = io.BytesIO()
        document.save(buffer)
        data = normalise_zip(buffer.getvalue())  # same layout → same bytes, no spurious diffs
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
            print(f"wrote {path}")
    if kept:
        print(
            f"kept {len(kept)} existing template(s) (they are the source; edit them in Word, "
            f"or rebuild with --force): {' '.join(kept)}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
