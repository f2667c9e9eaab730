"""The register: a workbook listing files of the archive (文件, 对象编号, 表单, 日期, 节次, and
any column named after a field of the row's form), so that scans and hand-made files whose
names do not follow the convention are documents too."""

from __future__ import annotations

import datetime as dt
import re
import typing
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..fields import is_empty, parse_date
from ..ingest.tables import UnreadableFile, read_tables
from ..model import FormModel, _field_adapter
from ..paths import display_text
from ..render.embed import read_embedded
from .datapart import DataPart, read_data_part
from .documents import _ERROR_WORDS, _NO_FUTURE_CHECK, ArchiveDocument
from .facts import _plain_label, scan_facts, session_target
from .names import _form_from_token, month_field, parse_file_name, session_numbers
from .unplaced import INVALID_ENTRY, UNKNOWN_FORM, UNREADABLE, Unplaced
from .walk import _resolved, _within

# The register's own columns; 日期 and 节次 are facts of the listed file as well, and any further
# column headed by a field's Chinese label (结案原因, 服务点…) or name (closing_reason) gives that
# fact of the file's form.
REGISTER_COLUMNS = ("文件", "对象编号", "表单", "日期", "节次", "备注")
_REGISTER_OWN = ("文件", "对象编号", "表单", "日期", "备注")
_SESSION_COLUMNS = ("节次", "節次", "session", "session_number")


def _field_for_header(model: type[FormModel], header: str) -> str | None:
    """The field of `model` a register column names, by label or by name."""
    if header in model.model_fields:
        return header
    wanted = _plain_label(header)
    for name, info in model.model_fields.items():
        if info.title and _plain_label(info.title) == wanted:
            return name
    return None


def _choice_of(annotation: Any, value: Any) -> Any:
    """A choice written short in the register (“4” or “出现新的要求…” for
    “4 出现新的要求和问题需其他社工或机构”) as its one full label, or None."""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return None
    text = re.sub(r"\s+", "", str(value))
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, Enum):
            labels = [str(member.value) for member in candidate]
            found = [
                label
                for label in labels
                if label.split()[0] == text  # the number of “4 出现新的要求…”
                or (len(text) >= 2 and text in re.sub(r"\s+", "", label))
            ]
            if len(found) == 1:
                return found[0]
    return None


def _fact_value(model: type[FormModel], name: str, value: Any) -> tuple[Any, str]:
    """`value` validated as field `name` of `model` would be: (value, "") or (None, why not)."""
    if isinstance(value, str):
        value = value.strip()
    adapter = _field_adapter(model, name)
    try:
        return adapter.validate_python(value, context=_NO_FUTURE_CHECK), ""
    except ValidationError as exc:
        annotation = model.model_fields[name].annotation
        choice = _choice_of(annotation, value)
        if choice is not None:
            try:
                return adapter.validate_python(choice, context=_NO_FUTURE_CHECK), ""
            except ValidationError:
                pass
        error = exc.errors(include_url=False, include_input=False)[0]
        words = _ERROR_WORDS.get(error.get("type", "")) or str(error.get("msg", "")).removeprefix(
            "Value error, "
        )
        expected = (error.get("ctx") or {}).get("expected")
        if expected:
            words += f"（可选：{display_text(str(expected))[:200]}）"
        return None, words[:300]
    except Exception as exc:  # a validator choking on a value of an odd kind
        return None, f"无法校验（{type(exc).__name__}）"


