"""Group work 小组: from 准备 through the sessions to 结束 (seed 000 附件2)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from ..errors import Code
from ..fields import (
    ChineseID,
    Choice,
    CnDate,
    Count,
    Hours,
    Money,
    NumberList,
    Phone,
    ShortText,
    Text,
    YesNo,
)
from ..fields import PastDate as Date
from ..model import Checks, FormModel, FormPart
from ..registry import register
from ..render.xlsx import TableData
from .common import FinanceReport, GoalAttainment, Sex, age_on
from .finance import IncomeLine, finance_table, income_field


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
        with checks.rule():
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
        with checks.rule():
            numbers = [s.number for s in self.sessions]
            if numbers and numbers != list(range(1, len(numbers) + 1)):
                checks.add(
                    "sessions",
                    Code.INVALID,
                    reason=f"节次应从1开始连续编号，现为 {'、'.join(map(str, numbers))}",
                )
        with checks.rule():
            if self.sessions and self.session_count != len(self.sessions):
                checks.add(
                    "session_count",
                    Code.INVALID,
                    reason=f"活动次数为 {self.session_count}，但“具体活动计划”中有 {len(self.sessions)} 节",
                )
        with checks.rule():
            outside = [
                s.number for s in self.sessions if not self.start_date <= s.date <= self.end_date
            ]
            if outside:
                checks.add(
                    "sessions",
                    Code.INVALID,
                    reason=f"第 {'、'.join(map(str, outside))} 节的日期不在小组起止日期之内",
                )
        with checks.rule():
            if self.sessions:
                first = min(s.date for s in self.sessions)
                if self.plan_date > first:
                    checks.add(
                        "plan_date",
                        Code.INVALID,
                        reason=f"计划书须在第一节（{first.isoformat()}）之前完成",
                    )
        checks.adds_up("budget_total", "budget", "amount")

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


class Selection(Choice):
    """How places are given (001 第八条 四)."""

    FIRST_COME = "先到先得"
    LOTTERY = "抽签"
    WORKER = "社工安排（特殊情况）"


@register
class GroupRegistration(FormModel):
    """《小组报名表》: one applicant's registration for a group (000 附件2; 001 第八条 三)."""

    form_id = "group_registration"
    title = "小组报名表"
    key_field = "registration_id"
    name_field = "applicant_name"
    area = "小组"
    subject_type = "group"
    subject_field = "group_id"
    date_field = "registration_date"
    sources = ("000 附件2 第一步(一)(1)", "001 第八条 二、三、四")
    rules = (
        "出生日期、性别须与身份证号一致",
        "报名人未满18岁时须填写监护人并由监护人同意",
    )
    signatures = ("报名人|registration_date", "监护人", "负责社工")

    registration_id: ShortText = Field(title="报名编号", description="如 XZ-2024-005-B03")
    group_id: ShortText = Field(title="小组编号")
    group_name: ShortText = Field(title="小组名称")
    applicant_name: ShortText = Field(title="报名人姓名")
    sex: Sex = Field(title="性别")
    birth_date: Date = Field(title="出生日期")
    id_number: ChineseID | None = Field(None, title="身份证号")
    phone: Phone | None = Field(None, title="联系电话")
    school_or_work: ShortText | None = Field(None, title="学校/单位")
    reason: Text = Field(title="参加原因与期望")
    guardian_name: ShortText | None = Field(None, title="监护人姓名")
    guardian_phone: Phone | None = Field(None, title="监护人电话")
    selection: Selection = Field(title="录取方式")
    accepted: YesNo = Field(title="是否录取")
    registration_date: Date = Field(title="报名日期")

    def check(self, checks: Checks) -> None:
        checks.matches_id("id_number", "birth_date", "sex")
        with checks.rule():
            minor = age_on(self.birth_date, self.registration_date) < 18
            for field in ("guardian_name", "guardian_phone"):
                checks.required_when(field, minor, "报名人未满18岁，须由监护人同意并留下联系方式")

    examples = (
        {
            "registration_id": "XZ-2024-005-B03",
            "group_id": "XZ-2024-005",
            "group_name": "“情绪小管家”儿童情绪管理成长小组",
            "applicant_name": "李小明",
            "sex": "男",
            "birth_date": "2012-05-06",
            "id_number": "441900201205060035",
            "school_or_work": "主山小学五年级",
            "reason": "想学会控制脾气，和同学好好相处。",
            "guardian_name": "陈美玲",
            "guardian_phone": "13802461357",
            "selection": "先到先得",
            "accepted": "是",
            "registration_date": "2024-03-26",
        },
    )


