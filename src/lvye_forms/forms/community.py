"""Community work 社区活动: from 计划 to 报告 (seed 000 附件3; seed 003 六)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..fields import Choice, CnDate, Count, Money, Phone, Several, ShortText, Text, YesNo
from ..fields import PastDate as Date
from ..model import Checks, FormModel, FormPart
from ..registry import register
from ..render.xlsx import TableData
from .common import Attainment, FinanceReport, Sex
from .finance import IncomeLine, finance_table, income_field


class ReportAttachment(Choice):
    SIGN_IN = "签到表"
    PHOTOS = "活动照片"
    FEEDBACK = "参与者意见表"
    FINANCE = "活动财务报告"
    PUBLICITY = "宣传品"
    VOLUNTEER = "义工签到表"
    PRESS = "媒体报道"


class Objective(FormPart):
    """One objective of the activity and how far it was met."""

    objective: Text = Field(title="活动目标")
    attainment: Attainment = Field(title="达成情况")
    evidence: Text | None = Field(None, title="说明", description="依据：观察、问卷、参与者反馈等")


@register
class ActivityReport(FormModel):
    """《活动报告》: written after a community activity (000 附件3 第三步; 003 六)."""

    form_id = "activity_report"
    title = "活动报告"
    key_field = "activity_id"
    subject_type = "activity"
    date_field = "report_date"
    name_field = "activity_name"
    area = "社区"
    sources = ("000 附件3 第三步 1", "003 六")
    rules = (
        "活动日期不晚于今天；报告日期不早于活动日期",
        "有义工参与（义工人数大于0）时须填写义工服务时数",
        "实际支出超出预算时须在“财务说明”中说明原因",
    )

    activity_id: ShortText = Field(title="活动编号", description="如 HD-2024-031；每份报告唯一")
    activity_name: ShortText = Field(title="活动名称")
    activity_date: Date = Field(title="活动日期")
    activity_time: ShortText | None = Field(None, title="活动时间", description="如 09:00-11:30")
    place: ShortText = Field(title="活动地点")
    organiser: ShortText = Field(title="主办单位")
    co_organisers: ShortText | None = Field(None, title="协办单位")
    worker_name: ShortText = Field(title="负责社工")
    target_group: ShortText = Field(title="服务对象", description="如 社区长者及其家属")
    objectives: list[Objective] = Field(title="活动目标及达成情况", description="每个目标一行")
    planned_participants: Count = Field(title="计划参与人数")
    actual_participants: Count = Field(title="实际参与人数")
    volunteer_count: Count = Field(0, title="义工人数")
    volunteer_hours: Count | None = Field(
        None, title="义工服务时数", description="有义工参与时必填"
    )
    process_evaluation: Text = Field(
        title="过程评估", description="活动按计划进行的情况、参与者投入程度"
    )
    outcome_evaluation: Text = Field(title="成果评估", description="目标达成的依据")
    benefit_evaluation: Text = Field(title="效益评估", description="投入与成效、对社区的影响")
    feedback_summary: Text = Field(title="参与者意见摘要", description="参与者意见表的归纳")
    budget_amount: Money = Field(title="预算金额（元）")
    actual_expense: Money = Field(title="实际支出（元）")
    finance_note: Text | None = Field(None, title="财务说明", description="超支或结余的原因")
    reflection: Text = Field(title="反思")
    follow_up: Text = Field(title="跟进计划")
    attachments: Several[ReportAttachment] = Field(
        default_factory=list, title="附件", description="可多选，用顿号“、”分隔"
    )
    other_attachments: ShortText | None = Field(None, title="其他附件")
    report_date: Date = Field(title="报告日期")

    def check(self, checks: Checks) -> None:
        checks.order("activity_date", "report_date")
        checks.at_least("objectives", 1)
        with checks.rule():
            checks.required_when(
                "volunteer_hours", self.volunteer_count > 0, "有义工参与，须填写义工服务时数"
            )
        with checks.rule():
            checks.required_when(
                "finance_note",
                self.actual_expense > self.budget_amount,
                f"实际支出 {self.actual_expense:.2f} 元超出预算 {self.budget_amount:.2f} 元，须说明原因",
            )

    def template_extras(self) -> dict[str, str]:
        return {"balance": self.difference()}

    def difference(self) -> str:
        """预算 − 实际支出, shown on the report as 结余 or 超支."""
        diff = self.budget_amount - self.actual_expense
        return f"结余 {diff:,.2f} 元" if diff >= 0 else f"超支 {-diff:,.2f} 元"

    examples = (
        {
            "activity_id": "HD-2024-031",
            "activity_name": "“邻里守望·情暖重阳”社区长者游园会",
            "activity_date": "2024-10-11",
            "activity_time": "09:00-11:30",
            "place": "主山社区文化广场",
            "organiser": "东莞市绿叶社会工作服务中心",
            "co_organisers": "主山社区居委会",
            "worker_name": "钟志强",
            "target_group": "社区60岁以上长者及其家属",
            "objectives": [
                {
                    "objective": "为长者提供健康检测与咨询，提高健康意识",
                    "attainment": "完全达到",
                    "evidence": "62名长者完成血压血糖检测，医生现场解答问题。",
                },
                {
                    "objective": "增进长者之间及与家属的互动",
                    "attainment": "大部分达到",
                    "evidence": "游园摊位参与率高；部分独居长者无家属陪同，互动环节参与较少。",
                },
            ],
            "planned_participants": "80",
            "actual_participants": "95",
            "volunteer_count": "12",
            "volunteer_hours": "42",
            "process_evaluation": "活动按流程进行，摊位设置合理；签到处人流集中，下次需增设签到点。",
            "outcome_evaluation": "两项目标基本达成，参与人数超出预期。",
            "benefit_evaluation": "以较低成本链接社区卫生服务站资源，发现3名需跟进的独居长者。",
            "feedback_summary": "回收意见表56份，满意和非常满意占91%；长者希望增加中医养生内容。",
            "budget_amount": "1500",
            "actual_expense": "1380.50",
            "finance_note": "礼品采购获商家优惠，结余 119.50 元。",
            "reflection": "宣传提前一周入户，长者参与积极；独居长者需社工提前电话邀请并安排义工陪同。",
            "follow_up": "对3名独居长者进行家访评估，纳入个案或探访名单；下季度开展中医养生讲座。",
            "attachments": "签到表、活动照片、参与者意见表、活动财务报告",
            "report_date": "2024-10-15",
        },
    )


class FlowStep(FormPart):
    """One item of the activity's running order."""

    time: ShortText = Field(title="时间")
    item: ShortText = Field(title="环节")
    content: Text = Field(title="内容")
    responsible: ShortText | None = Field(None, title="负责人")


