"""The `lvye-forms` command: parse arguments, call the library, hand the report to a formatter."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from pydantic import TypeAdapter, ValidationError

from . import __version__, api, i18n
from .cli_templates import apply_templates, blank, template, templates_option
from .fields import Month
from .formats import as_text, click_zh
from .formats.as_html import check_to_html
from .formats.as_json import payload_to_json, to_json
from .formats.as_xlsx import check_to_xlsx
from .i18n import t
from .ingest.tables import UnreadableFile
from .paths import display_path
from .registry import UnknownForm, get_form
from .render.embed import NoEmbeddedData
from .render.output import WriteStatus, remove_leftovers, write_atomic

click_zh.install()


def _lang_in(args: Sequence[str]) -> str | None:
    """The --lang given on the command line, read before click parses anything (so click's
    own usage errors are in that language too)."""
    for index, arg in enumerate(args):
        if arg == "--lang" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _tolerant_streams() -> None:
    """A legacy console (cp936/GBK) cannot show every character: replace those, never crash."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding not in ("utf8", "utf_8") and hasattr(stream, "reconfigure"):
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(errors="replace")


class _Main(click.Group):
    def main(self, args: Sequence[str] | None = None, *rest: Any, **extra: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        _tolerant_streams()
        # The language holds for this command only (a library caller's own choice returns).
        with i18n.use_language(_lang_in(argv)):
            return super().main(argv, *rest, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo(t("已中断。", "Interrupted."), err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # Whoever read our output stopped reading (`| head`): nothing more to tell them,
            # and the interpreter must not fail flushing into the closed pipe at exit.
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(141)
        except Exception as exc:  # the last resort: a located message is always the real fix
            if os.environ.get("LVYE_FORMS_DEBUG"):
                raise
            click.echo(
                t(
                    f"内部错误（{type(exc).__name__}：{exc}）。请把这行和所用的文件报告给管理员；"
                    "设置 LVYE_FORMS_DEBUG=1 可看到详细信息。",
                    f"Internal error ({type(exc).__name__}: {exc}). Please report this line and the "
                    "files used; set LVYE_FORMS_DEBUG=1 for details.",
                ),
                err=True,
            )
            ctx.exit(2)


def _form_or_fail(form_id: str) -> None:
    try:
        get_form(form_id)
    except UnknownForm as exc:
        raise click.UsageError(str(exc)) from None


def _kept(path: Path) -> str:
    return t(
        f"文件已存在，未覆盖：{display_path(path)}（如需覆盖请加 --overwrite）",
        f"The file exists and was not overwritten: {display_path(path)} (use --overwrite)",
    )


def _write_output(path: Path, data: bytes, overwrite: bool) -> None:
    """Write a report file the user named; exit 1 when a different file is there."""
    if path.parent.is_dir():
        remove_leftovers(path.parent)
    try:
        status = write_atomic(path, data, overwrite=overwrite)
    except OSError as exc:
        raise click.ClickException(
            t(f"无法写入 {display_path(path)}：{exc}", f"Cannot write {display_path(path)}: {exc}")
        ) from None
    if status is WriteStatus.KEPT:
        click.secho(_kept(path), fg="red", err=True)
        sys.exit(1)
    click.echo(t(f"已写入 {display_path(path)}", f"Written: {display_path(path)}"), err=True)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lvye-forms")
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    envvar=i18n.ENV_VAR,
    default=None,
    help="界面语言（默认中文；也可设环境变量 LVYE_FORMS_LANG=en）。Language of all messages.",
)
def main(lang: str | None) -> None:
    """社工机构表单工具：电子表格 → 校验 → Word 文档。

    \b
    常用流程 (typical use):
      lvye-forms list                                   # 有哪些表单
      lvye-forms sheet case_consent -o 同意书.xlsx       # 生成空白输入表
      lvye-forms render 同意书.xlsx -o 输出              # 每行生成一份文档
    """
    i18n.set_language(lang)


@main.command("list")
def list_command() -> None:
    """列出所有表单（编号与中文名）。List the forms.

    \b
    Example: lvye-forms list
    """
    as_text.Terminal().forms(api.list_forms())


@main.command()
@click.argument("form")
def describe(form: str) -> None:
    """说明一个表单的字段、格式和检查规则。Describe a form's fields and rules.

    \b
    Example: lvye-forms describe case_consent
    """
    _form_or_fail(form)
    as_text.Terminal().describe(api.describe(form))


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
      lvye-forms sheet register -o 文件登记表.xlsx
    """
    if bool(form) == all_forms:
        raise click.UsageError(t("请给出一个表单编号，或使用 --all", "Name one form, or use --all"))
    if form and form != "register":
        _form_or_fail(form)
    if output.suffix.lower() != ".xlsx":
        raise click.UsageError(t("输出文件须以 .xlsx 结尾", "The output file must end in .xlsx"))
    try:
        if form == "register":  # the checker's register of scanned and hand-made files
            status = api.write_register_workbook(output, overwrite=overwrite)
        else:
            status = api.write_input_workbook(form, output, example=example, overwrite=overwrite)
    except OSError as exc:
        raise click.ClickException(str(exc)) from None
    if status is WriteStatus.KEPT:
        click.secho(_kept(output), fg="red")
        sys.exit(1)
    click.echo(t(f"已生成输入表：{display_path(output)}", f"Written: {display_path(output)}"))


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
@click.option("--pdf", is_flag=True, help="同时为每份文档生成 PDF（需要 LibreOffice）")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="同时生成文档的进程数（默认：全部 CPU 核心；1 = 只在本进程内）",
)
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="按此日期判断“不能晚于今天”（默认今天）",
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
@templates_option
def render(
    args: tuple[str, ...],
    outdir: Path,
    agency: str | None,
    overwrite: bool,
    show_personal: bool,
    pdf: bool,
    jobs: int | None,
    today: dt.datetime | None,
    as_json: bool,
    templates: Path | None,
) -> None:
    """校验数据并为每个有效行生成一份文档。Validate DATA and render one document per valid row.

    DATA is an .xlsx or .csv file (UTF-8 or GBK), or the JSON written by `extract -o`. FORM may
    be left out for workbooks made by `lvye-forms sheet`. Every problem of every row is listed
    with its cell and reason, and a copy of the workbook with those cells marked is written to
    OUTDIR (replacing the copy of an earlier run). Existing different files are never
    replaced unless --overwrite. Exit status: 0 all rendered, 1 some rows or files need
    attention, 2 the command could not run.

    \b
    Examples:
      lvye-forms render case_consent 同意书.xlsx -o 输出
      lvye-forms render fixtures/*.xlsx -o out --pdf
    """
    form_id, paths = _split_form(args)
    apply_templates(templates)
    terminal = as_text.Terminal(show_personal=show_personal)
    progress = None if as_json else as_text.RenderProgress(terminal)
    try:
        report = api.render(
            paths,
            outdir,
            form_id=form_id,
            agency=agency,
            overwrite=overwrite,
            show_personal=show_personal,
            pdf=pdf,
            today=today.date() if today else None,
            events=progress,
            jobs=jobs,
        )
    finally:
        if progress is not None:
            progress.close()
    if as_json:
        click.echo(to_json(report, show_personal=show_personal, ascii_only=_ascii_stdout()))
    else:
        terminal.render_summary(report)
    sys.exit(report.status.exit_code)


def _ascii_stdout() -> bool:
    """Whether JSON for stdout must escape non-ASCII: a console that is not UTF-8 (GBK)."""
    encoding = (getattr(sys.stdout, "encoding", None) or "utf-8").lower().replace("-", "")
    return encoding not in ("utf8", "utf_8")


def _split_form(args: tuple[str, ...]) -> tuple[str | None, list[Path]]:
    first = args[0]
    if not Path(first).exists() and "." not in first and len(args) > 1:
        _form_or_fail(first)
        return first, [Path(a) for a in args[1:]]
    return None, [Path(a) for a in args]


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="写入 JSON 文件（可用于 render 重新生成）",
)
@click.option("--show-personal", is_flag=True, help="显示或写入完整的身份证号和电话")
@click.option("--overwrite", is_flag=True, help="-o 的文件已存在时覆盖")
def extract(file: Path, output: Path | None, show_personal: bool, overwrite: bool) -> None:
    """读出文档中嵌入的表单数据（JSON）。Print the data a generated document carries.

    ID and phone numbers are masked, on screen and in the -o file, unless --show-personal is
    given; `render` reproduces the same document from a file written with --show-personal.

    \b
    Example: lvye-forms extract 输出/接受个案服务同意书_GA-2024-017_李小明.docx -o data.json --show-personal
    """
    try:
        payload = api.extract(file)
    except NoEmbeddedData:
        raise click.ClickException(
            t(
                f"{display_path(file)} 中没有 lvye-forms 数据（不是由本工具生成，或数据已被删除）",
                f"{display_path(file)} carries no lvye-forms data (not made by this tool, or removed)",
            )
        ) from None
    except (OSError, ValueError, zipfile.BadZipFile) as exc:  # not a package, damage, hand edits
        raise click.ClickException(
            t(f"无法读取 {display_path(file)}：{exc}", f"Cannot read {display_path(file)}: {exc}")
        ) from None
    if output is None:
        click.echo(payload_to_json(payload, show_personal=show_personal, ascii_only=_ascii_stdout()))
        return
    text = payload_to_json(payload, show_personal=show_personal)
    _write_output(output, (text + "\n").encode("utf-8"), overwrite)
    if not show_personal:
        click.echo(
            t(
                "身份证号和电话已隐去部分数字；需要完整数据（如用于重新生成文档）请加 --show-personal",
                "ID and phone numbers are partly hidden; add --show-personal for the full data "
                "(e.g. to render the document again)",
            ),
            err=True,
        )


@main.command()
@click.argument("archive", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--month", required=True, help="统计月份，如 2024-10")
@click.option("--service-point", required=True, help="服务点名称，印在表头")
@click.option("-o", "--outdir", type=click.Path(path_type=Path, file_okay=False), required=True)
@click.option("--agency", envvar="LVYE_FORMS_AGENCY", default=None, help="机构名称")
@click.option("--overwrite", is_flag=True, help="输出文件已存在且内容不同时覆盖")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
def stats(
    archive: Path,
    month: str,
    service_point: str,
    outdir: Path,
    agency: str | None,
    overwrite: bool,
    as_json: bool,
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
        raise click.UsageError(t("月份格式应为 2024-10", "Write the month as 2024-10")) from None
    try:
        report = api.stats(
            archive, month, service_point, outdir, agency=agency, overwrite=overwrite
        )
    except OSError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(to_json(report, ascii_only=_ascii_stdout()))
    else:
        as_text.Terminal().stats(report)
    sys.exit(report.status.exit_code)


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
    "--service-points",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="服务点登记表（类型、合同日期、报表起始日期）；档案中的登记表会自动读取",
)
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="登记表中没有报表起始日期的服务点，从这天起检查月度报表",
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
@click.option("--overwrite", is_flag=True, help="-o 的文件已存在时覆盖")
@click.option("--show-personal", is_flag=True, help="报告中显示完整的身份证号和电话")
@click.option("--all", "show_all", is_flag=True, help="表格中也列出齐全和未到期的项目")
def check(
    archive: Path,
    profile_name: str,
    as_of: dt.datetime | None,
    staff: Path | None,
    register: Path | None,
    service_points: Path | None,
    since: dt.datetime | None,
    output_format: str,
    output: Path | None,
    overwrite: bool,
    show_personal: bool,
    show_all: bool,
) -> None:
    """检查档案中每个个案、小组、活动、长者……是否缺少文档或逾期。Check an archive.

    Exit status: 0 nothing missing or late, 1 something is, 2 the check could not run.

    \b
    Examples:
      lvye-forms check 档案/主山社工站
      lvye-forms check 档案 --profile naner --as-of 2024-12-31 --format xlsx -o 检查结果.xlsx
      lvye-forms check 档案 --service-points 服务点登记.xlsx --format html -o 检查结果.html
    """
    if not archive.is_dir():
        raise click.UsageError(
            t(
                f"档案文件夹不存在：{display_path(archive)}",
                f"No such folder: {display_path(archive)}",
            )
        )
    if output_format in ("xlsx", "html") and output is None:
        raise click.UsageError(
            t(
                f"--format {output_format} 需要用 -o 指定输出文件",
                f"--format {output_format} needs -o FILE",
            )
        )
    from .check.profile import ProfileError  # the checker's modules load only for a check

    try:
        report = api.check_archive(
            archive,
            profile=profile_name,
            as_of=as_of.date() if as_of else None,
            staff=staff,
            register=register,
            service_points=service_points,
            since=since.date() if since else None,
        )
    except (ProfileError, UnreadableFile) as exc:
        raise click.UsageError(str(exc)) from None
    if output_format == "table":
        as_text.Terminal(show_personal=show_personal).check(report, show_all=show_all)
    else:
        rendered: str | bytes
        if output_format == "json":
            ascii_only = output is None and _ascii_stdout()
            rendered = to_json(report, show_personal=show_personal, ascii_only=ascii_only)
        elif output_format == "xlsx":
            rendered = check_to_xlsx(report, show_personal=show_personal)
        else:
            links_from = output.parent if output is not None else None
            rendered = check_to_html(report, show_personal=show_personal, links_from=links_from)
        if output is None:
            click.echo(rendered)
        else:
            data = rendered.encode("utf-8") if isinstance(rendered, str) else rendered
            _write_output(output, data, overwrite)
    sys.exit(report.status.exit_code)


main.add_command(template)
main.add_command(blank)


@main.group()
def profile() -> None:
    """规则文件。Rule profiles."""


@profile.command("show")
@click.argument("name")
def profile_show(name: str) -> None:
    """列出规则的步骤、文档和期限。Show a profile's steps, documents and deadlines.

    \b
    Example: lvye-forms profile show lvye
    """
    from .check.profile import ProfileError, load_profile

    try:
        rules = load_profile(name)
    except ProfileError as exc:
        raise click.UsageError(str(exc)) from None
    as_text.Terminal().profile(rules)


@main.command()
def doctor() -> None:
    """检查模板、LibreOffice 和中文字体是否就绪。Check templates, LibreOffice and fonts.

    Exit status 0 when everything is ready, 1 when something needs attention.

    \b
    Example: lvye-forms doctor
    """
    from .doctor import diagnose

    report = diagnose()
    as_text.Terminal().doctor(report)
    sys.exit(0 if report.ok else 1)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址；非本机地址须设密码")
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="端口（默认自动选择空闲端口）")
@click.option(
    "--password-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="管理员设置的密码文件（第一行为密码）；也可设环境变量 LVYE_FORMS_PASSWORD",
)
@click.option("--no-browser", is_flag=True, help="不自动打开浏览器")
def serve(host: str, port: int, password_file: Path | None, no_browser: bool) -> None:
    """在浏览器中使用本工具（本机网页）。Serve the web page on this computer.

    Listens on 127.0.0.1 only unless --host is given, which needs a password set by the
    administrator (--password-file or LVYE_FORMS_PASSWORD); without one it refuses to start
    (exit status 2).

    \b
    Example: lvye-forms serve
    """
    from .web.security import StartRefused
    from .web.server import serve as run_server

    try:
        run_server(
            host, port or None, password_file=password_file, open_browser=not no_browser,
            announce=click.echo,
        )
    except StartRefused as exc:
        click.secho(str(exc), fg="red", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
