"""Leaving a case: referral, exit application, termination notice, case conference, exit
interview and closing (000 附件1 第五、六步; 001 第七条 六)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..errors import Code
from ..fields import Choice, CnDate, Phone, ShortText, Text, YesNo
from ..fields import PastDate as Date
from ..model import Checks, FormModel
from ..registry import register


class _CaseDocument(FormModel):
    key_field = "case_id"
    name_field = "client_name"
    area = "个案"
    subject_type = "case"

    case_id: ShortText = Field(title="个案编号")
    client_name: ShortText = Field(title="服务对象姓名")
    worker_name: ShortText = Field(title="负责社工")


@register
class CaseReferral(_CaseDocument):
    """《个案转介表》: referral to a more suitable agency, with the client's consent."""

    form_id = "case_referral"
    title = "个案转介表"
    key_field = "referral_id"
    subject_field = "case_id"
    date_field = "referral_date"
    sources = ("001 第七条 六2(2)", "001 第八条 五2(4)", "000 附件1 第五步")
    rules = ("转介须得到服务对象（或监护人）同意", "同意日期不晚于转介日期")
    signatures = ("服务对象（或监护人）|consent_date", "负责社工|referral_date", "督导")
    sections = {"referral_to": "接收机构", "reason": "转介原因与需要"}
    # The receiving agency returns the slip below the cut line (000 附件1 第五步: 转介到合适的机构).
    receipt: ClassVar[tuple[str, tuple[str, ...], tuple[str, ...]]] = (
        "回　执",
        (
            "{{ referral_to }}已收到{{ agency }}转介的服务对象{{ client_name }}"
            "（转介编号：{{ referral_id }}）的转介资料。",
            "☐\u00a0接收，首次联系服务对象日期：＿＿＿＿年＿＿月＿＿日",
            "☐\u00a0不接收，原因：＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿",
            "请填写后交回{{ agency }}负责社工{{ worker_name }}。",
        ),
        ("接收机构经办人（盖章）",),
    )

    referral_id: ShortText = Field(title="转介编号", description="如 GA-2024-018-Z1")
    referral_date: Date = Field(title="转介日期")
    referral_to: ShortText = Field(title="接收机构")
    receiver_contact: ShortText | None = Field(None, title="接收机构联系人")
    receiver_phone: Phone | None = Field(None, title="联系电话")
    reason: Text = Field(title="转介原因")
    client_needs: Text = Field(title="服务对象的需要")
    services_so_far: Text | None = Field(None, title="本机构已提供的服务")
    client_consent: YesNo = Field(title="服务对象同意转介")
    consent_date: Date = Field(title="同意日期")

    def check(self, checks: Checks) -> None:
        with checks.rule():
            if not self.client_consent:
                checks.add(
                    "client_consent", Code.CONDITIONAL, reason="转介须得到服务对象（或监护人）同意"
                )
        checks.order("consent_date", "referral_date")

    examples = (
        {
            "referral_id": "GA-2024-018-Z1",
            "case_id": "GA-2024-018",
            "client_name": "王秀英",
            "worker_name": "钟志强",
            "referral_date": "2024-06-20",
            "referral_to": "莞城街道居家养老服务中心",
            "receiver_contact": "刘主任",
            "receiver_phone": "0769-22110033",
            "reason": "服务对象需要定期上门照料，超出本站个案服务范围。",
            "client_needs": "每周上门生活照料和陪同复诊。",
            "services_so_far": "情绪支持面谈6次，协助申请居家养老补助。",
            "client_consent": "是",
            "consent_date": "2024-06-18",
        },
    )


class ExitReason(Choice):
    """Why a client asks to leave (001 第七条 六1)."""

    GIVE_UP = "自愿放弃"
    GOAL_MET = "目标已达到"
    CANNOT_SERVE = "服务未能有效提供（移民、搬离等）"
    REFERRAL = "愿意被转介"
    OTHER = "其他"


class ConsentForm(Choice):
    WRITTEN = "书面同意"
    ORAL = "口头同意"


