"""Choices shared by several forms."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from ..fields import Choice, Money, ShortText, Text
from ..fields import PastDate as Date
from ..model import Checks, FormModel, FormPart


def age_on(born: dt.date, day: dt.date) -> int:
    """Full years of age on `day`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Sex(Choice):
    MALE = "男"
    FEMALE = "女"


class Attainment(Choice):
    """How far an objective was met (activity and group reports)."""

    FULLY = "完全达到"
    MOSTLY = "大部分达到"
    PARTLY = "部分达到"
    NOT_MET = "未达到"


class GoalAttainment(FormPart):
    """One goal and how far it was met (stage reviews, group reports)."""

    goal: Text = Field(title="目标")
    attainment: Attainment = Field(title="达成情况")
    evidence: Text | None = Field(None, title="依据")


class ClientSource(Choice):
    """Where the client came from (seed 000 附件1 第一步(一)1)."""

    SELF = "主动求助"
    REFERRED = "他人转介"
    OUTREACH = "社工主动接触"


class ClientType(Choice):
    VOLUNTARY = "自愿性"
    INVOLUNTARY = "非自愿性"


class ClientGroup(Choice):
    """Client groups served (seed 000 第二章 二1; seed 003 adds 家庭, 妇女儿童)."""

    YOUTH = "青少年"
    ELDERLY = "老人"
    DISABLED = "残障人士"
    ORPHANED = "孤残儿童"
    PETITIONER = "信访人"
    WORKER = "企业同工"
    CORRECTION = "社区矫正人员"
    RELEASED = "刑释解教人员"
    MIGRANT = "新莞人"
    FAMILY = "家庭"
    WOMEN_CHILDREN = "妇女儿童"
    OTHER = "其他"


class ContactMethod(Choice):
    INTERVIEW = "面谈"
    HOME_VISIT = "家访"
    PHONE = "电话"
    ONLINE = "网络/微信"
    SCHOOL_VISIT = "学校探访"
    OTHER = "其他"


class FinanceLine(FormPart):
    item: ShortText = Field(title="项目")
    budgeted: Money = Field(title="预算（元）")
    actual: Money = Field(title="实际支出（元）")
    note: ShortText | None = Field(None, title="说明")


class FinanceReport(FormModel):
    """A finance report: budget against actual, line by line, with totals that add up."""

    kind = "xlsx"
    totals = True
    rules = (
        "预算合计 = 各行预算之和；实际支出合计 = 各行实际支出之和",
        "实际支出超出预算时须说明原因",
    )
    signatures = ("负责社工", "财务", "中心负责人审批")

    lines: list[FinanceLine] = Field(title="收支明细", description="每个项目一行")
    budget_total: Money = Field(title="预算合计（元）")
    actual_total: Money = Field(title="实际支出合计（元）")
    explanation: Text | None = Field(None, title="超支或结余说明")
    report_date: Date = Field(title="报告日期")

    def check(self, checks: Checks) -> None:
        checks.at_least("lines", 1)
        checks.adds_up("budget_total", "lines", "budgeted")
        checks.adds_up("actual_total", "lines", "actual")
        with checks.rule():
            checks.required_when(
                "explanation", self.actual_total > self.budget_total, "实际支出超出预算，须说明原因"
            )
