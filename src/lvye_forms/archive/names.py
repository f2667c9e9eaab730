"""The file-name convention: ``<subject id>_<form>_<date>[_note…].<ext>``.

The form is given by id or Chinese title; the date as 20240304 or 2024-03-04; a note such as
第1节 gives the session number(s), and 2024年10月 the month of a monthly form.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path, PurePath

from ..fields import parse_date
from ..model import FormModel
from ..paths import display_text
from ..registry import UnknownForm, find_form_by_title, get_form


def _form_from_token(token: str) -> type[FormModel] | None:
    """The form a file name or register cell names: by id in any letter case (CASE_CONSENT,
    Case_Consent), or by Chinese title."""
    token = token.strip().strip("《》")
    for candidate in dict.fromkeys((token, token.lower())):
        try:
            return get_form(candidate)
        except UnknownForm:
            continue
    return find_form_by_title(token)


# What looks like a date in a name: 20240304, 2024-03-04, 2024.3.4, 2024年3月4日. Eight digits
# count only when they begin like a year (18xx–21xx), so a receipt number stays a note.
_DATE_LIKE = re.compile(
    r"^((?:18|19|20|21)\d{6}|\d{4}-\d{1,2}-\d{1,2}|\d{4}\.\d{1,2}\.\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日?)$"
)
_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = r"[0-9０-９〇零一二三四五六七八九十两兩]+"
# 第1节, 第01节, 第一节, 第十二節, 第1-4节, 第1、2节 (also with text after: 第1节点名); session1.
_SESSION_TOKEN = re.compile(
    rf"^(?:第\s*({_NUMBER}(?:\s*[-~至、,，]\s*{_NUMBER})*)\s*[节節]|session\s*[-#]?\s*(\d+)$)",
    re.IGNORECASE,
)
MAX_SESSION = 999
# 2024年10月, 2024-10: the month a monthly report or log is for (a field titled 月份).
_MONTH_LIKE = re.compile(r"^(\d{4})(?:年(\d{1,2})月份?|-(\d{1,2}))$")
MONTH_LABELS = ("月份",)


def month_field(model: type[FormModel]) -> str | None:
    """The field of a monthly form that says which month it is for (月份), or None."""
    for name, info in model.model_fields.items():
        if info.title in MONTH_LABELS:
            return name
    return None


def _small_number(text: str) -> int | None:
    """1, 01, 一, 十二, 二十三 (up to 99) as an int; None for anything else."""
    text = text.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text) if len(text) <= 4 else None
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    value = (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return value


def session_numbers(text: str) -> list[int] | None:
    """The session numbers a note names (第1节, 第一节, 第1-4节, session1), or None."""
    match = _SESSION_TOKEN.match(text.strip())
    if not match:
        return None
    if match.group(2):
        return [int(match.group(2))] if len(match.group(2)) <= 4 else []
    numbers: list[int] = []
    for piece in re.split(r"\s*[、,，]\s*", match.group(1)):
        ends = [_small_number(x) for x in re.split(r"\s*[-~至]\s*", piece)]
        if any(end is None for end in ends) or len(ends) > 2:
            return []
        low, high = ends[0], ends[-1]
        assert low is not None and high is not None
        if low < 1 or high < low or high - low > MAX_SESSION:
            return []
        numbers.extend(range(low, high + 1))
    return sorted(set(numbers))


_MAX_FORM_TOKENS = 6  # underscore-separated parts a form id may have


@dataclass
class NameParts:
    """What a file name following the convention says."""

    model: type[FormModel]
    subject: str
    date: dt.date | None = None
    sessions: list[int] | None = None
    month: str | None = None  # 2024-10, from a part 2024年10月 of a monthly form's name
    problem: str = ""  # why the name cannot be used (an impossible date…), or ""


def parse_file_name(path: Path) -> NameParts | None:
    """The parts of ``<subject>_<form>_<date>[_note…].ext``, or None when the name does not
    follow the convention.

    The form is given by id (which may hold underscores: case_consent) or Chinese title; the
    date is the first part after the form that looks like a date, and must exist (20241345 or
    2024-02-30 is a `problem`, not "no date"); a note 第1节 (第01节, 第一节, session1) gives the
    session number, and 2024年10月 (2024-10) the month of a monthly form. A name in a legacy encoding (GBK from a Windows zip) is read as
    `paths.display_text` shows it, so the subject id and form title come out as readable text.
    """
    parts = PurePath(display_text(path.name)).stem.split("_")
    for index in range(1, len(parts)):
        # A form id has underscores of its own (case_consent): try the longest run first.
        for end in range(min(len(parts), index + _MAX_FORM_TOKENS), index, -1):
            model = _form_from_token("_".join(parts[index:end]))
            if model is None:
                continue
            found = NameParts(model, "_".join(parts[:index]).strip())
            for token in (part.strip() for part in parts[end:]):
                if found.date is None and _DATE_LIKE.match(token):
                    try:
                        found.date = parse_date(token)
                    except (ValueError, TypeError, OverflowError):
                        found.problem = (
                            f"文件名中的日期“{token}”不存在（请检查年、月、日），"
                            "请改正文件名（如 20240304 或 2024-03-04）；该文件未计入"
                        )
                        return found
                    continue
                month = _MONTH_LIKE.match(token) if found.month is None else None
                if month and month_field(model) is not None:
                    number = int(month.group(2) or month.group(3))
                    if not 1 <= number <= 12:
                        found.problem = f"文件名中的月份“{token}”不存在；请写成 2024年10月 或 2024-10"
                        return found
                    found.month = f"{month.group(1)}-{number:02d}"
                    continue
                numbers = session_numbers(token) if found.sessions is None else None
                if numbers == []:
                    found.problem = f"文件名中的节次“{token}”无法识别；请写成 第1节 或 第1-4节"
                    return found
                if numbers:
                    found.sessions = numbers
            return found
    return None
