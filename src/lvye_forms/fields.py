"""Field types shared by every form: text, Chinese ID numbers, phones, dates, money, yes/no.

Each type accepts cells the way Excel and CSV really hand them over (date cells, serial numbers,
numbers stored as text, stray spaces, full-width digits) and fails with a code from
`errors.Code`, so messages are Chinese and locatable. Free text is never rewritten: only
values whose meaning is a number, date or code are normalised.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, TypeVar

from pydantic import (
    BeforeValidator,
    GetCoreSchemaHandler,
    PlainSerializer,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic_core import core_schema

from .errors import Code, fail

# Full-width digits and punctuation people type with a Chinese IME in number-like cells.
_FULLWIDTH = str.maketrans("０１２３４５６７８９．－／：＋（）ｘＸ　，", "0123456789.-/:+()xX ,")
# XML 1.0 (and so DOCX) cannot hold these; tab, newline and carriage return are fine. Lone
# surrogates (from damaged text) cannot even be written as UTF-8.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EXCEL_EPOCH = dt.date(1899, 12, 30)

# Sane bounds: beyond them a value is a typing accident, and it would overflow the documents'
# number formats, Decimal's 28 digits or date arithmetic downstream.
MONEY_LIMIT = Decimal(10) ** 12  # 元, exclusive
HOURS_LIMIT = Decimal(10) ** 6  # exclusive
COUNT_LIMIT = 10**9  # exclusive
NUMBER_LIST_LIMIT = 9999  # inclusive: session numbers and the like
FIRST_DATE = dt.date(1880, 1, 1)  # as for birth dates in ID numbers
LAST_DATE = dt.date(2199, 12, 31)
SHORT_TEXT_LIMIT = 200  # characters: a name, place or title
TEXT_LIMIT = 32767  # characters: what one Excel cell holds


def is_empty(value: Any) -> bool:
    """An empty cell: nothing, or only spaces and line breaks. A cell holding only a control
    character is not empty (Python's strip() would remove \x0b, \x0c and \x1c–\x1f), so it is
    reported as what it is."""
    return value is None or (
        isinstance(value, str) and value.strip() == "" and not _CONTROL.search(value)
    )


_is_empty = is_empty


def _int_text(value: int) -> str:
    """Digits of any int; str() refuses ints of more than 4300 digits."""
    return str(value) if value.bit_length() < 10_000 else str(Decimal(value))


def _plain_str(value: Any) -> str:
    """str() that never raises for the values a cell or JSON can hold."""
    if isinstance(value, int) and not isinstance(value, bool):
        return _int_text(value)
    try:
        return str(value)
    except Exception:  # an object whose __str__ fails: only its type is safe to show
        return f"<{type(value).__name__}>"


def normalise_code(value: Any) -> str:
    """Text of a code-like cell (ID, phone, number): full-width → half-width, spaces removed."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "", _plain_str(value).translate(_FULLWIDTH))


def today(info: ValidationInfo | None) -> dt.date:
    """The date validation treats as today; tests and re-renders pass it in the context."""
    context = info.context if info is not None else None
    if isinstance(context, dict) and isinstance(context.get("today"), dt.date):
        return context["today"]
    return dt.date.today()


# --- text -----------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    """A cell as the text it shows: numbers without a trailing .0, dates as 2024-01-05."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):  # Excel turns a typed "true" into a TRUE cell
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return _int_text(value)
    if isinstance(value, float) and math.isfinite(value):
        return _int_text(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal) and value.is_finite():
        return str(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes" if not value.second else "seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):  # 14:30 typed into a text column becomes a time cell
        return value.isoformat(timespec="minutes" if not value.second else "seconds")
    # bytes, lists, dicts, NaN and infinities (from JSON or the API): not something typed
    raise fail(Code.NOT_TEXT)


def _checked_text(value: Any, *, strip: bool, limit: int) -> Any:
    if _is_empty(value):
        return None
    text = _cell_text(value).replace("\r\n", "\n").replace("\r", "\n")
    bad = _CONTROL.search(text)
    if bad:
        raise fail(Code.CONTROL_CHAR, position=bad.start() + 1)
    if strip:
        text = text.strip()
    if len(text) > limit:
        raise fail(Code.TOO_LONG, limit=limit)
    return text


def _text(value: Any) -> Any:
    return _checked_text(value, strip=False, limit=TEXT_LIMIT)


def _short_text(value: Any) -> Any:
    # Leading/trailing spaces in a name cell are accidents of typing, never content.
    return _checked_text(value, strip=True, limit=SHORT_TEXT_LIMIT)


Text = Annotated[str, BeforeValidator(_text)]
"""Free text, kept exactly as typed (line breaks, symbols, emoji, full-width forms); CR LF and
lone CR become LF. At most 32767 characters; no control characters XML cannot hold."""

ShortText = Annotated[str, BeforeValidator(_short_text)]
"""A name, place or title: like Text but without surrounding spaces; at most 200 characters."""


# --- 居民身份证 (GB 11643-1999) ----------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# Province-level codes of GB/T 2260 (plus 71 Taiwan, 81 Hong Kong, 82 Macao as issued).
_PROVINCES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
}


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of an ID number."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def id_birth_date(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def id_sex(id_number: str) -> str:
    """男 or 女, from the parity of the 17th digit."""
    return "男" if int(id_number[16]) % 2 else "女"


