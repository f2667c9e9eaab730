"""lvye-forms: social-work agency paperwork as validated models, documents and checks.

The public API lives in `lvye_forms.api`; the command line (`lvye-forms`) is a thin layer
over it.
"""

__version__ = "0.1.0"
