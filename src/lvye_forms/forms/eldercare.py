"""Eldercare 居家养老: application, approval, agreement and home service (seed 000 第三章 五)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..errors import Code
from ..fields import (
    ChineseID,
    Choice,
    CnDate,
    Hours,
    Money,
    Month,
    Phone,
    Several,
    ShortText,
    Text,
    YesNo,
)
from ..fields import PastDate as Date
from ..model import Checks, FormModel, FormPart
from ..registry import register
from .common import Sex


class Entitlement(Choice):
    """The category that entitles the elder to the subsidy, and the certificate that proves it."""

    MODEL_WORKER = "劳动模范（劳模证书）"
    ENTITLED_GROUP = "优抚对象（优抚证书）"
    LOW_INCOME = "低保对象（低保证）"
    DISABLED = "残疾人（残疾人证）"
    OTHER = "其他（须注明证明名称）"


class ServiceNeed(Choice):
    DAILY_CARE = "生活照料"
    HOUSEKEEPING = "家政服务"
    MEALS = "助餐配餐"
    HEALTH = "医疗保健"
    REHAB = "康复护理"
    COMPANY = "精神慰藉"
    EMERGENCY = "紧急援助"
    OTHER = "其他"


class FamilyMember(FormPart):
    name: ShortText = Field(title="姓名")
    relation: ShortText = Field(title="与申请人关系", description="如 儿子、女儿、配偶")
    phone: Phone | None = Field(None, title="电话")
    lives_with: YesNo = Field(title="是否同住")


class ApprovalDecision(Choice):
    """What one level of the approval chain decided (000 第三章 五(一)3-5: 盖章同意, 签注“同意”意见)."""

    AGREE = "同意"
    DISAGREE = "不同意"


# The approval chain, in order: (decision field, opinion field, date field, who).
APPROVAL_CHAIN = (
    ("village_decision", "village_opinion", "village_date", "村（社区）居委会初审"),
    ("town_decision", "town_opinion", "town_date", "镇（街）社会事务办复审"),
    ("city_decision", "city_opinion", "city_date", "市民政局核准"),
)


@register
class EldercareApproval(FormModel):
    """《东莞市社区居家养老服务补助审批表》 (000 第一章 六(二); 第三章 五(一))."""

    form_id = "eldercare_approval"
    title = "东莞市社区居家养老服务补助审批表"
    key_field = "application_id"
    subject_type = "elder"
    date_field = "application_date"
    name_field = "applicant_name"
    area = "居家养老"
    sources = ("000 第一章 六(二)", "000 第三章 五(一)1-5")
    rules = (
        "出生日期、性别须与身份证号一致",
        "补助类别为“其他”时须填写证明名称",
        "审批按 村（社区）初审 → 镇（街）复审 → 市民政局核准 的顺序：后一级的日期不早于前一级，"
        "前一级未签署意见时后一级不能签署",
        "每一级的决定（同意／不同意）和日期须同时填写",
        "上一级“不同意”时，后一级不再审批",
        "初审日期不早于申请日期",
    )

    application_id: ShortText = Field(
        title="申请编号", description="如 JJ-2024-0103；每份审批表唯一"
    )
    applicant_name: ShortText = Field(title="姓名")
    sex: Sex = Field(title="性别")
    birth_date: Date = Field(title="出生日期")
    id_number: ChineseID = Field(title="身份证号")
    hukou_place: ShortText = Field(title="户籍地", description="如 东莞市莞城街道西正社区")
    address: ShortText = Field(title="现住址")
    phone: Phone = Field(title="联系电话")
    family_members: list[FamilyMember] = Field(default_factory=list, title="家庭成员")
    illnesses: Text = Field(title="疾病情况", description="主要疾病、用药、自理能力；无则填“无”")
    service_needs: Several[ServiceNeed] = Field(
        title="服务需求", description="可多选，用顿号“、”分隔"
    )
    service_needs_detail: Text | None = Field(None, title="服务需求说明")
    entitlement: Entitlement = Field(title="补助类别")
    certificate_name: ShortText | None = Field(
        None, title="证明名称", description="补助类别为“其他”时必填"
    )
    certificate_number: ShortText | None = Field(None, title="证书编号")
    att_hukou: YesNo = Field(False, title="户口本复印件")
    att_id_card: YesNo = Field(False, title="身份证复印件（正反面）")
    att_photos: YesNo = Field(False, title="一寸相片两张")
    att_certificate: YesNo = Field(False, title="补助类别证明复印件")
    att_needs_assessment: YesNo = Field(False, title="需求评估表")
    att_agreement: YesNo = Field(False, title="服务协议")
    application_date: Date = Field(title="申请日期")
    service_point: ShortText | None = Field(
        None,
        title="服务点",
        description="受理的居家养老服务中心，与服务点登记表的名称一致（合同日期由登记表给出）",
    )
    village_decision: ApprovalDecision | None = Field(None, title="初审决定")
    village_opinion: Text | None = Field(None, title="村（社区）居委会初审意见")
    village_date: Date | None = Field(None, title="初审日期")
    town_decision: ApprovalDecision | None = Field(None, title="复审决定")
    town_opinion: Text | None = Field(None, title="镇（街）社会事务办复审意见")
    town_date: Date | None = Field(None, title="复审日期")
    city_decision: ApprovalDecision | None = Field(None, title="核准决定")
    city_opinion: Text | None = Field(None, title="市民政局核准意见")
    city_date: Date | None = Field(None, title="核准日期")

    def check(self, checks: Checks) -> None:
        checks.matches_id("id_number", "birth_date", "sex")
        checks.order("birth_date", "application_date")
        with checks.rule():
            checks.required_when(
                "certificate_name",
                self.entitlement is Entitlement.OTHER,
                "补助类别为“其他”，须填写证明名称",
            )
        # Walk the chain: each level signed is a decision (同意／不同意) with its date, after a
        # level before it that agreed. `previous` is None when a field of the level before
        # failed its own validation, so nothing is claimed about it.
        previous_date: str | None = "application_date"
        previous: str | None = "agreed"
        for decision, opinion, date, who in APPROVAL_CHAIN:
            if not checks.valid(decision, opinion, date):
                if checks.valid(date) and getattr(self, date) is not None:
                    if previous_date is not None:
                        checks.order(previous_date, date)
                    previous_date = date
                elif not checks.valid(date):
                    previous_date = None
                previous = None
                continue
            chosen, day = getattr(self, decision), getattr(self, date)
            if chosen is None and day is None and not getattr(self, opinion):
                previous = "unsigned"
                continue
            first_filled = decision if chosen is not None else date if day is not None else opinion
            if previous == "unsigned":
                checks.add(
                    first_filled,
                    Code.CONDITIONAL,
                    reason=f"{who}须在上一级审批之后进行，上一级尚未签署",
                )
            elif previous == "refused":
                checks.add(
                    first_filled, Code.CONDITIONAL, reason=f"上一级已“不同意”，{who}不再审批"
                )
            checks.required_when(decision, True, f"{who}已签署，须写明同意或不同意")
            checks.required_when(date, True, f"{who}已签署，须填写{checks.label(date)}")
            if day is not None:
                if previous_date is not None:
                    checks.order(previous_date, date)
                previous_date = date
            previous = {ApprovalDecision.AGREE: "agreed", ApprovalDecision.DISAGREE: "refused"}.get(
                chosen
            )

    def template_extras(self) -> dict[str, object]:
        return {
            "attachment_list": [
                {"label": label, "box": "☑" if provided else "☐"}
                for label, provided in self.attachment_checklist()
            ],
            "family_count": str(len(self.family_members)),
        }

    def attachment_checklist(self) -> list[tuple[str, bool]]:
        """(label, provided) for every attachment, in the order of the paper form."""
        return [
            (type(self).model_fields[name].title or name, bool(getattr(self, name)))
            for name in type(self).model_fields
            if name.startswith("att_")
        ]

    examples = (
        {
            "application_id": "JJ-2024-0103",
            "applicant_name": "王秀英",
            "sex": "女",
            "birth_date": "1952-03-15",
            "id_number": "441900195203150020",
            "hukou_place": "东莞市莞城街道西正社区",
            "address": "东莞市莞城区西正路23号3楼",
            "phone": "0769-22668899",
            "family_members": [
                {"name": "张伟", "relation": "儿子", "phone": "13925512345", "lives_with": "否"},
                {"name": "张丽", "relation": "女儿", "phone": "13650098765", "lives_with": "否"},
            ],
            "illnesses": "高血压、膝关节退行性病变，行走需拄拐；每日服降压药。",
            "service_needs": "生活照料、家政服务、精神慰藉",
            "service_needs_detail": "每周上门3次，协助买菜、打扫和陪同复诊。",
            "entitlement": "低保对象（低保证）",
            "certificate_number": "DB441900-2019-0321",
            "att_hukou": "是",
            "att_id_card": "是",
            "att_photos": "是",
            "att_certificate": "是",
            "att_needs_assessment": "是",
            "att_agreement": "否",
            "application_date": "2024-05-06",
            "service_point": "莞城街道居家养老服务中心",
            "village_decision": "同意",
            "village_opinion": "情况属实，同意申请。",
            "village_date": "2024-05-10",
            "town_decision": "同意",
            "town_opinion": "同意。",
            "town_date": "2024-05-20",
            "city_decision": "同意",
            "city_opinion": "核准。",
            "city_date": "2024-06-03",
        },
        {
            "application_id": "JJ-2024-0117",
            "applicant_name": "陈国华",
            "sex": "男",
            "birth_date": "1948-07-22",
            "id_number": "441900194807220013",
            "hukou_place": "东莞市东城街道主山社区",
            "address": "东莞市东城区主山社区振兴路15号",
            "phone": "13712340987",
            "family_members": [
                {"name": "李桂芳", "relation": "配偶", "phone": "", "lives_with": "是"},
            ],
            "illnesses": "中风后遗症，左侧肢体活动不便。",
            "service_needs": "康复护理、生活照料",
            "entitlement": "优抚对象（优抚证书）",
            "certificate_number": "YF-0087",
            "att_hukou": "是",
            "att_id_card": "是",
            "att_photos": "是",
            "att_certificate": "是",
            "att_needs_assessment": "是",
            "application_date": "2024-06-12",
            "service_point": "东城街道居家养老服务中心",
            "village_decision": "同意",
            "village_opinion": "情况属实，同意上报。",
            "village_date": "2024-06-14",
        },
    )


class LivingArrangement(Choice):
    ALONE = "独居"
    WITH_SPOUSE = "与配偶同住"
    WITH_CHILDREN = "与子女同住"
    OTHER = "其他"


class SelfCare(Choice):
    FULL = "完全自理"
    PARTIAL = "部分自理"
    NONE = "不能自理"


@register
class EldercareNeeds(FormModel):
    """《居家养老服务对象需求评估表》: the station's assessment of an elder's needs."""

    form_id = "eldercare_needs"
    title = "居家养老服务对象需求评估表"
    key_field = "application_id"
    name_field = "elder_name"
    area = "居家养老"
    subject_type = "elder"
    date_field = "assessment_date"
    sources = ("000 第一章 六(一)", "000 第三章 五(一)2")
    rules = (
        "出生日期、性别须与身份证号一致",
        "评估日期不早于申请日期（站点须在申请后一周内评估，由完整性检查核对）",
    )
    signatures = ("评估人|assessment_date", "服务对象或家属")
    sections = {"living": "居住与健康", "needs": "服务需求", "recommendation": "评估意见"}

    application_id: ShortText = Field(title="申请编号", description="与审批表的申请编号相同")
    elder_name: ShortText = Field(title="姓名")
    sex: Sex = Field(title="性别")
    birth_date: Date = Field(title="出生日期")
    id_number: ChineseID = Field(title="身份证号")
    phone: Phone | None = Field(None, title="联系电话")
    station: ShortText = Field(title="评估站点", description="村（社区）居家养老服务站")
    assessor: ShortText = Field(title="评估人")
    request_date: Date = Field(title="申请日期")
    assessment_date: Date = Field(title="评估日期")
    living: LivingArrangement = Field(title="居住情况")
    self_care: SelfCare = Field(title="自理能力")
    health: Text = Field(title="健康状况")
    economic: Text = Field(title="经济状况")
    family_support: Text = Field(title="家庭支持")
    needs: Several[ServiceNeed] = Field(title="服务需求", description="可多选，用顿号“、”分隔")
    needs_detail: Text | None = Field(None, title="需求说明")
    recommendation: Text = Field(title="建议服务内容")
    hours_per_month: Hours = Field(title="建议每月服务时数")

    def check(self, checks: Checks) -> None:
        checks.matches_id("id_number", "birth_date", "sex")
        checks.order("request_date", "assessment_date")

    examples = (
        {
            "application_id": "JJ-2024-0103",
            "elder_name": "王秀英",
            "sex": "女",
            "birth_date": "1952-03-15",
            "id_number": "441900195203150020",
            "phone": "0769-22668899",
            "station": "西正社区居家养老服务站",
            "assessor": "罗晓燕",
            "request_date": "2024-05-06",
            "assessment_date": "2024-05-09",
            "living": "独居",
            "self_care": "部分自理",
            "health": "高血压、膝关节退行性病变，行走需拄拐。",
            "economic": "低保对象，每月领取低保金及养老金。",
            "family_support": "一子一女均在外地工作，每月回来探望一次。",
            "needs": "生活照料、家政服务、精神慰藉",
            "needs_detail": "买菜、打扫卫生、陪同复诊；希望有人聊天。",
            "recommendation": "每周上门3次，每次2小时：生活照料、家政服务；社工每月探访一次。",
            "hours_per_month": "24",
        },
    )


@register
class EldercareAgreement(FormModel):
    """《东莞市居家养老服务协议书》: the agency, the elder and the caregiver (three parties)."""

    form_id = "eldercare_agreement"
    title = "东莞市居家养老服务协议书"
    key_field = "agreement_id"
    name_field = "elder_name"
    area = "居家养老"
    subject_type = "elder"
    subject_field = "application_id"
    date_field = "signed_date"
    sources = ("000 第三章 五(一)6",)
    rules = (
        "核准后签订：签订日期不早于核准日期",
        "服务结束日期不早于开始日期",
        "长者与护工的身份证号须有效",
    )
    signatures = (
        "甲方（服务机构）代表|signed_date",
        "乙方（服务对象）|signed_date",
        "丙方（护工）|signed_date",
    )
    sections = {
        "elder_name": "乙方（服务对象）",
        "caregiver_name": "丙方（护工）",
        "services": "服务内容",
        "terms": "协议条款",
    }

    agreement_id: ShortText = Field(title="协议编号")
    application_id: ShortText = Field(title="申请编号")
    agency_representative: ShortText = Field(title="甲方代表")
    elder_name: ShortText = Field(title="乙方姓名")
    elder_id_number: ChineseID = Field(title="乙方身份证号")
    elder_address: ShortText = Field(title="乙方住址")
    elder_phone: Phone = Field(title="乙方电话")
    caregiver_name: ShortText = Field(title="丙方姓名")
    caregiver_id_number: ChineseID = Field(title="丙方身份证号")
    caregiver_phone: Phone = Field(title="丙方电话")
    services: Several[ServiceNeed] = Field(title="服务项目", description="可多选，用顿号“、”分隔")
    hours_per_month: Hours = Field(title="每月服务时数")
    service_schedule: ShortText | None = Field(
        None, title="服务时间安排", description="如 每周一、三、五上午9:00-11:00"
    )
    monthly_subsidy: Money = Field(title="每月补助金额（元）")
    self_pay: ShortText | None = Field(
        None,
        title="自费说明",
        description="补助以外由乙方自付的费用，如 无；不填则在协议上留一条横线手写",
    )
    start_date: CnDate = Field(title="服务开始日期")
    end_date: CnDate = Field(title="服务结束日期")
    approval_date: Date = Field(title="核准日期", description="市民政局核准日期")
    terms: Text = Field(
        title="其他约定",
        description="如 服务时间调整须提前一天通知；护工须遵守保密原则",
    )
    signed_date: Date = Field(title="签订日期")

    def check(self, checks: Checks) -> None:
        checks.order("approval_date", "signed_date")
        checks.order("start_date", "end_date")

    examples = (
        {
            "agreement_id": "XY-2024-0103",
            "application_id": "JJ-2024-0103",
            "agency_representative": "林慧敏",
            "elder_name": "王秀英",
            "elder_id_number": "441900195203150020",
            "elder_address": "东莞市莞城区西正路23号3楼",
            "elder_phone": "0769-22668899",
            "caregiver_name": "罗秀兰",
            "caregiver_id_number": "441900197508084115",
            "caregiver_phone": "13712345678",
            "services": "生活照料、家政服务",
            "hours_per_month": "24",
            "service_schedule": "每周一、三、五上午9:00-11:00",
            "monthly_subsidy": "600",
            "self_pay": "无",
            "start_date": "2024-06-10",
            "end_date": "2025-06-09",
            "approval_date": "2024-06-03",
            "terms": "服务时间为每周一、三、五上午；调整须提前一天通知。护工须遵守保密原则，不得收取乙方任何财物。",
            "signed_date": "2024-06-06",
        },
    )


class CareVisit(FormPart):
    date: CnDate = Field(title="服务日期")
    application_id: ShortText = Field(title="申请编号")
    elder_name: ShortText = Field(title="服务对象")
    services: ShortText = Field(title="服务内容")
    hours: Hours = Field(title="时数")


@register
class CaregiverLog(FormModel):
    """《居家养老护工服务记录本》: one caregiver's visits in one month, approved by the head."""

    form_id = "caregiver_log"
    title = "居家养老护工服务记录本"
    kind = "xlsx"
    key_field = "log_id"
    name_field = "caregiver_name"
    area = "居家养老"
    subject_type = "caregiver"
    subject_field = "caregiver_name"
    date_field = "approved_date"
    totals = True
    sources = ("000 第一章 六(三)",)
    rules = ("每条服务日期须在记录月份之内", "中心负责人核准日期不早于记录月份的最后一次服务")
    signatures = ("护工", "中心负责人核准|approved_date")

    # The log is carried on visits and written in by hand: blank rows to the end of the page.
    fill_page: ClassVar[bool] = True

    log_id: ShortText = Field(title="记录编号", description="如 HG-罗秀兰-2024-06")
    caregiver_name: ShortText = Field(title="护工姓名")
    centre: ShortText = Field(title="居家养老服务中心")
    month: Month = Field(title="月份")
    visits: list[CareVisit] = Field(title="服务记录", description="每次上门一行")
    approved_by: ShortText | None = Field(None, title="核准人")
    approved_date: Date | None = Field(None, title="核准日期")

    def check(self, checks: Checks) -> None:
        checks.at_least("visits", 1)
        with checks.rule():
            checks.dated_in_month("visits", "date", self.month)
        with checks.rule():
            if self.visits and self.approved_date is not None:
                last = max(v.date for v in self.visits)
                if self.approved_date < last:
                    checks.add(
                        "approved_date",
                        Code.DATE_ORDER,
                        other="最后一次服务",
                        other_value=last.isoformat(),
                    )

    examples = (
        {
            "log_id": "HG-罗秀兰-2024-06",
            "caregiver_name": "罗秀兰",
            "centre": "莞城街道居家养老服务中心",
            "month": "2024-06",
            "visits": [
                {
                    "date": "2024-06-10",
                    "application_id": "JJ-2024-0103",
                    "elder_name": "王秀英",
                    "services": "买菜、打扫",
                    "hours": "2",
                },
                {
                    "date": "2024-06-12",
                    "application_id": "JJ-2024-0103",
                    "elder_name": "王秀英",
                    "services": "陪同复诊",
                    "hours": "3",
                },
                {
                    "date": "2024-06-14",
                    "application_id": "JJ-2023-0088",
                    "elder_name": "黄桂英",
                    "services": "康复按摩、助浴",
                    "hours": "1.5",
                },
            ],
            "approved_by": "林慧敏",
            "approved_date": "2024-07-02",
        },
    )