def _chinese_id(value: Any, info: ValidationInfo) -> Any:
    if _is_empty(value):
        return None
    if isinstance(value, float):
        # An 18-digit number does not survive a float: Excel keeps 15 significant digits.
        raise fail(Code.ID_AS_NUMBER)
    text = normalise_code(value).upper()
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise fail(Code.ID_FORMAT)
    if text[:2] not in _PROVINCES:
        raise fail(Code.ID_REGION)
    try:
        born = id_birth_date(text)
    except ValueError:
        raise fail(Code.ID_BIRTH) from None
    if born.year < 1880 or born > today(info):
        raise fail(Code.ID_BIRTH)
    expected = id_check_digit(text[:17])
    if text[17] != expected:
        raise fail(Code.ID_CHECKSUM, expected=expected)
    return text


ChineseID = Annotated[
    str,
    BeforeValidator(_chinese_id),
    WithJsonSchema({"type": "string", "format": "cn-resident-id", "pattern": r"^\d{17}[\dX]$"}),
]
"""An 18-digit 居民身份证号; a lower-case x is accepted and stored upper-case."""


def mask_id(id_number: str) -> str:
    """4419**********123X style: region and the last four only."""
    text = str(id_number)
    if len(text) <= 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]


# --- phones --------------------------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"(0[12]\d|0[3-9]\d{2})-?([2-9]\d{6,7})(?:(?:-|转|ext\.?)(\d{1,6}))?")


def _phone_text(value: Any) -> str:
    """Phone text without brackets and without a +86 / 0086 / 86 prefix (whatever its dashes)."""
    text = normalise_code(value).replace("(", "").replace(")", "")
    compact = text.replace("-", "")
    for prefix in ("+86", "0086", "86"):
        if not compact.startswith(prefix):
            continue
        rest = compact[len(prefix) :]
        if _MOBILE.fullmatch(rest):
            return rest
        if rest[:1] in "23456789" and 9 <= len(rest) <= 11:
            return "0" + rest  # +86 769 2222 3333: the trunk 0 is dropped after the country code
    return text


def _mobile(value: Any) -> Any:
    if _is_empty(value):
        return None
    text = _phone_text(value).replace("-", "")
    if not _MOBILE.fullmatch(text):
        raise fail(Code.MOBILE)
    return text


