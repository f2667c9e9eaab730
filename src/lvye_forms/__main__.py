"""`python -m lvye_forms` runs the command line."""

from .cli import main

main(prog_name="lvye-forms")
