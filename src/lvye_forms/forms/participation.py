"""Taking part in groups and activities: registration, sign-in, withdrawal and automatic exit.

The procedure is leya's 第八条 小组/活动 (seed 001), which lvye (000 第二章 二5) and naner
(003 二(三)) repeat: who may apply and how, the order places are given in, and how a
participant leaves — by asking (退出申请书) or, after unexplained absences or bad conduct,
by the agency's notice (自动退出).
"""

from __future__ import annotations

import re
from typing import ClassVar

from pydantic import Field

from ..errors import Code
from ..fields import Choice, CnDate, Count, Mobile, NumberList, ShortText, Text, YesNo
from ..fields import PastDate as Date
from ..model import Checks, FormModel, FormPart
from ..registry import register
from ..render.xlsx import TableData
from .case_exit import ConsentForm
from .common import Sex

# ── 活动报名表 ─────────────────────────────────────────────────────────────────────────────


class ApplicationRoute(Choice):
    """申请形式 (001 第八条 二)."""

    SELF = "自行申请"
    GUARDIAN = "家长或监护人申请"
    INVITED = "社工邀请（豁免申请）"


class GuardianAgreement(Choice):
    """How a guardian agreed to the registration (001 第八条 三2: 签署或口头同意)."""

    SIGNED = "签署"
    ORAL = "口头同意"


class PlaceBy(Choice):
    """优先次序 (001 第八条 四2-3)."""

    FIRST_COME = "先到先得"
    LOTTERY = "抽签"
    SPECIAL = "特别安排"


class Applicant(FormPart):
    """One applicant on the activity's registration list."""

    name: ShortText = Field(title="姓名")
    sex: Sex = Field(title="性别")
    age: Count = Field(title="年龄")
    phone: Mobile | None = Field(None, title="联系电话")
    route: ApplicationRoute = Field(title="申请形式")
    lacks_capacity: YesNo = Field(
        False,
        title="缺乏行为能力",
        description="因病或残障缺乏行为能力填“是”；未满18岁另按年龄判断",
    )
    guardian_name: ShortText | None = Field(
        None, title="家长或监护人", description="未满18岁或缺乏行为能力时必填"
    )
    guardian_consent: GuardianAgreement | None = Field(None, title="监护人同意方式")
    selection: PlaceBy = Field(title="录取方式")
    accepted: YesNo = Field(title="是否录取")
    note: ShortText | None = Field(None, title="备注", description="特别安排须写明理由")

    def check(self, checks: Checks) -> None:
        checks.within("age", 0, 120)
        with checks.rule():
            # A minor is treated as lacking full capacity, as 《小组报名表》 does.
            needs_guardian = self.lacks_capacity or self.age < 18
            reason = "参加者未满18岁或缺乏行为能力，须得到家长或监护人签署或口头同意"
            for field in ("guardian_name", "guardian_consent"):
                checks.required_when(field, needs_guardian, reason)
        with checks.rule():
            if self.lacks_capacity and self.route == ApplicationRoute.SELF:
                checks.add(
                    "route",
                    Code.CONDITIONAL,
                    reason="没有行为能力的参加者须由家长或监护人申请（或由社工邀请）",
                )
        with checks.rule():
            checks.required_when(
                "note", self.selection == PlaceBy.SPECIAL, "特别安排须写明按什么实际情况和需要安排"
            )


