"""Case work 个案: forms of the 接案 → 预估 → 计划 → 介入 → 评估 → 结案 procedure."""

from __future__ import annotations

from pydantic import Field

from ..fields import ChineseID, Choice, CnDate, Phone, ShortText, Text, YesNo
from ..fields import PastDate as Date
from ..model import Checks, FormModel, FormPart
from ..registry import register
from .common import ClientGroup, ClientSource, ClientType, Sex, age_on


class ApplicationRoute(Choice):
    """How the request reached the agency (seed 000 第二章 二4; 001 第七条; 003 二(二)3)."""

    SELF = "自行申请"
    GUARDIAN = "家长或监护人转介"
    REFERRAL = "公众人士或机构转介"
    OUTREACH = "社工主动接触"


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
        with checks.rule():
            checks.required_when(
                "referrer",
                self.application_route is ApplicationRoute.REFERRAL,
                "申请形式为“公众人士或机构转介”，须填写转介人或机构",
            )
        with checks.rule():
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


class InquiryMethod(Choice):
    IN_PERSON = "亲临"
    PHONE = "致电"
    WRITTEN = "书面"
    VISIT = "探访"


class SupervisorDecision(Choice):
    """The supervisor's approval of an inquiry (001 第七条 三4)."""

    AGREE = "同意"
    DISAGREE = "不同意"


class InquiryDecision(Choice):
    ACCEPT = "接案跟进"
    REFER = "转介其他机构"
    INFORM = "提供资料后结束"
    INELIGIBLE = "不符合服务资格"


