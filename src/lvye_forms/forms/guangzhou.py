"""The Guangzhou standard (seed 002 §6, appendices A–K): a second family of forms, written
in traditional characters as the standard is."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..errors import Code
from ..fields import Choice, CnDate, Count, ShortText, Text, YesNo
from ..fields import PastDate as Date
from ..model import Checks, FormModel, FormPart
from ..registry import register
from .common import Sex

AREA = "广州标准"
# The heading of a Guangzhou page when no agency is named: a traditional-script name, not
# the simplified Dongguan default. An agency sets its own with LVYE_FORMS_GZ_AGENCY (or
# names itself with --agency). The words are the standard's own (002 §2: 廣州市社工服務站
# (家庭綜合服務中心)).
GZ_AGENCY = "廣州市社工服務站（家庭綜合服務中心）"
GZ_AGENCY_SETTING = "LVYE_FORMS_GZ_AGENCY"


class _GzCase(FormModel):
    script = "hant"
    default_agency: ClassVar[str] = GZ_AGENCY
    agency_setting: ClassVar[str] = GZ_AGENCY_SETTING
    key_field = "case_id"
    name_field = "client_name"
    area = AREA
    subject_type = "case"

    case_id: ShortText = Field(title="個案編號")
    client_name: ShortText = Field(title="服務對象姓名")
    worker_name: ShortText = Field(title="社會工作者")


class Willingness(Choice):
    WILLING = "自願"
    RELUCTANT = "非自願"


class IntakeDecision(Choice):
    ACCEPT = "接案"
    REFER = "轉介"
    DECLINE = "不予接案"


@register
class GzCaseIntake(_GzCase):
    """《個案工作接案記錄表》 (附錄A)."""

    form_id = "gz_case_intake"
    title = "個案工作接案記錄表"
    date_field = "intake_date"
    sources = ("002 6.1.1, 附錄A",)
    rules = ("轉介或不予接案時須說明原因及安排",)
    signatures = ("社會工作者|intake_date", "督導")

    intake_date: Date = Field(title="接案日期")
    client_sex: Sex = Field(title="性別")
    client_age: Count | None = Field(None, title="年齡")
    source: ShortText = Field(title="服務對象來源", description="如 主動求助、居委轉介")
    willingness: Willingness = Field(title="接受服務的意願")
    expectations: Text = Field(title="服務對象的期望")
    roles_explained: YesNo = Field(title="已介紹機構及社會工作者的職責")
    initial_needs: Text = Field(title="初步需要與困境")
    urgency: ShortText = Field(title="緊急程度", description="如 一般、緊急")
    decision: IntakeDecision = Field(title="接案決定")
    decision_note: Text | None = Field(None, title="原因及安排")

    def check(self, checks: Checks) -> None:
        with checks.rule():
            checks.required_when(
                "decision_note",
                self.decision != IntakeDecision.ACCEPT,
                "轉介或不予接案須說明原因及安排",
            )

    examples = (
        {
            "case_id": "GZ-2024-011",
            "client_name": "梁美華",
            "worker_name": "何志明",
            "intake_date": "2024-03-05",
            "client_sex": "女",
            "client_age": "42",
            "source": "居委轉介",
            "willingness": "自願",
            "expectations": "希望學會處理與青春期女兒的衝突。",
            "roles_explained": "是",
            "initial_needs": "親子衝突頻繁，情緒低落，睡眠差。",
            "urgency": "一般",
            "decision": "接案",
        },
    )


@register
class GzCaseAssessment(_GzCase):
    """《個案工作預估表》 (附錄B)."""

    form_id = "gz_case_assessment"
    title = "個案工作預估表"
    date_field = "assessment_date"
    sources = ("002 6.1.2, 附錄B",)
    signatures = ("社會工作者|assessment_date", "督導")
    sections = {
        "biological": "個人資料（生理、心理、社會）",
        "micro": "社會環境",
        "needs": "需要、資源與服務",
    }

    assessment_date: Date = Field(title="預估日期")
    biological: Text = Field(title="生理狀況")
    psychological: Text = Field(title="心理狀況")
    social: Text = Field(title="社會狀況")
    micro: Text = Field(title="微觀系統（家庭）")
    meso: Text | None = Field(None, title="中觀系統（學校、單位、社區）")
    macro: Text | None = Field(None, title="巨觀系統（政策、文化）")
    client_view: Text = Field(title="服務對象的感受與期待")
    needs: Text = Field(title="需要與問題")
    resources: Text = Field(title="資源與優勢")
    barriers: Text | None = Field(None, title="障礙")
    service_direction: Text = Field(title="服務目標與內容方向")

    examples = (
        {
            "case_id": "GZ-2024-011",
            "client_name": "梁美華",
            "worker_name": "何志明",
            "assessment_date": "2024-03-12",
            "biological": "睡眠差，偶有頭痛。",
            "psychological": "焦慮、自責，覺得自己不是好母親。",
            "social": "朋友較少，很少參加社區活動。",
            "micro": "與丈夫關係尚可；女兒15歲，近半年常頂嘴、晚歸。",
            "meso": "女兒學校班主任願意配合。",
            "client_view": "希望女兒理解自己，也希望自己不要動不動發脾氣。",
            "needs": "改善親子溝通；舒緩情緒壓力。",
            "resources": "有改變動機；丈夫支持；社區有家長互助小組。",
            "service_direction": "個案輔導結合家長小組，學習溝通技巧。",
        },
    )


@register
class GzCaseAgreement(_GzCase):
    """《個案工作服務協定》 (附錄C): the worker's and the client's tasks, signed by both."""

    form_id = "gz_case_agreement"
    title = "個案工作服務協定"
    date_field = "signed_date"
    sources = ("002 6.1.3, 附錄C",)
    rules = ("服務期限的結束日期不早於開始日期",)
    signatures = ("服務對象|signed_date", "社會工作者|signed_date")

    goals: Text = Field(title="服務目標")
    worker_tasks: Text = Field(title="社會工作者的任務")
    client_tasks: Text = Field(title="服務對象的任務")
    frequency: ShortText = Field(title="會面頻率", description="如 每兩週一次")
    start_date: CnDate = Field(title="服務開始日期")
    end_date: CnDate = Field(title="服務結束日期")
    confidentiality: Text = Field(title="保密約定")
    signed_date: Date = Field(title="簽訂日期")

    def check(self, checks: Checks) -> None:
        checks.order("start_date", "end_date")

    examples = (
        {
            "case_id": "GZ-2024-011",
            "client_name": "梁美華",
            "worker_name": "何志明",
            "goals": "三個月內每週與女兒有一次不爭吵的談話。",
            "worker_tasks": "每兩週面談一次，教授溝通技巧，連結家長小組。",
            "client_tasks": "按時面談，完成每週溝通練習並記錄。",
            "frequency": "每兩週一次",
            "start_date": "2024-03-19",
            "end_date": "2024-06-18",
            "confidentiality": "面談內容保密；涉及人身安全或法律要求時除外。",
            "signed_date": "2024-03-19",
        },
    )


class GzStep(FormPart):
    step: ShortText = Field(title="行動步驟")
    schedule: ShortText = Field(title="進度安排")
    responsible: ShortText = Field(title="負責人")


@register
class GzCasePlan(_GzCase):
    """《個案工作計畫表》 (附錄D)."""

    form_id = "gz_case_plan"
    title = "個案工作計畫表"
    date_field = "plan_date"
    sources = ("002 6.1.3, 附錄D",)
    signatures = ("社會工作者|plan_date", "督導")

    plan_date: Date = Field(title="計畫日期")
    purpose: Text = Field(title="服務目的")
    objectives: Text = Field(title="服務目標")
    model: ShortText = Field(title="介入模式")
    strategy: Text = Field(title="介入策略")
    steps: list[GzStep] = Field(title="行動步驟與進度")
    evaluation: Text = Field(title="評估方法")

    def check(self, checks: Checks) -> None:
        checks.at_least("steps", 1)

    examples = (
        {
            "case_id": "GZ-2024-011",
            "client_name": "梁美華",
            "worker_name": "何志明",
            "plan_date": "2024-03-19",
            "purpose": "改善親子關係，舒緩服務對象的情緒壓力。",
            "objectives": "1. 學會兩種非暴力溝通技巧；2. 焦慮自評分數下降。",
            "model": "結構式家庭治療",
            "strategy": "個別輔導與家長小組並行，必要時邀請女兒參與家庭面談。",
            "steps": [
                {"step": "情緒疏導與關係建立", "schedule": "第1–2次面談", "responsible": "何志明"},
                {"step": "溝通技巧練習", "schedule": "第3–5次面談", "responsible": "何志明"},
                {"step": "家庭面談", "schedule": "第6次面談", "responsible": "何志明、服務對象"},
            ],
            "evaluation": "焦慮自評量表前後測；服務對象與女兒的反饋。",
        },
    )


@register
class GzCaseProcess(_GzCase):
    """《個案工作過程記錄表》 (附錄E): one record per contact."""

    form_id = "gz_case_process"
    title = "個案工作過程記錄表"
    key_field = "record_id"
    subject_field = "case_id"
    date_field = "contact_date"
    sources = ("002 6.1.4, 附錄E",)
    signatures = ("社會工作者|contact_date",)

    record_id: ShortText = Field(title="記錄編號")
    contact_date: Date = Field(title="日期")
    session_number: Count = Field(title="第幾次面談")
    place: ShortText = Field(title="地點")
    goal: Text = Field(title="本次目標")
    process: Text = Field(title="過程記錄")
    intervention: ShortText = Field(title="介入類型", description="直接介入 / 間接介入")
    reflection: Text = Field(title="社會工作者的反思")
    next_plan: Text | None = Field(None, title="下次計畫")

    examples = (
        {
            "record_id": "GZ-2024-011-04",
            "case_id": "GZ-2024-011",
            "client_name": "梁美華",
            "worker_name": "何志明",
            "contact_date": "2024-04-16",
            "session_number": "4",
            "place": "社工站面談室",
            "goal": "練習“我訊息”表達方式。",
            "process": "服務對象分享週末與女兒的爭吵；社工示範“我訊息”，服務對象角色扮演兩次後較自然。",
            "intervention": "直接介入",
            "reflection": "服務對象學習投入，但仍容易自責，需持續肯定其努力。",
            "next_plan": "記錄一週內使用“我訊息”的情況。",
        },
    )


class Satisfaction(Choice):
    VERY = "非常滿意"
    YES = "滿意"
    NEUTRAL = "一般"
    NO = "不滿意"


@register
class GzCaseEvaluation(_GzCase):
    """《個案工作評估表》 (附錄F): outcome and process evaluation."""

    form_id = "gz_case_evaluation"
    title = "個案工作評估表"
    date_field = "evaluation_date"
    sources = ("002 6.1.5, 附錄F",)
    signatures = ("服務對象|evaluation_date", "社會工作者|evaluation_date", "督導")
    sections = {"client_changes": "成效評估", "theory_used": "過程評估"}

    evaluation_date: Date = Field(title="評估日期")
    client_changes: Text = Field(title="服務對象的改變")
    goal_attainment: Text = Field(title="目標實現情況")
    satisfaction: Satisfaction = Field(title="服務對象滿意度")
    theory_used: Text = Field(title="運用的理論、模式與方法")
    progress: Text = Field(title="進度把握與調整")
    worker_performance: Text = Field(title="工作人員表現")
    reflection: Text = Field(title="專業反思")

    examples = (
        {
            "case_id": "GZ-2024-011",
            "client_name": "梁美華",
            "worker_name": "何志明",
            "evaluation_date": "2024-06-11",
            "client_changes": "焦慮自評分由62降至45；能平靜地和女兒談學校的事。",
            "goal_attainment": "兩項目標均達成。",
            "satisfaction": "非常滿意",
            "theory_used": "結構式家庭治療；角色扮演、家庭作業。",
            "progress": "原計畫6次面談，實際8次；第5次後加入家庭面談。",
            "worker_performance": "能及時調整計畫；家庭面談的準備可更充分。",
            "reflection": "及早邀請青少年子女參與，效果更好。",
        },
    )


class GzClosingReason(Choice):
    """The closing situations of 002 6.1.6.2."""

    GOAL_MET = "已達成服務目標"
    CLIENT_ENDS = "服務對象不願繼續接受服務"
    CANNOT_MEET = "存在不能實現目標的客觀原因"
    STATUS_CHANGED = "社會工作者或服務對象身份發生變化"


@register
class GzCaseClosing(_GzCase):
    """《個案工作結案表》 (附錄G)."""

    form_id = "gz_case_closing"
    title = "個案工作結案表"
    date_field = "closing_date"
    sources = ("002 6.1.6, 附錄G",)
    rules = ("需要轉介時須填寫轉介安排", "結案日期不早於接案日期")
    signatures = ("社會工作者|closing_date", "督導")

    intake_date: Date = Field(title="接案日期")
    closing_date: Date = Field(title="結案日期")
    reason: GzClosingReason = Field(title="結案原因")
    review: Text = Field(title="服務回顧")
    consolidation: Text = Field(title="鞏固改變的安排")
    farewell: Text | None = Field(None, title="離別情緒處理")
    referral_needed: YesNo = Field(False, title="需要轉介")
    referral: Text | None = Field(None, title="轉介安排")
    follow_up: Text | None = Field(None, title="跟進服務")

    def check(self, checks: Checks) -> None:
        checks.order("intake_date", "closing_date")
        with checks.rule():
            checks.required_when("referral", self.referral_needed, "需要轉介，須填寫轉介安排")

    examples = (
        {
            "case_id": "GZ-2024-011",
            "client_name": "梁美華",
            "worker_name": "何志明",
            "intake_date": "2024-03-05",
            "closing_date": "2024-06-18",
            "reason": "已達成服務目標",
            "review": "八次面談、一次家庭面談，服務對象掌握了溝通技巧，情緒明顯改善。",
            "consolidation": "繼續參加家長互助小組。",
            "farewell": "提前兩週告知結案，服務對象表示感謝，亦有不捨。",
            "follow_up": "一個月後電話回訪。",
        },
    )


class GzGroupStage(Choice):
    PREPARATION = "籌備期"
    FORMING = "形成期"
    TRANSITION = "轉折期"
    MATURITY = "成熟期"
    ENDING = "結束期"


class _GzGroup(FormModel):
    script = "hant"
    default_agency: ClassVar[str] = GZ_AGENCY
    agency_setting: ClassVar[str] = GZ_AGENCY_SETTING
    key_field = "group_id"
    name_field = "group_name"
    area = AREA
    subject_type = "group"

    group_id: ShortText = Field(title="小組編號")
    group_name: ShortText = Field(title="小組名稱")
    worker_name: ShortText = Field(title="社會工作者")


@register
class GzGroupPlan(_GzGroup):
    """《小組工作計畫書》 (附錄H)."""

    form_id = "gz_group_plan"
    title = "小組工作計畫書"
    date_field = "plan_date"
    sources = ("002 6.2.1, 附錄H",)
    rules = ("結束日期不早於開始日期",)
    signatures = ("社會工作者|plan_date", "督導")

    plan_date: Date = Field(title="計畫日期")
    background: Text = Field(title="背景與需求評估")
    overall_goal: Text = Field(title="總目標")
    specific_goals: Text = Field(title="具體目標")
    group_type: ShortText = Field(title="小組類型與性質")
    members: ShortText = Field(title="組員與規模")
    start_date: CnDate = Field(title="開始日期")
    end_date: CnDate = Field(title="結束日期")
    sessions: Count = Field(title="節數")
    venue: ShortText = Field(title="場所")
    recruitment: Text = Field(title="招募與篩選")
    resources: Text = Field(title="所需資源（人、財、物）")
    evaluation: Text = Field(title="評估方法")

    def check(self, checks: Checks) -> None:
        checks.order("start_date", "end_date")

    examples = (
        {
            "group_id": "GZX-2024-03",
            "group_name": "“和孩子好好說話”家長成長小組",
            "worker_name": "何志明",
            "plan_date": "2024-04-01",
            "background": "社區內青春期子女家長反映親子衝突多，需學習溝通方法。",
            "overall_goal": "提升家長與青春期子女溝通的能力。",
            "specific_goals": "1. 認識青春期心理特點；2. 掌握兩種溝通技巧；3. 建立家長互助網絡。",
            "group_type": "教育成長小組（封閉式）",
            "members": "青春期子女的家長 8–10 人",
            "start_date": "2024-04-20",
            "end_date": "2024-05-25",
            "sessions": "6",
            "venue": "社工站活動室",
            "recruitment": "居委通知及個案轉介；社工電話篩選。",
            "resources": "社工1名、義工1名；活動物資約300元。",
            "evaluation": "前後測問卷；每節觀察記錄；結束時滿意度調查。",
        },
    )


@register
class GzGroupSessionPlan(_GzGroup):
    """《小組工作單元(小節)計畫書》 (附錄I): one session's plan."""

    form_id = "gz_group_session_plan"
    title = "小組工作單元(小節)計畫書"
    key_field = "session_plan_id"
    subject_field = "group_id"
    date_field = "session_date"
    sources = ("002 6.2.1, 附錄I",)
    signatures = ("社會工作者",)

    session_plan_id: ShortText = Field(title="單元計畫編號", description="小組編號加節次")
    session_number: Count = Field(title="節次")
    session_date: CnDate = Field(title="日期")
    stage: GzGroupStage = Field(title="小組階段")
    goals: Text = Field(title="本節目標")
    activities: Text = Field(title="活動內容與流程")
    materials: Text | None = Field(None, title="所需物資")
    notes: Text | None = Field(None, title="注意事項")

    examples = (
        {
            "session_plan_id": "GZX-2024-03-01",
            "group_id": "GZX-2024-03",
            "group_name": "“和孩子好好說話”家長成長小組",
            "worker_name": "何志明",
            "session_number": "1",
            "session_date": "2024-04-20",
            "stage": "形成期",
            "goals": "組員互相認識，澄清小組目標，訂立小組契約。",
            "activities": "破冰遊戲（15分鐘）→ 介紹小組（10分鐘）→ 分享“我和孩子”（40分鐘）→ 訂立契約（20分鐘）",
            "materials": "名牌、大白紙、彩筆",
            "notes": "留意較沉默的組員，避免個別組員主導分享。",
        },
    )