def _shown_value(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    text = display_text(str(value))
    return text if len(text) <= 40 else text[:40] + "…"


def _register_entry(
    register: Path, row: int, values: dict[str, Any], model: type[FormModel], subject: str,
    target: Path,
) -> tuple[ArchiveDocument, list[Unplaced]]:
    """The document one register row lists, with every fact its columns give, and the
    problems of the values that cannot be used (those facts stay unknown)."""
    problems: list[Unplaced] = []

    def bad(column: str, reason: str) -> None:
        problems.append(Unplaced(register, INVALID_ENTRY, f"登记表第 {row} 行「{column}」列：{reason}"))

    named = parse_file_name(target)
    same = named is not None and named.model is model and not named.problem
    date = named.date if same and named is not None else None
    sessions = named.sessions if same and named is not None else None
    given = values.get("日期")
    if not is_empty(given):
        try:
            date = parse_date(given)
        except (ValueError, TypeError, OverflowError):
            date = None
            bad("日期", f"“{_shown_value(given)}”不是存在的日期（请写成 2024-03-04）；该文件的日期按未知处理")
    target_field = session_target(model)
    for column in _SESSION_COLUMNS:
        given = values.get(column)
        if is_empty(given):
            continue
        if target_field is None:
            bad(column, f"《{model.title}》没有节次，未使用")
            continue
        text = str(int(given)) if isinstance(given, float) and given.is_integer() else str(given)
        numbers = session_numbers(text) or session_numbers(f"第{text.strip()}节")
        if not numbers or (target_field[1] is None and len(numbers) > 1):
            sessions = None
            bad(column, f"“{_shown_value(given)}”不是节次（如 1，或点名表写 1-4）；节次按未知处理")
        else:
            sessions = numbers
    facts = scan_facts(model, subject, date, sessions, target)
    month = month_field(model)
    if same and named is not None and named.month and month is not None:
        facts[month] = named.month
    for column, given in values.items():
        if column in _REGISTER_OWN or column in _SESSION_COLUMNS or is_empty(given):
            continue
        name = _field_for_header(model, column)
        if name is None:
            bad(column, f"《{model.title}》没有这一项，未使用")
            continue
        value, reason = _fact_value(model, name, given)
        if reason:
            bad(column, f"“{_shown_value(given)}”{reason}；该项按未知处理")
            facts.pop(name, None)
            continue
        facts[name] = value
        if name == model.date_field and isinstance(value, dt.date):
            date = value
    if model.date_field and date is not None:
        facts[model.date_field] = date
    document = ArchiveDocument(target, model.form_id, model.subject_type, subject, date, "register", facts)
    return document, problems


def read_register(path: Path, root: Path) -> tuple[dict[Path, ArchiveDocument], list[Unplaced]]:
    """Files listed in a register workbook (文件, 对象编号, 表单, 日期, 节次, and any column named
    after a field of the row's form), keyed by resolved path.

    文件 is the path relative to the archive folder (or to the register's own folder). A row
    whose file, subject or form cannot be read is an `Unplaced` (unknown_form); a value that
    does not validate as its field's type is an `Unplaced` (invalid_entry) naming row and
    column, and the file still counts with that fact unknown.
    """
    try:
        tables = read_tables(path)
    except Exception as exc:  # UnreadableFile, or whatever a damaged workbook raises
        reason = str(exc) if isinstance(exc, UnreadableFile) else type(exc).__name__
        return {}, [Unplaced(path, UNREADABLE, f"无法读取登记表：{reason}")]
    listed: dict[Path, ArchiveDocument] = {}
    problems: list[Unplaced] = []
    real_root = _resolved(root) or root
    for table in tables.values():
        if "文件" not in table.headers:
            continue
        for row in table.rows:
            name = str(row.values.get("文件") or "").strip()
            where = f"登记表第 {row.row} 行"
            target = None
            wrong: list[str] = []
            if name:
                target = _resolved(root / name)
                beside = _resolved(path.parent / name)
                if (target is None or not target.exists()) and beside and beside.exists():
                    target = beside
                elif target is not None and not _within(target, real_root):
                    problems.append(
                        Unplaced(
                            path, UNREADABLE,
                            f"{where}：「文件」列的“{_shown_value(name)}”在档案文件夹以外，未检查"
                            "（请写相对档案文件夹的路径）",
                        )
                    )
                    continue
                if target is None:
                    wrong.append(f"「文件」列的“{_shown_value(name)}”不是可用的路径")
            else:
                wrong.append("「文件」列是空的")
            form_text = row.values.get("表单")
            model = None if is_empty(form_text) else _form_from_token(str(form_text))
            if is_empty(form_text):
                wrong.append("「表单」列是空的")
            elif model is None:
                wrong.append(
                    f"「表单」列的“{_shown_value(form_text)}”不是表单编号或名称"
                    "（如 case_consent 或 接受个案服务同意书；lvye-forms list 可查）"
                )
            subject = display_text(str(row.values.get("对象编号") or "")).strip()
            if not subject:
                wrong.append("「对象编号」列是空的")
            if target is None or model is None or not subject:
                problems.append(
                    Unplaced(path, UNKNOWN_FORM, f"{where}：{'；'.join(wrong)}；该行未使用")
                )
                continue
            document, bad_values = _register_entry(path, row.row, row.values, model, subject, target)
            listed[target] = document
            problems += bad_values
    return listed, problems


def is_register(path: Path) -> bool:
    """A workbook (without our data) whose sheet has the register's 文件 and 表单 columns, or
    the register's 服务点 sheet on its own."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return False
    if isinstance(read_data_part(path), DataPart):
        return False  # a workbook we made, read the quick way (read_embedded would succeed)
    try:
        read_embedded(path)
        return False
    except Exception:  # no data of ours, or damaged: see whether it reads as a register
        pass
    try:
        tables = read_tables(path)
    except Exception:  # not a readable workbook, so not a register; identify() says why
        return False
    return any(
        {"文件", "对象编号", "表单"} <= set(t.headers) or {"服务点", "类型"} <= set(t.headers)
        for t in tables.values()
    )
