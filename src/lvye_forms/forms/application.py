"""Applying for a service, and refusing one (000 第二章 二2、二4; 001 第七条 五; 003 二(一)2、二(二)4).

An application is its own subject (`application`), keyed by its number: a refused application
never becomes a case, and what it owes is a refusal record that tells the applicant why and
offers a referral where one is needed.
"""

from __future__ import annotations

from pydantic import Field

from ..fields import Choice, Mobile, Several, ShortText, Text, YesNo
from ..fields import PastDate as Date
from ..model import Checks, FormModel
from ..registry import register
from .case import ApplicationRoute
from .common import Sex


class RequestedService(Choice):
    """What the applicant asks for (000 第二章 二4、二5)."""

    CASE = "个案辅导"
    GROUP = "小组"
    ACTIVITY = "社区活动"
    CONSULTATION = "咨询"


class ApplicationDecision(Choice):
    """The agency's decision on an application (000 第二章 二4; 第三章 一(五)6)."""

    ACCEPT = "接纳"
    REFUSE = "不接纳"
    PENDING = "待定"


@register
class ServiceApplication(FormModel):
    """《服务申请表》: 申请者应填妥申请表，由机构相关同工做初期的需求评估 (000 第二章 二2)."""

    form_id = "service_application"
    title = "服务申请表"
    key_field = "application_id"
    name_field = "client_name"
    area = "个案"
    subject_type = "application"
    date_field = "application_date"
    sources = ("000 第二章 二2", "000 第二章 二4", "003 二(一)2", "003 二(二)1、3")
    rules = (
        "由家长/监护人或公众人士/机构转介时须填写转介人",
        "决定“接纳”个案辅导时须填写个案编号",
        "作出接纳或不接纳决定时须填写决定日期，且不早于申请日期",
        "不接纳时须说明原因（并另填《不接纳申请记录》告知申请人）",
    )
    signatures = ("申请人|application_date", "负责社工|decision_date")
    sections = {
        "application_id": "一、申请资料",
        "request": "二、申请内容",
        "initial_assessment": "三、初期需求评估",
        "decision": "四、受理决定",
    }

    application_id: ShortText = Field(title="申请编号", description="如 SQ-2024-012；每份申请唯一")
    application_date: Date = Field(title="申请日期")
    service_point: ShortText = Field(title="服务点", description="与服务点登记表的名称一致")
    applicant_name: ShortText = Field(title="申请人姓名")
    relation: ShortText = Field(title="申请人与服务对象关系", description="本人申请填“本人”")
    client_name: ShortText = Field(title="服务对象姓名")
    client_sex: Sex | None = Field(None, title="服务对象性别")
    client_age: ShortText | None = Field(None, title="服务对象年龄")
    phone: Mobile | None = Field(None, title="联系电话")
    route: ApplicationRoute = Field(title="申请形式")
    referrer: ShortText | None = Field(None, title="转介人／转介机构", description="转介时必填")
    services: Several[RequestedService] = Field(
        title="申请的服务", description="可多选，用顿号“、”分隔"
    )
    request: Text = Field(title="求助内容")
    initial_assessment: Text = Field(title="初期需求评估")
    worker_name: ShortText = Field(title="负责社工")
    decision: ApplicationDecision = Field(title="受理决定")
    decision_date: Date | None = Field(None, title="决定日期")
    decision_reason: Text | None = Field(None, title="决定原因", description="不接纳时必填")
    case_id: ShortText | None = Field(None, title="个案编号", description="接纳个案辅导时必填")

    def check(self, checks: Checks) -> None:
        with checks.rule():
            referred = self.route in (ApplicationRoute.GUARDIAN, ApplicationRoute.REFERRAL)
            checks.required_when("referrer", referred, "由他人转介，须填写转介人或转介机构")
        with checks.rule():
            case = RequestedService.CASE in self.services
            checks.required_when(
                "case_id",
                self.decision is ApplicationDecision.ACCEPT and case,
                "接纳个案辅导申请，须填写个案编号",
            )
        with checks.rule():
            checks.required_when(
                "decision_date",
                self.decision is not ApplicationDecision.PENDING,
                "已作出受理决定，须填写决定日期",
            )
        with checks.rule():
            checks.required_when(
                "decision_reason",
                self.decision is ApplicationDecision.REFUSE,
                "不接纳申请，须说明原因",
            )
        checks.order("application_date", "decision_date")

    examples = (
        {
            "application_id": "SQ-2024-012",
            "application_date": "2024-02-27",
            "service_point": "东城街道主山社区社工站",
            "applicant_name": "陈美玲",
            "relation": "母亲",
            "client_name": "李小明",
            "client_sex": "男",
            "client_age": "11",
            "phone": "13802461357",
            "route": "家长或监护人转介",
            "referrer": "陈美玲（母亲），班主任建议",
            "services": "个案辅导",
            "request": "孩子近半年上课注意力不集中，与同学多次冲突，希望社工协助。",
            "initial_assessment": "学校适应和同伴关系困难；母亲需要亲子沟通方法。符合个案服务资格。",
            "worker_name": "黄嘉欣",
            "decision": "接纳",
            "decision_date": "2024-02-28",
            "case_id": "GA-2024-017",
        },
        {
            "application_id": "SQ-2024-015",
            "application_date": "2024-03-11",
            "service_point": "莞城街道东正社区综合服务中心",
            "applicant_name": "周建华",
            "relation": "本人",
            "client_name": "周建华",
            "client_sex": "男",
            "route": "自行申请",
            "services": "个案辅导、咨询",
            "request": "劳动争议，希望社工代为出庭仲裁。",
            "initial_assessment": "所需为法律代理；居住和工作地点均不在本中心服务范围。",
            "worker_name": "黄嘉欣",
            "decision": "不接纳",
            "decision_date": "2024-03-12",
            "decision_reason": "不在服务范围，所需服务非社工服务。",
        },
    )


