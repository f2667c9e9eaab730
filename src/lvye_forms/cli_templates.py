"""The commands about templates and paper: `template check`, `template export`, `blank`.

Kept apart from cli.py (which registers them) because they share nothing with the data
commands but the way files are written.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from .formats.as_json import to_json
from .formats.as_text import Terminal
from .formats.templates_text import print_template_check
from .i18n import t
from .paths import display_path
from .registry import UnknownForm, get_form, shipped_template, use_templates
from .render.output import WriteStatus, write_atomic

F = TypeVar("F", bound=Callable[..., Any])
TEMPLATES_HELP = "机构自己的模板文件夹（表单编号.docx；没有的表单用自带模板）；也可设环境变量 LVYE_FORMS_TEMPLATES"


def templates_option(function: F) -> F:
    """--templates DIR, shared by render and blank."""
    return click.option(
        "--templates",
        type=click.Path(path_type=Path, file_okay=False, exists=True),
        envvar="LVYE_FORMS_TEMPLATES",
        default=None,
        help=TEMPLATES_HELP,
    )(function)


def apply_templates(folder: Path | None) -> None:
    """Use the agency's templates in `folder`; a tag in them that its form does not offer
    is named on stderr first, since it would print blank in every document."""
    if folder is None:
        return
    from .templates_check import check_templates

    use_templates(folder)
    results = check_templates(folder).results
    broken = [r for r in results if r.unusable]
    if broken:
        names = "、".join(display_path(r.path) for r in broken)
        raise click.UsageError(
            t(
                f"机构模板无法使用：{names}。请修正，或把它移出 {display_path(folder)}"
                f"（运行 lvye-forms template check {display_path(folder)} 查看原因）",
                f"Cannot use the agency template(s) {names}: fix them or move them out of "
                f"{display_path(folder)} (lvye-forms template check tells why)",
            )
        )
    for result in results:
        for finding in result.errors:
            where = f"{finding.where}：" if finding.where else ""
            click.secho(
                t(
                    f"模板 {display_path(result.path)} {where}{finding.tag} {finding.reason}",
                    f"Template {display_path(result.path)} {where}{finding.tag} {finding.reason}",
                ),
                fg="yellow",
                err=True,
            )


def _form(form_id: str) -> None:
    try:
        get_form(form_id)
    except UnknownForm as exc:
        raise click.UsageError(str(exc)) from None


def _write(path: Path, data: bytes, overwrite: bool) -> None:
    """Write a file the user asked for; a different file already there is kept (exit 1)."""
    try:
        status = write_atomic(path, data, overwrite=overwrite)
    except OSError as exc:
        raise click.ClickException(
            t(f"无法写入 {display_path(path)}：{exc}", f"Cannot write {display_path(path)}: {exc}")
        ) from None
    if status is WriteStatus.KEPT:
        click.secho(
            t(
                f"文件已存在，未覆盖：{display_path(path)}（如需覆盖请加 --overwrite）",
                f"The file exists and was not overwritten: {display_path(path)} (use --overwrite)",
            ),
            fg="red",
            err=True,
        )
        sys.exit(1)
    click.echo(t(f"已写入 {display_path(path)}", f"Written: {display_path(path)}"))


@click.group()
def template() -> None:
    """Word 模板：检查、导出。Word templates: check them, export one to edit."""


@template.command("check")
@click.argument(
    "folder", required=False, type=click.Path(path_type=Path, file_okay=False, exists=True)
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
def template_check(folder: Path | None, as_json: bool) -> None:
    """检查模板里的每个标签都是表单有的值，必填项都印在模板上。

    Check every FORM.docx in FOLDER (default: the shipped templates): a tag the form does
    not offer is an error, named with its paragraph or table cell (it would print blank); a
    required field the template never prints is a warning. Exit status 1 when there are
    errors.

    \b
    Examples:
      lvye-forms template check 我的模板
      lvye-forms template check
    """
    from .templates_check import check_templates

    report = check_templates(folder)
    if as_json:
        click.echo(to_json(report))
    else:
        print_template_check(Terminal(), report)
    sys.exit(report.status.exit_code)


@template.command("export")
@click.argument("form")
@click.option(
    "-o",
    "--outdir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="写入的文件夹（不存在时自动创建）",
)
@click.option("--overwrite", is_flag=True, help="文件已存在时覆盖")
def template_export(form: str, outdir: Path, overwrite: bool) -> None:
    """把自带的模板复制出来，作为机构修改的起点。Copy the shipped template of FORM to OUTDIR.

    Edit it in Word or WPS (keep the {{ … }} tags), check it with `lvye-forms template
    check OUTDIR`, and render with `--templates OUTDIR`.

    \b
    Example: lvye-forms template export case_consent -o 我的模板
    """
    _form(form)
    source = shipped_template(form)
    if get_form(form).kind != "docx" or not source.is_file():
        raise click.UsageError(
            t(
                f"表单 {form} 生成 Excel 表格，没有可编辑的 Word 模板",
                f"Form {form} is rendered as an Excel table; it has no Word template",
            )
        )
    _write(outdir / source.name, source.read_bytes(), overwrite)


@click.command()
@click.argument("form")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="空白表的文件名（.docx 或 .xlsx，按表单而定）",
)
@click.option("--agency", envvar="LVYE_FORMS_AGENCY", default=None, help="抬头的机构名称")
@templates_option
@click.option("--overwrite", is_flag=True, help="文件已存在时覆盖")
def blank(
    form: str, output: Path, agency: str | None, templates: Path | None, overwrite: bool
) -> None:
    """打印用的空白表：所有栏目、未勾选的方框和书写空间。Write the empty FORM for paper use.

    \b
    Examples:
      lvye-forms blank case_consent -o 同意书空白.docx
      lvye-forms blank group_attendance -o 签到表空白.xlsx
    """
    from .render.blank import blank_document

    _form(form)
    apply_templates(templates)
    kind = get_form(form).kind
    if output.suffix.lower() != f".{kind}":
        raise click.UsageError(
            t(
                f"表单 {form} 的空白表是 .{kind} 文件，请把 -o 的文件名改为 {output.stem}.{kind}",
                f"The blank {form} is a .{kind} file: name it {output.stem}.{kind}",
            )
        )
    _write(output, blank_document(form, agency), overwrite)