@register
class ExitApplication(_CaseDocument):
    """《退出服务申请书》: filled by the client who wants to leave (001 第七条 六2(1))."""

    form_id = "exit_application"
    title = "退出服务申请书"
    date_field = "application_date"
    sources = ("001 第七条 六2(1)", "001 第八条 五2(1)", "000 附件1 第六步 2")
    rules = (
        "服务对象缺乏行为能力时，须有家人或监护人的书面或口头同意",
        "退出原因为“其他”时须说明",
        "社工接收日期不早于申请日期",
    )
    signatures = ("申请人|application_date", "监护人", "负责社工|received_date")
    # The client's own words above the signatures (001 第七条 六2(1): 填写《退出服务申请书》).
    statement: ClassVar[str] = (
        "本人{{ applicant_name }}申请退出{{ agency }}为服务对象{{ client_name }}提供的个案服务，"
        "退出原因如上。本人知悉：退出后如有需要，可随时重新申请服务；如需转介，机构会协助安排。"
    )

    applicant_name: ShortText = Field(title="申请人姓名", description="服务对象本人或监护人")
    application_date: Date = Field(title="申请日期")
    reason: ExitReason = Field(title="退出原因")
    reason_detail: Text | None = Field(None, title="原因说明")
    lacks_capacity: YesNo = Field(False, title="服务对象缺乏行为能力")
    guardian_name: ShortText | None = Field(None, title="监护人姓名")
    guardian_consent: ConsentForm | None = Field(None, title="监护人同意方式")
    wants_interview: YesNo = Field(False, title="希望进行退出面谈")
    wants_referral: YesNo = Field(False, title="需要转介")
    received_date: Date = Field(title="社工接收日期")

    def check(self, checks: Checks) -> None:
        with checks.rule():
            checks.required_when(
                "reason_detail", self.reason is ExitReason.OTHER, "退出原因为“其他”，须说明"
            )
        with checks.rule():
            for field in ("guardian_name", "guardian_consent"):
                checks.required_when(field, self.lacks_capacity, "服务对象缺乏行为能力，须有监护人同意")
        checks.order("application_date", "received_date")

    examples = (
        {
            "case_id": "GA-2024-021",
            "client_name": "刘志华",
            "worker_name": "黄嘉欣",
            "applicant_name": "刘志华",
            "application_date": "2024-07-02",
            "reason": "服务未能有效提供（移民、搬离等）",
            "reason_detail": "因工作调动，7月中旬举家搬往惠州。",
            "wants_interview": "是",
            "wants_referral": "是",
            "received_date": "2024-07-02",
        },
    )


class TerminationReason(Choice):
    """Why the agency ends a service (000 附件1 第六步 3)."""

    INELIGIBLE = "不再符合接受服务资格"
    DANGER = "行为构成危险"
    NOT_SUITABLE = "服务不再符合需要"


@register
class TerminationNotice(_CaseDocument):
    """《终止服务通知》: written notice sent a notice period before the agency ends a service."""

    form_id = "termination_notice"
    title = "终止服务通知"
    date_field = "notice_date"
    sources = ("000 附件1 第六步 4(1)①", "000 第三章", "003 四(四)")
    rules = (
        "终止日期晚于通知日期（通知期按机构规定：绿叶一般一周，项目及社区综合服务中心三个月，由完整性检查核对）",
        "因行为构成危险而终止的，须已召开个案会议",
        "如需转介须填写转介机构",
    )
    signatures = ("负责社工|notice_date", "督导")

    notice_date: Date = Field(title="通知日期")
    termination_date: CnDate = Field(title="终止服务日期")
    last_service_date: CnDate | None = Field(
        None, title="最后服务日", description="通知期内最后一次服务的日期；不填则为终止服务日期"
    )
    reason: TerminationReason = Field(title="终止原因")
    explanation: Text = Field(title="具体说明")
    conference_held: YesNo = Field(False, title="已召开个案会议")
    referral_offered: YesNo = Field(False, title="提供转介")
    referral_to: ShortText | None = Field(None, title="转介机构")
    worker_phone: Phone | None = Field(None, title="负责社工电话", description="印在通知上，供查询")
    delivery: ShortText = Field(title="送达方式", description="如 面交、邮寄、家属代收")

    def template_extras(self) -> dict[str, str]:
        days = (self.termination_date - self.notice_date).days
        last = self.last_service_date or self.termination_date
        return {"notice_days": str(days), "last_day": f"{last.year}年{last.month}月{last.day}日"}

    def check(self, checks: Checks) -> None:
        with checks.rule():
            if self.termination_date <= self.notice_date:
                checks.add(
                    "termination_date",
                    Code.CONDITIONAL,
                    reason="终止服务日期须晚于通知日期，给服务对象留出通知期",
                )
        with checks.rule():
            if self.reason is TerminationReason.DANGER and not self.conference_held:
                checks.add(
                    "conference_held",
                    Code.CONDITIONAL,
                    reason="因行为构成危险而终止服务，须先与督导召开个案会议",
                )
        with checks.rule():
            checks.required_when("referral_to", self.referral_offered, "提供转介，须填写转介机构")
        checks.order("notice_date", "last_service_date")
        checks.order("last_service_date", "termination_date")

    examples = (
        {
            "case_id": "GA-2024-009",
            "client_name": "赵伟",
            "worker_name": "钟志强",
            "notice_date": "2024-08-01",
            "termination_date": "2024-08-09",
            "last_service_date": "2024-08-08",
            "reason": "不再符合接受服务资格",
            "explanation": "服务对象已迁出本社区，不属本站服务范围。",
            "referral_offered": "是",
            "referral_to": "南城街道社工站",
            "worker_phone": "0769-22881234",
            "delivery": "面交本人",
        },
    )


