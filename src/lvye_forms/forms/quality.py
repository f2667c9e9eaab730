"""People and quality 人员与服务质量: staff appraisal, client satisfaction, the caregivers'
quarterly evaluation and monthly supervision visits, the complaint and feedback register and
the crisis report (seed 000 第一章 五(三)5, 第二章 五, 第三章 五(三); 003 五; 004 4.4)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from pydantic import BeforeValidator, Field, model_validator
from typing_extensions import Self

from ..errors import Code, fail
from ..fields import (
    Choice,
    Count,
    Month,
    Several,
    ShortText,
    Text,
    YesNo,
    is_empty,
    normalise_code,
)
from ..fields import PastDate as Date
from ..model import Checks, FormModel, FormPart
from ..registry import register

if TYPE_CHECKING:
    from ..render.xlsx import TableData

FIRST_YEAR, LAST_YEAR = 2000, 2199  # a year outside is a typing accident (24 for 2024)


def _clock(value: Any) -> Any:
    """A time of day as 14:30: from a time cell, an Excel day fraction or text (14：30, 14时30分,
    下午2:30)."""
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, float) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"
    if not isinstance(value, str):
        raise fail(Code.INVALID, reason="时间请写成24小时制，如 14:30")
    text = normalise_code(value)
    afternoon = text.startswith(("下午", "晚上", "傍晚"))
    text = re.sub(r"^(上午|早上|凌晨|中午|下午|晚上|傍晚)", "", text)
    match = re.fullmatch(r"(\d{1,2})(?:[:时点](\d{1,2})?分?)?", text)
    if not match:
        raise fail(Code.INVALID, reason="时间请写成24小时制，如 14:30")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if afternoon and hour < 12:
        hour += 12
    if hour > 23 or minute > 59:
        raise fail(Code.INVALID, reason="时间请写成24小时制，如 14:30")
    return f"{hour:02d}:{minute:02d}"


Clock = Annotated[str, BeforeValidator(_clock)]
"""A time of day, stored as 14:30."""


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- 同工考核 (000 第二章 五; 003 五) -------------------------------------------------------------


class Half(Choice):
    """The half-year a twice-yearly appraisal or survey covers."""

    FIRST = "上半年"
    SECOND = "下半年"


def half_start(year: int, half: Half) -> dt.date | None:
    """1 January or 1 July; None for a year no one means."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    return dt.date(year, 1 if half == Half.FIRST else 7, 1)


def _not_before_period(checks: Checks, field: str, start: dt.date | None, what: str) -> None:
    """`field` is not dated before `start`, the first day of the period the form covers."""
    day = checks.value(field)
    if start is not None and day is not None and day < start:
        checks.add(field, Code.DATE_ORDER, other=what, other_value=start.isoformat())


class Grade(Choice):
    EXCELLENT = "优秀"
    GOOD = "良好"
    PASS = "合格"
    FAIL = "不合格"


class AppraisedWorker(FormPart):
    name: ShortText = Field(title="同工姓名")
    position: ShortText = Field(title="岗位", description="如 一线社工、社工助理、组长")
    satisfaction_score: Count = Field(title="满意度得分", description="服务对象满意度调查的得分")
    quality_score: Count = Field(title="服务质量得分", description="按社工服务部的标准评定")
    total: Count = Field(title="总分", description="满意度得分 + 服务质量得分，百分制")
    grade: Grade = Field(title="等级")
    notified_date: Date | None = Field(
        None, title="告知日期", description="向同工发出通知和说明的日期"
    )

    def check(self, checks: Checks) -> None:
        checks.within("total", 0, 100)
        with checks.rule():
            expected = self.satisfaction_score + self.quality_score
            if self.total != expected:
                checks.add("total", Code.SUM, expected=expected, actual=self.total)