class SessionDate(FormPart):
    number: Count = Field(title="节次")
    date: CnDate = Field(title="日期")


class MemberAttendance(FormPart):
    name: ShortText = Field(title="组员姓名")
    # Empty means absent from every session, so it cannot be a required cell.
    attended: NumberList = Field(
        default_factory=list, title="出席节次", description="如 1、2、4；全部缺席留空"
    )
    # An explained absence is not an unexplained one: leya's automatic exit counts only the
    # latter (001 第八条 五2(3) 连续无故缺席，而没有任何通知).
    excused: NumberList | None = Field(
        None, title="请假节次", description="已请假（有说明）的节次，如 3"
    )
    note: ShortText | None = Field(None, title="备注")

    def check(self, checks: Checks) -> None:
        with checks.rule():
            both = sorted(set(self.attended) & set(self.excused or []))
            if both:
                checks.add(
                    "excused",
                    Code.INVALID,
                    reason=f"第 {'、'.join(map(str, both))} 节同时填在出席节次和请假节次中",
                )


def _mark(member: MemberAttendance, number: int) -> str:
    """✓ attended, 假 excused (请假), 缺 absent without a word."""
    if number in member.attended:
        return "✓"
    return "假" if number in (member.excused or []) else "缺"


_BLANK_SESSIONS = 6  # session columns of the empty attendance sheet


@register
class GroupAttendance(FormModel):
    """《小组点名表》: members × sessions, filled at the start of every session."""

    form_id = "group_attendance"
    title = "小组点名表"
    kind = "xlsx"
    key_field = "group_id"
    name_field = "group_name"
    area = "小组"
    subject_type = "group"
    sources = ("000 附件2 第三步",)
    rules = (
        "出席节次和请假节次只能是“节次日期”工作表中列出的节次",
        "同一节不能既算出席又算请假",
    )
    signatures = ("负责社工",)

    group_id: ShortText = Field(title="小组编号")
    group_name: ShortText = Field(title="小组名称")
    worker_name: ShortText = Field(title="负责社工")
    sessions: list[SessionDate] = Field(title="节次日期", description="每节一行")
    members: list[MemberAttendance] = Field(title="组员出席", description="每位组员一行")

    def check(self, checks: Checks) -> None:
        checks.at_least("sessions", 1)
        checks.at_least("members", 1)
        with checks.rule():
            known = {s.number for s in self.sessions}
            for index, member in enumerate(self.members):
                for field in ("attended", "excused"):
                    numbers = getattr(member, field) or []
                    unknown = [n for n in numbers if n not in known]
                    if unknown:
                        reason = f"第 {'、'.join(map(str, unknown))} 节不在节次日期表中"
                        checks.add_at(
                            ("members", index, field), numbers, Code.CONDITIONAL, reason=reason
                        )

    def table(self) -> TableData:
        from ..render.tabular import signature_lines  # imported here: tabular imports the models

        sessions = sorted(self.sessions, key=lambda s: s.number)
        headers = ["序号", "组员姓名"] + [
            f"第{s.number}节\n{s.date.month}月{s.date.day}日" for s in sessions
        ]
        per_session: list[int | str] = [
            sum(s.number in m.attended for m in self.members) for s in sessions
        ]
        if not sessions:
            # The empty paper form: six sessions whose number and date are written by hand.
            headers += ["第　节\n　月　日"] * _BLANK_SESSIONS
            per_session = [""] * _BLANK_SESSIONS
        headers += ["出席次数", "备注"]
        rows = []
        for index, member in enumerate(self.members, start=1):
            marks = [_mark(member, s.number) for s in sessions]
            rows.append([index, member.name, *marks, len(member.attended), member.note or ""])
        totals = ["", "出席人数", *per_session, sum(n for n in per_session if isinstance(n, int)), ""]
        facts = [
            ("小组名称", self.group_name),
            ("小组编号", self.group_id),
            ("负责社工", self.worker_name),
            ("标记", "✓ 出席　假 请假　缺 缺席（未请假）"),
        ]
        return TableData(
            headers=headers,
            rows=rows,
            totals=totals,
            facts=facts,
            signatures=signature_lines(self),
            # Blank rows to the end of the page: members who join on the day are added by hand.
            fill_page=True,
        )

    examples = (
        {
            "group_id": "XZ-2024-005",
            "group_name": "“情绪小管家”儿童情绪管理成长小组",
            "worker_name": "黄嘉欣",
            "sessions": [
                {"number": "1", "date": "2024-04-06"},
                {"number": "2", "date": "2024-04-13"},
                {"number": "3", "date": "2024-04-20"},
                {"number": "4", "date": "2024-04-27"},
            ],
            "members": [
                {"name": "李小明", "attended": "1-4"},
                {"name": "周子涵", "attended": "1、2、4", "excused": "3", "note": "第3节生病请假"},
                {"name": "吴俊杰", "attended": "1、2、3、4"},
                {"name": "郑可欣", "attended": "2、3、4", "note": "第2节起加入"},
                {"name": "陈思远", "attended": "1、4", "note": "第2、3节未到，无通知"},
            ],
        },
    )