@register
class ActivityRegistration(FormModel):
    """《活动报名表》: everyone who applied for one activity, and who was given a place."""

    form_id = "activity_registration"
    title = "活动报名表"
    kind = "xlsx"
    key_field = "registration_id"
    name_field = "activity_name"
    area = "社区"
    subject_type = "activity"
    subject_field = "activity_id"
    date_field = "registration_date"
    sources = ("001 第八条 二、三、四", "000 第二章 二5(2)(3)", "003 二(三)2-3")
    rules = (
        "参加者未满18岁或缺乏行为能力时，须填写家长或监护人及其同意方式（签署或口头同意）",
        "缺乏行为能力的参加者不能“自行申请”，须由家长或监护人申请或由社工邀请",
        "录取方式为“特别安排”时须在备注写明理由",
        "填写名额时，录取人数不超过名额",
        "报名登记日期不晚于活动日期",
    )
    signatures = ("负责社工|registration_date",)
    fill_page: ClassVar[bool] = True  # room for people who sign up by phone or on the spot

    registration_id: ShortText = Field(title="报名表编号", description="如 HD-2024-036-BM")
    activity_id: ShortText = Field(title="活动编号")
    activity_name: ShortText = Field(title="活动名称")
    activity_date: CnDate | None = Field(None, title="活动日期")
    worker_name: ShortText = Field(title="负责社工")
    eligibility: ShortText | None = Field(None, title="报名资格", description="宣传单列明的资格")
    quota: Count | None = Field(None, title="名额")
    registration_date: Date = Field(title="报名登记日期", description="确定参加名单的日期")
    applicants: list[Applicant] = Field(title="报名人", description="每位报名人一行")

    def check(self, checks: Checks) -> None:
        checks.at_least("applicants", 1)
        checks.order("registration_date", "activity_date")
        with checks.rule():
            accepted = sum(1 for a in self.applicants if a.accepted)
            if self.quota is not None and accepted > self.quota:
                checks.add(
                    "applicants",
                    Code.INVALID,
                    reason=f"录取 {accepted} 人，超过名额 {self.quota} 人",
                )

    examples = (
        {
            "registration_id": "HD-2024-034-BM",
            "activity_id": "HD-2024-034",
            "activity_name": "“指尖上的生活”长者智能手机学习班",
            "activity_date": "2024-11-08",
            "worker_name": "钟志强",
            "eligibility": "主山社区60岁以上长者，自备智能手机",
            "quota": "3",
            "registration_date": "2024-11-01",
            "applicants": [
                {
                    "name": "黄国华",
                    "sex": "男",
                    "age": "68",
                    "phone": "13622334455",
                    "route": "自行申请",
                    "selection": "先到先得",
                    "accepted": "是",
                },
                {
                    "name": "林秀珍",
                    "sex": "女",
                    "age": "74",
                    "route": "社工邀请（豁免申请）",
                    "selection": "特别安排",
                    "accepted": "是",
                    "note": "独居长者，社工家访时邀请，优先安排",
                },
                {
                    "name": "郭少芬",
                    "sex": "女",
                    "age": "79",
                    "phone": "13925567788",
                    "route": "家长或监护人申请",
                    "lacks_capacity": "是",
                    "guardian_name": "郭志伟（儿子）",
                    "guardian_consent": "签署",
                    "selection": "先到先得",
                    "accepted": "是",
                    "note": "轻度认知障碍，儿子陪同参加",
                },
                {
                    "name": "陈伯坤",
                    "sex": "男",
                    "age": "71",
                    "phone": "13500112233",
                    "route": "自行申请",
                    "selection": "先到先得",
                    "accepted": "否",
                    "note": "名额已满，列入候补",
                },
            ],
        },
        {
            "registration_id": "HD-2024-029-BM",
            "activity_id": "HD-2024-029",
            "activity_name": "“花灯映月”中秋亲子灯笼制作工作坊",
            "activity_date": "2024-09-14",
            "worker_name": "黄嘉欣",
            "eligibility": "主山社区6–12岁儿童及一名家长",
            "quota": "2",
            "registration_date": "2024-09-07",
            "applicants": [
                {
                    "name": "李小明",
                    "sex": "男",
                    "age": "12",
                    "phone": "13802461357",
                    "route": "家长或监护人申请",
                    "guardian_name": "陈美玲",
                    "guardian_consent": "签署",
                    "selection": "抽签",
                    "accepted": "是",
                },
                {
                    "name": "王思琪",
                    "sex": "女",
                    "age": "8",
                    "route": "家长或监护人申请",
                    "guardian_name": "王建国",
                    "guardian_consent": "口头同意",
                    "selection": "抽签",
                    "accepted": "是",
                    "note": "家长电话报名，社工代填",
                },
                {
                    "name": "张子轩",
                    "sex": "男",
                    "age": "9",
                    "phone": "13711223344",
                    "route": "家长或监护人申请",
                    "guardian_name": "刘婷",
                    "guardian_consent": "签署",
                    "selection": "抽签",
                    "accepted": "否",
                    "note": "未抽中，已电话告知",
                },
            ],
        },
    )


# ── 退出小组 / 活动申请书 ───────────────────────────────────────────────────────────────────


class WithdrawalWay(Choice):
    """001 第八条 五2(1): 填写《退出服务申请书》或口头通知负责社工."""

    WRITTEN = "书面申请"
    ORAL = "口头通知"