class RefusalReason(Choice):
    """Why an application is not accepted (000 第二章 二4 不接纳申请的情况)."""

    INELIGIBLE = "不符合申请资格"
    ASSESSED = "经评估不接纳"


class HowTold(Choice):
    """How the applicant was told (负责社工须以电话/书面/面谈的方式…清楚详述不接纳的原因)."""

    PHONE = "电话"
    LETTER = "书面"
    MEETING = "面谈"


@register
class ApplicationRefusal(FormModel):
    """《不接纳申请记录》: the reason told to the applicant and the referral offered
    (000 第二章 二4; 001 第七条 五; 003 二(二)4)."""

    form_id = "application_refusal"
    title = "不接纳申请记录"
    key_field = "refusal_id"
    name_field = "applicant_name"
    area = "个案"
    subject_type = "application"
    subject_field = "application_id"
    date_field = "told_date"
    sources = ("000 第二章 二4", "001 第七条 五", "003 二(二)4", "000 第三章 一(五)6")
    rules = (
        "须写明不接纳的原因，并以电话、书面或面谈告知申请人",
        "需要转介时须填写转介或介绍的服务机构",
        "告知日期不早于申请日期",
    )
    signatures = ("负责社工|told_date", "督导")
    sections = {"refusal_id": "一、申请", "reason": "二、不接纳的原因", "referral_needed": "三、转介"}

    refusal_id: ShortText = Field(title="记录编号", description="如 BJ-2024-003")
    application_id: ShortText = Field(
        title="申请编号",
        description="《服务申请表》的申请编号，或《查询接案探访记录》的记录编号",
    )
    applicant_name: ShortText = Field(title="申请人姓名")
    application_date: Date = Field(title="申请日期")
    worker_name: ShortText = Field(title="负责社工")
    reason_kind: RefusalReason = Field(title="不接纳情况")
    reason: Text = Field(title="不接纳的原因", description="告诉申请人的原因，写清楚")
    how_told: HowTold = Field(title="告知方式")
    told_date: Date = Field(title="告知日期")
    referral_needed: YesNo = Field(title="需要转介")
    referral_to: ShortText | None = Field(
        None, title="转介／介绍的服务机构", description="需要转介时必填"
    )
    applicant_response: Text | None = Field(None, title="申请人的回应")

    def check(self, checks: Checks) -> None:
        with checks.rule():
            checks.required_when(
                "referral_to", bool(self.referral_needed), "需要转介，须填写转介或介绍的服务机构"
            )
        checks.order("application_date", "told_date")

    examples = (
        {
            "refusal_id": "BJ-2024-003",
            "application_id": "SQ-2024-015",
            "applicant_name": "周建华",
            "application_date": "2024-03-11",
            "worker_name": "黄嘉欣",
            "reason_kind": "不符合申请资格",
            "reason": "您的居住和工作地点不在本中心服务范围；劳动仲裁代理属法律服务，社工不能代为出庭。",
            "how_told": "电话",
            "told_date": "2024-03-12",
            "referral_needed": "是",
            "referral_to": "东莞市法律援助处（可申请免费法律代理）",
            "applicant_response": "表示理解，会联系法律援助处。",
        },
        {
            "refusal_id": "BJ-2024-004",
            "application_id": "CX-2024-036",
            "applicant_name": "周建华",
            "application_date": "2024-03-12",
            "worker_name": "黄嘉欣",
            "reason_kind": "经评估不接纳",
            "reason": "所需为法律代理，非社工服务。",
            "how_told": "面谈",
            "told_date": "2024-03-14",
            "referral_needed": "否",
        },
    )
