"""Monitoring and reporting 监控: the monthly tables a service point sends by the 5th
(seed 000 第一章 五(三)). 社工服务统计表 is computed from the month's records by `lvye-forms
stats`; the others are typed in."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from ..errors import Code
from ..fields import Choice, CnDate, Count, Hours, Month, ShortText, Text
from ..fields import PastDate as Date
from ..model import Checks, FormModel, FormPart
from ..registry import register
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
        for index, item in enumerate(self.services):
            if f"{item.date.year:04d}-{item.date.month:02d}" != self.month:
                checks.add_at(
                    ("services", index, "date"),
                    item.date,
                    Code.CONDITIONAL,
                    reason=f"服务日期不在 {self.month} 月内",
                )

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
