"""The language of everything a person reads: Chinese by default, English on request.

`--lang en` on the command line or the environment variable LVYE_FORMS_LANG=en switches it;
library callers use `use_language("en")`. Messages are written in place as `t("中文", "English")`
so the two versions of a sentence stay side by side; the error catalogue (`errors.MESSAGES`)
uses the current language too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

LANGUAGES = ("zh", "en")
ENV_VAR = "LVYE_FORMS_LANG"


def _from_environment() -> str:
    value = os.environ.get(ENV_VAR, "").strip().lower()
    return "en" if value.startswith("en") else "zh"


_current: ContextVar[str | None] = ContextVar("lvye_forms_lang", default=None)


def current() -> str:
    """"zh" or "en"."""
    return _current.get() or _from_environment()


def set_language(lang: str | None) -> None:
    """Use `lang` ("zh"/"en"; None: from the environment) from now on in this context."""
    _current.set(None if lang is None else ("en" if lang.lower().startswith("en") else "zh"))


@contextmanager
def use_language(lang: str | None) -> Iterator[None]:
    """`lang` ("zh"/"en"; None: from the environment) inside the block, the one before after."""
    token = _current.set(None if lang is None else ("en" if lang.lower().startswith("en") else "zh"))
    try:
        yield
    finally:
        _current.reset(token)


def t(zh: str, en: str) -> str:
    """The sentence in the current language."""
    return en if current() == "en" else zh