class _Withdrawal(FormModel):
    """What a group's and an activity's withdrawal have in common (001 第八条 五1, 五2)."""

    key_field = "withdrawal_id"
    name_field = "member_name"
    date_field = "application_date"
    sources = ("001 第八条 五1、五2(1)(2)(4)", "000 第二章 二5(4)")
    rules = (
        "参加者缺乏行为能力时，须填写家长或监护人及其书面或口头同意",
        "负责社工同意前，须已向参加者说明退出的情况和程序",
        "负责社工同意时须填写同意日期，且不早于申请日期；未同意时不填同意日期",
        "需要转介时须填写转介机构，并须得到参加者同意",
    )
    signatures = ("申请人|application_date", "家长或监护人", "负责社工|agreed_date")

    # Ordered for the standard layout, which sets short fields two to a row: the participant
    # beside their capacity, the guardian beside the consent, the worker's steps together.
    withdrawal_id: ShortText = Field(title="申请编号", description="如 XZ-2024-005-TC01")
    member_name: ShortText = Field(title="参加者姓名")
    lacks_capacity: YesNo = Field(
        False, title="缺乏行为能力", description="未成年或因病缺乏行为能力的参加者填“是”"
    )
    guardian_name: ShortText | None = Field(None, title="家长或监护人")
    guardian_consent: ConsentForm | None = Field(None, title="监护人同意方式")
    worker_name: ShortText = Field(title="负责社工")
    application_date: Date = Field(title="申请日期")
    way: WithdrawalWay = Field(title="申请方式")
    explained: YesNo = Field(False, title="已说明退出情况和程序")
    reason: Text = Field(title="退出原因", description="须有特别原因（001 第八条 五1）")
    worker_agreed: YesNo = Field(False, title="负责社工同意")
    agreed_date: CnDate | None = Field(None, title="同意日期")
    referral_needed: YesNo = Field(False, title="需要转介")
    referral_consented: YesNo = Field(False, title="参加者同意转介")
    referral_to: ShortText | None = Field(None, title="转介机构")

    def check(self, checks: Checks) -> None:
        with checks.rule():
            for field in ("guardian_name", "guardian_consent"):
                checks.required_when(
                    field, self.lacks_capacity, "参加者缺乏行为能力，须得家长或监护人书面或口头同意"
                )
        with checks.rule():
            if self.worker_agreed and not self.explained:
                checks.add(
                    "explained",
                    Code.CONDITIONAL,
                    reason="负责社工须先向参加者说明退出的情况和程序，并了解退出原因，再同意申请",
                )
        with checks.rule():
            checks.required_when(
                "agreed_date", self.worker_agreed, "负责社工已同意，须填写同意日期"
            )
        with checks.rule():
            if not self.worker_agreed and self.agreed_date is not None:
                checks.add(
                    "agreed_date", Code.CONDITIONAL, reason="负责社工未同意，不应填写同意日期"
                )
        checks.order("application_date", "agreed_date")
        with checks.rule():
            checks.required_when("referral_to", self.referral_needed, "需要转介，须填写转介机构")
        with checks.rule():
            if self.referral_needed and not self.referral_consented:
                checks.add(
                    "referral_consented", Code.CONDITIONAL, reason="转介须经参加者（或监护人）同意"
                )



class _GroupFields(FormModel):
    # A base after _Withdrawal, so that its fields come first on the form (pydantic orders
    # fields by reversed MRO).
    group_id: ShortText = Field(title="小组编号")
    group_name: ShortText = Field(title="小组名称")


class _ActivityFields(FormModel):
    activity_id: ShortText = Field(title="活动编号")
    activity_name: ShortText = Field(title="活动名称")


