"""Signed copies: a generated document the client signs is 待签署 until its signed scan is filed."""

from __future__ import annotations

import datetime as dt

import pytest

from lvye_forms import api
from lvye_forms.check.profile import ProfileError, parse_profile

from .test_check import put, scan_file

AS_OF = dt.date(2024, 7, 15)


def signature(report, form_title: str) -> dict:
    (found,) = [
        f for f in report.to_dict()["findings"]
        if f["step"] == "签署件" and form_title in f["requirement"]
    ]
    return found


def test_a_generated_consent_waits_for_its_signed_scan(tmp_path):
    case = tmp_path / "个案"
    put(case, "case_consent")  # signed 2024-03-04
    report = api.check_archive(tmp_path, as_of=AS_OF)
    waiting = signature(report, "接受个案服务同意书")
    assert waiting["status"] == "unsigned" and waiting["status_label"] == "待签署"
    assert "GA-2024-017_case_consent_20240304.pdf" in waiting["message"]
    assert report.status.exit_code == 1

    scan_file(case, "GA-2024-017_case_consent_20240304.pdf")
    signed = signature(api.check_archive(tmp_path, as_of=AS_OF), "接受个案服务同意书")
    assert signed["status"] == "complete" and signed["document"].endswith("20240304.pdf")


def test_a_scan_of_another_day_is_not_this_documents_signed_copy(tmp_path):
    case = tmp_path / "个案"
    put(case, "case_consent")
    scan_file(case, "GA-2024-017_接受个案服务同意书_20240305.pdf")
    assert signature(api.check_archive(tmp_path, as_of=AS_OF), "同意书")["status"] == "unsigned"


def test_an_undated_scan_cannot_be_verified(tmp_path):
    case = tmp_path / "个案"
    put(case, "case_consent")
    scan_file(case, "GA-2024-017_接受个案服务同意书.pdf")
    found = signature(api.check_archive(tmp_path, as_of=AS_OF), "同意书")
    assert found["status"] == "unverified" and "日期" in found["message"]


def test_forms_nobody_signs_on_paper_need_no_scan(tmp_path):
    put(tmp_path / "个案", "case_intake")
    report = api.check_archive(tmp_path, as_of=AS_OF)
    assert not [f for f in report.to_dict()["findings"] if f["step"] == "签署件"]


def test_other_profiles_choose_their_own_signed_forms(tmp_path):
    put(tmp_path / "个案", "case_consent")
    for name in ("leya", "naner", "guangzhou"):
        report = api.check_archive(tmp_path, profile=name, as_of=AS_OF)
        assert all(f["step"] != "签署件" for f in report.to_dict()["findings"])


def test_signed_copies_must_name_forms(tmp_path):
    base = "name: x\nsigned_copies: [case_consent, nope]\nsubjects: {}\n"
    with pytest.raises(ProfileError, match="第 2 行.*nope"):
        parse_profile(base, "x.yaml")
    with pytest.raises(ProfileError, match="列表"):
        parse_profile("name: x\nsigned_copies: case_consent\nsubjects: {}\n", "x.yaml")


def test_a_signed_scan_does_not_count_as_a_second_document(tmp_path):
    """count('x') >= 2 must not pass with one document and the scan of its signed paper."""
    profile = tmp_path / "p.yaml"
    profile.write_text(
        "name: p\nsubjects:\n  case:\n    steps:\n      - id: a\n        requires:\n"
        "          - form: case_intake\n            when: \"count('case_consent') >= 2\"\n",
        encoding="utf-8",
    )
    case = tmp_path / "档案" / "个案"
    put(case, "case_consent")
    scan_file(case, "GA-2024-017_case_consent_20240304.pdf")
    report = api.check_archive(tmp_path / "档案", profile=str(profile), as_of=AS_OF)
    assert [f for f in report.to_dict()["findings"] if "基本资料" in f["requirement"]] == []