@register
class GroupSessionRecord(FormModel):
    """《小组集会记录表》: written after every session."""

    form_id = "group_session_record"
    title = "小组集会记录表"
    key_field = "record_id"
    name_field = "group_name"
    area = "小组"
    subject_type = "group"
    subject_field = "group_id"
    date_field = "session_date"
    sources = ("000 附件2 第三步",)
    rules = ("出席人数不多于组员人数",)
    signatures = ("负责社工|session_date", "督导")
    sections = {
        "session_goals": "本节内容",
        "member_performance": "组员表现与小组动力",
        "reflection": "检讨与跟进",
    }

    record_id: ShortText = Field(title="记录编号", description="小组编号加节次，如 XZ-2024-005-03")
    group_id: ShortText = Field(title="小组编号")
    group_name: ShortText = Field(title="小组名称")
    worker_name: ShortText = Field(title="负责社工")
    session_number: Count = Field(title="节次")
    session_date: Date = Field(title="日期")
    session_time: ShortText | None = Field(None, title="时间")
    place: ShortText = Field(title="地点")
    member_count: Count = Field(title="组员人数")
    present: Count = Field(title="出席人数")
    absent_names: ShortText | None = Field(None, title="缺席组员")
    volunteers: Count = Field(0, title="义工人数")
    session_goals: Text = Field(title="本节目标")
    process: Text = Field(title="活动内容与过程")
    member_performance: Text = Field(title="组员表现")
    group_dynamics: Text = Field(title="小组动力")
    goal_attainment: Text = Field(title="目标达成情况")
    reflection: Text = Field(title="社工反思")
    next_plan: Text | None = Field(None, title="下节安排")

    def check(self, checks: Checks) -> None:
        with checks.rule():
            if self.present > self.member_count:
                checks.add(
                    "present",
                    Code.INVALID,
                    reason=f"出席人数 {self.present} 多于组员人数 {self.member_count}",
                )

    examples = (
        {
            "record_id": "XZ-2024-005-03",
            "group_id": "XZ-2024-005",
            "group_name": "“情绪小管家”儿童情绪管理成长小组",
            "worker_name": "黄嘉欣",
            "session_number": "3",
            "session_date": "2024-04-20",
            "session_time": "14:30-16:00",
            "place": "主山社区社工站活动室",
            "member_count": "10",
            "present": "9",
            "absent_names": "周子涵（病假）",
            "volunteers": "2",
            "session_goals": "学习并练习两种情绪调节方法。",
            "process": "热身游戏“情绪猜猜猜”；腹式呼吸练习；情境角色扮演“当我生气时”；分享与总结。",
            "member_performance": "多数组员投入；吴俊杰在角色扮演中一度激动，经社工个别安抚后继续参与。",
            "group_dynamics": "组员之间开始互相提醒“先深呼吸”，凝聚力增强。",
            "goal_attainment": "9人均能示范腹式呼吸，7人能说出“暂停”方法的步骤。",
            "reflection": "角色扮演情境宜更贴近学校生活；下节预留时间处理离别情绪。",
            "next_plan": "第4节：回顾与分享，填写评估问卷。",
        },
    )


