"""Monitoring and reporting 监控: the monthly tables a service point sends by the 5th
(seed 000 第一章 五(三)). 社工服务统计表 is computed from the month's records by `lvye-forms
stats`; the others are typed in."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from ..errors import Code
from ..fields import Choice, CnDate, Count, Hours, Money, Month, ShortText, Text
from ..fields import PastDate as Date
from ..model import Checks, FormModel, FormPart
from ..registry import register
from ..render.context import display
from ..render.xlsx import TableData
from .common import Sex


class _MonthlyTable(FormModel):
    """One service point's table for one month; due by the 5th of the next month."""

    kind = "xlsx"
    area = "监控"
    subject_type = "service_point"
    subject_field = "service_point"
    date_field = "submitted_date"
    name_field = "service_point"
    signatures = ("填表人|submitted_date", "服务点负责人")

    report_id: ShortText = Field(
        title="报表编号", description="服务点加月份，如 主山社工站-2024-10"
    )
    service_point: ShortText = Field(title="服务点")
    month: Month = Field(title="月份")
    submitted_date: Date | None = Field(None, title="提交日期")


class ServiceKind(Choice):
    CASE = "个案"
    GROUP = "小组"
    ACTIVITY = "社区活动"
    VISIT = "探访"
    TRAINING = "培训/督导"
    OTHER = "其他"


class PlanItem(FormPart):
    kind: ServiceKind = Field(title="服务类型")
    content: Text = Field(title="计划内容")
    worker: ShortText = Field(title="负责社工")
    planned_date: CnDate | None = Field(None, title="计划日期")
    expected_people: Count | None = Field(None, title="预计服务人次")


@register
class MonthlyPlanSummary(_MonthlyTable):
    """《月计划汇总表》: the month's planned services, sent to the city association."""

    form_id = "monthly_plan_summary"
    title = "月计划汇总表"
    key_field = "report_id"
    totals = True
    sources = ("000 第一章 五(三)1-2",)
    rules = ("每月5日前提交（由完整性检查核对）",)

    items: list[PlanItem] = Field(title="计划事项", description="每项计划一行")

    def check(self, checks: Checks) -> None:
        checks.at_least("items", 1)

    examples = (
        {
            "report_id": "主山社工站-2024-11",
            "service_point": "东城街道主山社区社工站",
            "month": "2024-11",
            "submitted_date": "2024-11-04",
            "items": [
                {
                    "kind": "个案",
                    "content": "跟进在案个案6个，新开个案评估2个",
                    "worker": "黄嘉欣",
                    "expected_people": "20",
                },
                {
                    "kind": "小组",
                    "content": "“亲子沟通”家长小组第1–4节",
                    "worker": "黄嘉欣",
                    "planned_date": "2024-11-09",
                    "expected_people": "40",
                },
                {
                    "kind": "社区活动",
                    "content": "冬季长者健康讲座",
                    "worker": "钟志强",
                    "planned_date": "2024-11-22",
                    "expected_people": "60",
                },
            ],
        },
    )


class Qualification(Choice):
    NONE = "未持证"
    ASSISTANT = "助理社会工作师"
    SOCIAL_WORKER = "社会工作师"
    SENIOR = "高级社会工作师"


class Worker(FormPart):
    name: ShortText = Field(title="姓名")
    sex: Sex = Field(title="性别")
    post: ShortText = Field(title="岗位", description="如 一线社工、社工助理、督导")
    education: ShortText = Field(title="学历")
    major: ShortText | None = Field(None, title="专业")
    qualification: Qualification = Field(title="持证情况")
    started_social_work: CnDate = Field(title="从事社工起始日期")
    joined: CnDate = Field(title="入职日期")


@register
class WorkerStatistics(_MonthlyTable):
    """《社工情况统计表》: the service point's workers this month."""

    form_id = "worker_statistics"
    title = "社工情况统计表"
    key_field = "report_id"
    sources = ("000 第一章 五(三)1-2",)
    rules = ("每月5日前提交（由完整性检查核对）",)

    workers: list[Worker] = Field(title="社工名单", description="每位同工一行")

    def check(self, checks: Checks) -> None:
        checks.at_least("workers", 1)

    examples = (
        {
            "report_id": "主山社工站-2024-10",
            "service_point": "东城街道主山社区社工站",
            "month": "2024-10",
            "submitted_date": "2024-11-04",
            "workers": [
                {
                    "name": "黄嘉欣",
                    "sex": "女",
                    "post": "一线社工",
                    "education": "本科",
                    "major": "社会工作",
                    "qualification": "助理社会工作师",
                    "started_social_work": "2023-07-01",
                    "joined": "2023-07-01",
                },
                {
                    "name": "钟志强",
                    "sex": "男",
                    "post": "一线社工",
                    "education": "本科",
                    "major": "社会学",
                    "qualification": "社会工作师",
                    "started_social_work": "2018-03-01",
                    "joined": "2020-09-01",
                },
            ],
        },
    )


