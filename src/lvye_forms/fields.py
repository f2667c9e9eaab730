"""Field types shared by every form: text, Chinese ID numbers, phones, dates, money, yes/no.

Each type accepts cells the way Excel and CSV really hand them over (date cells, serial numbers,
numbers stored as text, stray spaces, full-width digits) and fails with a code from
`errors.Code`, so messages are Chinese and locatable. Free text is never rewritten: only
values whose meaning is a number, date or code are normalised.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Annotated, Any, TypeVar

from pydantic import BeforeValidator, PlainSerializer, ValidationInfo, WithJsonSchema

from .errors import Code, fail

# Full-width digits and punctuation people type with a Chinese IME in number-like cells.
_FULLWIDTH = str.maketrans("０１２３４５６７８９．－／：＋（）ｘＸ　，", "0123456789.-/:+()xX ,")
# XML 1.0 (and so DOCX) cannot hold these; tab, newline and carriage return are fine.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def normalise_code(value: Any) -> str:
    """Text of a code-like cell (ID, phone, number): full-width → half-width, spaces removed."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "", str(value).translate(_FULLWIDTH))


def today(info: ValidationInfo | None) -> dt.date:
    """The date validation treats as today; tests and re-renders pass it in the context."""
    context = info.context if info is not None else None
    if isinstance(context, dict) and isinstance(context.get("today"), dt.date):
        return context["today"]
    return dt.date.today()


# --- text -----------------------------------------------------------------------------------


def _text(value: Any) -> Any:
    if _is_empty(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    bad = _CONTROL.search(text)
    if bad:
        raise fail(Code.CONTROL_CHAR, position=bad.start() + 1)
    return text


def _short_text(value: Any) -> Any:
    text = _text(value)
    # Leading/trailing spaces in a name cell are accidents of typing, never content.
    return text.strip() if isinstance(text, str) else text


Text = Annotated[str, BeforeValidator(_text)]
"""Free text, kept exactly as typed (line breaks, symbols, emoji, full-width forms)."""

ShortText = Annotated[str, BeforeValidator(_short_text)]
"""A name, place or title: like Text but without surrounding spaces."""


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

    Raises ValueError when the value is not a date.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's serial range, 1900-01-01 .. 9999-12-31
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        if float(value).is_integer() and 18000101 <= value <= 29991231:
            return parse_date(str(int(value)))  # 20170105 typed into a number cell
        raise ValueError(value)
    text = normalise_code(re.split(r"(?:T|\s+)\d{1,2}[:：]", str(value).strip())[0])
    # A time part (2024-01-05 00:00:00 from a CSV export) is dropped; forms record days.
    text = re.split(r"(?<=\d)[T ]?\d{1,2}:\d{2}", text)[0] if ":" in text else text
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return parse_date(float(text))
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
    except (ValueError, OverflowError):
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
    text = normalise_code(value).replace(",", "")
    if re.fullmatch(r"\d+(\.0+)?", text):
        return int(Decimal(text))
    if re.fullmatch(r"-\d+(\.0+)?", text):
        raise fail(Code.NEGATIVE)
    raise fail(Code.NUMBER)


Count = Annotated[int, BeforeValidator(_count)]
"""A whole number ≥ 0 (people, sessions, hours counted whole)."""


def _money(value: Any) -> Any:
    if _is_empty(value):
        return None
    if isinstance(value, bool):
        raise fail(Code.MONEY)
    if isinstance(value, float):
        # repr gives the shortest text that round-trips, so 12.3 stays 12.3, not 12.2999…;
        # rounding first drops binary leftovers of formulas (0.1+0.2 = 0.30000000000000004).
        value = repr(round(value, 9))
    text = normalise_code(value).replace(",", "").removeprefix("¥").removeprefix("￥")
    text = text.removesuffix("元")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise fail(Code.MONEY) from None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise fail(Code.MONEY)
    if amount < 0:
        raise fail(Code.NEGATIVE)
    return amount.quantize(Decimal("0.01"))


Money = Annotated[
    Decimal,
    BeforeValidator(_money),
    PlainSerializer(lambda v: f"{v:.2f}", return_type=str, when_used="json"),
]
"""An amount in 元, kept as Decimal with two places; serialised to JSON as a string."""


def _hours(value: Any) -> Any:
    amount = _money(value)
    return amount.normalize() if isinstance(amount, Decimal) else amount


Hours = Annotated[
    Decimal,
    BeforeValidator(_hours),
    PlainSerializer(lambda v: str(v), return_type=str, when_used="json"),
]
"""Hours of service (1.5 allowed), kept as Decimal."""


def month_of(day: dt.date | None) -> str | None:
    """2024-10 for any date in October 2024."""
    return f"{day.year:04d}-{day.month:02d}" if day else None


def _month(value: Any) -> Any:
    if _is_empty(value):
        return None
    if isinstance(value, (dt.date, int, float)) and not isinstance(value, bool):
        try:
            day = parse_date(value)
        except ValueError:
            raise fail(Code.DATE) from None
        return month_of(day)
    text = normalise_code(value)
    match = re.fullmatch(r"(\d{4})(?:[-/.年])(\d{1,2})月?(?:[-/.]\d{1,2}日?)?", text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise fail(Code.DATE)
    return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"


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
    text = normalise_code(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise fail(Code.BOOLEAN)


YesNo = Annotated[bool, BeforeValidator(_yes_no)]
"""是 / 否 in the workbook, a bool in the data."""


class Choice(str, Enum):
    """A closed list offered in the workbook as a dropdown; the value is the Chinese label."""

    @classmethod
    def labels(cls) -> list[str]:
        return [member.value for member in cls]

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
    return [part for part in re.split(r"[、,，;；/\n]+", str(value)) if part.strip()]


ChoiceT = TypeVar("ChoiceT", bound=Choice)

Several = Annotated[list[ChoiceT], BeforeValidator(_split_choices)]
"""``Several[SomeChoice]``: a cell holding several labels of the choice, separated by 、."""


def _number_list(value: Any) -> Any:
    """'1、2、4' or '1-3,5' → [1, 2, 3, 5] (session numbers attended, and the like)."""
    if _is_empty(value):
        return []
    if isinstance(value, (list, tuple)):
        return sorted({int(v) for v in value})
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [int(value)]
    numbers: set[int] = set()
    for part in re.split(
        r"[、,，;；\s]+", normalise_code(value).replace("~", "-").replace("至", "-")
    ):
        if not part:
            continue
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not match:
            raise fail(Code.NUMBER)
        low, high = int(match.group(1)), int(match.group(2) or match.group(1))
        numbers.update(range(low, high + 1))
    return sorted(numbers)


NumberList = Annotated[list[int], BeforeValidator(_number_list)]
"""Several whole numbers in one cell: '1、2、4' or '1-3'."""
