"""Every error in one pass: field errors and the cross-field rules whose inputs are valid.

Staff fix a row once: a run reports every bad cell *and* every broken rule between cells that
are themselves valid, instead of showing the rules only after the cells are fixed. A rule that
needs a cell that failed is skipped (its cell error says what to fix), never reported as
"required" and never a crash.
"""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import textwrap
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pydantic import Field, ValidationError

from lvye_forms import api
from lvye_forms.fields import CnDate, Count, ShortText
from lvye_forms.model import Checks, FormModel, FormPart
from lvye_forms.registry import all_forms, get_form, spec

from .conftest import TODAY, example_sheets, write_workbook


def problems_of(tmp_path: Path, form_id: str, sheets: dict[str, list[list[Any]]]) -> list[Any]:
    path = write_workbook(tmp_path / f"{form_id}.xlsx", sheets)
    reports = api.render_path(path, tmp_path / "out", today=TODAY)
    problems = [p for report in reports for p in report.problems]
    for problem in problems:
        assert problem.sheet and problem.row is not None and problem.column, problem
    return problems


def found(problems: list[Any]) -> set[tuple[str, str]]:
    """{(column, code)} of the problems."""
    return {(p.column, p.code) for p in problems}


def set_part_cell(
    sheets: dict[str, list[list[Any]]], form_id: str, part: str, index: int, column: str, value: Any
) -> None:
    """Change one cell of the `index`-th row of a list sheet (0 = first data row)."""
    form = spec(form_id)
    part_spec = next(p for p in form.parts if p.name == part)
    rows = sheets[part_spec.label]
    rows[index + 1][rows[0].index(column)] = value


# --- the case of the issue -------------------------------------------------------------------


def test_consent_reports_bad_phone_signature_order_and_missing_guardian_at_once(tmp_path):
    sheets = example_sheets(
        "case_consent",
        overrides={
            "联系电话": "12345",
            "服务对象签署日期": "2024-03-01",  # intake was 2024-03-04
            "监护人姓名": "",  # the client is 11
            "监护人与服务对象关系": "",
            "监护人签署日期": "",
        },
    )
    problems = problems_of(tmp_path, "case_consent", sheets)
    assert found(problems) == {
        ("联系电话", "phone"),
        ("服务对象签署日期", "date_order"),
        ("监护人姓名", "conditional"),
        ("监护人与服务对象关系", "conditional"),
        ("监护人签署日期", "conditional"),
    }
    assert {p.row for p in problems} == {2}


def test_several_field_errors_and_several_rules_in_one_row(tmp_path):
    sheets = example_sheets(
        "case_consent",
        overrides={
            "联系电话": "12345",
            "身份证号": "441900201205060036",  # wrong check digit
            "申请形式": "公众人士或机构转介",  # needs a referrer, none given
            "社工签署日期": "2024-03-01",
            "负责社工": "",
        },
    )
    problems = problems_of(tmp_path, "case_consent", sheets)
    assert found(problems) == {
        ("联系电话", "phone"),
        ("身份证号", "id_checksum"),
        ("负责社工", "required"),
        ("转介人或机构", "conditional"),
        ("社工签署日期", "date_order"),
    }


# --- rules whose inputs failed are skipped ---------------------------------------------------


def test_rule_needing_a_failed_date_is_skipped_not_guessed(tmp_path):
    # Without a valid birth date the age is unknown: no guardian demanded, no order checked.
    sheets = example_sheets(
        "case_consent",
        overrides={"出生日期": "2012-13-40", "监护人姓名": "", "监护人与服务对象关系": ""},
    )
    assert found(problems_of(tmp_path, "case_consent", sheets)) == {("出生日期", "date")}


def test_rule_on_a_failed_intake_date_is_skipped_but_other_rules_still_run(tmp_path):
    sheets = example_sheets(
        "case_consent",
        overrides={"接案日期": "昨天", "监护人姓名": "", "性别": "女"},
    )
    assert found(problems_of(tmp_path, "case_consent", sheets)) == {
        ("接案日期", "date"),
        ("监护人姓名", "conditional"),
        ("性别", "id_mismatch"),
    }