class WorkerMonth(FormPart):
    """One worker's services in the month, counted from the records."""

    worker: ShortText = Field(title="社工")
    open_cases: Count = Field(0, title="在案个案")
    new_cases: Count = Field(0, title="新开个案")
    closed_cases: Count = Field(0, title="结案")
    case_contacts: Count = Field(0, title="个案跟进次数")
    group_sessions: Count = Field(0, title="小组节数")
    group_attendance: Count = Field(0, title="小组出席人次")
    activities: Count = Field(0, title="社区活动场数")
    activity_participants: Count = Field(0, title="活动参与人次")
    volunteer_times: Count = Field(0, title="义工人次")
    volunteer_hours: Hours = Field(Decimal("0"), title="义工时数")


@register
class ServiceStatistics(_MonthlyTable):
    """《社工服务统计表》: computed by `lvye-forms stats` from the month's documents."""

    form_id = "service_statistics"
    title = "社工服务统计表"
    key_field = "report_id"
    totals = True
    sources = ("000 第一章 五(三)2",)
    rules = (
        "由 lvye-forms stats 从当月的个案、小组、活动和义工记录统计，无需重复录入",
        "每月5日前提交（由完整性检查核对）",
    )

    rows: list[WorkerMonth] = Field(title="各社工服务量", description="每位社工一行")
    notes: Text | None = Field(None, title="说明")

    examples = (
        {
            "report_id": "主山社工站-2024-04",
            "service_point": "东城街道主山社区社工站",
            "month": "2024-04",
            "submitted_date": "2024-05-04",
            "rows": [
                {
                    "worker": "黄嘉欣",
                    "open_cases": "3",
                    "new_cases": "1",
                    "closed_cases": "0",
                    "case_contacts": "9",
                    "group_sessions": "4",
                    "group_attendance": "37",
                    "volunteer_times": "6",
                    "volunteer_hours": "15.5",
                },
                {
                    "worker": "钟志强",
                    "open_cases": "2",
                    "case_contacts": "4",
                    "activities": "1",
                    "activity_participants": "95",
                },
            ],
        },
    )


class VolunteerService(FormPart):
    name: ShortText = Field(title="义工姓名")
    date: CnDate = Field(title="服务日期")
    service: ShortText = Field(title="服务内容")
    service_id: ShortText | None = Field(None, title="小组或活动编号")
    hours: Hours = Field(title="时数")


@register
class VolunteerServiceRecord(_MonthlyTable):
    """《义工服务记录》: every volunteer's service in the month."""

    form_id = "volunteer_service_record"
    title = "义工服务记录"
    key_field = "report_id"
    totals = True
    sources = ("000 第一章 五(三)1",)
    rules = ("每条服务日期须在报表月份之内", "每月5日前提交（由完整性检查核对）")

    services: list[VolunteerService] = Field(title="服务记录", description="每人每次一行")

    def check(self, checks: Checks) -> None:
        checks.at_least("services", 1)
        with checks.rule():
            checks.dated_in_month("services", "date", self.month)

    examples = (
        {
            "report_id": "主山社工站-2024-04",
            "service_point": "东城街道主山社区社工站",
            "month": "2024-04",
            "submitted_date": "2024-05-03",
            "services": [
                {
                    "name": "梁嘉怡",
                    "date": "2024-04-20",
                    "service": "协助小组角色扮演",
                    "service_id": "XZ-2024-005",
                    "hours": "2.5",
                },
                {
                    "name": "何俊",
                    "date": "2024-04-20",
                    "service": "场地布置、拍照",
                    "service_id": "XZ-2024-005",
                    "hours": "2.75",
                },
                {
                    "name": "梁嘉怡",
                    "date": "2024-04-27",
                    "service": "小组结束聚会",
                    "service_id": "XZ-2024-005",
                    "hours": "2",
                },
            ],
        },
    )


def _amount(value: Decimal | None) -> float | str:
    """An amount as printed in the cash book: blank when there is none."""
    return float(value) if value is not None else ""