class ElderExitKind(Choice):
    """How eldercare ends (000 第三章 五(四))."""

    REQUEST = "本人申请退出"
    BREACH = "违反协议取消服务"
    DEATH = "服务对象去世"
    OTHER = "其他"


@register
class EldercareExit(FormModel):
    """《退出申请》/取消服务记录: eldercare ends on request, for breach, or on death."""

    form_id = "eldercare_exit"
    title = "居家养老服务退出申请及取消服务记录"
    key_field = "application_id"
    name_field = "elder_name"
    area = "居家养老"
    subject_type = "elder"
    date_field = "exit_date"
    sources = ("000 第三章 五(四)",)
    rules = (
        "本人申请退出须说明理由，并经居家养老服务中心审定确认",
        "退出日期不早于申请日期；报镇（街）社会事务办存档的日期不早于中心确认日期",
    )
    signatures = ("申请人或家属|request_date", "居家养老服务中心|confirmed_date")

    application_id: ShortText = Field(title="申请编号")
    elder_name: ShortText = Field(title="服务对象姓名")
    exit_kind: ElderExitKind = Field(title="退出类型")
    request_date: Date = Field(title="申请或记录日期")
    reason: Text = Field(title="理由与说明")
    confirmed_by: ShortText = Field(title="中心确认人")
    confirmed_date: Date = Field(title="中心确认日期")
    exit_date: Date = Field(title="服务终止日期")
    filed_with_town: Date | None = Field(None, title="报镇（街）社会事务办存档日期")

    def check(self, checks: Checks) -> None:
        checks.order("request_date", "confirmed_date")
        checks.order("request_date", "exit_date")
        checks.order("confirmed_date", "filed_with_town")

    examples = (
        {
            "application_id": "JJ-2024-0117",
            "elder_name": "陈国华",
            "exit_kind": "本人申请退出",
            "request_date": "2024-09-02",
            "reason": "子女接回深圳同住，不再需要上门服务。",
            "confirmed_by": "林慧敏",
            "confirmed_date": "2024-09-03",
            "exit_date": "2024-09-15",
            "filed_with_town": "2024-09-05",
        },
    )