def test_a_required_when_field_that_failed_is_not_also_reported_as_missing(tmp_path):
    # The guardian's name and signature date are needed (minor) and given, but invalid:
    # a control character (as Excel stores it: _x0007_) and a date that does not exist.
    sheets = example_sheets(
        "case_consent", overrides={"监护人姓名": "陈美_x0007_玲", "监护人签署日期": "2024-02-30"}
    )
    problems = problems_of(tmp_path, "case_consent", sheets)
    assert found(problems) == {("监护人姓名", "control_char"), ("监护人签署日期", "date")}


def test_failed_choice_does_not_trigger_rules_for_other_choices(tmp_path):
    # decision is not a valid choice: whether a reason is needed is unknown, so not reported.
    sheets = example_sheets(
        "gz_case_intake", overrides={_label("gz_case_intake", "decision"): "??"}
    )
    problems = problems_of(tmp_path, "gz_case_intake", sheets)
    assert found(problems) == {(_label("gz_case_intake", "decision"), "choice")}


def test_plain_code_rules_each_run_on_their_own(tmp_path):
    # termination_notice: the notice-period rule needs the (bad) notice date; the conference
    # rule does not, and is still reported; so is a missing referral agency.
    sheets = example_sheets(
        "termination_notice",
        overrides={
            "通知日期": "2024-02-30",
            "终止原因": "行为构成危险",
            "已召开个案会议": "否",
            "转介机构": "",
        },
    )
    assert found(problems_of(tmp_path, "termination_notice", sheets)) == {
        ("通知日期", "date"),
        ("已召开个案会议", "conditional"),
        ("转介机构", "conditional"),
    }


def test_bad_yes_no_is_reported_once_not_as_a_missing_consent(tmp_path):
    sheets = example_sheets(
        "case_referral", overrides={_label("case_referral", "client_consent"): "也许"}
    )
    problems = problems_of(tmp_path, "case_referral", sheets)
    assert found(problems) == {(_label("case_referral", "client_consent"), "boolean")}


def _label(form_id: str, name: str) -> str:
    return next(c.label for c in spec(form_id).columns if c.name == name)


# --- list parts count as fields --------------------------------------------------------------


def test_bad_part_row_with_main_rules_still_checked(tmp_path):
    sheets = example_sheets(
        "group_plan",
        overrides={"结束日期": "2024-04-01", "预算合计（元）": "abc"},  # before the start
    )
    set_part_cell(sheets, "group_plan", "sessions", 1, "日期", "2024-04-31")
    problems = problems_of(tmp_path, "group_plan", sheets)
    assert found(problems) == {
        ("日期", "date"),
        ("预算合计（元）", "money"),
        ("结束日期", "date_order"),
    }
    session_problem = next(p for p in problems if p.code == "date")
    assert session_problem.sheet == "具体活动计划" and session_problem.row == 3


def test_rules_over_a_failed_part_are_skipped_but_totals_of_a_valid_part_are_checked(tmp_path):
    sheets = example_sheets("group_plan", overrides={"预算合计（元）": "999"})
    set_part_cell(sheets, "group_plan", "sessions", 0, "节次", "一")
    problems = problems_of(tmp_path, "group_plan", sheets)
    # sessions failed: numbering, count and dates-in-range rules skipped; budget still adds up.
    assert found(problems) == {("节次", "number"), ("预算合计（元）", "sum")}


def test_rules_inside_a_part_row_run_next_to_its_field_errors(tmp_path):
    sheets = example_sheets("group_plan")
    # row 1: bad unit price, so its amount rule is skipped; row 2: amount wrong, reported.
    set_part_cell(sheets, "group_plan", "budget", 0, "单价（元）", "六十")
    set_part_cell(sheets, "group_plan", "budget", 1, "金额（元）", "149")
    set_part_cell(sheets, "group_plan", "budget", 1, "数量", "-3")
    set_part_cell(sheets, "group_plan", "budget", 2, "金额（元）", "11")
    problems = problems_of(tmp_path, "group_plan", sheets)
    assert {(p.row, p.column, p.code) for p in problems} == {
        (2, "单价（元）", "money"),
        (3, "数量", "negative"),
        (4, "金额（元）", "sum"),
    }