class CashEntry(FormPart):
    date: CnDate = Field(title="日期")
    voucher: ShortText | None = Field(None, title="凭证号")
    summary: ShortText = Field(title="摘要")
    income: Money = Field(Decimal("0"), title="收入（元）")
    expense: Money = Field(Decimal("0"), title="支出（元）")


@register
class CashJournal(_MonthlyTable):
    """《现金日记账》: the service point's cash in and out for the month."""

    form_id = "cash_journal"
    title = "现金日记账"
    key_field = "report_id"
    totals = True
    sources = ("000 第一章 五(三)4",)
    rules = (
        "每条日期须在报表月份之内",
        "期末余额 = 期初余额 + 收入合计 − 支出合计",
        "每月5日前提交（由完整性检查核对）",
    )
    signatures = ("财务同工|submitted_date", "组长/项目主任核准")

    opening_balance: Money = Field(title="期初余额（元）")
    entries: list[CashEntry] = Field(title="收支记录", description="每笔一行")
    closing_balance: Money = Field(title="期末余额（元）")

    def check(self, checks: Checks) -> None:
        checks.at_least("entries", 1)
        with checks.rule():
            checks.dated_in_month("entries", "date", self.month)
        with checks.rule():
            income = sum((e.income for e in self.entries), Decimal("0"))
            expense = sum((e.expense for e in self.entries), Decimal("0"))
            expected = self.opening_balance + income - expense
            if expected != self.closing_balance:
                checks.add(
                    "closing_balance",
                    Code.SUM,
                    expected=f"{expected:.2f}",
                    actual=f"{self.closing_balance:.2f}",
                )

    def table(self) -> TableData:
        """A cash book: the opening balance, each entry with the running balance (余额),
        the month's totals and the closing balance; an amount not moved prints blank."""
        from ..render.tabular import signature_lines, standard_table  # tabular imports models

        facts = standard_table(self).facts
        data = TableData(
            headers=["日期", "凭证号", "摘要", "收入（元）", "支出（元）", "余额（元）"],
            rows=[],
            kinds={"日期": "center", "凭证号": "center", "摘要": "left"}
            | {k: "money" for k in ("收入（元）", "支出（元）", "余额（元）")},
            facts=[(label, value) for label, value in facts if "余额" not in label],
            signatures=signature_lines(self),
        )
        balance = self.opening_balance
        data.rows.append(["", "", "期初余额", "", "", _amount(balance)])
        income = expense = Decimal("0")
        for entry in self.entries or []:
            income += entry.income or 0
            expense += entry.expense or 0
            if balance is not None:
                balance = balance + (entry.income or 0) - (entry.expense or 0)
            data.rows.append(
                [
                    display(entry.date),
                    entry.voucher or "",
                    entry.summary,
                    _amount(entry.income or None),
                    _amount(entry.expense or None),
                    _amount(balance),
                ]
            )
        data.totals = ["", "", "本月合计", float(income), float(expense), _amount(balance)]
        return data

    examples = (
        {
            "report_id": "主山社工站-2024-10",
            "service_point": "东城街道主山社区社工站",
            "month": "2024-10",
            "submitted_date": "2024-11-04",
            "opening_balance": "2000",
            "entries": [
                {
                    "date": "2024-10-08",
                    "voucher": "X-101",
                    "summary": "游园会礼品",
                    "expense": "812.50",
                },
                {
                    "date": "2024-10-09",
                    "voucher": "X-102",
                    "summary": "物资与宣传品",
                    "expense": "368",
                },
                {"date": "2024-10-11", "voucher": "X-103", "summary": "义工餐费", "expense": "200"},
                {
                    "date": "2024-10-20",
                    "voucher": "S-021",
                    "summary": "项目备用金拨入",
                    "income": "1500",
                },
            ],
            "closing_balance": "2119.50",
        },
    )


