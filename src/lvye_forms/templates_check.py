"""`template check`: does a form's Word template only use values the form offers?

An agency edits its templates in Word or WPS. A misspelled tag (``{{ clint_name }}``) would
print nothing at all, so every tag is checked against the names the form offers (its fields,
their tick boxes, its computed values) and named with the paragraph or table cell it sits
in; a required field the template never prints is a warning. Only the text of each paragraph
is read, so a tag Word has split over several runs is still seen whole.
"""

from __future__ import annotations

import difflib
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

from jinja2 import Environment, TemplateSyntaxError, nodes

from .registry import UnknownForm, get_form, spec, templates_dir
from .render.context import offered_names
from .template_report import TemplateCheckReport, TemplateResult

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TAG = re.compile(r"\{\{(.*?)\}\}|\{%-?(.*?)-?%\}", re.S)
_PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml")
_PLACE_OF_PART = {"document": "正文", "header": "页眉", "footer": "页脚"}


def _paragraph_text(paragraph: ET.Element) -> str:
    return "".join(t.text or "" for t in paragraph.iter(f"{W}t"))


def _places(root: ET.Element, part: str) -> Iterator[tuple[str, str]]:
    """(where, text) of every paragraph in reading order: 第 3 段, or 表格 2 第 4 行第 1 格
    with the label of the cell to its left, as staff would find it in Word."""
    body = root.find(f"{W}body")
    if body is None:
        body = root
    paragraphs = tables = 0
    prefix = "" if part == "正文" else part
    for element in body:
        if element.tag == f"{W}p":
            paragraphs += 1
            yield f"{prefix}第 {paragraphs} 段", _paragraph_text(element)
        elif element.tag == f"{W}tbl":
            tables += 1
            for r, row in enumerate(element.iter(f"{W}tr"), start=1):
                left = ""
                for c, cell in enumerate(row.findall(f"{W}tc"), start=1):
                    text = "\n".join(_paragraph_text(p) for p in cell.iter(f"{W}p"))
                    near = f"（“{left}”右侧）" if left and "{" not in left else ""
                    yield f"{prefix}表格 {tables} 第 {r} 行第 {c} 格{near}", text
                    left = text.strip().replace("\n", "")


def _names_used(source: str) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """(plain names read, (loop name, attribute) pairs read, loop targets defined)."""
    env = Environment()
    tree = env.parse(source)
    names = [n.name for n in tree.find_all(nodes.Name) if n.ctx == "load"]
    attributes = [
        (a.node.name, a.attr)
        for a in tree.find_all(nodes.Getattr)
        if isinstance(a.node, nodes.Name)
    ]
    targets = [n.name for n in tree.find_all(nodes.Name) if n.ctx == "store"]
    return names, attributes, targets


def _statement_source(statement: str) -> str | None:
    """A tag's statement as a template jinja can parse on its own; None for a closing tag."""
    words = statement.split()
    if words and words[0] in ("tr", "p", "tc", "r"):
        words = words[1:]
    if not words or words[0] in ("endfor", "endif", "else", "endraw"):
        return None
    keyword = words[0]
    body = " ".join(words)
    if keyword == "for":
        return f"{{% {body} %}}{{% endfor %}}"
    if keyword in ("if", "elif"):
        return f"{{% if {' '.join(words[1:])} %}}{{% endif %}}"
    return f"{{% {body} %}}"


def _suggest(name: str, known: set[str]) -> str | None:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return close[0] if close else None


def _read_parts(path: Path) -> list[tuple[str, ET.Element]]:
    with zipfile.ZipFile(path) as archive:
        parts = []
        for name in sorted(archive.namelist()):
            match = _PARTS.fullmatch(name)
            if match:
                kind = re.sub(r"\d+$", "", match.group(1))
                parts.append((_PLACE_OF_PART[kind], ET.fromstring(archive.read(name))))
    return parts


