"""Masking personal numbers (保密原则): the one place that decides what is shown in full.

Values are judged by what they look like, not only by the column they came from: an ID number
pasted into an address cell, a 残疾人证号 that contains the ID (20 digits), a mobile number
in a note, all are masked wherever text leaves the program (terminal, JSON, reports, web).
Columns whose kind is personal (身份证号, phones) are masked whole even when their value does
not look like a number we know (a landline, a mistyped ID).
"""

from __future__ import annotations

import re
from typing import Any

# Digits as people type them, half- or full-width.
_D = "[0-9０-９]"
_X = "[XxＸｘ]"
_SEP = "[ \\-－]?"
# A run of 15 or more digits (old 15-digit IDs, 18-digit IDs, 残疾人证号, bank cards), with an
# optional X check character; or an ID written in groups (440102 19900307 123X).
_LONG_NUMBER = re.compile(
    f"(?<![0-9０-９])(?:{_D}{{6}}[ \\-－]{_D}{{8}}[ \\-－]{_D}{{3}}(?:{_D}|{_X})|{_D}{{15,}}{_X}?)"
    f"(?![0-9０-９])"
)
# Mainland mobiles: 13800138000, 138 0013 8000, 138-0013-8000, +86 138…, full-width digits.
_MOBILE = re.compile(
    f"(?<![0-9０-９])(?:(?:\\+|＋)?(?:86|８６){_SEP})?[1１][3-9３-９]{_D}{_SEP}{_D}{{4}}{_SEP}{_D}{{4}}"
    f"(?![0-9０-９])"
)


def _keep_ends(text: str, head: int, tail: int) -> str:
    """`text` with all but its first `head` and last `tail` digits replaced by *."""
    positions = [i for i, ch in enumerate(text) if ch.isdigit() or ch in "XxＸｘ"]
    hidden = (
        set(positions[head : len(positions) - tail])
        if len(positions) > head + tail
        else set(positions)
    )
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


def mask_text(text: str) -> str:
    """`text` with every ID-like and mobile-like number masked (4401**********123X, 138****8000)."""
    if not text or not any(ch.isdigit() for ch in text):
        return text
    text = _LONG_NUMBER.sub(lambda m: _keep_ends(m.group(0), 4, 4), text)
    return _MOBILE.sub(lambda m: _keep_ends(m.group(0), _mobile_head(m.group(0)), 4), text)


def _mobile_head(number: str) -> int:
    # +86 138 0013 8000 keeps 86 and 138 visible: the country code tells nothing about anyone.
    digits = [ch for ch in number if ch.isdigit()]
    return 5 if len(digits) == 13 else 3


def mask_whole(value: str) -> str:
    """A value from a personal column (ID, phone): masked even when it matches no pattern."""
    masked = mask_text(value)
    if masked != value:
        return masked
    digits = sum(ch.isdigit() for ch in value)
    if digits < 5:
        return value if digits == 0 else "*" * len(value)
    return _keep_ends(value, 3, 4)


def mask_data(value: Any) -> Any:
    """A copy of JSON-like data (dicts, lists, strings) with every personal number masked."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**10:
        return mask_text(str(value))  # an ID or phone that reached the data as a number
    if isinstance(value, dict):
        return {key: mask_data(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_data(item) for item in value]
    return value


def mask_record(form_id: str, data: Any) -> Any:
    """A record's data (as `extract` gives it) masked by column kind and by content.

    Columns of a personal kind (ID, phones) are masked whole, parts included; everything else
    is masked by what it looks like, so a form this version does not know is covered too.
    """
    from .registry import UnknownForm, spec

    if not isinstance(data, dict):
        return mask_data(data)
    try:
        form_spec = spec(form_id)
    except (UnknownForm, KeyError, TypeError):
        return mask_data(data)
    from .schema import PERSONAL_KINDS

    personal = {c.name for c in form_spec.columns if c.kind in PERSONAL_KINDS}
    part_personal = {
        part.name: {f.name for f in part.fields if f.kind in PERSONAL_KINDS}
        for part in form_spec.parts
    }
    result: dict[str, Any] = {}
    for key, value in data.items():
        if key in personal and isinstance(value, str):
            result[key] = mask_whole(value)
        elif key in part_personal and isinstance(value, list):
            result[key] = [
                {
                    k: mask_whole(v)
                    if k in part_personal[key] and isinstance(v, str)
                    else mask_data(v)
                    for k, v in item.items()
                }
                if isinstance(item, dict)
                else mask_data(item)
                for item in value
            ]
        else:
            result[key] = mask_data(value)
    return result
