"""The blank (or example-filled) input workbook staff fill in for a form.

One row per document on the main sheet; list parts on their own sheets tied by the key
column; a note on every header; dropdowns for choices; dates as dates; ID and phone columns
as text so Excel keeps every digit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..fields import parse_date
from ..model import FormModel
from ..schema import FieldSpec, FormSpec, form_spec

OPTIONS_SHEET = "选项"
GUIDE_SHEET = "填写说明"
PREPARED_ROWS = 200  # rows pre-formatted (text/date) and covered by dropdowns

_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
_OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="999999")
_HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_NUMBER_FORMATS = {"date": "yyyy-mm-dd", "money": "0.00", "count": "0", "hours": "0.0"}
_WIDTHS = {"id": 22, "phone": 16, "mobile": 14, "date": 12, "longtext": 40, "choices": 28}


def _width(column: FieldSpec) -> float:
    label_width = sum(2 if ord(ch) > 0x2E80 else 1 for ch in column.label) + 2
    return max(label_width, _WIDTHS.get(column.kind, 14))


class _Options:
    """Choice lists on a hidden sheet, one column each; dropdowns refer to their range.

    A range rather than an inline list because inline lists are capped at 255 characters.
    """

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.sheet: Worksheet | None = None
        self.ranges: dict[tuple[str, ...], str] = {}

    def formula(self, choices: tuple[str, ...]) -> str:
        if choices not in self.ranges:
            if self.sheet is None:
                self.sheet = self.workbook.create_sheet(OPTIONS_SHEET)
                self.sheet.sheet_state = "hidden"
            column = len(self.ranges) + 1
            letter = get_column_letter(column)
            for row, choice in enumerate(choices, start=1):
                self.sheet.cell(row=row, column=column, value=choice).number_format = "@"
            self.ranges[choices] = f"'{OPTIONS_SHEET}'!${letter}$1:${letter}${len(choices)}"
        return self.ranges[choices]


def _write_header(sheet: Worksheet, columns: list[FieldSpec], options: _Options) -> None:
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.label)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = _REQUIRED_FILL if column.required else _OPTIONAL_FILL
        cell.border = _HEADER_BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.comment = Comment(column.note(), "lvye-forms", width=260, height=140)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _width(column)
        number_format = _NUMBER_FORMATS.get(column.kind, "@")
        for row in range(2, PREPARED_ROWS + 2):
            target = sheet.cell(row=row, column=index)
            target.number_format = number_format
            if column.kind == "longtext":
                target.alignment = Alignment(wrap_text=True, vertical="top")
        choices = (
            column.choices
            if column.kind == "choice"
            else ("是", "否")
            if column.kind == "yesno"
            else ()
        )
        if choices:
            validation = DataValidation(
                type="list",
                formula1=options.formula(choices),
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="请从列表中选择",
                error=f"「{column.label}」只能填写：" + "、".join(choices),
            )
            validation.add(f"{letter}2:{letter}{PREPARED_ROWS + 1}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "B2"
    sheet.row_dimensions[1].height = 30


def _cell_value(column: FieldSpec, value: Any) -> Any:
    """An example value written as staff's Excel would hold it (dates as date cells)."""
    if value in (None, ""):
        return None
    if column.kind == "date":
        return parse_date(value)
    if column.kind == "count":
        return int(value)
    if column.kind in ("money", "hours"):
        return float(value)
    return str(value)


def _write_rows(sheet: Worksheet, columns: list[FieldSpec], rows: Iterable[dict[str, Any]]) -> None:
    for row_number, data in enumerate(rows, start=2):
        for index, column in enumerate(columns, start=1):
            value = _cell_value(column, data.get(column.name))
            if isinstance(value, dt.date):
                sheet.cell(row=row_number, column=index, value=value).number_format = "yyyy-mm-dd"
            elif value is not None:
                sheet.cell(row=row_number, column=index, value=value)


