"""Group work 小组: from 准备 through the sessions to 结束 (seed 000 附件2)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from ..errors import Code
from ..fields import Choice, CnDate, Count, Money, ShortText, Text
from ..fields import PastDate as Date
from ..model import Checks, FormModel, FormPart
from ..registry import register


class GroupType(Choice):
    """Kinds of group (seed 001 第四条 三)."""

    SOCIAL = "社交小组"
    EDUCATIONAL = "教育小组"
    GROWTH = "成长小组"
    THERAPY = "治疗小组"
    SUPPORT = "支持小组"
    SOCIALISATION = "社会化小组"
    SELF_HELP = "自助互助小组"
    INTEREST = "兴趣小组"
    TASK = "任务小组"
    VOLUNTEER = "服务或志愿者小组"
    AWARENESS = "意识提升小组"
    SOCIAL_ACTION = "社会行动小组"


class Session(FormPart):
    """One row of 具体活动计划: what happens in one session."""

    number: Count = Field(title="节次", description="第几节，从1开始")
    date: CnDate = Field(title="日期")
    time: ShortText = Field(title="时间", description="如 14:30-16:00")
    place: ShortText = Field(title="地点")
    goal: Text = Field(title="本节目标")
    content: Text = Field(title="活动内容")
    materials: Text | None = Field(None, title="所需物资")
    possible_issues: Text | None = Field(None, title="可能出现的问题")


class BudgetLine(FormPart):
    """One line of 经费预算: amount = unit price × quantity."""

    item: ShortText = Field(title="预算项目")
    unit_price: Money = Field(title="单价（元）")
    quantity: Count = Field(title="数量")
    amount: Money = Field(title="金额（元）", description="须等于 单价 × 数量")
    note: ShortText | None = Field(None, title="备注")

    def check(self, checks: Checks) -> None:
        expected = (self.unit_price * self.quantity).quantize(Decimal("0.01"))
        if self.amount != expected:
            checks.add("amount", Code.SUM, expected=f"{expected:.2f}", actual=f"{self.amount:.2f}")


@register
class GroupPlan(FormModel):
    """《小组计划书》: the ten parts of a group's plan, written before the first session."""

    form_id = "group_plan"
    title = "小组计划书"
    key_field = "group_id"
    subject_type = "group"
    date_field = "plan_date"
    name_field = "group_name"
    area = "小组"
    sources = ("000 附件2 第一步(3)2",)
    rules = (
        "结束日期不早于开始日期；每节的日期在起止日期之内",
        "节次从1开始连续编号，节数与“活动次数”一致",
        "计划书日期不晚于第一节的日期（计划在先）",
        "每行预算的金额 = 单价 × 数量；预算合计 = 各行金额之和",
    )

    group_id: ShortText = Field(title="小组编号", description="如 XZ-2024-005；每份计划书唯一")
    group_name: ShortText = Field(title="小组名称")
    worker_name: ShortText = Field(title="负责社工")
    service_point: ShortText | None = Field(None, title="服务点")
    plan_date: Date = Field(title="计划书日期")
    purpose: Text = Field(title="活动目的", description="为什么开展这个小组，依据是什么")
    overall_goal: Text = Field(title="总目标")
    process_goals: Text = Field(title="过程目标", description="各阶段的分目标，可分行列出")
    member_count: Count = Field(title="组员人数")
    member_traits: Text = Field(title="组员特征")
    group_type: GroupType = Field(title="小组性质")
    start_date: CnDate = Field(title="开始日期")
    end_date: CnDate = Field(title="结束日期")
    frequency: ShortText = Field(title="活动频率", description="如 每周一次，每次90分钟")
    session_count: Count = Field(
        title="活动次数", description="须与“具体活动计划”工作表中的节数一致"
    )
    group_size: ShortText = Field(title="小组规模", description="如 8–12人，开放或封闭")
    sessions: list[Session] = Field(title="具体活动计划", description="每节一行")
    recruitment: Text = Field(title="招募计划", description="招募方式、时间和地点")
    resources: Text = Field(title="需要的资源")
    contingency: Text = Field(title="预料中的问题和应变计划")
    budget: list[BudgetLine] = Field(title="经费预算", description="每个预算项目一行")
    budget_total: Money = Field(title="预算合计（元）", description="须等于各预算项目金额之和")
    evaluation: Text = Field(title="评估方法")

    def check(self, checks: Checks) -> None:
        checks.order("start_date", "end_date")
        checks.at_least("sessions", 1)
        checks.at_least("budget", 1)
        numbers = [s.number for s in self.sessions]
        if numbers and numbers != list(range(1, len(numbers) + 1)):
            checks.add(
                "sessions",
                Code.INVALID,
                reason=f"节次应从1开始连续编号，现为 {'、'.join(map(str, numbers))}",
            )
        if self.sessions and self.session_count != len(self.sessions):
            checks.add(
                "session_count",
                Code.INVALID,
                reason=f"活动次数为 {self.session_count}，但“具体活动计划”中有 {len(self.sessions)} 节",
            )
        outside = [
            s.number for s in self.sessions if not self.start_date <= s.date <= self.end_date
        ]
        if outside:
            checks.add(
                "sessions",
                Code.INVALID,
                reason=f"第 {'、'.join(map(str, outside))} 节的日期不在小组起止日期之内",
            )
        if self.sessions:
            first = min(s.date for s in self.sessions)
            if self.plan_date > first:
                checks.add(
                    "plan_date",
                    Code.INVALID,
                    reason=f"计划书须在第一节（{first.isoformat()}）之前完成",
                )
        total = sum((line.amount for line in self.budget), Decimal("0.00"))
        if self.budget and total != self.budget_total:
            checks.add(
                "budget_total", Code.SUM, expected=f"{total:.2f}", actual=f"{self.budget_total:.2f}"
            )

    examples = (
        {
            "group_id": "XZ-2024-005",
            "group_name": "“情绪小管家”儿童情绪管理成长小组",
            "worker_name": "黄嘉欣",
            "service_point": "东城街道主山社区社工站",
            "plan_date": "2024-03-15",
            "purpose": "社区内不少小学高年级学生在学习压力和同伴冲突中容易出现情绪失控。"
            "本小组以认知行为理论为依据，帮助组员认识和表达情绪，学习调节方法。",
            "overall_goal": "提升组员识别、表达和调节情绪的能力，改善同伴关系。",
            "process_goals": "1. 组员相互认识，建立小组规范和信任；\n2. 认识常见情绪及其身体信号；"
            "\n3. 学习并练习至少两种情绪调节方法；\n4. 巩固所学，处理离别情绪。",
            "member_count": "10",
            "member_traits": "主山小学四至六年级学生，由老师或家长推荐，近期有情绪困扰或同伴冲突。",
            "group_type": "成长小组",
            "start_date": "2024-04-06",
            "end_date": "2024-04-27",
            "frequency": "每周六一次，每次90分钟",
            "session_count": "4",
            "group_size": "8–12人，封闭式小组",
            "sessions": [
                {
                    "number": "1",
                    "date": "2024-04-06",
                    "time": "14:30-16:00",
                    "place": "主山社区社工站活动室",
                    "goal": "相互认识，订立小组契约",
                    "content": "破冰游戏“名字接龙”；介绍小组目标；共同订立小组规则。",
                    "materials": "名牌、彩笔、大白纸",
                    "possible_issues": "组员拘谨不愿发言：社工先示范，用游戏带动。",
                },
                {
                    "number": "2",
                    "date": "2024-04-13",
                    "time": "14:30-16:00",
                    "place": "主山社区社工站活动室",
                    "goal": "认识情绪及其身体信号",
                    "content": "情绪卡片猜猜猜；“我的情绪温度计”绘画与分享。",
                    "materials": "情绪卡片、画纸",
                },
                {
                    "number": "3",
                    "date": "2024-04-20",
                    "time": "14:30-16:00",
                    "place": "主山社区社工站活动室",
                    "goal": "学习情绪调节方法",
                    "content": "腹式呼吸练习；情境角色扮演“当我生气时”。",
                    "materials": "情境卡、计时器",
                    "possible_issues": "角色扮演中组员情绪激动：暂停并个别安抚。",
                },
                {
                    "number": "4",
                    "date": "2024-04-27",
                    "time": "14:30-16:00",
                    "place": "主山社区社工站活动室",
                    "goal": "巩固所学，处理离别情绪",
                    "content": "回顾与分享；互写祝福卡；填写小组评估问卷。",
                    "materials": "祝福卡、评估问卷、小礼物",
                },
            ],
            "recruitment": "3月下旬通过主山小学心理老师和社区公众号发布招募信息，家长报名后社工面谈筛选。",
            "resources": "人力：社工1名、义工2名；物力：社工站活动室；财力：社区服务项目经费。",
            "contingency": "组员缺席：活动前一天电话提醒家长；冲突：按小组契约暂停，社工个别跟进。",
            "budget": [
                {
                    "item": "活动物资（彩笔、画纸、卡片）",
                    "unit_price": "60",
                    "quantity": "1",
                    "amount": "60.00",
                },
                {"item": "组员小礼物", "unit_price": "15", "quantity": "10", "amount": "150"},
                {"item": "评估问卷印刷", "unit_price": "0.5", "quantity": "20", "amount": "10.00"},
            ],
            "budget_total": "220",
            "evaluation": "前后测《儿童情绪管理量表》；每节观察记录；结束时组员满意度问卷。",
        },
    )