@register
class GroupWithdrawal(_Withdrawal, _GroupFields):
    """《退出小组申请书》: a group member who asks to leave (001 第八条 五1-2)."""

    form_id = "group_withdrawal"
    title = "退出小组申请书"
    area = "小组"
    subject_type = "group"
    subject_field = "group_id"
    # The client's own words, as on the paper form; on a blank form the name is left out and
    # the sentence still reads. It is the only heading: the standard layout numbers headings
    # once there are two, and "一、本人申请退出……" would not read as the client's words.
    sections = {"way": "本人申请退出{{ group_name }}，原因及有关情况如下："}

    examples = (
        {
            "withdrawal_id": "XZ-2024-008-TC01",
            "group_id": "XZ-2024-008",
            "group_name": "“岁月留声”长者怀旧小组",
            "member_name": "何秀英",
            "worker_name": "钟志强",
            "application_date": "2024-06-12",
            "way": "口头通知",
            "reason": "6月中旬起需每周三次到医院做康复理疗，时间与小组冲突，无法继续参加。",
            "explained": "是",
            "worker_agreed": "是",
            "agreed_date": "2024-06-12",
            "referral_needed": "是",
            "referral_consented": "是",
            "referral_to": "东城街道居家养老服务中心",
        },
        {
            "withdrawal_id": "XZ-2024-005-TC01",
            "group_id": "XZ-2024-005",
            "group_name": "“情绪小管家”儿童情绪管理成长小组",
            "member_name": "林晓彤",
            "worker_name": "黄嘉欣",
            "application_date": "2024-04-15",
            "way": "书面申请",
            "reason": "家中安排周六上午参加学校集训，至4月底无法出席小组。",
            "lacks_capacity": "是",
            "guardian_name": "林志强（父亲）",
            "guardian_consent": "书面同意",
            "explained": "是",
            "worker_agreed": "是",
            "agreed_date": "2024-04-16",
        },
    )


@register
class ActivityWithdrawal(_Withdrawal, _ActivityFields):
    """《退出活动申请书》: a registered participant who asks to leave an activity."""

    form_id = "activity_withdrawal"
    title = "退出活动申请书"
    area = "社区"
    subject_type = "activity"
    subject_field = "activity_id"
    sections = {"way": "本人申请退出{{ activity_name }}，原因及有关情况如下："}

    examples = (
        {
            "withdrawal_id": "HD-2024-034-TC01",
            "activity_id": "HD-2024-034",
            "activity_name": "“指尖上的生活”长者智能手机学习班",
            "member_name": "黄国华",
            "worker_name": "钟志强",
            "application_date": "2024-11-04",
            "way": "口头通知",
            "reason": "11月6日起回老家照顾生病的哥哥，约一个月，无法参加。",
            "explained": "是",
            "worker_agreed": "是",
            "agreed_date": "2024-11-04",
        },
        {
            "withdrawal_id": "HD-2024-029-TC01",
            "activity_id": "HD-2024-029",
            "activity_name": "“花灯映月”中秋亲子灯笼制作工作坊",
            "member_name": "王思琪",
            "worker_name": "黄嘉欣",
            "application_date": "2024-09-12",
            "way": "书面申请",
            "reason": "孩子出水痘，医生建议居家休息两周。",
            "lacks_capacity": "是",
            "guardian_name": "王建国（父亲）",
            "guardian_consent": "书面同意",
            "explained": "是",
            "worker_agreed": "是",
            "agreed_date": "2024-09-12",
        },
    )


# ── 小组自动退出通知 ───────────────────────────────────────────────────────────────────────


class ExitKind(Choice):
    """The two ways the agency ends a member's place (001 第八条 五2(3))."""

    ABSENT = "连续无故缺席"
    CONDUCT = "表现恶劣经劝喻无效"


class Delivery(Choice):
    IN_PERSON = "当面"
    PHONE = "电话"
    WRITTEN = "书面"


