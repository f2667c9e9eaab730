"""The registry's index of which module defines each form, used to import only that one."""

import ast
import subprocess
import sys

from lvye_forms import registry


def test_the_index_names_every_form_and_its_module():
    actual: dict[str, set[str]] = {}
    for model in registry.all_forms():
        actual.setdefault(model.__module__.rsplit(".", 1)[-1], set()).add(model.form_id)
    indexed = {module: set(ids) for module, ids in registry.FORM_MODULES.items()}
    assert indexed == actual


def test_naming_one_form_imports_only_its_module():
    code = (
        "import sys; from lvye_forms.registry import get_form; get_form('case_plan');"
        "print(sorted(m for m in sys.modules if m.startswith('lvye_forms.forms.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = ast.literal_eval(out.stdout)  # a printed list of module names
    assert "lvye_forms.forms.case" in loaded
    assert "lvye_forms.forms.guangzhou" not in loaded
    assert "lvye_forms.forms.eldercare" not in loaded


def test_the_order_of_forms_does_not_depend_on_what_was_loaded_first():
    code = (
        "from lvye_forms import registry; registry.get_form('{first}');"
        "print([m.form_id for m in registry.all_forms()])"
    )
    orders = {
        subprocess.run(
            [sys.executable, "-c", code.format(first=first)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for first in ("gz_case_plan", "case_plan", "rehab_trainee_assessment")
    }
    assert len(orders) == 1


def test_an_unknown_form_lists_every_known_one():
    try:
        registry.get_form("no_such_form")
    except registry.UnknownForm as exc:
        assert "gz_case_plan" in str(exc) and "case_consent" in str(exc)
    else:
        raise AssertionError("an unknown form id was accepted")