@register
class IntakeInquiry(FormModel):
    """《查询接案探访记录》: the duty worker's record of an inquiry or visit (001 第七条 三1)."""

    form_id = "intake_inquiry"
    title = "查询接案探访记录"
    key_field = "record_id"
    name_field = "client_name"
    area = "个案"
    subject_type = "case"
    subject_field = "case_id"
    # An inquiry that was not followed as a case is an application (refused, referred or
    # answered with information), keyed by its record id: never a case named "None".
    other_subject_type = "application"
    date_field = "inquiry_date"
    sources = ("001 第七条 三1", "001 第七条 三4", "001 第七条 五", "000 第二章 二4")
    rules = (
        "决定“接案跟进”时须填写个案编号",
        "转介或不符合资格时须说明原因（拒绝申请须向申请人解释）",
        "督导审批日期不早于查询日期",
        "督导的审批决定（同意／不同意跟进）和审批日期须同时填写",
    )
    signatures = ("当值社工|inquiry_date", "督导|supervisor_date")
    sections = {"situation": "查询内容", "decision": "处理与审批"}

    record_id: ShortText = Field(title="记录编号", description="如 CX-2024-031；每份记录唯一")
    case_id: ShortText | None = Field(None, title="个案编号", description="接案跟进时必填")
    inquiry_date: Date = Field(title="查询日期")
    method: InquiryMethod = Field(title="查询方式")
    duty_worker: ShortText = Field(title="当值社工")
    inquirer_name: ShortText = Field(title="查询人姓名")
    inquirer_relation: ShortText | None = Field(
        None, title="与服务对象关系", description="本人查询填“本人”"
    )
    inquirer_phone: Phone | None = Field(None, title="查询人电话")
    client_name: ShortText = Field(title="服务对象姓名")
    client_sex: Sex | None = Field(None, title="服务对象性别")
    source: ClientSource = Field(title="服务对象来源")
    client_type: ClientType = Field(title="服务对象类型")
    situation: Text = Field(title="情况摘要")
    initial_needs: Text = Field(title="初步需求")
    decision: InquiryDecision = Field(title="处理决定")
    decision_reason: Text | None = Field(
        None, title="决定原因", description="转介或不符合资格时必填"
    )
    referral_to: ShortText | None = Field(None, title="转介机构")
    supervisor_decision: SupervisorDecision | None = Field(
        None, title="督导审批", description="同意 或 不同意（001 第七条 三4：审批通过后方可跟进个案）"
    )
    supervisor_opinion: Text | None = Field(None, title="督导意见")
    supervisor_date: Date | None = Field(None, title="督导审批日期")

    def check(self, checks: Checks) -> None:
        with checks.rule():
            checks.required_when(
                "case_id", self.decision is InquiryDecision.ACCEPT, "决定接案跟进，须填写个案编号"
            )
        with checks.rule():
            refused = self.decision in (InquiryDecision.REFER, InquiryDecision.INELIGIBLE)
            checks.required_when(
                "decision_reason", refused, "转介或不予受理时，须向申请人说明原因并记录"
            )
        with checks.rule():
            checks.required_when(
                "referral_to", self.decision is InquiryDecision.REFER, "决定转介，须填写转介机构"
            )
        checks.order("inquiry_date", "supervisor_date")
        with checks.rule():
            checks.required_when(
                "supervisor_decision",
                self.supervisor_date is not None,
                "已填写督导审批日期，须写明督导同意或不同意",
            )
            checks.required_when(
                "supervisor_date",
                self.supervisor_decision is not None,
                "已写明督导的审批决定，须填写审批日期",
            )

    examples = (
        {
            "record_id": "CX-2024-031",
            "case_id": "GA-2024-017",
            "inquiry_date": "2024-02-27",
            "method": "亲临",
            "duty_worker": "黄嘉欣",
            "inquirer_name": "陈美玲",
            "inquirer_relation": "母亲",
            "inquirer_phone": "13802461357",
            "client_name": "李小明",
            "client_sex": "男",
            "source": "他人转介",
            "client_type": "自愿性",
            "situation": "母亲到社工站咨询：儿子11岁，近半年上课注意力不集中，与同学多次冲突，老师建议寻求社工协助。",
            "initial_needs": "改善学校适应和同伴关系；母亲希望学习与孩子沟通的方法。",
            "decision": "接案跟进",
            "supervisor_decision": "同意",
            "supervisor_opinion": "同意接案，由黄嘉欣跟进，一周内完成预估。",
            "supervisor_date": "2024-02-28",
        },
        {
            "record_id": "CX-2024-036",
            "inquiry_date": "2024-03-12",
            "method": "致电",
            "duty_worker": "黄嘉欣",
            "inquirer_name": "周建华",
            "inquirer_relation": "本人",
            "client_name": "周建华",
            "client_sex": "男",
            "source": "主动求助",
            "client_type": "自愿性",
            "situation": "来电咨询劳动仲裁，希望社工代为出庭；居住和工作地点都不在本站服务范围。",
            "initial_needs": "劳动争议的法律援助。",
            "decision": "不符合服务资格",
            "decision_reason": "不在本站服务范围，且所需为法律代理，非社工服务。",
            "supervisor_decision": "同意",
            "supervisor_opinion": "同意不予受理，请电话说明原因并介绍市法律援助处。",
            "supervisor_date": "2024-03-13",
        },
    )


class FamilyMemberInfo(FormPart):
    name: ShortText = Field(title="姓名")
    relation: ShortText = Field(title="与服务对象关系")
    age: ShortText | None = Field(None, title="年龄")
    occupation: ShortText | None = Field(None, title="职业")
    lives_with: YesNo = Field(title="是否同住")


