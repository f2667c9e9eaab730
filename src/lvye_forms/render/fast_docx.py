"""The prepared DOCX engine: a template patched and compiled once, one zip write per row.

docxtpl, for every document, re-opens the package, re-patches the template XML, re-compiles
the Jinja source, parses the result in recover mode and re-deflates every part. Here all of
that happens once per template, with docxtpl's own code (`patch_xml`, `render_xml_part`'s
post-processing, `resolve_listing`, `fix_tables`) so tags mean exactly what they mean to
docxtpl (`{%tr %}`, `{%tc %}`, `{%p %}`, `{{r }}`…):

- a *skeleton* package is made once by python-docx — the template with its core properties
  set as docxtpl sets them and our data part attached (`embed.embed_data`) — so every part
  that does not change is byte for byte what docxtpl would have saved; those parts are
  deflated once;
- the templated parts (the body of the main document, headers, footers, footnotes, core
  properties when they hold tags) are compiled once; per row they are rendered, the data
  part is made, and one zip is written (fixed timestamps, no second pass).

docxtpl parses every rendered body to fix table grids and picture ids. That is needed only
when a template changes the number of cells (`{%tc %}`, colspan, merges) or holds pictures;
the first document of each template is checked against docxtpl's fix-up and, if the fix-up
would change anything, every document of that template takes the same parsing path.
What this engine cannot do raises `Unsupported`; `render.docx` then uses docxtpl itself.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from docx.opc.coreprops import CoreProperties
from docx.opc.part import XmlPart
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate
from jinja2 import Environment, Template
from lxml import etree

from .embed import data_xml, embed_data, item_id, props_xml
from .zipwrite import Member, ZipSkeleton

# Parts made per row are deflated quickly (about five times faster than zlib's default, for
# a part a sixth larger); the parts shared by every row get the default once per template.
ROW_LEVEL = 1


class Unsupported(Exception):
    """The template (or this row) needs something only docxtpl does; `str(exc)` says what."""


_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
# The core properties docxtpl renders as templates (DocxTemplate.render_properties).
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_FIXED_MODIFIED = rb"\g<1>2000-01-01T00:00:00Z\g<2>"
_LISTING = re.compile("[\t\x07\n\x0c]")  # what docxtpl's resolve_listing turns into Word XML
# Characters XML 1.0 cannot hold: a row with one goes through docxtpl's recovering parser.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# What a value may carry that needs either of the above (line breaks and tabs in values are
# written as Word elements by the environment's finalize hook, see render.docx).
_ODD_VALUE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_BODY_START = re.compile(r"^<w:body((?:\s+xmlns(?::\w+)?=\"[^\"]*\")*)\s*>")
_DECLARATION = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_MARKER = "lvyeBodyMarker"
# Tags that change how many cells a table row has (docxtpl then rewrites the table grid).
_CELL_TAGS = re.compile(r"\{%-?\s*(tc|colspan|hm|vm|cellbg)\b")
_PLAIN = (str, int, float, bool, type(None))


def plain_texts(value: Any) -> list[str] | None:
    """Every text in `value` when it holds only text, numbers, lists and dicts; None when it
    holds anything else (RichText, InlineImage, Subdoc, Listing or other objects that render
    themselves as Word XML). One walk answers both questions the engine asks of a context."""
    texts: list[str] = []
    return texts if _collect(value, texts, 0) else None


def _collect(value: Any, texts: list[str], depth: int) -> bool:
    if isinstance(value, str):
        if type(value).__name__ == "Markup":
            return False
        texts.append(value)
        return True
    if isinstance(value, _PLAIN):
        return True
    if depth > 20:
        return False
    if isinstance(value, dict):
        return all(isinstance(k, str) and _collect(v, texts, depth + 1) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(_collect(v, texts, depth + 1) for v in value)
    return False


def _odd_values(texts: list[str]) -> bool:
    """Whether a value holds a control character: docxtpl's listing and recovering steps then
    apply. Scanning the values is much cheaper than scanning the rendered XML."""
    return _ODD_VALUE.search("".join(texts)) is not None


def _post_process(template: DocxTemplate, xml: str, listing: bool = True) -> str:
    """What docxtpl's render_xml_part does after Jinja (same order, same replacements).

    docxtpl also puts a line break before every `<w:p` before Jinja and takes it out after,
    so that Jinja's errors name a line; a value cannot make that text (it is escaped) and
    Jinja's whitespace control can only remove such a break, so leaving both steps out gives
    the same document.
    """
    # A one-character search is a memchr; the three two-character ones cost about 70 µs on
    # a one-page form, and Word XML rarely holds an underscore at all.
    if "_" in xml and ("{_" in xml or "_}" in xml or "%_" in xml):
        xml = (
            xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        )
    if listing and _LISTING.search(xml):
        xml = template.resolve_listing(xml)
    return xml


def _compile(env: Environment, patched: str) -> Template:
    return env.from_string(patched)


@dataclass
class _Part:
    """A templated part other than the main body: a header, footer or footnotes."""

    name: str  # zip member name
    template: Template
    declaration: bytes  # what goes before the rendered XML


class FastDocx:
    """One DOCX template, prepared; `render` makes one package per row."""

    def __init__(self, data: bytes, env: Environment) -> None:
        self._env = env
        self._docxtpl = DocxTemplate(io.BytesIO(data))
        self._docxtpl.render_init()
        document = self._docxtpl.docx
        if document is None:  # pragma: no cover - render_init always loads it
            raise Unsupported("the template could not be opened")
        self._plain_text = "".join(document.element.body.itertext())
        self._body = self._prepare_body(document)
        self._parts = self._prepare_parts(document)
        self._properties = self._prepare_properties(document)
        self._data_names = self._attach_data(document)
        members, self._slots = self._prepare_package(document)
        # The parts that never change go first, laid out once; each document adds its own.
        self._skeleton = ZipSkeleton([m for m in members if m is not None])
        # Each per-row part's place among the per-row parts (their order in the template).
        self._order = {name: n for n, name in enumerate(sorted(self._slots, key=self._slots.__getitem__))}
        # docxtpl's table and picture fix-up: decided by looking at the first document.
        self._tree: bool | None = True if _CELL_TAGS.search(self._plain_text) else None

    # --- preparing ---------------------------------------------------------------------------

    def _prepare_body(self, document: Any) -> Template:
        self._declarations = ""  # dropped from the body's start tag; needed to parse it alone
        root = document.element
        body = root.body
        source = self._docxtpl.get_xml()
        # The body is serialised on its own, so it declares every namespace again; the
        # document element already does, so those declarations are dropped (as lxml does when
        # docxtpl puts its parsed body back).
        match = _BODY_START.match(source)
        if match is not None:
            declared = dict(re.findall(r'xmlns(?::(\w+))?="([^"]*)"', match.group(1)))
            inherited = {k or "": v for k, v in root.nsmap.items()}
            if all(inherited.get(k) == v for k, v in declared.items()):
                source = "<w:body>" + source[match.end() :]
                self._declarations = match.group(1)
        marker = etree.Element(_MARKER)
        root.replace(body, marker)
        try:
            whole = etree.tostring(root, encoding="UTF-8", standalone=True)
        finally:
            root.replace(marker, body)
        self._prefix, _, self._suffix = whole.partition(f"<{_MARKER}/>".encode())
        patched = self._docxtpl.patch_xml(source)
        # Template text with tabs or control characters: every row goes through docxtpl's
        # listing step (and the check for characters XML cannot hold).
        self._listing = bool(_LISTING.search(patched))
        return _compile(self._env, patched)

    def _prepare_parts(self, document: Any) -> list[_Part]:
        tpl = self._docxtpl
        parts: list[_Part] = []
        for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
            for _key, part in tpl.get_headers_footers(uri):
                source = tpl.patch_xml(tpl.get_part_xml(part))
                if "{" not in source and not _LISTING.search(source):
                    continue  # nothing to render: the skeleton's bytes are docxtpl's
                if tpl.get_headers_footers_encoding(source).lower() not in ("utf-8", "utf8"):
                    raise Unsupported(f"{part.partname} is not UTF-8")
                name = part.partname[1:]
                self._listing = self._listing or bool(_LISTING.search(source))
                parts.append(_Part(name, _compile(self._env, source), _DECLARATION))
        for part in document.part.package.parts:
            if part.content_type != _FOOTNOTES or isinstance(part, XmlPart):
                continue
            text = part.blob.decode("utf-8")
            if "{" not in text:
                continue
            if len(document.sections) != 1:
                # docxtpl renders footnotes once per section, each time over the last result.
                raise Unsupported("footnotes with tags in a document of several sections")
            source = tpl.patch_xml(text)
            self._listing = self._listing or bool(_LISTING.search(source))
            parts.append(_Part(part.partname[1:], _compile(self._env, source), b""))
        return parts

    def _prepare_properties(self, document: Any) -> dict[str, Template]:
        """Set the static properties as docxtpl does; return the templated ones."""
        properties = document.core_properties
        templated: dict[str, Template] = {}
        for name in _PROPERTIES:
            template = self._env.from_string(getattr(properties, name))
            if "{" in getattr(properties, name):
                templated[name] = template
            else:
                setattr(properties, name, template.render({}))
        self._core_name = str(document.part.package._core_properties_part.partname)[1:]
        return templated

    def _attach_data(self, document: Any) -> tuple[str, str]:
        """Attach a data part as render.embed does, to learn its names (the content is per
        row; the relationships and content types it adds are the same for every row)."""
        sample = {"form": "", "schema_version": 0, "agency": "", "generator": "", "key": ""}
        before = {str(p.partname) for p in document.part.package.iter_parts()}
        embed_data(document, {**sample, "data": {}})
        added = {str(p.partname) for p in document.part.package.iter_parts()} - before
        item = next(n for n in added if "Props" not in n)
        props = next(n for n in added if "Props" in n)
        return item[1:], props[1:]

    def _prepare_package(self, document: Any) -> tuple[list[Member | None], dict[str, int]]:
        """The skeleton's parts, deflated once; None where a part is made per row."""
        import zipfile

        buffer = io.BytesIO()
        document.save(buffer)
        per_row = {"word/document.xml", *self._data_names, *(p.name for p in self._parts)}
        if self._properties:
            per_row.add(self._core_name)
        members: list[Member | None] = []
        slots: dict[str, int] = {}
        with zipfile.ZipFile(buffer) as package:
            for name in package.namelist():
                content = package.read(name)
                if name == self._core_name:
                    self._core_xml = content
                if name in per_row:
                    slots[name] = len(members)
                    members.append(None)
                    continue
                if name == "docProps/core.xml":
                    content = _MODIFIED.sub(_FIXED_MODIFIED, content)
                members.append(Member.deflate(name, content))
        if "word/document.xml" not in slots:
            raise Unsupported("the main document is not word/document.xml")
        missing = per_row - set(slots)
        if missing:
            raise Unsupported(f"parts not found in the package: {sorted(missing)}")
        return members, slots

    # --- rendering ---------------------------------------------------------------------------

    def render(
        self, context: dict[str, Any], metadata: dict[str, Any], texts: list[str] | None = None
    ) -> bytes:
        """The finished document; raises Unsupported when this template's first document shows
        that the engine cannot make it (the caller then renders with docxtpl). `texts`: the
        context's texts, when the caller has them already (`plain_texts`)."""
        if texts is None:
            texts = plain_texts(context) or []
        members: list[Member | None] = [None] * len(self._slots)
        odd = self._listing or _odd_values(texts)
        members[self._order["word/document.xml"]] = Member.deflate(
            "word/document.xml", self._document_xml(context, odd), ROW_LEVEL
        )
        for part in self._parts:
            xml = _post_process(self._docxtpl, part.template.render(context), odd)
            members[self._order[part.name]] = Member.deflate(
                part.name, part.declaration + xml.encode("utf-8"), ROW_LEVEL
            )
        if self._properties:
            members[self._order[self._core_name]] = Member.deflate(
                self._core_name, self._core_properties(context), ROW_LEVEL
            )
        item, props = self._data_names
        members[self._order[item]] = Member.deflate(item, data_xml(metadata), ROW_LEVEL)
        members[self._order[props]] = Member.deflate(
            props, props_xml(item_id(metadata)), ROW_LEVEL
        )
        return self._skeleton.write([m for m in members if m is not None])

    def _document_xml(self, context: dict[str, Any], odd: bool) -> bytes:
        body = _post_process(self._docxtpl, self._body.render(context), odd)
        if odd and _NOT_XML.search(body):
            return self._prefix + self._through_tree(body).encode("utf-8") + self._suffix
        if self._tree is None:
            self._tree = self._needs_tree(body)
        if self._tree:
            body = self._through_tree(body)
        return self._prefix + body.encode("utf-8") + self._suffix

    def _standalone(self, body: str) -> str:
        """The body as an XML document of its own (with its namespace declarations)."""
        if not self._declarations:
            return body
        return body.replace("<w:body>", f"<w:body{self._declarations}>", 1)

    def _needs_tree(self, body: str) -> bool:
        """Whether docxtpl's fix-up changes this template's documents (checked once)."""
        body = self._standalone(body)
        try:
            plain = etree.fromstring(body)
        except etree.XMLSyntaxError as exc:
            raise Unsupported(f"the rendered document is not well-formed XML: {exc}") from exc
        if plain.xpath("//*[local-name()='docPr']"):
            return True
        fixed = self._docxtpl.fix_tables(body)
        return etree.tostring(fixed) != etree.tostring(plain)

    def _through_tree(self, body: str) -> str:
        """docxtpl's own path: parse (recovering), fix table grids, renumber picture ids."""
        tree = self._docxtpl.fix_tables(self._standalone(body))
        self._docxtpl.docx_ids_index = 1000
        self._docxtpl.fix_docpr_ids(tree)
        return etree.tostring(tree, encoding="unicode")

    def _core_properties(self, context: dict[str, Any]) -> bytes:
        element = parse_xml(self._core_xml)
        properties = CoreProperties(element)
        for name, template in self._properties.items():
            setattr(properties, name, template.render(context))
        xml = etree.tostring(element, encoding="UTF-8", standalone=True)
        return _MODIFIED.sub(_FIXED_MODIFIED, xml)