@register
class GroupReport(FormModel):
    """《小组报告》: written after the group ends."""

    form_id = "group_report"
    title = "小组报告"
    key_field = "group_id"
    name_field = "group_name"
    area = "小组"
    subject_type = "group"
    date_field = "report_date"
    sources = ("000 附件2 第三步",)
    rules = ("实际节数不多于计划节数", "报告日期不早于结束日期")
    signatures = ("负责社工|report_date", "督导")
    sections = {
        "goals": "目标达成情况",
        "process_review": "小组过程回顾",
        "reflection": "反思与建议",
    }

    group_id: ShortText = Field(title="小组编号")
    group_name: ShortText = Field(title="小组名称")
    worker_name: ShortText = Field(title="负责社工")
    start_date: Date = Field(title="开始日期")
    end_date: Date = Field(title="结束日期")
    planned_sessions: Count = Field(title="计划节数")
    held_sessions: Count = Field(title="实际节数")
    members: Count = Field(title="组员人数")
    average_attendance: ShortText = Field(title="平均出席率", description="如 90%")
    volunteers_took_part: YesNo = Field(False, title="有义工参与")
    goals: list[GoalAttainment] = Field(title="目标达成")
    process_review: Text = Field(title="过程回顾")
    member_changes: Text = Field(title="组员的改变")
    evaluation_results: Text = Field(title="评估结果", description="问卷、量表等")
    reflection: Text = Field(title="社工反思")
    follow_up: Text | None = Field(None, title="跟进建议")
    report_date: Date = Field(title="报告日期")

    def check(self, checks: Checks) -> None:
        checks.order("start_date", "end_date")
        checks.order("end_date", "report_date")
        checks.at_least("goals", 1)
        with checks.rule():
            if self.held_sessions > self.planned_sessions:
                checks.add(
                    "held_sessions", Code.INVALID, reason="实际节数多于计划节数，请同时修改小组计划书"
                )

    examples = (
        {
            "group_id": "XZ-2024-005",
            "group_name": "“情绪小管家”儿童情绪管理成长小组",
            "worker_name": "黄嘉欣",
            "start_date": "2024-04-06",
            "end_date": "2024-04-27",
            "planned_sessions": "4",
            "held_sessions": "4",
            "members": "10",
            "average_attendance": "92.5%",
            "volunteers_took_part": "是",
            "goals": [
                {
                    "goal": "提升识别和表达情绪的能力",
                    "attainment": "完全达到",
                    "evidence": "后测量表平均分提高6.2分",
                },
                {
                    "goal": "学习情绪调节方法",
                    "attainment": "大部分达到",
                    "evidence": "8名组员能独立示范两种方法",
                },
            ],
            "process_review": "第1–2节建立关系与认识情绪；第3节练习调节方法；第4节巩固与告别。",
            "member_changes": "老师反馈组员课堂冲突减少；家长反映孩子在家会说出“我现在很生气”。",
            "evaluation_results": "满意度问卷：非常满意7人、满意3人。",
            "reflection": "角色扮演效果好；可增加家长参与环节。",
            "follow_up": "暑期开展亲子沟通小组；2名组员转为个案跟进。",
            "report_date": "2024-05-06",
        },
    )