@register
class GzGroupProcess(_GzGroup):
    """《小組工作過程記錄表》 (附錄J): after every session, in every stage."""

    form_id = "gz_group_process"
    title = "小組工作過程記錄表"
    key_field = "record_id"
    subject_field = "group_id"
    date_field = "session_date"
    sources = ("002 6.2.2–6.2.5, 附錄J",)
    rules = ("出席人數不多於組員人數",)
    signatures = ("社會工作者|session_date",)

    record_id: ShortText = Field(title="記錄編號")
    session_number: Count = Field(title="節次")
    session_date: Date = Field(title="日期")
    stage: GzGroupStage = Field(title="小組階段")
    members: Count = Field(title="組員人數")
    present: Count = Field(title="出席人數")
    process: Text = Field(title="過程記錄")
    dynamics: Text = Field(title="小組動力與組員表現")
    special_members: Text | None = Field(None, title="特殊組員的情況")
    worker_role: Text = Field(title="社會工作者的角色與介入")
    reflection: Text = Field(title="反思與下節安排")

    def check(self, checks: Checks) -> None:
        with checks.rule():
            if self.present > self.members:
                checks.add(
                    "present",
                    Code.INVALID,
                    reason=f"出席人數 {self.present} 多於組員人數 {self.members}",
                )

    examples = (
        {
            "record_id": "GZX-2024-03-01",
            "group_id": "GZX-2024-03",
            "group_name": "“和孩子好好說話”家長成長小組",
            "worker_name": "何志明",
            "session_number": "1",
            "session_date": "2024-04-20",
            "stage": "形成期",
            "members": "9",
            "present": "9",
            "process": "破冰遊戲氣氛熱烈；分享環節中多位家長談到與孩子的衝突；共同訂立五條小組契約。",
            "dynamics": "組員初步信任，分享較表面；兩位父親參與較少。",
            "worker_role": "聯結者與示範者：示範真誠分享，邀請每位組員發言。",
            "reflection": "下節用情境卡引導更具體的分享，並特別邀請父親參與。",
        },
    )


