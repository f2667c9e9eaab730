"""The `lvye-forms` command: click commands that parse arguments and call `lvye_forms.api`."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from pydantic import TypeAdapter, ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import __version__, api
from .check.engine import PROBLEMS, STATUS_LABELS, SUBJECT_LABELS
from .check.profile import ProfileError, load_profile
from .check.report import CheckReport, to_html, to_json, to_xlsx
from .fields import Month, mask_id, mask_phone
from .registry import UnknownForm, get_form, spec
from .render.embed import NoEmbeddedData
from .render.output import WriteStatus, write_atomic
from .report import FileReport, RenderReport
from .schema import KIND_LABELS, PERSONAL_KINDS

console = Console(highlight=False, soft_wrap=True)


def _form_or_fail(form_id: str) -> None:
    try:
        get_form(form_id)
    except UnknownForm as exc:
        raise click.UsageError(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lvye-forms")
def main() -> None:
    """社工机构表单工具：电子表格 → 校验 → Word 文档。

    \b
    常用流程 (typical use):
      lvye-forms list                                   # 有哪些表单
      lvye-forms sheet case_consent -o 同意书.xlsx       # 生成空白输入表
      lvye-forms render 同意书.xlsx -o 输出              # 每行生成一份文档
    """


@main.command("list")
def list_command() -> None:
    """列出所有表单（编号与中文名）。List the forms.

    \b
    Example: lvye-forms list
    """
    # Plain lines, grouped by service area: readable in any terminal width and easy to grep.
    area = None
    for model in api.list_forms():
        if model.area != area:
            area = model.area
            console.print(f"\n[bold]{escape(area)}[/bold]")
        console.print(f"  {model.form_id:<28} 《{escape(model.title)}》 {model.kind.upper()}")


@main.command()
@click.argument("form")
def describe(form: str) -> None:
    """说明一个表单的字段、格式和检查规则。Describe a form's fields and rules.

    \b
    Example: lvye-forms describe case_consent
    """
    _form_or_fail(form)
    form_spec = spec(form)
    model = form_spec.model
    console.print(
        f"[bold]《{model.title}》[/bold]  编号 {model.form_id}  类别 {model.area}  输出 {model.kind.upper()}"
    )
    if model.sources:
        console.print("依据：" + "；".join(model.sources))
    console.print(f"每行一份文档，以「{form_spec.key.label}」区分。")
    _print_columns(f"工作表「{form_spec.sheet_name}」", form_spec.columns)
    for part in form_spec.parts:
        title = f"工作表「{part.label}」（每行一条，用「{form_spec.key.label}」对应主表）"
        _print_columns(title, part.fields)
    if model.rules:
        console.print("\n[bold]检查规则[/bold]")
        for rule in model.rules:
            console.print(f"  · {rule}")


def _print_columns(title: str, columns: Any) -> None:
    table = Table("列（中文）", "字段", "类型", "必填", "说明", title=title, title_justify="left")
    for column in columns:
        detail = column.description
        if column.choices:
            detail = "可选：" + "、".join(column.choices) + ("；" + detail if detail else "")
        table.add_row(
            column.label,
            column.name,
            KIND_LABELS[column.kind],
            "是" if column.required else "",
            detail,
        )
    console.print(table)


@main.command()
@click.argument("form", required=False)
@click.option(
    "--all", "all_forms", is_flag=True, help="一个工作簿包含所有表单（每个表单一个工作表）"
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="要写入的 .xlsx 文件",
)
@click.option("--example", is_flag=True, help="填入可通过校验的示例行")
@click.option("--overwrite", is_flag=True, help="文件已存在时覆盖")
def sheet(form: str | None, all_forms: bool, output: Path, example: bool, overwrite: bool) -> None:
    """生成表单的输入工作簿。Write the input workbook for FORM (or --all forms).

    \b
    Examples:
      lvye-forms sheet group_plan -o 小组计划书.xlsx --example
      lvye-forms sheet --all -o 服务点数据.xlsx
    """
    if bool(form) == all_forms:
        raise click.UsageError("请给出一个表单编号，或使用 --all")
    if form == "register":  # the checker's register of scanned and hand-made files
        if api.write_register_workbook(output, overwrite=overwrite) is WriteStatus.KEPT:
            console.print(
                f"[red]文件已存在，未覆盖：{escape(str(output))}（如需覆盖请加 --overwrite）[/red]"
            )
            sys.exit(1)
        console.print(f"已生成文件登记表：{escape(str(output))}")
        return
    if form:
        _form_or_fail(form)
    if output.suffix.lower() != ".xlsx":
        raise click.UsageError("输出文件须以 .xlsx 结尾")
    status = api.write_input_workbook(form, output, example=example, overwrite=overwrite)
    if status is WriteStatus.KEPT:
        console.print(
            f"[red]文件已存在，未覆盖：{escape(str(output))}（如需覆盖请加 --overwrite）[/red]"
        )
        sys.exit(1)
    console.print(f"已生成输入表：{escape(str(output))}")


@main.command()
@click.argument("args", nargs=-1, required=True, metavar="[FORM] DATA...")
@click.option(
    "-o",
    "--outdir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="输出文件夹（不存在时自动创建）",
)
@click.option(
    "--agency",
    envvar="LVYE_FORMS_AGENCY",
    default=None,
    help=f"文档抬头的机构名称（默认 {api.DEFAULT_AGENCY}；也可设环境变量 LVYE_FORMS_AGENCY）",
)
@click.option("--overwrite", is_flag=True, help="输出文件已存在且内容不同时覆盖")
@click.option("--show-personal", is_flag=True, help="在错误报告中显示完整的身份证号和电话")
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="按此日期判断“不能晚于今天”（默认今天）",
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
def render(
    args: tuple[str, ...],
    outdir: Path,
    agency: str | None,
    overwrite: bool,
    show_personal: bool,
    today: dt.datetime | None,
    as_json: bool,
) -> None:
    """校验数据并为每个有效行生成一份文档。Validate DATA and render one document per valid row.

    DATA is an .xlsx or .csv file (UTF-8 or GBK), or the JSON printed by `extract`. FORM may be
    left out for workbooks made by `lvye-forms sheet`. Invalid rows are listed with their cell
    and reason; a copy of the workbook with those cells marked is written to OUTDIR. The exit
    status is 1 when any row failed.

    \b
    Examples:
      lvye-forms render case_consent 同意书.xlsx -o 输出
      lvye-forms render fixtures/*.xlsx -o out
    """
    form_id, paths = _split_form(args)
    report = RenderReport()
    for path in paths:
        report.files.extend(
            api.render_path(
                path,
                outdir,
                form_id=form_id,
                agency=agency,
                overwrite=overwrite,
                show_personal=show_personal,
                today=today.date() if today else None,
            )
        )
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        for file_report in report.files:
            # An all-forms workbook has many empty sheets: say nothing about those.
            if file_report.rows or file_report.problems or len(report.files) == 1:
                _print_file_report(file_report)
    sys.exit(0 if report.ok else 1)


def _split_form(args: tuple[str, ...]) -> tuple[str | None, list[Path]]:
    first = args[0]
    if not Path(first).exists() and "." not in first and len(args) > 1:
        _form_or_fail(first)
        return first, [Path(a) for a in args[1:]]
    return None, [Path(a) for a in args]


def _print_file_report(report: FileReport) -> None:
    written = [
        d for d in report.documents if d.status in (WriteStatus.WRITTEN, WriteStatus.REPLACED)
    ]
    unchanged = [d for d in report.documents if d.status is WriteStatus.UNCHANGED]
    title = f"《{get_form(report.form_id).title}》" if report.form_id else ""
    console.print(
        f"[bold]{escape(str(report.input))}[/bold] {title}：共 {report.rows} 行，"
        f"生成 {len(written)} 份，未变 {len(unchanged)} 份，[red]有错 {report.failed_rows} 行[/red]"
        if report.failed_rows
        else f"[bold]{escape(str(report.input))}[/bold] {title}：共 {report.rows} 行，生成 {len(written)} 份，未变 {len(unchanged)} 份"
    )
    for document in written:
        console.print(f"  ✓ {escape(str(document.path))}")
    # One line per problem, in the order staff fix them: where, what is wrong, what was typed.
    for problem in report.problems:
        console.print(f"  [red]✗[/red] {escape(str(problem))}")
    if report.annotated_copy:
        console.print(
            f"  已标出错误单元格的副本：{escape(str(report.annotated_copy))}（改正后可直接用它再次运行）"
        )


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="写入 JSON 文件（完整数据，可用于 render 重新生成）",
)
@click.option("--show-personal", is_flag=True, help="在终端显示完整的身份证号和电话")
def extract(file: Path, output: Path | None, show_personal: bool) -> None:
    """读出文档中嵌入的表单数据（JSON）。Print the data a generated document carries.

    On the terminal ID and phone numbers are masked unless --show-personal is given; with -o the
    full data is written to a file, which `render` accepts to produce the same document again.

    \b
    Example: lvye-forms extract 输出/接受个案服务同意书_GA-2024-017_李小明.docx -o data.json
    """
    try:
        payload = api.extract(file)
    except NoEmbeddedData:
        raise click.ClickException(
            f"{file} 中没有 lvye-forms 数据（不是由本工具生成，或数据已被删除）"
        ) from None
    except Exception as exc:  # zip or XML damage: say so rather than print a traceback
        raise click.ClickException(f"无法读取 {file}：{exc}") from None
    if output is not None:
        output.write_text(
            json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        console.print(f"已写入 {escape(str(output))}")
        return
    if not show_personal:
        payload = dict(payload, data=_masked(payload["form"], payload["data"]))
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))


def _masked(form_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """A copy of `data` with ID and phone numbers masked, parts included."""
    try:
        form_spec = spec(form_id)
    except UnknownForm:
        return data
    kinds = {c.name: c.kind for c in form_spec.columns}
    result = {k: _mask_value(kinds.get(k, ""), v) for k, v in data.items()}
    for part in form_spec.parts:
        part_kinds = {c.name: c.kind for c in part.fields}
        result[part.name] = [
            {k: _mask_value(part_kinds.get(k, ""), v) for k, v in item.items()}
            for item in data.get(part.name) or []
        ]
    return result


def _mask_value(kind: str, value: Any) -> Any:
    if kind not in PERSONAL_KINDS or not value:
        return value
    return mask_id(value) if kind == "id" else mask_phone(value)


@main.command()
@click.argument("archive", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--month", required=True, help="统计月份，如 2024-10")
@click.option("--service-point", required=True, help="服务点名称，印在表头")
@click.option("-o", "--outdir", type=click.Path(path_type=Path, file_okay=False), required=True)
@click.option("--agency", envvar="LVYE_FORMS_AGENCY", default=None, help="机构名称")
@click.option("--overwrite", is_flag=True, help="输出文件已存在且内容不同时覆盖")
def stats(
    archive: Path, month: str, service_point: str, outdir: Path, agency: str | None, overwrite: bool
) -> None:
    """从档案中的记录统计《社工服务统计表》。Compute the month's service statistics.

    Counts cases, contacts, group sessions, activities and volunteer hours per worker from the
    documents under ARCHIVE that carry their data, and writes the statistics workbook.

    \b
    Example: lvye-forms stats 档案/主山社工站 --month 2024-10 --service-point 主山社工站 -o 报表
    """
    try:
        month = TypeAdapter(Month).validate_python(month)
    except ValidationError:
        raise click.UsageError("月份格式应为 2024-10") from None
    record, unplaced = api.monthly_statistics(archive, month, service_point)
    result = api.write_document(record, outdir, agency=agency, overwrite=overwrite)
    table = Table("社工", "在案", "新开", "结案", "跟进", "小组节数", "活动", "义工时数")
    for row in record.rows:  # type: ignore[attr-defined]
        table.add_row(
            row.worker,
            str(row.open_cases),
            str(row.new_cases),
            str(row.closed_cases),
            str(row.case_contacts),
            str(row.group_sessions),
            str(row.activities),
            str(row.volunteer_hours),
        )
    console.print(table)
    if result.status is WriteStatus.KEPT:
        console.print(f"[red]文件已存在且内容不同，未覆盖：{escape(str(result.path))}[/red]")
        sys.exit(1)
    console.print(f"已生成：{escape(str(result.path))}")
    if unplaced:
        console.print(
            f"[yellow]{len(unplaced)} 个文件无法识别，未计入统计（用 lvye-forms check 查看详情）[/yellow]"
        )


@main.command()
@click.argument("archive", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--profile",
    "profile_name",
    default="lvye",
    show_default=True,
    help="规则：lvye、leya、naner、guangzhou，或机构自己的 YAML 文件",
)
@click.option(
    "--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None, help="按此日期判断期限（默认今天）"
)
@click.option(
    "--staff",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="员工名册（姓名、从事社工起始日期），用于与社工资历有关的规则",
)
@click.option(
    "--register",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="文件登记表（扫描件、手写文件）；档案中的登记表会自动读取",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "xlsx", "html"]),
    default="table",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="写入文件（xlsx、html 必须）",
)
@click.option("--all", "show_all", is_flag=True, help="表格中也列出齐全和未到期的项目")
def check(
    archive: Path,
    profile_name: str,
    as_of: dt.datetime | None,
    staff: Path | None,
    register: Path | None,
    output_format: str,
    output: Path | None,
    show_all: bool,
) -> None:
    """检查档案中每个个案、小组、活动、长者……是否缺少文档或逾期。Check an archive.

    Exit status: 0 nothing missing or late, 1 something is, 2 the check could not run.

    \b
    Examples:
      lvye-forms check 档案/主山社工站
      lvye-forms check 档案 --profile naner --as-of 2024-12-31 --format xlsx -o 检查结果.xlsx
    """
    if not archive.is_dir():
        raise click.UsageError(f"档案文件夹不存在：{archive}")
    try:
        report = api.check_archive(
            archive,
            profile=profile_name,
            as_of=as_of.date() if as_of else None,
            staff=staff,
            register=register,
        )
    except ProfileError as exc:
        raise click.UsageError(str(exc)) from None
    if output_format in ("xlsx", "html") and output is None:
        raise click.UsageError(f"--format {output_format} 需要用 -o 指定输出文件")
    if output_format == "table":
        _print_check(report, show_all)
    else:
        renderers: dict[str, Callable[[CheckReport], str | bytes]] = {
            "json": to_json,
            "xlsx": to_xlsx,
            "html": to_html,
        }
        text_or_bytes = renderers[output_format](report)
        if output is None:
            click.echo(text_or_bytes)
        else:
            data = (
                text_or_bytes.encode("utf-8") if isinstance(text_or_bytes, str) else text_or_bytes
            )
            if write_atomic(output, data, overwrite=True) is not WriteStatus.KEPT:
                console.print(f"已写入 {escape(str(output))}")
    sys.exit(0 if report.ok else 1)


def _print_check(report: CheckReport, show_all: bool) -> None:
    data = report.to_dict()
    totals = data["totals"]
    console.print(
        f"[bold]档案完整性检查[/bold]（规则 {escape(data['profile'])}，截至 {data['as_of']}）："
        f"文档 {totals['documents']} 份，对象 {totals['subjects']} 个；"
        + "，".join(f"{label} {totals[s]}" for s, label in STATUS_LABELS.items())
    )
    for title, key in (("服务点", "by_service_point"), ("负责社工", "by_worker")):
        table = Table(title, *STATUS_LABELS.values(), title=f"按{title}", title_justify="left")
        for row in data[key]:
            table.add_row(escape(row["name"]), *(str(row[s]) for s in STATUS_LABELS))
        console.print(table)
    # Then one block per subject, one line per finding: readable at any terminal width.
    shown = [f for f in data["findings"] if show_all or f["status"] in PROBLEMS]
    marks = {
        "missing": "[red]✗[/red]",
        "late": "[yellow]![/yellow]",
        "invalid": "[red]✗[/red]",
        "not_due": "·",
        "complete": "[green]✓[/green]",
    }
    current = None
    for f in sorted(shown, key=lambda f: (f["subject_type"], f["subject_id"])):
        subject = (f["subject_type"], f["subject_id"])
        if subject != current:
            current = subject
            who = (
                ""
                if f["subject_type"] == "service_point"
                else "，".join(x for x in (f["worker"], f["service_point"]) if x)
            )
            console.print(
                f"\n[bold]{escape(f['subject_type_label'])} {escape(f['subject_id'])}[/bold] "
                f"{escape(f['subject_name'])}" + (f"（{escape(who)}）" if who else "")
            )
        status = f["status_label"]
        if f["days_late"]:
            status += f"，逾期 {f['days_late']} 天"
        if f["due"] and f["status"] != "complete":
            status += f"（期限 {f['due']}）"
        detail = f" — {escape(f['message'])}" if f["message"] else ""
        console.print(
            f"  {marks[f['status']]} {escape(f['step'])}：{escape(f['requirement'])} {status}{detail}"
        )
    if data["unplaced"]:
        console.print(f"[yellow]无法识别的文件 {len(data['unplaced'])} 个：[/yellow]")
        for item in data["unplaced"]:
            console.print(f"  ? {escape(item['file'])}：{escape(item['reason'])}")


@main.group()
def profile() -> None:
    """规则文件。Rule profiles."""


@profile.command("show")
@click.argument("name")
def profile_show(name: str) -> None:
    """以表格列出规则的步骤、文档和期限。Show a profile as a table.

    \b
    Example: lvye-forms profile show lvye
    """
    try:
        rules = load_profile(name)
    except ProfileError as exc:
        raise click.UsageError(str(exc)) from None
    console.print(
        f"[bold]{escape(rules.name)}[/bold]　{escape(rules.title)}（{escape(rules.source)}）"
    )
    # Plain indented lines: subject → step → document, with its condition, deadline and check.
    for subject in rules.subjects.values():
        console.print(
            f"\n[bold]{escape(SUBJECT_LABELS.get(subject.type, subject.type))}[/bold]"
            + (f"　（结束的条件：{escape(subject.closed_when)}）" if subject.closed_when else "")
        )
        for step in subject.steps:
            console.print(f"  {escape(step.label)}")
            for requirement in step.requirements:
                verb = "不得出现" if requirement.forbid else "需要"
                console.print(f"    {verb} {escape(requirement.label)}（第 {requirement.line} 行）")
                details = [
                    ("说明", requirement.note or requirement.invalid),
                    ("对每一项", requirement.for_each),
                    ("条件", requirement.when),
                    ("期限", requirement.due),
                    ("检查", requirement.valid),
                ]
                for label, value in details:
                    if value:
                        console.print(f"      {label}：{escape(value)}")


if __name__ == "__main__":
    main()