@register
class StaffAppraisal(FormModel):
    """《同工考核表》: the half-yearly appraisal of a service point's workers, from the clients'
    satisfaction and the quality of service; each worker is told the result."""

    form_id = "staff_appraisal"
    title = "同工考核表"
    kind = "xlsx"
    key_field = "appraisal_id"
    name_field = "service_point"
    area = "监控"
    subject_type = "service_point"
    subject_field = "service_point"
    date_field = "appraisal_date"
    sources = ("000 第二章 五1-2", "003 五(一)(二)")
    rules = (
        "每年考核两次（上半年、下半年，由完整性检查核对）",
        "考核日期不早于所考核半年度的开始（上半年1月1日，下半年7月1日）",
        "每位同工：总分 = 满意度得分 + 服务质量得分，不超过100分",
        "告知同工结果的日期不早于考核日期（同工有权了解自己的评估结果）",
        "同一同工在一份考核表中只出现一次",
    )
    signatures = ("考核人|appraisal_date", "社工服务部负责人")

    appraisal_id: ShortText = Field(
        title="考核编号", description="服务点加年度和半年，如 主山社工站-2024-上半年"
    )
    service_point: ShortText = Field(title="服务点")
    year: Count = Field(title="年度", description="四位数年份，如 2024")
    half: Half = Field(title="半年度")
    appraisal_date: Date = Field(title="考核日期")
    appraiser: ShortText = Field(title="考核人", description="社工服务部或督导的姓名")
    workers: list[AppraisedWorker] = Field(title="同工考核结果", description="每位同工一行")
    notes: Text | None = Field(None, title="备注")

    def check(self, checks: Checks) -> None:
        checks.within("year", FIRST_YEAR, LAST_YEAR)
        checks.at_least("workers", 1)
        with checks.rule():
            start = half_start(self.year, self.half)
            _not_before_period(
                checks, "appraisal_date", start, f"{self.year}年{self.half.value}开始"
            )
        with checks.rule():
            for index, worker in enumerate(self.workers):
                told = worker.notified_date
                if told is not None and told < self.appraisal_date:
                    checks.add_at(
                        ("workers", index, "notified_date"),
                        told,
                        Code.DATE_ORDER,
                        other="考核日期",
                        other_value=self.appraisal_date.isoformat(),
                    )
        with checks.rule():
            first_row: dict[str, int] = {}
            for index, worker in enumerate(self.workers):
                if worker.name in first_row:
                    checks.add_at(
                        ("workers", index, "name"),
                        worker.name,
                        Code.INVALID,
                        reason=f"同一同工重复出现（与第 {first_row[worker.name] + 1} 行相同）",
                    )
                first_row.setdefault(worker.name, index)

    examples = (
        {
            "appraisal_id": "主山社工站-2024-上半年",
            "service_point": "东城街道主山社区社工站",
            "year": "2024",
            "half": "上半年",
            "appraisal_date": "2024-07-08",
            "appraiser": "社工服务部 梁淑仪",
            "workers": [
                {
                    "name": "黄嘉欣",
                    "position": "一线社工",
                    "satisfaction_score": "38",
                    "quality_score": "52",
                    "total": "90",
                    "grade": "优秀",
                    "notified_date": "2024-07-10",
                },
                {
                    "name": "钟志强",
                    "position": "一线社工",
                    "satisfaction_score": "35",
                    "quality_score": "47",
                    "total": "82",
                    "grade": "良好",
                    "notified_date": "2024-07-10",
                },
                {
                    "name": "莫小燕",
                    "position": "社工助理",
                    "satisfaction_score": "33",
                    "quality_score": "40",
                    "total": "73",
                    "grade": "合格",
                    "notified_date": "2024-07-11",
                },
            ],
            "notes": "满意度得分满分40，服务质量得分满分60；公示期7月10日至7月16日。",
        },
        {
            "appraisal_id": "莞城社工站-2023-下半年",
            "service_point": "莞城街道社工站",
            "year": "2023",
            "half": "下半年",
            "appraisal_date": "2024-01-12",
            "appraiser": "督导 何家豪",
            "workers": [
                {
                    "name": "钟志强",
                    "position": "组长",
                    "satisfaction_score": "36",
                    "quality_score": "50",
                    "total": "86",
                    "grade": "良好",
                    "notified_date": "2024-01-15",
                },
                {
                    "name": "谭丽华",
                    "position": "一线社工",
                    "satisfaction_score": "30",
                    "quality_score": "28",
                    "total": "58",
                    "grade": "不合格",
                },
            ],
        },
    )


# --- 服务对象满意度调查 (000 第二章 五1(1)) -------------------------------------------------------


class SurveyMethod(Choice):
    QUESTIONNAIRE = "问卷"
    PHONE = "电话"
    VISIT = "走访"


class SurveyedService(Choice):
    CASE = "个案"
    GROUP = "小组"
    ACTIVITY = "社区活动"
    OTHER = "其他"


SCORE_FIELDS = ("attitude", "timeliness", "effect", "overall")
_NAME_LIKE = re.compile(r"[\u4e00-\u9fff·]{2,5}")  # what a Chinese name looks like
_LONG_DIGITS = re.compile(r"\d{7,}")  # a phone or ID number


