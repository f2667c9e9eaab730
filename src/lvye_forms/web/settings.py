"""The web page's settings (agency name, templates folder, output folder, language), kept in a
small JSON file in the user's profile folder: %APPDATA%\\lvye-forms on Windows,
~/Library/Application Support/lvye-forms on macOS, $XDG_CONFIG_HOME (or ~/.config)/lvye-forms
elsewhere. LVYE_FORMS_CONFIG_DIR overrides the folder (tests, portable installs)."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from ..render.output import write_atomic

CONFIG_ENV = "LVYE_FORMS_CONFIG_DIR"
FILE_NAME = "settings.json"


def config_dir() -> Path:
    """Where the settings file lives (not created here)."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = os.environ.get("APPDATA")
        return Path(base) / "lvye-forms" if base else Path.home() / "AppData/Roaming/lvye-forms"
    if sys.platform == "darwin":
        return Path.home() / "Library/Application Support/lvye-forms"
    base = os.environ.get("XDG_CONFIG_HOME")
    return (Path(base) if base else Path.home() / ".config") / "lvye-forms"


@dataclass
class Settings:
    agency: str = ""  # empty: the library's default agency name
    templates: str = ""  # a folder of the agency's own templates (empty: the shipped ones)
    output: str = ""  # a folder to keep generated documents in (empty: nothing kept)
    language: str = ""  # "zh" or "en"; empty: LVYE_FORMS_LANG, as on the command line

    @classmethod
    def from_dict(cls, data: Any) -> Settings:
        """Settings from a parsed file; unknown keys and values of the wrong type are dropped
        (a hand-edited file must not stop the page from starting)."""
        if not isinstance(data, dict):
            return cls()
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known and isinstance(v, str)}
        settings = cls(**values)
        if settings.language not in ("", "zh", "en"):
            settings.language = ""
        return settings


def load(folder: Path | None = None) -> Settings:
    path = (folder or config_dir()) / FILE_NAME
    try:
        return Settings.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return Settings()


def save(settings: Settings, folder: Path | None = None) -> Path:
    """Write the settings atomically (a crash leaves the old file or the new one, never half).

    Raises OSError when the folder cannot be made or written.
    """
    folder = folder or config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILE_NAME
    text = json.dumps(asdict(settings), ensure_ascii=False, indent=2) + "\n"
    write_atomic(path, text.encode("utf-8"), overwrite=True)
    return path
