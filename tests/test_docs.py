"""The reference pages in docs/forms are generated from the models and must stay current."""

from __future__ import annotations

from pathlib import Path

import pytest

from lvye_forms.docgen import pages
from lvye_forms.registry import all_forms, spec

DOCS = Path(__file__).resolve().parents[1] / "docs" / "forms"


@pytest.mark.parametrize("name", sorted(pages()))
def test_committed_reference_page_is_current(name):
    path = DOCS / name
    assert path.exists(), f"run `python -m lvye_forms.docgen` to create docs/forms/{name}"
    assert path.read_text(encoding="utf-8") == pages()[name], (
        f"docs/forms/{name} is out of date: run `python -m lvye_forms.docgen`"
    )


@pytest.mark.parametrize("model", all_forms(), ids=lambda m: m.form_id)
def test_each_page_names_every_column(model):
    text = pages()[f"{model.form_id}.md"]
    form = spec(model.form_id)
    for column in [*form.columns, *(f for p in form.parts for f in p.fields)]:
        assert f"| {column.label} |" in text
    for rule in model.rules:
        assert rule in text


def test_no_page_for_a_form_that_no_longer_exists():
    stale = {p.name for p in DOCS.glob("*.md")} - set(pages())
    assert not stale, f"delete docs/forms/{', '.join(sorted(stale))}: no such form any more"
