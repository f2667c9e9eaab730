"""Disability rehabilitation and employment 残疾人康复就业 (seed 000 第三章 四; 第一章 六(五))."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..errors import Code
from ..fields import ChineseID, Choice, Count, Phone, Several, ShortText, Text, YesNo
from ..fields import PastDate as Date
from ..model import Checks, FormModel, FormPart
from ..registry import register
from .common import Sex, age_on

MIN_AGE, MAX_AGE = 16, 55
MIN_ADL = 45


class RehabService(Choice):
    """The centre's services (000 第三章 四(四))."""

    SHELTERED = "庇护就业"
    SUPPORTED = "辅助性就业"
    SOCIAL_WORK = "社会工作服务"
    REHAB = "康复训练"
    DAY_CARE = "日间照料"
    HOME_TRAINING = "居家训练"


class Admission(Choice):
    ADMIT = "录取"
    REFUSE = "不予录取"


class Relative(FormPart):
    name: ShortText = Field(title="姓名")
    relation: ShortText = Field(title="关系")
    phone: Phone | None = Field(None, title="电话")
    lives_with: YesNo = Field(title="是否同住")


@register
class RehabTraineeAssessment(FormModel):
    """《残疾人康复就业服务中心学员评估表》, with the admission rules of 000 第三章 四(二)."""

    form_id = "rehab_trainee_assessment"
    title = "残疾人康复就业服务中心学员评估表"
    key_field = "trainee_id"
    name_field = "trainee_name"
    area = "残疾人康复"
    subject_type = "trainee"
    date_field = "assessment_date"
    # Three family rows keep the blank paper form, signatures included, on one page.
    blank_rows: ClassVar[int] = 3
    sources = ("000 第三章 四(二)", "000 第一章 六(五)")
    rules = (
        "出生日期、性别须与身份证号一致",
        f"录取条件：年龄 {MIN_AGE}–{MAX_AGE} 岁（按评估日期计算）、日常生活能力（ADL）评分不低于 {MIN_ADL} 分、"
        "体检无传染病、精防医生评估精神状况稳定",
        "决定“录取”时须符合全部条件；“不予录取”时须写明原因（拒绝申请须向申请人说明）",
        "评估日期不早于合同签订日期（须在签订后两个月内完成，由完整性检查核对）",
    )
    signatures = ("评估人|assessment_date", "中心负责人", "学员或监护人")
    sections = {
        "family": "家庭成员",
        "illnesses": "健康与评估",
        "services": "服务需求",
        "decision": "录取决定",
    }

    trainee_id: ShortText = Field(title="学员编号", description="如 CK-2024-012")
    trainee_name: ShortText = Field(title="姓名")
    sex: Sex = Field(title="性别")
    birth_date: Date = Field(title="出生日期")
    id_number: ChineseID = Field(title="身份证号")
    disability_type: ShortText = Field(
        title="残疾类别", description="如 肢体、智力、精神、视力、听力、言语"
    )
    disability_level: ShortText = Field(title="残疾等级", description="如 二级")
    certificate_number: ShortText = Field(title="残疾人证号")
    address: ShortText = Field(title="住址")
    phone: Phone | None = Field(None, title="联系电话")
    guardian_name: ShortText | None = Field(None, title="监护人")
    guardian_phone: Phone | None = Field(None, title="监护人电话")
    contract_date: Date = Field(title="合同签订日期")
    assessment_date: Date = Field(title="评估日期")
    assessor: ShortText = Field(title="评估人")
    family: list[Relative] = Field(default_factory=list, title="家庭成员")
    illnesses: Text = Field(title="疾病情况")
    adl_score: Count = Field(
        title="ADL评分", description=f"日常生活能力评分（0–100），录取须不低于 {MIN_ADL} 分"
    )
    infectious_disease: YesNo = Field(title="体检发现传染病")
    exam_date: Date = Field(title="体检日期")
    mental_state_stable: YesNo = Field(title="精神状况稳定", description="由精防医生评估")
    psychiatrist: ShortText = Field(title="精防医生")
    services: Several[RehabService] = Field(title="服务需求", description="可多选，用顿号“、”分隔")
    goals: Text | None = Field(None, title="康复就业目标")
    decision: Admission = Field(title="录取决定")
    refusal_reason: Text | None = Field(None, title="不予录取的原因与转介建议")
    # 000 第一章 六(五): 上传服务对象户口本复印件、身份证复印件（正反面）. Whether they are filed
    # is the checker's rule (profile lvye), not a reason to refuse the form.
    att_hukou: YesNo = Field(False, title="户口本复印件")
    att_id_card: YesNo = Field(False, title="身份证复印件（正反面）")

    def age(self) -> int:
        return age_on(self.birth_date, self.assessment_date)

    def unmet_conditions(self) -> list[str]:
        """Each admission rule the applicant fails, in words the applicant can be told."""
        reasons = []
        if not MIN_AGE <= self.age() <= MAX_AGE:
            reasons.append(f"年龄 {self.age()} 岁，不在 {MIN_AGE}–{MAX_AGE} 岁之间")
        if self.adl_score < MIN_ADL:
            reasons.append(f"ADL评分 {self.adl_score} 分，低于 {MIN_ADL} 分")
        if self.infectious_disease:
            reasons.append("体检发现传染病")
        if not self.mental_state_stable:
            reasons.append("精防医生评估精神状况不稳定")
        return reasons

    def check(self, checks: Checks) -> None:
        checks.matches_id("id_number", "birth_date", "sex")
        checks.order("contract_date", "assessment_date")
        checks.within("adl_score", 0, 100)
        with checks.rule():
            unmet = self.unmet_conditions()
            if self.decision is Admission.ADMIT and unmet:
                checks.add("decision", Code.CONDITIONAL, reason="不符合录取条件：" + "；".join(unmet))
        with checks.rule():
            checks.required_when(
                "refusal_reason",
                self.decision is Admission.REFUSE,
                "不予录取须写明原因，并向申请人说明",
            )

    def template_extras(self) -> dict[str, str]:
        unmet = self.unmet_conditions()
        return {
            "age": str(self.age()),
            "eligibility": "符合全部录取条件" if not unmet else "不符合：" + "；".join(unmet),
        }

    examples = (
        {
            "trainee_id": "CK-2024-012",
            "trainee_name": "陈国强",
            "sex": "男",
            "birth_date": "1990-01-01",
            "id_number": "441900199001011231",
            "disability_type": "智力",
            "disability_level": "三级",
            "certificate_number": "44190019900101123143",
            "address": "东莞市石排镇石排村中心路12号",
            "phone": "13925567890",
            "guardian_name": "陈伟明",
            "guardian_phone": "13925567891",
            "contract_date": "2024-03-01",
            "assessment_date": "2024-03-20",
            "assessor": "叶嘉宝",
            "family": [
                {"name": "陈伟明", "relation": "父亲", "phone": "13925567891", "lives_with": "是"},
                {"name": "黄丽珍", "relation": "母亲", "lives_with": "是"},
            ],
            "illnesses": "无慢性病；偶有癫痫史，近三年未发作。",
            "adl_score": "85",
            "infectious_disease": "否",
            "exam_date": "2024-03-12",
            "mental_state_stable": "是",
            "att_hukou": "是",
            "att_id_card": "是",
            "psychiatrist": "邓医生",
            "services": "庇护就业、康复训练、社会工作服务",
            "goals": "半年内掌握庇护工场的简单装配工序；提高人际交往能力。",
            "decision": "录取",
        },
        {
            "trainee_id": "CK-2024-015",
            "trainee_name": "刘梅",
            "sex": "女",
            "birth_date": "1960-11-23",
            "id_number": "441900196011232229",
            "disability_type": "肢体",
            "disability_level": "二级",
            "certificate_number": "44190019601123222942",
            "address": "东莞市石排镇燕岗村",
            "contract_date": "2024-04-01",
            "assessment_date": "2024-04-15",
            "assessor": "叶嘉宝",
            "illnesses": "高血压。",
            "adl_score": "60",
            "infectious_disease": "否",
            "exam_date": "2024-04-10",
            "mental_state_stable": "是",
            "psychiatrist": "邓医生",
            "services": "康复训练、日间照料",
            "decision": "不予录取",
            "refusal_reason": "年龄超过55岁。已电话说明原因，并转介镇社区卫生服务中心康复科及居家养老服务。",
        },
    )
