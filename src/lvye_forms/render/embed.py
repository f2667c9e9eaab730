"""The data a document carries: form id, schema version and the validated record.

In a DOCX it is a custom XML part (``customXml/itemN.xml``, the standard place for data bound
to a Word document), so Word, WPS and LibreOffice keep it and tools can read it without
looking at the layout. The record is JSON inside one XML element.
"""

from __future__ import annotations

import json
import uuid
import zipfile
from pathlib import Path
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from lxml import etree

NAMESPACE = "urn:lvye-forms:data:1"
CUSTOM_XML_PROPS_TYPE = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
_DS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"


class NoEmbeddedData(ValueError):
    """The file was not made by lvye-forms, or its data part was removed."""


def data_xml(metadata: dict[str, Any]) -> bytes:
    root = etree.Element(f"{{{NAMESPACE}}}document", nsmap={None: NAMESPACE})
    for key in ("form", "schema_version", "agency", "generator"):
        root.set(key.replace("_", "-"), str(metadata[key]))
    data = etree.SubElement(root, f"{{{NAMESPACE}}}data")
    data.text = json.dumps(metadata["data"], ensure_ascii=False, sort_keys=False)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def props_xml(item_id: str) -> bytes:
    root = etree.Element(f"{{{_DS}}}datastoreItem", nsmap={"ds": _DS})
    root.set(f"{{{_DS}}}itemID", "{" + item_id.upper() + "}")
    refs = etree.SubElement(root, f"{{{_DS}}}schemaRefs")
    etree.SubElement(refs, f"{{{_DS}}}schemaRef").set(f"{{{_DS}}}uri", NAMESPACE)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def item_id(metadata: dict[str, Any]) -> str:
    """A stable id from the record's identity, so re-rendering gives identical bytes."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{NAMESPACE}/{metadata['form']}/{metadata['key']}"))


def embed_data(document: Any, metadata: dict[str, Any]) -> None:
    """Attach `metadata` to a python-docx Document as a custom XML part (with its properties)."""
    package = document.part.package
    existing = {str(p.partname) for p in package.iter_parts()}
    n = 1
    while f"/customXml/item{n}.xml" in existing:
        n += 1
    item = Part(PackURI(f"/customXml/item{n}.xml"), "application/xml", data_xml(metadata), package)
    props_part = props_xml(item_id(metadata))
    props = Part(
        PackURI(f"/customXml/itemProps{n}.xml"), CUSTOM_XML_PROPS_TYPE, props_part, package
    )
    item.relate_to(props, RT.CUSTOM_XML_PROPS)
    document.part.relate_to(item, RT.CUSTOM_XML)


def read_embedded(path: Path) -> dict[str, Any]:
    """{"form", "schema_version", "agency", "generator", "data"} from a document we made.

    Raises NoEmbeddedData when the file holds no lvye-forms data, zipfile.BadZipFile when it
    is not a DOCX/XLSX package at all.
    """
    with zipfile.ZipFile(path) as package:
        for name in sorted(package.namelist()):
            if not (name.startswith("customXml/item") and "Props" not in name):
                continue
            root = etree.fromstring(package.read(name))
            if root.tag != f"{{{NAMESPACE}}}document":
                continue
            data = root.find(f"{{{NAMESPACE}}}data")
            return {
                "form": root.get("form"),
                "schema_version": int(root.get("schema-version", "1")),
                "agency": root.get("agency", ""),
                "generator": root.get("generator", ""),
                "data": json.loads(data.text or "{}") if data is not None else {},
            }
    raise NoEmbeddedData(str(path))