class MeetingRound(Choice):
    FIRST = "第一次"
    SECOND = "第二次"
    OTHER = "其他"


@register
class CaseConference(_CaseDocument):
    """《个案会议记录》: a case conference with the supervisor and all parties."""

    form_id = "case_conference"
    title = "个案会议记录"
    key_field = "conference_id"
    subject_field = "case_id"
    date_field = "meeting_date"
    sources = ("000 附件1 第六步 4(2)②④",)
    rules = ("策略期限不早于会议日期",)
    signatures = ("记录人|meeting_date", "督导")
    # Everyone present signs (000 附件1 第六步 4(2)②: 邀请所有当事人出席).
    sign_in: ClassVar[tuple[str, tuple[str, ...], int]] = (
        "出席人员签名",
        ("姓名", "身份或单位", "签名"),
        6,
    )

    conference_id: ShortText = Field(title="会议编号", description="如 GA-2024-009-H1")
    meeting_date: Date = Field(title="会议日期")
    meeting_time: ShortText | None = Field(None, title="会议时间", description="如 14:30-16:00")
    place: ShortText | None = Field(None, title="会议地点")
    round: MeetingRound = Field(title="会议次数")
    chair: ShortText | None = Field(None, title="主持人")
    supervisor: ShortText = Field(title="督导")
    attendees: Text = Field(title="出席人员")
    issues: Text = Field(title="讨论事项")
    strategy: Text = Field(title="策略与安排")
    deadline: CnDate | None = Field(None, title="期限")
    decision: Text = Field(title="会议决定")

    def check(self, checks: Checks) -> None:
        checks.order("meeting_date", "deadline")

    examples = (
        {
            "conference_id": "GA-2024-009-H1",
            "case_id": "GA-2024-009",
            "client_name": "赵伟",
            "worker_name": "钟志强",
            "meeting_date": "2024-05-10",
            "meeting_time": "14:30-16:00",
            "place": "社工站会议室",
            "round": "第一次",
            "chair": "林慧敏",
            "supervisor": "林慧敏",
            "attendees": "服务对象、其姐姐、负责社工、督导、社区民警",
            "issues": "服务对象在活动中两次与其他长者发生推撞。",
            "strategy": "暂停参加集体活动一个月，改为个别面谈；家属陪同就医评估情绪问题。",
            "deadline": "2024-06-10",
            "decision": "按上述策略执行，6月10日前检讨；如再发生推撞，召开第二次会议讨论转介。",
        },
    )


class InterviewMethod(Choice):
    """How the exit interview was held (000 附件1 第六步 2(2)(3): 联络、约见服务对象或其家属)."""

    IN_PERSON = "面谈"
    HOME_VISIT = "家访"
    PHONE = "电话"
    OTHER = "其他"


@register
class ExitInterview(_CaseDocument):
    """《退出面谈记录》: the exit interview with a client who leaves voluntarily."""

    form_id = "exit_interview"
    title = "退出面谈记录"
    date_field = "interview_date"
    sources = ("000 附件1 第六步 2(5)",)
    rules = ()
    signatures = ("面谈对象|interview_date", "负责社工|interview_date", "督导")

    interview_date: Date = Field(title="面谈日期")
    method: InterviewMethod | None = Field(None, title="面谈方式")
    place: ShortText | None = Field(None, title="面谈地点")
    interviewee: ShortText = Field(title="面谈对象", description="服务对象本人或家属")
    reasons: Text = Field(title="退出原因")
    feedback: Text = Field(title="对服务的意见")
    referral_needed: YesNo = Field(False, title="需要转介")
    arrangements: Text | None = Field(None, title="跟进安排")

    examples = (
        {
            "case_id": "GA-2024-021",
            "client_name": "刘志华",
            "worker_name": "黄嘉欣",
            "interview_date": "2024-07-05",
            "method": "面谈",
            "place": "社工站个案室",
            "interviewee": "刘志华本人",
            "reasons": "7月中旬搬往惠州。",
            "feedback": "感谢社工在求职上的协助，希望新住处也有类似服务。",
            "referral_needed": "是",
            "arrangements": "联系惠州惠城区社工站，提供转介资料。",
        },
    )