class PlanBudgetLine(FormPart):
    item: ShortText = Field(title="预算项目")
    amount: Money = Field(title="金额（元）")
    note: ShortText | None = Field(None, title="备注")


@register
class ActivityPlan(FormModel):
    """《活动计划书》: background, concept, goals and basic facts of a community activity."""

    form_id = "activity_plan"
    title = "活动计划书"
    key_field = "activity_id"
    name_field = "activity_name"
    area = "社区"
    subject_type = "activity"
    date_field = "plan_date"
    sources = ("000 附件3 第一步 3-4", "003 六")
    rules = ("计划日期不晚于活动日期（计划在先）", "预算合计 = 各预算项目之和")
    signatures = ("负责社工|plan_date", "督导审批")
    sections = {
        "background": "一、活动背景",
        "needs_analysis": "二、需求与资源分析",
        "concept": "三、活动理念与目标",
        "activity_date": "四、活动基本信息",
        "flow": "五、活动流程",
        "budget": "六、经费预算",
        "publicity": "七、宣传、应变与评估",
    }

    activity_id: ShortText = Field(title="活动编号")
    activity_name: ShortText = Field(title="活动名称")
    worker_name: ShortText = Field(title="负责社工")
    plan_date: Date = Field(title="计划日期")
    background: Text = Field(title="活动背景", description="社区概况与开展活动的原因")
    needs_analysis: Text = Field(title="需求分析", description="规范性、感觉性、表达性、比较性需求")
    resource_analysis: Text = Field(
        title="资源分析", description="人力/物力/财力；正式/非正式；内部/外部"
    )
    concept: Text = Field(title="活动理念")
    objectives: Text = Field(title="活动目标")
    activity_date: CnDate = Field(title="活动日期")
    activity_time: ShortText = Field(title="活动时间")
    place: ShortText = Field(title="活动地点")
    target_group: ShortText = Field(title="服务对象")
    expected_participants: Count = Field(title="预计参与人数")
    volunteers_needed: Count = Field(0, title="需要义工人数")
    flow: list[FlowStep] = Field(title="活动流程")
    budget: list[PlanBudgetLine] = Field(default_factory=list, title="经费预算")
    budget_total: Money = Field(title="预算合计（元）")
    publicity: Text = Field(title="宣传方式")
    contingency: Text = Field(title="应变计划")
    evaluation: Text = Field(title="评估方法", description="过程评估、成果评估、效益评估")

    def check(self, checks: Checks) -> None:
        checks.order("plan_date", "activity_date")
        checks.at_least("flow", 1)
        checks.adds_up("budget_total", "budget", "amount")

    examples = (
        {
            "activity_id": "HD-2024-031",
            "activity_name": "“邻里守望·情暖重阳”社区长者游园会",
            "worker_name": "钟志强",
            "plan_date": "2024-09-20",
            "background": "主山社区60岁以上长者约1,800人，其中独居长者120余人；重阳节是增进邻里关怀的契机。",
            "needs_analysis": "走访发现长者希望获得健康检测（表达性需求）；独居长者社会参与较少（比较性需求）。",
            "resource_analysis": "社区卫生服务站可提供义诊；居委会提供场地；企业义工队可协助。",
            "concept": "以优势视角发掘长者能力，营造邻里互助的社区氛围。",
            "objectives": "1. 为长者提供健康检测与咨询；2. 增进长者之间及与家属的互动。",
            "activity_date": "2024-10-11",
            "activity_time": "09:00-11:30",
            "place": "主山社区文化广场",
            "target_group": "社区60岁以上长者及其家属",
            "expected_participants": "80",
            "volunteers_needed": "12",
            "flow": [
                {
                    "time": "08:30-09:00",
                    "item": "签到",
                    "content": "签到、派发游园卡",
                    "responsible": "义工组",
                },
                {
                    "time": "09:00-10:30",
                    "item": "游园与义诊",
                    "content": "健康检测、趣味摊位",
                    "responsible": "钟志强",
                },
                {
                    "time": "10:30-11:30",
                    "item": "分享与合影",
                    "content": "长者才艺表演、填写意见表",
                },
            ],
            "budget": [
                {"item": "游园礼品", "amount": "900"},
                {"item": "物资与宣传品", "amount": "400"},
                {"item": "义工餐费", "amount": "200"},
            ],
            "budget_total": "1500",
            "publicity": "社区公众号、楼栋海报；独居长者由社工电话邀请。",
            "contingency": "下雨改在社区活动中心举行；长者身体不适由卫生站医生处理。",
            "evaluation": "签到统计、参与者意见表、社工观察记录。",
        },
    )


