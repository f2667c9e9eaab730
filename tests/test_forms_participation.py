"""Taking part in groups and activities (seed 001 第八条; 000 第二章 二5; 003 二(三), 六(二)1):
registration, sign-in, withdrawal, automatic exit, and the excused absences of the attendance
sheet. Each example is rendered and opened; each cross-field rule is broken once."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook
from pydantic import ValidationError

from lvye_forms import api
from lvye_forms.registry import get_form

from .conftest import example_with_row as with_row
from .conftest import form_example as example
from .conftest import validate_form as validate
from .conftest import validation_errors

NBSP = "\u00a0"


def errors_of(form_id: str, data: dict) -> list[tuple[tuple, str]]:
    return sorted(validation_errors(form_id, data))


# --- documents: the values where they belong ------------------------------------------------


def docx_of(form_id: str, n: int):
    return Document(io.BytesIO(api.render_record(validate(form_id, example(form_id, n)))))


def _plain(text: str) -> str:
    return text.replace(NBSP, " ").replace("\n", "").strip()


def right_of(document, label: str) -> str:
    """The text of the cell right of the cell labelled `label` (a wrapped label matches)."""
    for table in document.tables:
        for row in table.rows:
            cells = row.cells
            for index, cell in enumerate(cells[:-1]):
                if _plain(cell.text) == label:
                    following = [c for c in cells[index + 1 :] if c._tc is not cell._tc]
                    return _plain(following[0].text)
    raise AssertionError(f"no cell labelled {label!r}")


def body_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def assert_no_program_text(text: str) -> None:
    for bad in ("{{", "}}", "{%", "None", "('", "True", "False"):
        assert bad not in text, bad


@pytest.mark.parametrize("form_id", ["group_withdrawal", "activity_withdrawal"])
def test_withdrawal_prints_the_statement_and_each_value_by_its_label(form_id):
    subject = "小组" if form_id == "group_withdrawal" else "活动"
    for n, data in enumerate(get_form(form_id).examples):
        document = docx_of(form_id, n)
        name = data[f"{'group' if subject == '小组' else 'activity'}_name"]
        statements = [p.text for p in document.paragraphs if p.text.startswith("本人申请退出")]
        assert statements == [f"本人申请退出{name}，原因及有关情况如下："]
        assert right_of(document, f"{subject}名称") == name
        assert right_of(document, "参加者姓名") == data["member_name"]
        assert right_of(document, "退出原因") == data["reason"]
        assert f"☑ {data['way']}" in right_of(document, "申请方式")
        assert "☑ 是" in right_of(document, "负责社工同意")
        assert_no_program_text(body_text(document))
    # The child's withdrawal (example 1) carries the guardian's written consent.
    child = docx_of(form_id, 1)
    assert right_of(child, "家长或监护人") == get_form(form_id).examples[1]["guardian_name"]
    assert "☑ 书面同意" in right_of(child, "监护人同意方式")
    assert "☑ 是" in right_of(child, "缺乏行为能力")


def test_group_withdrawal_shows_the_referral():
    document = docx_of("group_withdrawal", 0)
    assert right_of(document, "转介机构") == "东城街道居家养老服务中心"
    assert right_of(document, "同意日期") == "2024年6月12日"
    assert "☑ 是" in right_of(document, "需要转介")


def test_exit_notice_words_follow_the_seed():
    absent = docx_of("group_exit_notice", 0)
    text = body_text(absent)
    assert (
        "陈思远：你于第2、3节连续无故缺席，且没有任何通知，视为自动退出"
        "“情绪小管家”儿童情绪管理成长小组。退出在本通知发出时即生效。"
    ) in text
    assert right_of(absent, "缺席节次") == "2、3"
    assert right_of(absent, "家长或监护人") == "陈国栋（父亲）"
    assert "☑ 是" in right_of(absent, "已通知家长或监护人")
    assert "☑ 电话" in right_of(absent, "通知方式")
    assert_no_program_text(text)

    conduct = docx_of("group_exit_notice", 1)
    text = body_text(conduct)
    assert "负责社工与项目督导商议后，终止你参与本小组的资格" in text
    assert right_of(conduct, "商议的项目督导") == "林慧敏"
    assert right_of(conduct, "表现及劝喻经过").startswith("第3、4节多次大声辱骂其他组员")
    assert "☑ 表现恶劣经劝喻无效" in right_of(conduct, "退出原因")
    assert_no_program_text(text)


# --- tabular forms: each row's values under their headers -----------------------------------


def sheet_rows(form_id: str, n: int) -> list[list]:
    record = validate(form_id, example(form_id, n))
    sheet = load_workbook(io.BytesIO(api.render_record(record))).worksheets[0]
    return [[c.value for c in row] for row in sheet.iter_rows()]


def table_of(rows: list[list], first_header: str) -> tuple[list, list[dict]]:
    """The header row (the one starting with `first_header`) and the rows under it as dicts,
    up to the first empty row."""
    start = next(i for i, r in enumerate(rows) if r[0] == first_header)
    # The layout may break a long header over two lines; the words are what count.
    header = [h.replace("\n", "") if isinstance(h, str) else h for h in rows[start]]
    body = []
    for row in rows[start + 1 :]:
        if all(v in (None, "") for v in row):
            break
        body.append(dict(zip(header, row, strict=False)))
    return header, body


def fact(rows: list[list], label: str):
    """The value printed after `label` above the table (in the label's cell or the next)."""
    for row in rows:
        cells = [v for v in row if v not in (None, "")]
        for index, value in enumerate(cells):
            text = str(value)
            if text.startswith(f"{label}：") and text != f"{label}：":
                return text.removeprefix(f"{label}：").split("　")[0]
            if text.rstrip("：") == label and index + 1 < len(cells):
                return cells[index + 1]
    raise AssertionError(f"no fact {label!r}")


def signature_row(rows: list[list], who: str) -> str:
    """The signature line of `who`, under the table (searched from the bottom)."""
    line = next(r for r in reversed(rows) if any(str(v).startswith(who) for v in r if v))
    return " ".join(str(v) for v in line if v)


def test_activity_registration_lists_each_applicant():
    rows = sheet_rows("activity_registration", 0)
    assert fact(rows, "活动名称") == "“指尖上的生活”长者智能手机学习班"
    assert str(fact(rows, "名额")) == "3"
    assert fact(rows, "活动日期") == "2024年11月8日"
    header, body = table_of(rows, "姓名")
    assert header[:5] == ["姓名", "性别", "年龄", "联系电话", "申请形式"]
    by_name = {r["姓名"]: r for r in body}
    assert list(by_name) == ["黄国华", "林秀珍", "郭少芬", "陈伯坤"]
    guo = by_name["郭少芬"]
    assert (guo["年龄"], guo["缺乏行为能力"], guo["家长或监护人"], guo["监护人同意方式"]) == (
        79,
        "是",
        "郭志伟（儿子）",
        "签署",
    )
    assert by_name["林秀珍"]["申请形式"] == "社工邀请（豁免申请）"
    assert by_name["林秀珍"]["录取方式"] == "特别安排"
    assert by_name["陈伯坤"]["是否录取"] == "否"
    assert "2024年11月1日" in signature_row(rows, "负责社工")


def test_activity_registration_of_children_names_their_guardians():
    _, body = table_of(sheet_rows("activity_registration", 1), "姓名")
    assert [(r["姓名"], r["家长或监护人"], r["监护人同意方式"]) for r in body] == [
        ("李小明", "陈美玲", "签署"),
        ("王思琪", "王建国", "口头同意"),
        ("张子轩", "刘婷", "签署"),
    ]


@pytest.mark.parametrize("n", [0, 1])
def test_activity_signin_has_a_column_to_sign_on_paper(n):
    rows = sheet_rows("activity_signin", n)
    header, body = table_of(rows, "序号")
    assert header[-1] == "参加者签名"
    data = get_form("activity_signin").examples[n]
    assert [r["姓名"] for r in body] == [p["name"] for p in data["participants"]]
    assert [r["序号"] for r in body] == list(range(1, len(body) + 1))
    assert [r["签到时间"] for r in body] == [p["time_in"] for p in data["participants"]]
    assert all(r["参加者签名"] in (None, "") for r in body)
    text = "\n".join(str(v) for r in rows for v in r if v is not None)
    assert_no_program_text(text)


def test_attendance_marks_an_excused_session_apart_from_an_unexplained_one():
    rows = sheet_rows("group_attendance", 0)
    header, body = table_of(rows, "序号")
    by_name = {r["组员姓名"]: r for r in body}
    sessions = [h for h in header if str(h).startswith("第")]
    assert [by_name["周子涵"][s] for s in sessions] == ["✓", "✓", "假", "✓"]
    assert [by_name["陈思远"][s] for s in sessions] == ["✓", "缺", "缺", "✓"]
    assert by_name["周子涵"]["出席次数"] == 3
    assert fact(rows, "标记") == "✓ 出席　假 请假　缺 缺席（未请假）"


# --- each rule broken once ------------------------------------------------------------------

C, INVALID = "lvye.conditional", "lvye.invalid"

BROKEN = [
    # 001 第八条 三2: 没有行为能力的申请人，须得到家长／监护人签署或口头同意 (a minor counts).
    (
        "activity_registration",
        with_row("activity_registration", "applicants", 0, 1, guardian_name=""),
        [(("applicants", 0, "guardian_name"), C)],
    ),
    (
        "activity_registration",
        with_row("activity_registration", "applicants", 0, 0, lacks_capacity="是"),
        [
            (("applicants", 0, "guardian_consent"), C),
            (("applicants", 0, "guardian_name"), C),
            (("applicants", 0, "route"), C),  # 001 第八条 二2: 须由家长／监护人申请
        ],
    ),
    (
        "activity_registration",
        with_row("activity_registration", "applicants", 2, 0, route="自行申请"),
        [(("applicants", 2, "route"), C)],
    ),
    # 001 第八条 四3: 特别情况…按申请人的实际情况及需要性作出安排.
    (
        "activity_registration",
        with_row("activity_registration", "applicants", 1, 0, note=""),
        [(("applicants", 1, "note"), C)],
    ),
    (
        "activity_registration",
        with_row("activity_registration", "applicants", 0, 0, age="130"),
        [(("applicants", 0, "age"), INVALID)],
    ),
    (
        "activity_registration",
        example("activity_registration", 0, quota="2"),
        [(("applicants",), INVALID)],
    ),
    (
        "activity_registration",
        example("activity_registration", 0, registration_date="2024-11-09"),
        [(("activity_date",), "lvye.date_order")],
    ),
    (
        "activity_registration",
        example("activity_registration", 0, applicants=[]),
        [(("applicants",), "lvye.too_few")],
    ),
    # 001 第八条 五2(3): 连续无故缺席 / 表现恶劣…与项目督导商议 / 须通知其家长／监护人.
    (
        "group_exit_notice",
        example("group_exit_notice", 0, absent_sessions=""),
        [(("absent_sessions",), C)],
    ),
    (
        "group_exit_notice",
        example("group_exit_notice", 0, absent_sessions="2、4"),
        [(("absent_sessions",), INVALID)],
    ),
    (
        "group_exit_notice",
        example("group_exit_notice", 0, absent_sessions="3"),
        [(("absent_sessions",), INVALID)],
    ),
    ("group_exit_notice", example("group_exit_notice", 1, supervisor=""), [(("supervisor",), C)]),
    ("group_exit_notice", example("group_exit_notice", 1, conduct=""), [(("conduct",), C)]),
    (
        "group_exit_notice",
        example("group_exit_notice", 0, guardian_notified="否"),
        [(("guardian_notified",), C)],
    ),
    (
        "group_exit_notice",
        example("group_exit_notice", 0, guardian_name=""),
        [(("guardian_name",), C)],
    ),
    # 003 六(二)1: 活动参与者签到.
    (
        "activity_signin",
        with_row("activity_signin", "participants", 1, 0, time_in="八点五十"),
        [(("participants", 1, "time_in"), INVALID)],
    ),
    (
        "activity_signin",
        example("activity_signin", 0, participants=[]),
        [(("participants",), "lvye.too_few")],
    ),
    # The attendance sheet's excused sessions.
    (
        "group_attendance",
        with_row("group_attendance", "members", 1, 0, excused="2、3"),
        [(("members", 1, "excused"), INVALID)],
    ),
    (
        "group_attendance",
        with_row("group_attendance", "members", 1, 0, excused="3、6"),
        [(("members", 1, "excused"), C)],
    ),
]


@pytest.mark.parametrize(
    ("form_id", "data", "expected"), BROKEN, ids=lambda v: v if isinstance(v, str) else ""
)
def test_each_rule_broken_once_names_the_cell_to_fix(form_id, data, expected):
    assert errors_of(form_id, data) == sorted(expected)


# 001 第八条 五1: 须事前特别向负责社工作书面或口头申请，并得到负责社工的同意，方能生效;
# 五2(1): 没有行为能力的参加者须得家长／监护人以书面或口头同意; 五2(2): 负责社工须…清楚说明
# 退出…的情况和程序; 五2(4): 如有需要，经服务使用者同意，可转介.
WITHDRAWAL_BREAKS = [
    ({"lacks_capacity": "是"}, [(("guardian_consent",), C), (("guardian_name",), C)]),
    ({"explained": "否"}, [(("explained",), C)]),
    ({"agreed_date": ""}, [(("agreed_date",), C)]),
    ({"agreed_date": "2024-01-01"}, [(("agreed_date",), "lvye.date_order")]),
    ({"worker_agreed": "否"}, [(("agreed_date",), C)]),
    (
        {"referral_needed": "是", "referral_to": "", "referral_consented": "是"},
        [(("referral_to",), C)],
    ),
    (
        {"referral_needed": "是", "referral_to": "某某机构", "referral_consented": "否"},
        [(("referral_consented",), C)],
    ),
]


@pytest.mark.parametrize("form_id", ["group_withdrawal", "activity_withdrawal"])
@pytest.mark.parametrize(("changes", "expected"), WITHDRAWAL_BREAKS)
def test_withdrawal_rules(form_id, changes, expected):
    assert errors_of(form_id, example(form_id, 0, **changes)) == sorted(expected)


def test_rule_messages_say_why():
    with pytest.raises(ValidationError) as caught:
        validate("group_exit_notice", example("group_exit_notice", 0, absent_sessions="2、4"))
    assert "第 2、4 节不是连续两节或以上的缺席" in caught.value.errors()[0]["msg"]
    with pytest.raises(ValidationError) as caught:
        validate("group_attendance", with_row("group_attendance", "members", 1, 0, excused="2、3"))
    assert "第 2 节同时填在出席节次和请假节次中" in caught.value.errors()[0]["msg"]


def test_a_member_absent_from_every_session_leaves_attended_empty():
    record = validate(
        "group_attendance", with_row("group_attendance", "members", 4, 0, attended="", note="")
    )
    assert record.members[4].attended == []
    assert record.members[1].excused == [3]


def test_withdrawal_lists_the_group_before_the_member():
    fields = list(get_form("group_withdrawal").model_fields)
    assert fields[:3] == ["group_id", "group_name", "withdrawal_id"]
    assert list(get_form("activity_withdrawal").model_fields)[:2] == [
        "activity_id",
        "activity_name",
    ]
