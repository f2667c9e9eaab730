#!/usr/bin/env bash
# Regenerate everything derived from the form models: templates of narrative forms without a
# custom layout, reference pages, and the example fixtures of forms that have none yet.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 tools/build_templates.py >/dev/null
python3 -m lvye_forms.docgen >/dev/null
for form in $(python3 -c "from lvye_forms.registry import all_forms; print(' '.join(m.form_id for m in all_forms()))"); do
  [ -f "fixtures/$form.xlsx" ] || lvye-forms sheet "$form" --example -o "fixtures/$form.xlsx" >/dev/null
done
echo "templates, docs/forms and fixtures are up to date"