@register
class AnnualSummary(FormModel):
    """《年度工作总结》 with the year's final accounts, due by 5 January (000 第一章 五(五)3)."""

    form_id = "annual_summary"
    title = "年度工作总结"
    key_field = "summary_id"
    name_field = "service_point"
    area = "监控"
    subject_type = "service_point"
    subject_field = "service_point"
    date_field = "submitted_date"
    sources = ("000 第一章 五(五)3",)
    rules = ("经费结余 = 全年经费收入 − 全年经费支出", "次年1月5日前提交（由完整性检查核对）")
    signatures = ("服务点负责人|submitted_date", "督导")
    sections = {
        "overview": "一、年度服务概况",
        "income": "二、经费决算",
        "achievements": "三、成效与反思",
    }

    summary_id: ShortText = Field(title="总结编号", description="服务点加年度，如 主山社工站-2024")
    service_point: ShortText = Field(title="服务点")
    year: Count = Field(title="年度")
    overview: Text = Field(title="服务概况", description="个案、小组、社区活动、义工等全年数量")
    income: Money = Field(title="全年经费收入（元）")
    expense: Money = Field(title="全年经费支出（元）")
    balance: Money = Field(title="经费结余（元）")
    achievements: Text = Field(title="主要成效")
    problems: Text = Field(title="问题与不足")
    next_year: Text = Field(title="下年度计划")
    submitted_date: Date = Field(title="提交日期")

    def check(self, checks: Checks) -> None:
        with checks.rule():
            if self.income - self.expense != self.balance:
                checks.add(
                    "balance",
                    Code.SUM,
                    expected=f"{self.income - self.expense:.2f}",
                    actual=f"{self.balance:.2f}",
                )

    examples = (
        {
            "summary_id": "主山社工站-2023",
            "service_point": "东城街道主山社区社工站",
            "year": "2023",
            "overview": "全年开展个案42个（结案30个），小组12个共68节，社区活动36场，服务9,860人次；义工服务1,240小时。",
            "income": "380000",
            "expense": "372450.60",
            "balance": "7549.40",
            "achievements": "青少年情绪管理服务形成品牌；独居长者探访网络覆盖全部楼栋。",
            "problems": "男性家长参与度低；部分个案记录提交不及时。",
            "next_year": "开展父亲参与项目；每月5日前完成个案记录督导审核。",
            "submitted_date": "2024-01-04",
        },
    )


@register
class ProjectPlan(FormModel):
    """《项目计划》: within one month of the contract; reviewed by the supervisor within 3 days."""

    form_id = "project_plan"
    title = "项目计划"
    key_field = "project_id"
    name_field = "project_name"
    area = "监控"
    subject_type = "service_point"
    subject_field = "service_point"
    date_field = "submitted_date"
    sources = ("000 第一章 五(一)", "000 第三章 三(四)")
    rules = (
        "提交日期不早于合同签订日期（须在一个月内提交，由完整性检查核对）",
        "督导审核日期不早于提交日期（须在三天内审核）",
    )
    signatures = ("项目负责人|submitted_date", "督导|review_date")
    sections = {
        "needs_analysis": "一、需求分析",
        "goals": "二、目标与服务指标",
        "plan": "三、项目计划",
        "resources": "四、资源分析与物资投入",
        "assignment": "五、项目指派",
        "review_opinion": "督导审核",
    }

    project_id: ShortText = Field(title="项目编号")
    project_name: ShortText = Field(title="项目名称")
    service_point: ShortText = Field(title="服务点")
    contract_date: Date = Field(title="合同签订日期")
    needs_analysis: Text = Field(title="需求分析")
    goals: Text = Field(title="目标制定")
    indicators: Text = Field(title="服务指标", description="如 个案20个、小组6个、社区活动24场")
    plan: Text = Field(title="项目计划")
    resources: Text = Field(title="资源分析")
    materials: Text = Field(title="物资投入")
    assignment: Text = Field(title="项目指派", description="各同工负责的内容")
    submitted_date: Date = Field(title="提交日期")
    review_opinion: Text | None = Field(None, title="督导意见")
    review_date: Date | None = Field(None, title="督导审核日期")

    def check(self, checks: Checks) -> None:
        checks.order("contract_date", "submitted_date")
        checks.order("submitted_date", "review_date")

    examples = (
        {
            "project_id": "XM-2024-02",
            "project_name": "主山社区青少年成长支持项目",
            "service_point": "东城街道主山社区社工站",
            "contract_date": "2024-01-15",
            "needs_analysis": "社区流动儿童约600人，课后照顾和情绪支持不足。",
            "goals": "提升青少年情绪管理与学校适应能力，建立家长支持网络。",
            "indicators": "个案20个、小组6个、社区活动24场、服务3,000人次。",
            "plan": "第一季度需求调研与招募；第二、三季度开展小组与个案；第四季度总结评估。",
            "resources": "主山小学、社区卫生服务站、企业义工队。",
            "materials": "活动经费6万元；社工站活动室与面谈室。",
            "assignment": "黄嘉欣：个案与小组；钟志强：社区活动与义工管理。",
            "submitted_date": "2024-02-05",
            "review_opinion": "服务指标合理；建议增加家长参与的量化指标。",
            "review_date": "2024-02-07",
        },
    )
