"""One catalogue of the problems lvye-forms reports, with Chinese and English messages.

Every message a person reads is built from a code here, so the wording stays consistent and
translations live in one place. A message follows the pyxform order: where the problem is
(file, sheet, row, column) → which rule failed → the value → how to fix it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any

from pydantic_core import PydanticCustomError

from . import i18n


class Code(str, Enum):
    """Error codes. The value is the stable machine name used in JSON reports."""

    REQUIRED = "required"
    ID_FORMAT = "id_format"
    ID_REGION = "id_region"
    ID_BIRTH = "id_birth"
    ID_CHECKSUM = "id_checksum"
    ID_AS_NUMBER = "id_as_number"
    ID_MISMATCH = "id_mismatch"
    PHONE = "phone"
    MOBILE = "mobile"
    DATE = "date"
    DATE_FUTURE = "date_future"
    DATE_ORDER = "date_order"
    NUMBER = "number"
    MONEY = "money"
    NEGATIVE = "negative"
    SUM = "sum"
    CHOICE = "choice"
    BOOLEAN = "boolean"
    CONTROL_CHAR = "control_char"
    TOO_LONG = "too_long"
    TOO_FEW = "too_few"
    TOO_LARGE = "too_large"
    NOT_TEXT = "not_text"
    DECIMAL = "decimal"
    CONDITIONAL = "conditional"
    DUPLICATE_KEY = "duplicate_key"
    ORPHAN_ROW = "orphan_row"
    MISSING_COLUMN = "missing_column"
    MISSING_SHEET = "missing_sheet"
    UNREADABLE = "unreadable"
    FILE_TOO_LARGE = "file_too_large"
    UNKNOWN_FORM = "unknown_form"
    EXISTS = "exists"
    WRITE_FAILED = "write_failed"
    FORMULA_ERROR = "formula_error"
    UNKNOWN_COLUMN = "unknown_column"
    DUPLICATE_COLUMN = "duplicate_column"
    INVALID = "invalid"


# Chinese first: staff read Chinese; English is for developers and logs.
MESSAGES: dict[Code, tuple[str, str]] = {
    Code.REQUIRED: ("必填项为空，请填写", "required value is empty"),
    Code.ID_FORMAT: (
        "身份证号应为18位：前17位数字，最后一位数字或X",
        "ID number must be 18 characters: 17 digits then a digit or X",
    ),
    Code.ID_REGION: (
        "身份证号前两位不是有效的省级行政区代码",
        "ID number has no valid province code",
    ),
    Code.ID_BIRTH: (
        "身份证号第7–14位不是有效的出生日期",
        "ID number digits 7-14 are not a valid birth date",
    ),
    Code.ID_CHECKSUM: (
        "身份证号校验位不符（按GB 11643应为 {expected}），请核对是否抄错",
        "ID number check digit is wrong (GB 11643 gives {expected})",
    ),
    Code.ID_AS_NUMBER: (
        "身份证号被Excel存成了数字，末几位可能已丢失；请把该列设为“文本”后重新输入",
        "ID number was stored as a number and may have lost digits; format the column as text",
    ),
    Code.ID_MISMATCH: (
        "与身份证号不一致：身份证号显示{expected}",
        "does not match the ID number, which gives {expected}",
    ),
    Code.PHONE: (
        "不是有效的电话号码：手机号为11位（1开头），固定电话如 0769-22223333",
        "not a valid phone number: 11-digit mobile or landline like 0769-22223333",
    ),
    Code.MOBILE: ("不是有效的手机号：应为11位，以1开头", "not a valid mobile number"),
    Code.DATE: (
        "不是有效的日期；请写成 2024-01-05、2024/1/5 或 2024年1月5日",
        "not a valid date; write 2024-01-05, 2024/1/5 or 2024年1月5日",
    ),
    Code.DATE_FUTURE: (
        "日期晚于今天（{today}），不能是将来的日期",
        "date is after today ({today})",
    ),
    Code.DATE_ORDER: (
        "日期不能早于「{other}」（{other_value}）",
        "date is before {other} ({other_value})",
    ),
    Code.NUMBER: ("不是有效的整数", "not a whole number"),
    Code.MONEY: (
        "不是有效的金额；请填写数字，最多两位小数",
        "not a valid amount (at most 2 decimals)",
    ),
    Code.NEGATIVE: ("不能为负数", "must not be negative"),
    Code.SUM: (
        "合计不符：各项之和为 {expected}，填写的是 {actual}",
        "total does not add up: items sum to {expected}, total given is {actual}",
    ),
    Code.CHOICE: ("只能填写以下之一：{choices}", "must be one of: {choices}"),
    Code.BOOLEAN: ("请填写“是”或“否”", "write 是 (yes) or 否 (no)"),
    Code.CONTROL_CHAR: (
        "含有无法保存到文档的控制字符（第{position}个字符），请删除后重新输入",
        "contains a control character that documents cannot hold (position {position})",
    ),
    Code.TOO_LONG: ("内容过长：最多 {limit} 个字", "too long: at most {limit} characters"),
    Code.TOO_FEW: ("至少需要 {minimum} 行「{part}」", "needs at least {minimum} rows of {part}"),
    Code.TOO_LARGE: ("数值过大：最大为 {limit}", "too large: at most {limit}"),
    Code.NOT_TEXT: (
        "应填写文字或数字（单元格里是列表、二进制数据或非有限数值等无法作为文字的内容）",
        "must be text or a number (the cell holds a list, binary data, a non-finite number or "
        "other content that is not text)",
    ),
    Code.DECIMAL: (
        "不是有效的数字；请填写数字，最多两位小数，如 1.5",
        "not a valid number (at most 2 decimals, like 1.5)",
    ),
    Code.CONDITIONAL: ("{reason}", "{reason}"),
    Code.DUPLICATE_KEY: (
        "编号重复：与第 {other_row} 行相同，每份文档的编号必须唯一",
        "duplicate key: same as row {other_row}",
    ),
    Code.ORPHAN_ROW: (
        "在主表「{sheet}」中找不到编号为该值的记录",
        "no row with this key in the main sheet {sheet}",
    ),
    Code.MISSING_COLUMN: ("缺少必需的列「{column}」", "required column {column} is missing"),
    Code.MISSING_SHEET: (
        "找不到工作表「{sheet}」；请使用 lvye-forms sheet 生成的模板",
        "sheet {sheet} not found; use the workbook from `lvye-forms sheet`",
    ),
    Code.UNREADABLE: ("无法读取文件：{reason}", "cannot read the file: {reason}"),
    Code.FILE_TOO_LARGE: ("文件过大：{reason}", "file too large: {reason}"),
    Code.UNKNOWN_FORM: ("无法识别表单：{reason}", "cannot tell which form this is: {reason}"),
    Code.EXISTS: (
        "输出文件已存在且内容不同，未覆盖；如需覆盖请加 --overwrite",
        "output file exists with different content; not overwritten (use --overwrite)",
    ),
    Code.UNKNOWN_COLUMN: (
        "本表单没有「{column}」这一列，其中的内容不会进入文档；如是改了列名，请改回输入表中的列名",
        "the form has no column '{column}': its cells are not used; if it was renamed, rename it back",
    ),
    Code.DUPLICATE_COLUMN: (
        "「{column}」这一列出现了两次，只读取第一列；请删除或改名重复的列",
        "the column '{column}' appears twice; only the first is read",
    ),
    Code.FORMULA_ERROR: (
        "单元格的公式结果是错误值 {error}：请改正公式，或直接填写内容",
        "the cell's formula gives the error {error}: correct the formula or type the value",
    ),
    Code.WRITE_FAILED: (
        "无法写入文件：{reason}；请检查文件夹权限、磁盘空间，或关闭正在打开该文件的程序",
        "cannot write the file: {reason}; check folder permissions and disk space, or close the "
        "program that has the file open",
    ),
    Code.INVALID: ("{reason}", "{reason}"),
}


def message(code: Code, lang: str | None = None, **ctx: Any) -> str:
    """The message for `code` in `lang` ("zh" or "en"; default: the current language)."""
    zh, en = MESSAGES[code]
    template = en if (lang or i18n.current()) == "en" else zh
    return template.format(**ctx) if ctx else template


def fail(code: Code, **ctx: Any) -> PydanticCustomError:
    """A pydantic error carrying our code, so validation errors map back to this catalogue.

    Returned (not raised) so call sites read `raise fail(Code.X)`.
    """
    # Pydantic formats the template itself with `ctx`; braces in values are safe there.
    zh, en = MESSAGES[code]
    return PydanticCustomError(
        f"lvye.{code.value}", en if i18n.current() == "en" else zh, ctx or None
    )


@dataclass(frozen=True)
class Problem:
    """One problem found in the input, located as precisely as we can.

    `row` is the spreadsheet row number as Excel shows it (1-based), `column` the header text.
    `value` is the cell as typed (already masked when the run does not show personal data);
    `personal` says the column holds personal numbers, so every output masks it whole.
    """

    code: str
    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    personal: bool = False

    def location(self) -> str:
        """Where the problem is, in the words staff use: 文件「X」，工作表「Y」，第 12 行，「身份证号」列."""
        parts = []
        if self.file:
            parts.append(i18n.t(f"文件「{self.file}」", f"file '{self.file}'"))
        if self.sheet:
            parts.append(i18n.t(f"工作表「{self.sheet}」", f"sheet '{self.sheet}'"))
        if self.row is not None:
            parts.append(i18n.t(f"第 {self.row} 行", f"row {self.row}"))
        if self.column:
            parts.append(i18n.t(f"「{self.column}」列", f"column '{self.column}'"))
        return i18n.t("，", ", ").join(parts)

    def describe(self, value: str | None = None) -> str:
        """The whole sentence: where, what is wrong, what was typed (`value` overrides it)."""
        where = self.location()
        shown = self.value if value is None else value
        typed = i18n.t(f"（填写的值：{shown}）", f" (value: {shown})") if shown else ""
        return (
            f"{where}{i18n.t('：', ': ')}{self.message}{typed}"
            if where
            else f"{self.message}{typed}"
        )

    def __str__(self) -> str:
        return self.describe()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