def test_stage_rows_of_a_plan(tmp_path):
    sheets = example_sheets("case_plan", overrides={"计划日期": "2024-03-01"})
    set_part_cell(sheets, "case_plan", "stages", 0, "开始日期", "bad")
    set_part_cell(sheets, "case_plan", "stages", 1, "结束日期", "2024-03-01")
    problems = problems_of(tmp_path, "case_plan", sheets)
    assert {(p.sheet, p.row, p.column, p.code) for p in problems} == {
        ("阶段计划", 2, "开始日期", "date"),
        ("阶段计划", 3, "结束日期", "date_order"),
        ("个案服务计划书", 2, "计划日期", "date_order"),
    }


def test_approval_chain_skips_only_the_levels_it_cannot_judge(tmp_path):
    form = "eldercare_approval"
    sheets = example_sheets(
        form,
        overrides={
            "初审日期": "2024-05-32",  # bad
            "复审日期": "2024-05-01",  # before the (bad) village date: cannot be judged
            "核准决定": "",  # city date given without the decision: reported
            "联系电话": "0769",
        },
    )
    assert found(problems_of(tmp_path, form, sheets)) == {
        ("初审日期", "date"),
        ("联系电话", "phone"),
        ("核准决定", "conditional"),
    }


# --- every form: one field error does not hide a rule elsewhere ------------------------------


def test_valid_rows_still_give_documents(tmp_path):
    path = write_workbook(tmp_path / "in.xlsx", example_sheets("case_consent"))
    reports = api.render_path(path, tmp_path / "out", today=TODAY)
    assert not [p for r in reports for p in r.problems]
    assert sum(len(r.documents) for r in reports) == 1


# --- the mechanism, on models written for the test -------------------------------------------


class _Row(FormPart):
    start: CnDate = Field(title="开始")
    end: CnDate = Field(title="结束")

    def check(self, checks: Checks) -> None:
        checks.order("start", "end")


class _Careless(FormModel):
    """A form whose check() is written without any care for partial data."""

    form_id: ClassVar[str] = "test_careless"
    title: ClassVar[str] = "测试"
    key_field: ClassVar[str] = "number"

    number: ShortText = Field(title="编号")
    low: Count = Field(title="下限")
    high: Count = Field(title="上限")
    start: CnDate = Field(title="开始")
    end: CnDate | None = Field(None, title="结束")
    note: ShortText | None = Field(None, title="说明")
    rows: list[_Row] = Field(default_factory=list, title="明细")

    def check(self, checks: Checks) -> None:
        checks.order("start", "end")
        with checks.rule():
            checks.required_when("note", self.high > 100, "上限超过100须说明")
        checks.at_least("rows", 1)
        with checks.rule():
            if self.low > self.high:  # reads fields itself: a rule of its own
                checks.add("low", "invalid", reason="下限大于上限")  # type: ignore[arg-type]
        with checks.rule():
            checks.required_when("end", self.start.year < 2000, "早于2000年须填写结束日期")


def _errors(data: dict[str, Any]) -> set[tuple[tuple[Any, ...], str]]:
    with pytest.raises(ValidationError) as caught:
        _Careless.model_validate(data, context={"today": TODAY})
    return {(tuple(e["loc"]), e["type"]) for e in caught.value.errors()}


GOOD = {
    "number": "A",
    "low": "1",
    "high": "200",
    "start": "1999-01-01",
    "note": "x",
    "end": "1999-02-01",
    "rows": [{"start": "2024-01-01", "end": "2024-01-02"}],
}


