"""DOCX rendering: the only module that touches docxtpl.

Two hazards of docxtpl are handled here rather than trusted to every template:
- values must never be parsed as XML or as Jinja: every output passes through `_word_text`,
  which escapes it, writes line breaks and tabs as Word elements, and writes braces as
  character references so docxtpl's own `{_{`→`{{` post-processing cannot touch data;
- the template is read once per form (`PreparedTemplate`), not once per row, and rendered by
  the prepared engine (`render.fast_docx`: patched, compiled and packaged once); a template or
  a row that engine cannot make goes through docxtpl itself, and `fallback` says why.
Output is deterministic (fixed zip timestamps), so rendering the same data twice gives the
same bytes; that is what lets `render` skip unchanged files and `extract` round-trip.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Environment
from markupsafe import Markup

from .embed import embed_data
from .fast_docx import FastDocx, Unsupported, plain_texts
from .package import normalise_zip

_BREAK = '</w:t><w:br/><w:t xml:space="preserve">'
_TAB = '</w:t><w:tab/><w:t xml:space="preserve">'


def _word_text(value: Any) -> Markup:
    """Jinja `finalize` hook: any value → safe WordprocessingML text content."""
    if value is None:
        return Markup("")
    if isinstance(value, Markup):  # produced by the template itself (none today)
        return value
    # markupsafe's escape, written out: one string instead of two Markup objects per value
    # (a form has dozens of values and a batch thousands of forms).
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace('"', "&#34;").replace("'", "&#39;")
    text = text.replace("{", "&#123;").replace("}", "&#125;").replace("%", "&#37;")
    text = text.replace("\n", _BREAK).replace("\t", _TAB)
    return Markup(text)


def _environment(*, autoescape: bool = True) -> Environment:
    # `_word_text` escapes every value itself; the prepared engine turns Jinja's autoescape
    # off so the values are not passed through markupsafe a second time (docxtpl keeps it).
    return Environment(autoescape=autoescape, finalize=_word_text)


class PreparedTemplate:
    """A form template read from disk once; `render` makes one document per record."""

    def __init__(self, path: Path, *, fast: bool = True) -> None:
        self.path = path
        self._bytes = path.read_bytes()
        self._env = _environment()
        # Why docxtpl renders (some of) this template's documents; "" while the engine does.
        self.fallback = ""
        self._fast: FastDocx | None = None
        if fast:
            try:
                self._fast = FastDocx(self._bytes, _environment(autoescape=False))
            except Unsupported as exc:
                self.fallback = str(exc)
            except Exception as exc:  # a template docxtpl's patching or Jinja cannot take
                # docxtpl then meets the same problem and reports it as it always has.
                self.fallback = f"{type(exc).__name__}: {exc}"

    def render(self, context: dict[str, Any], metadata: dict[str, Any]) -> bytes:
        """The finished document as bytes, with `metadata` embedded as a custom XML part."""
        if self._fast is not None:
            texts = plain_texts(context)
            if texts is not None:
                try:
                    return self._fast.render(context, metadata, texts)
                except Unsupported as exc:
                    self._fast = None
                    self.fallback = str(exc)
            elif not self.fallback:
                self.fallback = "values that are Word objects (RichText, images, subdocuments)"
        return self._render_docxtpl(context, metadata)

    def _render_docxtpl(self, context: dict[str, Any], metadata: dict[str, Any]) -> bytes:
        template = DocxTemplate(io.BytesIO(self._bytes))
        template.render(context, self._env, autoescape=True)
        embed_data(template.docx, metadata)
        buffer = io.BytesIO()
        template.save(buffer)
        return normalise_zip(buffer.getvalue())
