"""Where a group's or activity's money came from, printed beside what it was spent on.

The finance reports (小组财务报告, 活动财务报告) share `common.FinanceReport` for the spending;
each adds an `income` list of `IncomeLine` and prints with `finance_table`: income (经费来源)
on the left, spending on the right, line for line, as a 收支 sheet is laid out on paper.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import zip_longest
from typing import TYPE_CHECKING, Any

from pydantic import Field

from ..fields import Money, ShortText
from ..model import FormModel, FormPart

if TYPE_CHECKING:
    from ..render.xlsx import TableData


class IncomeLine(FormPart):
    """One source of the money: project funds, a community grant, members' own share."""

    source: ShortText = Field(title="经费来源", description="如 项目经费、社区资助、组员自付")
    amount: Money = Field(title="金额（元）")
    note: ShortText | None = Field(None, title="说明")


def income_field() -> Any:
    """The `income` field of a finance report (optional: old records have none)."""
    return Field(
        default_factory=list, title="经费来源", description="每个来源一行；不填则打印空行供手写"
    )


def _money(value: Decimal | None) -> Any:
    return float(value) if value is not None else ""


def finance_table(record: FormModel) -> TableData:
    """Income | spending side by side, totals under each, then the balance and remarks."""
    from ..render.tabular import standard_table  # imported here: tabular imports the models

    data = standard_table(record)
    income: list[IncomeLine] = getattr(record, "income", None) or []
    lines = getattr(record, "lines", None) or []
    data.headers = [
        "经费来源",
        "金额（元）",
        "支出项目",
        "预算（元）",
        "实际支出（元）",
        "支出说明",
    ]
    data.kinds = {"金额（元）": "money", "预算（元）": "money", "实际支出（元）": "money"}
    data.groups = [("收入", 2), ("支出", 4)]
    rows = []
    for source, spent in zip_longest(income, lines):
        rows.append(
            [
                # A source's note stays with the source, not in the spending's column.
                (f"{source.source}（{source.note}）" if source.note else source.source)
                if source
                else "",
                _money(source.amount) if source else "",
                spent.item if spent else "",
                _money(spent.budgeted) if spent else "",
                _money(spent.actual) if spent else "",
                (spent.note or "") if spent else "",
            ]
        )
    data.rows = rows
    income_total = sum((i.amount for i in income), Decimal("0"))
    data.totals = [
        "收入合计",
        _money(income_total) if income else "",
        "支出合计",
        _money(getattr(record, "budget_total", None)),
        _money(getattr(record, "actual_total", None)),
        "",
    ]
    # The totals row shows the totals; the facts keep who, what and when.
    data.facts = [(label, value) for label, value in data.facts if "合计" not in label]
    actual = getattr(record, "actual_total", None)
    if income and actual is not None:
        data.notes.insert(0, ("收支结余（元）", f"{income_total - actual:,.2f}"))
    return data