@register
class GzGroupEvaluation(_GzGroup):
    """《小組工作評估總結報告》 (附錄K): at the end of the group."""

    form_id = "gz_group_evaluation"
    title = "小組工作評估總結報告"
    date_field = "report_date"
    sources = ("002 6.2.5, 附錄K",)
    signatures = ("社會工作者|report_date", "督導")

    report_date: Date = Field(title="報告日期")
    sessions_held: Count = Field(title="實際節數")
    average_attendance: ShortText = Field(title="平均出席率")
    goal_attainment: Text = Field(title="目標達成情況")
    member_changes: Text = Field(title="組員的改變")
    evaluation_data: Text = Field(title="評估資料（問卷、量表）")
    remaining_work: Text | None = Field(None, title="遺留工作處理")
    follow_up: Text | None = Field(None, title="跟進安排")
    reflection: Text = Field(title="專業反思")

    examples = (
        {
            "group_id": "GZX-2024-03",
            "group_name": "“和孩子好好說話”家長成長小組",
            "worker_name": "何志明",
            "report_date": "2024-06-01",
            "sessions_held": "6",
            "average_attendance": "88%",
            "goal_attainment": "三項具體目標均基本達成。",
            "member_changes": "家長反映與孩子爭吵減少；組員建立了微信互助群。",
            "evaluation_data": "溝通能力問卷平均分由3.1升至4.0（5分制）；滿意度100%。",
            "follow_up": "兩位家長轉介個案跟進；三個月後舉辦重聚活動。",
            "reflection": "父親參與度偏低，下期可安排週末晚上並設父親專場。",
        },
    )