@register
class CaseIntake(FormModel):
    """《建档、个案基本资料表》: basic information, current problems and strengths (预估)."""

    form_id = "case_intake"
    title = "建档、个案基本资料表"
    key_field = "case_id"
    name_field = "client_name"
    area = "个案"
    subject_type = "case"
    date_field = "assessment_date"
    sources = ("000 附件1 第二步",)
    rules = ("出生日期、性别须与身份证号一致", "预估日期不早于接案日期")
    signatures = ("负责社工|assessment_date", "督导")
    sections = {
        "case_id": "一、基本信息",
        "psychological": "二、个人资料",
        "family_situation": "三、环境资料",
        "current_problems": "四、目前的问题",
        "strengths": "五、优势视角",
        "diagnosis": "六、问题诊断与介入建议",
    }

    case_id: ShortText = Field(title="个案编号")
    client_name: ShortText = Field(title="服务对象姓名")
    client_sex: Sex = Field(title="性别")
    client_birth_date: Date = Field(title="出生日期")
    client_id_number: ChineseID | None = Field(None, title="身份证号")
    client_phone: Phone | None = Field(None, title="联系电话")
    address: ShortText | None = Field(None, title="住址")
    client_group: ClientGroup = Field(title="服务对象类别")
    source: ClientSource = Field(title="服务对象来源")
    client_type: ClientType = Field(title="服务对象类型")
    education: ShortText | None = Field(None, title="文化程度")
    occupation: ShortText | None = Field(None, title="职业/就读学校")
    worker_name: ShortText = Field(title="负责社工")
    intake_date: Date = Field(title="接案日期")
    assessment_date: Date = Field(title="预估日期")
    family_members: list[FamilyMemberInfo] = Field(default_factory=list, title="家庭成员")
    psychological: Text = Field(title="心理状况")
    physiological: Text = Field(title="生理/健康状况")
    social: Text = Field(title="社会交往")
    family_situation: Text = Field(title="家庭情况")
    peers: Text | None = Field(None, title="同辈群体")
    community: Text | None = Field(None, title="社区环境")
    resources: Text | None = Field(None, title="周边资源")
    school_work: Text | None = Field(None, title="学习/工作环境")
    current_problems: Text = Field(title="目前的问题", description="主要表现")
    strengths: Text = Field(title="优势视角", description="服务对象的能力和环境中拥有的资源")
    diagnosis: Text = Field(title="问题成因")
    suggestions: Text = Field(title="介入建议")

    def check(self, checks: Checks) -> None:
        checks.matches_id("client_id_number", "client_birth_date", "client_sex")
        checks.order("intake_date", "assessment_date")

    examples = (
        {
            "case_id": "GA-2024-017",
            "client_name": "李小明",
            "client_sex": "男",
            "client_birth_date": "2012-05-06",
            "client_id_number": "441900201205060035",
            "address": "东莞市东城区主山社区振兴路8号",
            "client_group": "青少年",
            "source": "他人转介",
            "client_type": "自愿性",
            "education": "小学五年级",
            "occupation": "主山小学",
            "worker_name": "黄嘉欣",
            "intake_date": "2024-02-28",
            "assessment_date": "2024-03-01",
            "family_members": [
                {
                    "name": "陈美玲",
                    "relation": "母亲",
                    "age": "38",
                    "occupation": "工厂文员",
                    "lives_with": "是",
                },
                {
                    "name": "李建国",
                    "relation": "父亲",
                    "age": "40",
                    "occupation": "货车司机",
                    "lives_with": "否",
                },
            ],
            "psychological": "自我评价较低，受批评时容易发脾气；喜欢画画。",
            "physiological": "身体健康，睡眠时间偏少（常玩手机至深夜）。",
            "social": "班上有两位要好的朋友，与其他同学冲突较多。",
            "family_situation": "父亲长期在外跑运输，每月回家两三次；母亲下班后较疲惫，亲子沟通以批评为主。",
            "peers": "与同桌多次发生口角，曾被老师请家长。",
            "school_work": "班主任愿意配合，学校有心理老师。",
            "current_problems": "课堂注意力不集中，情绪控制困难，同伴冲突；亲子沟通不良。",
            "strengths": "有绘画特长并愿意参加活动；母亲求助动机强；学校支持。",
            "diagnosis": "父亲长期缺席、母亲管教方式偏严厉，孩子缺少表达情绪的渠道。",
            "suggestions": "个案辅导改善情绪表达；邀请参加情绪管理小组；开展亲子沟通辅导。",
        },
    )


class PlanStage(FormPart):
    """One stage of the service plan: when, aiming at what, by which methods and resources."""

    stage: ShortText = Field(title="阶段")
    start_date: CnDate = Field(title="开始日期")
    end_date: CnDate = Field(title="结束日期")
    goal: Text = Field(title="阶段目标")
    methods: Text = Field(title="方法")
    resources: Text | None = Field(None, title="需要的资源")

    def check(self, checks: Checks) -> None:
        checks.order("start_date", "end_date")


