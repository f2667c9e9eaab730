"""Case work 个案: forms of the 接案 → 预估 → 计划 → 介入 → 评估 → 结案 procedure."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from ..fields import ChineseID, Choice, Phone, ShortText, Text, YesNo
from ..fields import PastDate as Date
from ..model import Checks, FormModel
from ..registry import register
from .common import Sex


class ApplicationRoute(Choice):
    """How the request reached the agency (seed 000 第二章 二4; 001 第七条; 003 二(二)3)."""

    SELF = "自行申请"
    GUARDIAN = "家长或监护人转介"
    REFERRAL = "公众人士或机构转介"
    OUTREACH = "社工主动接触"


def age_on(born: dt.date, day: dt.date) -> int:
    """Full years of age on `day`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@register
class CaseConsent(FormModel):
    """《接受个案服务同意书》: signed when a case is accepted (接案)."""

    form_id = "case_consent"
    title = "接受个案服务同意书"
    key_field = "case_id"
    subject_type = "case"
    date_field = "client_signed_date"
    name_field = "client_name"
    area = "个案"
    sources = ("000 附件1 第一步(二)7", "000 第二章 二4", "001 第七条 三3", "003 二(二)3")
    rules = (
        "服务对象未满18岁（按签署日期计算）或缺乏行为能力时，须填写监护人姓名、与服务对象关系并由监护人签署",
        "申请形式为“公众人士或机构转介”时，须填写转介人或机构",
        "出生日期、性别须与身份证号一致",
        "各签署日期不能早于接案日期，也不能晚于今天",
    )

    case_id: ShortText = Field(
        title="个案编号", description="本机构的个案编号，如 GA-2024-001；每份同意书唯一"
    )
    client_name: ShortText = Field(title="服务对象姓名")
    client_sex: Sex = Field(title="性别")
    client_birth_date: Date = Field(title="出生日期")
    client_id_number: ChineseID | None = Field(None, title="身份证号")
    client_phone: Phone | None = Field(None, title="联系电话")
    client_address: ShortText | None = Field(None, title="住址")
    lacks_capacity: YesNo = Field(
        False,
        title="是否缺乏行为能力",
        description="无民事行为能力或限制民事行为能力时填“是”，须由监护人签署",
    )
    application_route: ApplicationRoute = Field(title="申请形式")
    referrer: ShortText | None = Field(
        None, title="转介人或机构", description="由公众人士或机构转介时必填"
    )
    service_request: Text = Field(title="求助事项", description="服务对象希望获得帮助的事情")
    guardian_name: ShortText | None = Field(
        None, title="监护人姓名", description="未满18岁或缺乏行为能力时必填"
    )
    guardian_relation: ShortText | None = Field(
        None, title="监护人与服务对象关系", description="如 父亲、母亲、祖母"
    )
    guardian_phone: Phone | None = Field(None, title="监护人电话")
    worker_name: ShortText = Field(title="负责社工")
    service_point: ShortText | None = Field(None, title="服务点", description="如 东城街道社工站")
    intake_date: Date = Field(title="接案日期")
    client_signed_date: Date = Field(title="服务对象签署日期")
    guardian_signed_date: Date | None = Field(
        None, title="监护人签署日期", description="需要监护人签署时必填"
    )
    worker_signed_date: Date = Field(title="社工签署日期")

    def needs_guardian(self) -> bool:
        return self.lacks_capacity or age_on(self.client_birth_date, self.client_signed_date) < 18

    def template_extras(self) -> dict[str, str]:
        return {
            "needs_guardian": "是" if self.needs_guardian() else "否",
            "client_age": str(age_on(self.client_birth_date, self.client_signed_date)),
        }

    def check(self, checks: Checks) -> None:
        checks.matches_id("client_id_number", "client_birth_date", "client_sex")
        checks.order("client_birth_date", "intake_date")
        for signed in ("client_signed_date", "guardian_signed_date", "worker_signed_date"):
            checks.order("intake_date", signed)
        checks.required_when(
            "referrer",
            self.application_route is ApplicationRoute.REFERRAL,
            "申请形式为“公众人士或机构转介”，须填写转介人或机构",
        )
        if self.needs_guardian():
            why = "服务对象缺乏行为能力" if self.lacks_capacity else "服务对象未满18岁"
            for field in ("guardian_name", "guardian_relation", "guardian_signed_date"):
                checks.required_when(
                    field, True, f"{why}，须由监护人签署并填写「{checks.label(field)}」"
                )

    examples = (
        {
            "case_id": "GA-2024-017",
            "client_name": "李小明",
            "client_sex": "男",
            "client_birth_date": "2012-05-06",
            "client_id_number": "441900201205060035",
            "client_phone": "",
            "client_address": "东莞市东城区主山社区振兴路8号",
            "lacks_capacity": "否",
            "application_route": "家长或监护人转介",
            "service_request": "近半年上课注意力不集中，与同学冲突增多，母亲希望社工协助改善其学校适应和亲子沟通。",
            "guardian_name": "陈美玲",
            "guardian_relation": "母亲",
            "guardian_phone": "13802461357",
            "worker_name": "黄嘉欣",
            "service_point": "东城街道主山社区社工站",
            "intake_date": "2024-03-04",
            "client_signed_date": "2024-03-04",
            "guardian_signed_date": "2024-03-04",
            "worker_signed_date": "2024-03-04",
        },
        {
            "case_id": "GA-2024-018",
            "client_name": "王秀英",
            "client_sex": "女",
            "client_birth_date": "1952-03-15",
            "client_id_number": "441900195203150020",
            "client_phone": "0769-22668899",
            "client_address": "东莞市莞城区西正路23号3楼",
            "lacks_capacity": "否",
            "application_route": "公众人士或机构转介",
            "referrer": "莞城街道西正社区居委会",
            "service_request": "独居，老伴去年去世后情绪低落，希望有人定期探访并协助联系居家养老服务。",
            "worker_name": "钟志强",
            "service_point": "莞城街道社工站",
            "intake_date": "2024-04-10",
            "client_signed_date": "2024-04-10",
            "worker_signed_date": "2024-04-11",
        },
    )
