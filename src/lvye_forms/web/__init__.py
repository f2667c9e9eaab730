"""`lvye-forms serve`: a local web page for staff who never open a terminal.

The pages call the same library API as the command line (`lvye_forms.api`, the formatters in
`lvye_forms.formats`); this package only receives files, runs those calls and shows their
reports. Modules, one concern each:

- `app`: the routes and pages;
- `server`: choosing the address and port, starting uvicorn, opening the browser;
- `security`: sessions, CSRF tokens, the password, which clients count as this computer;
- `settings`: the small settings file in the user's profile folder;
- `uploads`: receiving a file within the size limit, unpacking an archive zip safely;
- `jobs`: one private temporary folder per job, removed when the job is done with;
- `catalogue`: the forms as the 表单 page lists them, and their workbooks as bytes.
"""

from __future__ import annotations

__all__ = ["create_app"]


def __getattr__(name: str) -> object:
    # Starlette is imported only when the web page is wanted: the CLI's start-up stays quick.
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(name)
