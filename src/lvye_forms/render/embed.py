"""The data a document carries: form id, schema version and the validated record.

In a DOCX it is a custom XML part (``customXml/itemN.xml``, the standard place for data bound
to a Word document), so Word, WPS and LibreOffice keep it and tools can read it without
looking at the layout. The record is JSON inside one XML element.
"""

from __future__ import annotations

import json
import uuid
import zipfile
import zlib
from pathlib import Path
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from lxml import etree

from .. import limits
from ..errors import Code
from ..i18n import t

NAMESPACE = "urn:lvye-forms:data:1"
CUSTOM_XML_PROPS_TYPE = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
_DS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"


class NoEmbeddedData(ValueError):
    """The file was not made by lvye-forms, or its data part was removed."""


class BadEmbeddedData(ValueError):
    """The file carries a lvye-forms data part that cannot be used; `str(exc)` says why.

    `code` is Code.UNREADABLE, or Code.FILE_TOO_LARGE when a size limit refused it.
    """

    def __init__(self, reason: str, *, code: Code = Code.UNREADABLE) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


_HEAD_BYTES = 4096  # enough to see our namespace on the root element
_XML_PARSER_OPTIONS: dict[str, Any] = {
    # The part is at most MAX_EMBEDDED_BYTES, so libxml2's 10 MB text limit need not apply;
    # entities and DTDs stay off, so nothing can expand or fetch.
    "huge_tree": True,
    "resolve_entities": False,
    "load_dtd": False,
    "no_network": True,
}


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


def _parse_data(name: str, data: bytes) -> dict[str, Any]:
    try:
        root = etree.fromstring(data, etree.XMLParser(**_XML_PARSER_OPTIONS))
    except etree.XMLSyntaxError as exc:
        raise BadEmbeddedData(
            t(
                f"文档中的数据部分（{name}）不是有效的 XML，已损坏：{exc}",
                f"the data part of the document ({name}) is not valid XML: {exc}",
            )
        ) from exc
    if root.tag != f"{{{NAMESPACE}}}document":
        raise _NotOurs
    form = root.get("form")
    if not form:
        raise BadEmbeddedData(
            t(
                f"文档中的数据部分（{name}）没有表单编号，已损坏",
                f"the data part of the document ({name}) has no form id",
            )
        )
    version_text = root.get("schema-version", "1")
    try:
        version = int(version_text)
    except ValueError:
        raise BadEmbeddedData(
            t(
                f"文档中的数据部分（{name}）的版本号「{version_text}」不是整数",
                f"the data part of the document ({name}) has a schema version that is not a "
                f"whole number: {version_text!r}",
            )
        ) from None
    element = root.find(f"{{{NAMESPACE}}}data")
    payload: Any = {}
    if element is not None:
        try:
            payload = json.loads(element.text or "{}")
        except (ValueError, RecursionError) as exc:
            raise BadEmbeddedData(
                t(
                    f"文档中的数据部分（{name}）不是有效的 JSON：{str(exc)[:200]}",
                    f"the data part of the document ({name}) is not valid JSON: {str(exc)[:200]}",
                )
            ) from exc
    if not isinstance(payload, dict):
        kind = type(payload).__name__
        raise BadEmbeddedData(
            t(
                f"文档中的数据部分（{name}）应为一条记录（JSON 对象），实际是 {kind}",
                f"the data part of the document ({name}) should be one record (a JSON object), "
                f"not a {kind}",
            )
        )
    return {
        "form": form,
        "schema_version": version,
        "agency": root.get("agency", ""),
        "generator": root.get("generator", ""),
        "data": payload,
    }


class _NotOurs(Exception):
    """A custom XML part that some other program put there."""


def _read_part(package: zipfile.ZipFile, name: str) -> bytes | None:
    """The part's bytes when it is (by its first bytes) our data part, else None."""
    info = package.getinfo(name)
    what = t(f"数据部分（{name}）", f"data part ({name})")
    with package.open(info) as stream:
        head = stream.read(_HEAD_BYTES)
        if NAMESPACE.encode() not in head:
            return None
        if info.file_size > limits.MAX_EMBEDDED_BYTES:
            raise limits.too_large(what, info.file_size, limits.MAX_EMBEDDED_BYTES)
        bounded = limits.BoundedStream(stream, limits.MAX_EMBEDDED_BYTES - len(head), what)
        return head + bounded.read()


def read_embedded(path: Path) -> dict[str, Any]:
    """{"form", "schema_version", "agency", "generator", "data"} from a document we made.

    Raises NoEmbeddedData when the file holds no lvye-forms data (also for an old-format or
    password-protected Office file, which cannot hold any), zipfile.BadZipFile when it is not
    a DOCX/XLSX package at all, BadEmbeddedData (a ValueError) when the data part is there but
    unusable or over its limit (`exc.code` is then Code.FILE_TOO_LARGE), OSError when the file
    cannot be opened. `str(exc)` says why in each case.
    """
    kind = path.suffix.lower() or ".docx"
    if path.exists() and not path.is_file() and not path.is_dir():
        # a pipe would block for ever, a device never end
        raise BadEmbeddedData(t("这不是普通文件（可能是管道或设备）", "not a regular file"))
    try:
        with (
            path.open("rb") as stream,
            limits.open_package(stream, lambda name: None, kind=kind) as package,
        ):
            for name in sorted(package.namelist()):
                if not (name.startswith("customXml/item") and "Props" not in name):
                    continue
                data = _read_part(package, name)
                if data is None:
                    continue
                try:
                    return _parse_data(name, data)
                except _NotOurs:
                    continue
    except limits.NotAPackage as exc:
        if exc.ole:
            raise NoEmbeddedData(f"{path}: {exc}") from exc
        raise zipfile.BadZipFile(str(exc)) from exc
    except limits.PackageRefused as exc:
        raise BadEmbeddedData(str(exc), code=exc.code) from exc
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error) as exc:
        # a member that lies about its size or CRC, or uses a method zipfile cannot read
        raise BadEmbeddedData(
            t(f"文件已损坏，无法读取：{exc}", f"the file is damaged and cannot be read: {exc}")
        ) from exc
    raise NoEmbeddedData(str(path))