def _phone(value: Any) -> Any:
    if _is_empty(value):
        return None
    text = _phone_text(value)
    if _MOBILE.fullmatch(text.replace("-", "")):
        return text.replace("-", "")
    match = _LANDLINE.fullmatch(text)
    if not match:
        raise fail(Code.PHONE)
    area, number, extension = match.groups()
    return f"{area}-{number}" + (f"-{extension}" if extension else "")


Mobile = Annotated[str, BeforeValidator(_mobile)]
"""A mainland mobile number, stored as 11 digits."""

Phone = Annotated[str, BeforeValidator(_phone)]
"""A mobile (11 digits) or landline with area code (stored as 0769-22223333[-ext])."""


def mask_phone(phone: str) -> str:
    """138****8000: the first three and last four digits only."""
    digits = str(phone)
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


# --- dates ---------------------------------------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


def parse_date(value: Any) -> dt.date:
    """A date from a date cell, an Excel serial number or the text forms staff write.

    Raises ValueError when the value is not a date, or not one between 1880 and 2199.
    """
    day = _parse_date(value)
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ValueError(value)
    return day


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's serial range, 1900-01-01 .. 9999-12-31
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        if 18000101 <= value <= 29991231 and float(value).is_integer():
            return _parse_date(str(int(value)))  # 20170105 typed into a number cell
        raise ValueError(value)
    if not isinstance(value, str):
        raise ValueError(value)  # bytes, lists, times of day…
    text = normalise_code(re.split(r"(?:T|\s+)\d{1,2}[:：]", value.strip())[0])
    # A time part (2024-01-05 00:00:00 from a CSV export) is dropped; forms record days.
    text = re.split(r"(?<=\d)[T ]?\d{1,2}:\d{2}", text)[0] if ":" in text else text
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _parse_date(float(text))
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
    raise ValueError(value)


def _date(value: Any) -> Any:
    if _is_empty(value):
        return None
    try:
        return parse_date(value)
    except (ValueError, OverflowError, ArithmeticError):
        raise fail(Code.DATE) from None


def _past_date(value: Any, info: ValidationInfo) -> Any:
    parsed = _date(value)
    if parsed is not None and parsed > today(info):
        raise fail(Code.DATE_FUTURE, today=today(info).isoformat())
    return parsed


CnDate = Annotated[dt.date, BeforeValidator(_date)]
"""Any date (planned dates may lie in the future)."""

PastDate = Annotated[dt.date, BeforeValidator(_past_date)]
"""A date that has happened: a birth, a signature, an activity held. Not after today."""


def format_date(value: dt.date | None) -> str:
    """2024年1月5日, as dates are written on the agencies' forms."""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


# --- numbers and money ---------------------------------------------------------------------


def _count(value: Any) -> Any:
    if _is_empty(value):
        return None
    if isinstance(value, bool):
        raise fail(Code.NUMBER)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise fail(Code.NUMBER)
        number = int(value)  # -0.0 is 0
    elif isinstance(value, (str, Decimal)):
        text = normalise_code(value).replace(",", "")
        if re.fullmatch(r"-\d+(\.0+)?", text):
            raise fail(Code.NEGATIVE)
        if not re.fullmatch(r"\d+(\.0+)?", text):
            raise fail(Code.NUMBER)
        whole = Decimal(text)  # no digit limit, unlike int(text)
        if whole >= COUNT_LIMIT:
            raise fail(Code.TOO_LARGE, limit=COUNT_LIMIT - 1)
        number = int(whole)
    else:
        raise fail(Code.NUMBER)
    if number < 0:
        raise fail(Code.NEGATIVE)
    if number >= COUNT_LIMIT:
        raise fail(Code.TOO_LARGE, limit=COUNT_LIMIT - 1)
    return number


Count = Annotated[int, BeforeValidator(_count)]
"""A whole number ≥ 0 and below 10⁹ (people, sessions, hours counted whole)."""

