"""documents: one value, written as the specification's XML or as its JSON (Spark convention)."""

import json
import xml.etree.ElementTree as ET

import pytest

from open311.documents import Document, render


def test_lists_become_items_and_empty_values_empty_elements():
    document = Document("service_requests", [{"service_request_id": "abc", "account_id": None, "flag": True}])
    root = ET.fromstring(render(document, "xml"))  # noqa: S314 (written by the code under test)
    assert [child.tag for child in root] == ["request"]
    assert [(child.tag, child.text) for child in root[0]] == [
        ("service_request_id", "abc"),
        ("account_id", None),
        ("flag", "true"),
    ]
    assert json.loads(render(document, "json")) == [{"service_request_id": "abc", "account_id": None, "flag": True}]


def test_characters_xml_cannot_carry_are_dropped_and_markup_is_escaped():
    text = "Tolong\x00 <b>segera</b> \x1b datang & cek\ufffe"
    xml = render(Document("errors", [{"code": 400, "description": text}]), "xml")
    root = ET.fromstring(xml)  # noqa: S314 (written by the code under test)
    assert root.findtext("error/description") == "Tolong <b>segera</b>  datang & cek"
    assert b"&lt;b&gt;" in xml


def test_utf8_both_ways():
    document = Document("services", [{"service_name": "Kekerasan — anak"}])
    assert "Kekerasan — anak".encode() in render(document, "xml")
    assert "Kekerasan — anak".encode() in render(document, "json")


def test_an_unknown_type_is_an_error_not_a_guess():
    with pytest.raises(TypeError):
        render(Document("services", [{"when": object()}]), "xml")
