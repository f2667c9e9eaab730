"""Zip-level work on OOXML packages (DOCX, XLSX): deterministic output, data parts."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from lxml import etree

from .embed import CUSTOM_XML_PROPS_TYPE, data_xml, item_id, props_xml

_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_CUSTOM_XML_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
_CUSTOM_XML_PROPS_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps"
)


def normalise_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed timestamps so identical input gives identical bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            blob = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                # openpyxl stamps the save time here; a document's content, not its save
                # time, decides whether it changed.
                blob = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>2000-01-01T00:00:00Z\g<2>",
                    blob,
                )
            target.writestr(info, blob)
    return out.getvalue()


def _rels(xml: bytes, rel_type: str, target: str) -> bytes:
    root = etree.fromstring(xml)
    ids = {r.get("Id") for r in root}
    n = 1
    while f"rIdLvye{n}" in ids:
        n += 1
    etree.SubElement(
        root, f"{{{_RELS_NS}}}Relationship", Id=f"rIdLvye{n}", Type=rel_type, Target=target
    )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def add_custom_xml(data: bytes, metadata: dict[str, Any], *, main_rels: str) -> bytes:
    """Add our data as customXml/item1.xml (with its properties part) to a package.

    `main_rels` is the relationships part of the main document (xl/_rels/workbook.xml.rels for
    a workbook), which is where Office looks for custom XML.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    n = 1
    while f"customXml/item{n}.xml" in names:
        n += 1
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            blob = source.read(name)
            if name == main_rels:
                blob = _rels(blob, _CUSTOM_XML_REL, f"../customXml/item{n}.xml")
            elif name == "[Content_Types].xml":
                types = etree.fromstring(blob)
                etree.SubElement(
                    types,
                    f"{{{_TYPES_NS}}}Override",
                    PartName=f"/customXml/itemProps{n}.xml",
                    ContentType=CUSTOM_XML_PROPS_TYPE,
                )
                blob = etree.tostring(
                    types, xml_declaration=True, encoding="UTF-8", standalone=True
                )
            target.writestr(name, blob)
        target.writestr(f"customXml/item{n}.xml", data_xml(metadata))
        target.writestr(f"customXml/itemProps{n}.xml", props_xml(item_id(metadata)))
        empty = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="%s"/>'
            % _RELS_NS.encode()
        )
        target.writestr(
            f"customXml/_rels/item{n}.xml.rels",
            _rels(empty, _CUSTOM_XML_PROPS_REL, f"itemProps{n}.xml"),
        )
    return out.getvalue()