# A plain decimal number as typed: no NaN, Infinity or 1_000; an exponent of at most 3 digits.
_DECIMAL_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?")


def _amount(value: Any, code: Code, limit: Decimal) -> Decimal | None:
    """A non-negative amount with at most two decimals, below `limit`."""
    if _is_empty(value):
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            raise fail(code)
        # repr gives the shortest text that round-trips, so 12.3 stays 12.3, not 12.2999…;
        # rounding first drops binary leftovers of formulas (0.1+0.2 = 0.30000000000000004);
        # + 0.0 turns -0.0 (which no one can see in a cell) into 0.0.
        text = repr(round(value, 9) + 0.0)
    elif isinstance(value, (str, int, Decimal)) and not isinstance(value, bool):
        text = normalise_code(value)
    else:
        raise fail(code)
    text = text.replace(",", "").removeprefix("¥").removeprefix("￥").removesuffix("元")
    if not _DECIMAL_TEXT.fullmatch(text):
        raise fail(code)
    amount = Decimal(text)
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise fail(code)
    if amount.is_signed():  # -0 too: a minus sign typed into an amount is a mistake
        raise fail(Code.NEGATIVE)
    if amount >= limit:
        raise fail(Code.TOO_LARGE, limit=f"{limit - Decimal('0.01'):.2f}")
    return amount.quantize(Decimal("0.01"))


def _money(value: Any) -> Any:
    return _amount(value, Code.MONEY, MONEY_LIMIT)


Money = Annotated[
    Decimal,
    BeforeValidator(_money),
    PlainSerializer(lambda v: f"{v:.2f}", return_type=str, when_used="json"),
]
"""An amount in 元 below 10¹², kept as Decimal with two places; serialised to JSON as a string."""


def _hours(value: Any) -> Any:
    amount = _amount(value, Code.DECIMAL, HOURS_LIMIT)
    if amount is None:
        return None
    # 1.50 → 1.5 and 100.00 → 100 (normalize alone would give 1E+2).
    return (
        amount.normalize() if amount != amount.to_integral_value() else amount.quantize(Decimal(1))
    )


Hours = Annotated[
    Decimal,
    BeforeValidator(_hours),
    PlainSerializer(lambda v: str(v), return_type=str, when_used="json"),
]
"""Hours of service (1.5 allowed, at most two decimals, below 10⁶), kept as Decimal."""


def month_of(day: dt.date | None) -> str | None:
    """2024-10 for any date in October 2024."""
    return f"{day.year:04d}-{day.month:02d}" if day else None


def _month(value: Any) -> Any:
    if _is_empty(value):
        return None
    if isinstance(value, (dt.date, int, float)) and not isinstance(value, bool):
        try:
            day = parse_date(value)
        except (ValueError, OverflowError, ArithmeticError):
            raise fail(Code.DATE) from None
        return month_of(day)
    if not isinstance(value, str):
        raise fail(Code.DATE)
    text = normalise_code(value)
    match = re.fullmatch(r"(\d{4})(?:[-/.年])(\d{1,2})月?(?:[-/.](\d{1,2})日?)?", text)
    if not match:
        raise fail(Code.DATE)
    year, month = int(match.group(1)), int(match.group(2))
    try:
        day = dt.date(year, month, int(match.group(3) or 1))  # a date in the month must exist
    except ValueError:
        raise fail(Code.DATE) from None
    if not FIRST_DATE <= day.replace(day=1) <= LAST_DATE:
        raise fail(Code.DATE)
    return month_of(day)


Month = Annotated[str, BeforeValidator(_month)]
"""A calendar month, stored as 2024-10 (accepts 2024-10, 2024年10月, or a date in it)."""


def format_money(value: Decimal | None) -> str:
    return f"{value:,.2f}" if value is not None else ""


# --- yes / no and labelled choices ---------------------------------------------------------

