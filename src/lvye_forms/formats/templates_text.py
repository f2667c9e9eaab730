"""`template check` on the terminal: one line per problem, under its template."""

from __future__ import annotations

from ..i18n import t
from ..template_report import TemplateCheckReport
from .as_text import Terminal


def print_template_check(terminal: Terminal, report: TemplateCheckReport) -> None:
    marks = terminal.marks
    for result in report.results:
        if not result.findings:
            continue
        terminal.print(f"[bold]{terminal.path(result.path)}[/bold]")
        for finding in result.findings:
            where = f"{terminal.text(finding.where)}：" if finding.where else ""
            tag = f"{terminal.text(finding.tag)} " if finding.tag else ""
            hint = (
                t(
                    f"（是不是 {{{{ {finding.suggestion} }}}}？）",
                    f" (did you mean {finding.suggestion}?)",
                )
                if finding.suggestion
                else ""
            )
            if finding.severity == "error":
                mark = f"[red]{marks.bad}[/red]"
            else:
                mark = "[yellow]![/yellow]"
            terminal.print(
                f"  {mark} {where}{tag}{terminal.text(finding.reason)}{terminal.text(hint)}"
            )
    total = t(
        f"检查了 {len(report.results)} 个模板（{terminal.path(report.folder)}）：",
        f"Checked {len(report.results)} templates in {terminal.path(report.folder)}: ",
    )
    if report.errors:
        total += t(f"[red]{report.errors} 处错误[/red]", f"[red]{report.errors} errors[/red]")
    else:
        total += t(f"[green]{marks.ok} 没有错误[/green]", f"[green]{marks.ok} no errors[/green]")
    if report.warnings:
        total += t(f"，{report.warnings} 处提醒", f", {report.warnings} warnings")
    terminal.print(total)