@register
class GroupFinance(FinanceReport):
    """《小组财务报告》: after the group ends."""

    form_id = "group_finance"
    title = "小组财务报告"
    key_field = "group_id"
    name_field = "group_name"
    area = "小组"
    subject_type = "group"
    date_field = "report_date"
    sources = ("000 附件2 第三步",)

    group_id: ShortText = Field(title="小组编号")
    group_name: ShortText = Field(title="小组名称")
    worker_name: ShortText = Field(title="负责社工")
    income: list[IncomeLine] = income_field()

    def table(self) -> TableData:
        return finance_table(self)

    examples = (
        {
            "group_id": "XZ-2024-005",
            "group_name": "“情绪小管家”儿童情绪管理成长小组",
            "worker_name": "黄嘉欣",
            "income": [
                {"source": "社区服务项目经费", "amount": "200", "note": "主山社区项目"},
                {"source": "组员自付材料费", "amount": "20", "note": "10人×2元"},
            ],
            "lines": [
                {"item": "活动物资（彩笔、画纸、卡片）", "budgeted": "60", "actual": "58.50"},
                {"item": "组员小礼物", "budgeted": "150", "actual": "150"},
                {"item": "评估问卷印刷", "budgeted": "10", "actual": "8", "note": "双面印刷"},
            ],
            "budget_total": "220",
            "actual_total": "216.50",
            "explanation": "结余 3.50 元，退回项目经费。",
            "report_date": "2024-05-06",
        },
    )


class VolunteerShift(FormPart):
    name: ShortText = Field(title="义工姓名")
    phone: Phone | None = Field(None, title="联系电话")
    task: ShortText = Field(title="服务内容")
    time_in: ShortText = Field(title="签到时间", description="如 14:00")
    time_out: ShortText = Field(title="签退时间", description="如 16:30")
    hours: Hours = Field(title="服务时数")


@register
class VolunteerSignin(FormModel):
    """《义工报名签到表》: volunteers who served at a group session or activity."""

    form_id = "volunteer_signin"
    title = "义工报名签到表"
    kind = "xlsx"
    key_field = "signin_id"
    name_field = "service_name"
    area = "小组"
    subject_type = "group"
    subject_field = "service_id"
    date_field = "service_date"
    totals = True
    sources = ("000 附件2 第三步",)
    rules = ("至少一名义工",)
    signatures = ("负责社工|service_date",)

    # Blank rows to the end of the page for volunteers who come on the day.
    fill_page: ClassVar[bool] = True

    signin_id: ShortText = Field(title="签到表编号", description="如 XZ-2024-005-Y03")
    service_id: ShortText = Field(title="小组或活动编号")
    service_name: ShortText = Field(title="小组或活动名称")
    service_date: Date = Field(title="服务日期")
    place: ShortText = Field(title="地点")
    worker_name: ShortText = Field(title="负责社工")
    volunteers: list[VolunteerShift] = Field(title="义工签到", description="每位义工一行")

    def check(self, checks: Checks) -> None:
        checks.at_least("volunteers", 1)

    def table(self) -> TableData:
        # The standard table with a column each volunteer signs on paper.
        from ..render.tabular import standard_table  # imported here: tabular imports the models

        data = standard_table(self)
        data.headers = [*data.headers, "签名"]
        data.rows = [[*row, ""] for row in data.rows]
        if data.totals is not None:
            data.totals = [*data.totals, ""]
        return data

    examples = (
        {
            "signin_id": "XZ-2024-005-Y03",
            "service_id": "XZ-2024-005",
            "service_name": "“情绪小管家”儿童情绪管理成长小组 第3节",
            "service_date": "2024-04-20",
            "place": "主山社区社工站活动室",
            "worker_name": "黄嘉欣",
            "volunteers": [
                {
                    "name": "梁嘉怡",
                    "phone": "13531234567",
                    "task": "协助角色扮演",
                    "time_in": "14:00",
                    "time_out": "16:30",
                    "hours": "2.5",
                },
                {
                    "name": "何俊",
                    "phone": "13798765432",
                    "task": "场地布置、拍照",
                    "time_in": "13:45",
                    "time_out": "16:30",
                    "hours": "2.75",
                },
            ],
        },
    )
