"""`doctor`: what it finds on a machine set up like CI, and what it says about a broken one."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pytest

from lvye_forms import doctor, registry
from lvye_forms.doctor import diagnose
from lvye_forms.i18n import use_language


def by_key(report: doctor.DoctorReport) -> dict[str, doctor.Check]:
    return {check.key: check for check in report.checks}


def has_chinese_fonts() -> bool:
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True)
    return bool(listed.stdout.strip())


def test_this_machine_is_ready():
    report = diagnose()
    checks = by_key(report)
    assert set(checks) >= {"templates", "libreoffice", "fonts", "python", "packages", "encoding"}
    templates = checks["templates"]
    assert templates.ok, templates
    docx_forms = [m for m in registry.all_forms() if m.kind == "docx"]
    assert f"{len(docx_forms)} 份 Word 模板完好" in templates.detail
    assert checks["python"].ok and "Python 3." in checks["python"].detail
    assert checks["packages"].ok and "pydantic" in checks["packages"].detail
    if shutil.which("soffice"):
        assert checks["libreoffice"].ok, checks["libreoffice"]
        assert "LibreOffice" in checks["libreoffice"].detail
    if has_chinese_fonts():
        assert checks["fonts"].ok and "CJK" in checks["fonts"].detail
    for check in report.checks:
        assert check.name and check.detail
        assert check.ok or check.advice, f"a failed check must say what to do: {check}"
    if shutil.which("soffice") and has_chinese_fonts():
        assert report.ok and report.failed == []


def test_missing_damaged_and_unusable_templates_are_reported(tmp_path, monkeypatch):
    damaged = tmp_path / "case_consent.docx"
    damaged.write_bytes(b"not a zip at all")
    unusable = tmp_path / "activity_report.docx"  # a zip with document.xml, but no Word package
    with zipfile.ZipFile(unusable, "w") as package:
        package.writestr("word/document.xml", "<w:document>{{ unclosed")
    real = registry.template_path
    bad = {
        "case_consent": damaged,
        "group_plan": tmp_path / "gone.docx",
        "activity_report": unusable,
    }
    monkeypatch.setattr(
        registry, "template_path", lambda form_id: bad.get(form_id) or real(form_id)
    )
    forms = [registry.get_form(f) for f in (*bad, "case_intake", "group_attendance")]
    monkeypatch.setattr(registry, "all_forms", lambda: forms)

    report = diagnose()

    assert not report.ok
    checks = by_key(report)
    assert {c.key for c in report.failed} >= {f"template:{f}" for f in bad}
    assert "templates" not in checks  # no "all fine" line when some are broken
    assert "template:case_intake" not in checks and "template:group_attendance" not in checks
    assert "已损坏" in checks["template:case_consent"].detail
    assert "找不到模板文件" in checks["template:group_plan"].detail
    assert "gone.docx" in checks["template:group_plan"].detail
    assert "示例" in checks["template:activity_report"].detail
    assert all("pip install" in c.advice for c in report.failed if c.key.startswith("template:"))

    with use_language("en"):
        english = by_key(diagnose())
    assert "not found" in english["template:group_plan"].detail
    assert "Reinstall" in english["template:group_plan"].advice


def test_a_terminal_that_cannot_show_chinese_is_reported():
    ascii_terminal = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    check = doctor.check_output_encoding(ascii_terminal)
    assert not check.ok and "ascii" in check.detail and check.advice
    assert doctor.check_output_encoding(io.TextIOWrapper(io.BytesIO(), encoding="gbk")).ok
    assert doctor.check_output_encoding(io.TextIOWrapper(io.BytesIO(), encoding="utf-8")).ok


@pytest.mark.parametrize("found", [None, []])
def test_no_chinese_fonts_is_reported_with_advice(monkeypatch, found):
    monkeypatch.setattr(doctor, "chinese_fonts", lambda: found)
    check = doctor.check_chinese_fonts()
    assert not check.ok and check.advice


def test_missing_libreoffice_is_reported_with_install_advice(monkeypatch, tmp_path):
    from lvye_forms.render import pdf

    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(pdf, "_install_locations", lambda: [])
    check = doctor.check_libreoffice()
    assert not check.ok and "libreoffice.org" in check.advice and "apt-get" in check.advice
