"""The tabular (XLSX) layout as it prints: open the produced workbook and check the cells."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from lvye_forms import api
from lvye_forms.registry import all_forms, get_form
from lvye_forms.render import xlsx_layout as lay
from lvye_forms.render.xlsx import blank_table_bytes, signature_text, write_blank_table

XLSX_FORMS = [m for m in all_forms() if m.kind == "xlsx"]


def sheet_of(form_id: str, **changes) -> Worksheet:
    model = get_form(form_id)
    record = model.model_validate({**model.examples[0], **changes})
    sheet = load_workbook(io.BytesIO(api.render_record(record))).active
    assert sheet is not None
    return sheet


def find(sheet: Worksheet, value) -> tuple[int, int]:
    for row in sheet.iter_rows():
        for cell in row:
            # A header broken onto two lines (实际支出 / （元）) is still that header.
            shown = cell.value.replace("\n", "") if isinstance(cell.value, str) else cell.value
            if shown == value:
                return cell.row, cell.column
    raise AssertionError(f"{value!r} not on the sheet")


def header_row(sheet: Worksheet, first_header: str) -> int:
    return find(sheet, first_header)[0]


def column_values(sheet: Worksheet, header: str) -> list:
    row, column = find(sheet, header)
    return [sheet.cell(row=r, column=column).value for r in range(row + 1, sheet.max_row + 1)]


def width_units(sheet: Worksheet) -> float:
    return sum(sheet.column_dimensions[c].width for c in "ABCDEFGHIJKLMNOP"[: sheet.max_column])


@pytest.mark.parametrize("model", XLSX_FORMS, ids=lambda m: m.form_id)
def test_every_tabular_example_prints_at_90_percent_or_more(model):
    sheet = sheet_of(model.form_id)
    landscape = sheet.page_setup.orientation == "landscape"
    page = lay.LANDSCAPE_UNITS if landscape else lay.PORTRAIT_UNITS
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert page / width_units(sheet) >= 0.9 - 1e-9, (model.form_id, width_units(sheet), page)


def test_rows_grow_with_their_text_so_no_line_is_clipped():
    long = "长者希望了解游园会的具体流程、交通安排、是否提供午餐以及行动不便者的陪同服务，" * 3
    inquiries = [{**get_form("inquiry_register").examples[0]["inquiries"][0], "content": long}]
    sheet = sheet_of("inquiry_register", inquiries=inquiries)
    row, column = find(sheet, long)
    width = sheet.column_dimensions[sheet.cell(row=row, column=column).column_letter].width
    lines = lay.lines_needed(long, width)
    assert lines >= 4
    assert sheet.row_dimensions[row].height >= lines * lay.LINE_POINTS
    short_row = find(sheet, "黄伯")[0]
    assert short_row == row and sheet.row_dimensions[row].height > lay.DATA_ROW_POINTS


def test_alignment_is_by_column_not_by_the_length_of_a_value():
    sheet = sheet_of("volunteer_registration")
    names = [find(sheet, name) for name in ("梁嘉怡", "何俊")]  # three and two characters
    assert {sheet.cell(*at).alignment.horizontal for at in names} == {"center"}
    inquiry = sheet_of("inquiry_register")
    texts = [find(inquiry, t) for t in ("游园会是否需要报名？", "行动不便能否安排义工接送？")]
    for at in texts:
        alignment = inquiry.cell(*at).alignment
        assert alignment.horizontal == "left" and alignment.indent >= 1 and alignment.wrap_text


def test_amounts_are_right_aligned_numbers_under_a_header_with_yuan():
    sheet = sheet_of("group_finance")
    row, column = find(sheet, "实际支出（元）")
    cell = sheet.cell(row=row + 1, column=column)
    assert cell.value == 58.5 and cell.alignment.horizontal == "right"
    assert cell.number_format.startswith("#,##0.00")


def test_months_print_in_chinese_and_header_facts_sit_in_a_bordered_grid():
    sheet = sheet_of("cash_journal")
    row, column = find(sheet, "月份")
    label = sheet.cell(row=row, column=column)
    value = sheet.cell(row=row, column=column + 1)
    assert value.value == "2024年10月"
    assert label.border.left.style == "thin" and value.border.bottom.style == "thin"
    assert label.fill.fgColor.rgb.endswith("D9D9D9")
    assert not any(cell.value == "2024-10" for line in sheet.iter_rows() for cell in line)


def test_cash_journal_has_opening_balance_running_balance_and_blank_empty_amounts():
    sheet = sheet_of("cash_journal")
    summaries = column_values(sheet, "摘要")
    assert summaries[0] == "期初余额"
    balances = column_values(sheet, "余额（元）")
    assert balances[:6] == [2000.0, 1187.5, 819.5, 619.5, 2119.5, 2119.5]  # last: 本月合计
    income = column_values(sheet, "收入（元）")
    assert income[:5] == [None, None, None, None, 1500.0]  # no 0.00 where nothing came in
    totals_row = find(sheet, "本月合计")[0]
    assert [sheet.cell(row=totals_row, column=c).value for c in (4, 5, 6)] == [
        1500.0,
        1380.5,
        2119.5,
    ]


def test_finance_report_shows_income_beside_spending():
    sheet = sheet_of("group_finance")
    source_row, source_column = find(sheet, "经费来源")
    item_row, item_column = find(sheet, "支出项目")
    assert source_row == item_row and source_column < item_column
    assert find(sheet, "收入")[0] == source_row - 1  # the group heading above
    first = [sheet.cell(row=source_row + 1, column=c).value for c in range(1, 6)]
    assert first == [
        "社区服务项目经费（主山社区项目）",
        200.0,
        "活动物资（彩笔、画纸、卡片）",
        60.0,
        58.5,
    ]
    totals_row = find(sheet, "收入合计")[0]
    assert sheet.cell(row=totals_row, column=2).value == 220.0
    assert sheet.cell(row=totals_row, column=5).value == 216.5
    balance_row = find(sheet, "收支结余（元）")[0]
    assert "3.50" in [c.value for c in sheet[balance_row]]


def test_finance_report_without_income_still_validates_and_prints():
    model = get_form("activity_finance")
    example = {k: v for k, v in model.examples[0].items() if k != "income"}
    record = model.model_validate(example)
    assert record.income == []
    sheet = load_workbook(io.BytesIO(api.render_record(record))).active
    assert find(sheet, "经费来源") and find(sheet, "游园礼品")


def test_registers_and_sign_in_sheets_print_blank_rows_to_the_page_end():
    sheet = sheet_of("volunteer_signin")
    sign_column = find(sheet, "签名")[1]
    assert sign_column == sheet.max_column
    letter = get_column_letter(sign_column)
    assert sheet.column_dimensions[letter].width >= lay.SIGN_UNITS  # room for a written name
    names = column_values(sheet, "义工姓名")
    totals = names.index("合计")
    assert names[:2] == ["梁嘉怡", "何俊"]
    assert totals >= 12 and all(n is None for n in names[2:totals])
    for form_id in ("inquiry_register", "volunteer_registration", "group_attendance"):
        rows = sum(1 for line in sheet_of(form_id).iter_rows() if line[0].border.left.style)
        assert rows >= 15, form_id
    # A statistics table is not a register: no blank rows.
    stats = sheet_of("service_statistics")
    assert column_values(stats, "社工")[:3] == ["黄嘉欣", "钟志强", "合计"]


@pytest.mark.parametrize("model", XLSX_FORMS, ids=lambda m: m.form_id)
def test_signature_lines_give_room_to_sign(model):
    if not model.signatures:
        pytest.skip("no signatures")
    sheet = sheet_of(model.form_id)
    for who in (s.partition("|")[0] for s in model.signatures):
        row = next(
            r
            for r in range(1, sheet.max_row + 1)
            if str(sheet.cell(row=r, column=1).value or "").startswith(f"{who}：")
        )
        text = sheet.cell(row=row, column=1).value
        assert "________" in text and "日期：" in text and "('" not in text
        assert sheet.row_dimensions[row].height >= 28


def test_signature_text():
    assert (
        signature_text("负责社工", "2024年4月20日")
        == "负责社工：________________　　日期：2024年4月20日"
    )
    assert signature_text("督导", "").endswith("日期：____年__月__日")


@pytest.mark.parametrize("model", XLSX_FORMS, ids=lambda m: m.form_id)
def test_blank_tabular_form_has_labels_and_an_empty_grid_but_no_data(model, tmp_path):
    path = tmp_path / f"{model.form_id}.xlsx"
    write_blank_table(model, path)
    sheet = load_workbook(path).active
    values = [c.value for line in sheet.iter_rows() for c in line if c.value is not None]
    text = "\n".join(map(str, values))
    assert model.title in values
    example = model.model_validate(model.examples[0])
    key = example.key()
    assert key not in text, model.form_id
    assert not any(isinstance(v, (int, float)) for v in values), model.form_id
    bordered = sum(1 for line in sheet.iter_rows() if line[0].border.left.style)
    assert bordered >= 15, (model.form_id, bordered)  # an empty grid to the end of the page
    for who in (s.partition("|")[0] for s in model.signatures):
        assert signature_text(who, "") in values, (model.form_id, who)
    assert blank_table_bytes(model, "某某社工服务中心") == blank_table_bytes(
        model, "某某社工服务中心"
    )


def test_blank_attendance_sheet_has_session_columns_and_keeps_the_legend():
    data = blank_table_bytes(get_form("group_attendance"), "某某社工服务中心")
    sheet = load_workbook(io.BytesIO(data)).active
    values = [c.value for line in sheet.iter_rows() for c in line if c.value is not None]
    assert sum(1 for v in values if str(v).startswith("第　节")) == 6
    assert "✓ 出席　假 请假　缺 缺席（未请假）" in values
    assert "某某社工服务中心" in values


def test_signatures_never_stand_alone_on_a_page():
    """Twelve long inquiries fill two pages to the bottom: the last one goes over to the third
    page with the blank rows and the signature line, which never print alone."""
    model = get_form("inquiry_register")
    long = "长者希望了解游园会的具体流程、交通安排、是否提供午餐以及行动不便者的陪同服务。" * 2
    first = model.examples[0]["inquiries"][0]
    inquiries = [{**first, "content": long, "name": f"居民{i}"} for i in range(12)]
    sheet = sheet_of("inquiry_register", inquiries=inquiries)
    last_row = find(sheet, "居民11")[0]
    assert [b.id for b in sheet.row_breaks.brk] == [last_row - 1]
    heights = [sheet.row_dimensions[r].height for r in range(1, sheet.max_row + 1)]
    header = find(sheet, "日期")[0]
    page = lay.page_points(sheet.page_setup.orientation == "landscape", 1.0)
    on_last = lay.used_on_last_page(heights, heights[header - 1], page, last_row)
    assert on_last <= page  # blank rows and signature fit on the page the last row opens
    assert sheet.cell(row=last_row + 1, column=1).value is None  # blank rows follow
