"""Build the DOCX templates in forms/ — run `python tools/build_templates.py`.

One function per narrative form, each laid out like the agency's paper form. Template tags
are the keys of `lvye_forms.render.context.template_context`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docx_layout import (  # noqa: E402
    TEXT_WIDTH_CM,
    add_row,
    heading,
    label_row,
    loop_table,
    new_document,
    paragraph,
    run,
    signature_line,
    table,
    title_block,
    wide_row,
    write,
)

FORMS_DIR = Path(__file__).resolve().parents[1] / "forms"
FOUR = [3.0, 5.5, 3.0, 5.5]  # label, value, label, value — adds up to TEXT_WIDTH_CM


def case_consent():  # type: ignore[no-untyped-def]
    document = new_document()
    title_block(document, "接受个案服务同意书", "个案编号", "{{ case_id }}")
    t = table(document, FOUR)
    label_row(t, ("服务对象姓名", "{{ client_name }}"), ("性别", "{{ client_sex_boxes }}"))
    label_row(t, ("出生日期", "{{ client_birth_date }}"), ("身份证号", "{{ client_id_number }}"))
    label_row(t, ("联系电话", "{{ client_phone }}"), ("服务点", "{{ service_point }}"))
    wide_row(t, "住址", "{{ client_address }}")
    wide_row(t, "申请形式", "{{ application_route_boxes }}")
    wide_row(t, "转介人或机构", "{{ referrer }}")
    wide_row(t, "求助事项", "{{ service_request }}", min_height_cm=2.0)
    label_row(t, ("监护人姓名", "{{ guardian_name }}"), ("与服务对象关系", "{{ guardian_relation }}"))
    label_row(t, ("监护人电话", "{{ guardian_phone }}"), ("缺乏行为能力", "{{ lacks_capacity }}"))
    label_row(t, ("负责社工", "{{ worker_name }}"), ("接案日期", "{{ intake_date }}"))

    heading(document, "机构承诺与服务对象的权利")
    clauses = [
        ("保密：", "{{ agency }}及负责社工对服务对象的个人资料和服务记录严格保密，只用于为服务对象提供服务；"
         "未经服务对象（或其监护人）同意，不会向第三方透露。如服务对象有伤害自己或他人的危险，"
         "或法律法规要求披露时，机构须依法处理，并会尽可能事先告知。"),
        ("知情同意：", "社工已向服务对象说明服务的内容、目标、方法和可能的安排，服务对象有权提问，"
         "并在明白后自愿决定是否接受服务。"),
        ("查阅资料：", "服务对象有权向机构申请查阅本人的服务资料，并要求更正不准确的内容。"),
        ("随时退出服务：", "服务对象可随时退出服务，只需告知负责社工；机构会了解退出原因，"
         "如有需要可为服务对象提供转介。"),
        ("服务对象的责任：", "按约定参与服务，向社工提供真实的个人资料，遵守服务活动的规则。"),
    ]
    for number, (name, text) in enumerate(clauses, start=1):
        p = document.add_paragraph()
        p.paragraph_format.first_line_indent = Cm(0.74)
        p.paragraph_format.space_after = Cm(0.1)
        run(p, f"{number}. ")
        run(p, name, bold=True)
        for index, part in enumerate(text.split("{{ agency }}")):
            if index:
                run(p, "{{ agency }}")
            run(p, part)
    p = paragraph(document, "本人已清楚了解上述内容，同意接受", "{{ agency }}", "提供的个案服务。", indent=True)
    p.paragraph_format.space_before = Cm(0.3)
    signature_line(document, ("服务对象", "{{ client_signed_date }}"), ("监护人", "{{ guardian_signed_date }}"))
    note = paragraph(document, "（服务对象未满18岁或缺乏行为能力时，须由监护人签署。）")
    note.paragraph_format.left_indent = Cm(0.5)
    signature_line(document, ("负责社工", "{{ worker_signed_date }}"))
    return document


def group_plan():  # type: ignore[no-untyped-def]
    document = new_document()
    title_block(document, "小组计划书", "小组编号", "{{ group_id }}")
    t = table(document, FOUR)
    wide_row(t, "小组名称", "{{ group_name }}")
    label_row(t, ("负责社工", "{{ worker_name }}"), ("服务点", "{{ service_point }}"))
    label_row(t, ("计划书日期", "{{ plan_date }}"), ("小组性质", "{{ group_type }}"))

    heading(document, "一、活动目的")
    paragraph(document, "{{ purpose }}", indent=True)
    heading(document, "二、活动目标")
    paragraph(document, "总目标：", "{{ overall_goal }}")
    paragraph(document, "过程目标：")
    paragraph(document, "{{ process_goals }}")
    heading(document, "三、小组成员")
    t = table(document, FOUR)
    label_row(t, ("组员人数", "{{ member_count }} 人"), ("小组规模", "{{ group_size }}"))
    wide_row(t, "组员特征", "{{ member_traits }}")
    heading(document, "四、小组特点")
    t = table(document, FOUR)
    label_row(t, ("开始日期", "{{ start_date }}"), ("结束日期", "{{ end_date }}"))
    label_row(t, ("活动频率", "{{ frequency }}"), ("活动次数", "共 {{ session_count }} 节"))
    wide_row(t, "小组性质", "{{ group_type_boxes }}")
    heading(document, "五、具体活动计划")
    loop_table(
        document,
        [1.2, 2.3, 2.2, 2.5, 3.6, 2.1, 3.1],
        ["节次", "日期时间", "地点", "目标", "内容", "所需物资", "可能问题"],
        "s",
        "sessions",
        ["number", ("date", "time"), "place", "goal", "content", "materials", "possible_issues"],
    )
    heading(document, "六、招募计划")
    paragraph(document, "{{ recruitment }}", indent=True)
    heading(document, "七、需要的资源")
    paragraph(document, "{{ resources }}", indent=True)
    heading(document, "八、预料中的问题和应变计划")
    paragraph(document, "{{ contingency }}", indent=True)
    heading(document, "九、经费预算")
    budget = loop_table(
        document,
        [5.5, 2.6, 1.8, 2.8, 4.3],
        ["预算项目", "单价（元）", "数量", "金额（元）", "备注"],
        "b",
        "budget",
        ["item", "unit_price", "quantity", "amount", "note"],
    )
    cells = add_row(budget)
    total_label = cells[0].merge(cells[2])
    write(total_label, "合计", label=True)
    write(cells[3], "{{ budget_total }}", bold=True)
    heading(document, "十、评估方法")
    paragraph(document, "{{ evaluation }}", indent=True)
    signature_line(document, ("负责社工", "{{ plan_date }}"), ("督导审批", ""))
    return document


def activity_report():  # type: ignore[no-untyped-def]
    document = new_document()
    title_block(document, "活动报告", "活动编号", "{{ activity_id }}")
    heading(document, "一、基本资料")
    t = table(document, FOUR)
    wide_row(t, "活动名称", "{{ activity_name }}")
    label_row(t, ("活动日期", "{{ activity_date }}"), ("活动时间", "{{ activity_time }}"))
    label_row(t, ("活动地点", "{{ place }}"), ("负责社工", "{{ worker_name }}"))
    label_row(t, ("主办单位", "{{ organiser }}"), ("协办单位", "{{ co_organisers }}"))
    wide_row(t, "服务对象", "{{ target_group }}")
    heading(document, "二、活动目标及达成情况")
    loop_table(document, [7.0, 2.6, 7.4], ["活动目标", "达成情况", "说明"], "o", "objectives",
               ["objective", "attainment", "evidence"])
    heading(document, "三、参与情况")
    t = table(document, FOUR)
    label_row(t, ("计划参与人数", "{{ planned_participants }}"), ("实际参与人数", "{{ actual_participants }}"))
    label_row(t, ("义工人数", "{{ volunteer_count }}"), ("义工服务时数", "{{ volunteer_hours }}"))
    heading(document, "四、活动评估")
    t = table(document, [3.0, 14.0])
    wide_row(t, "过程评估", "{{ process_evaluation }}", min_height_cm=1.5)
    wide_row(t, "成果评估", "{{ outcome_evaluation }}", min_height_cm=1.5)
    wide_row(t, "效益评估", "{{ benefit_evaluation }}", min_height_cm=1.5)
    heading(document, "五、参与者意见摘要")
    paragraph(document, "{{ feedback_summary }}", indent=True)
    heading(document, "六、财务摘要")
    t = table(document, FOUR)
    label_row(t, ("预算金额（元）", "{{ budget_amount }}"), ("实际支出（元）", "{{ actual_expense }}"))
    label_row(t, ("结余 / 超支", "{{ balance }}"), ("财务说明", "{{ finance_note }}"))
    heading(document, "七、反思与跟进")
    t = table(document, [3.0, 14.0])
    wide_row(t, "反思", "{{ reflection }}", min_height_cm=1.5)
    wide_row(t, "跟进计划", "{{ follow_up }}", min_height_cm=1.5)
    heading(document, "八、附件")
    paragraph(document, "{{ attachments_boxes }}")
    paragraph(document, "其他附件：", "{{ other_attachments }}")
    signature_line(document, ("报告人（{{ worker_name }}）", "{{ report_date }}"))
    p = paragraph(document, "督导意见：")
    p.paragraph_format.space_before = Cm(0.4)
    paragraph(document, "")
    signature_line(document, ("督导", ""))
    return document


def eldercare_approval():  # type: ignore[no-untyped-def]
    document = new_document()
    title_block(document, "东莞市社区居家养老服务补助审批表", "申请编号", "{{ application_id }}")
    widths = [2.6, 3.3, 2.2, 3.0, 2.4, 3.5]
    t = table(document, widths)
    label_row(t, ("姓名", "{{ applicant_name }}"), ("性别", "{{ sex_boxes }}"), ("出生日期", "{{ birth_date }}"))
    label_row(t, ("身份证号", "{{ id_number }}"), ("联系电话", "{{ phone }}"), spans=[1, 3, 1, 1])
    wide_row(t, "户籍地", "{{ hukou_place }}")
    wide_row(t, "现住址", "{{ address }}")
    heading(document, "家庭成员")
    loop_table(document, [4.0, 4.0, 5.0, 4.0], ["姓名", "与申请人关系", "电话", "是否同住"], "m",
               "family_members", ["name", "relation", "phone", "lives_with"])
    heading(document, "健康与需求")
    t = table(document, [3.0, 14.0])
    wide_row(t, "疾病情况", "{{ illnesses }}", min_height_cm=1.2)
    wide_row(t, "服务需求", "{{ service_needs_boxes }}")
    wide_row(t, "需求说明", "{{ service_needs_detail }}")
    wide_row(t, "补助类别", "{{ entitlement_boxes }}")
    wide_row(t, "证明名称 / 编号", "{{ certificate_name }}　{{ certificate_number }}")
    attachments = (
        "{{ att_hukou_box }} 户口本复印件　{{ att_id_card_box }} 身份证复印件（正反面）　"
        "{{ att_photos_box }} 一寸相片两张\n{{ att_certificate_box }} 补助类别证明复印件　"
        "{{ att_needs_assessment_box }} 需求评估表　{{ att_agreement_box }} 服务协议"
    )
    cell = wide_row(t, "附件清单", "")
    p = cell.paragraphs[0]
    for line_number, line in enumerate(attachments.split("\n")):
        if line_number:
            p = cell.add_paragraph()
        run(p, line)
    p = paragraph(document, "申请人（或代理人）签名：＿＿＿＿＿＿＿＿＿＿　　申请日期：", "{{ application_date }}")
    p.paragraph_format.space_before = Cm(0.3)
    p.paragraph_format.space_after = Cm(0.3)
    heading(document, "审批")
    t = table(document, [4.0, 13.0])
    for who, opinion, date in (
        ("村（社区）居委会\n初审意见", "village_opinion", "village_date"),
        ("镇（街）社会事务办\n复审意见", "town_opinion", "town_date"),
        ("市民政局\n核准意见", "city_opinion", "city_date"),
    ):
        cells = add_row(t)
        label, value = cells
        write(label, who.split("\n")[0], label=True)
        label.add_paragraph().alignment = WD_ALIGN_PARAGRAPH.CENTER
        run(label.paragraphs[1], who.split("\n")[1], bold=True)
        write(value, f"{{{{ {opinion} }}}}")
        stamp = value.add_paragraph()
        stamp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        stamp.paragraph_format.space_before = Cm(0.5)
        run(stamp, "（盖章）　　　　日期：")
        run(stamp, f"{{{{ {date} }}}}")
        t.rows[-1].height = Cm(2.4)
    p = paragraph(document, "经办机构：", "{{ agency }}")
    p.paragraph_format.space_before = Cm(0.2)
    return document


SHORT_KINDS = {"text", "date", "choice", "yesno", "id", "phone", "mobile", "count", "money"}


def _value_tag(column) -> str:  # type: ignore[no-untyped-def]
    """How a field is printed: tick boxes for short choice lists, its value otherwise."""
    if column.kind in ("choice", "choices") and len(column.choices) <= 6:
        return f"{{{{ {column.name}_boxes }}}}"
    return f"{{{{ {column.name} }}}}"


def _part_widths(part) -> list[float]:  # type: ignore[no-untyped-def]
    weights = [{"longtext": 2.2, "date": 1.5, "count": 0.7, "yesno": 0.7}.get(f.kind, 1.0) for f in part.fields]
    total = sum(weights)
    return [round(TEXT_WIDTH_CM * w / total, 2) for w in weights]


def generic(form_id: str):  # type: ignore[no-untyped-def]
    """The standard layout, from the model alone: short fields two to a row, long text in
    full-width rows, each list part as its own table, section headings from the model's
    `sections`, and the model's signature lines."""
    from lvye_forms.registry import spec

    form = spec(form_id)
    model = form.model
    script = getattr(model, "script", "hans")
    document = new_document(script)
    title_block(document, model.title, form.key.label, f"{{{{ {form.key.name} }}}}")
    parts = {p.name: p for p in form.parts}
    sections = dict(getattr(model, "sections", {}))
    order = [name for name in model.model_fields if name != form.key.name]
    columns = {c.name: c for c in form.columns}
    t = None
    pending: list = []

    def flush() -> None:
        nonlocal pending
        if pending:
            pairs = [(c.label, _value_tag(c)) for c in pending]
            if len(pairs) == 1:
                wide_row(t, *pairs[0])
            else:
                label_row(t, *pairs)
            pending = []

    for name in order:
        if name in sections:
            flush()
            heading(document, sections[name])
            t = None
        if name in parts:
            flush()
            part = parts[name]
            heading(document, part.label) if name not in sections else None
            loop_table(document, _part_widths(part), [f.label for f in part.fields], "row", name,
                       [f.name for f in part.fields])
            t = None
            continue
        column = columns[name]
        if t is None:
            t = table(document, FOUR)
        if column.kind in SHORT_KINDS and not (column.kind == "choice" and len(column.choices) > 3):
            pending.append(column)
            if len(pending) == 2:
                flush()
        else:
            flush()
            wide_row(t, column.label, _value_tag(column), min_height_cm=1.2 if column.kind == "longtext" else 0)
    flush()
    signers = list(getattr(model, "signatures", ())) or ["负责社工"]
    signature_line(document, *[_signer(s) for s in signers], script=script)
    return document


def _signer(text: str) -> tuple[str, str]:
    """'负责社工|record_date' → ("负责社工", "{{ record_date }}"); no field → a blank date."""
    who, _, field = text.partition("|")
    return who, f"{{{{ {field} }}}}" if field else ""


CUSTOM = {
    "case_consent": case_consent,
    "group_plan": group_plan,
    "activity_report": activity_report,
    "eldercare_approval": eldercare_approval,
}

assert abs(sum(FOUR) - TEXT_WIDTH_CM) < 0.01


def main(names: list[str]) -> None:
    """Build the named templates, or every narrative form's: a custom layout where one is
    written above, the standard layout otherwise."""
    from lvye_forms.registry import all_forms

    FORMS_DIR.mkdir(exist_ok=True)
    narrative = [m.form_id for m in all_forms() if m.kind == "docx"]
    for name in names or narrative:
        path = FORMS_DIR / f"{name}.docx"
        document = CUSTOM[name]() if name in CUSTOM else generic(name)
        document.save(path)
        print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
