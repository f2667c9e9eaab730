"""docs/checker.md: the file names it gives as examples are recognised as it says."""

from __future__ import annotations

import re
from pathlib import Path

from lvye_forms.archive import parse_file_name

DOC = Path(__file__).resolve().parent.parent / "docs" / "checker.md"


def test_every_example_file_name_in_the_docs_is_recognised():
    text = DOC.read_text(encoding="utf-8")
    block = text.split("以下文件名都能被识别", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    names = [line.strip() for line in block.splitlines() if line.strip()]
    assert len(names) >= 5
    for name in names:
        parts = parse_file_name(Path(name))
        assert parts is not None and not parts.problem, name
        assert parts.subject and (parts.date or parts.month), name
    session = parse_file_name(Path("XZ-2024-005_group_attendance_2024-04-06_第1节.jpg"))
    assert session is not None and session.sessions == [1]


def test_the_docs_list_every_unplaced_code():
    from lvye_forms.archive import UNPLACED_CODES

    text = DOC.read_text(encoding="utf-8")
    for code in UNPLACED_CODES:
        assert re.search(rf"`{code}`", text), code


def test_the_seed_table_names_only_requirements_that_exist():
    """docs/checker.md §五: every `profile:subject.requirement` it cites is in that profile, and
    every requirement of the shipped profiles is cited."""
    from lvye_forms.check.profile import load_profile, shipped_profiles

    text = DOC.read_text(encoding="utf-8").split("## 五、种子文件的每条规则写在哪里", 1)[1]
    cited = set(re.findall(r"`(lvye|leya|naner|guangzhou):([a-z_]+)\.([a-z0-9_]+)`", text))
    assert len(cited) > 60
    existing = {
        (name, subject_type, requirement.id)
        for name in shipped_profiles()
        for subject_type, subject in load_profile(name).subjects.items()
        for step in subject.steps
        for requirement in step.requirements
    }
    assert cited - existing == set()
    assert existing - cited == set()