class SurveyResponse(FormPart):
    respondent_code: ShortText = Field(
        title="问卷编号",
        description="匿名：只写编号，如 Q-01；不写姓名、电话或身份证号",
    )
    service_kind: SurveyedService = Field(title="接受的服务")
    attitude: Count = Field(title="服务态度", description="1–5分，5分最满意")
    timeliness: Count = Field(title="服务及时性", description="1–5分，5分最满意")
    effect: Count = Field(title="服务成效", description="1–5分，5分最满意")
    overall: Count = Field(title="总体满意度", description="1–5分，5分最满意")
    comment: Text | None = Field(None, title="意见和建议")

    def check(self, checks: Checks) -> None:
        for name in SCORE_FIELDS:
            checks.within(name, 1, 5)
        with checks.rule():
            code = normalise_code(self.respondent_code)
            if _LONG_DIGITS.search(code) or _NAME_LIKE.fullmatch(code):
                checks.add(
                    "respondent_code",
                    Code.INVALID,
                    reason="调查是匿名的：请只写问卷编号（如 Q-01），不写姓名、电话或身份证号",
                )


@register
class SatisfactionSurvey(FormModel):
    """《服务对象满意度调查表》: the clients' anonymous answers of one half-year's survey, with
    the count and the mean scores printed under the table."""

    form_id = "satisfaction_survey"
    title = "服务对象满意度调查表"
    kind = "xlsx"
    key_field = "survey_id"
    name_field = "service_point"
    area = "监控"
    subject_type = "service_point"
    subject_field = "service_point"
    date_field = "survey_date"
    sources = ("000 第二章 五1(1)", "003 五(一)1")
    rules = (
        "调查日期不早于所调查半年度的开始（上半年1月1日，下半年7月1日）",
        "每项评分为1–5分",
        "匿名调查：问卷编号不能是姓名、电话或身份证号",
        "表末打印回收份数、各项平均分和满意（4–5分）比例",
    )
    signatures = ("调查人|survey_date", "服务点负责人")

    survey_id: ShortText = Field(
        title="调查编号", description="服务点加年度和半年，如 主山社工站-2024-上半年"
    )
    service_point: ShortText = Field(title="服务点")
    year: Count = Field(title="年度", description="四位数年份，如 2024")
    half: Half = Field(title="半年度")
    survey_date: Date = Field(title="调查日期", description="调查结束的日期")
    method: Several[SurveyMethod] = Field(title="调查方式")
    surveyor: ShortText = Field(title="调查人")
    responses: list[SurveyResponse] = Field(title="调查结果", description="每份问卷一行")

    def check(self, checks: Checks) -> None:
        checks.within("year", FIRST_YEAR, LAST_YEAR)
        checks.at_least("responses", 1)
        with checks.rule():
            start = half_start(self.year, self.half)
            _not_before_period(checks, "survey_date", start, f"{self.year}年{self.half.value}开始")

    def means(self) -> dict[str, Decimal]:
        """Mean of each score over the responses, to two places."""
        count = len(self.responses)
        if not count:
            return {}
        return {
            name: _round(Decimal(sum(getattr(r, name) for r in self.responses)) / count)
            for name in SCORE_FIELDS
        }

    def summary(self) -> list[tuple[str, str]]:
        """The lines printed with the table: how many answered, by service, and how satisfied."""
        count = len(self.responses)
        if not count:
            return [("回收问卷", "0 份")]
        kinds = Counter(r.service_kind for r in self.responses)
        by_kind = "、".join(f"{k.value} {kinds[k]}" for k in SurveyedService if kinds[k])
        satisfied = sum(r.overall >= 4 for r in self.responses)
        share = _round(Decimal(satisfied * 100) / count).normalize()
        return [
            ("回收问卷", f"{count} 份（{by_kind}）"),
            (
                "满意度汇总",
                f"总体满意度平均 {self.means()['overall']} 分；"
                f"满意（4–5分）{satisfied} 份，占 {share:f}%",
            ),
        ]

    def table(self) -> TableData:
        from ..render.tabular import standard_table  # imported here: tabular imports the models

        data = standard_table(self)
        data.facts += self.summary()
        fields = list(SurveyResponse.model_fields)
        means = self.means()
        # Text, not numbers: the score columns print whole numbers, and 4.75 is no 5.
        data.totals = [
            f"{means[name]:.2f}" if name in means else ("平均分" if index == 0 else "")
            for index, name in enumerate(fields)
        ]
        return data

    examples = (
        {
            "survey_id": "主山社工站-2024-上半年",
            "service_point": "东城街道主山社区社工站",
            "year": "2024",
            "half": "上半年",
            "survey_date": "2024-06-21",
            "method": "问卷、电话",
            "surveyor": "莫小燕",
            "responses": [
                {
                    "respondent_code": "Q-01",
                    "service_kind": "个案",
                    "attitude": "5",
                    "timeliness": "5",
                    "effect": "4",
                    "overall": "5",
                    "comment": "社工很耐心，孩子愿意和她聊。",
                },
                {
                    "respondent_code": "Q-02",
                    "service_kind": "小组",
                    "attitude": "5",
                    "timeliness": "4",
                    "effect": "4",
                    "overall": "4",
                },
                {
                    "respondent_code": "Q-03",
                    "service_kind": "社区活动",
                    "attitude": "4",
                    "timeliness": "3",
                    "effect": "3",
                    "overall": "3",
                    "comment": "希望活动多安排在周末。",
                },
                {
                    "respondent_code": "T-01",
                    "service_kind": "个案",
                    "attitude": "5",
                    "timeliness": "4",
                    "effect": "5",
                    "overall": "5",
                    "comment": "电话回访",
                },
            ],
        },
        {
            "survey_id": "莞城社工站-2023-下半年",
            "service_point": "莞城街道社工站",
            "year": "2023",
            "half": "下半年",
            "survey_date": "2023-12-15",
            "method": "走访",
            "surveyor": "谭丽华",
            "responses": [
                {
                    "respondent_code": "Z-01",
                    "service_kind": "其他",
                    "attitude": "4",
                    "timeliness": "4",
                    "effect": "4",
                    "overall": "4",
                    "comment": "长者探访服务，希望每月多来一次。",
                },
                {
                    "respondent_code": "Z-02",
                    "service_kind": "小组",
                    "attitude": "3",
                    "timeliness": "2",
                    "effect": "3",
                    "overall": "2",
                    "comment": "小组开始时间多次推迟。",
                },
            ],
        },
    )