class ClosingReason(Choice):
    """The five closing reasons of 000 附件1 第五步; 3–5 require a referral."""

    GOAL_MET = "1 目标已达到"
    INDEPENDENT = "2 已具备独立面对和解决问题的能力"
    RELATIONSHIP = "3 专业关系不和谐"
    NEW_NEEDS = "4 出现新的要求和问题需其他社工或机构"
    UNFORESEEN = "5 不可预测的因素"

    @property
    def needs_referral(self) -> bool:
        return self.value[0] in "345"


@register
class CaseClosing(_CaseDocument):
    """《个案结束评估表》/结案: closing a case with one of the five reasons."""

    form_id = "case_closing"
    title = "个案结束评估表"
    date_field = "closing_date"
    sources = ("000 附件1 第五步", "001 第七条 六2(4)")
    rules = (
        "结案日期不早于接案日期",
        "结案原因为 3、4、5 时须转介，并填写转介机构和转介日期",
    )
    signatures = ("负责社工|closing_date", "督导|supervisor_date")
    sections = {
        "closing_reason": "结案原因",
        "goal_summary": "服务成效评估",
        "supervisor_opinion": "督导审批",
    }

    intake_date: Date = Field(title="接案日期")
    closing_date: Date = Field(title="结案日期")
    closing_reason: ClosingReason = Field(title="结案原因")
    referral_to: ShortText | None = Field(None, title="转介机构")
    referral_date: Date | None = Field(None, title="转介日期")
    sessions: ShortText | None = Field(None, title="服务次数")
    goal_summary: Text = Field(title="目标达成情况")
    client_changes: Text = Field(title="服务对象的改变")
    client_feedback: Text | None = Field(None, title="服务对象的意见")
    worker_reflection: Text | None = Field(None, title="社工反思")
    supervisor_opinion: Text | None = Field(None, title="督导意见")
    supervisor_date: Date | None = Field(None, title="督导审批日期")

    def check(self, checks: Checks) -> None:
        checks.order("intake_date", "closing_date")
        checks.order("closing_date", "supervisor_date")
        with checks.rule():
            needs = self.closing_reason.needs_referral
            for field in ("referral_to", "referral_date"):
                checks.required_when(
                    field, needs, "结案原因为 3、4、5，须为服务对象转介到合适的机构或社工"
                )

    examples = (
        {
            "case_id": "GA-2024-017",
            "client_name": "李小明",
            "worker_name": "黄嘉欣",
            "intake_date": "2024-03-04",
            "closing_date": "2024-06-28",
            "closing_reason": "1 目标已达到",
            "sessions": "面谈12次、家访2次",
            "goal_summary": "课堂冲突由每周3–4次降至每月1次；能说出并运用两种情绪调节方法。",
            "client_changes": "愿意表达情绪；母亲改用鼓励的方式沟通，每周安排一次亲子时间。",
            "client_feedback": "小明说“现在生气时会先深呼吸”；母亲希望暑假能参加社工站活动。",
            "worker_reflection": "家长参与是改变的关键，今后类似个案应更早邀请家长。",
            "supervisor_opinion": "同意结案。",
            "supervisor_date": "2024-06-30",
        },
        {
            "case_id": "GA-2024-018",
            "client_name": "王秀英",
            "worker_name": "钟志强",
            "intake_date": "2024-04-10",
            "closing_date": "2024-06-25",
            "closing_reason": "4 出现新的要求和问题需其他社工或机构",
            "referral_to": "莞城街道居家养老服务中心",
            "referral_date": "2024-06-20",
            "goal_summary": "情绪支持目标基本达到；新出现的照料需求需由居家养老服务提供。",
            "client_changes": "情绪平稳，参加社区长者茶话会。",
        },
    )
