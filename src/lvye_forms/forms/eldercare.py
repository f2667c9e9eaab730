"""Eldercare 居家养老: application, approval, agreement and home service (seed 000 第三章 五)."""

from __future__ import annotations

from pydantic import Field

from ..errors import Code
from ..fields import ChineseID, Choice, Phone, ShortText, Text, YesNo, choices_of
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


# The approval chain, in order: (opinion field, date field, who).
APPROVAL_CHAIN = (
    ("village_opinion", "village_date", "村（社区）居委会初审"),
    ("town_opinion", "town_date", "镇（街）社会事务办复审"),
    ("city_opinion", "city_date", "市民政局核准"),
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
        "每一级的意见和日期须同时填写",
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
    service_needs: choices_of(ServiceNeed) = Field(  # type: ignore[valid-type]
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
    village_opinion: Text | None = Field(None, title="村（社区）居委会初审意见")
    village_date: Date | None = Field(None, title="初审日期")
    town_opinion: Text | None = Field(None, title="镇（街）社会事务办复审意见")
    town_date: Date | None = Field(None, title="复审日期")
    city_opinion: Text | None = Field(None, title="市民政局核准意见")
    city_date: Date | None = Field(None, title="核准日期")

    def check(self, checks: Checks) -> None:
        checks.matches_id("id_number", "birth_date", "sex")
        checks.order("birth_date", "application_date")
        checks.required_when(
            "certificate_name",
            self.entitlement is Entitlement.OTHER,
            "补助类别为“其他”，须填写证明名称",
        )
        previous_date = "application_date"
        previous_done = True
        for opinion, date, who in APPROVAL_CHAIN:
            has_opinion, has_date = bool(getattr(self, opinion)), getattr(self, date) is not None
            checks.required_when(
                opinion, has_date, f"已填写{checks.label(date)}，须同时填写{who}意见"
            )
            checks.required_when(
                date, has_opinion, f"已填写{who}意见，须同时填写{checks.label(date)}"
            )
            if (has_opinion or has_date) and not previous_done:
                checks.add(
                    opinion, Code.CONDITIONAL, reason=f"{who}须在上一级审批之后进行，上一级尚未签署"
                )
            checks.order(previous_date, date)
            previous_done = has_opinion and has_date
            if has_date:
                previous_date = date

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
            "village_opinion": "情况属实，同意申请。",
            "village_date": "2024-05-10",
            "town_opinion": "同意。",
            "town_date": "2024-05-20",
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
            "village_opinion": "情况属实，同意上报。",
            "village_date": "2024-06-14",
        },
    )
