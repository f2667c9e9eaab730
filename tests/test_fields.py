"""The shared field types, fed the values staff and Excel really hand over."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from lvye_forms.fields import (
    ChineseID,
    CnDate,
    Count,
    Hours,
    Mobile,
    Money,
    Month,
    NumberList,
    PastDate,
    Phone,
    Several,
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
from lvye_forms.forms.eldercare import Entitlement
from lvye_forms.model import FormPart

from .conftest import TODAY

CONTEXT = {"today": TODAY}


def ok(kind, value):
    """The validated value of `value` as field type `kind`."""
    return TypeAdapter(kind).validate_python(value, context=CONTEXT)


def error_of(kind, value) -> dict:
    """The one error `value` raises as field type `kind`."""
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(kind).validate_python(value, context=CONTEXT)
    errors = caught.value.errors()
    assert len(errors) == 1, errors
    return errors[0]


def error_type(kind, value) -> str:
    return error_of(kind, value)["type"]


class Person(FormPart):
    """A small model using the types the way form parts do: optional, empty cell → None."""

    id: ChineseID | None = None
    phone: Phone | None = None
    mobile: Mobile | None = None
    born: PastDate | None = None
    planned: CnDate | None = None
    fee: Money | None = None
    note: Text | None = None
    name: ShortText | None = None


def make_id(first17: str) -> str:
    return first17 + id_check_digit(first17)


# --- ChineseID -------------------------------------------------------------------------------

VALID_ID = "441900195203150020"  # female, born 1952-03-15 (used by the eldercare examples)


def test_check_digit_matches_published_examples():
    # Worked examples printed in GB 11643-1999, not computed by the code under test.
    assert id_check_digit("11010519491231002") == "X"
    assert id_check_digit("44052418800101001") == "4"
    assert id_check_digit(VALID_ID[:17]) == "0"


@pytest.mark.parametrize(
    "first17", ["44190020120506003", "11010519491231002", "32010619880808123", "65010220000229456"]
)
def test_ids_with_their_check_digit_are_accepted(first17):
    number = make_id(first17)
    assert ok(ChineseID, number) == number
    # …and every other check character is refused, naming the right one.
    for wrong in "0123456789X":
        if wrong != number[17]:
            error = error_of(ChineseID, first17 + wrong)
            assert error["type"] == "lvye.id_checksum"
            assert f"应为 {number[17]}" in error["msg"]


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("11010519491231002x", "11010519491231002X"),
        (" 4419 0019 5203 1500 20 ", VALID_ID),
        ("４４１９００１９５２０３１５００２０", VALID_ID),
        ("４４１９００ １９５２０３１５ ００２０", VALID_ID),
        ("\t441900195203150020\n", VALID_ID),
        (441900195203150020, VALID_ID),  # an int (no precision lost) is fine
    ],
)
def test_ids_are_normalised(value, stored):
    assert ok(ChineseID, value) == stored
    assert Person(id=value).id == stored


def test_empty_id_cell_is_none():
    assert Person(id="").id is None
    assert Person(id="   ").id is None


def test_wrong_check_digit_names_the_expected_digit():
    error = error_of(ChineseID, "441900195203150021")
    assert error["type"] == "lvye.id_checksum"
    assert "应为 0" in error["msg"]
    assert error["ctx"] == {"expected": "0"}


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("441900520315002", "lvye.id_format"),  # old 15-digit number
        ("44190019520315002", "lvye.id_format"),  # 17 digits
        ("4419001952031500200", "lvye.id_format"),  # 19 digits
        ("44190019520315002A", "lvye.id_format"),
        ("X41900195203150020", "lvye.id_format"),
        ("abcdefghijklmnopqr", "lvye.id_format"),
        (make_id("99190019520315002"), "lvye.id_region"),
        (make_id("00190019520315002"), "lvye.id_region"),
        (make_id("44190019990230002"), "lvye.id_birth"),  # 1999-02-30 does not exist
        (make_id("44190019991301002"), "lvye.id_birth"),  # month 13
        (make_id("44190018790101002"), "lvye.id_birth"),  # before 1880
        (make_id("44190020261123002"), "lvye.id_birth"),  # the day after TODAY
        (4.41900195203150e17, "lvye.id_as_number"),
        (441900195203150020.0, "lvye.id_as_number"),
    ],
)
def test_invalid_ids(value, code):
    assert error_type(ChineseID, value) == code


def test_id_as_number_in_a_model_says_why():
    with pytest.raises(ValidationError) as caught:
        Person(id=4.4190019520315e17)
    (error,) = caught.value.errors()
    assert error["loc"] == ("id",) and error["type"] == "lvye.id_as_number"
    assert "文本" in error["msg"]


def test_id_birth_date_and_sex():
    assert id_birth_date(VALID_ID) == dt.date(1952, 3, 15)
    assert id_sex(VALID_ID) == "女"  # 17th digit 2: even
    assert id_sex("441900194807220013") == "男"  # 17th digit 1: odd
    assert id_sex(make_id("44190020000101009")) == "男"
    assert id_sex(make_id("44190020000101008")) == "女"


def test_mask_id_hides_the_birth_date_and_sequence():
    masked = mask_id(VALID_ID)
    assert masked == "4419**********0020"
    assert len(masked) == 18
    assert "195203" not in masked and "1952" not in masked
    assert mask_id("11010519491231002X") == "1101**********002X"
    assert mask_id("1234") == "****"


# --- phones ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("13800138000", "13800138000"),
        (13800138000, "13800138000"),
        (13800138000.0, "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 13800138000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("19912345678", "19912345678"),
    ],
)
def test_mobiles(value, stored):
    assert ok(Mobile, value) == stored
    assert ok(Phone, value) == stored


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("0769-22223333", "0769-22223333"),
        ("076922223333", "0769-22223333"),
        ("(0769)22223333", "0769-22223333"),
        ("（0769）22223333", "0769-22223333"),
        ("0769 2222 3333", "0769-22223333"),
        ("０７６９－２２２２３３３３", "0769-22223333"),
        ("0769-2222333", "0769-2222333"),  # 7-digit local number
        ("020-88888888", "020-88888888"),
        ("0769-22223333-801", "0769-22223333-801"),
        ("0769-22223333转801", "0769-22223333-801"),
        ("0769-22223333 ext. 801", "0769-22223333-801"),
        ("076922223333-801", "0769-22223333-801"),
    ],
)
def test_landlines(value, stored):
    assert ok(Phone, value) == stored


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("02088888888", "020-88888888"),
        ("01062345678", "010-62345678"),
        ("(020)88888888", "020-88888888"),
    ],
)
def test_three_digit_area_codes_without_a_dash(value, stored):
    # Beijing 010 and Guangzhou 020 (and 021–029) are three digits; 0208-8888888 would be wrong.
    assert ok(Phone, value) == stored


@pytest.mark.parametrize(
    "value",
    [
        "12345",
        "23800138000",
        "1380013800",
        "138001380001",
        "12800138000",
        "0769-123",
        "22223333",
        "0769-12223333",
        "电话",
        "0769-22223333-1234567",
    ],
)
def test_bad_phones(value):
    assert error_type(Phone, value) == "lvye.phone"


@pytest.mark.parametrize(
    "value", ["12345", "23800138000", "0769-22223333", "076922223333", "1380013800"]
)
def test_bad_mobiles(value):
    assert error_type(Mobile, value) == "lvye.mobile"


def test_phones_in_a_model():
    person = Person(phone="(0769)2222 3333", mobile="+86 138 0013 8000")
    assert (person.phone, person.mobile) == ("0769-22223333", "13800138000")
    assert Person(phone="", mobile=" ").model_dump(include={"phone", "mobile"}) == {
        "phone": None,
        "mobile": None,
    }


def test_mask_phone():
    assert mask_phone("13800138000") == "138****8000"
    assert "0013" not in mask_phone("13800138000")
    assert mask_phone("0769-22223333") == "076******3333"
    assert mask_phone("12345") == "*****"


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        dt.date(2017, 1, 5),
        dt.datetime(2017, 1, 5, 9, 30),
        dt.datetime(2017, 1, 5),
        42740,  # Excel serial number
        42740.0,
        42740.75,  # serial with a time of day
        "42740",
        "2017-01-05",
        "2017-1-5",
        "2017/1/5",
        "2017/01/05",
        "2017.1.5",
        "2017年1月5日",
        "2017年1月5",
        " 2017-01-05 ",
        "２０１７－０１－０５",
        "２０１７年１月５日",
        "20170105",
        "2017-01-05 00:00:00",
        "2017-01-05T08:15:00",
        "2017/1/5 9:30",
    ],
)
def test_dates_in_every_form(value):
    assert ok(CnDate, value) == dt.date(2017, 1, 5)


@pytest.mark.parametrize(
    ("value", "day"),
    [
        (45292, dt.date(2024, 1, 1)),
        ("45292", dt.date(2024, 1, 1)),
        (1, dt.date(1899, 12, 31)),
        (61, dt.date(1900, 3, 1)),
        # A date-time with a one-digit hour, as Excel shows it in Chinese locales: the day must
        # not run into the hour (2024/1/15 9:30 is not 2024-01-01 with junk after it).
        ("2024/1/15 9:30", dt.date(2024, 1, 15)),
        ("2024-01-15 9:30:00", dt.date(2024, 1, 15)),
        ("2024-12-31 23:59", dt.date(2024, 12, 31)),
        ("２０２４／１／１５　９：３０", dt.date(2024, 1, 15)),
        ("2024年1月15日 9:30", dt.date(2024, 1, 15)),
    ],
)
def test_date_values(value, day):
    assert ok(CnDate, value) == day


@pytest.mark.parametrize(
    "value",
    [
        "2017-02-30",
        "2017-13-01",
        "2017-00-10",
        "明天",
        "13/45/2020",
        "05/01/2017",
        "2017",
        "1/5",
        "abc",
        True,
        0,
        -1,
        3_000_000,
        "2017-01-05-06",
    ],
)
def test_bad_dates(value):
    assert error_type(CnDate, value) == "lvye.date"


def test_empty_date_cell_is_none():
    assert Person(born="", planned=None).born is None


def test_past_date_is_judged_against_the_context_today():
    data = {"born": "2026-11-22", "planned": "2030-01-01"}
    person = Person.model_validate(data, context={"today": dt.date(2026, 11, 22)})
    assert person.born == dt.date(2026, 11, 22)  # today itself is not the future
    assert person.planned == dt.date(2030, 1, 1)  # a CnDate may lie ahead

    with pytest.raises(ValidationError) as caught:
        Person.model_validate({"born": "2026-11-23"}, context={"today": dt.date(2026, 11, 22)})
    (error,) = caught.value.errors()
    assert error["loc"] == ("born",) and error["type"] == "lvye.date_future"
    assert "2026-11-22" in error["msg"]

    # The same date is fine when "today" is later: the context, not the clock, decides.
    later = Person.model_validate({"born": "2026-11-23"}, context={"today": dt.date(2027, 1, 1)})
    assert later.born == dt.date(2026, 11, 23)


def test_past_date_without_context_uses_the_real_today():
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        Person(born=tomorrow)
    assert caught.value.errors()[0]["type"] == "lvye.date_future"
    assert Person(born=dt.date.today()).born == dt.date.today()


# --- money and counts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        ("12.5", "12.50"),
        (12.5, "12.50"),
        (12.3, "12.30"),
        (0.1, "0.10"),
        (7, "7.00"),
        ("1,234.00", "1234.00"),
        ("1，234", "1234.00"),
        ("￥20", "20.00"),
        ("¥20", "20.00"),
        ("20元", "20.00"),
        ("￥1,380.50元", "1380.50"),
        ("１２．５", "12.50"),
        (" 0 ", "0.00"),
    ],
)
def test_money(value, amount):
    result = ok(Money, value)
    assert result == Decimal(amount)
    assert str(result) == amount  # exactly two places, no binary-float tail


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("12.345", "lvye.money"),
        ("abc", "lvye.money"),
        ("12.5.1", "lvye.money"),
        ("NaN", "lvye.money"),
        ("Infinity", "lvye.money"),
        (True, "lvye.money"),
        ("-1", "lvye.negative"),
        (-0.5, "lvye.negative"),
    ],
)
def test_bad_money(value, code):
    assert error_type(Money, value) == code


def test_money_serialises_as_a_two_place_string_in_json():
    class M(BaseModel):  # a plain pydantic model, outside any form
        fee: Money | None = None

    person = M(fee="12.5")
    assert person.model_dump(mode="json")["fee"] == "12.50"
    assert '"fee":"12.50"' in person.model_dump_json()
    assert person.model_dump()["fee"] == Decimal("12.50")  # Python mode keeps the Decimal


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("10", 10),
        (10, 10),
        (10.0, 10),
        ("10.0", 10),
        ("１０", 10),
        (" 3 ", 3),
        ("1,000", 1000),
        ("0", 0),
    ],
)
def test_counts(value, number):
    result = ok(Count, value)
    assert result == number and type(result) is int


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1.5", "lvye.number"),
        (1.5, "lvye.number"),
        ("-2", "lvye.negative"),
        (-2, "lvye.negative"),
        ("三", "lvye.number"),
        (True, "lvye.number"),
    ],
)
def test_bad_counts(value, code):
    assert error_type(Count, value) == code


# --- yes / no --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "truth"),
    [
        ("是", True),
        ("否", False),
        ("有", True),
        ("无", False),
        ("Y", True),
        ("y", True),
        ("N", False),
        ("n", False),
        ("true", True),
        ("TRUE", True),
        ("false", False),
        (" 是 ", True),
        (True, True),
        (False, False),
        (1, True),
        (0, False),
    ],
)
def test_yes_no(value, truth):
    assert ok(YesNo, value) is truth


@pytest.mark.parametrize("value", ["maybe", "也许", "2", "是否"])
def test_yes_no_rejects_other_words(value):
    assert error_type(YesNo, value) == "lvye.boolean"


# --- text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tricky",
    [
        "A & B <c> \"q\" 's'",
        "{{ 7*7 }} {% if x %}",
        "😀👍🏻",
        "ＡＢＣ１２３",
        "two  spaces inside",
        "  leading and trailing  ",
        "line one\nline two",
        "tab\there",
    ],
)
def test_text_is_kept_exactly(tricky):
    assert ok(Text, tricky) == tricky
    assert Person(note=tricky).note == tricky


def test_text_line_breaks_are_unified():
    assert ok(Text, "第一行\r\n第二行\r第三行") == "第一行\n第二行\n第三行"


def test_text_rejects_control_characters_and_says_where():
    error = error_of(Text, "有\x0b控制符")
    assert error["type"] == "lvye.control_char"
    assert error["ctx"] == {"position": 2}
    assert error_type(Text, "a\x00b") == "lvye.control_char"
    assert error_type(ShortText, "\x1f名字") == "lvye.control_char"


def test_short_text_strips_only_the_ends():
    assert ok(ShortText, "  张 三  ") == "张 三"
    assert Person(name="\t王秀英 ").name == "王秀英"
    assert Person(note="", name="  ").model_dump(include={"note", "name"}) == {
        "note": None,
        "name": None,
    }


def test_text_from_number_cells():
    assert ok(Text, 12.0) == "12"
    assert ok(ShortText, 3) == "3"


# --- labelled choices ------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["女", " 女 ", "女\n", "　女"])
def test_choice_label_with_stray_spaces(value):
    assert ok(Sex, value) is Sex.FEMALE


def test_choice_label_with_half_width_brackets():
    assert ok(Entitlement, "低保对象(低保证)") is Entitlement.LOW_INCOME
    assert ok(Entitlement, " 低保对象（低保证） ") is Entitlement.LOW_INCOME


@pytest.mark.parametrize("value", ["未知", "male", "女性", "低保对象"])
def test_unknown_choice_label_is_rejected(value):
    kind = Entitlement if value.startswith("低保") else Sex
    error = error_of(kind, value)
    assert error["type"] == "enum"


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("+86-138-0013-8000", "13800138000"),
        ("86-13800138000", "13800138000"),
        ("+86 769 2222 3333", "0769-22223333"),
    ],
)
def test_country_codes_with_dashes_and_spaces(value, stored):
    assert TypeAdapter(Phone).validate_python(value) == stored


def test_yyyymmdd_typed_into_a_number_cell_and_float_leftovers():
    assert TypeAdapter(CnDate).validate_python(20170105) == dt.date(2017, 1, 5)
    assert TypeAdapter(Money).validate_python(0.1 + 0.2) == Decimal("0.30")


# --- hostile values: every field type ends in a value or a located error, never a crash -------


ALL_KINDS = {
    "Text": Text,
    "ShortText": ShortText,
    "ChineseID": ChineseID,
    "Phone": Phone,
    "Mobile": Mobile,
    "CnDate": CnDate,
    "PastDate": PastDate,
    "Count": Count,
    "Money": Money,
    "Hours": Hours,
    "Month": Month,
    "YesNo": YesNo,
    "Choice": Sex,
    "Several": Several[Sex],
    "NumberList": NumberList,
}

HOSTILE = [
    True,
    False,
    b"abc",
    b"\xff\xfe",
    bytearray(b"1"),
    [1, [2, [3]]],
    {"a": 1},
    {1, 2},
    (1, "x"),
    object(),
    float("nan"),
    float("inf"),
    float("-inf"),
    -0.0,
    1e30,
    1e309,
    2.5e-320,
    Decimal("NaN"),
    Decimal("sNaN"),
    Decimal("-Infinity"),
    Decimal("1e30"),
    Decimal("-0"),
    10**40,
    -(10**40),
    10**5000,
    "1e309",
    "1e30",
    "-0",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "sNaN",
    "9" * 29,
    "9" * 5000,
    "1" + "0" * 28 + ".00",
    "0." + "0" * 5000 + "1",
    "1e99999999999",
    "1_000",
    "1-99999999999",
    "1-",
    "5-3",
    "٢٠٢٤-١٠-٠١",
    "²",
    "0000-01-01",
    "0001-01-01",
    "2024-02-30",
    "9999-12-31",
    "2024-1-1 25:00",
    "\x00",
    "名\ud800字",
    "\ufffe",
    "x" * 100_000,
    "名" * 300,
    "{{ x }}{% if %}<b>&amp;</b>\"'",
    0,
    -1,
    2958465.9,
    2958466,
    99999999,
    dt.time(14, 30),
    dt.datetime(2024, 1, 1, 5, 6),
    dt.datetime.max,
    dt.date.min,
]


def _describe(value) -> str:
    if isinstance(value, int) and value.bit_length() > 10_000:
        return f"int-{value.bit_length()}-bits"
    return repr(value)[:40]


@pytest.mark.parametrize("kind", list(ALL_KINDS), ids=str)
def test_hostile_values_end_in_a_value_or_our_own_error(kind):
    adapter = TypeAdapter(ALL_KINDS[kind] | None)
    for value in HOSTILE:
        try:
            result = adapter.validate_python(value, context=CONTEXT)
        except ValidationError as exc:
            for error in exc.errors():
                assert error["type"].startswith("lvye.") or error["type"] == "enum", (
                    kind,
                    _describe(value),
                    error,
                )
            continue
        # Accepted: it must serialise (documents embed the data as JSON) and be sane.
        adapter.dump_json(result)
        if isinstance(result, Decimal):
            assert result.is_finite() and not result.is_signed(), (kind, _describe(value))
        if isinstance(result, int) and not isinstance(result, bool):
            assert 0 <= result < 10**9, (kind, _describe(value))
        if isinstance(result, dt.date):
            assert 1880 <= result.year <= 2199, (kind, _describe(value))
        if isinstance(result, str) and kind in ("Text", "ShortText"):
            result.encode("utf-8")
            assert "\x00" not in result


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("9" * 29, "lvye.too_large"),
        ("1e30", "lvye.too_large"),
        (1e30, "lvye.too_large"),
        ("1e309", "lvye.too_large"),
        (1e309, "lvye.money"),
        ("NaN", "lvye.money"),
        (float("nan"), "lvye.money"),
        ("Infinity", "lvye.money"),
        ("-0", "lvye.negative"),
        ("-0.00", "lvye.negative"),
        (Decimal("-0"), "lvye.negative"),
        ("1_000", "lvye.money"),
        pytest.param(10**5000, "lvye.too_large", id="5000 digits"),
        ("1000000000000", "lvye.too_large"),
        ([1], "lvye.money"),
        (b"12", "lvye.money"),
    ],
)
def test_money_out_of_range_or_not_a_number(value, code):
    assert error_type(Money, value) == code


def test_money_bound_is_just_under_a_trillion():
    assert ok(Money, "999999999999.99") == Decimal("999999999999.99")
    assert ok(Money, -0.0) == Decimal("0.00")  # a float zero: no sign anyone could see
    error = error_of(Money, "1000000000000")
    assert error["ctx"] == {"limit": "999999999999.99"}


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("9" * 5000, "lvye.too_large"),
        pytest.param(10**5000, "lvye.too_large", id="5000 digits"),
        (1e30, "lvye.too_large"),
        ("1000000000", "lvye.too_large"),
        (float("nan"), "lvye.number"),
        (float("inf"), "lvye.number"),
        ("1e3", "lvye.number"),
        ("-0", "lvye.negative"),
        (-5, "lvye.negative"),
        (2.5, "lvye.number"),
        ({"n": 1}, "lvye.number"),
    ],
)
def test_count_out_of_range_or_not_whole(value, code):
    assert error_type(Count, value) == code


def test_count_bound():
    assert ok(Count, "999,999,999") == 999_999_999
    assert ok(Count, -0.0) == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1.5", "1.5"), ("100", "100"), (100.0, "100"), ("2.50", "2.5"), ("0", "0"), (1e5, "100000")],
)
def test_hours_serialise_plainly(value, expected):
    # 100 hours must not come out as 1E+2
    assert TypeAdapter(Hours).dump_python(ok(Hours, value), mode="json") == expected


@pytest.mark.parametrize("value", ["1000000", 1e7, "NaN", "1.255", "-1", "abc"])
def test_hours_errors_speak_of_numbers_not_money(value):
    assert error_type(Hours, value) in ("lvye.too_large", "lvye.decimal", "lvye.negative")


@pytest.mark.parametrize(
    "value",
    [
        "2024-02-30",
        "0000-01-01",
        "0001-01-01",
        "1879-12-31",
        "2200-01-01",
        "9999-12-31",
        2958466,
        2958465,  # 9999-12-31
        10**20,
        pytest.param(10**5000, id="5000 digits"),
        1e309,
        float("nan"),
        "1e309",
        "9" * 5000,
        b"2024-01-01",
        [2024, 1, 1],
        dt.time(1, 2),
        True,
    ],
)
def test_impossible_or_absurd_dates_are_date_errors(value):
    assert error_type(CnDate, value) == "lvye.date"


@pytest.mark.parametrize(
    "value", ["0000-01", "2024-13", "2024-02-30", "9999-01", b"2024-01", 1e309]
)
def test_impossible_months(value):
    assert error_type(Month, value) == "lvye.date"


def test_month_of_a_date_in_it():
    assert ok(Month, "2024-02-29") == "2024-02"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1-99999999999", "lvye.too_large"),
        ("1-10000", "lvye.too_large"),
        ("5-3", "lvye.number"),
        ([1, [2]], "lvye.number"),
        ([True], "lvye.number"),
        (float("nan"), "lvye.number"),
        (float("inf"), "lvye.number"),
        (1.5, "lvye.number"),
        (-1, "lvye.negative"),
        ({"a": 1}, "lvye.number"),
    ],
)
def test_number_lists_stay_small(value, code):
    assert error_type(NumberList, value) == code


def test_number_list_of_numbers():
    assert ok(NumberList, [3, 1.0, "2"]) == [1, 2, 3]
    assert ok(NumberList, "1-3、9999") == [1, 2, 3, 9999]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (b"abc", "lvye.not_text"),
        ([1, 2], "lvye.not_text"),
        ({"a": 1}, "lvye.not_text"),
        (float("nan"), "lvye.not_text"),
        (float("inf"), "lvye.not_text"),
        ("名\ud800字", "lvye.control_char"),
        ("\ufffe", "lvye.control_char"),
        ("名" * 201, "lvye.too_long"),
    ],
)
def test_short_text_refuses_what_is_not_text(value, code):
    assert error_type(ShortText, value) == code


def test_text_of_other_cells():
    assert ok(ShortText, True) == "TRUE"
    assert ok(ShortText, dt.time(14, 30)) == "14:30"
    assert ok(ShortText, dt.datetime(2024, 1, 5, 9, 30)) == "2024-01-05 09:30"
    assert ok(ShortText, dt.datetime(2024, 1, 5)) == "2024-01-05"
    assert ok(ShortText, 12.5) == "12.5"
    assert ok(ShortText, "  " + "名" * 200 + "  ") == "名" * 200
    assert ok(Text, 10**5000) == "1" + "0" * 5000
    assert ok(Text, "x" * 32767) == "x" * 32767
    assert error_type(Text, "x" * 32768) == "lvye.too_long"
    assert error_of(ShortText, "名" * 300)["ctx"] == {"limit": 200}


@pytest.mark.parametrize("kind", [ChineseID, Phone, Mobile, YesNo])
@pytest.mark.parametrize(
    "value", [pytest.param(10**5000, id="5000 digits"), b"13800138000", [1], {"a": 1}, float("nan")]
)
def test_codes_and_yes_no_refuse_odd_values(kind, value):
    assert error_type(kind, value).startswith("lvye.")


@pytest.mark.parametrize("value", ["\x1f", "\x0b", " \x0c ", "\x1c\x1d\x1e"])
def test_a_cell_of_only_control_characters_is_not_empty(value):
    # str.strip() removes these, but the cell is not empty: say what is wrong with it.
    assert error_type(ShortText, value) == "lvye.control_char"
    assert error_type(Text, value) == "lvye.control_char"
    assert error_type(Sex, value) == "lvye.control_char"
    with pytest.raises(ValidationError) as caught:
        Person.model_validate({"name": value}, context=CONTEXT)
    assert [e["type"] for e in caught.value.errors()] == ["lvye.control_char"]