# --- 护工季度考评 (000 第三章 五(三)2) -----------------------------------------------------------

PARTY_SCORES = ("elder_score", "worker_score", "leader_score", "centre_score")


def quarter_start(year: int, quarter: int) -> dt.date | None:
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= quarter <= 4):
        return None
    return dt.date(year, 3 * quarter - 2, 1)


@register
class CaregiverEvaluation(FormModel):
    """《护工季度考评表（四方评估）》: every quarter the elder or family, the social worker, the
    caregivers' team leader and the centre score a caregiver; a team leader is scored by the
    other three parties. The result sets the performance bonus."""

    form_id = "caregiver_evaluation"
    title = "护工季度考评表（四方评估）"
    key_field = "evaluation_id"
    name_field = "caregiver_name"
    area = "居家养老"
    subject_type = "caregiver"
    subject_field = "caregiver_name"
    date_field = "evaluation_date"
    sources = ("000 第三章 五(三)2(1)",)
    rules = (
        "每季度考评一次（由完整性检查核对）",
        "护工组长为“三方评估”：护工组长本人的考评不填“护工组长评分”；其他护工须填写",
        "各方评分为0–100分；综合得分 = 参评各方评分的平均分（四舍五入取整），留空时自动计算",
        "考评日期不早于所考评季度的开始",
    )
    signatures = ("中心负责人|evaluation_date", "护工")
    sections = {"elder_score": "各方评分（百分制）", "bonus_grade": "考评结果"}

    evaluation_id: ShortText = Field(
        title="考评编号", description="如 PG-罗秀兰-2024-Q2；每份考评表唯一"
    )
    caregiver_name: ShortText = Field(title="护工姓名")
    centre: ShortText = Field(title="居家养老服务中心")
    year: Count = Field(title="年度", description="四位数年份，如 2024")
    quarter: Count = Field(title="季度", description="1–4")
    is_team_leader: YesNo = Field(title="是否护工组长", description="护工组长为三方评估")
    evaluation_date: Date = Field(title="考评日期")
    elder_score: Count = Field(title="服务对象/家属评分")
    worker_score: Count = Field(title="社工评分")
    leader_score: Count | None = Field(
        None, title="护工组长评分", description="护工组长本人考评时留空"
    )
    centre_score: Count = Field(title="中心评分")
    total: Count | None = Field(
        None,
        title="综合得分",
        description="参评各方评分的平均分，四舍五入取整；可留空，由程序计算",
    )
    bonus_grade: ShortText | None = Field(
        None, title="绩效奖金档次", description="按中心的绩效奖金标准，如 A档"
    )
    comments: Text | None = Field(None, title="考评意见")

    @model_validator(mode="after")
    def _fill_total(self) -> Self:
        # The total is arithmetic staff should not have to do; a typed one is checked instead.
        if self.total is None:
            self.total = self.computed_total()
        return self

    def party_scores(self) -> list[int]:
        return [s for s in (getattr(self, name) for name in PARTY_SCORES) if s is not None]

    def computed_total(self) -> int:
        scores = self.party_scores()
        mean = Decimal(sum(scores)) / len(scores)
        return int(mean.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def check(self, checks: Checks) -> None:
        checks.within("year", FIRST_YEAR, LAST_YEAR)
        checks.within("quarter", 1, 4)
        for name in PARTY_SCORES:
            checks.within(name, 0, 100)
        with checks.rule():
            if self.is_team_leader and self.leader_score is not None:
                checks.add(
                    "leader_score",
                    Code.INVALID,
                    reason="护工组长为“三方评估”，不填写护工组长评分",
                )
        with checks.rule():
            checks.required_when(
                "leader_score",
                not self.is_team_leader,
                "护工为“四方评估”，须填写护工组长评分",
            )
        with checks.rule():
            if self.total is not None:
                expected = self.computed_total()
                if self.total != expected:
                    checks.add("total", Code.SUM, expected=expected, actual=self.total)
        with checks.rule():
            start = quarter_start(self.year, self.quarter)
            _not_before_period(
                checks, "evaluation_date", start, f"{self.year}年第{self.quarter}季度开始"
            )

    def template_extras(self) -> dict[str, str]:
        extras = {"quarter": f"第{self.quarter}季度"} if self.quarter is not None else {}
        if self.is_team_leader:
            extras["leader_score"] = "不适用（护工组长为三方评估）"
        return extras

    examples = (
        {
            "evaluation_id": "PG-罗秀兰-2024-Q2",
            "caregiver_name": "罗秀兰",
            "centre": "莞城街道居家养老服务中心",
            "year": "2024",
            "quarter": "2",
            "is_team_leader": "否",
            "evaluation_date": "2024-07-05",
            "elder_score": "95",
            "worker_score": "88",
            "leader_score": "90",
            "centre_score": "86",
            "bonus_grade": "A档",
            "comments": "服务对象评价高，按时上门；服务记录偶有漏签，请及时补签。",
        },
        {
            "evaluation_id": "PG-刘桂英-2024-Q2",
            "caregiver_name": "刘桂英",
            "centre": "莞城街道居家养老服务中心",
            "year": "2024",
            "quarter": "2",
            "is_team_leader": "是",
            "evaluation_date": "2024-07-05",
            "elder_score": "92",
            "worker_score": "90",
            "centre_score": "88",
            "total": "90",
            "bonus_grade": "A档",
            "comments": "带领组员完成季度服务，组内排班合理。",
        },
    )


# --- 居家养老走访 (000 第三章 五(三)1) -------------------------------------------------------------


class VisitorRole(Choice):
    ASSISTANT = "社工助理"
    TEAM_LEADER = "护工组长"


class Satisfaction(Choice):
    SATISFIED = "满意"
    MOSTLY = "基本满意"
    DISSATISFIED = "不满意"


class Attitude(Choice):
    GOOD = "良好"
    FAIR = "一般"
    POOR = "较差"


class Punctuality(Choice):
    ON_TIME = "按约定时间"
    SOMETIMES = "偶有迟到早退"
    OFTEN = "经常迟到早退"


class Effect(Choice):
    CLEAR = "明显"
    FAIR = "一般"
    NONE = "不明显"


# The lowest grade of each supervised aspect: the problem must be written down.
_WORST = {"attitude": Attitude.POOR, "punctuality": Punctuality.OFTEN, "effect": Effect.NONE}


@register
class EldercareVisit(FormModel):
    """《居家养老服务走访记录》: the monthly visit of the social work assistant or the caregivers'
    team leader to an elder: satisfaction, the caregiver's attitude, time and effect, and the
    feedback given on the needs and problems the elder raised."""

    form_id = "eldercare_visit"
    title = "居家养老服务走访记录"
    key_field = "visit_id"
    name_field = "elder_name"
    area = "居家养老"
    subject_type = "elder"
    subject_field = "application_id"
    date_field = "visit_date"
    sources = ("000 第三章 五(三)1", "000 第三章 五(二)2(2)")
    rules = (
        "每月定期走访（由完整性检查核对）",
        "服务态度、时间或成效评为最差一档时，须在“突出问题”中写明",
        "老人不满意、反映了需求或有突出问题时，须填写回馈意见",
    )
    signatures = ("走访人|visit_date", "服务对象或家属")
    sections = {
        "satisfaction": "满意度与服务监督",
        "needs_raised": "需求、问题与回馈",
    }

    visit_id: ShortText = Field(title="走访编号", description="如 ZF-2024-0103-06；每次走访唯一")
    application_id: ShortText = Field(title="申请编号", description="与审批表的申请编号相同")
    elder_name: ShortText = Field(title="服务对象姓名")
    visit_date: Date = Field(title="走访日期")
    visitor: ShortText = Field(title="走访人")
    visitor_role: VisitorRole = Field(title="走访人身份")
    caregiver_name: ShortText = Field(title="护工姓名")
    satisfaction: Satisfaction = Field(title="老人满意度")
    attitude: Attitude = Field(title="护工服务态度")
    punctuality: Punctuality = Field(title="服务时间")
    effect: Effect = Field(title="服务成效")
    needs_raised: Text | None = Field(None, title="老人反映的需求")
    problems: Text | None = Field(None, title="突出问题")
    feedback_given: Text | None = Field(
        None, title="回馈意见", description="反馈给护工及老人的意见和跟进安排"
    )

    def check(self, checks: Checks) -> None:
        for name, worst in _WORST.items():
            with checks.rule():
                checks.required_when(
                    "problems",
                    getattr(self, name) == worst,
                    f"{checks.label(name)}评为“{worst.value}”，须在突出问题中写明情况",
                )
        with checks.rule():
            reasons = []
            if self.satisfaction == Satisfaction.DISSATISFIED:
                reasons.append("老人不满意")
            if self.needs_raised:
                reasons.append("老人反映了需求")
            if self.problems:
                reasons.append("有突出问题")
            checks.required_when(
                "feedback_given", bool(reasons), f"{'、'.join(reasons)}，须填写回馈意见"
            )

    examples = (
        {
            "visit_id": "ZF-2024-0103-07",
            "application_id": "JJ-2024-0103",
            "elder_name": "王秀英",
            "visit_date": "2024-07-18",
            "visitor": "莫小燕",
            "visitor_role": "社工助理",
            "caregiver_name": "罗秀兰",
            "satisfaction": "基本满意",
            "attitude": "良好",
            "punctuality": "偶有迟到早退",
            "effect": "明显",
            "needs_raised": "希望护工陪同每月一次的复诊。",
            "problems": "7月有两次上门迟到约20分钟。",
            "feedback_given": "已提醒护工按约定时间上门；复诊陪同纳入8月服务安排，并告知老人。",
        },
        {
            "visit_id": "ZF-2024-0117-07",
            "application_id": "JJ-2024-0117",
            "elder_name": "陈国华",
            "visit_date": "2024-07-22",
            "visitor": "刘桂英",
            "visitor_role": "护工组长",
            "caregiver_name": "罗秀兰",
            "satisfaction": "满意",
            "attitude": "良好",
            "punctuality": "按约定时间",
            "effect": "明显",
        },
    )


# --- 投诉及利益相关方意见登记 (000 第一章 五(三)5) ------------------------------------------------


class FeedbackKind(Choice):
    COMPLAINT = "投诉"
    SUGGESTION = "意见建议"
    PRAISE = "表扬"


class FeedbackSource(Choice):
    CLIENT = "服务对象"
    FAMILY = "家属"
    RESIDENTS_COMMITTEE = "居委会"
    FUNDER = "资助方"
    PARTNER = "合作单位"
    OTHER = "其他"


class FeedbackEntry(FormPart):
    received_date: Date = Field(title="接收日期")
    kind: FeedbackKind = Field(title="类别")
    source: FeedbackSource = Field(title="来源")
    content: Text = Field(title="内容")
    handling: Text | None = Field(None, title="处理过程", description="投诉必填")
    result: Text | None = Field(None, title="处理结果", description="投诉必填")
    closed_date: Date | None = Field(None, title="办结日期")
    handled_by: ShortText | None = Field(None, title="处理人")

    def check(self, checks: Checks) -> None:
        with checks.rule():
            complaint = self.kind == FeedbackKind.COMPLAINT
            checks.required_when("handling", complaint, "投诉须填写处理过程")
            checks.required_when("result", complaint, "投诉须填写处理结果")
        checks.order("received_date", "closed_date")


@register
class FeedbackRegister(FormModel):
    """《投诉及利益相关方意见登记表》: one service point's complaints, suggestions and praise of a
    month, each with how it was handled; a month with none is submitted too."""

    form_id = "feedback_register"
    title = "投诉及利益相关方意见登记表"
    kind = "xlsx"
    key_field = "register_id"
    name_field = "service_point"
    area = "监控"
    subject_type = "service_point"
    subject_field = "service_point"
    date_field = "submitted_date"
    sources = ("000 第一章 五(三)5", "000 第二章 六1")
    rules = (
        "及时登记提交（由完整性检查核对）；本月无登记时也提交，表中印“本月无登记”",
        "每条接收日期须在登记月份之内",
        "投诉须填写处理过程和处理结果",
        "办结日期不早于接收日期",
        "提交日期不早于本月最后一条登记的接收日期",
    )
    signatures = ("登记人|submitted_date", "组长/主任")
    # A register kept through the month and written in by hand: blank rows to the end of the page.
    fill_page: ClassVar[bool] = True

    register_id: ShortText = Field(
        title="登记表编号", description="服务点加月份，如 主山社工站-2024-10"
    )
    service_point: ShortText = Field(title="服务点")
    month: Month = Field(title="月份")
    submitted_date: Date = Field(title="提交日期")
    entries: list[FeedbackEntry] = Field(
        default_factory=list,
        title="登记事项",
        description="每条投诉、意见或表扬一行；本月没有可不填",
    )

    def check(self, checks: Checks) -> None:
        with checks.rule():
            checks.dated_in_month("entries", "received_date", self.month)
        with checks.rule():
            if self.entries:
                last = max(e.received_date for e in self.entries)
                if self.submitted_date < last:
                    checks.add(
                        "submitted_date",
                        Code.DATE_ORDER,
                        other="最后一条登记的接收日期",
                        other_value=last.isoformat(),
                    )

    def summary(self) -> str:
        kinds = Counter(e.kind for e in self.entries)
        if not kinds:
            return "本月无登记"
        return "、".join(f"{k.value} {kinds[k]} 条" for k in FeedbackKind if kinds[k])

    def table(self) -> TableData:
        from ..render.tabular import standard_table  # imported here: tabular imports the models

        data = standard_table(self)
        data.facts.append(("本月登记", self.summary()))
        if not data.rows:
            data.rows = [["本月无登记"] + [""] * (len(data.headers) - 1)]
        return data

    examples = (
        {
            "register_id": "主山社工站-2024-10",
            "service_point": "东城街道主山社区社工站",
            "month": "2024-10",
            "submitted_date": "2024-11-04",
            "entries": [
                {
                    "received_date": "2024-10-09",
                    "kind": "投诉",
                    "source": "家属",
                    "content": "小组活动结束时间比通知晚了40分钟，家长在门口久等。",
                    "handling": "当天电话致歉，核实原因为场地交接延误；组内讨论改进签退流程。",
                    "result": "家属接受致歉；此后每节提前10分钟提醒结束时间。",
                    "closed_date": "2024-10-11",
                    "handled_by": "黄嘉欣",
                },
                {
                    "received_date": "2024-10-17",
                    "kind": "意见建议",
                    "source": "居委会",
                    "content": "建议冬季长者讲座增加防诈骗内容。",
                    "handling": "纳入11月长者健康讲座。",
                    "handled_by": "钟志强",
                },
                {
                    "received_date": "2024-10-28",
                    "kind": "表扬",
                    "source": "服务对象",
                    "content": "送来感谢信，感谢社工在孩子返校适应中的陪伴。",
                },
            ],
        },
        {
            "register_id": "莞城社工站-2024-09",
            "service_point": "莞城街道社工站",
            "month": "2024-09",
            "submitted_date": "2024-10-03",
        },
    )


# --- 危机事件报告 (004 4.4) ---------------------------------------------------------------------


class CrisisKind(Choice):
    SELF_HARM = "自伤自杀风险"
    HARM_OTHERS = "伤害他人"
    ACCIDENT = "意外受伤"
    ILLNESS = "突发疾病"
    DOMESTIC_VIOLENCE = "家庭暴力"
    OTHER = "其他"


@register
class CrisisReport(FormModel):
    """《危机事件报告》: a client's emergency or crisis, the emergency measures the worker took
    under the crisis plan, and the report to the head of the agency."""

    form_id = "crisis_report"
    title = "危机事件报告"
    key_field = "report_id"
    name_field = "client_name"
    area = "个案"
    subject_type = "case"
    subject_field = "case_id"
    date_field = "event_date"
    sources = ("004 4.4",)
    rules = (
        "须填写采取的应急措施",
        "汇报日期不早于事件日期；同一天时，汇报时间不早于事件时间",
        "及时向机构负责人汇报（由完整性检查核对）",
    )
    signatures = ("报告人|reported_date", "机构负责人")
    sections = {
        "event_date": "一、事件经过",
        "measures": "二、应急处理与汇报",
        "follow_up": "三、跟进",
    }

    report_id: ShortText = Field(title="报告编号", description="如 WJ-2024-003；每份报告唯一")
    case_id: ShortText = Field(title="个案编号")
    client_name: ShortText = Field(title="服务对象姓名")
    worker_name: ShortText = Field(title="负责社工")
    service_point: ShortText | None = Field(None, title="服务点")
    event_date: Date = Field(title="事件日期")
    event_time: Clock | None = Field(None, title="事件时间", description="24小时制，如 14:30")
    place: ShortText = Field(title="地点")
    # Not `kind`: that name is the form's own setting (docx or xlsx).
    crisis_kind: CrisisKind = Field(title="事件类型")
    description: Text = Field(title="事件经过", description="时间、地点、人物及经过，客观记录")
    others_involved: Text | None = Field(None, title="涉及的其他人员")
    measures: Text = Field(title="采取的应急措施", description="如 陪同就医、报警、联系监护人")
    reported_to: ShortText = Field(title="汇报对象", description="机构负责人的姓名")
    reported_date: Date = Field(title="汇报日期")
    reported_time: Clock | None = Field(None, title="汇报时间", description="24小时制，如 15:10")
    follow_up: Text | None = Field(None, title="跟进计划")
    supervisor_opinion: Text | None = Field(None, title="督导/机构负责人意见")

    def check(self, checks: Checks) -> None:
        checks.order("event_date", "reported_date")
        with checks.rule():
            same_day = self.reported_date == self.event_date
            happened, reported = self.event_time, self.reported_time
            # 14:30 < 16:45 as text too: both are stored as two-digit hours and minutes.
            if same_day and happened and reported and reported < happened:
                checks.add(
                    "reported_time",
                    Code.INVALID,
                    reason=f"汇报时间不能早于事件时间（{self.event_time}）",
                )

    examples = (
        {
            "report_id": "WJ-2024-003",
            "case_id": "GA-2024-017",
            "client_name": "李小明",
            "worker_name": "黄嘉欣",
            "service_point": "东城街道主山社区社工站",
            "event_date": "2024-05-14",
            "event_time": "16:20",
            "place": "主山社区社工站面谈室",
            "crisis_kind": "自伤自杀风险",
            "description": "面谈中服务对象表示“不想活了”，并展示手臂上的划痕，称近一周每晚都有伤害自己的念头。",
            "others_involved": "母亲陈美玲（监护人）",
            "measures": "全程陪伴服务对象，移除面谈室内尖锐物品；按危机介入预案评估自杀风险为中度；"
            "联系监护人到站并当面说明情况，约定当晚陪伴；转介市心理援助热线并协助预约医院心理门诊。",
            "reported_to": "林慧敏",
            "reported_date": "2024-05-14",
            "reported_time": "16:45",
            "follow_up": "次日电话跟进；5月16日陪同就诊；召开个案会议调整服务计划。",
            "supervisor_opinion": "处置及时。请每日跟进至风险解除，并与学校社工建立联络。",
        },
        {
            "report_id": "WJ-2024-005",
            "case_id": "GA-2024-018",
            "client_name": "王秀英",
            "worker_name": "钟志强",
            "event_date": "2024-08-02",
            "place": "服务对象家中（莞城区西正路23号3楼）",
            "crisis_kind": "意外受伤",
            "description": "家访时发现服务对象在浴室滑倒，右腕肿痛，独自在家无法起身。",
            "measures": "拨打120并陪同送医，通知儿子张伟；确认为右腕骨裂，已打石膏。",
            "reported_to": "林慧敏",
            "reported_date": "2024-08-03",
            "follow_up": "联系居家养老服务站增加上门次数；建议家属加装浴室扶手。",
        },
    )