@register
class CasePlan(FormModel):
    """《个案服务计划书》: the six parts of a case's service plan (000 附件1 第三步; 004 3.3)."""

    form_id = "case_plan"
    title = "个案服务计划书"
    key_field = "case_id"
    name_field = "client_name"
    area = "个案"
    subject_type = "case"
    date_field = "plan_date"
    sources = ("000 附件1 第三步", "004 3.3")
    rules = (
        "计划日期不早于接案日期",
        "服务对象须在计划上签署（签署日期不早于计划日期）；未满18岁或缺乏行为能力时由监护人签署",
        "各阶段的结束日期不早于开始日期",
    )
    signatures = ("服务对象（或监护人）|client_signed_date", "负责社工|plan_date", "督导")
    sections = {
        "basic_situation": "一、服务对象的基本情况",
        "main_problems": "二、主要问题及相关问题",
        "client_goals": "三、案主要达到的结果与工作者目标",
        "stages": "四、阶段、方法及资源（五、期限与具体工作计划）",
        "evaluation_method": "六、评估成效方法",
    }

    case_id: ShortText = Field(title="个案编号")
    client_name: ShortText = Field(title="服务对象姓名")
    worker_name: ShortText = Field(title="负责社工")
    intake_date: Date = Field(title="接案日期")
    plan_date: Date = Field(title="计划日期")
    basic_situation: Text = Field(title="基本情况")
    main_problems: Text = Field(title="主要问题及相关问题")
    client_goals: Text = Field(
        title="案主要达到的结果", description="长期与短期目标，具体、可衡量（SMART）"
    )
    worker_goals: Text = Field(title="工作者目标")
    agreed_goals: Text = Field(title="协定的治疗目标")
    service_model: ShortText = Field(
        title="服务模式", description="如 认知行为治疗模式、任务中心模式"
    )
    stages: list[PlanStage] = Field(title="阶段计划", description="每个阶段一行")
    evaluation_method: Text = Field(title="评估成效方法")
    signed_by_guardian: YesNo = Field(False, title="由监护人签署")
    client_signed_date: Date = Field(title="服务对象签署日期")

    def check(self, checks: Checks) -> None:
        checks.order("intake_date", "plan_date")
        checks.order("plan_date", "client_signed_date")
        checks.at_least("stages", 1)

    examples = (
        {
            "case_id": "GA-2024-017",
            "client_name": "李小明",
            "worker_name": "黄嘉欣",
            "intake_date": "2024-03-04",
            "plan_date": "2024-03-12",
            "basic_situation": "11岁男孩，小学五年级，与母亲同住，父亲长期在外工作。",
            "main_problems": "情绪控制困难、同伴冲突；亲子沟通以批评为主。",
            "client_goals": "三个月内每周课堂冲突不超过1次；能说出3种情绪及应对方法。",
            "worker_goals": "协助案主掌握情绪调节方法；改善母子沟通方式。",
            "agreed_goals": "减少冲突、学会表达情绪、每周一次亲子共处时间。",
            "service_model": "认知行为治疗模式",
            "stages": [
                {
                    "stage": "建立关系",
                    "start_date": "2024-03-12",
                    "end_date": "2024-03-31",
                    "goal": "建立信任关系，明确目标",
                    "methods": "面谈、绘画表达",
                    "resources": "社工站面谈室",
                },
                {
                    "stage": "介入",
                    "start_date": "2024-04-01",
                    "end_date": "2024-05-31",
                    "goal": "学习情绪调节；改善亲子沟通",
                    "methods": "个别辅导、情绪管理小组、亲子面谈",
                    "resources": "情绪管理小组、学校心理老师",
                },
                {
                    "stage": "巩固与结案",
                    "start_date": "2024-06-01",
                    "end_date": "2024-06-30",
                    "goal": "巩固改变，准备结案",
                    "methods": "回顾面谈、家访",
                },
            ],
            "evaluation_method": "前后测《服务使用者问题评量表》；老师和母亲的反馈；冲突次数记录。",
            "signed_by_guardian": "是",
            "client_signed_date": "2024-03-12",
        },
    )
