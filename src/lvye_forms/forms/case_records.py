"""Case work records: contact notes, stage reviews and the problem scale (000 附件1 第四、五步)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ..fields import Choice, CnDate, Count, ShortText, Text
from ..fields import PastDate as Date
from ..model import Checks, FormModel, FormPart
from ..registry import register
from .common import ContactMethod, GoalAttainment


class _ContactRecord(FormModel):
    """What both kinds of contact record share: one record per contact with the client."""

    key_field = "record_id"
    name_field = "client_name"
    area = "个案"
    subject_type = "case"
    subject_field = "case_id"
    date_field = "contact_date"
    signatures = ("负责社工|contact_date", "督导")

    record_id: ShortText = Field(title="记录编号", description="个案编号加序号，如 GA-2024-017-03")
    case_id: ShortText = Field(title="个案编号")
    client_name: ShortText = Field(title="服务对象姓名")
    worker_name: ShortText = Field(title="负责社工")
    contact_number: Count = Field(title="第几次跟进")
    contact_date: Date = Field(title="跟进日期")
    contact_time: ShortText | None = Field(None, title="时间", description="如 15:00-16:00")
    place: ShortText = Field(title="地点")
    method: ContactMethod = Field(title="跟进方式")
    participants: ShortText | None = Field(
        None, title="参与人员", description="除服务对象外在场的人"
    )
    session_goal: Text = Field(title="本次目标")
    next_date: CnDate | None = Field(None, title="下次跟进日期")
    next_place: ShortText | None = Field(None, title="下次跟进地点")

    def check(self, checks: Checks) -> None:
        checks.order("contact_date", "next_date")


@register
class CaseNoteBrief(_ContactRecord):
    """《个案记录表(简要)》: a summary of one contact; only for workers with ≥ 2 years."""

    form_id = "case_note_brief"
    title = "个案记录表(简要)"
    sources = ("000 附件1 第四步(3)",)
    rules = (
        "下次跟进日期不早于本次跟进日期",
        "只有从事社会工作满2年的社工可填写简要记录（由完整性检查按员工名册核对）",
    )
    sections = {"session_goal": "跟进内容"}

    summary: Text = Field(title="情况摘要", description="概括服务对象本次的情况")
    intervention: Text = Field(title="介入要点")
    follow_up: Text = Field(title="跟进计划")

    examples = (
        {
            "record_id": "GA-2024-018-02",
            "case_id": "GA-2024-018",
            "client_name": "王秀英",
            "worker_name": "钟志强",
            "contact_number": "2",
            "contact_date": "2024-04-25",
            "contact_time": "10:00-10:50",
            "place": "服务对象家中",
            "method": "家访",
            "session_goal": "了解服务对象近两周的情绪和生活情况；跟进居家养老申请。",
            "summary": "情绪较上次平稳，每天到楼下公园散步；提到夜间睡眠仍差。居家养老申请材料已备齐。",
            "intervention": "肯定其主动外出；陪同整理申请材料；介绍社区长者茶话会。",
            "follow_up": "协助提交居家养老申请；邀请参加下月长者茶话会。",
            "next_date": "2024-05-09",
            "next_place": "服务对象家中",
        },
    )


@register
class CaseNoteProcess(_ContactRecord):
    """《个案记录表(过程)》: a detailed record of one contact; required of workers under 2 years."""

    form_id = "case_note_process"
    title = "个案记录表(过程)"
    sources = ("000 附件1 第四步(3)",)
    rules = (
        "下次跟进日期不早于本次跟进日期",
        "从事社会工作不满2年的社工只能填写过程记录",
    )
    sections = {"session_goal": "会谈过程"}

    process: Text = Field(
        title="会谈过程记录", description="服务对象的语言表现，按对话顺序详细记录"
    )
    nonverbal: Text = Field(title="非言语表现", description="表情、动作、语气等")
    worker_handling: Text = Field(title="社工的处理", description="所用技巧及其用意")
    worker_feelings: Text = Field(title="社工的感受和反应")
    analysis: Text = Field(title="分析与评估")
    follow_up: Text = Field(title="跟进计划")

    examples = (
        {
            "record_id": "GA-2024-017-03",
            "case_id": "GA-2024-017",
            "client_name": "李小明",
            "worker_name": "黄嘉欣",
            "contact_number": "3",
            "contact_date": "2024-03-22",
            "contact_time": "16:30-17:20",
            "place": "主山社区社工站面谈室",
            "method": "面谈",
            "session_goal": "认识愤怒情绪的身体信号；回顾本周与同学的冲突。",
            "process": "社工：这周在学校过得怎么样？\n小明：还好……星期二又和同桌吵架了。\n"
            "社工：能说说当时发生了什么吗？\n小明：他拿了我的橡皮不还，我就推了他。",
            "nonverbal": "谈到吵架时低头、双手握拳；画“情绪温度计”时逐渐放松，主动解释画的内容。",
            "worker_handling": "用开放式提问引导描述事件；以“情绪温度计”帮助其识别愤怒程度；肯定其愿意讲出来。",
            "worker_feelings": "看到小明握拳时有些担心，但他能坦白讲述，令社工感到关系在建立。",
            "analysis": "小明能识别愤怒但缺少替代行为；下次练习深呼吸和“暂停”方法。",
            "follow_up": "下周练习腹式呼吸；与母亲电话沟通在家如何回应孩子的情绪。",
            "next_date": "2024-03-29",
            "next_place": "主山社区社工站面谈室",
        },
    )


@register
class CaseStageReview(FormModel):
    """《个案阶段性发展表》: for every case open at least a year without closing."""

    form_id = "case_stage_review"
    title = "个案阶段性发展表"
    key_field = "review_id"
    name_field = "client_name"
    area = "个案"
    subject_type = "case"
    subject_field = "case_id"
    date_field = "review_date"
    sources = ("000 附件1 第五步",)
    rules = ("检讨日期不早于接案日期", "检讨期间的结束日期不早于开始日期")
    signatures = ("负责社工|review_date", "督导")
    sections = {
        "new_needs": "一、服务对象的新需求或需求改变",
        "goals": "二、目标达成情况",
        "next_plan": "三、下一阶段计划",
    }

    review_id: ShortText = Field(title="检讨编号", description="如 GA-2023-009-R1")
    case_id: ShortText = Field(title="个案编号")
    client_name: ShortText = Field(title="服务对象姓名")
    worker_name: ShortText = Field(title="负责社工")
    intake_date: Date = Field(title="接案日期")
    period_start: Date = Field(title="检讨期间开始")
    period_end: Date = Field(title="检讨期间结束")
    review_date: Date = Field(title="检讨日期")
    new_needs: Text = Field(title="新需求或需求改变")
    goals: list[GoalAttainment] = Field(title="目标达成情况")
    next_plan: Text = Field(title="下一阶段计划")
    supervisor_opinion: Text | None = Field(None, title="督导意见")

    def check(self, checks: Checks) -> None:
        checks.order("intake_date", "review_date")
        checks.order("period_start", "period_end")
        checks.at_least("goals", 1)

    examples = (
        {
            "review_id": "GA-2023-009-R1",
            "case_id": "GA-2023-009",
            "client_name": "张婉婷",
            "worker_name": "钟志强",
            "intake_date": "2023-05-15",
            "period_start": "2023-05-15",
            "period_end": "2024-05-14",
            "review_date": "2024-05-20",
            "new_needs": "服务对象已找到工作，新需求为平衡工作与照顾患病母亲的时间。",
            "goals": [
                {
                    "goal": "稳定情绪，减少焦虑发作",
                    "attainment": "大部分达到",
                    "evidence": "焦虑量表得分由28降至15。",
                },
                {
                    "goal": "重建社会支持网络",
                    "attainment": "部分达到",
                    "evidence": "参加互助小组，与两名组员保持联系。",
                },
            ],
            "next_plan": "每月面谈一次；链接居家养老资源减轻照顾压力；三个月后评估是否结案。",
            "supervisor_opinion": "同意继续跟进，重点处理照顾者压力。",
        },
    )


class ProblemRating(FormPart):
    """One problem and its severity, 1 (不严重) to 5 (非常严重)."""

    problem: ShortText = Field(title="问题")
    baseline: Count = Field(title="初评分（1–5）")
    current: Count = Field(title="本次评分（1–5）")
    note: Text | None = Field(None, title="说明")

    def check(self, checks: Checks) -> None:
        checks.within("baseline", 1, 5)
        checks.within("current", 1, 5)


class ScaleStage(Choice):
    PRE = "前测"
    MID = "中期"
    POST = "后测"


@register
class ProblemScale(FormModel):
    """《服务使用者问题评量表》: rates the client's problems to measure change."""

    form_id = "problem_scale"
    title = "服务使用者问题评量表"
    key_field = "scale_id"
    name_field = "client_name"
    area = "个案"
    subject_type = "case"
    subject_field = "case_id"
    date_field = "assessment_date"
    sources = ("000 附件1 第五步",)
    rules = ("每项评分在 1 到 5 之间（1 不严重，5 非常严重）", "评量日期不早于接案日期")
    signatures = ("服务对象|assessment_date", "负责社工|assessment_date", "督导")
    # What each score means, printed under the ratings so every rater scores alike.
    legend: ClassVar[str] = (
        "评分说明：1 不严重　2 轻微　3 中等　4 严重　5 非常严重。分数越低，问题越轻；"
        "本次评分低于初评分即为改善。合计：初评 {{ baseline_total }} 分，本次 {{ current_total }} 分，"
        "变化 {{ change }} 分。"
    )

    scale_id: ShortText = Field(title="评量编号", description="如 GA-2024-017-S2")
    case_id: ShortText = Field(title="个案编号")
    client_name: ShortText = Field(title="服务对象姓名")
    worker_name: ShortText = Field(title="负责社工")
    intake_date: Date = Field(title="接案日期")
    assessment_date: Date = Field(title="评量日期")
    stage: ScaleStage = Field(title="评量阶段")
    ratings: list[ProblemRating] = Field(title="问题评分", description="每个问题一行")
    conclusion: Text = Field(title="评估结论")

    def check(self, checks: Checks) -> None:
        checks.order("intake_date", "assessment_date")
        checks.at_least("ratings", 1)

    def template_extras(self) -> dict[str, str]:
        before = sum(r.baseline for r in self.ratings)
        now = sum(r.current for r in self.ratings)
        return {
            "baseline_total": str(before),
            "current_total": str(now),
            "change": f"{now - before:+d}",
        }

    examples = (
        {
            "scale_id": "GA-2024-017-S2",
            "case_id": "GA-2024-017",
            "client_name": "李小明",
            "worker_name": "黄嘉欣",
            "intake_date": "2024-03-04",
            "assessment_date": "2024-06-20",
            "stage": "后测",
            "ratings": [
                {
                    "problem": "课堂注意力不集中",
                    "baseline": "4",
                    "current": "2",
                    "note": "老师反馈明显改善",
                },
                {"problem": "与同学冲突", "baseline": "5", "current": "2"},
                {
                    "problem": "亲子沟通不良",
                    "baseline": "4",
                    "current": "3",
                    "note": "母亲仍易急躁",
                },
            ],
            "conclusion": "三项问题均有改善，冲突次数由每周3–4次降至每月1次；亲子沟通需继续巩固。",
        },
    )
