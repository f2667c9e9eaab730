"""`lvye-forms doctor`: is this machine ready? Checks, as data; the CLI prints them.

    from lvye_forms.doctor import diagnose
    report = diagnose()
    for check in report.checks:
        print("✓" if check.ok else "✗", check.name, check.detail, check.advice)

Checks: every form's template is there and renders its example; LibreOffice (for PDFs) and
its version; Chinese fonts (for PDFs that show Chinese); Python and package versions; whether
the terminal can show Chinese. Each failed check says what to do. Nothing here prints.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TextIO

from . import __version__
from .i18n import t

SAMPLE = "绿叶社工表格"  # what the terminal must be able to show
FONT_TIMEOUT = 20.0
MIN_PYTHON = (3, 10)
# The distributions lvye-forms needs (pyproject.toml), for when its own metadata is missing.
DEPENDENCIES = (
    "pydantic",
    "docxtpl",
    "python-docx",
    "jinja2",
    "openpyxl",
    "click",
    "rich",
    "pyyaml",
)
WINDOWS_CHINESE_FONTS = ("simsun.ttc", "simsun.ttf", "msyh.ttc", "msyh.ttf", "simhei.ttf")
MACOS_CHINESE_FONTS = (
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/System/Library/Fonts/Supplemental/Songti.ttc",
    "/Library/Fonts/Songti.ttc",
)


@dataclass
class Check:
    name: str  # what was checked, in the current language
    ok: bool
    detail: str  # what was found
    advice: str = ""  # what to do about it (failed checks only)
    key: str = ""  # stable id for JSON and tests: templates, template:<form_id>, libreoffice…


@dataclass
class DoctorReport:
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]


def diagnose() -> DoctorReport:
    """Run every check (a few seconds: each form renders its example once)."""
    report = DoctorReport()
    report.checks += check_templates()
    report.checks.append(check_libreoffice())
    report.checks.append(check_chinese_fonts())
    report.checks.append(check_python())
    report.checks.append(check_packages())
    report.checks.append(check_output_encoding())
    return report


# --- templates ---------------------------------------------------------------------------


def _reinstall_advice() -> str:
    return t(
        "重新安装 lvye-forms（pip install --force-reinstall lvye-forms）；在源代码目录中可运行 "
        "python tools/build_templates.py 重建模板。",
        "Reinstall lvye-forms (pip install --force-reinstall lvye-forms); in a source checkout, "
        "run python tools/build_templates.py to rebuild the templates.",
    )


def check_templates() -> list[Check]:
    """One passed check when every form is fine; else one failed check per broken form (or
    one for a missing template folder)."""
    name = t("表单模板", "Form templates")
    try:
        from . import api, registry
        from .render.context import template_context
        from .render.docx import PreparedTemplate
    except Exception as exc:  # a broken install: say so instead of crashing
        return [Check(name, False, _first_line(exc), _reinstall_advice(), "templates")]
    models = registry.all_forms()
    docx_forms = [m for m in models if m.kind == "docx"]
    folder = registry.templates_dir()
    if docx_forms and not folder.is_dir():
        detail = t(f"找不到模板文件夹 {folder}", f"template folder {folder} not found")
        return [Check(name, False, detail, _reinstall_advice(), "templates")]
    broken: list[Check] = []
    for model in models:
        problem = ""
        try:
            record = model.model_validate(model.examples[0], context={"today": dt.date.max})
            if model.kind == "docx":
                path = registry.template_path(model.form_id)
                problem = _template_problem(path)
                if not problem:
                    # From the file just checked, not api's cached copy of the template.
                    agency = api.DEFAULT_AGENCY
                    PreparedTemplate(path).render(
                        template_context(record, agency), api.metadata(record, agency)
                    )
            else:
                api.render_record(record)
        except Exception as exc:
            problem = t(
                f"无法用示例数据生成文档：{_first_line(exc)}",
                f"rendering the example failed: {_first_line(exc)}",
            )
        if problem:
            label = t(f"模板：{model.title}（{model.form_id}）", f"Template: {model.form_id}")
            key = f"template:{model.form_id}"
            broken.append(Check(label, False, problem, _reinstall_advice(), key))
    if broken:
        return broken
    detail = t(
        f"{len(docx_forms)} 份 Word 模板完好，{len(models)} 份表单都能用示例数据生成（{folder}）",
        f"{len(docx_forms)} Word templates intact; all {len(models)} forms render their "
        f"example ({folder})",
    )
    return [Check(name, True, detail, key="templates")]


def _template_problem(path: Path) -> str:
    """Why `path` is not a usable Word template, or ""."""
    if not path.is_file():
        return t(f"找不到模板文件 {path}", f"template file {path} not found")
    try:
        with zipfile.ZipFile(path) as package:
            if "word/document.xml" not in package.namelist():
                return t(
                    f"{path} 不是 Word 文档（缺少 word/document.xml）",
                    f"{path} is not a Word document (no word/document.xml)",
                )
            package.read("word/document.xml")
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError) as exc:
        return t(
            f"{path} 已损坏，无法作为 Word 文档打开（{_first_line(exc)}）",
            f"{path} is damaged and cannot be opened as a Word document ({_first_line(exc)})",
        )
    return ""


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return (lines[0] if lines else type(exc).__name__)[:300]


# --- LibreOffice and fonts ---------------------------------------------------------------


def check_libreoffice() -> Check:
    from .render.pdf import LibreOfficeMissing, find_soffice, install_advice, soffice_version

    name = t("LibreOffice（生成 PDF 用）", "LibreOffice (for PDFs)")
    try:
        program = find_soffice()
    except LibreOfficeMissing:
        detail = t("没有找到 LibreOffice，--pdf 无法使用", "not found; --pdf will not work")
        return Check(name, False, detail, install_advice(), "libreoffice")
    try:
        version = soffice_version(program)
    except subprocess.TimeoutExpired:
        detail = t(f"{program} 没有响应（--version 超时）", f"{program} did not answer --version")
        return Check(name, False, detail, _reinstall_libreoffice(), "libreoffice")
    except OSError as exc:
        detail = t(f"{program} 无法运行：{exc}", f"{program} cannot be run: {exc}")
        return Check(name, False, detail, _reinstall_libreoffice(), "libreoffice")
    version = version or t("版本未知", "version unknown")
    return Check(name, True, f"{version} ({program})", key="libreoffice")


def _reinstall_libreoffice() -> str:
    from .render.pdf import install_advice

    return t(
        "LibreOffice 可能已损坏，请重新安装。", "LibreOffice may be damaged; reinstall it. "
    ) + (install_advice())


def _font_advice() -> str:
    if os.name == "nt":
        return t(
            "在 Windows「设置 → 时间和语言 → 语言」中添加“中文(简体)”，或安装宋体/微软雅黑字体。",
            'Add "Chinese (Simplified)" in Windows Settings → Time & Language → Language, or '
            "install the SimSun / Microsoft YaHei fonts.",
        )
    if sys.platform == "darwin":
        return t(
            "在“字体册”中启用苹方或宋体，或安装 Noto Sans CJK SC 字体。",
            "Enable PingFang or Songti in Font Book, or install the Noto Sans CJK SC fonts.",
        )
    return t(
        "安装中文字体：Debian/Ubuntu 运行 `sudo apt-get install fonts-noto-cjk`。",
        "Install Chinese fonts: on Debian/Ubuntu run `sudo apt-get install fonts-noto-cjk`.",
    )


def chinese_fonts() -> list[str] | None:
    """Names of the installed fonts that cover Chinese; None when this cannot be checked."""
    if os.name == "nt":
        folders = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
        local = os.environ.get("LOCALAPPDATA")
        if local:
            folders.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
        return [
            name
            for name in WINDOWS_CHINESE_FONTS
            if any((folder / name).is_file() for folder in folders)
        ]
    fc_list = shutil.which("fc-list")
    if fc_list:
        completed = subprocess.run(
            [fc_list, ":lang=zh", "family"],
            capture_output=True,
            timeout=FONT_TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
        lines = completed.stdout.decode("utf-8", "replace").splitlines()
        return sorted({line.split(",")[0].strip() for line in lines if line.strip()})
    if sys.platform == "darwin":
        return [Path(p).stem for p in MACOS_CHINESE_FONTS if Path(p).is_file()]
    return None


def check_chinese_fonts() -> Check:
    name = t("中文字体（PDF 用）", "Chinese fonts (for PDFs)")
    try:
        fonts = chinese_fonts()
    except (OSError, subprocess.SubprocessError) as exc:
        detail = t(f"无法列出字体：{exc}", f"could not list the fonts: {exc}")
        return Check(name, False, detail, _font_advice(), "fonts")
    if fonts is None:
        detail = t(
            "无法检查（没有 fc-list）；PDF 中的中文可能显示为方框",
            "cannot check (no fc-list); Chinese may show as boxes in PDFs",
        )
        return Check(name, False, detail, _font_advice(), "fonts")
    if not fonts:
        detail = t(
            "没有找到中文字体；PDF 中的中文会显示为方框或乱码",
            "no Chinese font found; Chinese text in PDFs will show as boxes",
        )
        return Check(name, False, detail, _font_advice(), "fonts")
    # Fonts for Simplified Chinese first: those are what the templates' 宋体 falls back to.
    fonts = sorted(fonts, key=lambda f: not any(k in f for k in ("SC", "GB", "Song", "Sim", "Hei")))
    shown = t("、", ", ").join(fonts[:3])
    more = t(f" 等 {len(fonts)} 种", f" and {len(fonts) - 3} more") if len(fonts) > 3 else ""
    return Check(name, True, shown + more, key="fonts")


# --- Python, packages, terminal ----------------------------------------------------------


def check_python() -> Check:
    version = platform.python_version()
    detail = f"Python {version} ({sys.executable})"
    if sys.version_info[:2] >= MIN_PYTHON:
        return Check("Python", True, detail, key="python")
    needed = ".".join(map(str, MIN_PYTHON))
    advice = t(
        f"请安装 Python {needed} 或更新版本（https://www.python.org/downloads/），再安装 lvye-forms。",
        f"Install Python {needed} or newer (https://www.python.org/downloads/), then lvye-forms.",
    )
    return Check("Python", False, detail, advice, "python")


def _requirements() -> list[str]:
    """Distribution names lvye-forms depends on, from its metadata when installed."""
    try:
        requires = metadata.requires("lvye-forms") or []
    except metadata.PackageNotFoundError:
        return list(DEPENDENCIES)
    names = []
    for requirement in requires:
        if "extra ==" in requirement:
            continue
        name = requirement.split(";")[0].strip()
        for stop in "<>=!~[ (":
            name = name.split(stop)[0]
        if name:
            names.append(name)
    return names or list(DEPENDENCIES)


def check_packages() -> Check:
    name = t("lvye-forms 及依赖包", "lvye-forms and its packages")
    found, missing = [], []
    for package in _requirements():
        try:
            found.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            missing.append(package)
    detail = f"lvye-forms {__version__}; " + ", ".join(found)
    if not missing:
        return Check(name, True, detail, key="packages")
    detail = t(
        f"缺少：{', '.join(missing)}（已安装：{detail}）",
        f"missing: {', '.join(missing)} (installed: {detail})",
    )
    advice = t(
        "重新安装 lvye-forms 以补齐依赖：pip install --force-reinstall lvye-forms",
        "Reinstall lvye-forms to get its dependencies: pip install --force-reinstall lvye-forms",
    )
    return Check(name, False, detail, advice, "packages")


def check_output_encoding(stream: TextIO | None = None) -> Check:
    """Whether `stream` (default: stdout) can show Chinese."""
    name = t("终端中文显示", "Chinese in the terminal")
    stream = stream if stream is not None else sys.stdout
    encoding = getattr(stream, "encoding", None) or ""
    try:
        if not encoding:
            raise LookupError(encoding)
        SAMPLE.encode(encoding)
    except (LookupError, UnicodeEncodeError):
        shown = encoding or t("未知", "unknown")
        detail = t(
            f"输出编码 {shown} 无法显示中文，提示和报告会变成乱码或出错",
            f"output encoding {shown} cannot show Chinese; messages and reports will be garbled",
        )
        return Check(name, False, detail, _encoding_advice(), "encoding")
    return Check(
        name, True, t(f"输出编码 {encoding}", f"output encoding {encoding}"), key="encoding"
    )


def _encoding_advice() -> str:
    if os.name == "nt":
        return t(
            "在 PowerShell 中先运行 $env:PYTHONUTF8=1（命令提示符：set PYTHONUTF8=1），"
            "或使用 Windows Terminal；也可加 --lang en 以英文显示。",
            "Run $env:PYTHONUTF8=1 in PowerShell first (Command Prompt: set PYTHONUTF8=1), or "
            "use Windows Terminal; or add --lang en for English output.",
        )
    return t(
        "设置 UTF-8 语言环境，例如 export LANG=C.UTF-8（或 PYTHONIOENCODING=utf-8）；"
        "也可加 --lang en 以英文显示。",
        "Use a UTF-8 locale, e.g. export LANG=C.UTF-8 (or PYTHONIOENCODING=utf-8); or add "
        "--lang en for English output.",
    )