@register
class GroupExitNotice(FormModel):
    """《小组自动退出通知》: the agency ends a member's place after unexplained absences or
    conduct that hindered the group (001 第八条 五2(3))."""

    form_id = "group_exit_notice"
    title = "小组自动退出通知"
    key_field = "notice_id"
    name_field = "member_name"
    area = "小组"
    subject_type = "group"
    subject_field = "group_id"
    date_field = "notice_date"
    sources = ("001 第八条 五2(3)",)
    rules = (
        "因连续无故缺席退出时，须填写缺席节次，且为至少两个连续的节次",
        "因表现恶劣终止参与时，须写明表现及劝喻经过，并填写与之商议的项目督导",
        "参加者缺乏行为能力时，须通知其家长或监护人（填写姓名，“已通知家长或监护人”为“是”）",
    )
    signatures = ("负责社工|notice_date", "项目督导", "参加者或监护人签收")
    # The notice's words, between who it is for and the details; the only heading, so that
    # the standard layout does not number it. The last sentence is fixed text, so that a
    # blank form (where `statement` is empty) still says when the exit takes effect.
    sections = {"exit_kind": "{{ statement }}退出在本通知发出时即生效。"}

    notice_id: ShortText = Field(title="通知编号", description="如 XZ-2024-005-ZT01")
    group_id: ShortText = Field(title="小组编号")
    group_name: ShortText = Field(title="小组名称")
    member_name: ShortText = Field(title="参加者姓名")
    lacks_capacity: YesNo = Field(
        False, title="缺乏行为能力", description="未成年或因病缺乏行为能力的参加者填“是”"
    )
    guardian_name: ShortText | None = Field(None, title="家长或监护人")
    guardian_notified: YesNo = Field(False, title="已通知家长或监护人")
    worker_name: ShortText = Field(title="负责社工")
    notice_date: Date = Field(title="通知日期", description="退出在发出通知时即生效")
    # Not `kind`: that name is the form setting docx/xlsx (FormModel.kind).
    exit_kind: ExitKind = Field(title="退出原因")
    absent_sessions: NumberList | None = Field(
        None, title="缺席节次", description="与点名表一致，如 3、4；连续无故缺席时必填"
    )
    conduct: Text | None = Field(
        None, title="表现及劝喻经过", description="表现恶劣、妨碍小组进行的情况和劝喻的经过"
    )
    supervisor: ShortText | None = Field(None, title="商议的项目督导", description="表现恶劣时必填")
    delivery: Delivery = Field(title="通知方式")

    def check(self, checks: Checks) -> None:
        with checks.rule():
            absent = self.exit_kind == ExitKind.ABSENT
            checks.required_when("absent_sessions", absent, "因连续无故缺席退出，须填写缺席节次")
        with checks.rule():
            numbers = self.absent_sessions or []
            if self.exit_kind == ExitKind.ABSENT and numbers:
                consecutive = numbers == list(range(numbers[0], numbers[0] + len(numbers)))
                if len(numbers) < 2 or not consecutive:
                    listed = "、".join(map(str, numbers))
                    checks.add(
                        "absent_sessions",
                        Code.INVALID,
                        reason=f"第 {listed} 节不是连续两节或以上的缺席",
                    )
        with checks.rule():
            conduct = self.exit_kind == ExitKind.CONDUCT
            reason = "因表现恶劣终止参与，须经劝喻无效并与项目督导商议"
            for field in ("conduct", "supervisor"):
                checks.required_when(field, conduct, reason)
        with checks.rule():
            reason = "参加者缺乏行为能力，负责社工须通知其家长或监护人"
            checks.required_when("guardian_name", self.lacks_capacity, reason)
            if self.lacks_capacity and not self.guardian_notified:
                checks.add("guardian_notified", Code.CONDITIONAL, reason=reason)

    def template_extras(self) -> dict[str, str]:
        # The notice's wording follows 001 第八条 五2(3): it takes effect when it is sent.
        if self.exit_kind == ExitKind.ABSENT:
            sessions = "、".join(map(str, self.absent_sessions or []))
            cause = (
                f"你于第{sessions}节连续无故缺席，且没有任何通知，视为自动退出{self.group_name}。"
            )
        else:
            cause = (
                f"你在{self.group_name}内表现恶劣，妨碍小组进行，经劝喻无效。"
                "负责社工与项目督导商议后，终止你参与本小组的资格。"
            )
        return {"statement": f"{self.member_name}：{cause}"}

    examples = (
        {
            "notice_id": "XZ-2024-005-ZT01",
            "group_id": "XZ-2024-005",
            "group_name": "“情绪小管家”儿童情绪管理成长小组",
            "member_name": "陈思远",
            "worker_name": "黄嘉欣",
            "notice_date": "2024-04-22",
            "exit_kind": "连续无故缺席",
            "absent_sessions": "2、3",
            "lacks_capacity": "是",
            "guardian_name": "陈国栋（父亲）",
            "guardian_notified": "是",
            "delivery": "电话",
        },
        {
            "notice_id": "XZ-2024-011-ZT01",
            "group_id": "XZ-2024-011",
            "group_name": "“同行”戒烟互助小组",
            "member_name": "梁志明",
            "worker_name": "钟志强",
            "notice_date": "2024-07-18",
            "exit_kind": "表现恶劣经劝喻无效",
            "conduct": "第3、4节多次大声辱骂其他组员，并在活动室内吸烟；社工两次个别劝喻，"
            "第4节再次发生，小组无法进行。",
            "supervisor": "林慧敏",
            "delivery": "当面",
        },
    )