def test_valid_data_behaves_as_before():
    record = _Careless.model_validate(GOOD, context={"today": TODAY})
    assert record.high == 200 and record.rows[0].end == dt.date(2024, 1, 2)
    assert _errors({**GOOD, "end": "1998-01-01", "note": ""}) == {
        (("end",), "lvye.date_order"),
        (("note",), "lvye.conditional"),
    }


def test_rules_after_a_rule_that_meets_a_failed_field_are_not_lost():
    data = {**GOOD, "high": "很多", "end": "1998-01-01", "rows": []}
    # high failed: the high>100 rule and the low>high rule are skipped; the order
    # rule before them and the rows rule after them are still reported.
    assert _errors(data) == {
        (("high",), "lvye.number"),
        (("end",), "lvye.date_order"),
        (("rows",), "lvye.too_few"),
    }


def test_a_failed_part_row_is_a_failed_field_of_the_form():
    data = {
        **GOOD,
        "start": "x",
        "rows": [{"start": "2024-01-05", "end": "2024-01-01"}, {"start": "?"}],
    }
    assert _errors(data) == {
        (("start",), "lvye.date"),
        (("rows", 0, "end"), "lvye.date_order"),
        (("rows", 1, "start"), "lvye.date"),
        (("rows", 1, "end"), "missing"),
    }


def test_missing_required_fields_and_rules_together():
    data = {"number": "A", "start": "2024-01-02", "end": "2024-01-01", "rows": []}
    assert _errors(data) == {
        (("low",), "missing"),
        (("high",), "missing"),
        (("end",), "lvye.date_order"),
        (("rows",), "lvye.too_few"),
    }


def test_unknown_columns_and_bad_fields_together():
    data = {**GOOD, "extra": "1", "low": "-1", "end": "1998-01-01"}
    assert _errors(data) == {
        (("extra",), "extra_forbidden"),
        (("low",), "lvye.negative"),
        (("end",), "lvye.date_order"),
    }


def test_bug_in_a_rule_still_surfaces_for_valid_data():
    class Buggy(_Careless):
        def check(self, checks: Checks) -> None:
            raise TypeError("a bug")

    with pytest.raises(TypeError):
        Buggy.model_validate(GOOD, context={"today": TODAY})
    # …but on a row that already failed, the field errors are what staff get.
    with pytest.raises(ValidationError) as caught:
        Buggy.model_validate({**GOOD, "low": "x"}, context={"today": TODAY})
    assert [e["loc"] for e in caught.value.errors()] == [("low",)]


@pytest.mark.parametrize("form_id", ["case_consent", "group_plan", "eldercare_approval"])
def test_messages_of_field_errors_are_unchanged_by_the_second_pass(form_id):
    model = get_form(form_id)
    data = dict(model.examples[0])
    first = next(c for c in spec(form_id).columns if c.kind == "date")
    data[first.name] = "2024-99-99"
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data, context={"today": TODAY})
    error = next(e for e in caught.value.errors() if e["loc"] == (first.name,))
    assert error["type"] == "lvye.date" and "2024-01-05" in error["msg"]


# --- every field of every form: one bad cell gives exactly its own error -----------------------

BAD = {
    "text": "名\x0b字",
    "longtext": "\x00",
    "date": "2024-02-30",
    "month": "2024-13",
    "money": "一百",
    "hours": "1e309",
    "count": "-3",
    "numbers": "1-x",
    "yesno": "也许",
    "choice": "??",
    "choices": "??",
    "id": "123",
    "phone": "1",
    "mobile": "1",
}


def _every_cell() -> list[Any]:
    cells = []
    for model in all_forms():
        form = spec(model.form_id)
        for column in form.columns:
            cells.append(pytest.param(model, None, column, id=f"{model.form_id}.{column.name}"))
        for part in form.parts:
            if model.examples[0].get(part.name):
                for column in part.fields:
                    cells.append(
                        pytest.param(
                            model,
                            part.name,
                            column,
                            id=f"{model.form_id}.{part.name}.{column.name}",
                        )
                    )
    return cells


