"""Why a file of the archive is not a document: `Unplaced` and its codes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..paths import display_text

# Why a file is unplaced (`Unplaced.code`).
UNREADABLE = "unreadable"  # cannot be opened: damaged, not a file, no permission
UNKNOWN_FORM = "unknown_form"  # neither embedded data, nor a name or register entry that says
NO_SUBJECT = "no_subject"  # the form is known but not whose it is
INVALID_DOCUMENT = "invalid_document"  # made by lvye-forms, but its data was edited or damaged
SYMLINK = "symlink"  # a symbolic link that is not followed (folder, broken, loop, outside)
NOT_A_DOCUMENT = "not_a_document"  # a text, table, archive… file: listed, never read as a document
INVALID_NAME = "invalid_name"  # the name follows the convention but says something impossible
INVALID_ENTRY = "invalid_entry"  # a register row's value that cannot be used (the file still counts)
UNPLACED_CODES = (
    UNREADABLE,
    UNKNOWN_FORM,
    NO_SUBJECT,
    INVALID_DOCUMENT,
    SYMLINK,
    NOT_A_DOCUMENT,
    INVALID_NAME,
    INVALID_ENTRY,
)


@dataclass
class Unplaced:
    """A file the scan could not read or place, and why (in Chinese).

    `path` is the file's real path (it may hold undecodable bytes: print it through
    `paths.display_path`); `reason` is always printable.
    """

    path: Path
    code: str  # one of UNPLACED_CODES
    reason: str

    def __post_init__(self) -> None:
        self.reason = display_text(self.reason)