class Inquiry(FormPart):
    date: Date = Field(title="日期")
    name: ShortText = Field(title="咨询人")
    phone: Phone | None = Field(None, title="联系电话")
    content: Text = Field(title="咨询内容")
    response: Text = Field(title="答复与跟进")
    worker: ShortText = Field(title="接待社工")


@register
class InquiryRegister(FormModel):
    """《活动、服务咨询登记表》: residents' inquiries during mobilisation."""

    form_id = "inquiry_register"
    title = "活动、服务咨询登记表"
    kind = "xlsx"
    key_field = "register_id"
    name_field = "activity_name"
    area = "社区"
    subject_type = "activity"
    subject_field = "activity_id"
    sources = ("000 附件3 第二步 4",)
    rules = ("至少一条咨询记录",)
    signatures = ("登记人",)

    # Blank rows to the end of the page for inquiries written down by hand.
    fill_page: ClassVar[bool] = True

    register_id: ShortText = Field(title="登记表编号", description="如 HD-2024-031-ZX")
    activity_id: ShortText = Field(title="活动编号")
    activity_name: ShortText = Field(title="活动名称")
    inquiries: list[Inquiry] = Field(title="咨询记录", description="每条咨询一行")

    def check(self, checks: Checks) -> None:
        checks.at_least("inquiries", 1)

    examples = (
        {
            "register_id": "HD-2024-031-ZX",
            "activity_id": "HD-2024-031",
            "activity_name": "“邻里守望·情暖重阳”社区长者游园会",
            "inquiries": [
                {
                    "date": "2024-09-28",
                    "name": "黄伯",
                    "phone": "13622334455",
                    "content": "游园会是否需要报名？",
                    "response": "无需报名，当天带身份证签到即可。",
                    "worker": "钟志强",
                },
                {
                    "date": "2024-10-03",
                    "name": "林姨",
                    "content": "行动不便能否安排义工接送？",
                    "response": "已登记，安排义工10月11日8:30上门陪同。",
                    "worker": "钟志强",
                },
            ],
        },
    )


class VolunteerApplicant(FormPart):
    name: ShortText = Field(title="姓名")
    sex: Sex = Field(title="性别")
    phone: Phone = Field(title="联系电话")
    skills: ShortText | None = Field(None, title="特长")
    availability: ShortText = Field(title="可服务时间")
    registered: YesNo = Field(False, title="已注册义工")