@pytest.mark.parametrize(("model", "part", "column"), _every_cell())
def test_one_bad_cell_of_a_valid_example_gives_exactly_its_own_error(model, part, column):
    # The example breaks no rule, and every rule that needs the bad cell is skipped: so the
    # one error is the cell's own, whichever cell it is and whatever rules read it.
    data = {
        k: ([dict(r) for r in v] if isinstance(v, list) else v)
        for k, v in model.examples[0].items()
    }
    if part is None:
        data[column.name] = BAD[column.kind]
        where: tuple[Any, ...] = (column.name,)
    else:
        data[part][0][column.name] = BAD[column.kind]
        where = (part, 0, column.name)
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data, context={"today": TODAY})
    errors = caught.value.errors()
    # (a list of choices reports the bad item: loc ("services", 0))
    assert [tuple(e["loc"])[: len(where)] for e in errors] == [where], errors
    assert errors[0]["type"].startswith("lvye.") or errors[0]["type"] == "enum"


def test_approval_chain_with_a_bad_opinion_still_orders_its_dates(tmp_path):
    form = "eldercare_approval"
    sheets = example_sheets(
        form,
        overrides={
            "镇（街）社会事务办复审意见": "同\x0b意",  # bad text: its own error
            "核准日期": "2024-05-15",  # before the town's date (2024-05-20): reported
        },
    )
    sheets = {k: [[excel(v) for v in row] for row in rows] for k, rows in sheets.items()}
    assert found(problems_of(tmp_path, form, sheets)) == {
        ("镇（街）社会事务办复审意见", "control_char"),
        ("核准日期", "date_order"),
    }


def excel(value: Any) -> Any:
    """A control character as Excel stores it in a workbook."""
    if isinstance(value, str):
        return "".join(f"_x{ord(c):04X}_" if c in "\x0b\x00\x07" else c for c in value)
    return value


def _guarded(statement: ast.stmt) -> bool:
    """A statement of check() that cannot end the rules after it when a field failed."""
    if isinstance(statement, ast.With):
        return any(
            isinstance(item.context_expr, ast.Call)
            and getattr(item.context_expr.func, "attr", "") == "rule"
            for item in statement.items
        )
    if isinstance(statement, (ast.Pass, ast.Assign, ast.AnnAssign)) and not _reads_self(statement):
        return True
    if isinstance(statement, ast.Expr):
        return isinstance(statement.value, ast.Constant) or not _reads_self(statement)
    if isinstance(statement, ast.For):
        return not _reads_self(statement.iter) and all(_guarded_in_loop(s) for s in statement.body)
    return False


def _guarded_in_loop(statement: ast.stmt) -> bool:
    # `if not checks.valid(...)` guards what follows in the loop (the approval chain).
    if isinstance(statement, ast.If) and "checks.valid" in ast.unparse(statement.test):
        return True
    if isinstance(statement, ast.Continue):
        return True
    return _guarded(statement) or isinstance(statement, ast.If) and all(
        _guarded_in_loop(s) for s in [*statement.body, *statement.orelse]
    )


def _reads_self(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "self"
        for n in ast.walk(node)
    )


def _checked_models() -> list[type]:
    import importlib
    import pkgutil

    import lvye_forms.forms as package

    found = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"lvye_forms.forms.{info.name}")
        found += [
            v for v in vars(module).values()
            if isinstance(v, type) and "check" in v.__dict__ and v.__module__ == module.__name__
        ]
    return found


@pytest.mark.parametrize("model", _checked_models(), ids=lambda m: m.__name__)
def test_every_rule_that_reads_a_field_is_a_rule_of_its_own(model):
    """So one rule meeting a failed field never hides the rules after it (one-pass errors)."""
    body = ast.parse(textwrap.dedent(inspect.getsource(model.check))).body[0].body
    unguarded = [ast.unparse(s).splitlines()[0] for s in body if not _guarded(s)]
    assert unguarded == [], f"wrap these in `with checks.rule():` — {unguarded}"
