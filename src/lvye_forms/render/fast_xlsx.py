"""The prepared XLSX engine: a tabular form's package written in one pass from its sheet plan.

openpyxl, for every document, builds a styled object per cell (hashing every font, border
and alignment into its per-workbook style registry), then serialises the whole package and
the package is zipped twice more (data part, fixed timestamps). Here, once per process:

- a *skeleton* workbook is made by openpyxl itself (`xlsx_plan.openpyxl_workbook`) holding
  one cell of every style the layout can ask for (`xlsx_plan.STYLES`) and a bordered merged
  range, and saved the way the openpyxl path saves (`package.add_custom_xml`,
  `package.normalise_zip`); its style table, theme, relationships, content types and
  properties are deflated once and copied into every document; each style's index in that
  table is read back from openpyxl;
- the parts of the worksheet XML that do not depend on the record (sheet properties, page
  margins, page setup for each orientation, footer, the frozen-pane view) are serialised by
  openpyxl's own objects, set up by `xlsx_plan.page_setup`.

Per document only the worksheet's cells, rows, columns and merges, the workbook part (it
names the rows repeated on every page) and the data part are written, then one zip with
fixed timestamps (`zipwrite`). What this engine cannot write (a value of a type openpyxl
would convert, text Excel cannot hold) raises `Unsupported`; the caller then uses openpyxl.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from typing import Any

from lxml import etree
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook._writer import WorkbookWriter

from ..i18n import t
from .embed import data_xml, item_id, props_xml
from .package import add_custom_xml, normalise_zip
from .xlsx_plan import STYLES, Put, SheetPlan, Style, openpyxl_workbook, page_setup
from .zipwrite import Member, write_zip

# Parts made per document are deflated quickly; the shared ones get zlib's default once.
ROW_LEVEL = 1
SHEET = "xl/worksheets/sheet1.xml"
BOOK = "xl/workbook.xml"
_MAIN_RELS = "xl/_rels/workbook.xml.rels"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_WORKSHEET = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
# Rows no form reaches, written where the record's repeated rows go in the workbook part.
_TITLE_MARKER = ("1048574", "1048575")
# What openpyxl refuses in a cell (it raises) or what XML cannot hold (lxml raises): such a
# value goes through openpyxl, which reports it as it always has.
_NOT_CELL_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_MAX_TEXT = 32767  # openpyxl cuts longer text; Excel holds no more in a cell
_SAMPLE = {"form": "", "schema_version": 0, "agency": "", "generator": "", "key": "", "data": {}}


class Unsupported(Exception):
    """This plan (or value) needs openpyxl; `str(exc)` says what."""


def _xml(element: Any) -> str:
    return etree.tostring(element, encoding="unicode")


def _text(value: str) -> str:
    # As lxml escapes text; a carriage return is kept as a reference, not normalised away.
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


class FastXlsx:
    """The style table and the unchanging parts of a tabular form's package, prepared once;
    `render` makes one package per plan."""

    def __init__(self) -> None:
        sample = SheetPlan(title="Sheet", widths=[10.0, 10.0, 10.0])
        for row, style in enumerate(STYLES, start=1):
            sample.puts.append(Put(row, 1, 1, None, style))
            sample.heights.append(15.0)
        merged = len(STYLES) + 1
        sample.puts.append(Put(merged, 1, 3, None, Style(border=True)))
        sample.heights.append(15.0)
        sample.first_title_row, sample.header_row = 1, 1
        workbook = openpyxl_workbook(sample)
        sheet = workbook.active
        assert sheet is not None
        self._xf = {s: str(sheet.cell(row=r, column=1).style_id) for r, s in enumerate(STYLES, 1)}
        # openpyxl gives the other cells of a bordered merged range the start cell's edges:
        # top and bottom inside the range, and the right edge too on its last cell.
        self._inner_xf = str(sheet.cell(row=merged, column=2).style_id)
        self._last_xf = str(sheet.cell(row=merged, column=3).style_id)
        buffer = io.BytesIO()
        workbook.save(buffer)
        package = normalise_zip(add_custom_xml(buffer.getvalue(), _SAMPLE, main_rels=_MAIN_RELS))
        self._prepare_fragments(sheet)
        self._members, self._slots = self._prepare_package(package)
        self._books: dict[str, tuple[str, str]] = {}
        self._views: dict[int, str] = {}
        self._letters = [""] + [get_column_letter(n) for n in range(1, 200)]

    # --- preparing ---------------------------------------------------------------------------

    def _prepare_fragments(self, sheet: Any) -> None:
        """The worksheet's elements that do not depend on the record, as openpyxl writes them
        (serialised after the save, which settles the sheet format)."""
        self._sheet = sheet
        self._head = _xml(sheet.sheet_properties.to_tree())
        self._format = _xml(sheet.sheet_format.to_tree())
        self._tails = {}
        for landscape in (False, True):
            page_setup(sheet, 1, 1, landscape=landscape)
            self._tails[landscape] = "".join(
                _xml(part.to_tree())
                for part in (sheet.print_options, sheet.page_margins, sheet.page_setup)
            ) + _xml(sheet.HeaderFooter.to_tree())

    def _prepare_package(self, package: bytes) -> tuple[list[Member | None], dict[str, int]]:
        per_row = {SHEET, BOOK, "customXml/item1.xml", "customXml/itemProps1.xml"}
        members: list[Member | None] = []
        slots: dict[str, int] = {}
        with zipfile.ZipFile(io.BytesIO(package)) as source:
            for name in source.namelist():
                if name in per_row:
                    slots[name] = len(members)
                    members.append(None)
                else:
                    members.append(Member.deflate(name, source.read(name)))
        missing = per_row - set(slots)
        if missing:
            raise Unsupported(
                t(
                    f"openpyxl 生成的工作簿缺少部件：{sorted(missing)}",
                    f"parts not found in openpyxl's package: {sorted(missing)}",
                )
            )
        return members, slots

    def _book(self, title: str) -> tuple[str, str]:
        """The workbook part of a sheet named `title`, split where its repeated rows go."""
        if title not in self._books:
            workbook = Workbook()
            sheet = workbook.active
            assert sheet is not None
            sheet.title = title
            sheet.print_title_rows = ":".join(_TITLE_MARKER)
            xml = WorkbookWriter(workbook).write()
            xml = xml.decode("utf-8") if isinstance(xml, bytes) else xml
            marker = "${}:${}".format(*_TITLE_MARKER)
            if xml.count(marker) != 1:
                raise Unsupported(
                    t(
                        f"工作表名称「{title}」无法放入打印标题行",
                        f"the sheet name {title!r} hides where the title rows go",
                    )
                )
            before, _, after = xml.partition(marker)
            self._books[title] = (before, after)
        return self._books[title]

    def _view(self, header_row: int) -> str:
        """The sheet view frozen under `header_row`, as openpyxl writes it."""
        if header_row not in self._views:
            self._sheet.freeze_panes = f"A{header_row + 1}"
            self._views[header_row] = _xml(self._sheet.views.to_tree())
        return self._views[header_row]

    # --- rendering ---------------------------------------------------------------------------

    def render(self, plan: SheetPlan, metadata: dict[str, Any]) -> bytes:
        """The finished XLSX of `plan` with `metadata` embedded; same input → same bytes."""
        before, after = self._book(plan.title)
        rows = f"${plan.first_title_row}:${plan.header_row}"
        members = list(self._members)
        members[self._slots[SHEET]] = Member.deflate(
            SHEET, self.sheet_xml(plan).encode("utf-8"), ROW_LEVEL
        )
        members[self._slots[BOOK]] = Member.deflate(
            BOOK, (before + rows + after).encode("utf-8"), ROW_LEVEL
        )
        item, props = "customXml/item1.xml", "customXml/itemProps1.xml"
        members[self._slots[item]] = Member.deflate(item, data_xml(metadata), ROW_LEVEL)
        members[self._slots[props]] = Member.deflate(props, props_xml(item_id(metadata)), ROW_LEVEL)
        return write_zip([m for m in members if m is not None])

    def sheet_xml(self, plan: SheetPlan) -> str:
        letters = self._letters
        width = max((put.last for put in plan.puts), default=1)
        if width >= len(letters):
            raise Unsupported(t(f"表格有 {width} 列", f"{width} columns"))
        cells: dict[int, list[tuple[int, str]]] = {}
        merges: list[str] = []
        for put in plan.puts:
            row = cells.setdefault(put.row, [])
            row.append((put.first, self._cell(f"{letters[put.first]}{put.row}", put)))
            if put.last > put.first:
                merges.append(f"{letters[put.first]}{put.row}:{letters[put.last]}{put.row}")
                if put.style.border:
                    for column in range(put.first + 1, put.last + 1):
                        xf = self._last_xf if column == put.last else self._inner_xf
                        row.append((column, f'<c r="{letters[column]}{put.row}" s="{xf}"/>'))
        # openpyxl makes the cell the panes freeze at, so its row is in the sheet, maybe empty.
        last_row = max(len(plan.heights), plan.header_row + 1)
        out = [
            _DECLARATION,
            _WORKSHEET,
            self._head,
            f'<dimension ref="A1:{letters[width]}{last_row}"/>',
            self._view(plan.header_row),
            self._format,
            "<cols>",
        ]
        for column, column_width in enumerate(plan.widths, start=1):
            out.append(
                f'<col width="{_number(round(column_width, 2))}" customWidth="1" '
                f'min="{column}" max="{column}"/>'
            )
        out.append("</cols><sheetData>")
        for number in range(1, last_row + 1):
            if number > len(plan.heights):
                out.append(f'<row r="{number}"/>')
                continue
            out.append(
                f'<row r="{number}" ht="{_number(round(plan.heights[number - 1], 1))}" '
                'customHeight="1">'
            )
            row = cells.get(number, [])
            row.sort(key=lambda item: item[0])
            out.extend(xml for _, xml in row)
            out.append("</row>")
        out.append("</sheetData>")
        if merges:
            out.append(f'<mergeCells count="{len(merges)}">')
            out.extend(f'<mergeCell ref="{ref}"/>' for ref in merges)
            out.append("</mergeCells>")
        out.append(self._tails[plan.landscape])
        if plan.row_break is not None:
            out.append(
                '<rowBreaks count="1" manualBreakCount="1">'
                f'<brk id="{plan.row_break}" min="0" max="16383" man="1"/></rowBreaks>'
            )
        out.append("</worksheet>")
        return "".join(out)

    def _cell(self, ref: str, put: Put) -> str:
        xf = self._xf[put.style]
        value = put.value
        kind = type(value)
        if value is None:
            return f'<c r="{ref}" s="{xf}"/>'
        if kind is str:
            if len(value) > _MAX_TEXT or _NOT_CELL_TEXT.search(value):
                raise Unsupported(
                    t("有单元格放不下的文字（过长或含控制字符）", "text a cell cannot hold")
                )
            space = ' xml:space="preserve"' if value != value.strip() else ""
            return f'<c r="{ref}" s="{xf}" t="inlineStr"><is><t{space}>{_text(value)}</t></is></c>'
        if kind is bool:
            return f'<c r="{ref}" s="{xf}" t="b"><v>{int(value)}</v></c>'
        if (kind is int or kind is float) and math.isfinite(value):
            return f'<c r="{ref}" s="{xf}" t="n"><v>{_number(value)}</v></c>'
        raise Unsupported(
            t(
                f"表格中有需要 openpyxl 转换的值（{kind.__name__}）",
                f"a value openpyxl converts ({kind.__name__})",
            )
        )


def _number(value: float) -> str:
    return f"{value:.16g}"  # as openpyxl writes numbers ("%.16g")


# --- one engine per process, and why it was not used -------------------------------------------

_engine: FastXlsx | None = None
_broken = ""  # why the engine could not be prepared in this process ("" while it can)
_reasons: dict[str, str] = {}  # form id → why openpyxl made (some of) its documents


def render_prepared(plan: SheetPlan, metadata: dict[str, Any]) -> bytes | None:
    """The document made by the prepared engine, or None (the reason kept for `fallback`)
    when openpyxl has to make it."""
    global _engine, _broken
    form = str(metadata.get("form", ""))
    if _engine is None and not _broken:
        try:
            _engine = FastXlsx()
        except Exception as exc:  # noqa: BLE001 - openpyxl still makes every document
            _broken = f"{type(exc).__name__}: {exc}"
    if _engine is None:
        _reasons.setdefault(form, _broken)
        return None
    try:
        return _engine.render(plan, metadata)
    except Unsupported as exc:
        _reasons.setdefault(form, str(exc))
    except Exception as exc:  # noqa: BLE001 - a document is never lost to the faster path
        _reasons.setdefault(form, f"{type(exc).__name__}: {exc}")
    return None


def fallback(form_id: str) -> str:
    """Why openpyxl rather than the prepared engine made documents of `form_id` in this
    process ("" when it did not)."""
    return _reasons.get(form_id, "")