def _guide(sheet: Worksheet, spec: FormSpec) -> None:
    model = spec.model
    lines = [
        f"《{model.title}》输入表（表单编号 {model.form_id}）",
        "",
        f"1. 在工作表「{spec.sheet_name}」中每行填写一份文档；「{spec.key.label}」必须唯一。",
        "2. 表头为红字、黄色底的列为必填；把鼠标停在表头上可看到格式要求。",
        "3. 有下拉箭头的列请从列表中选择；日期写成 2024-01-05 或 2024年1月5日。",
    ]
    for part in spec.parts:
        lines.append(
            f"4. 「{part.label}」写在同名工作表中，每行一条，用「{spec.key.label}」对应到主表的那一行。"
        )
    lines += [
        "",
        f"填好后运行：lvye-forms render {model.form_id} 本文件.xlsx -o 输出文件夹",
        "有错误的行不会生成文档；程序会另存一份标出错误单元格的副本，改正后再运行即可。",
    ]
    if model.rules:
        lines += ["", "检查规则："] + [f"· {rule}" for rule in model.rules]
    for row, text in enumerate(lines, start=1):
        sheet.cell(row=row, column=1, value=text).number_format = "@"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 100


def _add_form(
    workbook: Workbook, options: _Options, model: type[FormModel], *, example: bool, combined: bool
) -> None:
    spec = form_spec(model)
    main = workbook.create_sheet(spec.sheet_name)
    columns = list(spec.columns)
    _write_header(main, columns, options)
    records = list(model.examples) if example else []
    _write_rows(main, columns, records)
    for part in spec.parts:
        single, in_combined = spec.part_sheet_names(part)
        sheet = workbook.create_sheet(in_combined if combined else single)
        part_columns = [spec.key, *part.fields]
        _write_header(sheet, part_columns, options)
        rows = [
            {spec.key.name: record[spec.key.name], **item}
            for record in records
            for item in record.get(part.name, [])
        ]
        _write_rows(sheet, part_columns, rows)


def _new_workbook() -> tuple[Workbook, _Options]:
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook, _Options(workbook)


def _mark(workbook: Workbook, form_id: str) -> None:
    workbook.custom_doc_props.append(StringProperty(name="lvye_forms_form", value=form_id))


def input_workbook(model: type[FormModel], *, example: bool = False) -> Workbook:
    """The input workbook for `model`; with `example`, filled with its example records."""
    workbook, options = _new_workbook()
    _add_form(workbook, options, model, example=example, combined=False)
    _guide(workbook.create_sheet(GUIDE_SHEET), form_spec(model))
    _mark(workbook, model.form_id)
    workbook.custom_doc_props.append(
        StringProperty(name="lvye_forms_schema_version", value=str(model.schema_version))
    )
    _move_options_last(workbook)
    return workbook


def all_forms_workbook(models: list[type[FormModel]], *, example: bool = False) -> Workbook:
    """One workbook with a sheet per form (and their list sheets), for a whole service point."""
    workbook, options = _new_workbook()
    for model in models:
        _add_form(workbook, options, model, example=example, combined=True)
    guide = workbook.create_sheet(GUIDE_SHEET)
    lines = [
        "本工作簿包含所有表单，每个表单一个工作表；列表部分（如家庭成员）在“表单名·部分名”工作表中。",
        "运行：lvye-forms render 本文件.xlsx -o 输出文件夹 —— 有数据的表单工作表都会生成文档。",
        "",
    ] + [f"{m.form_id}　《{m.title}》" for m in models]
    for row, text in enumerate(lines, start=1):
        guide.cell(row=row, column=1, value=text)
    guide.column_dimensions["A"].width = 100
    _mark(workbook, "*")  # api.ALL_FORMS
    _move_options_last(workbook)
    return workbook


def _move_options_last(workbook: Workbook) -> None:
    if OPTIONS_SHEET in workbook.sheetnames:
        sheet = workbook[OPTIONS_SHEET]
        workbook.move_sheet(sheet, offset=len(workbook.sheetnames) - 1 - workbook.index(sheet))