_YES = {"是", "有", "y", "yes", "true", "1", "√", "✓", "对"}
_NO = {"否", "无", "没有", "n", "no", "false", "0", "×", "不是"}


def _yes_no(value: Any) -> Any:
    if _is_empty(value):
        return None
    if isinstance(value, bool):
        return value
    if not isinstance(value, (str, int, float, Decimal)):
        raise fail(Code.BOOLEAN)
    text = normalise_code(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise fail(Code.BOOLEAN)


YesNo = Annotated[bool, BeforeValidator(_yes_no)]
"""是 / 否 in the workbook, a bool in the data."""


def _choice_input(value: Any) -> Any:
    """Text XML cannot hold (lone surrogates) is named as such, not as an odd string."""
    bad = _CONTROL.search(value) if isinstance(value, str) else None
    if bad:
        raise fail(Code.CONTROL_CHAR, position=bad.start() + 1)
    return value


class Choice(str, Enum):
    """A closed list offered in the workbook as a dropdown; the value is the Chinese label."""

    @classmethod
    def labels(cls) -> list[str]:
        return [member.value for member in cls]

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(_choice_input, handler(source))

    @classmethod
    def _missing_(cls, value: object) -> Choice | None:
        # Accept the label with stray spaces or full-width brackets around it.
        if isinstance(value, str):
            wanted = re.sub(r"\s+", "", value).translate(_FULLWIDTH)
            for member in cls:
                if re.sub(r"\s+", "", member.value).translate(_FULLWIDTH) == wanted:
                    return member
        return None


# --- several choices in one cell -----------------------------------------------------------


def _split_choices(value: Any) -> Any:
    """'签到表、活动照片' → ['签到表', '活动照片']; a list passes through (JSON input)."""
    if _is_empty(value):
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [part for part in re.split(r"[、,，;；/\n]+", _plain_str(value)) if not is_empty(part)]


ChoiceT = TypeVar("ChoiceT", bound=Choice)

Several = Annotated[list[ChoiceT], BeforeValidator(_split_choices)]
"""``Several[SomeChoice]``: a cell holding several labels of the choice, separated by 、."""


def _whole_number(value: Any) -> int:
    """One number of a number list: a whole number from 0 to NUMBER_LIST_LIMIT."""
    if isinstance(value, bool):
        raise fail(Code.NUMBER)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = normalise_code(value)
        if not re.fullmatch(r"\d+", text):
            raise fail(Code.NUMBER)
        value = int(text) if len(text) <= 9 else NUMBER_LIST_LIMIT + 1
    if not isinstance(value, int):
        raise fail(Code.NUMBER)
    if value < 0:
        raise fail(Code.NEGATIVE)
    if value > NUMBER_LIST_LIMIT:
        raise fail(Code.TOO_LARGE, limit=NUMBER_LIST_LIMIT)
    return value


def _number_list(value: Any) -> Any:
    """'1、2、4' or '1-3,5' → [1, 2, 3, 5] (session numbers attended, and the like)."""
    if _is_empty(value):
        return []
    if isinstance(value, (list, tuple)):
        return sorted({_whole_number(v) for v in value})
    if isinstance(value, (int, float)):
        return [_whole_number(value)]
    if not isinstance(value, str):
        raise fail(Code.NUMBER)
    numbers: set[int] = set()
    for part in re.split(
        r"[、,，;；\s]+", normalise_code(value).replace("~", "-").replace("至", "-")
    ):
        if not part:
            continue
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not match:
            raise fail(Code.NUMBER)
        low = _whole_number(match.group(1))
        high = _whole_number(match.group(2) or match.group(1))
        if high < low:
            raise fail(Code.NUMBER)  # 5-3: a range backwards
        numbers.update(range(low, high + 1))
    return sorted(numbers)


NumberList = Annotated[list[int], BeforeValidator(_number_list)]
"""Several whole numbers in one cell: '1、2、4' or '1-3'."""
