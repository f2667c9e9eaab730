"""Finding documents in an archive folder and saying what each one is.

A service point's archive is any folder tree. Documents made by lvye-forms identify
themselves by the data they carry. Other files — scans of signed forms, hand-made Word files —
are identified by their file name (``<subject id>_<form>_<date>[_note].<ext>``, the form given
by id or Chinese title, the date as 20240304 or 2024-03-04, a note such as 第1节 giving the
session number) or by a register workbook that lists them. Every file under the archive is
either a document or an `Unplaced` with its reason; only Office lock files (``~$…``) and hidden
files and folders are left out, and those are counted (`ScanResult.ignored`).

A scan carries only the facts its name or its register row gives (subject, form, date, session
number, any register column named after a field of the form). Its other facts are *unknown*,
not empty: `ArchiveDocument.view_fact` gives an `Unknown` for them, which raises `UnknownFact`
(form, field, file) as soon as a rule uses it, so the checker can say 无法核实 and name what is
missing instead of passing or failing the rule on a guess.

Archives are untrusted input: file names in any encoding (GBK names from Windows zips come as
lone surrogates; every text made from a name goes through `paths.display_text`), documents
whose embedded data was edited by hand, symbolic links that loop or lead out of the archive,
files the user may not read. None of these stops a scan; each becomes an `Unplaced` with a
reason in Chinese.

The package's modules, one concern each: `facts` (unknown facts and the partial facts of a
scan), `unplaced` (why a file is not a document), `walk` (the folder tree), `names` (the
file-name convention), `documents` (what one file is), `datapart` (a document's data part
read straight from its zip directory), `register` (the register workbook), `parallel`
(sharing a large check among the cores), `remembered` (documents unchanged since the last
scan), `collector` (the garbage collector paused during a check); this module scans a whole
archive and re-exports their public names.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from . import remembered
from .collector import collector_paused
from .documents import (
    OOXML_SUFFIXES,
    SCAN_SUFFIXES,
    ArchiveDocument,
    identify,
)
from .facts import (
    SESSION_LABELS,
    NoSuchField,
    PartialPart,
    Unknown,
    UnknownFact,
    assuming,
    assuming_any,
    field_label,
    scan_facts,
    session_target,
)
from .names import (
    MAX_SESSION,
    MONTH_LABELS,
    NameParts,
    month_field,
    parse_file_name,
    session_numbers,
)
from .parallel import map_files
from .register import REGISTER_COLUMNS, is_register, read_register
from .unplaced import (
    INVALID_DOCUMENT,
    INVALID_ENTRY,
    INVALID_NAME,
    NO_SUBJECT,
    NOT_A_DOCUMENT,
    SYMLINK,
    UNKNOWN_FORM,
    UNPLACED_CODES,
    UNREADABLE,
    Unplaced,
)
from .walk import _resolved, _unreadable, _within, iter_files, walk

__all__ = [
    "INVALID_DOCUMENT",
    "INVALID_ENTRY",
    "INVALID_NAME",
    "MAX_SESSION",
    "MONTH_LABELS",
    "NOT_A_DOCUMENT",
    "NO_SUBJECT",
    "OOXML_SUFFIXES",
    "REGISTER_COLUMNS",
    "SCAN_SUFFIXES",
    "SESSION_LABELS",
    "SYMLINK",
    "UNKNOWN_FORM",
    "UNPLACED_CODES",
    "UNREADABLE",
    "ArchiveDocument",
    "NameParts",
    "NoSuchField",
    "PartialPart",
    "ScanResult",
    "Unknown",
    "UnknownFact",
    "Unplaced",
    "UnplacedList",
    "assuming",
    "assuming_any",
    "collector_paused",
    "field_label",
    "identify",
    "is_register",
    "iter_files",
    "month_field",
    "parse_file_name",
    "read_register",
    "scan",
    "scan_archive",
    "scan_facts",
    "session_numbers",
    "session_target",
    "walk",
]


class UnplacedList(list[Unplaced]):
    """The unplaced files of a scan, and (`ignored`) the paths it left out on purpose."""

    ignored: list[Path]

    def __init__(self, items: list[Unplaced], ignored: list[Path]) -> None:
        super().__init__(items)
        self.ignored = ignored


@dataclass
class ScanResult:
    """What `scan_archive` found: documents, files that are not (with why), and the Office
    lock files and hidden files and folders it left out (each counted, never read)."""

    documents: list[ArchiveDocument]
    unplaced: list[Unplaced]
    ignored: list[Path]
    registers: list[Path] = field(default_factory=list)  # the register workbooks read


def scan_archive(root: Path, register: Path | None = None) -> ScanResult:
    """Every document under `root`, every other file with the reason it is not one, and the
    files left out on purpose (Office lock files, hidden files and folders).

    Registers are the one given and any register workbook found in the archive itself. Never
    raises for what the archive holds: see `walk`, `identify` and `Unplaced` codes.
    """
    with collector_paused():
        return _scan_archive(root, register)


def _scan_archive(root: Path, register: Path | None) -> ScanResult:
    files, unplaced, ignored = walk(root)
    registers = [register] if register else []
    registers += [p for p in files if p.suffix.lower() in (".xlsx", ".xlsm") and is_register(p)]
    listed: dict[Path, ArchiveDocument] = {}
    for path in registers:
        entries, problems = read_register(path, root)
        listed.update(entries)
        unplaced += problems
    skip = {_resolved(p) or p for p in registers}
    real_root = _resolved(root) or root
    documents: list[ArchiveDocument] = []
    # Resolving a path costs a system call per folder of it: only when a register is there
    # to compare with.
    resolve = bool(skip or listed)
    kept = [(path, (_resolved(path) or path) if resolve else path) for path in files]
    kept = [(path, real) for path, real in kept if real not in skip]
    answers = _identify_all([path for path, _ in kept])
    for (path, real), found in zip(kept, answers, strict=True):
        if real in listed:
            entry = listed.pop(real)
            problem = _unreadable(path)
            if problem is not None:
                unplaced.append(problem)
                continue
            if isinstance(found, Unplaced) and found.code in (UNREADABLE, INVALID_DOCUMENT):
                unplaced.append(found)  # a generated document whose own data cannot be used
            elif isinstance(found, ArchiveDocument) and found.record is not None:
                documents.append(found)  # generated: its own data is what counts
            else:
                entry.path = path
                documents.append(entry)
            continue
        if isinstance(found, ArchiveDocument):
            documents.append(found)
        else:
            unplaced.append(found)
    for missing in listed.values():
        if missing.path.exists() and not _within(missing.path, real_root):
            reason = "登记表中列出的文件不在档案文件夹中，未检查"
        elif missing.path.exists():
            reason = "登记表中列出的文件未被检查（隐藏文件或链接）"
        else:
            reason = "登记表中列出的文件不存在"
        unplaced.append(Unplaced(missing.path, UNREADABLE, reason))
    return ScanResult(documents, unplaced, ignored, registers)


def _identify_all(paths: list[Path]) -> list[ArchiveDocument | Unplaced]:
    """What each file is, in order: a generated document unchanged since the last scan as
    that scan found it (see `remembered`), every other file identified anew, on several cores
    for a large archive."""
    stamps = [
        remembered.stamp(path) if path.suffix.lower() in OOXML_SUFFIXES else None
        for path in paths
    ]
    recalled = [remembered.recall(path, now) for path, now in zip(paths, stamps, strict=True)]
    missing = [number for number, document in enumerate(recalled) if document is None]
    identified = iter(map_files(identify, [paths[number] for number in missing]))
    answers: list[ArchiveDocument | Unplaced] = [
        document if document is not None else next(identified) for document in recalled
    ]
    remembered.keep(
        {
            path: (now, dataclasses.replace(found))
            for path, now, found in zip(paths, stamps, answers, strict=True)
            if now is not None and isinstance(found, ArchiveDocument) and found.record is not None
        }
    )
    return answers


def scan(root: Path, register: Path | None = None) -> tuple[list[ArchiveDocument], list[Unplaced]]:
    """`scan_archive` as a pair (documents, unplaced); the unplaced list carries the
    ignored paths as its `ignored` attribute (see `UnplacedList`)."""
    result = scan_archive(root, register)
    return result.documents, UnplacedList(result.unplaced, result.ignored)
