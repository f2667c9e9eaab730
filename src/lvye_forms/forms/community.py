"""Community work 社区活动: from 计划 to 报告 (seed 000 附件3; seed 003 六)."""

from __future__ import annotations

from pydantic import Field

from ..fields import Choice, Count, Money, ShortText, Text, choices_of
from ..fields import PastDate as Date
from ..model import Checks, FormModel, FormPart
from ..registry import register
from .common import Attainment


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
    attachments: choices_of(ReportAttachment) = Field(  # type: ignore[valid-type]
        default_factory=list, title="附件", description="可多选，用顿号“、”分隔"
    )
    other_attachments: ShortText | None = Field(None, title="其他附件")
    report_date: Date = Field(title="报告日期")

    def check(self, checks: Checks) -> None:
        checks.order("activity_date", "report_date")
        checks.at_least("objectives", 1)
        checks.required_when(
            "volunteer_hours", self.volunteer_count > 0, "有义工参与，须填写义工服务时数"
        )
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