@register
class VolunteerRegistration(FormModel):
    """《义工报名登记表》: volunteers recruited for an activity."""

    form_id = "volunteer_registration"
    title = "义工报名登记表"
    kind = "xlsx"
    key_field = "registration_id"
    name_field = "activity_name"
    area = "社区"
    subject_type = "activity"
    subject_field = "activity_id"
    date_field = "registration_date"
    sources = ("000 附件3 第二步 4",)
    rules = ("至少一名报名义工",)
    signatures = ("负责社工|registration_date",)

    # Blank rows to the end of the page for volunteers who sign up on the day.
    fill_page: ClassVar[bool] = True

    registration_id: ShortText = Field(title="登记表编号", description="如 HD-2024-031-YG")
    activity_id: ShortText = Field(title="活动编号")
    activity_name: ShortText = Field(title="活动名称")
    registration_date: Date = Field(title="登记日期")
    volunteers: list[VolunteerApplicant] = Field(title="报名义工", description="每人一行")

    def check(self, checks: Checks) -> None:
        checks.at_least("volunteers", 1)

    examples = (
        {
            "registration_id": "HD-2024-031-YG",
            "activity_id": "HD-2024-031",
            "activity_name": "“邻里守望·情暖重阳”社区长者游园会",
            "registration_date": "2024-10-05",
            "volunteers": [
                {
                    "name": "梁嘉怡",
                    "sex": "女",
                    "phone": "13531234567",
                    "skills": "摄影",
                    "availability": "10月11日全天",
                    "registered": "是",
                },
                {
                    "name": "何俊",
                    "sex": "男",
                    "phone": "13798765432",
                    "availability": "10月11日上午",
                },
            ],
        },
    )


class Satisfaction(Choice):
    VERY = "非常满意"
    YES = "满意"
    NEUTRAL = "一般"
    NO = "不满意"


class Opinion(FormPart):
    respondent: ShortText | None = Field(None, title="参与者（可不填）")
    satisfaction: Satisfaction = Field(title="整体满意度")
    gains: Text | None = Field(None, title="收获")
    suggestions: Text | None = Field(None, title="建议")


@register
class ParticipantFeedback(FormModel):
    """《参与者意见表》: participants' opinions, collected after the activity."""

    form_id = "participant_feedback"
    title = "参与者意见表"
    kind = "xlsx"
    key_field = "activity_id"
    name_field = "activity_name"
    area = "社区"
    subject_type = "activity"
    date_field = "collected_date"
    sources = ("000 附件3 第三步",)
    rules = ("至少一份意见",)
    signatures = ("整理人|collected_date",)

    activity_id: ShortText = Field(title="活动编号")
    activity_name: ShortText = Field(title="活动名称")
    collected_date: Date = Field(title="收集日期")
    opinions: list[Opinion] = Field(title="参与者意见", description="每份意见表一行")

    def check(self, checks: Checks) -> None:
        checks.at_least("opinions", 1)

    def table(self) -> TableData:
        # A summary line of the ratings above the table; the table itself is the standard one.
        from ..render.tabular import standard_table  # imported here: tabular imports the models

        data = standard_table(self)
        counts = {s.value: sum(o.satisfaction is s for o in self.opinions) for s in Satisfaction}
        summary = "，".join(f"{label} {n} 份" for label, n in counts.items())
        data.facts.append(("满意度统计", f"共 {len(self.opinions)} 份：{summary}"))
        return data

    examples = (
        {
            "activity_id": "HD-2024-031",
            "activity_name": "“邻里守望·情暖重阳”社区长者游园会",
            "collected_date": "2024-10-11",
            "opinions": [
                {
                    "respondent": "黄伯",
                    "satisfaction": "非常满意",
                    "gains": "量了血压，医生讲得很清楚。",
                    "suggestions": "希望多办中医养生讲座。",
                },
                {"satisfaction": "满意", "gains": "认识了楼下的邻居。"},
                {"satisfaction": "一般", "suggestions": "签到排队太久。"},
            ],
        },
    )


@register
class ActivityFinance(FinanceReport):
    """《活动财务报告》: after the activity."""

    form_id = "activity_finance"
    title = "活动财务报告"
    key_field = "activity_id"
    name_field = "activity_name"
    area = "社区"
    subject_type = "activity"
    date_field = "report_date"
    sources = ("000 附件3 第三步 1",)

    activity_id: ShortText = Field(title="活动编号")
    activity_name: ShortText = Field(title="活动名称")
    worker_name: ShortText = Field(title="负责社工")
    income: list[IncomeLine] = income_field()

    def table(self) -> TableData:
        return finance_table(self)

    examples = (
        {
            "activity_id": "HD-2024-031",
            "activity_name": "“邻里守望·情暖重阳”社区长者游园会",
            "worker_name": "钟志强",
            "income": [
                {"source": "社区服务项目经费", "amount": "1200"},
                {"source": "社区居委会资助", "amount": "300", "note": "重阳节专项"},
            ],
            "lines": [
                {"item": "游园礼品", "budgeted": "900", "actual": "812.50", "note": "商家优惠"},
                {"item": "物资与宣传品", "budgeted": "400", "actual": "368"},
                {"item": "义工餐费", "budgeted": "200", "actual": "200"},
            ],
            "budget_total": "1500",
            "actual_total": "1380.50",
            "explanation": "礼品采购获商家优惠，结余 119.50 元。",
            "report_date": "2024-10-15",
        },
    )