# ── 活动参加者签到表 ───────────────────────────────────────────────────────────────────────

_TIME = re.compile(r"([01]?\d|2[0-3])[:：][0-5]\d")


class Participant(FormPart):
    """One participant signing in at the activity."""

    name: ShortText = Field(title="姓名")
    sex: Sex = Field(title="性别")
    age: Count | None = Field(None, title="年龄")
    category: ShortText | None = Field(None, title="类别", description="如 长者、家属、儿童")
    phone: Mobile | None = Field(None, title="联系电话")
    time_in: ShortText | None = Field(None, title="签到时间", description="如 08:45")

    def check(self, checks: Checks) -> None:
        checks.within("age", 0, 120)
        with checks.rule():
            if self.time_in is not None and not _TIME.fullmatch(self.time_in.strip()):
                checks.add("time_in", Code.INVALID, reason="签到时间应写成 时:分，如 08:45")


@register
class ActivitySignin(FormModel):
    """《活动参加者签到表》: who came to an activity (003 六(二)1)."""

    form_id = "activity_signin"
    title = "活动参加者签到表"
    kind = "xlsx"
    key_field = "signin_id"
    name_field = "activity_name"
    area = "社区"
    subject_type = "activity"
    subject_field = "activity_id"
    date_field = "activity_date"
    sources = ("003 六(二)1",)
    rules = ("至少一名参加者", "签到时间写成 时:分（如 08:45）")
    signatures = ("负责社工|activity_date",)
    fill_page: ClassVar[bool] = True  # room for people who come without registering

    signin_id: ShortText = Field(title="签到表编号", description="如 HD-2024-031-QD")
    activity_id: ShortText = Field(title="活动编号")
    activity_name: ShortText = Field(title="活动名称")
    activity_date: Date = Field(title="活动日期")
    place: ShortText = Field(title="活动地点")
    worker_name: ShortText = Field(title="负责社工")
    participants: list[Participant] = Field(title="参加者签到", description="每位参加者一行")

    def check(self, checks: Checks) -> None:
        checks.at_least("participants", 1)

    def table(self) -> TableData:
        # The standard table, numbered, with a column the participants sign on paper.
        from ..render.tabular import standard_table  # imported here: tabular imports the models

        data = standard_table(self)
        data.headers = ["序号", *data.headers, "参加者签名"]
        data.rows = [[index, *row, ""] for index, row in enumerate(data.rows, start=1)]
        return data

    examples = (
        {
            "signin_id": "HD-2024-031-QD",
            "activity_id": "HD-2024-031",
            "activity_name": "“邻里守望·情暖重阳”社区长者游园会",
            "activity_date": "2024-10-11",
            "place": "主山社区文化广场",
            "worker_name": "钟志强",
            "participants": [
                {
                    "name": "黄国华",
                    "sex": "男",
                    "age": "68",
                    "category": "长者",
                    "phone": "13622334455",
                    "time_in": "08:42",
                },
                {
                    "name": "林秀珍",
                    "sex": "女",
                    "age": "74",
                    "category": "长者",
                    "time_in": "08:50",
                },
                {
                    "name": "郭志伟",
                    "sex": "男",
                    "age": "45",
                    "category": "家属",
                    "phone": "13925567788",
                    "time_in": "08:55",
                },
                {
                    "name": "郭少芬",
                    "sex": "女",
                    "age": "79",
                    "category": "长者",
                    "time_in": "08:55",
                },
            ],
        },
        {
            "signin_id": "HD-2024-029-QD",
            "activity_id": "HD-2024-029",
            "activity_name": "“花灯映月”中秋亲子灯笼制作工作坊",
            "activity_date": "2024-09-14",
            "place": "主山社区社工站活动室",
            "worker_name": "黄嘉欣",
            "participants": [
                {
                    "name": "李小明",
                    "sex": "男",
                    "age": "12",
                    "category": "儿童",
                    "time_in": "14:20",
                },
                {
                    "name": "陈美玲",
                    "sex": "女",
                    "category": "家长",
                    "phone": "13802461357",
                    "time_in": "14:20",
                },
                {
                    "name": "周子涵",
                    "sex": "女",
                    "age": "10",
                    "category": "儿童",
                    "time_in": "14:26",
                },
                {"name": "周伟", "sex": "男", "category": "家长", "time_in": "14:26"},
            ],
        },
    )
