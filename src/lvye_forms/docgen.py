"""Reference pages for docs/forms/, generated from the form models.

The pages are written from the same specs that build the input workbook and check the data,
so the documentation cannot say one thing while the program does another; a test compares
the committed pages with what this module produces. Run ``python -m lvye_forms.docgen``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from pathlib import Path

from .registry import all_forms, spec
from .schema import KIND_LABELS, FieldSpec


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def _shell_word(text: str) -> str:
    """`text` quoted when a shell would split or interpret it, e.g. 个案记录表(简要).xlsx."""
    return f'"{text}"' if re.search(r"[\s()'\"&;|<>$`*?]", text) else text


def _column_table(columns: Iterable[FieldSpec]) -> list[str]:
    lines = ["| 列名 | 字段 | 类型 | 必填 | 说明 |", "|---|---|---|---|---|"]
    for column in columns:
        notes = column.rule_notes()
        lines.append(
            f"| {_cell(column.label)} | `{column.name}` | {_cell(KIND_LABELS[column.kind])} | "
            f"{'是' if column.required else ''} | {_cell('；'.join(notes))} |"
        )
    return lines


def reference_page(form_id: str) -> str:
    """The Markdown reference page of one form."""
    form = spec(form_id)
    model = form.model
    lines = [
        f"# 《{model.title}》 `{model.form_id}`",
        "",
        f"- 类别：{model.area}　输出：{model.kind.upper()}",
    ]
    if model.sources:
        lines.append(f"- 依据：{'；'.join(model.sources)}")
    name = next((f"_<{c.label}>" for c in form.columns if c.name == model.name_field), "")
    workbook = _shell_word(f"{model.title}.xlsx")
    lines += [
        f"- 每行一份文档，以「{form.key.label}」区分；"
        f"文件名为 `{model.title}_<{form.key.label}>{name}.{model.kind}`。",
        f"- 输入表：`lvye-forms sheet {model.form_id} -o {workbook}`（加 `--example` 填入示例）。",
        f"- 生成文档：`lvye-forms render {workbook} -o 输出`。",
        "",
        f"## 工作表「{form.sheet_name}」",
        "",
        *_column_table(form.columns),
    ]
    for part in form.parts:
        single, _ = form.part_sheet_names(part)
        lines += [
            "",
            f"## 工作表「{single}」",
            "",
            f"每行一条{part.label}，用「{form.key.label}」对应主表的一行。"
            + (f"{part.description.rstrip('。')}。" if part.description else ""),
            "",
            *_column_table((form.key, *part.fields)),
        ]
    if model.rules:
        lines += ["", "## 检查规则", ""] + [f"- {rule}" for rule in model.rules]
    return "\n".join(lines) + "\n"


def index_page() -> str:
    lines = ["# 表单一览", "", "| 编号 | 表单 | 类别 | 输出 |", "|---|---|---|---|"]
    for model in all_forms():
        lines.append(
            f"| `{model.form_id}` | [《{model.title}》]({model.form_id}.md) | {model.area} | {model.kind.upper()} |"
        )
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    """File name → content for every reference page, the index included."""
    result = {f"{m.form_id}.md": reference_page(m.form_id) for m in all_forms()}
    result["index.md"] = index_page()
    return result


def write_reference_pages(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in pages().items():
        path = directory / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/forms")
    for path in write_reference_pages(target):
        print(path)