REGISTER_SHEET = "文件登记"
REGISTER_GUIDE_SHEET = "登记说明"
# Optional columns: the register's own 备注, and the facts a scan cannot give.
_REGISTER_OPTIONAL = ("节次", "备注")


def register_workbook() -> Workbook:
    """The blank register: one row per scanned or hand-made file the checker should count.

    Besides 文件, 对象编号, 表单 and 日期, a row may give any fact of its form that a rule needs
    and a scan cannot tell: 节次 (the session a 点名表 or 集会记录 is about), and any further
    column headed by the field's Chinese label or name (结案原因, 服务点, 签署日期…). Each value is
    checked as the form itself checks it.
    """
    from ..archive import REGISTER_COLUMNS

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = REGISTER_SHEET
    notes = {
        "文件": "文件相对于档案文件夹的路径，如 个案/GA-2024-017/同意书扫描.pdf",
        "对象编号": "个案编号、小组编号、活动编号、申请编号、学员编号或服务点名称",
        "表单": "表单编号（如 case_consent）或中文名称（如 接受个案服务同意书）",
        "日期": "文档上的日期（签署、记录或提交日期），如 2024-03-04。不填则日期未知，"
        "需要日期的规则显示“无法核实”",
        "节次": "小组点名表、集会记录等是第几节，如 1；一张点名表记几节的写 1-4。选填",
        "备注": "选填。右边可以再加列，表头写表单中字段的中文名称（如 结案原因、服务点、"
        "签署日期），填写扫描件上的内容，规则就能核实这些事实",
    }
    for index, label in enumerate(REGISTER_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=label)
        cell.font = Font(bold=True)
        cell.fill = _OPTIONAL_FILL if label in _REGISTER_OPTIONAL else _REQUIRED_FILL
        cell.comment = Comment(notes[label], "lvye-forms", width=300, height=120)
        sheet.column_dimensions[get_column_letter(index)].width = 40 if label == "文件" else 18
        for row in range(2, PREPARED_ROWS + 2):
            sheet.cell(row=row, column=index).number_format = (
                "yyyy-mm-dd" if label == "日期" else "@"
            )
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet(REGISTER_GUIDE_SHEET)
    lines = [
        "文件登记表：让 lvye-forms check 认识扫描件和手写文件",
        "",
        "1. 在「文件登记」工作表中每行登记一个文件：文件（相对于档案文件夹的路径）、对象编号、表单、日期。",
        "2. 扫描件只告诉程序“有这份文档、是哪天的”。规则如果还要用到文档上的其他内容"
        "（结案原因、服务点、第几节……），检查结果会显示“无法核实”，并写明缺哪一项。",
        "3. 要让程序核实这些内容，在右边加一列，表头写该项的中文名称（与 lvye-forms describe "
        "<表单编号> 列出的字段名称相同，如 结案原因、服务点、服务使用者签署日期），"
        "也可以写字段编号（如 closing_reason），再填写扫描件上的内容。",
        "   选项类的内容可以只写编号或关键字，如结案原因写 4。",
        "4. 「节次」列：小组点名表、集会记录、单元计划等是第几节；点名表记几节的写 1-4 或 1、2、4。",
        "5. 填错的内容（不存在的日期、不在选项中的值、该表单没有的列）会列在检查报告的"
        "“无法识别的文件”中，写明第几行哪一列；该文件仍会计入，这一项按未知处理。",
        "6. 也可以不登记，而按约定给文件命名：对象编号_表单_日期[_备注].扩展名，"
        "如 XZ-2024-005_小组点名表_20240406_第1节.jpg。",
        "",
        "最可靠的办法是放入 lvye-forms 生成的文档：它带有全部数据，不需要登记。",
    ]
    for row, text in enumerate(lines, start=1):
        guide.cell(row=row, column=1, value=text).number_format = "@"
    guide["A1"].font = Font(bold=True, size=14)
    guide.column_dimensions["A"].width = 110
    return workbook