def check_template(path: Path, form_id: str | None = None) -> TemplateResult:
    """Every problem of one template; the form is the file's name (case_consent.docx)."""
    form_id = form_id or path.stem
    result = TemplateResult(form_id=form_id, path=path)
    try:
        model = get_form(form_id)
    except UnknownForm:
        result.add("error", "", "", "文件名不是任何表单的编号，无法对应表单（应为 表单编号.docx）")
        return result
    if model.kind != "docx":
        result.add("error", "", "", "此表单生成 Excel 表格，没有 Word 模板")
        return result
    try:
        parts = _read_parts(path)
    except zipfile.BadZipFile:
        result.add(
            "error",
            "",
            "",
            "不是有效的 Word 文档（.docx）：可能已损坏，或是改了后缀名的 .doc",
            unusable=True,
        )
        return result
    except (ET.ParseError, KeyError):
        result.add(
            "error", "", "", "文档内容已损坏，无法读取；请用 Word 打开后另存为 .docx", unusable=True
        )
        return result
    except OSError as exc:
        result.add("error", "", "", f"无法读取此文件：{exc.strerror or exc}", unusable=True)
        return result
    names, lists = offered_names(model)
    loops: dict[str, set[str]] = {}  # loop variable → names one row offers
    used: set[str] = set()
    blocks: list[str] = []  # every {% %} statement in order, to check that blocks close
    for part, root in parts:
        for where, text in _places(root, part):
            rest = _TAG.sub("", text)
            if any(mark in rest for mark in ("{{", "}}", "{%", "%}")):
                result.add(
                    "error",
                    where,
                    rest.strip()[:40],
                    "标签不完整：{{ 与 }}、{% 与 %} 须成对，文档无法生成",
                    unusable=True,
                )
            for match in _TAG.finditer(text):
                tag = match.group(0)
                if match.group(1) is not None:
                    # docxtpl's {{r x }} (rich text) and {{p x }} name the value after the letter.
                    expression = re.sub(r"^\s*[rp]\s+", " ", match.group(1))
                    source: str | None = "{{" + expression + "}}"
                else:
                    source = _statement_source(match.group(2).strip())
                if match.group(2) is not None:
                    words = match.group(2).split()
                    if words and words[0] in ("tr", "p", "tc", "r"):
                        words = words[1:]
                    blocks.append("{% " + " ".join(words) + " %}")
                if source is None:
                    continue
                try:
                    read, attributes, targets = _names_used(source)
                except TemplateSyntaxError:
                    result.add(
                        "error",
                        where,
                        tag,
                        "标签写法有误（{{ }} 之间应是一个字段名，如 {{ client_name }}），文档无法生成",
                        unusable=True,
                    )
                    continue
                for target in targets:
                    collection = next((n for n in read if n in lists), None)
                    loops[target] = lists.get(collection or "", set())
                used.update(read)
                for name in read:
                    if name in names or name in loops:
                        continue
                    result.add("error", where, tag, _unknown(name), _suggest(name, names))
                for loop, attribute in attributes:
                    if loop in loops and attribute not in loops[loop]:
                        result.add(
                            "error",
                            where,
                            tag,
                            f"每行没有“{attribute}”这一项",
                            _suggest(attribute, loops[loop]),
                        )
                    used.add(attribute)
    try:
        Environment().parse("".join(blocks))
    except TemplateSyntaxError:
        result.add(
            "error",
            "",
            "",
            "{% for %} 与 {% endfor %}、{% if %} 与 {% endif %} 须成对，文档无法生成",
            unusable=True,
        )
    form = spec(form_id)
    printed = used | {re.sub(r"_(boxes|box|list|grid)$", "", n) for n in used}
    for column in form.columns:
        if column.required and column.name not in printed:
            result.add("warning", "", "", f"必填项“{column.label}”（{column.name}）没有印在模板上")
    for list_part in form.parts:
        if list_part.required and list_part.name not in printed:
            result.add(
                "warning", "", "", f"必填项“{list_part.label}”（{list_part.name}）没有印在模板上"
            )
    return result


def _unknown(name: str) -> str:
    return f"表单没有“{name}”这一项，这里会印成空白"


def check_templates(folder: Path | None = None) -> TemplateCheckReport:
    """Check every .docx template in `folder` (the shipped templates by default)."""
    folder = folder or templates_dir()
    report = TemplateCheckReport(folder=folder)
    for path in sorted(folder.glob("*.docx")):
        if path.name.startswith("~$"):  # Word's lock file of a template open in Word
            continue
        report.results.append(check_template(path))
    return report
