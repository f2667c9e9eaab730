"""The shared field types, as staff and Excel hand values to them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from lvye_forms.fields import (
    ChineseID,
    CnDate,
    Count,
    Mobile,
    Money,
    PastDate,
    Phone,
    ShortText,
    Text,
    YesNo,
    id_birth_date,
    id_check_digit,
    id_sex,
    mask_id,
    mask_phone,
)
from lvye_forms.forms.common import Sex

from .conftest import TODAY


def ok(kind, value, **context):
    return TypeAdapter(kind).validate_python(value, context=context or {"today": TODAY})


def error_type(kind, value) -> str:
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(kind).validate_python(value, context={"today": TODAY})
    return caught.value.errors()[0]["type"]


VALID_ID = "441900195203150020"


def test_check_digit_follows_gb11643():
    # Worked example of the standard: 11010519491231002 → X.
    assert id_check_digit("11010519491231002") == "X"
    assert id_check_digit(VALID_ID[:17]) == VALID_ID[17]


@pytest.mark.parametrize("value", [VALID_ID, " 4419 0019 5203 1500 20 ", "４４１９００１９５２０３１５００２０",
                                   "11010519491231002x", "11010519491231002X"])
def test_valid_ids_are_normalised(value):
    result = ok(ChineseID, value)
    assert len(result) == 18 and result == result.upper() and " " not in result


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("441900195203150021", "lvye.id_checksum"),
        ("44190019520315002", "lvye.id_format"),
        ("44190019520315002A", "lvye.id_format"),
        ("991900195203150020", "lvye.id_region"),
        ("441900199902300020", "lvye.id_birth"),
        ("441900203001010020", "lvye.id_birth"),  # born in the future
        (4.41900195203150e17, "lvye.id_as_number"),
    ],
)
def test_invalid_ids(value, code):
    assert error_type(ChineseID, value) == code


def test_checksum_error_names_the_expected_digit():
    with pytest.raises(ValidationError) as caught:
        ok(ChineseID, "441900195203150021")
    assert "应为 0" in caught.value.errors()[0]["msg"]


def test_id_birth_sex_and_mask():
    assert id_birth_date(VALID_ID) == dt.date(1952, 3, 15)
    assert id_sex(VALID_ID) == "女" and id_sex("441900194807220013") == "男"
    masked = mask_id(VALID_ID)
    assert masked == "4419**********0020" and "19520315" not in masked


@pytest.mark.parametrize(
    ("value", "stored"),
    [("13800138000", "13800138000"), ("138 0013 8000", "13800138000"), ("+86 13800138000", "13800138000"),
     ("１３８００１３８０００", "13800138000"), (13800138000, "13800138000"), ("0769-22223333", "0769-22223333"),
     ("076922223333", "0769-22223333"), ("(0769)22223333", "0769-22223333"), ("020-8888888", "020-8888888"),
     ("0769-22223333-801", "0769-22223333-801")],
)
def test_phones(value, stored):
    assert ok(Phone, value) == stored


@pytest.mark.parametrize("value", ["12345", "23800138000", "1380013800", "0769-123"])
def test_bad_phones(value):
    assert error_type(Phone, value) == "lvye.phone"


def test_mobile_rejects_landlines_and_masks():
    assert error_type(Mobile, "0769-22223333") == "lvye.mobile"
    assert mask_phone("13800138000") == "138****8000"


@pytest.mark.parametrize(
    "value",
    [dt.date(2017, 1, 5), dt.datetime(2017, 1, 5, 9, 30), "2017-01-05", "2017/1/5", "2017.1.5", "2017年1月5日",
     "２０１７－０１－０５", "20170105", "2017-01-05 00:00:00", 42740, "42740", 42740.0],
)
def test_dates_in_every_form(value):
    assert ok(CnDate, value) == dt.date(2017, 1, 5)


@pytest.mark.parametrize("value", ["2017-02-30", "明天", "13/45/2020", "2017-13-01", True])
def test_bad_dates(value):
    assert error_type(CnDate, value) == "lvye.date"


def test_past_date_rejects_the_future_relative_to_context():
    assert ok(PastDate, "2026-11-22") == TODAY
    assert error_type(PastDate, "2026-11-23") == "lvye.date_future"
    assert ok(CnDate, "2030-01-01") == dt.date(2030, 1, 1)  # plans may lie ahead


@pytest.mark.parametrize(
    ("value", "amount"),
    [("12.5", "12.50"), (12.3, "12.30"), ("1,234.00", "1234.00"), ("￥20", "20.00"), ("20元", "20.00"), (7, "7.00")],
)
def test_money(value, amount):
    assert ok(Money, value) == Decimal(amount)


@pytest.mark.parametrize(("value", "code"), [("12.345", "lvye.money"), ("abc", "lvye.money"), ("-1", "lvye.negative")])
def test_bad_money(value, code):
    assert error_type(Money, value) == code


def test_money_serialises_as_a_string():
    class M(BaseModel):
        amount: Money

    assert M(amount="12.5").model_dump(mode="json") == {"amount": "12.50"}


@pytest.mark.parametrize(("value", "number"), [("10", 10), (10.0, 10), ("１０", 10), (" 3 ", 3)])
def test_counts(value, number):
    assert ok(Count, value) == number


@pytest.mark.parametrize(("value", "code"), [("1.5", "lvye.number"), ("-2", "lvye.negative"), ("三", "lvye.number")])
def test_bad_counts(value, code):
    assert error_type(Count, value) == code


@pytest.mark.parametrize(("value", "truth"), [("是", True), ("否", False), ("有", True), ("无", False), ("Y", True),
                                              ("n", False), ("true", True), (False, False)])
def test_yes_no(value, truth):
    assert ok(YesNo, value) is truth


def test_yes_no_rejects_other_words():
    assert error_type(YesNo, "也许") == "lvye.boolean"


def test_text_is_kept_exactly():
    tricky = 'A & B <c> "q" \'s\' {{ 7*7 }} 😀 ＡＢＣ  two  spaces'
    assert ok(Text, tricky) == tricky
    assert ok(Text, "第一行\r\n第二行") == "第一行\n第二行"
    assert ok(ShortText, "  张三  ") == "张三"
    assert error_type(Text, "有\x0b控制符") == "lvye.control_char"


def test_choices_accept_stray_spaces_and_reject_others():
    assert ok(Sex, " 女 ") is Sex.FEMALE
    assert error_type(Sex, "未知") == "enum"
