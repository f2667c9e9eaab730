"""Monthly statistics computed from an archive of generated documents."""

from __future__ import annotations

from decimal import Decimal

from click.testing import CliRunner
from openpyxl import load_workbook

from lvye_forms import api
from lvye_forms.archive import scan
from lvye_forms.cli import main
from lvye_forms.registry import get_form
from lvye_forms.stats import month_bounds, service_statistics

from .conftest import TODAY


def put(folder, form_id: str, n: int = 0, **changes):
    model = get_form(form_id)
    record = model.model_validate({**model.examples[n], **changes}, context={"today": TODAY})
    folder.mkdir(parents=True, exist_ok=True)
    (folder / api.document_name(record)).write_bytes(api.render_record(record))
    return record


def build_archive(root):
    put(root / "个案", "case_consent", 0)  # 黄嘉欣, signed 2024-03-04
    put(root / "个案", "case_consent", 1)  # 钟志强, signed 2024-04-10 → new in April
    put(root / "个案" / "记录", "case_note_process", 0, record_id="A-1", contact_date="2024-04-05", next_date="")
    put(root / "个案" / "记录", "case_note_process", 0, record_id="A-2", contact_date="2024-04-12", next_date="")
    put(root / "个案" / "记录", "case_note_process", 0, record_id="A-3", contact_date="2024-05-02", next_date="")
    put(root / "个案", "case_closing", 0, closing_date="2024-04-30", supervisor_date="")  # GA-2024-017 closes
    put(root / "小组", "group_session_record", 0)  # 2024-04-20, 9 present
    put(root / "小组", "volunteer_signin", 0)  # 2024-04-20: 2 volunteers, 5.25 h
    put(root / "活动", "activity_report", 0, activity_date="2024-04-13", report_date="2024-04-15")


def test_counts_per_worker_from_the_documents(tmp_path):
    build_archive(tmp_path)
    documents, unplaced = scan(tmp_path)
    assert unplaced == []
    stats = service_statistics(documents, "2024-04", "主山社工站")
    rows = {row.worker: row for row in stats.rows}
    huang, zhong = rows["黄嘉欣"], rows["钟志强"]
    assert (huang.open_cases, huang.new_cases, huang.closed_cases) == (1, 0, 1)
    assert huang.case_contacts == 2  # the May contact is not counted
    assert (huang.group_sessions, huang.group_attendance) == (1, 9)
    assert (huang.volunteer_times, huang.volunteer_hours) == (2, Decimal("5.25"))
    assert (zhong.open_cases, zhong.new_cases) == (1, 1)
    assert (zhong.activities, zhong.activity_participants) == (1, 95)
    assert (zhong.volunteer_times, zhong.volunteer_hours) == (12, Decimal("42"))  # from the report: no sign-in sheet

    may = {row.worker: row for row in service_statistics(documents, "2024-05", "主山社工站").rows}
    assert may["黄嘉欣"].open_cases == 0 and may["黄嘉欣"].case_contacts == 1


def test_stats_command_writes_the_workbook(tmp_path):
    build_archive(tmp_path / "档案")
    out = tmp_path / "报表"
    result = CliRunner().invoke(main, ["stats", str(tmp_path / "档案"), "--month", "2024年4月",
                                       "--service-point", "主山社工站", "-o", str(out)])
    assert result.exit_code == 0, result.output
    (made,) = out.glob("*.xlsx")
    sheet = load_workbook(made).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    # A header too wide for its column is printed on two lines (个案跟 / 进次数).
    header = [str(v).replace("\n", "") for v in next(r for r in rows if r[0] == "社工")]
    huang = next(r for r in rows if r[0] == "黄嘉欣")
    assert huang[header.index("个案跟进次数")] == 2
    totals = next(r for r in rows if r[0] == "合计")
    assert totals[header.index("小组出席人次")] == 9
    assert CliRunner().invoke(main, ["stats", str(tmp_path), "--month", "四月", "--service-point", "x",
                                     "-o", str(out)]).exit_code == 2


def test_month_bounds():
    assert month_bounds("2024-02") == (month_bounds("2024-02")[0], month_bounds("2024-02")[0].replace(day=29))
    assert month_bounds("2024-12")[1].isoformat() == "2024-12-31"
